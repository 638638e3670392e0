/*
 * pps-sim's libmicrohttpd daemon: routing, Basic auth and modules, limits on what a client may
 * send or hold (request checks, body memory, deadlines, failed logins), the request log,
 * injected faults. It must not know the API's semantics (the route handlers do) nor touch SQL
 * (the store does).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "sim/basic_auth.h"
#include "sim/clock.h"
#include "sim/faults.h"
#include "sim/guard.h"
#include "sim/reqlog.h"
#include "sim/server.h"
#include "sim/sim.h"
#include "sim/store.h"
#include "sim/text.h"
#include "util/buf.h"

#include "util/banned.h"

#define REALM_HEADER "Basic realm=\"PPS REST API\""
#define CT_JSON	     "application/json"
#define CT_HTML	     "text/html; charset=utf-8"
#define API_PREFIX   "/rest/v1/"
#define SIM_PREFIX   "/rest/v1/sim/"
#define AUTH_PREFIX  "/rest/"
#define REQLOG_PATH  "/rest/v1/sim/requests"

/* What a client may send: longer or more is a 4xx naming what was too much. */
#define MAX_TARGET  8192	/* the request target (path and query), raw */
#define MAX_PARAMS  100		/* query parameters */
#define MAX_VALUE   4096	/* one decoded parameter value */
#define MAX_HEADERS 16384	/* the request's header fields together */
#define BODY_TOTAL  (64u << 20) /* request bodies held at once, all connections together */
/*
 * libmicrohttpd's memory per connection (request line, headers, buffers). Larger than
 * MAX_TARGET with room to spare, so that an over-long URL reaches us and is answered in JSON;
 * libmicrohttpd maps it lazily, so an idle connection costs far less.
 */
#define CONN_MEMORY	    (128u * 1024u)
#define DEFAULT_CONNECTIONS 3000
#define DEFAULT_DEADLINE    15
#define DEFAULT_HEAD	    5

/* A connection as the deadline watcher sees it. */
struct tracked {
	int fd;
	struct timespec since;	    /* the current request's head began no earlier than this */
	struct timespec head_since; /* the head must be complete head_secs after this */
	int head_clock;		    /* head_since runs: a new connection, or a request line */
	int busy;		    /* the request is complete and being answered: no deadline */
	int cut;		    /* shut down once already */
	struct tracked *prev, *next;
};

/* A suspended connection waiting out its failed-login delay. */
struct sleeper {
	struct MHD_Connection *conn;
	struct timespec wake;
	struct sleeper *next;
};

struct sim_server {
	struct MHD_Daemon *daemon;
	sim_ctx *ctx;
	sim_faults faults;
	int faults_on;
	int verbose;
	unsigned port;
	unsigned deadline_secs;
	unsigned head_secs;
	sim_guard *guard; /* accept rate and failed logins by address */
	atomic_size_t body_bytes;
	/* Connections (deadline watcher) and sleepers, under one lock. */
	pthread_mutex_t track_lock;
	struct tracked *tracked;
	struct sleeper *sleepers;
	pthread_t watcher;
	int watcher_on;
	/* Injected delays wait on this, so that stopping the server cuts them short. */
	pthread_mutex_t delay_lock;
	pthread_cond_t delay_cond;
	int stopping;
};

/* One route: a method, a path (ending in '*' for a prefix whose rest is the tail), a module. */
struct route {
	const char *method;
	const char *path;
	unsigned module; /* SIM_MOD_* bit, 0: any authenticated account */
	sim_route_fn fn;
};

static const struct route routes[] = {
	{ "GET", "/rest/v1/pss/health", SIM_MOD_PSS, route_pss_health_get },
	{ "GET", "/rest/v1/pss/filter", SIM_MOD_PSS, route_pss_filter_get },
	{ "GET", "/rest/v1/quarantine", SIM_MOD_QUARANTINE, route_quarantine_get },
	{ "POST", "/rest/v1/quarantine", SIM_MOD_QUARANTINE, route_quarantine_post },
	{ "GET", "/rest/v1/enduser/*", SIM_MOD_ENDUSER, route_enduser_get },
	{ "POST", "/rest/v1/enduser/*", SIM_MOD_ENDUSER, route_enduser_post },
	{ "PUT", "/rest/v1/enduser/*", SIM_MOD_ENDUSER, route_enduser_put },
	{ "DELETE", "/rest/v1/enduser/*", SIM_MOD_ENDUSER, route_enduser_delete },
	{ "GET", "/rest/v1/sim/outbox", SIM_MOD_ALL, route_outbox_get },
	{ "GET", "/rest/v1/sim/requests", SIM_MOD_ALL, route_sim_requests_get },
	{ "DELETE", "/rest/v1/sim/requests", SIM_MOD_ALL, route_sim_requests_delete },
	{ "POST", "/rest/v1/sim/messages", SIM_MOD_ALL, route_sim_messages_post },
};

/* The managed modules' names as the real server spells them. */
static const char *module_name(unsigned bit)
{
	switch (bit) {
	case SIM_MOD_PSS:
		return "pss";
	case SIM_MOD_QUARANTINE:
		return "Quarantine";
	case SIM_MOD_ENDUSER:
		return "enduser";
	default:
		return "pss, Quarantine and enduser";
	}
}

