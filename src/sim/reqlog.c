/*
 * The request log (reqlog.h) and its routes, GET and DELETE /rest/v1/sim/requests. A ring of
 * the last N entries under one mutex; the text is scrubbed to valid UTF-8 when it is stored.
 */
#include "sim/reqlog.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "sim/sim.h"
#include "sim/text.h"
#include "util/buf.h"
#include "util/timeutil.h"

#include "util/banned.h"

#define REDACTED "(redacted)"

struct entry {
	int64_t id;
	char time[40];
	char *account; /* NULL: none */
	char *method;
	char *path;
	char *query; /* NULL: none */
	char *body;  /* NULL: none */
	int status;
	size_t bytes;
};

struct sim_reqlog {
	pthread_mutex_t mu;
	struct entry *ring;
	size_t cap, head, n; /* the oldest entry is ring[head] */
	size_t bytes;
	int64_t next_id;
};

sim_reqlog *sim_reqlog_new(size_t cap)
{
	sim_reqlog *log;

	if (!cap)
		return NULL;
	log = calloc(1, sizeof(*log));
	if (!log)
		return NULL;
	log->ring = calloc(cap, sizeof(*log->ring));
	if (!log->ring) {
		free(log);
		return NULL;
	}
	log->cap = cap;
	log->next_id = 1;
	pthread_mutex_init(&log->mu, NULL);
	return log;
}

static void entry_clear(struct entry *e)
{
	free(e->account);
	free(e->method);
	free(e->path);
	free(e->query);
	free(e->body);
	memset(e, 0, sizeof(*e));
}

/* Drops the oldest entry; the caller holds the mutex. */
static void drop_oldest(sim_reqlog *log)
{
	struct entry *e = &log->ring[log->head];

	log->bytes -= e->bytes;
	entry_clear(e);
	log->head = (log->head + 1) % log->cap;
	log->n--;
}

static void clear_all(sim_reqlog *log)
{
	while (log->n)
		drop_oldest(log);
	log->head = 0;
}

void sim_reqlog_free(sim_reqlog *log)
{
	if (!log)
		return;
	clear_all(log);
	pthread_mutex_destroy(&log->mu);
	free(log->ring);
	free(log);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* s[0..n) percent-decoded ('+' a space) and lower-cased into out (room for n + 1); the
 * length. */
static size_t decode_lower(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '%' && i + 2 < n && (hi = hex_digit(s[i + 1])) >= 0 &&
		    (lo = hex_digit(s[i + 2])) >= 0) {
			out[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			out[o++] = s[i] == '+' ? ' ' : s[i];
		}
	}
	for (size_t i = 0; i < o; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	out[o] = '\0';
	return o;
}

/* Whether text (already decoded) holds one of the words. A NUL inside ends the search early:
 * the text is searched in pieces between NULs. */
static int has_secret_word(const char *text, size_t n)
{
	static const char *const words[] = { "pass",	"pwd",	  "secret", "token",
					     "key",	"auth",	  "cred",   "private",
					     "session", "cookie", "bearer", "signature" };

	for (size_t at = 0; at < n; at += strlen(text + at) + 1)
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strstr(text + at, words[i]))
				return 1;
	return 0;
}

/*
 * Whether a parameter or key name (or a text) suggests a secret: it holds one of the words
 * above, in any case, after percent-decoding, repeated while it changes ("pass%77ord",
 * "pass%2577ord", "attributes.password", "X-Api-Key", "passwd"). Better a harmless name
 * redacted ("keyword") than a secret kept.
 */
static int secret_name(const char *name, size_t n)
{
	char *a = malloc(n + 1), *b = malloc(n + 1);
	size_t len = n;
	int found = 0;

	if (!a || !b) {
		free(a);
		free(b);
		return 1; /* when in doubt, redact */
	}
	memcpy(a, name, n);
	for (int round = 0; round < 4 && !found; round++) {
		size_t m = decode_lower(a, len, b);

		found = has_secret_word(b, m);
		if (m == len && memcmp(a, b, m) == 0)
			break;
		memcpy(a, b, m);
		len = m;
	}
	free(a);
	free(b);
	return found;
}

/* The raw query with the values of secret-like parameters replaced; malloc'd or NULL. A
 * secret-like parameter without '=' is replaced whole. */
static char *redact_query(const char *q)
{
	ppsbuf b = PPSBUF_INIT;
	const char *p = q;

	if (ppsbuf_adds(&b, "") < 0)
		return NULL;
	for (;;) {
		size_t n = strcspn(p, "&;");
		const char *eq = memchr(p, '=', n);
		size_t keylen = eq ? (size_t)(eq - p) : n;
		int rc;

		if (!secret_name(p, keylen))
			rc = ppsbuf_add(&b, p, n);
		else if (eq)
			rc = ppsbuf_add(&b, p, keylen + 1) < 0 ? -1 : ppsbuf_adds(&b, REDACTED);
		else
			rc = ppsbuf_adds(&b, REDACTED);
		if (rc < 0)
			goto fail;
		if (!p[n])
			break;
		if (ppsbuf_addch(&b, p[n]) < 0)
			goto fail;
		p += n + 1;
	}
	return ppsbuf_detach(&b, NULL);
fail:
	ppsbuf_release(&b);
	return NULL;
}

/* Replaces, at any depth, the value of every secret-like key; the number replaced. */
static size_t redact_json(json_t *v)
{
	size_t n = 0, i;
	const char *key;
	json_t *item;

	if (json_is_object(v)) {
		json_object_foreach(v, key, item)
		{
			if (secret_name(key, strlen(key))) {
				json_object_set_new(v, key, json_string(REDACTED));
				n++;
			} else {
				n += redact_json(item);
			}
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item) n += redact_json(item);
	}
	return n;
}

