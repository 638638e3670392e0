/*
 * The streaming parser of a records answer ({"<key>": [{...}, ...], ...}) over libyajl: each
 * record becomes a small jansson object handed to the visitor as soon as its closing brace
 * arrives, then dropped. Memory is one record plus yajl's buffers. No transport, no printing.
 */
#include "lib/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "util/banned.h"

/* A held token's buffer larger than this is freed once the token is parsed. */
#define SMALL_HOLD (64 * 1024)

enum state {
	ST_START,   /* before the top-level object */
	ST_TOP,	    /* in the top-level object, between members */
	ST_LIST_AT, /* after the records key: its value comes next */
	ST_LIST,    /* in the records array, between records */
	ST_RECORD,  /* inside a record */
	ST_SKIP,    /* inside a member of the top object that is not the records */
	ST_DONE	    /* the top-level object has ended */
};

struct pps__records {
	pps_client *c;
	yajl_handle y;
	const char *key;
	pps__record_check check;
	pps_visitor v;
	enum state st;
	size_t skip;			      /* ST_SKIP: open containers of the skipped value */
	json_t *stack[PPS__RECORD_DEPTH + 1]; /* stack[0] is the record being built */
	size_t depth;
	ppsbuf pending; /* the key of the next value in the object on top of the stack */
	int build;	/* records are built as jansson values (a record callback or a check) */
	yajl_gen gen;	/* records are written as compact text (a record_text callback), or NULL */
	size_t index;	/* records delivered */
	size_t weight;	/* bytes of the record being built (an estimate of its memory) */
	size_t limit;	/* records the request asked for; one more is a bad response (0: none) */
	ppsbuf hold;	/* an unfinished token (string, number, word) kept back from yajl */
	int in_str;	/* the bytes scanned last end inside a string ... */
	int esc;	/* ... right after its backslash */
	size_t fed;	/* bytes fed to yajl in all */
	int code;	/* the error that stopped the parser, 0 while none */
	int delivered;	/* anything (a record or body bytes) reached the caller */
};