/*
 * Per-request state, allocated when the request line has arrived (the URI log callback) and
 * freed in the completion callback.
 */
struct req_state {
	char *target; /* the request target as received: raw path, '?', raw query */
	ppsbuf body;
	int started;	/* the head has been seen by on_request */
	int has_body;	/* some body bytes arrived */
	int too_large;	/* more than SIM_MAX_BODY: dropped, 413 */
	int over_total; /* BODY_TOTAL reached: dropped, 503 */
	size_t counted; /* bytes counted in body_bytes */
	char account[128];
	int logged_in;
	sim_response pending; /* an answer held back by a failed-login delay */
	int pending_set;
	const char *pending_hname, *pending_hvalue;
	struct timespec start;
};

/* Matches path against a route pattern; sets *tail for '*' patterns. */
static int path_matches(const char *pattern, const char *path, const char **tail)
{
	size_t n = strlen(pattern);

	*tail = NULL;
	if (n && pattern[n - 1] == '*') {
		/* An empty rest names nothing. */
		if (strncmp(pattern, path, n - 1) != 0 || !path[n - 1])
			return 0;
		*tail = path + n - 1;
		return 1;
	}
	return strcmp(pattern, path) == 0;
}

/* Collected query parameters: a small array on the stack, the heap only past it. */
#define PARAMS_INLINE 32

struct params {
	sim_param inline_[PARAMS_INLINE];
	sim_param *v;
	size_t n, alloc;
	int oom;
};

static char empty_value[] = "";

static enum MHD_Result add_param(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct params *p = cls;
	sim_param *slot;

	(void)kind;
	if (p->n == p->alloc) {
		size_t alloc = p->alloc * 2;
		sim_param *v = malloc(alloc * sizeof(*v));

		if (!v) {
			p->oom = 1;
			return MHD_NO;
		}
		memcpy(v, p->v, p->n * sizeof(*v));
		if (p->v != p->inline_)
			free(p->v);
		p->v = v;
		p->alloc = alloc;
	}
	slot = &p->v[p->n++];
	/*
	 * libmicrohttpd keeps the decoded strings in the connection's memory until the request
	 * completes; the handlers only read them (sim_request.params is const), so they are
	 * borrowed, not copied.
	 */
	memcpy(&slot->key, &key, sizeof(slot->key));
	if (value)
		memcpy(&slot->value, &value, sizeof(slot->value));
	else
		slot->value = empty_value;
	return MHD_YES;
}

/* The Date header from the emulated server's clock (--clock-offset), not libmicrohttpd's. */
static enum MHD_Result add_date(struct MHD_Response *r)
{
	char date[64];
	time_t now = (time_t)sim_clock_now();
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	return MHD_add_response_header(r, MHD_HTTP_HEADER_DATE, date);
}

/* Queues resp with status and at most one extra header; takes resp->body in every case. */
static enum MHD_Result reply(struct MHD_Connection *conn, sim_response *resp, const char *hname,
			     const char *hvalue)
{
	struct MHD_Response *r;
	enum MHD_Result ret = MHD_NO;

	if (resp->body) {
		r = MHD_create_response_from_buffer(resp->body_len, resp->body,
						    MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(resp->body);
	} else {
		r = MHD_create_response_from_buffer(0, empty_value, MHD_RESPMEM_MUST_COPY);
	}
	resp->body = NULL;
	if (!r)
		return MHD_NO;
	if (resp->content_type &&
	    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type) != MHD_YES)
		goto done;
	if (hname && MHD_add_response_header(r, hname, hvalue) != MHD_YES)
		goto done;
	if (add_date(r) != MHD_YES)
		goto done;
	ret = MHD_queue_response(conn, (unsigned)resp->status, r);
done:
	MHD_destroy_response(r);
	return ret;
}

/* The reset fault: half the body, then the connection is closed under the client. */
struct cut_body {
	char *body;
	size_t half;
};

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct cut_body *c = cls;
	size_t n;

	if (pos >= c->half)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = c->half - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, c->body + pos, n);
	return (ssize_t)n;
}

static void cut_free(void *cls)
{
	struct cut_body *c = cls;

	free(c->body);
	free(c);
}

static enum MHD_Result send_reset(struct MHD_Connection *conn, sim_response *resp)
{
	struct cut_body *c = malloc(sizeof(*c));
	struct MHD_Response *r;
	enum MHD_Result ret;
	/* An empty body still declares one byte, so the client always sees a cut. */
	uint64_t total = resp->body_len ? resp->body_len : 1;

