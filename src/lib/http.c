/*
 * The transport of libpps: one kept-alive curl handle per client, sending a request (each
 * method sent as often as it may be), reading status and body, the attempts of one request.
 * URLs, the retry policy and the words for a failure are in http_*.c; only these files include
 * libcurl. It knows no API path or parameter name and never prints (the log goes to the caller).
 */
#include "lib/http_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/banned.h"

int pps_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? PPS_OK : PPS_ENOMEM;
}

void pps_global_cleanup(void)
{
	curl_global_cleanup();
}

/* The body buffer of a call without a sink: capped so that an untrusted body is bounded. */
static int buffer_body(struct sink *s, const char *data, size_t n)
{
	/* Below the cap, never at it: the buffer's doubling then stops at the cap too. */
	if (s->body.len + n >= s->cap)
		return pps__error_set(s->c, PPS_EPROTO, s->status,
				      "response body is larger than %zu MiB", s->cap >> 20);
	if (ppsbuf_add(&s->body, data, n) < 0)
		return pps__error_set(s->c, PPS_ENOMEM, s->status,
				      "out of memory reading the response");
	return PPS_OK;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *userp)
{
	struct sink *s = userp;
	size_t n = size * nmemb;
	int rc;

	if (!s->known) {
		curl_easy_getinfo(s->c->http->curl, CURLINFO_RESPONSE_CODE, &s->status);
		s->known = 1;
	}
	if (s->status < 200 || s->status > 299) {
		/* An error body: enough of it for the server's message, the rest is dropped. */
		if (s->body.len < PPS__ERROR_BODY_CAP)
			ppsbuf_add(&s->body, data,
				   n < PPS__ERROR_BODY_CAP - s->body.len
					   ? n
					   : PPS__ERROR_BODY_CAP - s->body.len);
		return n;
	}
	rc = s->to ? s->to->write(s->to->ctx, data, n) : buffer_body(s, data, n);
	if (rc < 0) {
		s->code = rc;
		return 0;
	}
	return n;
}

static size_t on_read(char *dest, size_t size, size_t nmemb, void *userp)
{
	struct upload *u = userp;
	size_t n = size * nmemb;

	if (n > u->len - u->pos)
		n = u->len - u->pos;
	memcpy(dest, u->data + u->pos, n);
	u->pos += n;
	return n;
}

/*
 * A body is never rewound. libcurl rewinds it only to send the request again on its own: when
 * a kept-alive connection dies after the request went out and before any answer byte came
 * back, it silently re-sends on a fresh connection. For a release or a forward that is the
 * worst outcome there is (the server may have carried out the first one), so the rewind fails
 * and the transfer ends with CURLE_SEND_FAIL_REWIND, which pps__http_send reports as
 * PPS_EUNKNOWN.
 */
static int on_seek(void *userp, curl_off_t offset, int origin)
{
	(void)userp;
	(void)offset;
	(void)origin;
	return CURL_SEEKFUNC_CANTSEEK;
}

static struct curl_slist *headers_new(int with_body)
{
	struct curl_slist *list = NULL, *next;
	const char *lines[] = { "Accept: application/json",
				/* No "Expect: 100-continue" round trip before a body. */
				"Expect:", with_body ? "Content-Type: application/json" : NULL };

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]) && lines[i]; i++) {
		next = curl_slist_append(list, lines[i]);
		if (!next) {
			curl_slist_free_all(list);
			return NULL;
		}
		list = next;
	}
	return list;
}

int pps__http_open(pps_client *c)
{
	struct pps__http *h = calloc(1, sizeof(*h));
	CURL *e;
	int bad = 0;
	long connect_ms;

	if (!h)
		return PPS_ENOMEM;
	c->http = h;
	h->curl = curl_easy_init();
	h->hdr_plain = headers_new(0);
	h->hdr_body = headers_new(1);
	if (!h->curl || !h->hdr_plain || !h->hdr_body)
		return PPS_ENOMEM;
	e = h->curl;
	connect_ms = c->timeout_ms < 15000 ? c->timeout_ms : 15000;
	bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, h->errbuf) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->timeout_ms) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_READDATA, &h->up) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_SEEKDATA, &h->up) != CURLE_OK;
	if (c->username) {
		bad |= curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_USERNAME, c->username) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_PASSWORD, c->password ? c->password : "") !=
		       CURLE_OK;
	}
	if (c->cacert)
		bad |= curl_easy_setopt(e, CURLOPT_CAINFO, c->cacert) != CURLE_OK;
	if (c->insecure) {
		bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L) != CURLE_OK;
	}
	if (c->no_proxy)
		bad |= curl_easy_setopt(e, CURLOPT_NOPROXY, "*") != CURLE_OK;
	else if (c->proxy)
		bad |= curl_easy_setopt(e, CURLOPT_PROXY, c->proxy) != CURLE_OK;
	return bad ? PPS_ENOMEM : PPS_OK;
}

