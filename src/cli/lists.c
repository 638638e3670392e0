/*
 * Lists of strings: GUID and folder lists from comma lists, JSON arrays, or one per line from a
 * file or stdin; duplicates dropped keeping the first. No batching (bulk.c), no wire facts.
 */
#include "cli/lists.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#include "util/banned.h"

/* A GUID list file larger than this is refused rather than read without end. */
#define GUID_INPUT_CAP (64u * 1024 * 1024)

void cli_strlist_release(cli_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
	l->alloc = 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int cli_strlist_add(cli_strlist *l, const char *text, size_t len)
{
	while (len && is_space(*text)) {
		text++;
		len--;
	}
	while (len && is_space(text[len - 1]))
		len--;
	if (!len)
		return 0;
	return cli_strlist_add_raw(l, text, len);
}

int cli_strlist_add_raw(cli_strlist *l, const char *text, size_t len)
{
	char *copy;

	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 16;
		char **ni = realloc(l->items, na * sizeof(*ni));

		if (!ni)
			return -1;
		l->items = ni;
		l->alloc = na;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -1;
	memcpy(copy, text, len);
	copy[len] = '\0';
	l->items[l->n++] = copy;
	return 0;
}

struct slot {
	const char *s;
	size_t index;
};

static int slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	int c = strcmp(x->s, y->s);

	if (c)
		return c;
	return (x->index > y->index) - (x->index < y->index);
}

void cli_strlist_dedup(cli_strlist *l)
{
	struct slot *slots;
	unsigned char *drop;
	size_t w = 0;

	if (l->n < 2)
		return;
	slots = malloc(l->n * sizeof(*slots));
	drop = calloc(l->n, 1);
	if (!slots || !drop) {
		/* Without memory for the sort, fall back to the quadratic scan. */
		free(slots);
		free(drop);
		for (size_t i = 0; i < l->n; i++) {
			int dup = 0;

			for (size_t j = 0; j < w && !dup; j++)
				dup = strcmp(l->items[i], l->items[j]) == 0;
			if (dup)
				free(l->items[i]);
			else
				l->items[w++] = l->items[i];
		}
		l->n = w;
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		slots[i].s = l->items[i];
		slots[i].index = i;
	}
	/* Sorted by text then position: every later equal text is a duplicate of the first. */
	qsort(slots, l->n, sizeof(*slots), slot_cmp);
	for (size_t i = 1; i < l->n; i++)
		if (strcmp(slots[i].s, slots[i - 1].s) == 0)
			drop[slots[i].index] = 1;
	for (size_t i = 0; i < l->n; i++) {
		if (drop[i])
			free(l->items[i]);
		else
			l->items[w++] = l->items[i];
	}
	l->n = w;
	free(slots);
	free(drop);
}

char *cli_strlist_join(const cli_strlist *l, size_t from, size_t count, const char *sep)
{
	ppsbuf b = PPSBUF_INIT;

	for (size_t i = from; i < from + count && i < l->n; i++) {
		if ((i > from && ppsbuf_adds(&b, sep)) || ppsbuf_adds(&b, l->items[i])) {
			ppsbuf_release(&b);
			return NULL;
		}
	}
	return ppsbuf_detach(&b, NULL);
}

int cli_list_split(cli_strlist *l, const char *text)
{
	const char *p = text;

	for (;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		if (cli_strlist_add(l, p, len))
			return -1;
		if (!c)
			return 0;
		p = c + 1;
	}
}

int cli_list_read_lines(cli_strlist *l, FILE *in)
{
	ppsbuf b;
	char chunk[8192];
	size_t n;
	int rc = -1;

	ppsbuf_init(&b, GUID_INPUT_CAP);
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		if (ppsbuf_add(&b, chunk, n))
			goto done;
	if (ferror(in))
		goto done;
	/* A NUL would silently cut a GUID short, and a cut GUID may name another message. */
	if (memchr(b.buf, '\0', b.len)) {
		rc = -2;
		goto done;
	}
	for (char *line = b.buf; *line;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (cli_strlist_add_raw(l, line, len))
			goto done;
		if (!nl)
			break;
		line = nl + 1;
	}
	rc = 0;
done:
	ppsbuf_release(&b);
	return rc;
}

int cli_guids_from_arg(cli_strlist *out, const char *value, FILE *in, char *err, size_t errlen)
{
	if (strcmp(value, "-") == 0) {
		int rc = cli_list_read_lines(out, in);

		if (rc) {
			snprintf(err, errlen, "%s",
				 rc == -2 ? "standard input holds a NUL byte"
					  : "cannot read standard input");
			return -1;
		}
		/* An empty selection read in is no error: the action says so and ends (bulk.c). */
		return 0;
	} else if (value[0] == '@') {
		FILE *f = fopen(value + 1, "r");
		int rc;

		if (!f) {
			snprintf(err, errlen, "cannot open '%s': %s", value + 1, strerror(errno));
			return -1;
		}
		rc = cli_list_read_lines(out, f);
		fclose(f);
		if (rc) {
			snprintf(err, errlen,
				 rc == -2 ? "'%s' holds a NUL byte" : "cannot read '%s'",
				 value + 1);
			return -1;
		}
		return 0;
	} else if (cli_strlist_add_raw(out, value, strlen(value))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < out->n; i++) {
		const char *p = out->items[i];

		while (is_space(*p))
			p++;
		if (*p)
			return 0;
	}
	snprintf(err, errlen, "no GUIDs given");
	return -1;
}

/* Adds to dups, once each, the items of l that an earlier item equals (folder lists are short). */
static int note_dups(const cli_strlist *l, cli_strlist *dups)
{
	for (size_t i = 1; i < l->n; i++) {
		int seen = 0, noted = 0;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(l->items[i], l->items[j]) == 0;
		for (size_t j = 0; j < dups->n && seen && !noted; j++)
			noted = strcmp(l->items[i], dups->items[j]) == 0;
		if (seen && !noted && cli_strlist_add_raw(dups, l->items[i], strlen(l->items[i])))
			return -1;
	}
	return 0;
}

int cli_folders_from_arg(cli_strlist *out, cli_strlist *dups, const char *value, char *err,
			 size_t errlen)
{
	const char *p = value;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '[') {
		json_t *arr = json_loads(p, 0, NULL);
		size_t i;
		json_t *v;

		if (!json_is_array(arr)) {
			json_decref(arr);
			snprintf(err, errlen, "expected a comma list or a JSON array of strings");
			return -1;
		}
		json_array_foreach(arr, i, v)
		{
			const char *s = json_string_value(v);

			if (!s || cli_strlist_add(out, s, strlen(s))) {
				json_decref(arr);
				snprintf(err, errlen,
					 "expected a comma list or a JSON array of strings");
				return -1;
			}
		}
		json_decref(arr);
	} else if (cli_list_split(out, value)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (out->n == 0) {
		snprintf(err, errlen, "no folder given");
		return -1;
	}
	if (note_dups(out, dups)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cli_strlist_dedup(out);
	return 0;
}
