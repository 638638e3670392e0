/*
 * The records parser's input: the body's bytes handed to yajl whole tokens at a time (an
 * unfinished token held back, capped), yajl's syntax errors in one line, the end of the body
 * checked. What yajl makes of the tokens is records.c's.
 */
#include "lib/records_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

/* A held token's buffer larger than this is freed once the token is parsed. */
#define SMALL_HOLD (64 * 1024)

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

/* The bytes that end the token before them outside a string: structure and white space. */
static const unsigned char boundary[256] = {
	['{'] = 1, ['}'] = 1, ['['] = 1,  [']'] = 1,  [','] = 1,
	[':'] = 1, [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1,
};

/* Whether c ends the token before it: structure or white space outside a string. */
static int is_boundary(char c)
{
	return c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':' || c == ' ' ||
	       c == '\t' || c == '\r' || c == '\n';
}

/* The number of backslashes right before d[end], not looking before d[start]. */
static size_t backslashes_before(const char *d, size_t start, size_t end)
{
	size_t k = 0;

	while (end > start + k && d[end - 1 - k] == '\\')
		k++;
	return k;
}

/* The index of the quote that closes the string opened before d[open], or n if none in d. */
static size_t string_end(const char *d, size_t open, size_t n)
{
	for (size_t i = open; i < n;) {
		const char *q = memchr(d + i, '"', n - i);

		if (!q)
			break;
		if (!(backslashes_before(d, open, (size_t)(q - d)) & 1))
			return (size_t)(q - d);
		i = (size_t)(q - d) + 1;
	}
	return n;
}

/*
 * Scans d[0..n) from a token boundary and returns the end of its last token boundary: what
 * lies after it begins a token that may go on in the next bytes. Leaves in_str/esc as the
 * scan ends, for token_end() to go on from. Strings, most of a body, are crossed with memchr
 * and the rest looked up in a table: this scan runs over every byte of every answer.
 */
static size_t last_boundary(pps__records *p, const char *d, size_t n)
{
	size_t cut = 0, i = 0, q;

	while (i < n) {
		unsigned char c = (unsigned char)d[i];

		if (c != '"') {
			if (boundary[c])
				cut = i + 1;
			i++;
			continue;
		}
		q = string_end(d, i + 1, n);
		if (q == n) {
			/* The string goes on in the next bytes. */
			p->in_str = 1;
			p->esc = (int)(backslashes_before(d, i + 1, n) & 1);
			return cut;
		}
		i = cut = q + 1;
	}
	p->in_str = 0;
	p->esc = 0;
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

int pps__records_feed(void *ctx, const char *data, size_t len)
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
