/*
 * Prints records and messages as table, markdown, json, ndjson, csv or raw (render.h).
 * Knows the output spec only, never a command; never lets a record write terminal controls.
 */
#include "cli/render.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "cli/sanitize.h"
#include "util/buf.h"

#include "util/banned.h"

/* Output is gathered in memory and handed to stdio in pieces of about this size. */
#define FLUSH_AT (64 * 1024)
/* A column is never shrunk below this many terminal columns (or its natural width). */
#define MIN_COL	   8
#define ELLIPSIS   "\xe2\x80\xa6"
#define NO_RESULTS "No results found."

/* Buffered output: errors (allocation or write) are remembered and reported once at the end. */
struct out {
	FILE *f;
	ppsbuf b;
	int err;
};

static void out_init(struct out *o, FILE *f)
{
	o->f = f;
	ppsbuf_init(&o->b, 0);
	o->err = ppsbuf_grow(&o->b, FLUSH_AT + 4096) < 0;
}

static void out_flush(struct out *o)
{
	if (o->b.len && !o->err && fwrite(o->b.buf, 1, o->b.len, o->f) != o->b.len)
		o->err = 1;
	ppsbuf_reset(&o->b);
}

static void out_add(struct out *o, const char *s, size_t n)
{
	if (ppsbuf_add(&o->b, s, n) < 0)
		o->err = 1;
	else if (o->b.len >= FLUSH_AT)
		out_flush(o);
}

static void out_adds(struct out *o, const char *s)
{
	out_add(o, s, strlen(s));
}

static void out_spaces(struct out *o, size_t n)
{
	static const char sp[] = "                                ";

	while (n) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;
		out_add(o, sp, k);
		n -= k;
	}
}

/* Flushes and releases; 0, or -1 when anything failed (ENOMEM, EPIPE, ENOSPC...). */
static int out_finish(struct out *o)
{
	out_flush(o);
	ppsbuf_release(&o->b);
	if (fflush(o->f) != 0 || ferror(o->f))
		o->err = 1;
	return o->err ? -1 : 0;
}

/* Appends the JSON text of v to b without an intermediate allocation. Returns 0 or -1. */
static int buf_dump(ppsbuf *b, const json_t *v, size_t flags)
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
static void out_dump(struct out *o, const json_t *v, size_t flags)
{
	size_t from = o->b.len;

	if (buf_dump(&o->b, v, flags) < 0 || cli_json_harden(&o->b, from) < 0)
		o->err = 1;
	else if (o->b.len >= FLUSH_AT)
		out_flush(o);
}

/* The output formats: the one list of their names (parsing, messages, help, completion). */
static const struct {
	const char *name;
	cli_format fmt;
} formats[] = {
	{ "table", CLI_FMT_TABLE }, { "wide", CLI_FMT_WIDE },	  { "markdown", CLI_FMT_MARKDOWN },
	{ "json", CLI_FMT_JSON },   { "ndjson", CLI_FMT_NDJSON }, { "csv", CLI_FMT_CSV },
	{ "raw", CLI_FMT_RAW },
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

static size_t char_width(int32_t cp)
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
		w += char_width(cp);
		p += n;
	}
	return w;
}

/*
 * Appends s (n bytes) to b as safe display text: controls written visibly (\x1b), invalid UTF-8
 * bytes as U+FFFD (sanitize.h). Adds the display width to *width. Returns 0 or -1.
 */
static int add_display(ppsbuf *b, const char *s, size_t n, size_t *width)
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

/* Appends the compact JSON text of v (a number, a bool, an object, ...) as display text. */
static int add_display_json(ppsbuf *b, ppsbuf *scratch, const json_t *v, size_t *width)
{
	ppsbuf_reset(scratch);
	if (buf_dump(scratch, v, JSON_COMPACT) < 0)
		return -1;
	return add_display(b, scratch->buf, scratch->len, width);
}

/* A table cell: strings as they are, lists joined with ", ", the rest as compact JSON. */
static int add_table_cell(ppsbuf *b, ppsbuf *scratch, const json_t *v, size_t *width)
{
	size_t i;
	const json_t *item;

	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return add_display(b, json_string_value(v), json_string_length(v), width);
	if (!json_is_array(v))
		return add_display_json(b, scratch, v, width);
	json_array_foreach(v, i, item)
	{
		if (i && ppsbuf_add(b, ", ", 2) < 0)
			return -1;
		if (i)
			*width += 2;
		if (json_is_string(item)) {
			if (add_display(b, json_string_value(item), json_string_length(item),
					width))
				return -1;
		} else if (add_display_json(b, scratch, item, width) < 0) {
			return -1;
		}
	}
	return 0;
}