	if (!c) {
		free(resp->body);
		resp->body = NULL;
		return MHD_NO;
	}
	c->body = resp->body;
	c->half = resp->body_len / 2;
	resp->body = NULL;
	r = MHD_create_response_from_callback(total, 4096, cut_reader, c, cut_free);
	if (!r) {
		cut_free(c);
		return MHD_NO;
	}
	if (resp->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
	ret = MHD_queue_response(conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static const char garbage_body[] = "{\"result\":[{\"GUID\":\"9rLtu31xs8H24NF8KcRw\",\"Date\":\x01"
				   "<<pps-sim garbage>> ,,]}";
static const char html_body[] =
	"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
	"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
	"</body>\r\n</html>\r\n";

/* Changes the handler's answer as an after-handler fault says, then sends it. */
static enum MHD_Result send_faulted(struct MHD_Connection *conn, sim_response *resp,
				    enum sim_fault_after after)
{
	switch (after) {
	case SIM_FAULT_RESET:
		return send_reset(conn, resp);
	case SIM_FAULT_TRUNCATE:
		/* A complete, well-framed response whose body is the first half of the real one. */
		resp->body_len /= 2;
		break;
	case SIM_FAULT_GARBAGE:
		sim_respond_bytes(resp, 200, CT_JSON, garbage_body, sizeof(garbage_body) - 1);
		break;
	case SIM_FAULT_HTML:
		sim_respond_bytes(resp, 502, CT_HTML, html_body, sizeof(html_body) - 1);
		break;
	case SIM_FAULT_CTYPE:
		resp->content_type = CT_HTML;
		break;
	case SIM_FAULT_KEEP:
		break;
	}
	return reply(conn, resp, NULL, NULL);
}

/* Waits ms milliseconds, or less when the server stops meanwhile. */
static void delay(sim_server *srv, long ms)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&srv->delay_lock);
	while (!srv->stopping &&
	       pthread_cond_timedwait(&srv->delay_cond, &srv->delay_lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&srv->delay_lock);
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Answers the injected faults that come before the handler; 0 when the request goes on. */
static int fault_before(const sim_fault_draw *d, const sim_fault_spec *spec, sim_response *resp,
			const char **hname, const char **hvalue, char *retry, size_t retrylen)
{
	switch (d->before) {
	case SIM_FAULT_ERROR:
		sim_respond_error(resp, spec->error_status, "service unavailable (injected fault)");
		return 1;
	case SIM_FAULT_THROTTLE:
		snprintf(retry, retrylen, "%ld", spec->throttle_retry_after);
		*hname = MHD_HTTP_HEADER_RETRY_AFTER;
		*hvalue = retry;
		sim_respond_error(resp, 429, "too many requests, retry after %ld seconds",
				  spec->throttle_retry_after);
		return 1;
	case SIM_FAULT_AUTHFAIL:
		*hname = MHD_HTTP_HEADER_WWW_AUTHENTICATE;
		*hvalue = REALM_HEADER;
		sim_respond_error(resp, 401, "invalid username or password");
		return 1;
	case SIM_FAULT_PASS:
		break;
	}
	return 0;
}

/* ---------------------------------------------------------------- failed logins */

static void address_text(const struct sockaddr *sa, char *buf, size_t len)
{
	snprintf(buf, len, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
			  (socklen_t)len);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  buf, (socklen_t)len);
}

static void client_address(struct MHD_Connection *conn, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	address_text(ci ? ci->client_addr : NULL, buf, len);
}

/* The 401 of credentials that cannot be checked or are not there. */
static int no_credentials(sim_response *resp, enum sim_basic why)
{
	switch (why) {
	case SIM_BASIC_NUL:
		sim_respond_error(resp, 401, "invalid credentials: they hold a NUL byte");
		return 0;
	case SIM_BASIC_MALFORMED:
		sim_respond_error(resp, 401, "invalid credentials: not base64 of NAME:PASSWORD");
		return 0;
	case SIM_BASIC_NOMEM:
		sim_respond_error(resp, 500, "out of memory");
		return -1;
	default:
		sim_respond_error(resp, 401, "authentication required");
		return 0;
	}
}

/*
 * Checks the Basic credentials; fills acct. 1 valid, 0 missing or wrong (resp set), -1 error.
 * *delay_ms: how long the 401 of a throttled failure waits. *retry_after: set (seconds) when
 * the address may not try now: the password was not checked, resp is a 429.
 */
static int authenticate(struct MHD_Connection *conn, sim_server *srv, sim_account *acct,
			sim_response *resp, long *delay_ms, long *retry_after)
{
	char *user = NULL, *pass = NULL, addr[INET6_ADDRSTRLEN];
	enum sim_basic why = sim_basic_parse(
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
		&user, &pass);
	struct timespec ts;
	double now;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	*delay_ms = 0;
	*retry_after = 0;
	if (why != SIM_BASIC_OK)
		return no_credentials(resp, why);
	client_address(conn, addr, sizeof(addr));
	*retry_after = sim_guard_login_begin(srv->guard, addr, user, now);
	if (*retry_after > 0) {
		sim_respond_error(
			resp, 429,
			"too many failed logins from this address; retry after %ld second%s",
			*retry_after, *retry_after == 1 ? "" : "s");
		rc = 0;
		goto done;
	}
	rc = sim_store_check_account(srv->ctx->store, user, pass, acct);
	if (rc == 0) {
		sim_respond_error(resp, 401, "invalid username or password");
		*delay_ms = sim_guard_login_failed(srv->guard, user, now);
	} else if (rc > 0) {
		sim_guard_login_ok(srv->guard, addr, user);
	} else {
		sim_guard_login_cancel(srv->guard, addr, user);
		sim_respond_error(resp, 500, "cannot check the credentials");
	}
done:
	free(user);
	free(pass);
	return rc;
}

/* /rest/v1/sim/ (the emulator's own routes: the outbox, the request log) is for accounts
 * with every module, as the real server's administrators; 1 when acct may not, resp set. */
static int refuse_sim_route(const char *url, const sim_account *acct, sim_response *resp)
{
	if (!starts_with(url, SIM_PREFIX) || (acct->modules & SIM_MOD_ALL) == SIM_MOD_ALL)
		return 0;
	sim_respond_error(resp, 403,
			  "the account '%s' is not an administrator: %s is for "
			  "administrators only",
			  acct->name, SIM_PREFIX);
	return 1;
}

/* Finds the route; on no match fills a 404 or 405 (with allow) and returns NULL. */
static const struct route *find_route(const char *method, const char *url, const char **tail,
				      sim_response *resp, char *allow, size_t allowlen)
{
	size_t pos = 0;

	allow[0] = '\0';
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const char *t;

		if (!path_matches(routes[i].path, url, &t))
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			*tail = t;
			return &routes[i];
		}
		pos += (size_t)snprintf(allow + pos, pos < allowlen ? allowlen - pos : 0, "%s%s",
					pos ? ", " : "", routes[i].method);
	}
	if (allow[0])
		sim_respond_error(resp, 405, "method '%s' is not allowed on '%s'", method, url);
	else
		sim_respond_error(resp, 404, "no such resource: '%s'", url);
	return NULL;
}

