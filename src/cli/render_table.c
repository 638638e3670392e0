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

/* A column is never shrunk below this many terminal columns (or its natural width). */
#define MIN_COL	 8
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

struct cell {
	size_t off, len, width;
};

/*
 * Writes text cut to w columns (with an ellipsis when cut). Padding is owed rather than written
 * (*owed), so that a line never ends in spaces: it is paid before the next non-empty cell.
 */
static void write_cell(struct cli_out *o, const char *text, const struct cell *c, size_t w,
		       size_t *owed)
{
	const unsigned char *start = (const unsigned char *)text + c->off;
	const unsigned char *p = start, *end = start + c->len;
	size_t used = 0;

	if (c->width <= w) {
		if (c->len) {
			cli_out_spaces(o, *owed);
			*owed = 0;
			cli_out_add(o, text + c->off, c->len);
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
	cli_out_add(o, text + c->off, (size_t)(p - start));
	cli_out_add(o, ELLIPSIS, 3);
	*owed = w - used - 1;
}

/* A column's place in the layout: its rule, its narrowest and wished widths, hidden or not. */
struct cli_table_col {
	cli_col_kind kind;
	int rank;
	int hidden;
	int named;   /* named in --fields: given its whole width before any other is shown */
	int date;    /* every cell a UTC date: shown as 2026-12-06 17:22:06 (DATE_LONG) */
	int compact; /* a date shown as 12-06 17:22:06 (from DATE_SKIP on) */
	size_t min, want;
	size_t head; /* the header's width */
};

/* A sender or recipient is given this many columns before a lower-ranked column is shown. */
#define PARTY_WANT 30
/* The terminal's date forms: "YYYY-MM-DD HH:MM:SS" and its part from the month on. */
#define DATE_LONG 19
#define DATE_SKIP 5

/*
 * Whether s is a date the terminal may show shorter: "YYYY-MM-DD HH:MM:SS" (or with a T),
 * then nothing but a fraction and a UTC zone (" [UTC+0000]", "Z", "+00:00"); another zone
 * is kept whole, the hour would mislead without it.
 */
static int utc_date(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	size_t i;

	if (n < DATE_LONG)
		return 0;
	for (i = 0; i < DATE_LONG; i++) {
		char c = s[i];
		if (shape[i] == 'd' ? c < '0' || c > '9' : c != shape[i] && !(i == 10 && c == 'T'))
			return 0;
	}
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9';)
			i++;
	s += i;
	n -= i;
	return n == 0 || (n == 11 && !memcmp(s, " [UTC+0000]", 11)) || (n == 1 && *s == 'Z') ||
	       (n == 6 && !memcmp(s, "+00:00", 6)) || (n == 4 && !memcmp(s, " UTC", 4));
}

static void rule_of(const cli_output_spec *spec, const char *name, struct cli_table_col *c)
{
	/* Without a rule, the key field is an identifier all the same. */
	c->kind = spec && spec->key && strcmp(spec->key, name) == 0 ? CLI_COL_ID : CLI_COL_TEXT;
	c->rank = 0;
	for (const cli_column_rule *r = spec ? spec->rules : NULL; r && r->name; r++) {
		if (strcmp(r->name, name) == 0) {
			c->kind = r->kind;
			c->rank = r->rank;
			return;
		}
	}
}

/* The width of the visible columns at their narrowest (or wished), separators included. */
static size_t needed(const struct cli_table_col *cols, size_t ncols, int wished)
{
	size_t total = 0, visible = 0;

	for (size_t i = 0; i < ncols; i++) {
		if (cols[i].hidden)
			continue;
		total += wished ? cols[i].want : cols[i].min;
		visible++;
	}
	return total + (visible ? 2 * (visible - 1) : 0);
}

/* A column's natural width as shown: a compact date is DATE_SKIP narrower. */
static size_t shown_width(const struct cli_table_col *c, size_t natural)
{
	if (!c->compact || natural < DATE_SKIP + c->head)
		return natural;
	return natural - DATE_SKIP > c->head ? natural - DATE_SKIP : c->head;
}

/* Sets each column's narrowest and wished width from its rule and its natural width. */
static void set_bounds(struct cli_table_col *cols, const size_t *natural, size_t ncols)
{
	for (size_t i = 0; i < ncols; i++) {
		struct cli_table_col *c = &cols[i];
		size_t nat = shown_width(c, natural[i]);
		int cut = c->kind == CLI_COL_TEXT || c->kind == CLI_COL_PARTY;

		c->min = cut && nat > MIN_COL ? MIN_COL : nat;
		c->want = c->min;
		if (c->named)
			c->want = nat;
		else if (c->kind == CLI_COL_PARTY)
			c->want = nat < PARTY_WANT ? nat : PARTY_WANT;
	}
}

/*
 * The column to hide next: the lowest-ranked that may go (not an identifier; when only the
 * wished widths do not fit, one ranked below a column that wishes more, and none named), the
 * widest of a rank first, then the rightmost; ncols when there is none.
 */
static size_t pick_hidden(const struct cli_table_col *cols, size_t ncols, int for_wish)
{
	size_t pick = ncols;
	int top = -1;

	for (size_t i = 0; for_wish && i < ncols; i++)
		if (!cols[i].hidden && cols[i].want > cols[i].min && cols[i].rank > top)
			top = cols[i].rank;
	for (size_t i = 0; i < ncols; i++) {
		if (cols[i].hidden || cols[i].kind == CLI_COL_ID)
			continue;
		if (for_wish && (cols[i].named || cols[i].rank >= top))
			continue;
		if (pick == ncols || cols[i].rank < cols[pick].rank ||
		    (cols[i].rank == cols[pick].rank && cols[i].min >= cols[pick].min))
			pick = i;
	}
	return pick;
}

/*
 * Hands extra columns out to the visible ones narrower than their goal (wished, then
 * natural): the narrowest first, so that a short sender is whole before a long subject grows.
 */
static size_t fill(size_t *w, const size_t *goal, const struct cli_table_col *cols, size_t ncols,
		   size_t extra)
{
	while (extra) {
		size_t grow = ncols;

		for (size_t i = 0; i < ncols; i++) {
			if (cols[i].hidden || w[i] >= goal[i])
				continue;
			if (grow == ncols || w[i] < w[grow])
				grow = i;
		}
		if (grow == ncols)
			break;
		w[grow]++;
		extra--;
	}
	return extra;
}

/*
 * Fits the columns in width: identifiers keep their natural width; dates go short first
 * (12-06 17:22:06); then, while even the narrowest layout is too wide, the lowest-ranked other
 * column is hidden; while the wished widths (a sender's, a recipient's, a --fields column's)
 * do not fit, a column ranked below them is hidden. What is left goes to the narrowest
 * visible columns first. Returns the number of hidden columns.
 */
static size_t fit_widths(size_t *w, const size_t *natural, struct cli_table_col *cols, size_t ncols,
			 size_t width)
{
	size_t hidden = 0, need, *goal = malloc(ncols * sizeof(*goal));

	set_bounds(cols, natural, ncols);
	for (;;) {
		int wish = needed(cols, ncols, 0) <= width;
		size_t pick;

		if (needed(cols, ncols, 1) <= width)
			break;
		for (pick = 0; pick < ncols; pick++)
			if (!cols[pick].hidden && cols[pick].date && !cols[pick].compact)
				break;
		if (pick < ncols) {
			cols[pick].compact = 1;
			set_bounds(cols, natural, ncols);
			continue;
		}
		pick = pick_hidden(cols, ncols, wish);
		if (pick == ncols)
			break;
		cols[pick].hidden = 1;
		hidden++;
	}
	need = needed(cols, ncols, 0);
	for (size_t i = 0; i < ncols; i++)
		w[i] = cols[i].hidden ? 0 : cols[i].min;
	if (!goal)
		return hidden;
	for (size_t i = 0; i < ncols; i++)
		goal[i] = cols[i].want;
	need = fill(w, goal, cols, ncols, need < width ? width - need : 0);
	for (size_t i = 0; i < ncols; i++)
		goal[i] = shown_width(&cols[i], natural[i]);
	fill(w, goal, cols, ncols, need);
	free(goal);
	return hidden;
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

/*
 * On a terminal, a column whose every cell is a UTC date shows it without fraction and zone
 * (and from the month on when compact); -o wide and the other formats keep the whole value.
 * first: this window sets the layout (marks the columns); else it follows the memo's.
 */
static void short_dates(const char *text, struct cell *cells, size_t nrec, size_t ncols,
			struct cli_table_col *layout, size_t *natural, int first)
{
	for (size_t c = 0; c < ncols; c++) {
		size_t any = 0, nat = cells[c].width;

		if (first) {
			layout[c].head = cells[c].width;
			for (size_t r = 1; r <= nrec; r++) {
				const struct cell *x = &cells[r * ncols + c];
				if (x->len && !utc_date(text + x->off, x->len))
					break;
				any += x->len != 0;
				if (r == nrec && any)
					layout[c].date = 1;
			}
		}
		if (!layout[c].date)
			continue;
		for (size_t r = 1; r <= nrec; r++) {
			struct cell *x = &cells[r * ncols + c];
			if (!x->len || !utc_date(text + x->off, x->len))
				continue;
			x->len = x->width = DATE_LONG;
			if (layout[c].compact) {
				x->off += DATE_SKIP;
				x->len = x->width = DATE_LONG - DATE_SKIP;
			}
			if (x->width > nat)
				nat = x->width;
		}
		natural[c] = nat;
	}
}

/* After the layout is fitted: the compact dates' cells start at the month. */
static void compact_dates(struct cell *cells, size_t nrec, size_t ncols,
			  const struct cli_table_col *layout)
{
	for (size_t c = 0; c < ncols; c++) {
		if (!layout[c].compact)
			continue;
		for (size_t r = 1; r <= nrec; r++) {
			struct cell *x = &cells[r * ncols + c];
			if (x->len == DATE_LONG) {
				x->off += DATE_SKIP;
				x->len = x->width = DATE_LONG - DATE_SKIP;
			}
		}
	}
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
		write_cell(o, text, &cells[c], w[c], &owed);
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

/* Writes nrows rows of cells (ncols each) under the visible columns. */
static void table_rows(struct cli_out *o, const char *text, const struct cell *cells, size_t nrows,
		       const struct cli_table_col *layout, const size_t *w, size_t ncols)
{
	for (size_t r = 0; r < nrows; r++) {
		size_t owed = 0, shown = 0;

		for (size_t c = 0; c < ncols; c++) {
			if (layout[c].hidden)
				continue;
			owed += shown++ ? 2 : 0;
			write_cell(o, text, &cells[r * ncols + c], w[c], &owed);
		}
		cli_out_add(o, "\n", 1);
	}
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
	layout = later ? memo->layout : calloc(ncols, sizeof(*layout));
	w = later ? memo->w : calloc(ncols, sizeof(*w));
	natural = calloc(ncols, sizeof(*natural));
	if (!cells || !layout || !w || !natural || ppsbuf_grow(&text, nrec * ncols * 16) < 0)
		goto done;
	/* One pass: every cell's safe text is cached in one arena with its display width. */
	for (size_t c = 0; c < ncols; c++) {
		struct cell *cell = &cells[c];
		cell->off = text.len;
		if (cli_add_display(&text, cols[c], strlen(cols[c]), &cell->width) < 0)
			goto done;
		cell->len = text.len - cell->off;
		natural[c] = cell->width;
		if (!later)
			rule_of(spec, cols[c], &layout[c]);
	}
	for (size_t r = 0; r < nrec; r++) {
		const json_t *rec = cli_records_at(records, r);
		for (size_t c = 0; c < ncols; c++) {
			struct cell *cell = &cells[(r + 1) * ncols + c];
			cell->off = text.len;
			if (add_table_cell(&text, &scratch, cli_field(rec, cols[c]), &cell->width) <
			    0)
				goto done;
			cell->len = text.len - cell->off;
			if (cell->width > natural[c])
				natural[c] = cell->width;
		}
	}
	if (opts->width > 0 && !wide)
		short_dates(text.buf, cells, nrec, ncols, layout, natural, !later);
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
		    fit_widths(w, natural, layout, ncols, (size_t)opts->width) > 0)
			note_hidden(opts->notes, cols, layout, ncols, opts->width);
		compact_dates(cells, nrec, ncols, layout);
		if (table_head(o, opts, spec, text.buf, cells, layout, w, ncols, &scratch) < 0)
			goto done;
	}
	table_rows(o, text.buf, cells + ncols, rows - 1, layout, w, ncols);
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
	free(cells);
	if (!later) {
		free(w);
		free(layout);
		free(cols);
	}
	return rc;
}
