/*
 * The streaming parser of a records answer ({"<key>": [{...}, ...], ...}) over libyajl: each
 * record becomes a small jansson object handed to the visitor as soon as its closing brace
 * arrives, then dropped. Memory is one record plus yajl's buffers. This file: yajl's callbacks
 * building a record, and the parser's life; records_feed.c hands it the bytes. No transport, no
 * printing.
 */
#include "lib/records_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

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
	pps__sink s = { pps__records_feed, restart, p };

	return s;
}
