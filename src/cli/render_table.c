/*
 * The table and wide formats: cells measured in display columns, fitted to the terminal (an
 * identifier is never cut; the lowest-ranked text columns are hidden or cut first), printed in
 * windows that keep one layout. Never lets a record write terminal controls.
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

#define ELLIPSIS "\xe2\x80\xa6"

/* Appends the compact JSON text of v (a number, a bool, an object, ...) as display text. */
static int add_display_json(ppsbuf *b, ppsbuf *scratch, const json_t *v, size_t *width)
{
	ppsbuf_reset(scratch);
	if (cli_buf_dump(scratch, v, JSON_COMPACT) < 0)
		return -1;
	return cli_add_display(b, scratch->buf, scratch->len, width);
}

/* A table cell: strings as they are, lists joined with ", ", the rest as compact JSON. */
static int add_table_cell(ppsbuf *b, ppsbuf *scratch, const json_t *v, size_t *width)
{
	size_t i;
	const json_t *item;

	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return cli_add_display(b, json_string_value(v), json_string_length(v), width);
	if (!json_is_array(v))
		return add_display_json(b, scratch, v, width);
	json_array_foreach(v, i, item)
	{
		if (i && ppsbuf_add(b, ", ", 2) < 0)
			return -1;
		if (i)
			*width += 2;
		if (json_is_string(item)) {
			if (cli_add_display(b, json_string_value(item), json_string_length(item),
					    width))
				return -1;
		} else if (add_display_json(b, scratch, item, width) < 0) {
			return -1;
		}
	}
	return 0;
}

/* ---- table ---- */

/*
 * Writes text cut to w columns (with an ellipsis when cut). Padding is owed rather than written
 * (*owed), so that a line never ends in spaces: it is paid before the next non-empty cell.
 */
static void write_cell(struct cli_out *o, const char *text, const struct cell *c, size_t w,
		       size_t *owed, const char *sgr)
{
	const unsigned char *start = (const unsigned char *)text + c->off;
	const unsigned char *p = start, *end = start + c->len;
	size_t used = 0;

	if (c->width <= w) {
		if (c->len) {
			cli_out_spaces(o, *owed);
			*owed = 0;
			if (sgr)
				cli_out_adds(o, sgr);
			cli_out_add(o, text + c->off, c->len);
			if (sgr)
				cli_out_adds(o, "\033[0m");
		}
		*owed += w - c->width;
		return;
	}
	if (w == 0)
		return;
	/* The text is valid UTF-8 here: add_display replaced everything else. */
	while (p < end) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, end - p, &cp);
		size_t cw;

		if (k <= 0)
			break;
		cw = cli_char_width(cp);
		if (used + cw > w - 1)
			break;
		used += cw;
		p += k;
	}
	cli_out_spaces(o, *owed);
	if (sgr)
		cli_out_adds(o, sgr);
	cli_out_add(o, text + c->off, (size_t)(p - start));
	cli_out_add(o, ELLIPSIS, 3);
	if (sgr)
		cli_out_adds(o, "\033[0m");
	*owed = w - used - 1;
}

/*
 * Says once on notes which columns a narrow terminal hid, and how to see them; the note is
 * wrapped at the terminal's width too (continuation lines indented).
 */
static void note_hidden(FILE *notes, const char **names, const struct cli_table_col *cols,
			size_t ncols, int width)
{
	ppsbuf b = PPSBUF_INIT, safe = PPSBUF_INIT;
	size_t col = 0, start = 0;

	if (!notes)
		return;
	ppsbuf_adds(&b, "pps: hidden to fit the terminal:");
	for (size_t i = 0, n = 0; i < ncols; i++)
		if (cols[i].hidden)
			ppsbuf_addf(&b, "%s %s", n++ ? "," : "", names[i]);
	ppsbuf_adds(&b, "; -o wide or -o json shows every column");
	if (cli_sanitize(&safe, b.buf, b.len, NULL, NULL) < 0)
		goto done;
	/* Greedy wrap at spaces: each line at most width columns (a word longer stays whole). */
	while (start < safe.len) {
		size_t end = start, brk = 0;

		while (end < safe.len && col + (end - start) < (size_t)width) {
			if (safe.buf[end] == ' ')
				brk = end;
			end++;
		}
		if (end < safe.len && brk > start)
			end = brk;
		fprintf(notes, "%.*s\n", (int)(end - start), safe.buf + start);
		start = end;
		while (start < safe.len && safe.buf[start] == ' ')
			start++;
		if (start < safe.len) {
			fputs("  ", notes);
			col = 2;
		}
	}
	fflush(notes);
done:
	ppsbuf_release(&b);
	ppsbuf_release(&safe);
}

