/*
 * Printing results: table, markdown (the reference's HumanReadable), json (the context
 * output), ndjson, csv (RFC 4180) and raw. Knows nothing of commands beyond the output spec.
 */
#ifndef PPS_CLI_RENDER_H
#define PPS_CLI_RENDER_H

#include <stddef.h>
#include <stdio.h>

struct json_t;

typedef enum cli_format {
	CLI_FMT_TABLE,
	CLI_FMT_MARKDOWN,
	CLI_FMT_JSON,
	CLI_FMT_NDJSON,
	CLI_FMT_CSV,
	CLI_FMT_RAW
} cli_format;

/* Parses a format name ("table", "markdown", "json", "ndjson", "csv", "raw"); -1 if unknown. */
int cli_format_parse(const char *name, cli_format *out);
/* The format names joined by sep, ", " or " " (static text). */
const char *cli_format_names(const char *sep);

/* What a command's output looks like; from the command table. */
typedef struct cli_output_spec {
	const char *title;	    /* table title, e.g. "Proofpoint Protection Server Users" */
	const char *context;	    /* context path, e.g. "Proofpoint.User" */
	const char *key;	    /* key field, e.g. "email" */
	const char *const *columns; /* readable columns in order, NULL-terminated */
	int single;		    /* 1: the context holds one object (a user), not a list */
} cli_output_spec;

typedef struct cli_render_opts {
	cli_format format;
	int width;  /* terminal width for tables; 0 = no limit (not a terminal) */
	int color;  /* 1: ANSI emphasis allowed (stdout is a terminal) */
	int height; /* terminal rows: a streamed table holds at most a screenful; 0 = no limit */
} cli_render_opts;

/*
 * Prints records (a JSON array of objects, borrowed) in the chosen format:
 * table/markdown use spec->title and spec->columns; json wraps them under spec->context
 * ({"Proofpoint":{"SmartSearch":[...]}}); ndjson prints one compact record per line; csv prints
 * a header row of spec->columns then one row per record. Returns 0, or -1 on a write error.
 * An empty array prints "No results found." for table and markdown, "[]"-style empty output for
 * json (the context with an empty list), nothing for ndjson, the header alone for csv.
 */
int cli_render_records(FILE *out, const cli_render_opts *opts, const cli_output_spec *spec,
		       const struct json_t *records);

/*
 * The same output, one record at a time, for records that arrive while a response streams in:
 * begin, then record per record, then end (or abort, which leaves the output incomplete, so
 * that a json document is not closed as if the result were whole). ndjson, csv, json and
 * markdown write each record as it comes (flush to push it out); the table holds the rows
 * (not the body) to measure its columns and prints at the end, or on a terminal a screenful
 * (opts->height rows) at a time, each with its own header. All return 0 or -1 (memory or
 * a write error, remembered until end or abort); end and abort free the stream.
 */
typedef struct cli_render_stream cli_render_stream;
int cli_render_begin(cli_render_stream **out, FILE *f, const cli_render_opts *opts,
		     const cli_output_spec *spec);
int cli_render_record(cli_render_stream *s, const struct json_t *record);
/* ndjson: a record given as its compact JSON text (len bytes) rather than as a value. */
int cli_render_text(cli_render_stream *s, const char *json, size_t len);
int cli_render_flush(cli_render_stream *s);
int cli_render_end(cli_render_stream *s);
int cli_render_abort(cli_render_stream *s);

/* Prints a plain message (a quarantine action's text, "Deleted User"); json wraps it as
 * {"message": "..."}; ndjson the same on one line. Returns 0 or -1. */
int cli_render_message(FILE *out, const cli_render_opts *opts, const char *message);

/* One markdown cell as the reference writes it (escaping, list joining); malloc'd or NULL. */
char *cli_markdown_cell(const struct json_t *value);
/* One CSV field per RFC 4180, quoted when needed; malloc'd or NULL. */
char *cli_csv_field(const char *text);
/* Display width of UTF-8 text in terminal columns (utf8proc); invalid bytes count one each. */
size_t cli_display_width(const char *text);

#endif
