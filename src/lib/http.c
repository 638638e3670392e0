/*
 * The transport of libpps and the only file that includes libcurl: URL and query building,
 * one kept-alive curl handle per client, sending, reading status and body, the retry policy.
 * It knows no API path or parameter name and never prints (the log goes to the caller).
 */
#include "lib/internal.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "util/banned.h"

/* The body of the request in flight, handed to libcurl by on_read(). */
struct upload {
	const char *data;
	size_t len;
	size_t pos;
};

struct pps__http {
	CURL *curl;
	struct curl_slist *hdr_plain; /* headers of a request without a body */
	struct curl_slist *hdr_body;  /* headers of a request with a JSON body */
	struct upload up;
	char errbuf[CURL_ERROR_SIZE];
};

/* Where the write callback puts one attempt's body. */
struct sink {
	pps_client *c;
	const pps__sink *to; /* a 2xx body goes here; NULL: into body */
	ppsbuf body;	     /* a 2xx body without a sink (capped), or an error body (capped) */
	size_t cap;	     /* the most of a 2xx body kept without a sink */
	int known;	     /* the status below has been read */
	long status;
	int code; /* the error that stopped the transfer from the write side, or 0 */
};

/* The outcome of one attempt. */
struct attempt {
	CURLcode rc;
	long status;
	long os_errno;
	long request_size;  /* bytes of request head sent; 0 when nothing left */
	long retry_after_s; /* -1 when the server sent none */
	curl_off_t time_us;
	char *content_type; /* malloc'd or NULL */
};

int pps_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? PPS_OK : PPS_ENOMEM;
}

void pps_global_cleanup(void)
{
	curl_global_cleanup();
}

static int has_prefix_nocase(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!s[i] || ch != prefix[i])
			return 0;
	}
	return 1;
}

/*
 * url for messages: the credentials of "scheme://user:password@host" shown as "***@", and a
 * query or fragment (which may carry a token or a password) as "?***" and "#***".
 */
static void redact_url(const char *url, char *out, size_t len)
{
	const char *auth = strstr(url, "://"), *end, *at, *rest;
	size_t path;

	auth = auth ? auth + 3 : url;
	end = auth + strcspn(auth, "/?#");
	at = memchr(auth, '@', (size_t)(end - auth));
	while (at && memchr(at + 1, '@', (size_t)(end - at - 1)))
		at = memchr(at + 1, '@', (size_t)(end - at - 1));
	rest = at ? at : auth;
	path = strcspn(rest, "?#");
	snprintf(out, len, "%.*s%s%.*s%s%s", (int)(auth - url), url, at ? "***" : "", (int)path,
		 rest, strchr(rest + path, '?') ? "?***" : "",
		 strchr(rest + path, '#') ? "#***" : "");
}

/*
 * text (libcurl's words, which may quote a proxy URL whole) with each word that holds
 * credentials, a query or a fragment redacted as by redact_url(), into out.
 */
static void redact_words(const char *text, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	while (*text && o + 1 < len) {
		size_t n = strcspn(text, " '\"");
		char word[CURL_ERROR_SIZE], shown[CURL_ERROR_SIZE + 16];

		if (n && n < sizeof(word) && strpbrk(text, "@?#") &&
		    (size_t)(strpbrk(text, "@?#") - text) < n) {
			memcpy(word, text, n);
			word[n] = '\0';
			redact_url(word, shown, sizeof(shown));
		} else {
			snprintf(shown, sizeof(shown), "%.*s", (int)(n ? n : 1), text);
			if (!n)
				n = 1;
		}
		o += (size_t)snprintf(out + o, len - o, "%s", shown);
		if (o >= len)
			o = len - 1;
		text += n;
	}
}