void cli_table_memo_release(struct cli_table_memo *m)
{
	free(m->cols);
	free(m->w);
	free(m->layout);
	json_decref(m->first);
	memset(m, 0, sizeof(*m));
}

/* Writes the title, the header and its rule over the visible columns. */
static int table_head(struct cli_out *o, const cli_render_opts *opts, const cli_output_spec *spec,
		      const char *text, const struct cell *cells,
		      const struct cli_table_col *layout, const size_t *w, size_t ncols,
		      ppsbuf *scratch)
{
	size_t owed = 0, shown = 0;

	if (opts->no_headers)
		return 0;
	if (spec && spec->title) {
		size_t ignored = 0;
		ppsbuf_reset(scratch);
		if (cli_add_display(scratch, spec->title, strlen(spec->title), &ignored) < 0)
			return -1;
		cli_out_add(o, scratch->buf, scratch->len);
		cli_out_add(o, "\n", 1);
	}
	if (opts->color)
		cli_out_adds(o, "\033[1m");
	for (size_t c = 0; c < ncols; c++) {
		if (layout[c].hidden)
			continue;
		owed += shown++ ? 2 : 0;
		write_cell(o, text, &cells[c], w[c], &owed, NULL);
	}
	if (opts->color)
		cli_out_adds(o, "\033[0m");
	cli_out_add(o, "\n", 1);
	shown = 0;
	for (size_t c = 0; c < ncols; c++) {
		if (layout[c].hidden)
			continue;
		if (shown++)
			cli_out_add(o, "  ", 2);
		for (size_t k = 0; k < w[c]; k++)
			cli_out_add(o, "-", 1);
	}
	cli_out_add(o, "\n", 1);
	return 0;
}

/* Columns whose values carry meaning a colour can show. */
enum paint { PAINT_NONE, PAINT_ACTION, PAINT_SCORE };

static enum paint paint_of(const char *name)
{
	if (!strcmp(name, "Final_Action") || !strcmp(name, "action"))
		return PAINT_ACTION;
	if (!strcmp(name, "Spam_Score") || !strcmp(name, "spamscore"))
		return PAINT_SCORE;
	return PAINT_NONE;
}

/*
 * The colour of a cell (an SGR sequence) or NULL: a final action that drops or holds the
 * message red (discard, reject) or yellow (quarantine, redirect, retry); a spam score red from
 * SCORE_RED, yellow from SCORE_YELLOW.
 */
#define SCORE_RED    90
#define SCORE_YELLOW 50
static const char *paint_cell(enum paint p, const char *s, size_t n)
{
	static const char *const red[] = { "discard", "reject", NULL };
	static const char *const yellow[] = { "quarantine", "redirect", "retry", NULL };
	long v = 0;

	if (p == PAINT_ACTION) {
		for (size_t i = 0; red[i]; i++)
			if (n == strlen(red[i]) && !memcmp(s, red[i], n))
				return "\033[31m";
		for (size_t i = 0; yellow[i]; i++)
			if (n == strlen(yellow[i]) && !memcmp(s, yellow[i], n))
				return "\033[33m";
		return NULL;
	}
	if (p != PAINT_SCORE || n == 0 || n > 4)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return NULL;
		v = v * 10 + (s[i] - '0');
	}
	return v >= SCORE_RED ? "\033[31m" : v >= SCORE_YELLOW ? "\033[33m" : NULL;
}

/* Writes nrows rows of cells (ncols each) under the visible columns; paint: NULL, no colour. */
static void table_rows(struct cli_out *o, const char *text, const struct cell *cells, size_t nrows,
		       const struct cli_table_col *layout, const size_t *w, size_t ncols,
		       const enum paint *paint)
{
	for (size_t r = 0; r < nrows; r++) {
		size_t owed = 0, shown = 0;

		for (size_t c = 0; c < ncols; c++) {
			const struct cell *x = &cells[r * ncols + c];

			if (layout[c].hidden)
				continue;
			owed += shown++ ? 2 : 0;
			write_cell(o, text, x, w[c], &owed,
				   paint ? paint_cell(paint[c], text + x->off, x->len) : NULL);
		}
		cli_out_add(o, "\n", 1);
	}
}

/*
 * One pass over the header and the records: every cell's safe text is cached in text (one
 * arena) with its display width, and each column's natural width noted. 0 or -1 (memory).
 */
