/*
 * Command arguments: name=value, --name value, --name=value; checked against the command table
 * before anything is sent. Holds no wire fact and never prints: errors go back as text.
 */
#include "cli/args.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "cli/suggest.h"
#include "util/buf.h"

#include "util/banned.h"

int cli_bool_parse(const char *text, int *out)
{
	if (strcasecmp(text, "true") == 0) {
		*out = 1;
		return 0;
	}
	if (strcasecmp(text, "false") == 0) {
		*out = 0;
		return 0;
	}
	return -1;
}

void cli_args_release(cli_args *a)
{
	for (int i = 0; i < CLI_MAX_ARGS; i++)
		cli_strlist_release(&a->list[i]);
	cli_strlist_release(&a->dups);
	free((void *)a->operands);
	memset(a, 0, sizeof(*a));
}

int cli_args_index(const cli_args *a, const char *name)
{
	int i = cli_command_arg_index(a->cmd, name);

	assert(i >= 0);
	return i;
}

const char *cli_args_get(const cli_args *a, const char *name)
{
	return a->value[cli_args_index(a, name)];
}

/* "a, b, c" from a NULL-terminated list, into b. */
static void join_names(ppsbuf *b, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		ppsbuf_addf(b, "%s%s", i ? ", " : "", names[i]);
}

/* Names people give these arguments: the left means the right (when the command has it). */
static const char *const arg_aliases[][2] = {
	{ "folder", "folder_name" }, { "from", "sender" },    { "to", "recipient" },
	{ "since", "start_time" },   { "until", "end_time" }, { "start", "start_time" },
	{ "end", "end_time" },	     { "max", "limit" },      { "count", "limit" },
	{ "file", "out" },	     { "output", "out" },     { "target", "target_folder" },
	{ "mail", "email" },	     { "address", "email" },  { "id", "guid" },
};

static void unknown_arg(const cli_command *cmd, const char *name, char *err, size_t errlen)
{
	ppsbuf b = PPSBUF_INIT;
	cli_suggestion sug = CLI_SUGGESTION_INIT;
	const char *best;

	for (size_t i = 0; cmd->args[i].name; i++) {
		cli_suggest_consider(&sug, name, cmd->args[i].name);
		for (size_t k = 0; k < sizeof(arg_aliases) / sizeof(arg_aliases[0]); k++)
			if (!strcmp(arg_aliases[k][1], cmd->args[i].name))
				cli_suggest_alias(&sug, name, arg_aliases[k][0], cmd->args[i].name);
	}
	best = cli_suggest_result(&sug, name);
	if (best) {
		snprintf(err, errlen, "unknown argument '%s' for %s: did you mean '%s'?", name,
			 cmd->name, best);
		return;
	}
	for (size_t i = 0; cmd->args[i].name; i++)
		ppsbuf_addf(&b, "%s%s", i ? ", " : "", cmd->args[i].name);
	if (b.len)
		snprintf(err, errlen, "unknown argument '%s' for %s; valid arguments: %s", name,
			 cmd->name, b.buf);
	else
		snprintf(err, errlen, "unknown argument '%s': %s takes no arguments", name,
			 cmd->name);
	ppsbuf_release(&b);
}

/* Records one name/value pair; -1 with err on an unknown or repeated name. */
static int set_value(cli_args *out, const char *name, const char *value, char *err, size_t errlen)
{
	int i = cli_command_arg_index(out->cmd, name);

	if (i < 0) {
		unknown_arg(out->cmd, name, err, errlen);
		return -1;
	}
	if (out->given[i]) {
		snprintf(err, errlen, "argument '%s' given twice", out->cmd->args[i].name);
		return -1;
	}
	out->given[i] = 1;
	/* An empty value is an unset argument, as the reference treats it. */
	out->value[i] = value[0] ? value : NULL;
	return 0;
}

/* Copies the name of "--name[=value]" or "name=value" (len bytes) into name; -1 if too long. */
static int word_name(char *name, size_t size, const char *w, size_t len)
{
	if (len >= size)
		return -1;
	memcpy(name, w, len);
	name[len] = '\0';
	return 0;
}

int cli_args_words(const cli_command *cmd, int argc, const char *const *argv, int k)
{
	const char *w = argv[k];
	const char *eq;
	char name[64];
	int i, b;

	if (w[0] != '-' || (cmd->operands && !w[1]))
		return 1; /* name=value (or a word that is not one, which parsing reports), an
			     operand */
	if (w[1] != '-' || !w[2])
		return 0; /* -o, -v, -: not an argument of the command */
	eq = strchr(w + 2, '=');
	if (word_name(name, sizeof(name), w + 2, eq ? (size_t)(eq - w - 2) : strlen(w + 2)) < 0)
		return 0;
	i = cli_command_arg_index(cmd, name);
	if (i < 0)
		return 0;
	if (eq)
		return 1;
	/* --force alone means true; --force false is allowed too. Any other takes a value. */
	if (cmd->args[i].kind == CLI_ARG_BOOL)
		return k + 1 < argc && cli_bool_parse(argv[k + 1], &b) == 0 ? 2 : 1;
	return k + 1 < argc ? 2 : 1;
}

