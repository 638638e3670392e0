/*
 * --jq EXPR: a jq filter run on pps's output, by libjq (jq's own library, behind this one door).
 * The filter is compiled once, before any request; each input is a record (ndjson and the
 * other streaming formats) or the whole document (json); every output is one line.
 */
#ifndef PPS_CLI_JQ_H
#define PPS_CLI_JQ_H

#include <stddef.h>

#include "util/buf.h"

struct json_t;
typedef struct cli_jq cli_jq;

/*
 * Compiles expr. raw: a string result is written as its text (jq -r), else every result as
 * compact JSON. Returns 0, or -1 with jq's message (one line) in why.
 */
int cli_jq_compile(cli_jq **out, const char *expr, int raw, char *why, size_t whylen);

/*
 * Runs the filter on input (borrowed) and appends each result and a newline to out. A result
 * that reaches a terminal (tty) is neutralised (sanitize.h). Returns 0; 1 after a run-time
 * error of the filter (jq's message in why, what came before it appended); -1 out of memory.
 */
int cli_jq_run(cli_jq *jq, const struct json_t *input, int tty, ppsbuf *out, char *why,
	       size_t whylen);

/* Run-time errors so far (each was reported on stderr by the caller). */
size_t cli_jq_errors(const cli_jq *jq);
void cli_jq_count_error(cli_jq *jq);

void cli_jq_free(cli_jq *jq);

#endif
