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

static int secret_name(const char *name, size_t n)
{
	static const char word[] = "password";
	size_t w = sizeof(word) - 1;

	for (size_t i = 0; i + w <= n; i++)
		if (strncasecmp(name + i, word, w) == 0)
			return 1;
	return 0;
}

/* The raw query with the values of password-like parameters replaced; malloc'd or NULL. */
static char *redact_query(const char *q)
{
	ppsbuf b = PPSBUF_INIT;
	const char *p = q;

	if (ppsbuf_adds(&b, "") < 0)
		return NULL;
	for (;;) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		size_t keylen = eq ? (size_t)(eq - p) : n;

		if (eq && secret_name(p, keylen)) {
			if (ppsbuf_add(&b, p, keylen + 1) < 0 || ppsbuf_adds(&b, REDACTED) < 0)
				goto fail;
		} else if (ppsbuf_add(&b, p, n) < 0) {
			goto fail;
		}
		if (!p[n])
			break;
		if (ppsbuf_addch(&b, '&') < 0)
			goto fail;
		p += n + 1;
	}
	return ppsbuf_detach(&b, NULL);
fail:
	ppsbuf_release(&b);
	return NULL;
}

/* A JSON body with a password-like key gets those values replaced (and is re-serialized);
 * any other body is kept as sent. malloc'd or NULL. */
static char *redact_body(const char *body, size_t len)
{
	json_t *obj = json_loadb(body, len, 0, NULL);
	const char *key;
	json_t *v;
	int secret = 0;
	char *out = NULL;

	if (json_is_object(obj)) {
		json_object_foreach(obj, key, v)
		{
			if (secret_name(key, strlen(key))) {
				json_object_set_new(obj, key, json_string(REDACTED));
				secret = 1;
			}
		}
	}
	if (secret)
		out = json_dumps(obj, JSON_COMPACT);
	json_decref(obj);
	return secret ? out : sim_utf8_scrub(body, len);
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