/*
 * A word of a command that takes operands is one unless it is "--name..." or "name=value" with
 * a name of the command ("-" is standard input; a file named like an option is ./-x).
 */
static int is_operand(const cli_command *cmd, const char *w)
{
	const char *eq = strchr(w, '=');
	char name[64];

	if (!cmd->operands || (w[0] == '-' && w[1]))
		return 0;
	if (!eq || eq == w || word_name(name, sizeof(name), w, (size_t)(eq - w)) < 0)
		return 1;
	return cli_command_arg_index(cmd, name) < 0;
}

static int add_operand(cli_args *out, const char *w, int argc, char *err, size_t errlen)
{
	if (!out->operands) {
		out->operands = calloc((size_t)argc, sizeof(*out->operands));
		if (!out->operands) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	out->operands[out->noperands++] = w;
	return 0;
}

/* Collects the words into value[]: each argument is the words cli_args_words says it is. */
static int collect(cli_args *out, int argc, const char *const *argv, char *err, size_t errlen)
{
	char name[64];

	for (int k = 0; k < argc;) {
		const char *w = argv[k];
		int n = cli_args_words(out->cmd, argc, argv, k);
		const char *eq;
		int i;

		if (is_operand(out->cmd, w)) {
			if (add_operand(out, w, argc, err, errlen))
				return -1;
			k++;
			continue;
		}
		if (n == 0 && w[1] == '-' && w[2]) {
			eq = strchr(w + 2, '=');
			if (word_name(name, sizeof(name), w + 2,
				      eq ? (size_t)(eq - w - 2) : strlen(w + 2)) < 0)
				unknown_arg(out->cmd, w + 2, err, errlen);
			else
				unknown_arg(out->cmd, name, err, errlen);
			return -1;
		}
		if (n == 0) {
			snprintf(err, errlen,
				 "unexpected argument '%s' for %s: expected name=value", w,
				 out->cmd->name);
			return -1;
		}
		if (w[0] == '-') {
			w += 2;
			eq = strchr(w, '=');
			word_name(name, sizeof(name), w, eq ? (size_t)(eq - w) : strlen(w));
			i = cli_command_arg_index(out->cmd, name);
			if (eq)
				w = eq + 1;
			else if (n == 2)
				w = argv[k + 1];
			else if (out->cmd->args[i].kind == CLI_ARG_BOOL)
				w = "true";
			else {
				snprintf(err, errlen, "argument '--%s' needs a value", name);
				return -1;
			}
		} else {
			eq = strchr(w, '=');
			if (!eq || eq == w) {
				snprintf(err, errlen,
					 "unexpected argument '%s' for %s: expected name=value", w,
					 out->cmd->name);
				return -1;
			}
			if (word_name(name, sizeof(name), w, (size_t)(eq - w)) < 0) {
				unknown_arg(out->cmd, w, err, errlen);
				return -1;
			}
			w = eq + 1;
		}
		if (set_value(out, name, w, err, errlen))
			return -1;
		k += n;
	}
	return 0;
}

static int check_choice(cli_args *out, int i, char *err, size_t errlen)
{
	const cli_arg_spec *s = &out->cmd->args[i];
	ppsbuf b = PPSBUF_INIT;

	for (size_t c = 0; s->choices[c]; c++) {
		if (strcasecmp(out->value[i], s->choices[c]) == 0) {
			out->value[i] = s->choices[c];
			return 0;
		}
	}
	join_names(&b, s->choices);
	snprintf(err, errlen, "invalid %s '%s': expected one of %s%s", s->name, out->value[i],
		 b.buf, cli_suggest_choice(out->value[i], s->choices));
	ppsbuf_release(&b);
	return -1;
}

static int check_value(cli_args *out, int i, int64_t now, FILE *in, char *err, size_t errlen)
{
	const cli_arg_spec *s = &out->cmd->args[i];
	const char *v;

	if (s->choices && check_choice(out, i, err, errlen))
		return -1;
	v = out->value[i];
	switch (s->kind) {
	case CLI_ARG_STRING:
		return 0;
	case CLI_ARG_BOOL:
		if (cli_bool_parse(v, &out->boolean[i]) == 0)
			return 0;
		snprintf(err, errlen, "invalid %s '%s': expected one of true, false", s->name, v);
		return -1;
	case CLI_ARG_INT: {
		char *end = NULL;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n <= 0) {
			snprintf(err, errlen, "invalid %s '%s': expected a positive integer",
				 s->name, v);
			return -1;
		}
		out->number[i] = n;
		return 0;
	}
	case CLI_ARG_TIME: {
		char why[256];

		if (pps_time_parse_why(&out->time[i], v, now, why, sizeof(why)) == 0)
			return 0;
		snprintf(err, errlen, "invalid %s '%s': %s", s->name, v, why);
		return -1;
	}
	case CLI_ARG_JSON: {
		json_error_t jerr;
		json_t *j = json_loads(v, JSON_REJECT_DUPLICATES, &jerr);
		int bad = !j || !json_is_object(j);

		json_decref(j);
		if (!bad)
			return 0;
		snprintf(err, errlen, "invalid %s '%s': expected a JSON object", s->name, v);
		return -1;
	}
	case CLI_ARG_GUIDLIST: {
		char why[256];

		if (strcmp(v, "-") == 0 || v[0] == '@')
			out->from_file = 1;
		if (cli_guids_from_arg(&out->list[i], v, in, why, sizeof(why)) == 0)
			return 0;
		snprintf(err, errlen, "invalid %s '%s': %s", s->name, v, why);
		return -1;
	}
	case CLI_ARG_LIST: {
		char why[256];

		if (cli_folders_from_arg(&out->list[i], &out->dups, v, why, sizeof(why)) == 0)
			return 0;
		snprintf(err, errlen, "invalid %s '%s': %s", s->name, v, why);
		return -1;
	}
	}
	return 0;
}