void pps__http_close(pps_client *c)
{
	struct pps__http *h = c->http;

	if (!h)
		return;
	if (h->curl) {
		/* curl keeps its own copy of the password: overwrite it before it is freed. */
		curl_easy_setopt(h->curl, CURLOPT_PASSWORD, "");
		curl_easy_cleanup(h->curl);
	}
	curl_slist_free_all(h->hdr_plain);
	curl_slist_free_all(h->hdr_body);
	free(h);
	c->http = NULL;
}

static void log_line(pps_client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void log_line(pps_client *c, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	if (!c->log)
		return;
	va_start(ap, fmt);
	/* clang-analyzer takes this va_list for uninitialized (a false positive) */
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->log(c->log_ctx, line);
}

static int set_method(CURL *e, struct pps__http *h, const char *method, const char *body,
		      size_t body_len)
{
	int bad = 0;
	int idempotent = pps__http_idempotent(method);

	/*
	 * A request that may change something is sent once. With a body, on_seek() stops libcurl
	 * from re-sending it; without one (DELETE) there is nothing to rewind, so libcurl would
	 * re-send it silently on a dead kept-alive connection: it gets a connection of its own.
	 */
	bad |= curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, !idempotent && !body ? 1L : 0L) !=
	       CURLE_OK;
	if (!body && strcmp(method, "POST") != 0 && strcmp(method, "PUT") != 0) {
		bad |= curl_easy_setopt(e, CURLOPT_HTTPGET, 1L) != CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_NOBODY, !strcmp(method, "HEAD") ? 1L : 0L) !=
		       CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, idempotent ? NULL : method) !=
		       CURLE_OK;
		bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->hdr_plain) != CURLE_OK;
		return bad;
	}
	h->up.data = body ? body : "";
	h->up.len = body ? body_len : 0;
	h->up.pos = 0;
	bad |= curl_easy_setopt(e, CURLOPT_NOBODY, 0L) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_POST, 1L) != CURLE_OK;
	/* The body comes from on_read(), never from POSTFIELDS, which libcurl may send again. */
	bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDS, NULL) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)h->up.len) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST,
				!strcmp(method, "POST") ? NULL : method) != CURLE_OK;
	bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->hdr_body) != CURLE_OK;
	return bad;
}

/* Keeps the server's clock as its last answer's Date header gave it (--follow polls on it). */
static void note_server_time(pps_client *c, CURL *e)
{
	struct curl_header *h = NULL;
	time_t t;

	if (curl_easy_header(e, "Date", 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h)
		return;
	t = curl_getdate(h->value, NULL);
	if (t > 0)
		c->server_time = (int64_t)t;
}

static int run_once(pps_client *c, const char *method, const char *url, const char *body,
		    size_t body_len, struct sink *s, struct attempt *a)
{
	struct pps__http *h = c->http;
	CURL *e = h->curl;
	long connects = 0;
	curl_off_t retry_after = 0;
	char *ct = NULL;

	memset(a, 0, sizeof(*a));
	a->retry_after_s = -1;
	ppsbuf_reset(&s->body);
	s->known = 0;
	s->status = 0;
	s->code = 0;
	h->errbuf[0] = '\0';
	if (set_method(e, h, method, body, body_len) ||
	    curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, s) != CURLE_OK)
		return PPS_ENOMEM;
	a->rc = curl_easy_perform(e);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &a->status);
	curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &a->os_errno);
	curl_easy_getinfo(e, CURLINFO_REQUEST_SIZE, &a->request_size);
	curl_easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &a->time_us);
	if (curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK)
		c->connections += connects;
	if (curl_easy_getinfo(e, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK && retry_after > 0)
		a->retry_after_s = retry_after > 3600 ? 3600 : (long)retry_after;
	note_server_time(c, e);
	if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct) {
		a->content_type = strdup(ct);
		if (!a->content_type)
			return PPS_ENOMEM;
	}
	return PPS_OK;
}

/* The request as on_request sees it. */
static int show_request(pps_client *c, const char *method, const char *url, const char *body)
{
	struct pps_request r = { c, method, url, body };

	if (!c->on_request)
		return PPS_OK;
	if (c->on_request(c->request_ctx, &r) != 0)
		return pps__error_set(c, PPS_ECANCELED, 0, "stopped by the request callback");
	return PPS_OK;
}

void pps__answer_release(pps__answer *a)
{
	free(a->content_type);
	a->content_type = NULL;
	ppsbuf_release(&a->body);
	a->status = 0;
}

/* One request across its attempts. */
struct exchange {
	pps_client *c;
	const char *method, *path, *url, *body;
	size_t body_len;
	const pps__sink *to;
	struct sink s;
	struct attempt a;
	int code;		/* of the last attempt */
	long too_long;		/* a Retry-After longer than the timeout, or -1 */
	char why[PPS__MSG_MAX]; /* the last attempt's failure, described */
};

