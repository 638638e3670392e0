/*
 * Error kinds of libpps, the error detail kept in the client handle, and the server's own text
 * of an error body. Never prints; knows no transport.
 */
#include "lib/internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/banned.h"

const char *pps_code_name(int code)
{
	switch (code) {
	case PPS_OK:
		return "ok";
	case PPS_EUSAGE:
		return "usage";
	case PPS_ENET:
		return "network";
	case PPS_ETLS:
		return "tls";
	case PPS_EAUTH:
		return "auth";
	case PPS_EPERM:
		return "permission";
	case PPS_ENOTFOUND:
		return "not found";
	case PPS_ESERVER:
		return "server";
	case PPS_EPROTO:
		return "bad response";
	case PPS_ENOMEM:
		return "out of memory";
	case PPS_EREJECTED:
		return "rejected";
	case PPS_EUNKNOWN:
		return "outcome unknown";
	case PPS_ECANCELED:
		return "canceled";
	case PPS_EINCOMPLETE:
		return "incomplete";
	default:
		return "unknown";
	}
}

void pps__error_reset(pps_client *c)
{
	free(c->server_message);
	c->server_message = NULL;
	c->msg[0] = '\0';
	c->err.code = PPS_OK;
	c->err.http_status = 0;
	c->err.message = c->msg;
	c->err.server_message = NULL;
}

/* Control characters would break the one-line promise (and could drive a terminal). */
static void make_one_line(char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = *s == '\t' ? ' ' : '?';
	}
}

int pps__error_set(pps_client *c, int code, long http_status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* clang-analyzer takes this va_list for uninitialized (a false positive) */
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	make_one_line(c->msg);
	c->err.code = code;
	c->err.http_status = http_status;
	c->err.message = c->msg;
	return code;
}

int pps__error_unknown(pps_client *c, long http_status, const char *what)
{
	return pps__error_set(
		c, PPS_EUNKNOWN, http_status,
		"%s: the server may have carried out %s; check before sending it again",
		c->unknown_cause, what);
}

void pps__error_take_server_message(pps_client *c, char *text)
{
	free(c->server_message);
	c->server_message = text;
	c->err.server_message = text;
}

int pps__error_from_status(long status)
{
	if (status >= 200 && status <= 299)
		return PPS_OK;
	switch (status) {
	case 401:
		return PPS_EAUTH;
	case 403:
		return PPS_EPERM;
	case 404:
		return PPS_ENOTFOUND;
	case 429:
		return PPS_ESERVER;
	default:
		break;
	}
	if (status >= 400 && status <= 499)
		return PPS_EREJECTED;
	if (status >= 500 && status <= 599)
		return PPS_ESERVER;
	/* 1xx and 3xx are not answers this API gives: we neither upgrade nor follow redirects. */
	return PPS_EPROTO;
}

const char *pps__error_reason(long status)
{
	switch (status) {
	case 301:
		return "moved permanently";
	case 302:
		return "found";
	case 307:
		return "temporary redirect";
	case 308:
		return "permanent redirect";
	case 400:
		return "bad request";
	case 401:
		return "unauthorized";
	case 403:
		return "forbidden";
	case 404:
		return "not found";
	case 405:
		return "method not allowed";
	case 408:
		return "request timeout";
	case 409:
		return "conflict";
	case 413:
		return "payload too large";
	case 415:
		return "unsupported media type";
	case 422:
		return "unprocessable entity";
	case 429:
		return "too many requests";
	case 500:
		return "internal server error";
	case 501:
		return "not implemented";
	case 502:
		return "bad gateway";
	case 503:
		return "service unavailable";
	case 504:
		return "gateway timeout";
	default:
		return "";
	}
}

/* Where a UTF-8 text of len bytes may be cut at most at max without splitting a character. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

char *pps__error_first_line(const char *s, size_t len, size_t max)
{
	size_t start = 0, end, n;
	char *out;

	/* Leading blank lines are not the message. */
	while (start < len && isspace((unsigned char)s[start]))
		start++;
	end = start;
	while (end < len && s[end] != '\n' && s[end] != '\r')
		end++;
	while (end > start && isspace((unsigned char)s[end - 1]))
		end--;
	if (end == start)
		return NULL;
	n = utf8_cut(s + start, end - start, max);
	out = malloc(n + 1);
	if (!out)
		return NULL;
	memcpy(out, s + start, n);
	out[n] = '\0';
	/* A NUL inside the line would silently shorten it; show it like any control character. */
	for (size_t i = 0; i < n; i++) {
		if (out[i] == '\0')
			out[i] = '?';
	}
	make_one_line(out);
	return out;
}

/* A borrowed string member of a JSON object, or NULL. */
static const char *json_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *from_json(const json_t *root)
{
	const json_t *list;
	const char *text = NULL;

	if (!json_is_object(root))
		return NULL;
	list = json_object_get(json_object_get(root, "errors"), "invalidarguments");
	if (json_is_array(list) && json_array_size(list) > 0)
		text = json_str(json_array_get(list, 0), "error");
	if (!text)
		text = json_str(root, "message");
	if (!text)
		text = json_str(root, "error");
	if (!text)
		text = json_str(root, "status");
	if (!text)
		return NULL;
	return pps__error_first_line(text, strlen(text), PPS__SERVER_MESSAGE_MAX);
}

/* Finds needle (ASCII, lower-case) in s[0..len) ignoring case; an offset or len when absent. */
static size_t find_nocase(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++) {
		size_t j = 0;

		while (j < n && tolower((unsigned char)s[i + j]) == needle[j])
			j++;
		if (j == n)
			return i;
	}
	return len;
}

static char *from_html(const char *body, size_t len)
{
	size_t open = find_nocase(body, len, "<title"), start, end;

	if (open == len)
		return NULL;
	start = open;
	while (start < len && body[start] != '>')
		start++;
	if (start == len)
		return NULL;
	start++;
	end = start + find_nocase(body + start, len - start, "</title");
	/* A title spread over lines is still one title: join its lines with spaces. */
	{
		char *joined = malloc(end - start + 1), *out;
		size_t k = 0;

		if (!joined)
			return NULL;
		for (size_t i = start; i < end; i++)
			joined[k++] = body[i] == '\n' || body[i] == '\r' ? ' ' : body[i];
		out = pps__error_first_line(joined, k, PPS__SERVER_MESSAGE_MAX);
		free(joined);
		return out;
	}
}

static int has_prefix_nocase(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; i < n; i++) {
		if (!s[i] || tolower((unsigned char)s[i]) != prefix[i])
			return 0;
	}
	return 1;
}

char *pps__error_server_message(const char *body, size_t len, const char *content_type)
{
	size_t i = 0;
	int json_type = 0, html_type = 0;

	if (!body || len == 0)
		return NULL;
	if (content_type) {
		json_type = find_nocase(content_type, strlen(content_type), "json") !=
			    strlen(content_type);
		html_type = has_prefix_nocase(content_type, "text/html");
	}
	while (i < len && isspace((unsigned char)body[i]))
		i++;
	if (json_type || (i < len && body[i] == '{')) {
		json_t *root = json_loadb(body, len, 0, NULL);

		if (root) {
			char *out = from_json(root);

			json_decref(root);
			return out;
		}
		/* Not JSON after all: what the server wrote is still its message. */
	}
	if (html_type || (i < len && body[i] == '<'))
		return from_html(body, len);
	return pps__error_first_line(body, len, PPS__SERVER_MESSAGE_MAX);
}
