/*
 * What every output format shares: the buffered output stream (errors remembered, reported once),
 * the formats' names, display widths and safe display text, and the records' columns. Prints
 * nothing of its own.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "cli/renderpriv.h"
#include "cli/sanitize.h"
#include "util/buf.h"

#include "util/banned.h"

/* Output is gathered in memory and handed to stdio in pieces of about this size. */
#define FLUSH_AT (64 * 1024)

void cli_out_init(struct cli_out *o, FILE *f)
{
	o->f = f;
	ppsbuf_init(&o->b, 0);
	o->err = ppsbuf_grow(&o->b, FLUSH_AT + 4096) < 0;
}

void cli_out_flush(struct cli_out *o)
{
	if (o->b.len && !o->err && fwrite(o->b.buf, 1, o->b.len, o->f) != o->b.len)
		o->err = 1;
	ppsbuf_reset(&o->b);
}

void cli_out_add(struct cli_out *o, const char *s, size_t n)
{
	if (ppsbuf_add(&o->b, s, n) < 0)
		o->err = 1;
	else if (o->b.len >= FLUSH_AT)
		cli_out_flush(o);
}

void cli_out_adds(struct cli_out *o, const char *s)
{
	cli_out_add(o, s, strlen(s));
}

void cli_out_spaces(struct cli_out *o, size_t n)
{
	static const char sp[] = "                                ";

	while (n) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
		cli_out_add(o, sp, k);
		n -= k;
	}
}

/* Flushes and releases; 0, or -1 when anything failed (ENOMEM, EPIPE, ENOSPC...). */
int cli_out_finish(struct cli_out *o)
{
	cli_out_flush(o);
	ppsbuf_release(&o->b);
	if (fflush(o->f) != 0 || ferror(o->f))
		o->err = 1;
	return o->err ? -1 : 0;
}

/* Appends the JSON text of v to b without an intermediate allocation. Returns 0 or -1. */
int cli_buf_dump(ppsbuf *b, const json_t *v, size_t flags)
{
	size_t room = b->alloc > b->len + 1 ? b->alloc - b->len - 1 : 0;
	size_t n = json_dumpb(v, room ? b->buf + b->len : NULL, room, flags | JSON_ENCODE_ANY);

	if (n == 0)
		return -1;
	if (n > room) {
		if (ppsbuf_grow(b, n) < 0)
			return -1;
		if (json_dumpb(v, b->buf + b->len, n, flags | JSON_ENCODE_ANY) != n)
			return -1;
	}
	b->len += n;
	b->buf[b->len] = '\0';
	return 0;
}

/* Appends v as JSON text with C1 and bidi controls escaped (they are valid JSON, not safe). */
void cli_out_dump(struct cli_out *o, const json_t *v, size_t flags)
{
	size_t from = o->b.len;

	if (cli_buf_dump(&o->b, v, flags) < 0 || cli_json_harden(&o->b, from) < 0)
		o->err = 1;
	else if (o->b.len >= FLUSH_AT)
		cli_out_flush(o);
}

/* The output formats: the one list of their names (parsing, messages, help, completion). */
static const struct {
	const char *name;
	cli_format fmt;
} formats[] = {
	{ "table", CLI_FMT_TABLE }, { "wide", CLI_FMT_WIDE },	  { "markdown", CLI_FMT_MARKDOWN },
	{ "json", CLI_FMT_JSON },   { "ndjson", CLI_FMT_NDJSON }, { "csv", CLI_FMT_CSV },
	{ "tsv", CLI_FMT_TSV },	    { "raw", CLI_FMT_RAW },
};

int cli_format_parse(const char *name, cli_format *out)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(name, formats[i].name) == 0) {
			*out = formats[i].fmt;
			return 0;
		}
	}
	return -1;
}

const char *cli_format_names(const char *sep)
{
	static char list[2][128];
	char *dst = list[strcmp(sep, " ") == 0];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		n += (size_t)snprintf(dst + n, sizeof(list[0]) - n, "%s%s", i ? sep : "",
				      formats[i].name);
	return dst;
}