int pps__http_base_url(const char *url, char **base, char **host, long *port, char *err,
		       size_t errlen)
{
	char shown[512];

	CURLU *u = NULL;
	char *h = NULL, *p = NULL, *part = NULL, *joined = NULL;
	size_t len;
	int ret = PPS_EUSAGE;

	*base = NULL;
	*host = NULL;
	*port = 0;
	if (!url || !*url) {
		snprintf(err, errlen, "no server url given");
		goto done;
	}
	redact_url(url, shown, sizeof(shown));
	if (!has_prefix_nocase(url, "http://") && !has_prefix_nocase(url, "https://")) {
		snprintf(err, errlen, "url '%s' must start with https:// or http://", shown);
		goto done;
	}
	for (const char *s = url; *s; s++) {
		if ((unsigned char)*s <= 0x20 || *s == 0x7f) {
			snprintf(err, errlen, "url must not contain spaces or control characters");
			goto done;
		}
	}
	u = curl_url();
	if (!u) {
		ret = PPS_ENOMEM;
		goto done;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK || !h || !*h) {
		snprintf(err, errlen, "url '%s' has no valid host", shown);
		goto done;
	}
	/* Credentials in the URL would end up in logs and messages: they have options of their own.
	 */
	if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK) {
		snprintf(err, errlen, "url must not hold credentials: give the user name apart");
		goto done;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK) {
		snprintf(err, errlen, "url '%s' must not have a query or fragment", shown);
		goto done;
	}
	if (curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) != CURLUE_OK || !p) {
		snprintf(err, errlen, "url '%s' has no valid port", shown);
		goto done;
	}
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		len--;
	/* A URL that already ends in /rest/v1 is the base itself. */
	if (len >= 8 && !memcmp(url + len - 8, "/rest/v1", 8))
		len -= 8;
	joined = malloc(len + sizeof("/rest/v1"));
	if (!joined) {
		ret = PPS_ENOMEM;
		goto done;
	}
	memcpy(joined, url, len);
	memcpy(joined + len, "/rest/v1", sizeof("/rest/v1"));
	*host = strdup(h);
	if (!*host) {
		ret = PPS_ENOMEM;
		goto done;
	}
	*port = strtol(p, NULL, 10);
	*base = joined;
	joined = NULL;
	ret = PPS_OK;
done:
	free(joined);
	curl_free(part);
	curl_free(p);
	curl_free(h);
	curl_url_cleanup(u);
	return ret;
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

void pps__query_add(pps__query *q, const char *name, const char *value)
{
	assert(q->n < PPS__QUERY_MAX);
	if (!value || q->n >= PPS__QUERY_MAX)
		return;
	q->p[q->n].name = name;
	q->p[q->n].value = value;
	q->n++;
}

int pps__http_escape(ppsbuf *out, const char *s, int keep_at)
{
	size_t len = strlen(s);
	char *esc;
	int ret = PPS_OK;

	if (len == 0)
		return PPS_OK;
	if (len > INT_MAX)
		return PPS_ENOMEM;
	esc = curl_easy_escape(NULL, s, (int)len);
	if (!esc)
		return PPS_ENOMEM;
	for (const char *p = esc; *p && ret == PPS_OK; p++) {
		/* '@' is allowed in a path segment (RFC 3986 pchar); the reference sends it raw. */
		if (keep_at && p[0] == '%' && p[1] == '4' && p[2] == '0') {
			ret = ppsbuf_addch(out, '@') < 0 ? PPS_ENOMEM : PPS_OK;
			p += 2;
		} else {
			ret = ppsbuf_addch(out, *p) < 0 ? PPS_ENOMEM : PPS_OK;
		}
	}
	curl_free(esc);
	return ret;
}

int pps__http_build_url(ppsbuf *out, const char *base, const char *path, const pps__query *q)
{
	if (ppsbuf_adds(out, base) < 0 || ppsbuf_adds(out, path) < 0)
		return PPS_ENOMEM;
	for (size_t i = 0; q && i < q->n; i++) {
		if (ppsbuf_addch(out, i ? '&' : '?') < 0 ||
		    pps__http_escape(out, q->p[i].name, 0) < 0 || ppsbuf_addch(out, '=') < 0 ||
		    pps__http_escape(out, q->p[i].value, 0) < 0)
			return PPS_ENOMEM;
	}
	return PPS_OK;
}

