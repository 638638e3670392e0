/*
 * pps-sim's libmicrohttpd daemon: routing, Basic auth and modules, body limits, injected faults.
 * It must not know the API's semantics (the route handlers do) nor touch SQL (store.c does).
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "sim/faults.h"
#include "sim/server.h"
#include "sim/sim.h"
#include "sim/store.h"
#include "util/buf.h"

#include "util/banned.h"

#define REALM_HEADER "Basic realm=\"PPS REST API\""
#define CT_JSON	     "application/json"
#define CT_HTML	     "text/html; charset=utf-8"
#define API_PREFIX   "/rest/v1/"
#define SIM_PREFIX   "/rest/v1/sim/"
#define AUTH_PREFIX  "/rest/"

struct sim_server {
	struct MHD_Daemon *daemon;
	sim_ctx *ctx;
	sim_faults faults;
	int faults_on;
	int verbose;
	unsigned port;
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
	{ "GET", "/rest/v1/sim/outbox", 0, route_outbox_get },
};

/* The managed modules' names as the real server spells them. */
static const char *module_name(unsigned bit)
{
	switch (bit) {
	case SIM_MOD_PSS:
		return "pss";
	case SIM_MOD_QUARANTINE:
		return "Quarantine";
	default:
		return "enduser";
	}
}

/*
 * Per-request state, only allocated when a request has a body or the log needs its start
 * time; otherwise the request's closure points at no_state, which marks the first callback.
 */
struct req_state {
	ppsbuf body;
	int too_large;
	struct timespec start;
};

static char no_state;

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

/* Checks the Basic credentials; fills acct. 1 valid, 0 missing or wrong (resp set), -1 error. */
static int authenticate(struct MHD_Connection *conn, sim_server *srv, sim_account *acct,
			sim_response *resp)
{
	char *pass = NULL;
	char *user = MHD_basic_auth_get_username_password(conn, &pass);
	int rc;

	if (!user) {
		MHD_free(pass);
		sim_respond_error(resp, 401, "authentication required");
		return 0;
	}
	rc = sim_store_check_account(srv->ctx->store, user, pass ? pass : "", acct);
	MHD_free(user);
	MHD_free(pass);
	if (rc == 0)
		sim_respond_error(resp, 401, "invalid username or password");
	else if (rc < 0)
		sim_respond_error(resp, 500, "cannot check the credentials");
	return rc;
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

/* Runs the route's handler on a complete request. */
static void run_handler(struct MHD_Connection *conn, sim_server *srv, const struct route *rt,
			const char *method, const char *url, const char *tail,
			const struct req_state *st, const sim_account *acct, sim_response *resp)
{
	struct params p = { .n = 0, .alloc = PARAMS_INLINE };
	sim_request req = { 0 };

	p.v = p.inline_;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_param, &p);
	if (p.oom) {
		sim_respond_error(resp, 500, "out of memory");
		goto done;
	}
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
	int faulted = srv->faults_on && starts_with(url, API_PREFIX) &&
		      !starts_with(url, SIM_PREFIX);

	if (faulted) {
		sim_faults_draw(&srv->faults, &draw);
		if (draw.latency_ms)
			delay(srv, draw.latency_ms);
		if (fault_before(&draw, &srv->faults.spec, &resp, &hname, &hvalue, retry,
				 sizeof(retry)))
			goto send;
	}
	if (st && st->too_large) {
		sim_respond_error(&resp, 413, "the request body is larger than %u bytes",
				  SIM_MAX_BODY);
		goto send;
	}
	if (!starts_with(url, AUTH_PREFIX)) {
		sim_respond_error(&resp, 404, "no such resource: '%s'", url);
		goto send;
	}
	if (authenticate(conn, srv, &acct, &resp) != 1) {
		if (resp.status == 401) {
			hname = MHD_HTTP_HEADER_WWW_AUTHENTICATE;
			hvalue = REALM_HEADER;
		}
		goto send;
	}
	rt = find_route(method, url, &tail, &resp, allow, sizeof(allow));
	if (!rt) {
		if (resp.status == 405) {
			hname = MHD_HTTP_HEADER_ALLOW;
			hvalue = allow;
		}
		goto send;
	}
	if (rt->module && !(acct.modules & rt->module)) {
		sim_respond_error(&resp, 403, "the account '%s' has no managed module '%s'",
				  acct.name, module_name(rt->module));
		goto send;
	}
	run_handler(conn, srv, rt, method, url, tail, st, &acct, &resp);
	if (faulted && draw.after != SIM_FAULT_KEEP) {
		int status = draw.after == SIM_FAULT_HTML ? 502 : resp.status;

		if (draw.after == SIM_FAULT_GARBAGE)
			status = 200;
		ret = send_faulted(conn, &resp, draw.after);
		if (srv->verbose && st)
			fprintf(stderr, "%s %s %d %.1f ms (fault)\n", method, url, status,
				elapsed_ms(&st->start));
		return ret;
	}
send:
	if (srv->verbose && st)
		fprintf(stderr, "%s %s %d %.1f ms\n", method, url, resp.status,
			elapsed_ms(&st->start));
	return reply(conn, &resp, hname, hvalue);
}

