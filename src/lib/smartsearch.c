/*
 * Smart Search (GET /pss/filter) and the health check (GET /pss/health): the wire names of
 * spec §2 and §7 on the client side. No transport here (http.c) and nothing printed.
 */
#include "lib/internal.h"

#include <stdio.h>

#include <jansson.h>

#include "util/banned.h"

int pps_health(pps_response **out, pps_client *c)
{
	pps__answer a = PPS__ANSWER_INIT;
	pps_response *resp = NULL;
	int ret;

	*out = NULL;
	pps__error_reset(c);
	a.body.cap = PPS__OBJECT_CAP;
	ret = pps__http_send(c, "GET", pps__op_path(PPS_OP_HEALTH), NULL, NULL, NULL, &a);
	if (ret == PPS__NOT_SENT) {
		ret = pps__response_empty(c, out);
		goto done;
	}
	if (ret < 0)
		goto done;
	ret = pps__response_from_answer(c, &a, &resp);
	if (ret < 0)
		goto done;
	ret = pps__response_parse_object(c, resp);
	if (ret < 0)
		goto done;
	*out = resp;
	resp = NULL;
done:
	pps_response_free(resp);
	pps__answer_release(&a);
	return ret;
}

int pps_smartsearch_each(pps_client *c, const pps_smartsearch_req *req, const pps_visitor *v)
{
	pps__query q = { 0 };
	char from[40], to[40], count[24];

	pps__error_reset(c);
	if (!req)
		return pps__error_set(c, PPS_EUSAGE, 0, "no request");
	if (pps__version_check(c, "pps_smartsearch_req", req->version, PPS_SMARTSEARCH_REQ_VERSION))
		return PPS_EUSAGE;
	if (!req->start.set)
		return pps__error_set(c, PPS_EUSAGE, 0, "a start time is required");
	if (req->count < 0)
		return pps__error_set(c, PPS_EUSAGE, 0, "invalid count %ld: must be positive",
				      req->count);
	if (pps_time_format_filter(&req->start, from, sizeof(from)) < 0)
		return pps__error_set(c, PPS_EUSAGE, 0, "start time is out of range");
	if (req->end.set && pps_time_format_filter(&req->end, to, sizeof(to)) < 0)
		return pps__error_set(c, PPS_EUSAGE, 0, "end time is out of range");
	snprintf(count, sizeof(count), "%ld", req->count ? req->count : 100L);
	/* The order of spec §2, so that requests read the same as the reference's. */
	pps__query_add(&q, "action", req->action);
	pps__query_add(&q, "from", from);
	pps__query_add(&q, "to", req->end.set ? to : NULL);
	pps__query_add(&q, "virus", req->virus);
	pps__query_add(&q, "env_from", req->env_from);
	pps__query_add(&q, "env_rcpt", req->env_rcpt);
	pps__query_add(&q, "attach", req->attach);
	pps__query_add(&q, "qid", req->qid);
	pps__query_add(&q, "host", req->host);
	pps__query_add(&q, "sid", req->sid);
	pps__query_add(&q, "subject", req->subject);
	pps__query_add(&q, "guid", req->guid);
	pps__query_add(&q, "hdr_mid", req->hdr_mid);
	pps__query_add(&q, "count", count);
	return pps__search_each(c, pps__op_path(PPS_OP_SMARTSEARCH), &q, "result",
				(size_t)(req->count ? req->count : 100L), NULL, v);
}

static int each(pps_client *c, const void *req, const pps_visitor *v)
{
	return pps_smartsearch_each(c, req, v);
}

int pps_smartsearch(pps_response **out, pps_client *c, const pps_smartsearch_req *req)
{
	return pps__search_buffered(out, c, req, each);
}
