/*
 * pps-sim's libmicrohttpd daemon: started and stopped, its callbacks, and an answer's steps in
 * order (faults, limits, login, route, handler). The steps live in server_*.c; the API's
 * semantics in the route handlers, SQL in the store.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "sim/server_int.h"

#include "util/banned.h"

/*
 * libmicrohttpd's memory per connection (request line, headers, buffers). Larger than
 * MAX_TARGET with room to spare, so that an over-long URL reaches us and is answered in JSON;
 * libmicrohttpd maps it lazily, so an idle connection costs far less.
 */
#define CONN_MEMORY	    (128u * 1024u)
#define DEFAULT_CONNECTIONS 3000
#define DEFAULT_DEADLINE    15
#define DEFAULT_HEAD	    5

/* The request line has arrived: the request's state starts here, with the raw target. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct req_state *st = calloc(1, sizeof(*st));

	sim_srv_track_head(cls, conn, 1);
	if (!st)
		return NULL;
	st->target = strdup(uri ? uri : "");
	ppsbuf_init(&st->body, SIM_MAX_BODY);
	clock_gettime(CLOCK_MONOTONIC, &st->start);
	return st;
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
	sim_srv_track_busy(srv, conn, 0);
}

/* The whole request is in: decide and send the answer. */
static enum MHD_Result answer(struct MHD_Connection *conn, sim_server *srv, const char *url,
			      const char *method, struct req_state *st)
{
	sim_response resp = { 0 };
	sim_fault_draw draw = { 0 };
	struct extra_header hdr = { 0 };
	sim_account acct;
	const struct sim_route *rt;
	const char *tail = NULL;
	int faulted = srv->faults_on && starts_with(url, API_PREFIX) &&
		      !starts_with(url, SIM_PREFIX);

	if (st->pending_set) {
		/* Back from a failed-login delay. */
		resp = st->pending;
		st->pending_set = 0;
		memset(&st->pending, 0, sizeof(st->pending));
		return sim_srv_finish(conn, srv, st, method, &resp, st->pending_hdr.name,
				      st->pending_hdr.value);
	}
	sim_srv_track_busy(srv, conn, 1);
	if (faulted && sim_srv_fault_before(srv, &draw, &resp, &hdr))
		goto send;
	if (sim_srv_refuse_body(st, &resp, &hdr))
		goto send;
	if (!starts_with(url, AUTH_PREFIX)) {
		sim_respond_error(&resp, 404, "no such resource: '%s'", url);
		goto send;
	}
	switch (sim_srv_log_in(conn, srv, st, &acct, &resp, &hdr)) {
	case SIM_LOGIN_HELD:
		return MHD_YES;
	case SIM_LOGIN_REFUSED:
		goto send;
	case SIM_LOGIN_OK:
		break;
	}
	rt = sim_srv_route(method, url, &acct, &tail, &resp, &hdr);
	if (!rt)
		goto send;
	if (faulted)
		sim_srv_fault_interleave(srv, &draw, method, url, tail, st);
	sim_srv_run_handler(conn, srv, rt, method, url, tail, st, &acct, &resp);
	if (faulted && draw.after != SIM_FAULT_KEEP)
		return sim_srv_send_faulted(conn, srv, st, method, &resp, draw.after);
send:
	return sim_srv_finish(conn, srv, st, method, &resp, hdr.name, hdr.value);
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
		sim_srv_track_head(srv, conn, 0);
		if (sim_srv_refuse_head(conn, url, st, &resp, &close_after))
			return sim_srv_finish(conn, srv, st, method, &resp,
					      close_after ? MHD_HTTP_HEADER_CONNECTION : NULL,
					      close_after ? "close" : NULL);
		return MHD_YES;
	}
	if (*upload_data_size) {
		sim_srv_take_body(srv, st, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(conn, srv, url, method, st);
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

/* The server's state from its configuration, before the daemon runs; NULL with err set. */
static sim_server *server_new(const sim_server_config *cfg, char *err, size_t errlen)
{
	sim_server *srv = calloc(1, sizeof(*srv));
	int sync_ready = 0;

	if (!srv) {
		snprintf(err, errlen, "out of memory");
		return NULL;
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
	return srv;
fail:
	server_free(srv, sync_ready);
	return NULL;
}

/* Whether injected latency is on: it needs a thread per connection. */
static int latency_on(const sim_server *srv)
{
	return srv->faults_on && srv->faults.spec.latency_ms > 0;
}

static unsigned daemon_flags(const sim_server *srv, const sim_server_config *cfg)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME |
			 MHD_USE_SUPPRESS_DATE_NO_CLOCK;

	/*
	 * An injected delay waits in the thread serving the request; with a thread per
	 * connection it stalls only that connection, as a slow server would.
	 */
	if (latency_on(srv))
		flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
	else
		flags |= MHD_USE_EPOLL;
	if (cfg->addr->sa_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cfg->cert_pem)
		flags |= MHD_USE_TLS;
	if (cfg->verbose)
		flags |= MHD_USE_ERROR_LOG;
	return flags;
}

#define DAEMON_OPTIONS 16

/* The daemon's options, ending in MHD_OPTION_END, into opts (DAEMON_OPTIONS of them). */
static void daemon_options(sim_server *srv, const sim_server_config *cfg,
			   struct MHD_OptionItem *opts)
{
	size_t n = 0;

	if (cfg->listen_fd >= 0)
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET,
						     (intptr_t)cfg->listen_fd, NULL };
	else
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, cfg->addr };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
					     (intptr_t)(cfg->timeout_secs ? cfg->timeout_secs : 30),
					     NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
					     (intptr_t)(uintptr_t)on_completed, srv };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION,
					     (intptr_t)(uintptr_t)sim_srv_on_connection, srv };
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

	if (!latency_on(srv) && cfg->threads > 1)
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE,
						     (intptr_t)cfg->threads, NULL };
	if (cfg->cert_pem) {
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, cfg->cert_pem };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, cfg->key_pem };
	}
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
}

int sim_server_start(sim_server **out, const sim_server_config *cfg, char *err, size_t errlen)
{
	sim_server *srv = server_new(cfg, err, errlen);
	struct MHD_OptionItem opts[DAEMON_OPTIONS];
	const union MHD_DaemonInfo *info;

	*out = NULL;
	if (!srv)
		return -1;
	daemon_options(srv, cfg, opts);
	errno = 0;
	srv->daemon = MHD_start_daemon(daemon_flags(srv, cfg), 0,
				       cfg->accept_rate ? sim_srv_on_accept : NULL, srv, on_request,
				       srv, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!srv->daemon) {
		snprintf(err, errlen, "%s", bind_failure(errno));
		goto fail;
	}
	if (pthread_create(&srv->watcher, NULL, sim_srv_watch, srv) != 0) {
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
	server_free(srv, 1);
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
