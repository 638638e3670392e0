/*
 * The text formats: markdown as the reference's tableToMarkdown writes it, and a server's message
 * printed alone (text, csv, json). Controls are written visibly, never passed to the terminal.
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

/*
 * ---- markdown (the reference's tableToMarkdown) ----
 * Where Python would print a repr (a number, a bool, an object inside a list) we print JSON
 * text; controls other than tab and line breaks become a space, as in the table.
 */

/* Python's str() of a non-string list item or a json.dumps() value: jansson's spaced JSON. */
static int md_json(ppsbuf *b, const json_t *v)
{
	return cli_buf_dump(b, v, 0);
}

/* flattenCell: strings as they are, lists joined with ",\n", anything else as JSON. */
static int md_flatten(ppsbuf *b, const json_t *v)
{
	size_t i;
	const json_t *item;

	if (json_is_string(v))
		return ppsbuf_add(b, json_string_value(v), json_string_length(v));
	if (!json_is_array(v))
		return md_json(b, v);
	json_array_foreach(v, i, item)
	{
		if (i && ppsbuf_add(b, ",\n", 2) < 0)
			return -1;
		if (json_is_string(item)) {
			if (ppsbuf_add(b, json_string_value(item), json_string_length(item)) < 0)
				return -1;
		} else if (md_json(b, item) < 0) {
			return -1;
		}
	}
	return 0;
}

/* formatCell: objects become "key: value" lines, the rest is flattened. */
static int md_format(ppsbuf *b, const json_t *v)
{
	const char *key;
	const json_t *value;
	int first = 1;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return md_flatten(b, v);
	json_object_foreach(cli_json_mut(v), key, value)
	{
		if ((!first && ppsbuf_addch(b, '\n') < 0) || ppsbuf_adds(b, key) < 0 ||
		    ppsbuf_add(b, ": ", 2) < 0 || md_flatten(b, value) < 0)
			return -1;
		first = 0;
	}
	return 0;
}

/*
 * stringEscapeMD(minimal, multiline): line breaks become <br>, | and ` get a backslash. Other
 * controls (ESC, C1, bidi overrides) are written visibly so a record cannot drive the terminal.
 */
static int md_escape(ppsbuf *b, const char *s, size_t n)
{
	int rc = 0;
	size_t i = 0;

	while (i < n && !rc) {
		size_t run = i;
		char ch;

		while (run < n && s[run] != '\r' && s[run] != '\n' && s[run] != '|' &&
		       s[run] != '`')
			run++;
		if (run > i) {
			rc = cli_sanitize(b, s + i, run - i, "\t", NULL);
			i = run;
			continue;
		}
		ch = s[i++];
		if (ch == '\r' && i < n && s[i] == '\n')
			i++;
		if (ch == '\r' || ch == '\n')
			rc = ppsbuf_add(b, "<br>", 4);
		else
			rc = ppsbuf_addch(b, '\\') < 0 || ppsbuf_addch(b, ch) < 0;
	}
	return rc ? -1 : 0;
}

static int md_cell(ppsbuf *b, ppsbuf *scratch, const json_t *v)
{
	ppsbuf_reset(scratch);
	if (md_format(scratch, v) < 0)
		return -1;
	return md_escape(b, scratch->buf, scratch->len);
}

char *cli_markdown_cell(const json_t *value)
{
	ppsbuf b = PPSBUF_INIT, scratch = PPSBUF_INIT;
	char *s = NULL;

	if (md_cell(&b, &scratch, value) == 0)
		s = ppsbuf_detach(&b, NULL);
	ppsbuf_release(&b);
	ppsbuf_release(&scratch);
	return s;
}