static struct req_state *state_new(void)
{
	struct req_state *st = malloc(sizeof(*st));

	if (!st)
		return NULL;
	ppsbuf_init(&st->body, SIM_MAX_BODY);
	st->too_large = 0;
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	return st;
}

/* A Content-Length over the limit is refused before any of the body is read. */
static int announces_too_much(struct MHD_Connection *conn)
{
	const char *cl =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end;
	unsigned long long n;

	if (!cl)
		return 0;
	errno = 0;
	n = strtoull(cl, &end, 10);
	return errno == ERANGE || n > SIM_MAX_BODY;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	sim_server *srv = cls;
	struct req_state *st = *con_cls == &no_state ? NULL : *con_cls;

	(void)version;
	if (!*con_cls) {
		if (announces_too_much(conn)) {
			sim_response resp = { 0 };

			*con_cls = &no_state;
			if (srv->verbose)
				fprintf(stderr, "%s %s 413 (Content-Length)\n", method, url);
			sim_respond_error(&resp, 413, "the request body is larger than %u bytes",
					  SIM_MAX_BODY);
			return reply(conn, &resp, NULL, NULL);
		}
		if (srv->verbose) {
			st = state_new();
			if (!st)
				return MHD_NO;
			*con_cls = st;
		} else {
			*con_cls = &no_state;
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!st) {
			st = state_new();
			if (!st)
				return MHD_NO;
			*con_cls = st;
		}
		if (!st->too_large && ppsbuf_add(&st->body, upload_data, *upload_data_size) < 0) {
			/* Keep reading (and dropping) the rest so that a 413 can still be sent. */
			st->too_large = 1;
			ppsbuf_release(&st->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(conn, srv, url, method, st);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req_state *st = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (st && *con_cls != &no_state) {
		ppsbuf_release(&st->body);
		free(st);
	}
	*con_cls = NULL;
}

/* Frees what sim_server_start set up; the daemon must be stopped already. */
static void server_free(sim_server *srv, int sync_ready)
{
	if (sync_ready) {
		pthread_cond_destroy(&srv->delay_cond);
		pthread_mutex_destroy(&srv->delay_lock);
	}
	if (srv->faults_on)
		sim_faults_release(&srv->faults);
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
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD;
	struct MHD_OptionItem opts[8];
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
					     (intptr_t)(uintptr_t)on_completed, NULL };
	if (!latency && cfg->threads > 1)
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE,
						     (intptr_t)cfg->threads, NULL };
	if (cfg->cert_pem) {
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, cfg->cert_pem };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, cfg->key_pem };
	}
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };

	errno = 0;
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_ARRAY,
				       opts, MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(err, errlen, "%s", bind_failure(errno));
		goto fail;
	}
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
	MHD_stop_daemon(srv->daemon);
	server_free(srv, 1);
}