/* The first parameter that a handler must not see, with why; NULL when all are fine, "" when
 * the fault is not one parameter's. */
static const char *bad_param(const struct params *p, const char **why)
{
	if (p->n > MAX_PARAMS) {
		*why = "too many query parameters";
		return "";
	}
	for (size_t i = 0; i < p->n; i++) {
		const char *k = p->v[i].key, *v = p->v[i].value;
		size_t vn = strlen(v);

		if (!sim_utf8_valid(k, strlen(k))) {
			*why = "a parameter name is not valid UTF-8";
			return "";
		}
		if (!sim_utf8_valid(v, vn)) {
			*why = "not valid UTF-8";
			return k;
		}
		if (vn > MAX_VALUE) {
			*why = "longer than 4096 bytes";
			return k;
		}
	}
	return NULL;
}

/* Runs the route's handler on a complete request. */
static void run_handler(struct MHD_Connection *conn, sim_server *srv, const struct route *rt,
			const char *method, const char *url, const char *tail,
			const struct req_state *st, const sim_account *acct, sim_response *resp)
{
	struct params p = { .n = 0, .alloc = PARAMS_INLINE };
	sim_request req = { 0 };

	const char *bad, *why = NULL;

	p.v = p.inline_;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_param, &p);
	if (p.oom) {
		sim_respond_error(resp, 500, "out of memory");
		goto done;
	}
	bad = bad_param(&p, &why);
	if (bad && *bad)
		sim_respond_error(resp, 400, "Invalid argument: %s: %s", bad, why);
	else if (bad)
		sim_respond_error(resp, 400, "%s (at most %d, each at most %d bytes)", why,
				  MAX_PARAMS, MAX_VALUE);
	if (bad)
		goto done;
	req.method = method;
	req.path = url;
	req.tail = tail;
	req.params = p.v;
	req.nparams = p.n;
	req.body = st ? st->body.buf : empty_value;
	req.body_len = st ? st->body.len : 0;
	req.account = acct;
	req.ctx = srv->ctx;
	rt->fn(&req, resp);
	if (resp->status == 0)
		sim_respond_error(resp, 500, "the handler of %s %s gave no answer", method, url);
done:
	if (p.v != p.inline_)
		free(p.v);
}

static double elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* The raw path and query of a request target; query NULL without '?'. Both malloc'd. */
static int split_target(const char *target, char **path, char **query)
{
	const char *q = strchr(target, '?');

	*path = q ? strndup(target, (size_t)(q - target)) : strdup(target);
	*query = q ? strdup(q + 1) : NULL;
	if (!*path || (q && !*query)) {
		free(*path);
		free(*query);
		return -1;
	}
	return 0;
}

/* One -v line: method, target and status, control characters escaped. */
static void log_line(const sim_server *srv, const struct req_state *st, const char *method,
		     int status, const char *note)
{
	if (!srv->verbose)
		return;
	flockfile(stderr);
	sim_log_escaped(stderr, method);
	fputc(' ', stderr);
	sim_log_escaped(stderr, st && st->target ? st->target : "?");
	fprintf(stderr, " %d %.1f ms%s\n", status, st ? elapsed_ms(&st->start) : 0.0, note);
	funlockfile(stderr);
}

/* Adds the request to the log (not the reads of the log itself). */
static void log_request(const sim_server *srv, const struct req_state *st, const char *method,
			int status)
{
	sim_reqlog_entry e = { 0 };
	char *path = NULL, *query = NULL;

	if (!srv->ctx->reqlog || !st || !st->target || split_target(st->target, &path, &query) < 0)
		return;
	if (!(strcmp(method, "GET") == 0 && strcmp(path, REQLOG_PATH) == 0)) {
		e.account = st->logged_in ? st->account : NULL;
		e.method = method;
		e.path = path;
		e.query = query;
		e.body = st->has_body && !st->too_large && !st->over_total ? st->body.buf : NULL;
		e.body_len = st->body.len;
		e.status = status;
		sim_reqlog_add(srv->ctx->reqlog, &e);
	}
	free(path);
	free(query);
}

/* Logs and sends an answer. */
static enum MHD_Result finish(struct MHD_Connection *conn, sim_server *srv, struct req_state *st,
			      const char *method, sim_response *resp, const char *hname,
			      const char *hvalue)
{
	log_line(srv, st, method, resp->status, "");
	log_request(srv, st, method, resp->status);
	return reply(conn, resp, hname, hvalue);
}

