/*
 * libjq's one door (scripts/check-layers): --jq compiled and run on jansson values, which cross
 * over as JSON text (jv_parse_sized), and jq's results written back as lines. libjq.so.1 is
 * loaded here when --jq is first used: a run without it does not pay for loading libjq and
 * oniguruma (start-up time and memory, BENCHMARKS.md scenario 6).
 */
#include "cli/jq.h"

#include <dlfcn.h>
#include <jansson.h>
/*
 * jv.h defines a static jv_is_valid() that calls jv_get_kind() directly; named so, that call
 * reaches cli_jq_get_kind() below, which forwards to the loaded library.
 */
#define jv_get_kind cli_jq_get_kind
#include <jq.h>
#include <jv.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sanitize.h"

#include "util/banned.h"

/* The libjq functions used here, reached through pointers filled by load_jq(). */
#define JQ_FUNCS(X)               \
	X(jq_init)                \
	X(jq_set_error_cb)        \
	X(jq_compile)             \
	X(jq_start)               \
	X(jq_next)                \
	X(jq_teardown)            \
	X(jv_free)                \
	X(jv_copy)                \
	X(jv_get_kind)            \
	X(jv_string_value)        \
	X(jv_string_length_bytes) \
	X(jv_dump_string)         \
	X(jv_parse_sized)         \
	X(jv_invalid_has_msg)     \
	X(jv_invalid_get_msg)

#define JQ_FIELD(f) __typeof__(f) *p_##f;
static struct {
	JQ_FUNCS(JQ_FIELD)
} api;
#undef JQ_FIELD

/* Loads libjq once; 0, or -1 with the reason in why. */
static int load_jq(char *why, size_t whylen)
{
	static void *lib;
	const char *err = NULL;

	if (lib)
		return 0;
	lib = dlopen("libjq.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		err = dlerror();
		goto fail;
	}
#define JQ_LOAD(f)                                      \
	if (!(*(void **)&api.p_##f = dlsym(lib, #f))) { \
		err = dlerror();                        \
		goto unload;                            \
	}
	JQ_FUNCS(JQ_LOAD)
#undef JQ_LOAD
	return 0;
unload:
	snprintf(why, whylen, "cannot load libjq (%s): install the libjq1 package",
		 err ? err : "libjq.so.1");
	dlclose(lib);
	lib = NULL;
	return -1;
fail:
	snprintf(why, whylen, "cannot load libjq (%s): install the libjq1 package",
		 err ? err : "libjq.so.1");
	return -1;
}

/* From here on each libjq call goes through its pointer. */
#define JQ_CALL(f)	       (*api.p_##f)
#define jq_init		       JQ_CALL(jq_init)
#define jq_set_error_cb	       JQ_CALL(jq_set_error_cb)
#define jq_compile	       JQ_CALL(jq_compile)
#define jq_start	       JQ_CALL(jq_start)
#define jq_next		       JQ_CALL(jq_next)
#define jq_teardown	       JQ_CALL(jq_teardown)
#define jv_free		       JQ_CALL(jv_free)
#define jv_copy		       JQ_CALL(jv_copy)
#define jv_string_value	       JQ_CALL(jv_string_value)
#define jv_string_length_bytes JQ_CALL(jv_string_length_bytes)
#define jv_dump_string	       JQ_CALL(jv_dump_string)
#define jv_parse_sized	       JQ_CALL(jv_parse_sized)
#define jv_invalid_has_msg     JQ_CALL(jv_invalid_has_msg)
#define jv_invalid_get_msg     JQ_CALL(jv_invalid_get_msg)

jv_kind cli_jq_get_kind(jv v)
{
	return api.p_jv_get_kind(v);
}

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
	struct cli_jq *q;

	*out = NULL;
	if (load_jq(why, whylen) < 0)
		return -1;
	q = calloc(1, sizeof(*q));
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