static int measure(ppsbuf *text, ppsbuf *scratch, const json_t *records, size_t nrec,
		   const char **cols, size_t ncols, struct cell *cells, size_t *natural)
{
	for (size_t c = 0; c < ncols; c++) {
		struct cell *cell = &cells[c];

		cell->off = text->len;
		if (cli_add_display(text, cols[c], strlen(cols[c]), &cell->width) < 0)
			return -1;
		cell->len = text->len - cell->off;
		natural[c] = cell->width;
	}
	for (size_t r = 0; r < nrec; r++) {
		const json_t *rec = cli_records_at(records, r);

		for (size_t c = 0; c < ncols; c++) {
			struct cell *cell = &cells[(r + 1) * ncols + c];

			cell->off = text->len;
			if (add_table_cell(text, scratch, cli_field(rec, cols[c]), &cell->width) <
			    0)
				return -1;
			cell->len = text->len - cell->off;
			if (cell->width > natural[c])
				natural[c] = cell->width;
		}
	}
	return 0;
}

/*
 * Prints records as a table. With memo: a memo already set gives the columns and widths and
 * no title or header is printed (a later window of one table: text cut to the width, an
 * identifier widens its column); an unset memo takes over this window's layout.
 */
int cli_table_render(struct cli_out *o, const cli_render_opts *opts, const cli_output_spec *spec,
		     const json_t *records, struct cli_table_memo *memo)
{
	size_t nrec = cli_records_count(records), ncols = 0, rows;
	const char **cols = NULL;
	struct cell *cells = NULL;
	struct cli_table_col *layout = NULL;
	size_t *w = NULL, *natural = NULL;
	enum paint *paint = NULL;
	ppsbuf text = PPSBUF_INIT, scratch = PPSBUF_INIT;
	int rc = -1, wide = opts->format == CLI_FMT_WIDE, later = memo && memo->cols;

	if (nrec == 0) {
		cli_out_adds(o, CLI_NO_RESULTS "\n");
		return 0;
	}
	cols = later ? memo->cols
		     : cli_columns_of(opts, spec, cli_records_first(records), 1, &ncols);
	if (later)
		ncols = memo->ncols;
	if (!cols)
		goto done;
	if (ncols == 0) {
		cli_out_adds(o, CLI_NO_RESULTS "\n");
		rc = 0;
		goto done;
	}
	rows = nrec + 1;
	cells = calloc(rows * ncols, sizeof(*cells));
	if (later) {
		layout = memo->layout;
		w = memo->w;
	} else {
		layout = calloc(ncols, sizeof(*layout));
		w = calloc(ncols, sizeof(*w));
	}
	natural = calloc(ncols, sizeof(*natural));
	if (!cells || !layout || !w || !natural || ppsbuf_grow(&text, nrec * ncols * 16) < 0)
		goto done;
	if (measure(&text, &scratch, records, nrec, cols, ncols, cells, natural) < 0)
		goto done;
	for (size_t c = 0; !later && c < ncols; c++)
		cli_table_rule_of(spec, cols[c], &layout[c]);
	if (opts->width > 0 && !wide)
		cli_table_short_dates(text.buf, cells, nrec, ncols, layout, natural, !later);
	if (later) {
		/* An identifier is never cut: its column widens (the rows below move right). */
		for (size_t c = 0; c < ncols; c++)
			if (!layout[c].hidden && layout[c].kind == CLI_COL_ID && natural[c] > w[c])
				w[c] = natural[c];
	} else {
		memcpy(w, natural, ncols * sizeof(*w));
		for (size_t c = 0; opts->fields && c < ncols; c++)
			layout[c].named = 1;
		if (opts->width > 0 && !wide &&
		    cli_table_fit(w, natural, layout, ncols, (size_t)opts->width) > 0)
			note_hidden(opts->notes, cols, layout, ncols, opts->width);
		cli_table_compact_dates(cells, nrec, ncols, layout);
		if (table_head(o, opts, spec, text.buf, cells, layout, w, ncols, &scratch) < 0)
			goto done;
	}
	if (opts->color && (paint = calloc(ncols, sizeof(*paint))) != NULL)
		for (size_t c = 0; c < ncols; c++)
			paint[c] = paint_of(cols[c]);
	table_rows(o, text.buf, cells + ncols, rows - 1, layout, w, ncols, paint);
	rc = 0;
	if (memo && !later) {
		memo->cols = cols;
		memo->ncols = ncols;
		memo->w = w;
		memo->layout = layout;
		memo->first = json_incref(cli_json_mut(cli_records_first(records)));
		cols = NULL;
		w = NULL;
		layout = NULL;
	}
done:
	ppsbuf_release(&text);
	ppsbuf_release(&scratch);
	free(natural);
	free(paint);
	free(cells);
	if (!later) {
		free(w);
		free(layout);
		free(cols);
	}
	return rc;
}
