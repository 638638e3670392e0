/*
 * pps-sim's server: the injected faults applied (what faults.c draws): latency, errors and
 * throttling before the handler, a cut, a truncated, garbled or HTML answer after it; another
 * admin's write of an end user's lists interleaved with a client's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/server_int.h"

#include "util/banned.h"

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
	return sim_srv_reply(conn, resp, NULL, NULL);
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

/* Answers the injected faults that come before the handler; 0 when the request goes on. */
static int fault_before(const sim_fault_draw *d, const sim_fault_spec *spec, sim_response *resp,
			struct extra_header *hdr)
{
	switch (d->before) {
	case SIM_FAULT_ERROR:
		sim_respond_error(resp, spec->error_status, "service unavailable (injected fault)");
		return 1;
	case SIM_FAULT_THROTTLE:
		snprintf(hdr->text, sizeof(hdr->text), "%ld", spec->throttle_retry_after);
		hdr->name = MHD_HTTP_HEADER_RETRY_AFTER;
		hdr->value = hdr->text;
		sim_respond_error(resp, 429, "too many requests, retry after %ld seconds",
				  spec->throttle_retry_after);
		return 1;
	case SIM_FAULT_AUTHFAIL:
		hdr->name = MHD_HTTP_HEADER_WWW_AUTHENTICATE;
		hdr->value = REALM_HEADER;
		sim_respond_error(resp, 401, "invalid username or password");
		return 1;
	case SIM_FAULT_PASS:
		break;
	}
	return 0;
}

int sim_srv_fault_before(sim_server *srv, sim_fault_draw *draw, sim_response *resp,
			 struct extra_header *hdr)
{
	sim_faults_draw(&srv->faults, draw);
	if (draw->latency_ms)
		delay(srv, draw->latency_ms);
	return fault_before(draw, &srv->faults.spec, resp, hdr);
}

enum MHD_Result sim_srv_send_faulted(struct MHD_Connection *conn, sim_server *srv,
				     struct req_state *st, const char *method, sim_response *resp,
				     enum sim_fault_after after)
{
	int status = after == SIM_FAULT_HTML ? 502 : resp->status;

	if (after == SIM_FAULT_GARBAGE)
		status = 200;
	sim_srv_log_line(srv, st, method, status, " (fault)");
	sim_srv_log_request(srv, st, method, status);
	return send_faulted(conn, resp, after);
}

void sim_srv_fault_interleave(sim_server *srv, const sim_fault_draw *draw, const char *method,
			      const char *url, const char *tail, struct req_state *st)
{
	if (srv->faults.spec.interleave_share <= 0 || !tail || !*tail ||
	    !starts_with(url, ENDUSER_PREFIX))
		return;
	if (strcmp(method, "GET") == 0)
		sim_faults_arm(&srv->faults, tail);
	else if (strcmp(method, "PUT") == 0)
		st->other_admin = sim_faults_take(&srv->faults, tail, draw->interleave);
}
