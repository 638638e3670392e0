/*
 * The render stream (render.h): records in, each format's output out as they arrive, headers and
 * wrappers written with the first record and closed at the end. The formats' pieces live in
 * render_table.c, render_text.c and render_formats.c; the output stream in render_out.c.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "cli/jq.h"
#include "cli/renderpriv.h"
#include "cli/sanitize.h"
#include "util/buf.h"

#include "util/banned.h"

/* ---- the stream: each format's output per record ---- */

struct cli_render_stream {
	struct cli_out o;
	cli_render_opts opts;
	const cli_output_spec *spec;
	const char **cols; /* once known: spec->columns or the first record's keys */
	size_t ncols;
	int head_done;
	size_t n;      /* records so far */
	size_t depth;  /* json: objects opened by the context path */
	json_t *held;  /* table: the rows, to measure the columns */
	json_t *first; /* the record whose keys are the columns, when the spec has none */
	size_t pages;  /* table: pages printed (a screenful each, on a terminal) */
	struct cli_table_memo memo; /* table not on a terminal: the first window's layout */
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
	cli_out_init(&s->o, f);
	s->opts = *opts;
	s->spec = spec;
	ppsbuf_init(&s->scratch, 0);
	ppsbuf_init(&s->safe, 0);
	if (opts->format == CLI_FMT_TABLE || opts->format == CLI_FMT_WIDE ||
	    (opts->jq && opts->format == CLI_FMT_JSON)) {
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
	s->cols = cli_columns_of(&s->opts, s->spec, rec, with_key, &s->ncols);
	/* Column names may be the record's own keys: it is kept while they are used. */
	if (rec)
		s->first = json_incref(cli_json_mut(rec));
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
	rc = cli_table_render(&s->o, &s->opts, &page, s->held,
			      s->opts.height > 0 ? NULL : &s->memo);
	json_array_clear(s->held);
	return rc;
}

/* --jq on one input: its results out, a run-time error of the filter on stderr. */
static int jq_out(cli_render_stream *s, const json_t *in)
{
	char why[512];
	int rc;

	ppsbuf_reset(&s->scratch);
	rc = cli_jq_run(s->opts.jq, in, s->opts.tty, &s->scratch, why, sizeof(why));
	if (rc < 0)
		return -1;
	cli_out_add(&s->o, s->scratch.buf, s->scratch.len);
	if (rc > 0) {
		ppsbuf safe = PPSBUF_INIT;

		/* jq's message quotes the data: written visibly, as every text from the server. */
		cli_out_flush(&s->o);
		if (cli_sanitize(&safe, why, strlen(why), NULL, NULL) == 0)
			fprintf(stderr, "pps: --jq: %s\n", safe.buf);
		ppsbuf_release(&safe);
		cli_jq_count_error(s->opts.jq);
	}
	return 0;
}

/* --jq: json holds the records for the document; the other formats filter each record. */
static int jq_record(cli_render_stream *s, const json_t *rec)
{
	int err, rc;
	json_t *picked;

	s->n++;
	if (s->opts.format == CLI_FMT_JSON)
		return json_array_append(s->held, cli_json_mut(rec)) < 0 ? -1 : 0;
	picked = cli_pick_fields(&s->opts, rec, &err);
	if (err)
		return -1;
	rc = jq_out(s, picked ? picked : rec);
	json_decref(picked);
	return rc;
}

int cli_render_record(cli_render_stream *s, const json_t *rec)
{
	struct cli_out *o = &s->o;
	size_t indent;
	int rc = 0;

	if (o->err)
		return -1;
	if (s->opts.jq) {
		if (jq_record(s, rec) < 0)
			o->err = 1;
		return o->err ? -1 : 0;
	}
	if (s->opts.format == CLI_FMT_JSON && !s->head_done) {
		s->depth = cli_json_open(o, s->spec);
		s->head_done = 1;
	}
	indent = 2 * s->depth;
	switch (s->opts.format) {
	case CLI_FMT_TABLE:
	case CLI_FMT_WIDE:
	case CLI_FMT_RAW:
		/* The table measures its rows before it prints them: a screenful or a window;
		 * sorted, all of them. */
		if (s->held && json_array_append(s->held, cli_json_mut(rec)) < 0)
			rc = -1;
		else if (s->held && !s->opts.sort_by &&
			 json_array_size(s->held) >=
				 (s->opts.height > 0 ? (size_t)s->opts.height : CLI_TABLE_WINDOW))
			rc = table_page(s);
		break;
	case CLI_FMT_MARKDOWN:
		rc = stream_columns(s, rec, 0);
		if (!rc && !s->head_done)
			rc = cli_markdown_head(o, s->spec, s->cols, s->ncols);
		s->head_done = 1;
		if (!rc)
			rc = cli_markdown_row(o, &s->scratch, s->cols, s->ncols, rec);
		break;
	case CLI_FMT_TSV:
		rc = stream_columns(s, rec, 1);
		if (!rc && !s->head_done && !s->opts.no_headers)
			rc = cli_tsv_head(o, &s->safe, s->cols, s->ncols);
		s->head_done = 1;
		if (!rc)
			rc = cli_tsv_row(o, &s->scratch, &s->safe, s->cols, s->ncols, rec);
		break;
	case CLI_FMT_CSV:
		rc = stream_columns(s, rec, 1);
		if (!rc && !s->head_done && !s->opts.no_headers)
			rc = cli_csv_head(o, &s->opts, &s->safe, s->cols, s->ncols);
		s->head_done = 1;
		if (!rc)
			rc = cli_csv_row(o, &s->opts, &s->scratch, &s->safe, s->cols, s->ncols,
					 rec);
		break;
	case CLI_FMT_JSON:
		if (s->spec && s->spec->single) {
			/* The context holds one object: the first. */
			if (s->n == 0)
				rc = cli_json_indented(o, &s->scratch, rec, indent);
			break;
		}
		cli_out_adds(o, s->n ? ",\n" : "[\n");
		cli_out_spaces(o, indent + 2);
		rc = cli_json_indented(o, &s->scratch, rec, indent + 2);
		break;
	case CLI_FMT_NDJSON: {
		int err;
		json_t *picked = cli_pick_fields(&s->opts, rec, &err);

		if (err) {
			rc = -1;
			break;
		}
		cli_out_dump(o, picked ? picked : rec, JSON_COMPACT);
		cli_out_add(o, "\n", 1);
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

	if (s->opts.jq) {
		json_t *rec = json_loadb(json, len, 0, NULL);
		int rc = rec ? cli_render_record(s, rec) : -1;

		json_decref(rec);
		if (rc < 0)
			s->o.err = 1;
		return s->o.err ? -1 : 0;
	}
	/* The text is JSON already: C1 and bidi controls are escaped as in cli_out_dump(). */
	if (ppsbuf_add(&s->o.b, json, len) < 0 || cli_json_harden(&s->o.b, from) < 0)
		s->o.err = 1;
	cli_out_add(&s->o, "\n", 1);
	s->n++;
	return s->o.err ? -1 : 0;
}

int cli_render_flush(cli_render_stream *s)
{
	cli_out_flush(&s->o);
	if (!s->o.err && fflush(s->o.f) != 0)
		s->o.err = 1;
	return s->o.err ? -1 : 0;
}

static void stream_free(cli_render_stream *s)
{
	cli_table_memo_release(&s->memo);
	json_decref(s->held);
	json_decref(s->first);
	ppsbuf_release(&s->scratch);
	ppsbuf_release(&s->safe);
	free(s->cols);
	free(s);
}

int cli_render_end(cli_render_stream *s)
{
	struct cli_out *o = &s->o;
	int rc = 0;

	if (s->opts.jq) {
		/* json: the document is the records' array (the one object of a single spec). */
		if (s->opts.format == CLI_FMT_JSON && !o->err) {
			json_t *one = s->spec && s->spec->single ? json_array_get(s->held, 0)
								 : NULL;
			json_t *empty = s->spec && s->spec->single && !one ? json_object() : NULL;

			rc = jq_out(s, one ? one : empty ? empty : s->held);
			json_decref(empty);
		}
		if (rc < 0)
			o->err = 1;
		rc = cli_out_finish(o);
		stream_free(s);
		return rc;
	}
	switch (s->opts.format) {
	case CLI_FMT_TABLE:
	case CLI_FMT_WIDE:
		/* The last page; no page at all is "No results found." */
		if (s->held && cli_records_sort(s->held, s->opts.sort_by) < 0)
			rc = -1;
		else if (s->held && (json_array_size(s->held) > 0 || s->pages == 0))
			rc = table_page(s);
		break;
	case CLI_FMT_RAW:
		break;
	case CLI_FMT_MARKDOWN:
		if (s->n == 0)
			cli_out_adds(o, CLI_NO_RESULTS "\n");
		break;
	case CLI_FMT_CSV:
		if (!s->head_done && !s->opts.no_headers && stream_columns(s, NULL, 1) == 0)
			rc = cli_csv_head(o, &s->opts, &s->safe, s->cols, s->ncols);
		break;
	case CLI_FMT_TSV:
		if (!s->head_done && !s->opts.no_headers && stream_columns(s, NULL, 1) == 0)
			rc = cli_tsv_head(o, &s->safe, s->cols, s->ncols);
		break;
	case CLI_FMT_JSON:
		if (!s->head_done)
			s->depth = cli_json_open(o, s->spec);
		if (s->spec && s->spec->single)
			cli_out_adds(o, s->n ? "" : "{}");
		else if (s->n == 0)
			cli_out_add(o, "[]", 2);
		else {
			cli_out_add(o, "\n", 1);
			cli_out_spaces(o, 2 * s->depth);
			cli_out_add(o, "]", 1);
		}
		cli_json_close(o, s->depth);
		break;
	case CLI_FMT_NDJSON:
		break;
	}
	if (rc < 0)
		o->err = 1;
	rc = cli_out_finish(o);
	stream_free(s);
	return rc;
}

int cli_render_abort(cli_render_stream *s)
{
	int rc = cli_out_finish(&s->o);

	stream_free(s);
	return rc;
}

int cli_render_records(FILE *out, const cli_render_opts *opts, const cli_output_spec *spec,
		       const json_t *records)
{
	cli_render_stream *s = NULL;
	int rc = 0;

	if (opts->format == CLI_FMT_RAW && !opts->jq) {
		/* The caller prints a body verbatim; records alone come out as compact JSON. */
		struct cli_out o;

		cli_out_init(&o, out);
		if (records)
			cli_out_dump(&o, records, JSON_COMPACT);
		else
			cli_out_add(&o, "[]", 2);
		cli_out_add(&o, "\n", 1);
		return cli_out_finish(&o);
	}
	if (cli_render_begin(&s, out, opts, spec) < 0) {
		if (s)
			cli_render_abort(s);
		return -1;
	}
	for (size_t r = 0; r < cli_records_count(records) && rc == 0; r++)
		rc = cli_render_record(s, cli_records_at(records, r));
	if (rc < 0) {
		cli_render_abort(s);
		return -1;
	}
	return cli_render_end(s);
}

int cli_render_object(FILE *out, const cli_render_opts *opts, const json_t *obj)
{
	struct cli_out o;

	if (opts->jq) {
		cli_render_stream *s = NULL;

		if (cli_render_begin(&s, out, opts, NULL) < 0) {
			if (s)
				cli_render_abort(s);
			return -1;
		}
		if (jq_out(s, obj) < 0)
			s->o.err = 1;
		return cli_render_abort(s);
	}
	cli_out_init(&o, out);
	cli_out_dump(&o, obj, opts->format == CLI_FMT_NDJSON ? JSON_COMPACT : JSON_INDENT(2));
	cli_out_add(&o, "\n", 1);
	return cli_out_finish(&o);
}
