/*
 * What the parts of pps-sim share: the request and response a route handler sees, the
 * emulator's context, and the route handlers. libmicrohttpd stays in server*.c.
 */
#ifndef PPS_SIM_SIM_H
#define PPS_SIM_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "sim/account.h"

struct json_t;
struct sim_store;
struct sim_reqlog;

/* The emulator's process-wide state; created by main.c, shared read-only by handlers. */
typedef struct sim_ctx {
	struct sim_store *store;
	long max_count; /* cap of Smart Search "count" (com.proofpoint.pss.query.default-count) */
	int pod;	/* --flavor pod: Proofpoint on Demand's record shapes */
	struct sim_reqlog *reqlog; /* NULL: --request-log 0 */
} sim_ctx;

typedef struct sim_param {
	char *key;   /* decoded */
	char *value; /* decoded: "+" and "%20" are a space, "%2B" a plus */
} sim_param;

/* One request as a handler sees it; everything is owned by server.c. */
typedef struct sim_request {
	const char *method;	 /* "GET", "POST", ... */
	const char *path;	 /* the decoded path, e.g. "/rest/v1/enduser/a@b.c" */
	const char *tail;	 /* for pattern routes ending in "*": the decoded rest, else NULL */
	const sim_param *params; /* the query string, in order */
	size_t nparams;
	const char *body; /* NUL-terminated, may be empty */
	size_t body_len;
	const sim_account *account;
	sim_ctx *ctx;
	/*
	 * The interleave fault (PUT /enduser only): N > 0 has another admin, who read the user
	 * before this PUT, write its lists right after it: as they were plus
	 * other-admin-N@example.net.
	 */
	unsigned long other_admin;
} sim_request;

/* What a handler answers; server.c sends and frees it. */
typedef struct sim_response {
	int status;
	const char *content_type; /* a static string */
	char *body;		  /* malloc'd, owned by the response; may be NULL for no body */
	size_t body_len;
} sim_response;

/* The last value of a query parameter, or NULL. */
const char *sim_param_get(const sim_request *req, const char *key);

/* Fill a response. All return 0, or -1 when out of memory (the response is then a bare 500). */
/* JSON body; steals the reference to obj. */
int sim_respond_json(sim_response *resp, int status, struct json_t *obj);
/* text/plain; charset=utf-8 */
int sim_respond_text(sim_response *resp, int status, const char *text);
/* A JSON error body {"status":N,"message":"..."}; message printf-style. */
int sim_respond_error(sim_response *resp, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A raw body of the given content type (copied). */
int sim_respond_bytes(sim_response *resp, int status, const char *content_type, const char *data,
		      size_t len);

typedef void (*sim_route_fn)(const sim_request *req, sim_response *resp);

/* Route handlers, one per method and resource. */
void route_pss_health_get(const sim_request *req, sim_response *resp);
void route_pss_filter_get(const sim_request *req, sim_response *resp);
void route_quarantine_get(const sim_request *req, sim_response *resp);
void route_quarantine_post(const sim_request *req, sim_response *resp);
void route_enduser_get(const sim_request *req, sim_response *resp);
void route_enduser_post(const sim_request *req, sim_response *resp);
void route_enduser_put(const sim_request *req, sim_response *resp);
void route_enduser_delete(const sim_request *req, sim_response *resp);
void route_outbox_get(const sim_request *req, sim_response *resp);
void route_sim_requests_get(const sim_request *req, sim_response *resp);
void route_sim_requests_delete(const sim_request *req, sim_response *resp);
void route_sim_messages_post(const sim_request *req, sim_response *resp);

#endif