const char *const *cli_format_list(void)
{
	static const char *list[sizeof(formats) / sizeof(formats[0]) + 1];

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		list[i] = formats[i].name;
	return list;
}

size_t cli_char_width(int32_t cp)
{
	int w = utf8proc_charwidth(cp);

	return w > 0 ? (size_t)w : 0;
}

size_t cli_display_width(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t w = 0;

	if (!text)
		return 0;
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;

		if (*p < 0x80) {
			w += *p >= 0x20 && *p != 0x7f;
			p++;
			continue;
		}
		n = utf8proc_iterate(p, -1, &cp);
		if (n <= 0) {
			w++;
			p++;
			continue;
		}
		w += cli_char_width(cp);
		p += n;
	}
	return w;
}

/*
 * Appends s (n bytes) to b as safe display text: controls written visibly (\x1b), invalid UTF-8
 * bytes as U+FFFD (sanitize.h). Adds the display width to *width. Returns 0 or -1.
 */
int cli_add_display(ppsbuf *b, const char *s, size_t n, size_t *width)
{
	size_t i = 0;

	/* Tab and line breaks are layout, not attacks: one space each keeps a row on one line. */
	while (i < n) {
		size_t run = i;

		while (run < n && s[run] != '\t' && s[run] != '\n' && s[run] != '\r')
			run++;
		if (cli_sanitize(b, s + i, run - i, NULL, width) < 0)
			return -1;
		if (run < n) {
			if (ppsbuf_addch(b, ' ') < 0)
				return -1;
			++*width;
			run++;
		}
		i = run;
	}
	return 0;
}

/* jansson's iterators take a mutable object though they only read it. */
json_t *cli_json_mut(const json_t *v)
{
	union {
		const json_t *c;
		json_t *m;
	} u;

	u.c = v;
	return u.m;
}

/* The records as a list: an array as it is, one object as a list of one, NULL as empty. */
size_t cli_records_count(const json_t *records)
{
	if (json_is_array(records))
		return json_array_size(records);
	return json_is_object(records) ? 1 : 0;
}

const json_t *cli_records_at(const json_t *records, size_t i)
{
	return json_is_array(records) ? json_array_get(records, i) : records;
}

static int has_name(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

/* The first object among records, or NULL. */
const json_t *cli_records_first(const json_t *records)
{
	for (size_t i = 0; i < cli_records_count(records); i++)
		if (json_is_object(cli_records_at(records, i)))
			return cli_records_at(records, i);
	return NULL;
}

/*
 * The columns: --fields, else the spec's (with its key field after the first when with_key and
 * missing), else the keys of first. Names are borrowed; the array is malloc'd.
 */
const char **cli_columns_of(const cli_render_opts *opts, const cli_output_spec *spec,
			    const json_t *first, int with_key, size_t *ncols)
{
	const char *const *src = opts && opts->fields ? opts->fields : spec ? spec->columns : NULL;
	const char **cols;
	size_t n = 0;

	if (src && src[0]) {
		size_t m = 0;
		int add_key;

		while (src[m])
			m++;
		add_key = with_key && src != (opts ? opts->fields : NULL) && spec->key &&
			  !has_name(src, m, spec->key);
		cols = malloc((m + 1) * sizeof(*cols));
		if (!cols)
			return NULL;
		for (size_t i = 0; i < m; i++) {
			cols[n++] = src[i];
			if (i == 0 && add_key)
				cols[n++] = spec->key;
		}
	} else {
		const json_t *value;
		const char *key;

		if (!json_is_object(first))
			first = NULL;
		cols = malloc((first ? json_object_size(first) : 0) * sizeof(*cols) + 1);
		if (!cols)
			return NULL;
		if (first) {
			json_object_foreach(cli_json_mut(first), key, value)
			{
				(void)value;
				cols[n++] = key;
			}
		}
	}
	*ncols = n;
	return cols;
}

const json_t *cli_field(const json_t *record, const char *name)
{
	return json_is_object(record) ? json_object_get(record, name) : NULL;
}