/* A start_time after the end_time finds nothing: a usage error rather than a silent empty list. */
static int check_window(const cli_args *a, char *err, size_t errlen)
{
	int from = cli_command_arg_index(a->cmd, "start_time");
	int to = cli_command_arg_index(a->cmd, "end_time");

	if (from < 0 || to < 0 || !a->value[from] || !a->value[to])
		return 0;
	if (a->time[from].epoch <= a->time[to].epoch)
		return 0;
	snprintf(err, errlen, "start_time '%s' is after end_time '%s': nothing can match",
		 a->value[from], a->value[to]);
	return -1;
}

int cli_args_parse(cli_args *out, const cli_command *cmd, int argc, const char *const *argv,
		   int64_t now, FILE *in, char *err, size_t errlen)
{
	size_t n = cli_command_nargs(cmd);

	assert(n <= CLI_MAX_ARGS);
	memset(out, 0, sizeof(*out));
	out->cmd = cmd;
	if (collect(out, argc, argv, err, errlen))
		goto fail;
	if (cmd->operands && !out->noperands) {
		snprintf(err, errlen, "%s needs %s: the files to read, - for standard input",
			 cmd->name, cmd->operands);
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		if (!out->value[i] && cmd->args[i].required) {
			snprintf(err, errlen, "missing required argument '%s' for %s",
				 cmd->args[i].name, cmd->name);
			goto fail;
		}
	}
	if (cmd->one_of) {
		int any = 0;

		for (size_t k = 0; cmd->one_of[k]; k++)
			any |= out->value[cli_command_arg_index(cmd, cmd->one_of[k])] != NULL;
		if (!any) {
			snprintf(err, errlen, "%s", cmd->one_of_msg);
			goto fail;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!out->value[i])
			out->value[i] = cmd->args[i].def;
		if (out->value[i] && check_value(out, (int)i, now, in, err, errlen))
			goto fail;
	}
	if (check_window(out, err, errlen))
		goto fail;
	return 0;
fail:
	/* Lists parsed before the failing argument (a default folder list) are freed here. */
	cli_args_release(out);
	return -1;
}

void cli_field_set(void *req, size_t field, const char *value)
{
	memcpy((char *)req + field, &value, sizeof(value));
}

void cli_args_bind(const cli_args *a, void *req)
{
	char *base = req;

	for (int i = 0; a->cmd->args[i].name; i++) {
		const cli_arg_spec *s = &a->cmd->args[i];
		pps_flag flag;

		if (!s->bound || !a->value[i])
			continue;
		switch (s->kind) {
		case CLI_ARG_STRING:
		case CLI_ARG_JSON:
			assert(s->field_size == sizeof(const char *));
			cli_field_set(req, s->field, a->value[i]);
			break;
		case CLI_ARG_TIME:
			assert(s->field_size == sizeof(pps_instant));
			memcpy(base + s->field, &a->time[i], sizeof(pps_instant));
			break;
		case CLI_ARG_BOOL:
			assert(s->field_size == sizeof(pps_flag));
			flag = a->boolean[i] ? PPS_FLAG_TRUE : PPS_FLAG_FALSE;
			memcpy(base + s->field, &flag, sizeof(flag));
			break;
		case CLI_ARG_INT:
			assert(s->field_size == sizeof(long));
			memcpy(base + s->field, &a->number[i], sizeof(long));
			break;
		case CLI_ARG_GUIDLIST:
		case CLI_ARG_LIST:
			break;
		}
	}
}

const cli_strlist *cli_args_list(const cli_args *a, cli_arg_kind kind, size_t *field)
{
	for (int i = 0; a->cmd->args[i].name; i++) {
		if (a->cmd->args[i].kind == kind && a->cmd->args[i].bound) {
			*field = a->cmd->args[i].field;
			return &a->list[i];
		}
	}
	return NULL;
}
