/*
 * Inside the renderer (render*.c), not for the rest of pps: the buffered output stream, the
 * records' columns and safe display text, and each format's pieces that render.c's stream calls.
 */
#ifndef PPS_CLI_RENDERPRIV_H
#define PPS_CLI_RENDERPRIV_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/render.h"
#include "util/buf.h"

#define CLI_NO_RESULTS "No results found."

/* Buffered output: errors (allocation or write) are remembered and reported once at the end. */
struct cli_out {
	FILE *f;
	ppsbuf b;
	int err;
};

void cli_out_init(struct cli_out *o, FILE *f);
void cli_out_flush(struct cli_out *o);
void cli_out_add(struct cli_out *o, const char *s, size_t n);
void cli_out_adds(struct cli_out *o, const char *s);
void cli_out_spaces(struct cli_out *o, size_t n);
/* Flushes and releases; 0, or -1 when anything failed (ENOMEM, EPIPE, ENOSPC...). */
int cli_out_finish(struct cli_out *o);
/* Appends the JSON text of v to b without an intermediate allocation. Returns 0 or -1. */
int cli_buf_dump(ppsbuf *b, const json_t *v, size_t flags);
/* Appends v as JSON text with C1 and bidi controls escaped (they are valid JSON, not safe). */
void cli_out_dump(struct cli_out *o, const json_t *v, size_t flags);

/* The terminal columns of one code point (0 for controls and combining marks). */
size_t cli_char_width(int32_t cp);
/*
 * Appends s (n bytes) to b as safe display text: controls written visibly (\x1b), invalid UTF-8
 * bytes as U+FFFD, tab and line breaks as one space. Adds the display width to *width. 0 or -1.
 */
int cli_add_display(ppsbuf *b, const char *s, size_t n, size_t *width);

/* jansson's iterators take a mutable object though they only read it. */
json_t *cli_json_mut(const json_t *v);
/* The records as a list: an array as it is, one object as a list of one, NULL as empty. */
size_t cli_records_count(const json_t *records);
const json_t *cli_records_at(const json_t *records, size_t i);
/* The first object among records, or NULL. */
const json_t *cli_records_first(const json_t *records);
/*
 * The columns: --fields, else the spec's (with its key field after the first when with_key and
 * missing), else the keys of first. Names are borrowed; the array is malloc'd.
 */
const char **cli_columns_of(const cli_render_opts *opts, const cli_output_spec *spec,
			    const json_t *first, int with_key, size_t *ncols);
/* The member name of record, or NULL (also when record is no object). */
const json_t *cli_field(const json_t *record, const char *name);

/* ---- table (render_table.c, fitted by render_fit.c) ---- */
/* One cell's safe text in the table's arena: its offset, bytes and display width. */
struct cell {
	size_t off, len, width;
};

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

/* Sets c's kind and rank from spec's rules (the key field is an identifier). */
void cli_table_rule_of(const cli_output_spec *spec, const char *name, struct cli_table_col *c);
/*
 * Fits the columns in width (natural: each column's widest cell): sets w and each column's
 * hidden and compact flags. Returns the number of hidden columns.
 */
size_t cli_table_fit(size_t *w, const size_t *natural, struct cli_table_col *cols, size_t ncols,
		     size_t width);
/*
 * Shows the UTC dates of the cells (row 0 the header, nrec rows after it) short; first: this
 * window sets the layout (marks the date columns and the header widths). Updates natural.
 */
void cli_table_short_dates(const char *text, struct cell *cells, size_t nrec, size_t ncols,
			   struct cli_table_col *layout, size_t *natural, int first);
/* After cli_table_fit: the compact dates' cells start at the month. */
void cli_table_compact_dates(struct cell *cells, size_t nrec, size_t ncols,
			     const struct cli_table_col *layout);
/*
 * The layout of a table printed in windows: the first window's columns and widths, kept for
 * the windows after it so that the rows stay aligned under one header.
 */
struct cli_table_memo {
	const char **cols; /* owned array; names may be keys of first */
	size_t ncols;
	size_t *w;
	struct cli_table_col *layout;
	json_t *first; /* the record the column names may belong to */
};

void cli_table_memo_release(struct cli_table_memo *m);
/*
 * Prints records as a table. With memo: a memo already set gives the columns and widths and
 * no title or header is printed (a later window of one table); an unset memo takes over this
 * window's layout. 0 or -1.
 */
int cli_table_render(struct cli_out *o, const cli_render_opts *opts, const cli_output_spec *spec,
		     const json_t *records, struct cli_table_memo *memo);

/* ---- markdown (render_text.c) ---- */
int cli_markdown_head(struct cli_out *o, const cli_output_spec *spec, const char **cols,
		      size_t ncols);
int cli_markdown_row(struct cli_out *o, ppsbuf *scratch, const char **cols, size_t ncols,
		     const json_t *rec);

/* ---- csv, json, ndjson (render_formats.c) ---- */
/* One CSV cell: guarded and neutralised unless raw, then quoted per RFC 4180. */
int cli_csv_cell(ppsbuf *b, ppsbuf *safe, const char *s, size_t n, int raw);
int cli_csv_head(struct cli_out *o, const cli_render_opts *opts, ppsbuf *safe, const char **cols,
		 size_t ncols);
int cli_csv_row(struct cli_out *o, const cli_render_opts *opts, ppsbuf *scratch, ppsbuf *safe,
		const char **cols, size_t ncols, const json_t *rec);
/* A CSV value before quoting: strings as they are, lists joined with ",", the rest JSON. */
int cli_csv_value(ppsbuf *b, const json_t *v);

/* ---- tsv (render_tsv.c) ---- */
int cli_tsv_head(struct cli_out *o, ppsbuf *safe, const char **cols, size_t ncols);
int cli_tsv_row(struct cli_out *o, ppsbuf *scratch, ppsbuf *safe, const char **cols, size_t ncols,
		const json_t *rec);
/* --sort-by: sorts the held records (a JSON array) by opts->sort_by. 0 or -1 (memory). */
int cli_records_sort(json_t *held, const char *sort_by);

/* Appends v dumped with a 2-space indent, every line after the first shifted by indent. */
int cli_json_indented(struct cli_out *o, ppsbuf *scratch, const json_t *v, size_t indent);
/* Opens one object per segment of the context path; returns how many. */
size_t cli_json_open(struct cli_out *o, const cli_output_spec *spec);
void cli_json_close(struct cli_out *o, size_t depth);
/* With --fields, a new object of those keys in that order (null when absent); else NULL. */
json_t *cli_pick_fields(const cli_render_opts *opts, const json_t *rec, int *err);

#endif
