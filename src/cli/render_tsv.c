/*
 * -o tsv (tab-separated values, one record a line, the header row first) and --sort-by for
 * tables. A cell's tab, line break and backslash are escaped (\t \n \r \\), every other control
 * is written visibly: a cell never splits a line or drives a terminal.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/renderpriv.h"
#include "cli/sanitize.h"
#include "util/buf.h"

#include "util/banned.h"

/* Appends s (n bytes) as one TSV cell. 0 or -1. */
static int tsv_cell(ppsbuf *b, ppsbuf *safe, const char *s, size_t n)
{
	ppsbuf_reset(safe);
	for (size_t i = 0; i < n; i++) {
		const char *esc = s[i] == '\t'	 ? "\\t"
				  : s[i] == '\n' ? "\\n"
				  : s[i] == '\r' ? "\\r"
				  : s[i] == '\\' ? "\\\\"
						 : NULL;
		size_t run = i;

		if (esc) {
			if (ppsbuf_adds(safe, esc) < 0)
				return -1;
			continue;
		}
		while (run < n && s[run] != '\t' && s[run] != '\n' && s[run] != '\r' &&
		       s[run] != '\\')
			run++;
		if (cli_sanitize(safe, s + i, run - i, NULL, NULL) < 0)
			return -1;
		i = run - 1;
	}
	return ppsbuf_add(b, safe->buf, safe->len);
}

int cli_tsv_head(struct cli_out *o, ppsbuf *safe, const char **cols, size_t ncols)
{
	for (size_t c = 0; c < ncols; c++)
		if ((c && ppsbuf_addch(&o->b, '\t') < 0) ||
		    tsv_cell(&o->b, safe, cols[c], strlen(cols[c])) < 0)
			return -1;
	cli_out_add(o, "\n", 1);
	return 0;
}

int cli_tsv_row(struct cli_out *o, ppsbuf *scratch, ppsbuf *safe, const char **cols, size_t ncols,
		const json_t *rec)
{
	for (size_t c = 0; c < ncols; c++) {
		ppsbuf_reset(scratch);
		if (cli_csv_value(scratch, cli_field(rec, cols[c])) < 0 ||
		    (c && ppsbuf_addch(&o->b, '\t') < 0) ||
		    tsv_cell(&o->b, safe, scratch->buf, scratch->len) < 0)
			return -1;
	}
	cli_out_add(o, "\n", 1);
	return 0;
}

/* ---- --sort-by ---- */

struct sort_item {
	json_t *rec;
	size_t pos; /* the arrival order: equal keys keep it */
};

static const char *sort_field;
static int sort_sign;

/* A value as a number when it is one (a JSON number or a string of one); 0 when not. */
static int as_number(const json_t *v, double *out)
{
	char *end = NULL;
	const char *s;

	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 1;
	}
	if (!json_is_string(v) || !*(s = json_string_value(v)))
		return 0;
	*out = strtod(s, &end);
	return *end == '\0';
}

/* Numbers before text, text by its bytes (ISO dates sort as times); a missing value last. */
static int cmp_values(const json_t *a, const json_t *b)
{
	double x, y;
	int na = as_number(a, &x), nb = as_number(b, &y);

	if (!a || json_is_null(a) || !b || json_is_null(b))
		return (!a || json_is_null(a)) - (!b || json_is_null(b));
	if (na && nb)
		return (x > y) - (x < y);
	if (na != nb)
		return nb - na;
	if (json_is_string(a) && json_is_string(b))
		return strcmp(json_string_value(a), json_string_value(b));
	return 0;
}

static int cmp_items(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;
	const json_t *va = cli_field(a->rec, sort_field), *vb = cli_field(b->rec, sort_field);
	int missing = (!va || json_is_null(va)) - (!vb || json_is_null(vb));
	int c = missing ? missing : sort_sign * cmp_values(va, vb);

	return c ? c : (a->pos > b->pos) - (a->pos < b->pos);
}

int cli_records_sort(json_t *held, const char *sort_by)
{
	size_t n = json_array_size(held);
	struct sort_item *items;

	if (!sort_by || n < 2)
		return 0;
	items = calloc(n, sizeof(*items));
	if (!items)
		return -1;
	for (size_t i = 0; i < n; i++) {
		items[i].rec = json_incref(json_array_get(held, i));
		items[i].pos = i;
	}
	/* qsort takes no context: the field is set for the call (pps is one thread here). */
	sort_sign = sort_by[0] == '-' ? -1 : 1;
	sort_field = sort_by + (sort_by[0] == '-');
	qsort(items, n, sizeof(*items), cmp_items);
	json_array_clear(held);
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(held, items[i].rec) < 0)
			n = 0;
	free(items);
	return n ? 0 : -1;
}