/* jansson's iterators take a mutable object though they only read it. */
static json_t *iterable(const json_t *v)
{
	union {
		const json_t *c;
		json_t *m;
	} u;

	u.c = v;
	return u.m;
}

/* The records as a list: an array as it is, one object as a list of one, NULL as empty. */
static size_t record_count(const json_t *records)
{
	if (json_is_array(records))
		return json_array_size(records);
	return json_is_object(records) ? 1 : 0;
}

static const json_t *record_at(const json_t *records, size_t i)
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
static const json_t *first_object(const json_t *records)
{
	for (size_t i = 0; i < record_count(records); i++)
		if (json_is_object(record_at(records, i)))
			return record_at(records, i);
	return NULL;
}

/*
 * The columns: --fields, else the spec's (with its key field after the first when with_key and
 * missing), else the keys of first. Names are borrowed; the array is malloc'd.
 */
static const char **columns_of(const cli_render_opts *opts, const cli_output_spec *spec,
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
			json_object_foreach(iterable(first), key, value)
			{
				(void)value;
				cols[n++] = key;
			}
		}
	}
	*ncols = n;
	return cols;
}

static const json_t *field(const json_t *record, const char *name)
{
	return json_is_object(record) ? json_object_get(record, name) : NULL;
}

/* ---- table ---- */

struct cell {
	size_t off, len, width;
};

/*
 * Writes text cut to w columns (with an ellipsis when cut). Padding is owed rather than written
 * (*owed), so that a line never ends in spaces: it is paid before the next non-empty cell.
 */