/* The title and header rows of a markdown table over cols. 0 or -1. */
int cli_markdown_head(struct cli_out *o, const cli_output_spec *spec, const char **cols,
		      size_t ncols)
{
	if (spec && spec->title) {
		cli_out_adds(o, "### ");
		cli_out_adds(o, spec->title);
		cli_out_add(o, "\n", 1);
	}
	cli_out_add(o, "|", 1);
	for (size_t c = 0; c < ncols; c++) {
		if (md_escape(&o->b, cols[c], strlen(cols[c])) < 0)
			return -1;
		cli_out_add(o, "|", 1);
	}
	cli_out_add(o, "\n|", 2);
	for (size_t c = 0; c < ncols; c++)
		cli_out_add(o, "---|", 4);
	cli_out_add(o, "\n", 1);
	return 0;
}

int cli_markdown_row(struct cli_out *o, ppsbuf *scratch, const char **cols, size_t ncols,
		     const json_t *rec)
{
	cli_out_add(o, "| ", 2);
	for (size_t c = 0; c < ncols; c++) {
		if (c)
			cli_out_add(o, " | ", 3);
		if (md_cell(&o->b, scratch, cli_field(rec, cols[c])) < 0)
			return -1;
	}
	cli_out_add(o, " |\n", 3);
	return 0;
}

/*
 * Copies s for printing: when safe, controls but \n and \t written visibly (a terminal must
 * not see ESC); else only invalid UTF-8 replaced by U+FFFD (jansson refuses it; JSON escapes
 * the rest).
 */
static int clean_text(ppsbuf *b, const char *s, int safe)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);
	int rc = 0;

	if (safe)
		return cli_sanitize(b, s, strlen(s), "\n\t", NULL);
	while (p < end && !rc) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, end - p, &cp);

		if (k <= 0) {
			rc = ppsbuf_add(b, "\xef\xbf\xbd", 3);
			p++;
		} else {
			rc = ppsbuf_add(b, p, (size_t)k);
			p += k;
		}
	}
	return rc;
}

int cli_render_message(FILE *out, const cli_render_opts *opts, const char *message)
{
	struct cli_out o;
	ppsbuf text = PPSBUF_INIT;
	json_t *obj = NULL;
	int json = opts->format == CLI_FMT_JSON || opts->format == CLI_FMT_NDJSON;
	int verbatim = json || (opts->format == CLI_FMT_CSV && opts->csv_raw);

	cli_out_init(&o, out);
	if (clean_text(&text, message ? message : "", !verbatim) < 0) {
		o.err = 1;
		goto done;
	}
	if (opts->format == CLI_FMT_TSV) {
		/* A message is a one-column table: a header and one row. */
		static const char *col[] = { "message" };
		ppsbuf scratch = PPSBUF_INIT, safe = PPSBUF_INIT;

		obj = json_pack("{s:s%}", "message", text.buf, text.len);
		if (!obj || (!opts->no_headers && cli_tsv_head(&o, &safe, col, 1) < 0) ||
		    cli_tsv_row(&o, &scratch, &safe, col, 1, obj) < 0)
			o.err = 1;
		ppsbuf_release(&scratch);
		ppsbuf_release(&safe);
		goto done;
	}
	if (opts->format == CLI_FMT_CSV) {
		/* A message is a one-column table: a header and one row. */
		ppsbuf cell = PPSBUF_INIT;
		const char *eol = opts->csv_crlf ? "\r\n" : "\n";

		if (!opts->no_headers) {
			cli_out_adds(&o, "message");
			cli_out_adds(&o, eol);
		}
		if (cli_csv_cell(&o.b, &cell, text.buf, text.len, opts->csv_raw) < 0)
			o.err = 1;
		ppsbuf_release(&cell);
		cli_out_adds(&o, eol);
		goto done;
	}
	if (!json) {
		cli_out_add(&o, text.buf, text.len);
		cli_out_add(&o, "\n", 1);
		goto done;
	}
	obj = json_object();
	if (!obj || json_object_set_new(obj, "message", json_stringn(text.buf, text.len)) < 0) {
		o.err = 1;
		goto done;
	}
	cli_out_dump(&o, obj, opts->format == CLI_FMT_JSON ? JSON_INDENT(2) : JSON_COMPACT);
	cli_out_add(&o, "\n", 1);
done:
	json_decref(obj);
	ppsbuf_release(&text);
	return cli_out_finish(&o);
}
