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
	CLI_FMT_RAW,
	CLI_FMT_WIDE, /* a table with every column, nothing cut (kubectl's -o wide) */
	CLI_FMT_TSV   /* tab-separated values: a header row, \t \n \r \\ escaped in cells */
} cli_format;

/*
 * Parses a format name ("table", "wide", "markdown", "json", "ndjson", "csv", "tsv", "raw"); -1 if
 * unknown.
 */
int cli_format_parse(const char *name, cli_format *out);
/* The format names joined by sep, ", " or " " (static text). */
const char *cli_format_names(const char *sep);
/* The format names, NULL-terminated (static). */
const char *const *cli_format_list(void);

/* How a table treats a column when the terminal is too narrow for all of them. */
typedef enum cli_col_kind {
	CLI_COL_TEXT,  /* cut with an ellipsis down to a few columns, then hidden (the default) */
	CLI_COL_ID,    /* an identifier the next command needs: never cut, never hidden */
	CLI_COL_FIXED, /* shown whole or hidden (a date cut in half tells nothing) */
	CLI_COL_PARTY  /* a sender or recipient: text that lower-ranked columns make room for */
} cli_col_kind;

/* One column's rule; rank orders shrinking and hiding: the lowest rank goes first. */
typedef struct cli_column_rule {
	const char *name;
	cli_col_kind kind;
	int rank;
} cli_column_rule;

/* What a command's output looks like; from the command table. */
typedef struct cli_output_spec {
	const char *title;	      /* table title, e.g. "Proofpoint Protection Server Users" */
	const char *context;	      /* context path, e.g. "Proofpoint.User" */
	const char *key;	      /* key field, e.g. "email" */
	const char *const *columns;   /* readable columns in order, NULL-terminated */
	int single;		      /* 1: the context holds one object (a user), not a list */
	const cli_column_rule *rules; /* table layout rules, name NULL ends; unlisted: TEXT 0 */
} cli_output_spec;

typedef struct cli_render_opts {
	cli_format format;
	int width;		   /* terminal width for tables; 0 = no limit (not a terminal) */
	int color;		   /* 1: ANSI emphasis allowed (--color, NO_COLOR, a terminal) */
	int tty;		   /* 1: stdout is a terminal (raw text is escaped visibly) */
	int csv_crlf;		   /* 1: CSV records end in CRLF (RFC 4180); else LF */
	int csv_raw;		   /* 1: CSV cells verbatim: no formula guard, controls kept */
	const char *const *fields; /* --fields: the columns/keys to print, NULL-terminated */
	FILE *notes;		   /* where a table says which columns it hid (stderr), or NULL */
	int height; /* terminal rows: a streamed table holds at most a screenful; 0 = no limit */
	int no_headers;	     /* table, wide, csv, tsv: no title, header row or rule */
	const char *sort_by; /* table, wide: the rows sorted by this field (a leading - reverses) */
	/* --jq: the filter each record (json: the document, the records' array) goes through;
	 * every result is a line of output (jq.h). NULL: none. */
	struct cli_jq *jq;
} cli_render_opts;

/*
 * Prints records (a JSON array of objects, borrowed) in the chosen format:
 * table/markdown use spec->title and spec->columns; json wraps them under spec->context
 * ({"Proofpoint":{"SmartSearch":[...]}}); ndjson prints one compact record per line; csv prints
 * a header row of spec->columns then one row per record. Returns 0, or -1 on a write error.
 * An empty array prints "No results found." for table and markdown, "[]"-style empty output for
 * json (the context with an empty list), nothing for ndjson, the header alone for csv.
 * Tables, csv and ndjson always hold spec->key (after the first column when the reference's
 * columns lack it); opts->fields replaces the columns of every format but json and raw.
 * Text that reaches a terminal is neutralised (docs/output.md).
 */
int cli_render_records(FILE *out, const cli_render_opts *opts, const cli_output_spec *spec,
		       const struct json_t *records);

/* Rows a table holds at most when stdout is not a terminal: its columns are measured on them. */
#define CLI_TABLE_WINDOW 1000

/*
 * The same output, one record at a time, for records that arrive while a response streams in:
 * begin, then record per record, then end (or abort, which leaves the output incomplete, so
 * that a json document is not closed as if the result were whole). ndjson, csv, json and
 * markdown write each record as it comes (flush to push it out); the table holds the rows
 * (not the body) to measure its columns: on a terminal a screenful (opts->height rows) at a
 * time, each with its own header; elsewhere CLI_TABLE_WINDOW rows at a time under the first
 * window's header and widths (a longer text is cut with an ellipsis, an identifier widens). All
 * return 0 or -1 (memory or a write error, remembered until end or abort); end and abort free the
 * stream.
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

/* Prints one JSON object (borrowed) for json (indented) or ndjson (one line); C1 and bidi
 * controls escaped. Returns 0 or -1. */
int cli_render_object(FILE *out, const cli_render_opts *opts, const struct json_t *obj);

/* One markdown cell as the reference writes it (escaping, list joining); malloc'd or NULL. */
char *cli_markdown_cell(const struct json_t *value);
/* One CSV field per RFC 4180, quoted when needed; malloc'd or NULL. */
char *cli_csv_field(const char *text);
/* Display width of UTF-8 text in terminal columns (utf8proc); invalid bytes count one each. */
size_t cli_display_width(const char *text);

#endif