static int fail(pps__records *p, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Records an error for the callbacks to stop on; always returns 0 (yajl: cancel). */
static int fail(pps__records *p, int code, const char *fmt, ...)
{
	char msg[PPS__MSG_MAX];
	va_list ap;

	if (p->code)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->code = pps__error_set(p->c, code, 0, "%s", msg);
	return 0;
}

static int nomem(pps__records *p)
{
	if (!p->code)
		p->code = pps__error_set(p->c, PPS_ENOMEM, 0, "out of memory");
	return 0;
}

static void drop_record(pps__records *p)
{
	/* stack[0] owns everything above it. */
	if (p->depth && p->build)
		json_decref(p->stack[0]);
	p->depth = 0;
	ppsbuf_reset(&p->pending);
	p->weight = 0;
}

/* The record is complete: its check, then the visitor. 1 to go on, 0 to stop. */
static int deliver(pps__records *p)
{
	json_t *rec = p->build ? p->stack[0] : NULL;
	int rc = 0;

	p->depth = 0;
	p->weight = 0;
	if (p->check && p->check(p->c, rec, p->index) < 0) {
		p->code = p->c->err.code;
		json_decref(rec);
		return 0;
	}
	p->index++;
	p->delivered = 1;
	if (p->v.record)
		rc = p->v.record(p->v.ctx, rec);
	if (rc == 0 && p->v.record_text) {
		const unsigned char *text = NULL;
		size_t len = 0;

		yajl_gen_get_buf(p->gen, &text, &len);
		rc = p->v.record_text(p->v.ctx, (const char *)text, len);
	}
	json_decref(rec);
	if (rc != 0)
		p->code = pps__error_set(p->c, PPS_ECANCELED, 0, "stopped by the record callback");
	return rc == 0;
}

/* Places a new value (a reference stolen) into the record being built. 1 to go on, 0 to stop. */
static int put(pps__records *p, json_t *v)
{
	json_t *top = p->stack[p->depth - 1];
	int rc;

	if (!v)
		return nomem(p);
	if (json_is_object(top))
		/* yajl has checked the UTF-8 of keys and strings: jansson need not again. */
		rc = json_object_setn_new_nocheck(top, p->pending.buf, p->pending.len, v);
	else
		rc = json_array_append_new(top, v);
	return rc < 0 ? nomem(p) : 1;
}

/* Counts a value's size against the cap of one record. 1 to go on, 0 to stop. */
static int weigh(pps__records *p, size_t len)
{
	p->weight += len + 16;
	if (p->weight > PPS__RECORD_CAP)
		return fail(p, PPS_EPROTO, "record %zu is larger than 64 MiB", p->index + 1);
	return 1;
}

enum kind { K_NULL, K_TRUE, K_FALSE, K_NUMBER, K_STRING };

/* A jansson value for a scalar: integers that fit stay integers, other numbers are reals. */
static json_t *make(enum kind k, const char *s, size_t len)
{
	char text[64];
	char *end = NULL;

	switch (k) {
	case K_NULL:
		return json_null();
	case K_TRUE:
		return json_true();
	case K_FALSE:
		return json_false();
	case K_STRING:
		return json_stringn_nocheck(s, len);
	case K_NUMBER:
		break;
	}
	memcpy(text, s, len);
	text[len] = '\0';
	errno = 0;
	if (!memchr(text, '.', len) && !memchr(text, 'e', len) && !memchr(text, 'E', len)) {
		long long n = strtoll(text, &end, 10);

		if (errno == 0 && end && *end == '\0')
			return json_integer((json_int_t)n);
	}
	return json_real(strtod(text, &end));
}

static int emit(pps__records *p, enum kind k, const char *s, size_t len)
{
	yajl_gen_status st = yajl_gen_status_ok;

	switch (k) {
	case K_NULL:
		st = yajl_gen_null(p->gen);
		break;
	case K_TRUE:
	case K_FALSE:
		st = yajl_gen_bool(p->gen, k == K_TRUE);
		break;
	case K_NUMBER:
		st = yajl_gen_number(p->gen, s, len);
		break;
	case K_STRING:
		st = yajl_gen_string(p->gen, (const unsigned char *)s, len);
		break;
	}
	return st == yajl_gen_status_ok ? 1 : nomem(p);
}

/* A scalar value of kind k, its text s[0..len). */
static int scalar(pps__records *p, enum kind k, const char *s, size_t len)
{
	switch (p->st) {
	case ST_RECORD:
		if (!weigh(p, len))
			return 0;
		if (p->gen && !emit(p, k, s, len))
			return 0;
		return p->build ? put(p, make(k, s, len)) : 1;
	case ST_SKIP:
		if (p->skip == 0)
			p->st = ST_TOP;
		return 1;
	case ST_LIST_AT:
		if (k == K_NULL) {
			/* A null list is an empty one. */
			p->st = ST_TOP;
			return 1;
		}
		return fail(p, PPS_EPROTO, "response field '%s' is not an array", p->key);
	case ST_LIST:
		return fail(p, PPS_EPROTO, "response field '%s' holds a non-object at index %zu",
			    p->key, p->index);
	case ST_START:
	case ST_TOP:
	case ST_DONE:
		break;
	}
	return fail(p, PPS_EPROTO, "response is not a JSON object");
}

static int on_null(void *ctx)
{
	return scalar(ctx, K_NULL, "null", 4);
}

static int on_boolean(void *ctx, int b)
{
	return scalar(ctx, b ? K_TRUE : K_FALSE, b ? "true" : "false", b ? 4 : 5);
}

static int on_number(void *ctx, const char *s, size_t len)
{
	if (len >= 64)
		return fail(ctx, PPS_EPROTO, "response holds a number of %zu digits", len);
	return scalar(ctx, K_NUMBER, s, len);
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	return scalar(ctx, K_STRING, (const char *)s, len);
}

static int on_key(void *ctx, const unsigned char *s, size_t len)
{
	pps__records *p = ctx;

	switch (p->st) {
	case ST_TOP:
		if (strlen(p->key) == len && memcmp(p->key, s, len) == 0) {
			p->st = ST_LIST_AT;
		} else {
			p->st = ST_SKIP;
			p->skip = 0;
		}
		return 1;
	case ST_RECORD:
		if (!weigh(p, len))
			return 0;
		if (p->gen && yajl_gen_string(p->gen, s, len) != yajl_gen_status_ok)
			return nomem(p);
		ppsbuf_reset(&p->pending);
		return ppsbuf_add(&p->pending, s, len) < 0 ? nomem(p) : 1;
	default:
		/* Keys of objects inside a skipped member. */
		return 1;
	}
}

/* A container opens inside a record: object when obj, else array. */
static int open_inner(pps__records *p, int obj)
{
	json_t *v;

	if (p->depth >= PPS__RECORD_DEPTH)
		return fail(p, PPS_EPROTO, "record %zu nests deeper than 64 levels", p->index + 1);
	if (!weigh(p, 0))
		return 0;
	if (p->gen &&
	    (obj ? yajl_gen_map_open(p->gen) : yajl_gen_array_open(p->gen)) != yajl_gen_status_ok)
		return nomem(p);
	if (!p->build) {
		p->depth++;
		return 1;
	}
	v = obj ? json_object() : json_array();
	/* The parent holds the reference; the stack borrows it. */
	if (!put(p, json_incref(v))) {
		json_decref(v);
		return 0;
	}
	json_decref(v);
	p->stack[p->depth++] = v;
	return 1;
}

/* A record starts: a new object, and a fresh text for it. */
static int open_record(pps__records *p)
{
	/* A server that sends more than was asked for would be read without end: stop at once. */
	if (p->limit && p->index >= p->limit)
		return fail(p, PPS_EPROTO, "the server sent more than the %zu records asked for",
			    p->limit);
	if (p->gen) {
		yajl_gen_clear(p->gen);
		yajl_gen_reset(p->gen, NULL);
		if (yajl_gen_map_open(p->gen) != yajl_gen_status_ok)
			return nomem(p);
	}
	if (p->build) {
		p->stack[0] = json_object();
		if (!p->stack[0])
			return nomem(p);
	}
	p->depth = 1;
	p->st = ST_RECORD;
	return 1;
}

/* A container opens: object when obj, else array. */
static int open_container(pps__records *p, int obj)
{
	switch (p->st) {
	case ST_START:
		if (!obj)
			return fail(p, PPS_EPROTO, "response is not a JSON object");
		p->st = ST_TOP;
		return 1;
	case ST_SKIP:
		p->skip++;
		return 1;
	case ST_LIST_AT:
		if (obj)
			return fail(p, PPS_EPROTO, "response field '%s' is not an array", p->key);
		p->st = ST_LIST;
		return 1;
	case ST_LIST:
		if (!obj)
			return fail(p, PPS_EPROTO,
				    "response field '%s' holds a non-object at index %zu", p->key,
				    p->index);
		return open_record(p);
	case ST_RECORD:
		return open_inner(p, obj);
	case ST_TOP:
	case ST_DONE:
		break;
	}
	return fail(p, PPS_EPROTO, "response is not a JSON object");
}

/* A container closes: object when obj, else array. */
static int close_container(pps__records *p, int obj)
{
	switch (p->st) {
	case ST_TOP:
		p->st = ST_DONE;
		return 1;
	case ST_SKIP:
		if (--p->skip == 0)
			p->st = ST_TOP;
		return 1;
	case ST_LIST:
		p->st = ST_TOP;
		return 1;
	case ST_RECORD:
		if (p->gen && (obj ? yajl_gen_map_close(p->gen) : yajl_gen_array_close(p->gen)) !=
				      yajl_gen_status_ok)
			return nomem(p);
		if (--p->depth > 0)
			return 1;
		p->st = ST_LIST;
		return deliver(p);
	case ST_START:
	case ST_LIST_AT:
	case ST_DONE:
		break;
	}
	return fail(p, PPS_EPROTO, "response is not a JSON object");
}

static int on_start_map(void *ctx)
{
	return open_container(ctx, 1);
}

static int on_start_array(void *ctx)
{
	return open_container(ctx, 0);
}

static int on_end_map(void *ctx)
{
	return close_container(ctx, 1);
}

static int on_end_array(void *ctx)
{
	return close_container(ctx, 0);
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_boolean,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_end_map,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end_array,
};

static int start(pps__records *p)
{
	p->y = yajl_alloc(&callbacks, NULL, p);
	return p->y ? PPS_OK : PPS_ENOMEM;
}

int pps__records_new(pps__records **out, pps_client *c, const char *key, pps__record_check check,
		     const pps_visitor *v)
{
	pps__records *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
	p->c = c;
	ppsbuf_init(&p->pending, 0);
	ppsbuf_init(&p->hold, 0);
	p->key = key;
	p->check = check;
	if (v)
		p->v = *v;
	p->build = p->v.record || check;
	if (p->v.record_text) {
		p->gen = yajl_gen_alloc(NULL);
		/* yajl checked the input's UTF-8 already; "/" stays as it is. */
		if (p->gen)
			yajl_gen_config(p->gen, yajl_gen_validate_utf8, 0);
	}
	if (start(p) < 0 || (p->v.record_text && !p->gen)) {
		pps__records_free(p);
		return pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
	}
	*out = p;
	return PPS_OK;
}

void pps__records_free(pps__records *p)
{
	if (!p)
		return;
	drop_record(p);
	ppsbuf_release(&p->pending);
	ppsbuf_release(&p->hold);
	if (p->y)
		yajl_free(p->y);
	if (p->gen)
		yajl_gen_free(p->gen);
	free(p);
}

size_t pps__records_count(const pps__records *p)
{
	return p->index;
}

void pps__records_limit(pps__records *p, size_t limit)
{
	p->limit = limit;
}

/* yajl's own words for a syntax error, on one line. */
static int syntax_error(pps__records *p, const unsigned char *data, size_t len)
{
	unsigned char *msg = yajl_get_error(p->y, 0, data, len);
	const char *text = msg ? (const char *)msg : "parse error";
	size_t n = strcspn(text, "\r\n");
	size_t at = p->fed + (data ? yajl_get_bytes_consumed(p->y) : 0);

	if (p->st == ST_RECORD || p->st == ST_LIST)
		p->code =
			pps__error_set(p->c, PPS_EPROTO, 0,
				       "response is not valid JSON in record %zu (byte %zu): %.*s",
				       p->index + 1, at, (int)n, text);
	else
		p->code = pps__error_set(p->c, PPS_EPROTO, 0,
					 "response is not valid JSON (byte %zu): %.*s", at, (int)n,
					 text);
	if (msg)
		yajl_free_error(p->y, msg);
	return p->code;
}

/* Whether c ends the token before it: structure or white space outside a string. */
static int is_boundary(char c)
{
	return c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':' || c == ' ' ||
	       c == '\t' || c == '\r' || c == '\n';
}

/*
 * Scans d[0..n) from a token boundary and returns the end of its last token boundary: what
 * lies after it begins a token that may go on in the next bytes. Leaves in_str/esc as the
 * scan ends, for token_end() to go on from.
 */
static size_t last_boundary(pps__records *p, const char *d, size_t n)
{
	size_t cut = 0;

	p->in_str = 0;
	p->esc = 0;
	for (size_t i = 0; i < n; i++) {
		if (p->in_str) {
			if (p->esc)
				p->esc = 0;
			else if (d[i] == '\\')
				p->esc = 1;
			else if (d[i] == '"')
				p->in_str = 0, cut = i + 1;
		} else if (d[i] == '"') {
			p->in_str = 1;
		} else if (is_boundary(d[i])) {
			cut = i + 1;
		}
	}
	return cut;
}

/* Where the held token ends in d[0..n): *done when it ends there, else it takes all of d. */
static size_t token_end(pps__records *p, const char *d, size_t n, int *done)
{
	*done = 1;
	for (size_t i = 0; i < n; i++) {
		if (!p->in_str) {
			if (is_boundary(d[i]) || d[i] == '"')
				return i;
		} else if (p->esc) {
			p->esc = 0;
		} else if (d[i] == '\\') {
			p->esc = 1;
		} else if (d[i] == '"') {
			p->in_str = 0;
			return i + 1;
		}
	}
	*done = 0;
	return n;
}

/* Hands complete tokens to yajl. */
static int parse(pps__records *p, const char *d, size_t n)
{
	yajl_status st = yajl_parse(p->y, (const unsigned char *)d, n);

	if (p->code)
		return p->code;
	if (st != yajl_status_ok)
		return syntax_error(p, (const unsigned char *)d, n);
	p->fed += n;
	return PPS_OK;
}

/* Keeps d[0..n) back as (part of) an unfinished token, within the cap of one value. */
static int hold(pps__records *p, const char *d, size_t n)
{
	char first = p->hold.len ? p->hold.buf[0] : *d;

	/* Below the cap, never at it: the buffer's doubling then stops at the cap too. */
	if (p->hold.len + n >= PPS__VALUE_CAP)
		return p->code = pps__error_set(p->c, PPS_EPROTO, 0,
						"response holds a %s longer than %zu MiB (the cap)",
						first == '"' ? "string" : "value",
						PPS__VALUE_CAP >> 20);
	if (ppsbuf_add(&p->hold, d, n) < 0)
		return p->code = pps__error_set(p->c, PPS_ENOMEM, 0, "out of memory");
	return PPS_OK;
}

/*
 * yajl re-reads a token that spans two of its input pieces from its start each time a piece
 * comes, so a long string fed in pieces costs quadratic time. Only whole tokens reach it: an
 * unfinished one is held back here (appended in linear time, capped) until it ends.
 */
static int feed_tokens(pps__records *p, const char *data, size_t len)
{
	int done, ret;
	size_t k;

	while (len && !p->code) {
		if (p->hold.len) {
			k = token_end(p, data, len, &done);
			ret = hold(p, data, k);
			if (ret < 0 || !done)
				return ret;
			data += k;
			len -= k;
			ret = parse(p, p->hold.buf, p->hold.len);
			/* A long value's buffer is not kept for the rest of the answer. */
			if (p->hold.alloc > SMALL_HOLD)
				ppsbuf_release(&p->hold);
			ppsbuf_reset(&p->hold);
			if (ret < 0)
				return ret;
			continue;
		}
		k = last_boundary(p, data, len);
		if (k && (ret = parse(p, data, k)) < 0)
			return ret;
		return k < len ? hold(p, data + k, len - k) : PPS_OK;
	}
	return p->code;
}

static int feed(void *ctx, const char *data, size_t len)
{
	pps__records *p = ctx;
	int ret;

	if (p->code)
		return p->code;
	if (p->v.body && len) {
		p->delivered = 1;
		if (p->v.body(p->v.ctx, data, len) != 0)
			return p->code = pps__error_set(p->c, PPS_ECANCELED, 0,
							"stopped by the body callback");
	}
	ret = feed_tokens(p, data, len);
	if (ret < 0)
		return ret;
	if (p->v.parsed && p->v.parsed(p->v.ctx) != 0)
		return p->code = pps__error_set(p->c, PPS_ECANCELED, 0,
						"stopped by the parsed callback");
	return PPS_OK;
}

static int restart(void *ctx)
{
	pps__records *p = ctx;

	if (p->delivered)
		return -1;
	drop_record(p);
	yajl_free(p->y);
	p->y = NULL;
	p->st = ST_START;
	p->skip = 0;
	p->index = 0;
	ppsbuf_reset(&p->hold);
	p->in_str = 0;
	p->esc = 0;
	p->fed = 0;
	p->code = 0;
	return start(p) < 0 ? -1 : 0;
}

pps__sink pps__records_sink(pps__records *p)
{
	pps__sink s = { feed, restart, p };

	return s;
}

int pps__records_finish(pps__records *p)
{
	if (p->code)
		return p->code;
	/* A token at the very end of the body (a bare number) is whole now. */
	if (p->hold.len && parse(p, p->hold.buf, p->hold.len) < 0)
		return p->code;
	ppsbuf_reset(&p->hold);
	if (p->st == ST_START)
		return p->code = pps__error_set(p->c, PPS_EPROTO, 0, "response is empty");
	if (yajl_complete_parse(p->y) != yajl_status_ok) {
		if (p->code)
			return p->code;
		/* Every other fault was seen while parsing: the body ends too early. */
		if (p->st == ST_RECORD)
			return p->code = pps__error_set(p->c, PPS_EPROTO, 0,
							"response ends inside record %zu",
							p->index + 1);
		return p->code = pps__error_set(p->c, PPS_EPROTO, 0,
						"response ends early, after %zu records", p->index);
	}
	if (p->st != ST_DONE)
		return p->code = pps__error_set(p->c, PPS_EPROTO, 0, "response ends early");
	return PPS_OK;
}