/* Makes the attempts the retry policy allows; the last one's outcome stays in x. 0 or
 * PPS_ENOMEM. */
static int attempt_all(struct exchange *x)
{
	pps_client *c = x->c;

	for (int attempt = 0;; attempt++) {
		long delay;

		free(x->a.content_type);
		if (run_once(c, x->method, x->url, x->body, x->body_len, &x->s, &x->a) < 0)
			return pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
		if (x->a.rc != CURLE_OK)
			x->code = pps__http_describe(c, &x->a, &x->s, x->why, sizeof(x->why));
		else
			x->code = pps__error_from_status(x->a.status);
		if (x->a.rc == CURLE_OK)
			log_line(c, "%s %s -> %ld (%.1f ms)", x->method, x->url, x->a.status,
				 (double)x->a.time_us / 1000.0);
		else
			log_line(c, "%s %s -> %s (%.1f ms)", x->method, x->url, x->why,
				 (double)x->a.time_us / 1000.0);
		if (x->code == PPS_OK)
			return PPS_OK;
		delay = pps__http_next_wait(c, x->method, x->to, &x->a, x->code, attempt,
					    &x->too_long);
		if (delay < 0)
			return PPS_OK;
		if (x->a.rc == CURLE_OK)
			log_line(c, "retrying in %ld ms (%ld)", delay, x->a.status);
		else
			log_line(c, "retrying in %ld ms (%s)", delay, x->why);
		pps__http_sleep_ms(delay);
	}
}

/* The error of a request whose last attempt failed, set in the handle and returned. */
static int failed(struct exchange *x)
{
	pps_client *c = x->c;
	const struct attempt *a = &x->a;
	const char *reason;
	char wait[120] = "";

	if (a->rc != CURLE_OK && !pps__http_idempotent(x->method) &&
	    pps__http_may_have_arrived(a)) {
		snprintf(c->unknown_cause, sizeof(c->unknown_cause), "%s", x->why);
		snprintf(x->why, sizeof(x->why), "the %s %s", x->method, x->path);
		return pps__error_unknown(c, a->status, x->why);
	}
	if (a->rc != CURLE_OK)
		return pps__error_set(c, x->code, a->status, "%s", x->why);
	reason = pps__error_reason(a->status);
	pps__error_take_server_message(c, pps__error_server_message(x->s.body.buf, x->s.body.len,
								    a->content_type));
	/* A caller that may repeat the request (a throttled action) waits this long. */
	if (a->retry_after_s >= 0)
		c->err.retry_after_ms = a->retry_after_s * 1000;
	if (x->too_long >= 0)
		snprintf(wait, sizeof(wait),
			 ": it asks to retry after %ld s, longer than the timeout (%ld s)",
			 x->too_long, (c->timeout_ms + 999) / 1000);
	return pps__error_set(c, x->code, a->status, "server answered %ld%s%s%s", a->status,
			      *reason ? " " : "", reason, wait);
}

/* A 2xx answer's status, content type and body (without a sink) into out. */
static void hand_over(struct exchange *x, pps__answer *out)
{
	x->c->last_status = x->a.status;
	out->status = x->a.status;
	out->content_type = x->a.content_type;
	x->a.content_type = NULL;
	out->body = x->s.body;
	ppsbuf_init(&x->s.body, 0);
}

int pps__http_send(pps_client *c, const char *method, const char *path, const pps__query *q,
		   const char *body, const pps__sink *to, pps__answer *out)
{
	ppsbuf url = PPSBUF_INIT;
	struct exchange x = {
		.c = c,
		.method = method,
		.path = path,
		.body = body,
		.body_len = body ? strlen(body) : 0,
		.to = to,
		.s = { c, to, PPSBUF_INIT, out->body.cap ? out->body.cap : PPS__BODY_CAP, 0, 0, 0 },
		.too_long = -1,
	};
	int ret;

	pps__answer_release(out);
	ppsbuf_init(&x.s.body, 0);
	c->last_status = 0;
	c->err.retry_after_ms = 0;
	if (pps__http_build_url(&url, c->base, path, q) < 0) {
		ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
		goto done;
	}
	x.url = url.buf;
	ret = show_request(c, method, url.buf, body);
	if (ret < 0)
		goto done;
	if (c->dry_run) {
		ret = PPS__NOT_SENT;
		goto done;
	}
	ret = attempt_all(&x);
	if (ret < 0)
		goto done;
	if (x.code != PPS_OK) {
		ret = failed(&x);
		goto done;
	}
	hand_over(&x, out);
done:
	free(x.a.content_type);
	ppsbuf_release(&x.s.body);
	ppsbuf_release(&url);
	return ret;
}
