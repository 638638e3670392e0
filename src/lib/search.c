/*
 * The two search shapes every records operation shares: streaming a GET's records to a
 * visitor (records.c over http.c), and the buffered form gathered from the stream.
 */
#include "lib/internal.h"

#include <jansson.h>

#include "util/banned.h"

int pps__search_each(pps_client *c, const char *path, const pps__query *q, const char *key,
		     size_t limit, pps__record_check check, const pps_visitor *v)
{
	pps__records *p = NULL;
	pps__answer a = PPS__ANSWER_INIT;
	pps__sink sink;
	int ret;

	if (v && pps__version_check(c, "pps_visitor", v->version, PPS_VISITOR_VERSION))
		return PPS_EUSAGE;
	ret = pps__records_new(&p, c, key, check, v);
	if (ret < 0)
		goto done;
	pps__records_limit(p, limit);
	sink = pps__records_sink(p);
	ret = pps__http_send(c, "GET", path, q, NULL, &sink, &a);
	if (ret == PPS__NOT_SENT) {
		ret = PPS_OK;
		goto done;
	}
	if (ret < 0)
		goto done;
	ret = pps__records_finish(p);
done:
	pps__answer_release(&a);
	pps__records_free(p);
	return ret;
}

/* What the buffered form gathers. */
struct gather {
	pps_client *c;
	json_t *records;
	ppsbuf body;
	int too_big;
};

static int gather_record(void *ctx, json_t *record)
{
	struct gather *g = ctx;

	return json_array_append(g->records, record) < 0 ? -1 : 0;
}

static int gather_body(void *ctx, const char *data, size_t len)
{
	struct gather *g = ctx;

	if (g->body.len + len > PPS__BODY_CAP) {
		g->too_big = 1;
		return -1;
	}
	return ppsbuf_add(&g->body, data, len) < 0 ? -1 : 0;
}

int pps__search_buffered(pps_response **out, pps_client *c, const void *req, pps__each_fn each)
{
	struct gather g = { c, NULL, PPSBUF_INIT, 0 };
	pps_visitor v = { .version = PPS_VISITOR_VERSION,
			  .record = gather_record,
			  .body = gather_body,
			  .ctx = &g };
	pps_response *resp = NULL;
	int ret;

	*out = NULL;
	ppsbuf_init(&g.body, 0);
	g.records = json_array();
	resp = pps__response_new();
	if (!g.records || !resp) {
		ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
		goto done;
	}
	ret = each(c, req, &v);
	/* Only gathering stops the stream here: the body cap, or memory. */
	if (ret == PPS_ECANCELED && g.too_big)
		ret = pps__error_set(c, PPS_EPROTO, c->last_status,
				     "response body is larger than 1 GiB");
	else if (ret == PPS_ECANCELED)
		ret = pps__error_set(c, PPS_ENOMEM, c->last_status, "out of memory");
	if (ret < 0)
		goto done;
	resp->status = c->last_status;
	resp->body = ppsbuf_detach(&g.body, &resp->body_len);
	resp->records = g.records;
	g.records = NULL;
	if (!resp->body) {
		ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
		goto done;
	}
	*out = resp;
	resp = NULL;
done:
	pps_response_free(resp);
	json_decref(g.records);
	ppsbuf_release(&g.body);
	return ret;
}