static void write_cell(struct out *o, const char *text, const struct cell *c, size_t w,
		       size_t *owed)
{
	const unsigned char *start = (const unsigned char *)text + c->off;
	const unsigned char *p = start, *end = start + c->len;
	size_t used = 0;

	if (c->width <= w) {
		if (c->len) {
			out_spaces(o, *owed);
			*owed = 0;
			out_add(o, text + c->off, c->len);
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
		cw = char_width(cp);
		if (used + cw > w - 1)
			break;
		used += cw;
		p += k;
	}
	out_spaces(o, *owed);
	out_add(o, text + c->off, (size_t)(p - start));
	out_add(o, ELLIPSIS, 3);
	*owed = w - used - 1;
}

/* A column's place in the layout: its rule, its narrowest width, whether it is hidden. */
struct col {
	cli_col_kind kind;
	int rank;
	int hidden;
	size_t min;
};

static void rule_of(const cli_output_spec *spec, const char *name, struct col *c)
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

/* The width of the visible columns at their narrowest, separators included. */
static size_t needed(const struct col *cols, size_t ncols)
{
	size_t total = 0, visible = 0;

	for (size_t i = 0; i < ncols; i++) {
		if (cols[i].hidden)
			continue;
		total += cols[i].min;
		visible++;
	}
	return total + (visible ? 2 * (visible - 1) : 0);
}

/*
 * Fits the columns in width: identifiers keep their natural width; while even the narrowest
 * layout is too wide, the lowest-ranked other column is hidden (the widest of a rank first,
 * then the rightmost); what is left is handed back from the highest rank down, so that the
 * lowest-ranked text columns are the ones cut. Returns the number of hidden columns.
 */
static size_t fit_widths(size_t *w, const size_t *natural, struct col *cols, size_t ncols,
			 size_t width)
{
	size_t hidden = 0, need, extra;
	int top = 0;

	for (size_t i = 0; i < ncols; i++) {
		cols[i].min = cols[i].kind == CLI_COL_TEXT && natural[i] > MIN_COL ? MIN_COL
										   : natural[i];
		if (cols[i].rank > top)
			top = cols[i].rank;
	}
	while ((need = needed(cols, ncols)) > width) {
		size_t pick = ncols;

		for (size_t i = 0; i < ncols; i++) {
			if (cols[i].hidden || cols[i].kind == CLI_COL_ID)
				continue;
			if (pick == ncols || cols[i].rank < cols[pick].rank ||
			    (cols[i].rank == cols[pick].rank && cols[i].min >= cols[pick].min))
				pick = i;
		}
		if (pick == ncols)
			break;
		cols[pick].hidden = 1;
		hidden++;
	}
	extra = need < width ? width - need : 0;
	for (size_t i = 0; i < ncols; i++)
		w[i] = cols[i].hidden ? 0 : cols[i].min;
	for (int rank = top; rank >= 0 && extra; rank--) {
		for (;;) {
			size_t grow = ncols;

			/* Within a rank the narrowest grows first: the widest is cut first. */
			for (size_t i = 0; i < ncols; i++) {
				if (cols[i].hidden || cols[i].rank != rank || w[i] >= natural[i])
					continue;
				if (grow == ncols || w[i] < w[grow])
					grow = i;
			}
			if (grow == ncols || extra == 0)
				break;
			w[grow]++;
			extra--;
		}
	}
	return hidden;
}

/*
 * Says once on notes which columns a narrow terminal hid, and how to see them; the note is
 * wrapped at the terminal's width too (continuation lines indented).
 */
static void note_hidden(FILE *notes, const char **names, const struct col *cols, size_t ncols,
			int width)
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
 * The layout of a table printed in windows: the first window's columns and widths, kept for
 * the windows after it so that the rows stay aligned under one header.
 */
struct table_memo {
	const char **cols; /* owned array; names may be keys of first */
	size_t ncols;
	size_t *w;
	struct col *layout;
	json_t *first; /* the record the column names may belong to */
};

static void memo_release(struct table_memo *m)
{
	free(m->cols);
	free(m->w);
	free(m->layout);
	json_decref(m->first);
	memset(m, 0, sizeof(*m));
}

/* Writes the title, the header and its rule over the visible columns. */
static int table_head(struct out *o, const cli_render_opts *opts, const cli_output_spec *spec,
		      const char *text, const struct cell *cells, const struct col *layout,
		      const size_t *w, size_t ncols, ppsbuf *scratch)
{
	size_t owed = 0, shown = 0;

	if (spec && spec->title) {
		size_t ignored = 0;
		ppsbuf_reset(scratch);
		if (add_display(scratch, spec->title, strlen(spec->title), &ignored) < 0)
			return -1;
		out_add(o, scratch->buf, scratch->len);
		out_add(o, "\n", 1);
	}
	if (opts->color)
		out_adds(o, "\033[1m");
	for (size_t c = 0; c < ncols; c++) {
		if (layout[c].hidden)
			continue;
		owed += shown++ ? 2 : 0;
		write_cell(o, text, &cells[c], w[c], &owed);
	}
	if (opts->color)
		out_adds(o, "\033[0m");
	out_add(o, "\n", 1);
	shown = 0;
	for (size_t c = 0; c < ncols; c++) {
		if (layout[c].hidden)
			continue;
		if (shown++)
			out_add(o, "  ", 2);
		for (size_t k = 0; k < w[c]; k++)
			out_add(o, "-", 1);
	}
	out_add(o, "\n", 1);
	return 0;
}

/* Writes nrows rows of cells (ncols each) under the visible columns. */
static void table_rows(struct out *o, const char *text, const struct cell *cells, size_t nrows,
		       const struct col *layout, const size_t *w, size_t ncols)
{
	for (size_t r = 0; r < nrows; r++) {
		size_t owed = 0, shown = 0;

		for (size_t c = 0; c < ncols; c++) {
			if (layout[c].hidden)
				continue;
			owed += shown++ ? 2 : 0;
			write_cell(o, text, &cells[r * ncols + c], w[c], &owed);
		}
		out_add(o, "\n", 1);
	}
}

/*
 * Prints records as a table. With memo: a memo already set gives the columns and widths and
 * no title or header is printed (a later window of one table: text cut to the width, an
 * identifier widens its column); an unset memo takes over this window's layout.
 */
static int render_table(struct out *o, const cli_render_opts *opts, const cli_output_spec *spec,
			const json_t *records, struct table_memo *memo)
{
	size_t nrec = record_count(records), ncols = 0, rows;
	const char **cols = NULL;
	struct cell *cells = NULL;
	struct col *layout = NULL;
	size_t *w = NULL, *natural = NULL;
	ppsbuf text = PPSBUF_INIT, scratch = PPSBUF_INIT;
	int rc = -1, wide = opts->format == CLI_FMT_WIDE, later = memo && memo->cols;

	if (nrec == 0) {
		out_adds(o, NO_RESULTS "\n");
		return 0;
	}
	cols = later ? memo->cols : columns_of(opts, spec, first_object(records), 1, &ncols);
	if (later)
		ncols = memo->ncols;
	if (!cols)
		goto done;
	if (ncols == 0) {
		out_adds(o, NO_RESULTS "\n");
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
		if (add_display(&text, cols[c], strlen(cols[c]), &cell->width) < 0)
			goto done;
		cell->len = text.len - cell->off;
		natural[c] = cell->width;
		if (!later)
			rule_of(spec, cols[c], &layout[c]);
	}
	for (size_t r = 0; r < nrec; r++) {
		const json_t *rec = record_at(records, r);
		for (size_t c = 0; c < ncols; c++) {
			struct cell *cell = &cells[(r + 1) * ncols + c];
			cell->off = text.len;
			if (add_table_cell(&text, &scratch, field(rec, cols[c]), &cell->width) < 0)
				goto done;
			cell->len = text.len - cell->off;
			if (cell->width > natural[c])
				natural[c] = cell->width;
		}
	}
	if (later) {
		/* An identifier is never cut: its column widens (the rows below move right). */
		for (size_t c = 0; c < ncols; c++)
			if (!layout[c].hidden && layout[c].kind == CLI_COL_ID && natural[c] > w[c])
				w[c] = natural[c];
	} else {
		memcpy(w, natural, ncols * sizeof(*w));
		if (opts->width > 0 && !wide &&
		    fit_widths(w, natural, layout, ncols, (size_t)opts->width) > 0)
			note_hidden(opts->notes, cols, layout, ncols, opts->width);
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
		memo->first = json_incref(iterable(first_object(records)));
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

/*
 * ---- markdown (the reference's tableToMarkdown) ----
 * Where Python would print a repr (a number, a bool, an object inside a list) we print JSON
 * text; controls other than tab and line breaks become a space, as in the table.
 */

/* Python's str() of a non-string list item or a json.dumps() value: jansson's spaced JSON. */
static int md_json(ppsbuf *b, const json_t *v)
{
	return buf_dump(b, v, 0);
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
	json_object_foreach(iterable(v), key, value)
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
static int markdown_head(struct out *o, const cli_output_spec *spec, const char **cols,
			 size_t ncols)
{
	if (spec && spec->title) {
		out_adds(o, "### ");
		out_adds(o, spec->title);
		out_add(o, "\n", 1);
	}
	out_add(o, "|", 1);
	for (size_t c = 0; c < ncols; c++) {
		if (md_escape(&o->b, cols[c], strlen(cols[c])) < 0)
			return -1;
		out_add(o, "|", 1);
	}
	out_add(o, "\n|", 2);
	for (size_t c = 0; c < ncols; c++)
		out_add(o, "---|", 4);
	out_add(o, "\n", 1);
	return 0;
}

static int markdown_row(struct out *o, ppsbuf *scratch, const char **cols, size_t ncols,
			const json_t *rec)
{
	out_add(o, "| ", 2);
	for (size_t c = 0; c < ncols; c++) {
		if (c)
			out_add(o, " | ", 3);
		if (md_cell(&o->b, scratch, field(rec, cols[c])) < 0)
			return -1;
	}
	out_add(o, " |\n", 3);
	return 0;
}

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

/* A CSV value before quoting: strings as they are, lists joined with ",", the rest compact JSON. */
static int csv_value(ppsbuf *b, const json_t *v)
{
	size_t i;
	const json_t *item;

	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v))
		return ppsbuf_add(b, json_string_value(v), json_string_length(v));
	if (!json_is_array(v))
		return buf_dump(b, v, JSON_COMPACT);
	json_array_foreach(v, i, item)
	{
		if (i && ppsbuf_addch(b, ',') < 0)
			return -1;
		if (json_is_string(item)) {
			if (ppsbuf_add(b, json_string_value(item), json_string_length(item)) < 0)
				return -1;
		} else if (buf_dump(b, item, JSON_COMPACT) < 0) {
			return -1;
		}
	}
	return 0;
}

/* One cell: guarded and neutralised unless raw, then quoted per RFC 4180. */
static int csv_cell(ppsbuf *b, ppsbuf *safe, const char *s, size_t n, int raw)
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
static void csv_eol(struct out *o, const cli_render_opts *opts)
{
	if (opts->csv_crlf)
		out_add(o, "\r\n", 2);
	else
		out_add(o, "\n", 1);
}

static int csv_head(struct out *o, const cli_render_opts *opts, ppsbuf *safe, const char **cols,
		    size_t ncols)
{
	for (size_t c = 0; c < ncols; c++) {
		if ((c && ppsbuf_addch(&o->b, ',') < 0) ||
		    csv_cell(&o->b, safe, cols[c], strlen(cols[c]), opts->csv_raw) < 0)
			return -1;
	}
	csv_eol(o, opts);
	return 0;
}

static int csv_row(struct out *o, const cli_render_opts *opts, ppsbuf *scratch, ppsbuf *safe,
		   const char **cols, size_t ncols, const json_t *rec)
{
	for (size_t c = 0; c < ncols; c++) {
		ppsbuf_reset(scratch);
		if (csv_value(scratch, field(rec, cols[c])) < 0 ||
		    (c && ppsbuf_addch(&o->b, ',') < 0) ||
		    csv_cell(&o->b, safe, scratch->buf, scratch->len, opts->csv_raw) < 0)
			return -1;
	}
	csv_eol(o, opts);
	return 0;
}

/* ---- json, ndjson, raw ---- */

/* Appends v dumped with a 2-space indent, every line after the first shifted by indent. */
static int json_indented(struct out *o, ppsbuf *scratch, const json_t *v, size_t indent)
{
	const char *p, *end, *nl;

	ppsbuf_reset(scratch);
	if (buf_dump(scratch, v, JSON_INDENT(2)) < 0 || cli_json_harden(scratch, 0) < 0)
		return -1;
	p = scratch->buf;
	end = p + scratch->len;
	/* jansson escapes newlines inside strings, so each '\n' here is a line break. */
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		out_add(o, p, (size_t)(nl - p) + 1);
		out_spaces(o, indent);
		p = nl + 1;
	}
	out_add(o, p, (size_t)(end - p));
	return 0;
}

/* Opens one object per segment of the context path: {"Proofpoint": {"SmartSearch": */
static size_t json_open(struct out *o, const cli_output_spec *spec)
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
		out_add(o, "{\n", 2);
		depth++;
		out_spaces(o, 2 * depth);
		out_dump(o, key, 0);
		json_decref(key);
		out_add(o, ": ", 2);
		ctx += n;
		if (*ctx == '.')
			ctx++;
	}
	return depth;
}