/*
 * A JSON body with a secret-like key at any depth is re-serialized with those values replaced;
 * any other JSON is kept as sent. A body that is not JSON (a form, a broken JSON text) is kept
 * only if no secret-like word is in it at all, else replaced whole. malloc'd or NULL.
 */
static char *redact_body(const char *body, size_t len)
{
	json_t *doc = json_loadb(body, len, JSON_DECODE_ANY, NULL);
	char *out;

	if (doc) {
		out = redact_json(doc) ? json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY)
				       : sim_utf8_scrub(body, len);
		json_decref(doc);
		return out;
	}
	if (secret_name(body, len))
		return strdup(REDACTED);
	return sim_utf8_scrub(body, len);
}

static char *copy_text(const char *s)
{
	return s ? sim_utf8_scrub(s, strlen(s)) : NULL;
}

void sim_reqlog_add(sim_reqlog *log, const sim_reqlog_entry *in)
{
	struct entry e = { 0 };
	struct timespec now;
	int64_t y;
	int mon, day, h, mi, s;

	if (!log)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	tu_civil((int64_t)now.tv_sec, &y, &mon, &day, &h, &mi, &s);
	snprintf(e.time, sizeof(e.time), "%04lld-%02d-%02dT%02d:%02d:%02d.%03ldZ", (long long)y,
		 mon, day, h, mi, s, now.tv_nsec / 1000000L);
	e.account = copy_text(in->account);
	e.method = copy_text(in->method);
	e.path = copy_text(in->path);
	if (in->query) {
		char *r = redact_query(in->query);

		e.query = r ? copy_text(r) : NULL;
		free(r);
	}
	e.body = in->body ? redact_body(in->body, in->body_len) : NULL;
	e.status = in->status;
	if ((in->account && !e.account) || !e.method || !e.path || (in->query && !e.query) ||
	    (in->body && !e.body)) {
		entry_clear(&e);
		return;
	}
	e.bytes = sizeof(e) + strlen(e.method) + strlen(e.path) +
		  (e.account ? strlen(e.account) : 0) + (e.query ? strlen(e.query) : 0) +
		  (e.body ? strlen(e.body) : 0);
	pthread_mutex_lock(&log->mu);
	while (log->n && (log->n == log->cap || log->bytes + e.bytes > SIM_REQLOG_MAX_BYTES))
		drop_oldest(log);
	e.id = log->next_id++;
	log->ring[(log->head + log->n) % log->cap] = e;
	log->n++;
	log->bytes += e.bytes;
	pthread_mutex_unlock(&log->mu);
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* GET /rest/v1/sim/requests[?since_id=N][&limit=N]: the entries with id > since_id, oldest
 * first; limit keeps the newest. */
void route_sim_requests_get(const sim_request *req, sim_response *resp)
{
	sim_reqlog *log = req->ctx->reqlog;
	const char *v;
	long long since = 0, limit = -1;
	json_t *records;
	size_t first = 0;

	if ((v = sim_param_get(req, "since_id"))) {
		char *e;

		errno = 0;
		since = strtoll(v, &e, 10);
		if (!*v || *e || errno || since < 0) {
			sim_respond_error(resp, 400,
					  "Invalid argument: since_id: '%s' is not a request id",
					  v);
			return;
		}
	}
	if ((v = sim_param_get(req, "limit"))) {
		char *e;

		errno = 0;
		limit = strtoll(v, &e, 10);
		if (!*v || *e || errno || limit < 0) {
			sim_respond_error(
				resp, 400,
				"Invalid argument: limit: '%s' is not a number of requests", v);
			return;
		}
	}
	if (!log) {
		sim_respond_error(resp, 404, "the request log is off (--request-log 0)");
		return;
	}
	records = json_array();
	if (!records) {
		sim_respond_error(resp, 500, "out of memory");
		return;
	}
	pthread_mutex_lock(&log->mu);
	{
		size_t match = 0;

		for (size_t i = 0; i < log->n; i++)
			match += log->ring[(log->head + i) % log->cap].id > since;
		if (limit >= 0 && match > (size_t)limit)
			first = match - (size_t)limit;
	}
	for (size_t i = 0, k = 0; i < log->n; i++) {
		const struct entry *e = &log->ring[(log->head + i) % log->cap];
		json_t *rec;

		if (e->id <= since || k++ < first)
			continue;
		rec = json_pack("{s:I, s:s, s:o, s:s, s:s, s:o, s:o, s:i}", "id", (json_int_t)e->id,
				"time", e->time, "account", text_or_null(e->account), "method",
				e->method, "path", e->path, "query", text_or_null(e->query), "body",
				text_or_null(e->body), "status", e->status);
		if (!rec || json_array_append_new(records, rec) < 0) {
			pthread_mutex_unlock(&log->mu);
			json_decref(records);
			sim_respond_error(resp, 500, "out of memory");
			return;
		}
	}
	pthread_mutex_unlock(&log->mu);
	sim_respond_json(resp, 200, json_pack("{s:o}", "records", records));
}

/* DELETE /rest/v1/sim/requests: empties the log (ids keep counting up). */
void route_sim_requests_delete(const sim_request *req, sim_response *resp)
{
	sim_reqlog *log = req->ctx->reqlog;
	size_t n;

	if (!log) {
		sim_respond_error(resp, 404, "the request log is off (--request-log 0)");
		return;
	}
	pthread_mutex_lock(&log->mu);
	n = log->n;
	clear_all(log);
	pthread_mutex_unlock(&log->mu);
	sim_respond_json(resp, 200, json_pack("{s:I}", "deleted", (json_int_t)n));
}
