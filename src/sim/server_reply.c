/*
 * pps-sim's server: an answer sent (the emulated clock's Date header) and logged (the -v line,
 * the request log). It decides no answer itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/clock.h"
#include "sim/reqlog.h"
#include "sim/server_int.h"
#include "sim/text.h"

#include "util/banned.h"

static char empty_value[] = "";

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

enum MHD_Result sim_srv_reply(struct MHD_Connection *conn, sim_response *resp, const char *hname,
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
void sim_srv_log_line(const sim_server *srv, const struct req_state *st, const char *method,
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
void sim_srv_log_request(const sim_server *srv, const struct req_state *st, const char *method,
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
enum MHD_Result sim_srv_finish(struct MHD_Connection *conn, sim_server *srv, struct req_state *st,
			       const char *method, sim_response *resp, const char *hname,
			       const char *hvalue)
{
	sim_srv_log_line(srv, st, method, resp->status, "");
	sim_srv_log_request(srv, st, method, resp->status);
	return sim_srv_reply(conn, resp, hname, hvalue);
}
