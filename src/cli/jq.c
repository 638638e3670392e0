/*
 * libjq's one door (scripts/check-layers): --jq compiled and run on jansson values, which cross
 * over as JSON text (jv_parse_sized), and jq's results written back as lines.
 */
#include "cli/jq.h"

#include <jansson.h>
#include <jq.h>
#include <jv.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sanitize.h"

#include "util/banned.h"

struct cli_jq {
	jq_state *state;
	int raw;
	size_t errors;
	char first[512]; /* the first message jq reported while compiling */
};

/* jq's messages while compiling: the first is kept ("syntax error, unexpected ..."). */
static void on_message(void *data, jv msg)
{
	struct cli_jq *q = data;

	if (!q->first[0] && jv_get_kind(msg) == JV_KIND_STRING)
		snprintf(q->first, sizeof(q->first), "%s", jv_string_value(msg));
	jv_free(msg);
}

/* The message with "jq: error: " and a trailing newline dropped, newlines made spaces. */
static void one_line(char *why, size_t whylen, const char *msg)
{
	size_t n;

	if (!strncmp(msg, "jq: error: ", 11))
		msg += 11;
	else if (!strncmp(msg, "jq: ", 4))
		msg += 4;
	snprintf(why, whylen, "%s", msg);
	n = strlen(why);
	while (n && (why[n - 1] == '\n' || why[n - 1] == ' '))
		why[--n] = '\0';
	for (char *p = why; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
}

int cli_jq_compile(cli_jq **out, const char *expr, int raw, char *why, size_t whylen)
{
	struct cli_jq *q = calloc(1, sizeof(*q));

	*out = NULL;
	if (!q || !(q->state = jq_init())) {
		free(q);
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	q->raw = raw;
	jq_set_error_cb(q->state, on_message, q);
	if (!jq_compile(q->state, expr)) {
		one_line(why, whylen, q->first[0] ? q->first : "does not compile");
		cli_jq_free(q);
		return -1;
	}
	*out = q;
	return 0;
}

/* Appends one result: a string's text when raw, else compact JSON; neutralised on a tty. */
static int add_result(const cli_jq *q, jv r, int tty, ppsbuf *out)
{
	size_t from = out->len;
	int rc;

	if (q->raw && jv_get_kind(r) == JV_KIND_STRING) {
		const char *s = jv_string_value(r);
		size_t n = (size_t)jv_string_length_bytes(jv_copy(r));

		rc = tty ? cli_sanitize_text(out, s, n) : ppsbuf_add(out, s, n);
		jv_free(r);
	} else {
		jv text = jv_dump_string(r, 0);

		rc = ppsbuf_adds(out, jv_string_value(text));
		jv_free(text);
		if (!rc)
			rc = cli_json_harden(out, from);
	}
	return rc ? -1 : ppsbuf_add(out, "\n", 1);
}

int cli_jq_run(cli_jq *q, const json_t *input, int tty, ppsbuf *out, char *why, size_t whylen)
{
	char *text = json_dumps(input, JSON_COMPACT | JSON_ENCODE_ANY);
	jv in, r;
	size_t len;

	if (!text)
		return -1;
	len = strlen(text);
	if (len > INT_MAX) {
		free(text);
		return -1;
	}
	in = jv_parse_sized(text, (int)len);
	free(text);
	if (!jv_is_valid(in)) {
		jv_free(in);
		return -1;
	}
	jq_start(q->state, in, 0);
	while (jv_is_valid(r = jq_next(q->state))) {
		if (add_result(q, r, tty, out) < 0)
			return -1;
	}
	if (jv_invalid_has_msg(jv_copy(r))) {
		jv msg = jv_invalid_get_msg(r);

		if (jv_get_kind(msg) == JV_KIND_STRING) {
			one_line(why, whylen, jv_string_value(msg));
		} else {
			jv t = jv_dump_string(jv_copy(msg), 0);

			one_line(why, whylen, jv_string_value(t));
			jv_free(t);
		}
		jv_free(msg);
		return 1;
	}
	jv_free(r);
	return 0;
}

size_t cli_jq_errors(const cli_jq *q)
{
	return q ? q->errors : 0;
}

void cli_jq_count_error(cli_jq *q)
{
	q->errors++;
}

void cli_jq_free(cli_jq *q)
{
	if (!q)
		return;
	if (q->state)
		jq_teardown(&q->state);
	free(q);
}
