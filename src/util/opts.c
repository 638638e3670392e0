/* The option binder of opts.h: one pass over argv, each value checked by its kind. No allocation. */
#include "opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static int fail(char *err, size_t errlen, const char *what, size_t n, const char *value,
		const char *why)
{
	if (value)
		snprintf(err, errlen, "invalid %.*s '%s': %s", (int)n, what, value, why);
	else
		snprintf(err, errlen, "option '%.*s' %s", (int)n, what, why);
	return -1;
}

const opt_spec *opt_find(const opt_spec *specs, const char *arg, size_t len)
{
	for (const opt_spec *s = specs; s->name; s++)
		if ((strlen(s->name) == len && !strncmp(s->name, arg, len)) ||
		    (s->alias && strlen(s->alias) == len && !strncmp(s->alias, arg, len)))
			return s;
	return NULL;
}

int opt_takes_value(const opt_spec *s)
{
	return s->kind == OPT_STRING || s->kind == OPT_LONG || s->kind == OPT_CHOICE ||
	       s->kind == OPT_CALL;
}

int opt_bind_one(const opt_spec *s, void *base, const char *value, char *err, size_t errlen)
{
	void *target = (char *)base + s->offset;
	const char *what = s->subject ? s->subject : s->name;
	char why[200];
	size_t n = strlen(what);

	switch (s->kind) {
	case OPT_BOOL:
		*(int *)target = 1;
		return 0;
	case OPT_STRING:
		*(const char **)target = value;
		return 0;
	case OPT_LONG: {
		char *end;
		long v;

		errno = 0;
		v = strtol(value, &end, 10);
		if (!*value || *end || errno || v < s->min || v > s->max) {
			if (s->expect)
				return fail(err, errlen, what, n, value, s->expect);
			snprintf(why, sizeof(why), "expected a number from %ld to %ld", s->min,
				 s->max);
			return fail(err, errlen, what, n, value, why);
		}
		*(long *)target = v;
		return 0;
	}
	case OPT_CHOICE: {
		size_t used = 0;

		for (int i = 0; s->choices[i]; i++)
			if (!strcmp(s->choices[i], value)) {
				*(int *)target = i;
				return 0;
			}
		used = (size_t)snprintf(why, sizeof(why), "expected ");
		for (int i = 0; s->choices[i] && used < sizeof(why); i++)
			used += (size_t)snprintf(why + used, sizeof(why) - used, "%s%s",
						 i == 0		     ? ""
						 : s->choices[i + 1] ? ", "
								     : " or ",
						 s->choices[i]);
		return fail(err, errlen, what, n, value, why);
	}
	case OPT_CALL:
		if (s->call(value, target, why, sizeof(why)) == 0)
			return 0;
		return fail(err, errlen, what, n, value, why);
	case OPT_HELP:
	case OPT_VERSION:
		return 0;
	}
	return -1;
}

int opt_parse(const opt_spec *specs, void *base, int argc, char **argv, char *err, size_t errlen)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq = strchr(arg, '='), *value = NULL;
		size_t len = eq && arg[0] == '-' && arg[1] == '-' ? (size_t)(eq - arg)
								  : strlen(arg);
		const opt_spec *s = opt_find(specs, arg, len);

		if (!s) {
			snprintf(err, errlen, "unknown option '%s'", arg);
			return -1;
		}
		if (opt_takes_value(s)) {
			if (arg[len] == '=')
				value = arg + len + 1;
			else if (i + 1 < argc)
				value = argv[++i];
			else
				return fail(err, errlen, arg, len, NULL, "needs a value");
		} else if (arg[len] == '=') {
			return fail(err, errlen, arg, len, NULL, "takes no value");
		}
		if (s->kind == OPT_HELP)
			return OPT_STOP_HELP;
		if (s->kind == OPT_VERSION)
			return OPT_STOP_VERSION;
		if (opt_bind_one(s, base, value, err, errlen) < 0)
			return -1;
	}
	return 0;
}

void opt_synopsis(FILE *out, const opt_spec *specs, size_t width, size_t indent)
{
	size_t col = indent;

	for (const opt_spec *s = specs; s->name; s++) {
		char item[128];
		int n;

		if (s->hidden)
			continue;
		n = snprintf(item, sizeof(item), "[%s%s%s]", s->name, s->metavar ? " " : "",
			     s->metavar ? s->metavar : "");
		if (n < 0)
			continue;
		if (col > indent && col + 1 + (size_t)n > width) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		}
		fprintf(out, "%s%s", col > indent ? " " : "", item);
		col += (col > indent ? 1 : 0) + (size_t)n;
	}
	fputc('\n', out);
}

void opt_help(FILE *out, const opt_spec *specs, size_t col)
{
	for (const opt_spec *s = specs; s->name; s++) {
		const char *h = s->help ? s->help : "";
		int n;

		if (s->alias)
			n = fprintf(out, "  %s, %s%s%s", s->alias, s->name, s->metavar ? " " : "",
				    s->metavar ? s->metavar : "");
		else
			n = fprintf(out, "  %s%s%s", s->name, s->metavar ? " " : "",
				    s->metavar ? s->metavar : "");
		if (n < 0)
			return;
		if ((size_t)n + 2 > col)
			fprintf(out, "\n%*s", (int)col, "");
		else
			fprintf(out, "%*s", (int)(col - (size_t)n), "");
		for (const char *nl; (nl = strchr(h, '\n')); h = nl + 1)
			fprintf(out, "%.*s\n%*s", (int)(nl - h), h, (int)col, "");
		fprintf(out, "%s\n", h);
	}
}