int pps__http_code_from_curl(int curl_code)
{
	switch ((CURLcode)curl_code) {
	case CURLE_OK:
		return PPS_OK;
	case CURLE_OUT_OF_MEMORY:
		return PPS_ENOMEM;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		return PPS_ETLS;
	case CURLE_PARTIAL_FILE:
#if LIBCURL_VERSION_NUM >= 0x080600
	case CURLE_TOO_LARGE:
#endif
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_FILESIZE_EXCEEDED:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_TOO_MANY_REDIRECTS:
	case CURLE_WRITE_ERROR:
		return PPS_EPROTO;
	default:
		return PPS_ENET;
	}
}

static int is_idempotent(const char *method)
{
	return !strcmp(method, "GET") || !strcmp(method, "HEAD");
}

int pps__http_may_retry(const char *method, long status, int curl_code)
{
	/* Refused: nothing reached the server, so even a release may be tried again. */
	if (curl_code == CURLE_COULDNT_CONNECT)
		return 1;
	if (!is_idempotent(method))
		return 0;
	switch ((CURLcode)curl_code) {
	case CURLE_OK:
		return status == 429 || (status >= 500 && status <= 599);
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE: /* the connection dropped mid-body: a GET may be asked again */
		return 1;
	default:
		return 0;
	}
}

long pps__http_retry_delay_ms(long base_ms, int attempt, long status, long retry_after_s,
			      uint32_t jitter)
{
	long d = base_ms > 0 ? base_ms : 1;

	if ((status == 429 || status == 503) && retry_after_s >= 0) {
		if (retry_after_s > PPS__RETRY_AFTER_MAX_MS / 1000)
			return PPS__RETRY_AFTER_MAX_MS;
		return retry_after_s * 1000;
	}
	for (int i = 0; i < attempt && d < PPS__RETRY_MAX_DELAY_MS; i++)
		d *= 2;
	if (d > PPS__RETRY_MAX_DELAY_MS)
		d = PPS__RETRY_MAX_DELAY_MS;
	/* Jitter keeps clients that failed together from coming back together. */
	d += (long)(jitter % (uint32_t)(d / 10 + 1));
	return d > PPS__RETRY_MAX_DELAY_MS ? PPS__RETRY_MAX_DELAY_MS : d;
}