static void json_close(struct out *o, size_t depth)
{
	while (depth--) {
		out_add(o, "\n", 1);
		out_spaces(o, 2 * depth);
		out_add(o, "}", 1);
	}
	out_add(o, "\n", 1);
}

/* ---- the stream: each format's output per record ---- */

struct cli_render_stream {
	struct out o;
	cli_render_opts opts;
	const cli_output_spec *spec;
	const char **cols; /* once known: spec->columns or the first record's keys */
	size_t ncols;
	int head_done;
	size_t n;		/* records so far */
	size_t depth;		/* json: objects opened by the context path */
	json_t *held;		/* table: the rows, to measure the columns */
	json_t *first;		/* the record whose keys are the columns, when the spec has none */
	size_t pages;		/* table: pages printed (a screenful each, on a terminal) */
	struct table_memo memo; /* table not on a terminal: the first window's layout */
	ppsbuf scratch;
	ppsbuf safe; /* csv: a cell guarded and neutralised */
};

int cli_render_begin(cli_render_stream **out, FILE *f, const cli_render_opts *opts,
		     const cli_output_spec *spec)
{
	cli_render_stream *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return -1;
	out_init(&s->o, f);
	s->opts = *opts;
	s->spec = spec;
	ppsbuf_init(&s->scratch, 0);
	ppsbuf_init(&s->safe, 0);
	if (opts->format == CLI_FMT_TABLE || opts->format == CLI_FMT_WIDE) {
		s->held = json_array();
		if (!s->held)
			s->o.err = 1;
	}
	/* Headers and wrappers wait for the first record: a body that fails at once prints nothing.
	 */
	*out = s;
	return s->o.err ? -1 : 0;
}

