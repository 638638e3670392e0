/*
 * The data formats: csv (RFC 4180, formulas guarded unless --csv-raw), json under the command's
 * context path, ndjson with --fields picked. Pieces of the stream (render.c), which orders them.
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
 * ---- csv ----
 * By default a cell that a spreadsheet would run as a formula (a leading =, +, -, @, tab or
 * CR) gets a leading ' and controls are written visibly, as in a table: an attacker-chosen
 * subject must not become a formula or a terminal command. --csv-raw writes cells verbatim.
 */

static int csv_add(ppsbuf *b, const char *s, size_t n)
{
	int quote = 0, rc;

	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == '"' || s[i] == ',' || s[i] == '\r' || s[i] == '\n';
	if (!quote)
		return ppsbuf_add(b, s, n);
	rc = ppsbuf_addch(b, '"');
	for (size_t i = 0; i < n && !rc; i++) {
		if (s[i] == '"')
			rc = ppsbuf_addch(b, '"');
		if (!rc)
			rc = ppsbuf_addch(b, s[i]);
	}
	return rc ? rc : ppsbuf_addch(b, '"');
}

char *cli_csv_field(const char *text)
{
	ppsbuf b = PPSBUF_INIT;
	char *s = NULL;

	if (text && csv_add(&b, text, strlen(text)) == 0)
		s = ppsbuf_detach(&b, NULL);
	ppsbuf_release(&b);
	return s;
}

int cli_csv_value(ppsbuf *b, const json_t *v)
{
	size_t i;
	const json_t *item;

	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return ppsbuf_add(b, json_string_value(v), json_string_length(v));
	if (!json_is_array(v))
		return cli_buf_dump(b, v, JSON_COMPACT);
	json_array_foreach(v, i, item)
	{
		if (i && ppsbuf_addch(b, ',') < 0)
			return -1;
		if (json_is_string(item)) {
			if (ppsbuf_add(b, json_string_value(item), json_string_length(item)) < 0)
				return -1;
		} else if (cli_buf_dump(b, item, JSON_COMPACT) < 0) {
			return -1;
		}
	}
	return 0;
}

/* One cell: guarded and neutralised unless raw, then quoted per RFC 4180. */
int cli_csv_cell(ppsbuf *b, ppsbuf *safe, const char *s, size_t n, int raw)
{
	if (raw)
		return csv_add(b, s, n);
	ppsbuf_reset(safe);
	if ((cli_csv_is_formula(s, n) && ppsbuf_addch(safe, '\'') < 0) ||
	    cli_sanitize(safe, s, n, "\t\r\n", NULL) < 0)
		return -1;
	return csv_add(b, safe->buf, safe->len);
}

/* Records end in LF, or CRLF (RFC 4180) with --csv-crlf. */
static void csv_eol(struct cli_out *o, const cli_render_opts *opts)
{
	if (opts->csv_crlf)
		cli_out_add(o, "\r\n", 2);
	else
		cli_out_add(o, "\n", 1);
}

int cli_csv_head(struct cli_out *o, const cli_render_opts *opts, ppsbuf *safe, const char **cols,
		 size_t ncols)
{
	for (size_t c = 0; c < ncols; c++) {
		if ((c && ppsbuf_addch(&o->b, ',') < 0) ||
		    cli_csv_cell(&o->b, safe, cols[c], strlen(cols[c]), opts->csv_raw) < 0)
			return -1;
	}
	csv_eol(o, opts);
	return 0;
}

int cli_csv_row(struct cli_out *o, const cli_render_opts *opts, ppsbuf *scratch, ppsbuf *safe,
		const char **cols, size_t ncols, const json_t *rec)
{
	for (size_t c = 0; c < ncols; c++) {
		ppsbuf_reset(scratch);
		if (cli_csv_value(scratch, cli_field(rec, cols[c])) < 0 ||
		    (c && ppsbuf_addch(&o->b, ',') < 0) ||
		    cli_csv_cell(&o->b, safe, scratch->buf, scratch->len, opts->csv_raw) < 0)
			return -1;
	}
	csv_eol(o, opts);
	return 0;
}

/* ---- json, ndjson, raw ---- */

/* Appends v dumped with a 2-space indent, every line after the first shifted by indent. */
int cli_json_indented(struct cli_out *o, ppsbuf *scratch, const json_t *v, size_t indent)
{
	const char *p, *end, *nl;

	ppsbuf_reset(scratch);
	if (cli_buf_dump(scratch, v, JSON_INDENT(2)) < 0 || cli_json_harden(scratch, 0) < 0)
		return -1;
	p = scratch->buf;
	end = p + scratch->len;
	/* jansson escapes newlines inside strings, so each '\n' here is a line break. */
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		cli_out_add(o, p, (size_t)(nl - p) + 1);
		cli_out_spaces(o, indent);
		p = nl + 1;
	}
	cli_out_add(o, p, (size_t)(end - p));
	return 0;
}

/* Opens one object per segment of the context path: {"Proofpoint": {"SmartSearch": */
size_t cli_json_open(struct cli_out *o, const cli_output_spec *spec)
{
	const char *ctx = spec && spec->context ? spec->context : "";
	size_t depth = 0;

	while (*ctx) {
		const char *dot = strchr(ctx, '.');
		size_t n = dot ? (size_t)(dot - ctx) : strlen(ctx);
		json_t *key = json_stringn(ctx, n);

		if (!key) {
			o->err = 1;
			break;
		}
		cli_out_add(o, "{\n", 2);
		depth++;
		cli_out_spaces(o, 2 * depth);
		cli_out_dump(o, key, 0);
		json_decref(key);
		cli_out_add(o, ": ", 2);
		ctx += n;
		if (*ctx == '.')
			ctx++;
	}
	return depth;
}

void cli_json_close(struct cli_out *o, size_t depth)
{
	while (depth--) {
		cli_out_add(o, "\n", 1);
		cli_out_spaces(o, 2 * depth);
		cli_out_add(o, "}", 1);
	}
	cli_out_add(o, "\n", 1);
}

/* With --fields, a new object of those keys in that order (null when absent); else NULL. */
json_t *cli_pick_fields(const cli_render_opts *opts, const json_t *rec, int *err)
{
	json_t *picked;

	*err = 0;
	if (!opts->fields)
		return NULL;
	picked = json_object();
	for (size_t k = 0; picked && opts->fields[k]; k++) {
		const json_t *v = cli_field(rec, opts->fields[k]);

		/* json_object_set_new steals the new reference json_deep_copy made. */
		if (json_object_set_new(picked, opts->fields[k],
					v ? json_deep_copy(v) : json_null()) < 0) {
			json_decref(picked);
			picked = NULL;
		}
	}
	*err = picked == NULL;
	return picked;
}