static void *track_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void track_busy(sim_server *srv, struct MHD_Connection *conn, int busy)
{
	struct tracked *t = track_of(conn);

	if (!t)
		return;
	pthread_mutex_lock(&srv->track_lock);
	t->busy = busy;
	if (!busy) {
		clock_gettime(CLOCK_MONOTONIC, &t->since);
		t->head_clock = 0;
	}
	pthread_mutex_unlock(&srv->track_lock);
}

/*
 * The head clock: a new connection must bring a complete request head within head_secs, and so
 * must each later request line on a kept-alive connection. start 1: a request line came (the
 * clock of a new connection keeps running from the accept); 0: the head is complete.
 */
static void track_head(sim_server *srv, struct MHD_Connection *conn, int start)
{
	struct tracked *t = track_of(conn);

	if (!t)
		return;
	pthread_mutex_lock(&srv->track_lock);
	if (start && !t->head_clock) {
		clock_gettime(CLOCK_MONOTONIC, &t->head_since);
		t->head_clock = 1;
	} else if (!start) {
		t->head_clock = 0;
	}
	pthread_mutex_unlock(&srv->track_lock);
}

static void timespec_add_ms(struct timespec *t, long ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/*
 * Holds an answer back for delay_ms without holding a thread: the connection is suspended and
 * the watcher resumes it; on_request then sends st->pending. 0, or -1 (send it now).
 */
static int hold_back(sim_server *srv, struct MHD_Connection *conn, struct req_state *st,
		     sim_response *resp, const char *hname, const char *hvalue, long delay_ms)
{
	struct sleeper *s = malloc(sizeof(*s));

	if (!s)
		return -1;
	st->pending = *resp;
	st->pending_set = 1;
	st->pending_hname = hname;
	st->pending_hvalue = hvalue;
	resp->body = NULL;
	s->conn = conn;
	clock_gettime(CLOCK_MONOTONIC, &s->wake);
	timespec_add_ms(&s->wake, delay_ms);
	pthread_mutex_lock(&srv->track_lock);
	MHD_suspend_connection(conn);
	s->next = srv->sleepers;
	srv->sleepers = s;
	pthread_mutex_unlock(&srv->track_lock);
	return 0;
}

/* The whole request is in: decide and send the answer. */
static enum MHD_Result answer(struct MHD_Connection *conn, sim_server *srv, const char *url,
			      const char *method, struct req_state *st)
{
	sim_response resp = { 0 };
	sim_fault_draw draw = { 0 };
	sim_account acct;
	const struct route *rt;
	const char *tail = NULL, *hname = NULL, *hvalue = NULL;
	char allow[64], retry[32];
	enum MHD_Result ret;
	long delay_ms = 0, wait_secs = 0;
	int faulted = srv->faults_on && starts_with(url, API_PREFIX) &&
		      !starts_with(url, SIM_PREFIX);

	if (st->pending_set) {
		/* Back from a failed-login delay. */
		resp = st->pending;
		st->pending_set = 0;
		memset(&st->pending, 0, sizeof(st->pending));
		return finish(conn, srv, st, method, &resp, st->pending_hname, st->pending_hvalue);
	}
	track_busy(srv, conn, 1);
	if (faulted) {
		sim_faults_draw(&srv->faults, &draw);
		if (draw.latency_ms)
			delay(srv, draw.latency_ms);
		if (fault_before(&draw, &srv->faults.spec, &resp, &hname, &hvalue, retry,
				 sizeof(retry)))
			goto send;
	}
	if (st->too_large) {
		sim_respond_error(&resp, 413, "the request body is larger than %u bytes",
				  SIM_MAX_BODY);
		goto send;
	}
	if (st->over_total) {
		hname = MHD_HTTP_HEADER_RETRY_AFTER;
		hvalue = "1";
		sim_respond_error(&resp, 503,
				  "the server holds too many request bodies; retry after 1 second");
		goto send;
	}
	if (!starts_with(url, AUTH_PREFIX)) {
		sim_respond_error(&resp, 404, "no such resource: '%s'", url);
		goto send;
	}
	if (authenticate(conn, srv, &acct, &resp, &delay_ms, &wait_secs) != 1) {
		if (resp.status == 401) {
			hname = MHD_HTTP_HEADER_WWW_AUTHENTICATE;
			hvalue = REALM_HEADER;
		} else if (wait_secs > 0) {
			snprintf(retry, sizeof(retry), "%ld", wait_secs);
			hname = MHD_HTTP_HEADER_RETRY_AFTER;
			hvalue = retry;
		}
		if (delay_ms > 0 && hold_back(srv, conn, st, &resp, hname, hvalue, delay_ms) == 0)
			return MHD_YES;
		goto send;
	}
	snprintf(st->account, sizeof(st->account), "%s", acct.name);
	st->logged_in = 1;
	if (refuse_sim_route(url, &acct, &resp))
		goto send;
	rt = find_route(method, url, &tail, &resp, allow, sizeof(allow));
	if (!rt) {
		if (resp.status == 405) {
			hname = MHD_HTTP_HEADER_ALLOW;
			hvalue = allow;
		}
		goto send;
	}
	if (rt->module && (acct.modules & rt->module) != rt->module) {
		sim_respond_error(&resp, 403, "the account '%s' has no managed module '%s'",
				  acct.name, module_name(rt->module));
		goto send;
	}
	run_handler(conn, srv, rt, method, url, tail, st, &acct, &resp);
	if (faulted && draw.after != SIM_FAULT_KEEP) {
		int status = draw.after == SIM_FAULT_HTML ? 502 : resp.status;

		if (draw.after == SIM_FAULT_GARBAGE)
			status = 200;
		log_line(srv, st, method, status, " (fault)");
		log_request(srv, st, method, status);
		ret = send_faulted(conn, &resp, draw.after);
		return ret;
	}
send:
	return finish(conn, srv, st, method, &resp, hname, hvalue);
}

/* The request line has arrived: the request's state starts here, with the raw target. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct req_state *st = calloc(1, sizeof(*st));

	track_head(cls, conn, 1);
	if (!st)
		return NULL;
	st->target = strdup(uri ? uri : "");
	ppsbuf_init(&st->body, SIM_MAX_BODY);
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	return st;
}

/* "%00" (a NUL byte, escaped) in text of n bytes. */
static int has_escaped_nul(const char *s, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++)
		if (s[i] == '%' && s[i + 1] == '0' && s[i + 2] == '0')
			return 1;
	return 0;
}

