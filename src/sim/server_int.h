/*
 * What the files of pps-sim's server (server*.c, and only they) share: the server's and a
 * request's state, the limits, and the steps of an answer. libmicrohttpd goes no further.
 */
#ifndef PPS_SIM_SERVER_INT_H
#define PPS_SIM_SERVER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "sim/faults.h"
#include "sim/guard.h"
#include "sim/server.h"
#include "sim/sim.h"
#include "util/buf.h"

#define REALM_HEADER   "Basic realm=\"PPS REST API\""
#define CT_JSON	       "application/json"
#define CT_HTML	       "text/html; charset=utf-8"
#define API_PREFIX     "/rest/v1/"
#define SIM_PREFIX     "/rest/v1/sim/"
#define AUTH_PREFIX    "/rest/"
#define REQLOG_PATH    "/rest/v1/sim/requests"
#define ENDUSER_PREFIX "/rest/v1/enduser/"

/* What a client may send: longer or more is a 4xx naming what was too much. */
#define MAX_TARGET  8192	/* the request target (path and query), raw */
#define MAX_PARAMS  100		/* query parameters */
#define MAX_VALUE   4096	/* one decoded parameter value */
#define MAX_HEADERS 16384	/* the request's header fields together */
#define BODY_TOTAL  (64u << 20) /* request bodies held at once, all connections together */

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

/* An answer's one extra header (name NULL: none) and the room its value may need. */
struct extra_header {
	const char *name, *value;
	char text[64];
};

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
	struct extra_header pending_hdr;
	struct timespec start;
	unsigned long other_admin; /* the interleave fault's N for this PUT, or 0 */
};

static inline int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* server_route.c: the route table, 404/405, the modules, the handler's call. */
struct sim_route;
/*
 * The route of an authenticated request; NULL with resp (and hdr) set when there is none or
 * acct may not use it. *tail: the rest of a '*' pattern.
 */
const struct sim_route *sim_srv_route(const char *method, const char *url, const sim_account *acct,
				      const char **tail, sim_response *resp,
				      struct extra_header *hdr);
/* Runs the route's handler on a complete request (its query parameters checked first). */
void sim_srv_run_handler(struct MHD_Connection *conn, sim_server *srv, const struct sim_route *rt,
			 const char *method, const char *url, const char *tail,
			 const struct req_state *st, const sim_account *acct, sim_response *resp);

/* server_auth.c: Basic credentials, failed-login throttling. */
enum sim_login { SIM_LOGIN_OK, SIM_LOGIN_REFUSED, SIM_LOGIN_HELD };
/*
 * Checks the credentials; fills acct and st's account. REFUSED: resp and hdr are the answer;
 * HELD: the refusal is held back (hold_back) and sent later.
 */
enum sim_login sim_srv_log_in(struct MHD_Connection *conn, sim_server *srv, struct req_state *st,
			      sim_account *acct, sim_response *resp, struct extra_header *hdr);

/* server_guard.c: request checks, body memory, deadlines, suspended connections. */
void sim_srv_address_text(const struct sockaddr *sa, char *buf, size_t len);
int sim_srv_refuse_head(struct MHD_Connection *conn, const char *url, const struct req_state *st,
			sim_response *resp, int *close_after);
/* Keeps (or drops, past a limit) n more body bytes. */
void sim_srv_take_body(sim_server *srv, struct req_state *st, const char *data, size_t n);
/* 1 with resp and hdr set when the body was too large or over the total. */
int sim_srv_refuse_body(const struct req_state *st, sim_response *resp, struct extra_header *hdr);
void sim_srv_track_busy(sim_server *srv, struct MHD_Connection *conn, int busy);
void sim_srv_track_head(sim_server *srv, struct MHD_Connection *conn, int start);
int sim_srv_hold_back(sim_server *srv, struct MHD_Connection *conn, struct req_state *st,
		      sim_response *resp, const struct extra_header *hdr, long delay_ms);
void sim_srv_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			   enum MHD_ConnectionNotificationCode code);
enum MHD_Result sim_srv_on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen);
void *sim_srv_watch(void *arg);

/* server_faults.c: the injected faults applied. */
/* Draws the request's faults, waits the latency; 1 with resp and hdr set when a fault answers
 * before the handler. */
int sim_srv_fault_before(sim_server *srv, sim_fault_draw *draw, sim_response *resp,
			 struct extra_header *hdr);
/* Logs and sends the handler's answer changed as an after-handler fault says. */
/*
 * The interleave fault: a GET of an end user arms the user; the next PUT of that user takes
 * it, and when that PUT drew the fault another admin writes after it (st->other_admin).
 */
void sim_srv_fault_interleave(sim_server *srv, const sim_fault_draw *draw, const char *method,
			      const char *url, const char *tail, struct req_state *st);
enum MHD_Result sim_srv_send_faulted(struct MHD_Connection *conn, sim_server *srv,
				     struct req_state *st, const char *method, sim_response *resp,
				     enum sim_fault_after after);

/* server_reply.c: sending an answer and logging it. */
/* Queues resp with status and at most one extra header; takes resp->body in every case. */
enum MHD_Result sim_srv_reply(struct MHD_Connection *conn, sim_response *resp, const char *hname,
			      const char *hvalue);
void sim_srv_log_line(const sim_server *srv, const struct req_state *st, const char *method,
		      int status, const char *note);
void sim_srv_log_request(const sim_server *srv, const struct req_state *st, const char *method,
			 int status);
/* Logs and sends an answer. */
enum MHD_Result sim_srv_finish(struct MHD_Connection *conn, sim_server *srv, struct req_state *st,
			       const char *method, sim_response *resp, const char *hname,
			       const char *hvalue);

#endif
