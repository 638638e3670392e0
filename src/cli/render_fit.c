/*
 * Fitting a table to the terminal: which columns are hidden, how wide the others are, and the
 * dates shown short. Measures and decides; prints nothing (render_table.c does).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/renderpriv.h"

#include "util/banned.h"

/* A column is never shrunk below this many terminal columns (or its natural width). */
#define MIN_COL 8
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

void cli_table_rule_of(const cli_output_spec *spec, const char *name, struct cli_table_col *c)
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
size_t cli_table_fit(size_t *w, const size_t *natural, struct cli_table_col *cols, size_t ncols,
		     size_t width)
{
	size_t hidden = 0, need, *goal = calloc(ncols ? ncols : 1, sizeof(*goal));

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
 * On a terminal, a column whose every cell is a UTC date shows it without fraction and zone
 * (and from the month on when compact); -o wide and the other formats keep the whole value.
 * first: this window sets the layout (marks the columns); else it follows the memo's.
 */
void cli_table_short_dates(const char *text, struct cell *cells, size_t nrec, size_t ncols,
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
void cli_table_compact_dates(struct cell *cells, size_t nrec, size_t ncols,
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