/* The columns, from --fields, the spec (with the key when with_key) or the first record. */
static int stream_columns(cli_render_stream *s, const json_t *rec, int with_key)
{
	if (s->cols)
		return 0;
	s->cols = columns_of(&s->opts, s->spec, rec, with_key, &s->ncols);
	/* Column names may be the record's own keys: it is kept while they are used. */
	if (rec)
		s->first = json_incref(iterable(rec));
	return s->cols ? 0 : -1;
}

/* Prints the rows held so far as a table (the title on the first page only) and drops them. */
static int table_page(cli_render_stream *s)
{
	cli_output_spec page = { 0 };
	int rc;

	if (s->spec)
		page = *s->spec;
	if (s->pages++)
		page.title = NULL;
	/* On a terminal each screenful is a table of its own; elsewhere one table in windows. */
	rc = render_table(&s->o, &s->opts, &page, s->held, s->opts.height > 0 ? NULL : &s->memo);
	json_array_clear(s->held);
	return rc;
}

/* With --fields, a new object of those keys in that order (null when absent); else NULL. */
static json_t *pick_fields(const cli_render_opts *opts, const json_t *rec, int *err)
{
	json_t *picked;

	*err = 0;
	if (!opts->fields)
		return NULL;
	picked = json_object();
	for (size_t k = 0; picked && opts->fields[k]; k++) {
		const json_t *v = field(rec, opts->fields[k]);

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

int cli_render_record(cli_render_stream *s, const json_t *rec)
{
	struct out *o = &s->o;
	size_t indent;
	int rc = 0;

	if (o->err)
		return -1;
	if (s->opts.format == CLI_FMT_JSON && !s->head_done) {
		s->depth = json_open(o, s->spec);
		s->head_done = 1;
	}
	indent = 2 * s->depth;
	switch (s->opts.format) {
	case CLI_FMT_TABLE:
	case CLI_FMT_WIDE:
	case CLI_FMT_RAW:
		/* The table measures its rows before it prints them: a screenful or a window. */
		if (s->held && json_array_append(s->held, iterable(rec)) < 0)
			rc = -1;
		else if (s->held &&
			 json_array_size(s->held) >=
				 (s->opts.height > 0 ? (size_t)s->opts.height : CLI_TABLE_WINDOW))
			rc = table_page(s);
		break;
	case CLI_FMT_MARKDOWN:
		rc = stream_columns(s, rec, 0);
		if (!rc && !s->head_done)
			rc = markdown_head(o, s->spec, s->cols, s->ncols);
		s->head_done = 1;
		if (!rc)
			rc = markdown_row(o, &s->scratch, s->cols, s->ncols, rec);
		break;
	case CLI_FMT_CSV:
		rc = stream_columns(s, rec, 1);
		if (!rc && !s->head_done)
			rc = csv_head(o, &s->opts, &s->safe, s->cols, s->ncols);
		s->head_done = 1;
		if (!rc)
			rc = csv_row(o, &s->opts, &s->scratch, &s->safe, s->cols, s->ncols, rec);
		break;
	case CLI_FMT_JSON:
		if (s->spec && s->spec->single) {
			/* The context holds one object: the first. */
			if (s->n == 0)
				rc = json_indented(o, &s->scratch, rec, indent);
			break;
		}
		out_adds(o, s->n ? ",\n" : "[\n");
		out_spaces(o, indent + 2);
		rc = json_indented(o, &s->scratch, rec, indent + 2);
		break;
	case CLI_FMT_NDJSON: {
		int err;
		json_t *picked = pick_fields(&s->opts, rec, &err);

		if (err) {
			rc = -1;
			break;
		}
		out_dump(o, picked ? picked : rec, JSON_COMPACT);
		out_add(o, "\n", 1);
		json_decref(picked);
		break;
	}
	}
	s->n++;
	if (rc < 0)
		o->err = 1;
	return o->err ? -1 : 0;
}

int cli_render_text(cli_render_stream *s, const char *json, size_t len)
{
	size_t from = s->o.b.len;

	/* The text is JSON already: C1 and bidi controls are escaped as in out_dump(). */
	if (ppsbuf_add(&s->o.b, json, len) < 0 || cli_json_harden(&s->o.b, from) < 0)
		s->o.err = 1;
	out_add(&s->o, "\n", 1);
	s->n++;
	return s->o.err ? -1 : 0;
}

int cli_render_flush(cli_render_stream *s)
{
	out_flush(&s->o);
	if (!s->o.err && fflush(s->o.f) != 0)
		s->o.err = 1;
	return s->o.err ? -1 : 0;
}

static void stream_free(cli_render_stream *s)
{
	memo_release(&s->memo);
	json_decref(s->held);
	json_decref(s->first);
	ppsbuf_release(&s->scratch);
	ppsbuf_release(&s->safe);
	free(s->cols);
	free(s);
}

int cli_render_end(cli_render_stream *s)
{
	struct out *o = &s->o;
	int rc = 0;

	switch (s->opts.format) {
	case CLI_FMT_TABLE:
	case CLI_FMT_WIDE:
		/* The last page; no page at all is "No results found." */
		if (s->held && (json_array_size(s->held) > 0 || s->pages == 0))
			rc = table_page(s);
		break;
	case CLI_FMT_RAW:
		break;
	case CLI_FMT_MARKDOWN:
		if (s->n == 0)
			out_adds(o, NO_RESULTS "\n");
		break;
	case CLI_FMT_CSV:
		if (!s->head_done && stream_columns(s, NULL, 1) == 0)
			rc = csv_head(o, &s->opts, &s->safe, s->cols, s->ncols);
		break;
	case CLI_FMT_JSON:
		if (!s->head_done)
			s->depth = json_open(o, s->spec);
		if (s->spec && s->spec->single)
			out_adds(o, s->n ? "" : "{}");
		else if (s->n == 0)
			out_add(o, "[]", 2);
		else {
			out_add(o, "\n", 1);
			out_spaces(o, 2 * s->depth);
			out_add(o, "]", 1);
		}
		json_close(o, s->depth);
		break;
	case CLI_FMT_NDJSON:
		break;
	}
	if (rc < 0)
		o->err = 1;
	rc = out_finish(o);
	stream_free(s);
	return rc;
}

int cli_render_abort(cli_render_stream *s)
{
	int rc = out_finish(&s->o);

	stream_free(s);
	return rc;
}

int cli_render_records(FILE *out, const cli_render_opts *opts, const cli_output_spec *spec,
		       const json_t *records)
{
	cli_render_stream *s = NULL;
	int rc = 0;

	if (opts->format == CLI_FMT_RAW) {
		/* The caller prints a body verbatim; records alone come out as compact JSON. */
		struct out o;

		out_init(&o, out);
		if (records)
			out_dump(&o, records, JSON_COMPACT);
		else
			out_add(&o, "[]", 2);
		out_add(&o, "\n", 1);
		return out_finish(&o);
	}
	if (cli_render_begin(&s, out, opts, spec) < 0) {
		if (s)
			cli_render_abort(s);
		return -1;
	}
	for (size_t r = 0; r < record_count(records) && rc == 0; r++)
		rc = cli_render_record(s, record_at(records, r));
	if (rc < 0) {
		cli_render_abort(s);
		return -1;
	}
	return cli_render_end(s);
}

int cli_render_object(FILE *out, const cli_render_opts *opts, const json_t *obj)
{
	struct out o;

	out_init(&o, out);
	out_dump(&o, obj, opts->format == CLI_FMT_NDJSON ? JSON_COMPACT : JSON_INDENT(2));
	out_add(&o, "\n", 1);
	return out_finish(&o);
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
	struct out o;
	ppsbuf text = PPSBUF_INIT;
	json_t *obj = NULL;
	int json = opts->format == CLI_FMT_JSON || opts->format == CLI_FMT_NDJSON;
	int verbatim = json || (opts->format == CLI_FMT_CSV && opts->csv_raw);

	out_init(&o, out);
	if (clean_text(&text, message ? message : "", !verbatim) < 0) {
		o.err = 1;
		goto done;
	}
	if (opts->format == CLI_FMT_CSV) {
		/* A message is a one-column table: a header and one row. */
		ppsbuf cell = PPSBUF_INIT;
		const char *eol = opts->csv_crlf ? "\r\n" : "\n";

		out_adds(&o, "message");
		out_adds(&o, eol);
		if (csv_cell(&o.b, &cell, text.buf, text.len, opts->csv_raw) < 0)
			o.err = 1;
		ppsbuf_release(&cell);
		out_adds(&o, eol);
		goto done;
	}
	if (!json) {
		out_add(&o, text.buf, text.len);
		out_add(&o, "\n", 1);
		goto done;
	}
	obj = json_object();
	if (!obj || json_object_set_new(obj, "message", json_stringn(text.buf, text.len)) < 0) {
		o.err = 1;
		goto done;
	}
	out_dump(&o, obj, opts->format == CLI_FMT_JSON ? JSON_INDENT(2) : JSON_COMPACT);
	out_add(&o, "\n", 1);
done:
	json_decref(obj);
	ppsbuf_release(&text);
	return out_finish(&o);
}