/* The name (decoded up to 64 bytes, or raw) of the first raw query parameter holding %00. */
static int nul_param(const char *query, char *name, size_t len)
{
	const char *p = query;

	for (;;) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		size_t keylen = eq ? (size_t)(eq - p) : n;

		if (has_escaped_nul(p, n)) {
			char *scrubbed = sim_utf8_scrub(p, keylen < 64 ? keylen : 64);

			snprintf(name, len, "%s", scrubbed ? scrubbed : "?");
			free(scrubbed);
			return 1;
		}
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static enum MHD_Result sum_header(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	size_t *total = cls;

	(void)kind;
	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/*
 * Checks what libmicrohttpd passes on but a client must not send: an over-long target, NUL in
 * the path or a parameter, a path that is not UTF-8, Content-Length with Transfer-Encoding, a
 * Content-Length that is not a number or too large. Fills resp (and *close_after) and
 * returns 1 when the request is refused.
 */
static int refuse_head(struct MHD_Connection *conn, const char *url, const struct req_state *st,
		       sim_response *resp, int *close_after)
{
	const char *target = st->target ? st->target : "";
	const char *q = strchr(target, '?');
	size_t pathlen = q ? (size_t)(q - target) : strlen(target);
	const char *cl =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_TRANSFER_ENCODING);
	char name[80];
	size_t headers = 0;

	*close_after = 0;
	if (strlen(target) > MAX_TARGET) {
		sim_respond_error(resp, 414, "the request target is longer than %d bytes",
				  MAX_TARGET);
		return 1;
	}
	MHD_get_connection_values(conn, MHD_HEADER_KIND, sum_header, &headers);
	if (headers > MAX_HEADERS) {
		*close_after = 1;
		sim_respond_error(resp, 431, "the request headers are larger than %d bytes",
				  MAX_HEADERS);
		return 1;
	}
	if (cl && te) {
		*close_after = 1;
		sim_respond_error(resp, 400,
				  "Content-Length and Transfer-Encoding together are refused");
		return 1;
	}
	if (cl) {
		char *end;
		unsigned long long n;

		errno = 0;
		n = strtoull(cl, &end, 10);
		if (!*cl || *end || cl[0] == '-' || cl[0] == '+') {
			*close_after = 1;
			sim_respond_error(resp, 400, "invalid Content-Length");
			return 1;
		}
		if (errno == ERANGE || n > SIM_MAX_BODY) {
			*close_after = 1;
			sim_respond_error(resp, 413, "the request body is larger than %u bytes",
					  SIM_MAX_BODY);
			return 1;
		}
	}
	if (has_escaped_nul(target, pathlen)) {
		sim_respond_error(resp, 400, "invalid path: it holds a NUL byte (%%00)");
		return 1;
	}
	if (!sim_utf8_valid(url, strlen(url))) {
		sim_respond_error(resp, 400, "invalid path: not valid UTF-8");
		return 1;
	}
	if (q && nul_param(q + 1, name, sizeof(name))) {
		sim_respond_error(resp, 400, "Invalid argument: %s: it holds a NUL byte (%%00)",
				  name);
		return 1;
	}
	return 0;
}

/* Counts n more body bytes against the total; 0, or -1 when that would pass it. */
static int count_body(sim_server *srv, struct req_state *st, size_t n)
{
	size_t now = atomic_fetch_add(&srv->body_bytes, n);

	if (now + n > BODY_TOTAL) {
		atomic_fetch_sub(&srv->body_bytes, n);
		return -1;
	}
	st->counted += n;
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	sim_server *srv = cls;
	struct req_state *st = *con_cls;

	(void)version;
	if (!st)
		return MHD_NO; /* out of memory when the request line came */
	if (!st->started) {
		sim_response resp = { 0 };
		int close_after;

		st->started = 1;
		track_head(srv, conn, 0);
		if (refuse_head(conn, url, st, &resp, &close_after))
			return finish(conn, srv, st, method, &resp,
				      close_after ? MHD_HTTP_HEADER_CONNECTION : NULL,
				      close_after ? "close" : NULL);
		return MHD_YES;
	}
	if (*upload_data_size) {
		st->has_body = 1;
		if (!st->too_large && !st->over_total) {
			if (count_body(srv, st, *upload_data_size) < 0) {
				/* Keep reading (and dropping) the rest so that a 503 can be sent. */
				st->over_total = 1;
				ppsbuf_release(&st->body);
			} else if (ppsbuf_add(&st->body, upload_data, *upload_data_size) < 0) {
				/* Keep reading (and dropping) the rest so that a 413 can be sent. */
				st->too_large = 1;
				ppsbuf_release(&st->body);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(conn, srv, url, method, st);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	sim_server *srv = cls;
	struct req_state *st = *con_cls;

	(void)toe;
	if (st) {
		if (st->counted)
			atomic_fetch_sub(&srv->body_bytes, st->counted);
		ppsbuf_release(&st->body);
		free(st->pending.body);
		free(st->target);
		free(st);
	}
	*con_cls = NULL;
	track_busy(srv, conn, 0);
}

/*
 * Connections come and go: the deadline watcher keeps a list of them. libmicrohttpd calls the
 * "closed" notification before it closes the socket, so the watcher never shuts down a socket
 * number that has been reused.
 */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	sim_server *srv = cls;
	struct tracked *t = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		t = calloc(1, sizeof(*t));
		if (!t || !ci) {
			free(t);
			return;
		}
		t->fd = ci->connect_fd;
		clock_gettime(CLOCK_MONOTONIC, &t->since);
		t->head_since = t->since;
		t->head_clock = 1;
		pthread_mutex_lock(&srv->track_lock);
		t->next = srv->tracked;
		if (t->next)
			t->next->prev = t;
		srv->tracked = t;
		pthread_mutex_unlock(&srv->track_lock);
		*socket_context = t;
		return;
	}
	if (!t)
		return;
	pthread_mutex_lock(&srv->track_lock);
	if (t->prev)
		t->prev->next = t->next;
	else
		srv->tracked = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&srv->track_lock);
	free(t);
	*socket_context = NULL;
}

static int later_than(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

/* Whether t has used up its time: the head past head_secs, or head and body past the
 * request deadline. Lock held. */
static int overdue(const sim_server *srv, const struct tracked *t, const struct timespec *now)
{
	struct timespec end = t->since, head_end = t->head_since;

	if (t->busy || t->cut)
		return 0;
	end.tv_sec += srv->deadline_secs;
	head_end.tv_sec += srv->head_secs;
	return (srv->deadline_secs && later_than(now, &end)) ||
	       (srv->head_secs && t->head_clock && later_than(now, &head_end));
}

/*
 * Every 200 ms: shuts down connections whose request head or whole request has taken longer
 * than allowed (a slow client cannot hold a slot by sending a byte now and then), and resumes
 * the connections whose failed-login delay is over.
 */
static void *watch(void *arg)
{
	sim_server *srv = arg;
	struct timespec now, until;

	pthread_mutex_lock(&srv->delay_lock);
	while (!srv->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		timespec_add_ms(&until, 200);
		while (!srv->stopping && pthread_cond_timedwait(&srv->delay_cond, &srv->delay_lock,
								&until) != ETIMEDOUT)
			;
		if (srv->stopping)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		pthread_mutex_lock(&srv->track_lock);
		for (struct tracked *t = srv->tracked; t; t = t->next) {
			if (overdue(srv, t, &now)) {
				shutdown(t->fd, SHUT_RDWR);
				t->cut = 1;
			}
		}
		for (struct sleeper **pp = &srv->sleepers; *pp;) {
			struct sleeper *s = *pp;

			if (later_than(&now, &s->wake)) {
				*pp = s->next;
				MHD_resume_connection(s->conn);
				free(s);
			} else {
				pp = &s->next;
			}
		}
		pthread_mutex_unlock(&srv->track_lock);
	}
	pthread_mutex_unlock(&srv->delay_lock);
	return NULL;
}

/* A new connection: refused (closed at once) when its address opens them too fast. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	sim_server *srv = cls;
	char text[INET6_ADDRSTRLEN];
	struct timespec now;

	(void)addrlen;
	address_text(addr, text, sizeof(text));
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (sim_guard_accept(srv->guard, text, (double)now.tv_sec + (double)now.tv_nsec / 1e9))
		return MHD_YES;
	return MHD_NO;
}

/* Frees what sim_server_start set up; the daemon must be stopped already. */
static void server_free(sim_server *srv, int sync_ready)
{
	if (sync_ready) {
		pthread_cond_destroy(&srv->delay_cond);
		pthread_mutex_destroy(&srv->delay_lock);
		pthread_mutex_destroy(&srv->track_lock);
	}
	while (srv->sleepers) {
		struct sleeper *s = srv->sleepers;

		srv->sleepers = s->next;
		free(s);
	}
	if (srv->faults_on)
		sim_faults_release(&srv->faults);
	sim_guard_free(srv->guard);
	free(srv);
}

static int init_delay_sync(sim_server *srv)
{
	pthread_condattr_t attr;
	int ok;

	if (pthread_condattr_init(&attr) != 0)
		return -1;
	ok = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 &&
	     pthread_cond_init(&srv->delay_cond, &attr) == 0;
	pthread_condattr_destroy(&attr);
	if (!ok)
		return -1;
	if (pthread_mutex_init(&srv->delay_lock, NULL) != 0) {
		pthread_cond_destroy(&srv->delay_cond);
		return -1;
	}
	if (pthread_mutex_init(&srv->track_lock, NULL) != 0) {
		pthread_mutex_destroy(&srv->delay_lock);
		pthread_cond_destroy(&srv->delay_cond);
		return -1;
	}
	return 0;
}

static const char *bind_failure(int err)
{
	switch (err) {
	case EADDRINUSE:
		return "address already in use";
	case EADDRNOTAVAIL:
		return "address not available on this host";
	case EACCES:
		return "permission denied";
	default:
		return "cannot start the server (address or certificate refused)";
	}
}

int sim_server_start(sim_server **out, const sim_server_config *cfg, char *err, size_t errlen)
{
	sim_server *srv = calloc(1, sizeof(*srv));
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_SUPPRESS_DATE_NO_CLOCK;
	struct MHD_OptionItem opts[16];
	size_t n = 0;
	const union MHD_DaemonInfo *info;
	int latency, sync_ready = 0;

	*out = NULL;
	if (!srv) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	srv->ctx = cfg->ctx;
	srv->verbose = cfg->verbose;
	srv->deadline_secs = cfg->deadline_secs ? cfg->deadline_secs : DEFAULT_DEADLINE;
	srv->head_secs = cfg->head_secs ? cfg->head_secs : DEFAULT_HEAD;
	if (srv->head_secs > srv->deadline_secs)
		srv->head_secs = srv->deadline_secs;
	atomic_init(&srv->body_bytes, 0);
	srv->guard = sim_guard_new(cfg->login_throttle, cfg->accept_rate);
	if (!srv->guard) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (init_delay_sync(srv) < 0) {
		snprintf(err, errlen, "cannot initialize the server's locks");
		goto fail;
	}
	sync_ready = 1;
	if (cfg->faults && sim_fault_spec_active(cfg->faults)) {
		if (sim_faults_init(&srv->faults, cfg->faults) < 0) {
			snprintf(err, errlen, "cannot initialize the fault injector");
			goto fail;
		}
		srv->faults_on = 1;
	}
	latency = srv->faults_on && srv->faults.spec.latency_ms > 0;
	/*
	 * An injected delay waits in the thread serving the request; with a thread per
	 * connection it stalls only that connection, as a slow server would.
	 */
	if (latency)
		flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
	else
		flags |= MHD_USE_EPOLL;
	if (cfg->addr->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cfg->cert_pem)
		flags |= MHD_USE_TLS;
	if (cfg->verbose)
		flags |= MHD_USE_ERROR_LOG;

	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, cfg->addr };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
					     (intptr_t)(cfg->timeout_secs ? cfg->timeout_secs : 30),
					     NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
					     (intptr_t)(uintptr_t)on_completed, srv };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION,
					     (intptr_t)(uintptr_t)on_connection, srv };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_URI_LOG_CALLBACK,
					     (intptr_t)(uintptr_t)on_uri, srv };
	opts[n++] = (struct MHD_OptionItem){
		MHD_OPTION_CONNECTION_LIMIT,
		(intptr_t)(cfg->max_connections ? cfg->max_connections : DEFAULT_CONNECTIONS), NULL
	};
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT,
					     (intptr_t)CONN_MEMORY, NULL };
	if (cfg->max_per_address)
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_PER_IP_CONNECTION_LIMIT,
						     (intptr_t)cfg->max_per_address, NULL };

	if (!latency && cfg->threads > 1)
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE,
						     (intptr_t)cfg->threads, NULL };
	if (cfg->cert_pem) {
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, cfg->cert_pem };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, cfg->key_pem };
	}
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };

	errno = 0;
	srv->daemon = MHD_start_daemon(flags, 0, cfg->accept_rate ? on_accept : NULL, srv,
				       on_request, srv, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(err, errlen, "%s", bind_failure(errno));
		goto fail;
	}
	if (pthread_create(&srv->watcher, NULL, watch, srv) != 0) {
		MHD_stop_daemon(srv->daemon);
		snprintf(err, errlen, "cannot start the connection watcher");
		goto fail;
	}
	srv->watcher_on = 1;
	info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info ? info->port : 0;
	*out = srv;
	return 0;
fail:
	server_free(srv, sync_ready);
	return -1;
}

unsigned sim_server_port(const sim_server *srv)
{
	return srv->port;
}

void sim_server_stop(sim_server *srv)
{
	if (!srv)
		return;
	pthread_mutex_lock(&srv->delay_lock);
	srv->stopping = 1;
	pthread_cond_broadcast(&srv->delay_cond);
	pthread_mutex_unlock(&srv->delay_lock);
	if (srv->watcher_on)
		pthread_join(srv->watcher, NULL);
	/* Suspended connections must be resumed before the daemon can stop. */
	pthread_mutex_lock(&srv->track_lock);
	while (srv->sleepers) {
		struct sleeper *s = srv->sleepers;

		srv->sleepers = s->next;
		MHD_resume_connection(s->conn);
		free(s);
	}
	pthread_mutex_unlock(&srv->track_lock);
	MHD_stop_daemon(srv->daemon);
	server_free(srv, 1);
}