static uint32_t next_random(pps_client *c)
{
	uint32_t x = c->rng ? c->rng : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	c->rng = x;
	return x;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
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
	int idempotent = is_idempotent(method);

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

/*
 * Whether a failed attempt may have reached the server whole: its request head went out (and
 * with it the body, which libcurl sends right after), or libcurl wanted to send it again.
 */
static int may_have_arrived(const struct attempt *a)
{
	return a->rc == CURLE_SEND_FAIL_REWIND || a->request_size > 0;
}

/*
 * The proxy libcurl goes through for this client, as "HOST port N" (never its credentials),
 * into out: --proxy, else the environment libcurl reads. Returns 1, or 0 when there is none.
 */
static int proxy_of(const pps_client *c, char *out, size_t len)
{
	int https = has_prefix_nocase(c->base, "https://");
	const char *p = NULL, *np = getenv("no_proxy");
	char *h = NULL, *port = NULL;
	CURLU *u;
	int found = 0;

	if (c->no_proxy)
		return 0;
	if (c->proxy && *c->proxy) {
		p = c->proxy;
	} else {
		if (!np)
			np = getenv("NO_PROXY");
		if (np && (!strcmp(np, "*") || strstr(np, c->host)))
			return 0;
		p = getenv(https ? "https_proxy" : "http_proxy");
		if (!p && https)
			p = getenv("HTTPS_PROXY");
		if (!p)
			p = getenv("all_proxy");
		if (!p)
			p = getenv("ALL_PROXY");
	}
	if (!p || !*p)
		return 0;
	u = curl_url();
	if (u && curl_url_set(u, CURLUPART_URL, p, CURLU_GUESS_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK && h) {
		/* libcurl's default proxy port is 1080 whatever the scheme. */
		if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
			port = NULL;
		snprintf(out, len, "%s port %s", h, port ? port : "1080");
		found = 1;
	}
	curl_free(h);
	curl_free(port);
	if (u)
		curl_url_cleanup(u);
	return found;
}

/* The one-line description of a failed transfer, cause first. */
static int describe(pps_client *c, const struct attempt *a, const struct sink *s, char *out,
		    size_t len)
{
	char eb[CURL_ERROR_SIZE + 64];
	const char *host = c->host;
	long port = c->port;
	int code = pps__http_code_from_curl(a->rc);
	char proxy[300];
	int via = proxy_of(c, proxy, sizeof(proxy));

	/* libcurl quotes a proxy URL it cannot use whole, credentials and all. */
	redact_words(c->http->errbuf[0] ? c->http->errbuf : curl_easy_strerror(a->rc), eb,
		     sizeof(eb));
	switch (a->rc) {
	case CURLE_COULDNT_CONNECT:
		/* libcurl connects to the proxy first: a refusal there is the proxy's. */
		if (via && a->os_errno == ECONNREFUSED)
			snprintf(out, len, "connection refused by the proxy %s (on the way to %s)",
				 proxy, host);
		else if (via)
			snprintf(out, len,
				 "could not connect to the proxy %.120s (on the way to %s): %.150s",
				 proxy, host, eb);
		else if (a->os_errno == ECONNREFUSED)
			snprintf(out, len, "connection refused by %s port %ld", host, port);
		else if (a->os_errno == ETIMEDOUT)
			snprintf(out, len, "connection to %s port %ld timed out", host, port);
		else if (a->os_errno == ENETUNREACH || a->os_errno == EHOSTUNREACH)
			snprintf(out, len, "%s port %ld is unreachable", host, port);
		else
			snprintf(out, len, "could not connect to %s port %ld: %s", host, port, eb);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(out, len, "could not resolve host '%s'", host);
		break;
	case CURLE_COULDNT_RESOLVE_PROXY:
		if (via)
			snprintf(out, len, "could not resolve the proxy %s (on the way to %s)",
				 proxy, host);
		else
			snprintf(out, len, "could not resolve the proxy: %.200s", eb);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(out, len, "no answer from %s port %ld within %ld ms", host, port,
			 c->timeout_ms);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		if (strstr(eb, "expired"))
			snprintf(out, len, "certificate of '%s' has expired", host);
		else if (strstr(eb, "not yet valid"))
			snprintf(out, len,
				 "certificate of '%s' is not yet valid: check both clocks", host);
		else if (strstr(eb, "match"))
			snprintf(out, len, "certificate of '%s' is for another host name", host);
		else
			snprintf(out, len, "certificate of '%s' is not trusted", host);
		break;
	case CURLE_SSL_CACERT_BADFILE:
		snprintf(out, len, "cannot read the CA certificates in '%s'",
			 c->cacert ? c->cacert : "the system store");
		break;
	case CURLE_SSL_CONNECT_ERROR:
		/* OpenSSL reads a plain "HTTP/1.1 400" as a record of a wrong version, GnuTLS as
		 * an unexpected packet: the port speaks HTTP, not TLS. */
		if (strstr(eb, "wrong version number") || strstr(eb, "unexpected TLS packet") ||
		    strstr(eb, "packet length too long") || strstr(eb, "http request"))
			snprintf(out, len,
				 "the server does not speak TLS here; is the URL http://?");
		else
			snprintf(out, len, "tls handshake with %s port %ld failed: %s", host, port,
				 eb);
		break;
	case CURLE_RECV_ERROR:
		if (strstr(eb, "Too large response headers")) {
			/* Answered, but not as HTTP can be read: a bad response, not the network. */
			code = PPS_EPROTO;
			snprintf(
				out, len,
				"the response headers from %s port %ld are larger than the 300 KiB "
				"libcurl accepts",
				host, port);
		} else if (via && strstr(eb, "proxy"))
			snprintf(out, len, "the proxy %.120s refused to reach %s port %ld: %.150s",
				 proxy, host, port, eb);
		else if (a->os_errno == ECONNRESET)
			snprintf(out, len, "connection to %s port %ld was reset", host, port);
		else
			snprintf(out, len, "receiving from %s port %ld failed: %s", host, port, eb);
		break;
	case CURLE_SEND_ERROR:
		if (a->os_errno == ECONNRESET || a->os_errno == EPIPE)
			snprintf(out, len, "connection to %s port %ld was reset while sending",
				 host, port);
		else
			snprintf(out, len, "sending to %s port %ld failed: %s", host, port, eb);
		break;
	case CURLE_GOT_NOTHING:
		snprintf(out, len, "%s port %ld closed the connection without answering", host,
			 port);
		break;
	case CURLE_PARTIAL_FILE:
		snprintf(out, len, "response body was cut short");
		break;
	case CURLE_SEND_FAIL_REWIND:
		/* on_seek() refused libcurl's silent re-send on a fresh connection. */
		snprintf(out, len, "connection to %s port %ld closed before answering", host, port);
		break;
	case CURLE_FILESIZE_EXCEEDED:
		snprintf(out, len, "response body is larger than 1 GiB");
		break;
	case CURLE_WRITE_ERROR:
		/* The write side stopped the transfer and said why in the handle. */
		if (s->code) {
			code = s->code;
			snprintf(out, len, "%s", c->msg);
		} else {
			snprintf(out, len, "writing the response failed");
		}
		break;
	case CURLE_OUT_OF_MEMORY:
		/*
		 * libcurl says "out of memory" for a response header line over its 100 KiB
		 * limit too; once a status line came back, that is by far the likelier cause.
		 */
		if (a->status > 0 || a->request_size > 0) {
			code = PPS_EPROTO;
			snprintf(out, len,
				 "a response header from %s port %ld is larger than the 100 KiB "
				 "libcurl accepts",
				 host, port);
		} else {
			snprintf(out, len, "out of memory");
		}
		break;
	case CURLE_WEIRD_SERVER_REPLY:
		snprintf(out, len, "%s port %ld does not answer in HTTP: %s", host, port, eb);
		break;
	default:
		if (code == PPS_ETLS)
			snprintf(out, len, "tls failure with %s port %ld: %s", host, port, eb);
		else
			snprintf(out, len, "request to %s port %ld failed: %s", host, port, eb);
		break;
	}
	return code;
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

/*
 * The wait before the next attempt, at most the timeout; -1 when the server asks for a longer
 * one (its Retry-After, into *too_long), which is not waited for.
 */
static long retry_delay(pps_client *c, const struct attempt *a, int attempt, long *too_long)
{
	long delay;

	if ((a->status == 429 || a->status == 503) && a->retry_after_s >= 0 &&
	    a->retry_after_s * 1000 > c->timeout_ms) {
		*too_long = a->retry_after_s;
		return -1;
	}
	delay = pps__http_retry_delay_ms(c->retry_base_ms, attempt, a->status, a->retry_after_s,
					 next_random(c));
	return delay > c->timeout_ms ? c->timeout_ms : delay;
}

int pps__http_send(pps_client *c, const char *method, const char *path, const pps__query *q,
		   const char *body, const pps__sink *to, pps__answer *out)
{
	ppsbuf url = PPSBUF_INIT;
	struct sink s = {
		c, to, PPSBUF_INIT, out->body.cap ? out->body.cap : PPS__BODY_CAP, 0, 0, 0
	};
	struct attempt a = { 0 };
	size_t body_len = body ? strlen(body) : 0;
	char why[PPS__MSG_MAX], wait[120] = "";
	long too_long = -1;
	int ret, code;

	pps__answer_release(out);
	ppsbuf_init(&s.body, 0);
	c->last_status = 0;
	c->err.retry_after_ms = 0;
	if (pps__http_build_url(&url, c->base, path, q) < 0) {
		ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
		goto done;
	}
	ret = show_request(c, method, url.buf, body);
	if (ret < 0)
		goto done;
	if (c->dry_run) {
		ret = PPS__NOT_SENT;
		goto done;
	}
	for (int attempt = 0;; attempt++) {
		long delay;

		free(a.content_type);
		if (run_once(c, method, url.buf, body, body_len, &s, &a) < 0) {
			ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
			goto done;
		}
		if (a.rc != CURLE_OK)
			code = describe(c, &a, &s, why, sizeof(why));
		else
			code = pps__error_from_status(a.status);
		if (a.rc == CURLE_OK)
			log_line(c, "%s %s -> %ld (%.1f ms)", method, url.buf, a.status,
				 (double)a.time_us / 1000.0);
		else
			log_line(c, "%s %s -> %s (%.1f ms)", method, url.buf, why,
				 (double)a.time_us / 1000.0);
		if (code == PPS_OK)
			break;
		if (attempt >= c->retries || !pps__http_may_retry(method, a.status, (int)a.rc))
			break;
		/* An answer that cannot be read (headers too large) would come back the same. */
		if (a.rc == CURLE_RECV_ERROR && code == PPS_EPROTO)
			break;
		/* A sink that has handed records on cannot take them again. */
		if (to && to->restart(to->ctx) < 0)
			break;
		delay = retry_delay(c, &a, attempt, &too_long);
		if (delay < 0)
			break;
		if (a.rc == CURLE_OK)
			log_line(c, "retrying in %ld ms (%ld)", delay, a.status);
		else
			log_line(c, "retrying in %ld ms (%s)", delay, why);
		sleep_ms(delay);
	}
	if (a.rc != CURLE_OK && !is_idempotent(method) && may_have_arrived(&a)) {
		snprintf(c->unknown_cause, sizeof(c->unknown_cause), "%s", why);
		snprintf(why, sizeof(why), "the %s %s", method, path);
		ret = pps__error_unknown(c, a.status, why);
		goto done;
	}
	if (a.rc != CURLE_OK) {
		ret = pps__error_set(c, code, a.status, "%s", why);
		goto done;
	}
	if (code != PPS_OK) {
		const char *reason = pps__error_reason(a.status);

		pps__error_take_server_message(c, pps__error_server_message(s.body.buf, s.body.len,
									    a.content_type));
		/* A caller that may repeat the request (a throttled action) waits this long. */
		if (a.retry_after_s >= 0)
			c->err.retry_after_ms = a.retry_after_s * 1000;
		if (too_long >= 0)
			snprintf(wait, sizeof(wait),
				 ": it asks to retry after %ld s, longer than the timeout (%ld s)",
				 too_long, (c->timeout_ms + 999) / 1000);
		ret = pps__error_set(c, code, a.status, "server answered %ld%s%s%s", a.status,
				     *reason ? " " : "", reason, wait);
		goto done;
	}
	c->last_status = a.status;
	out->status = a.status;
	out->content_type = a.content_type;
	a.content_type = NULL;
	out->body = s.body;
	ppsbuf_init(&s.body, 0);
	ret = PPS_OK;
done:
	free(a.content_type);
	ppsbuf_release(&s.body);
	ppsbuf_release(&url);
	return ret;
}
