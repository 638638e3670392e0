/*
 * The raw message of GET /quarantine?guid=G streamed to a visitor: the bytes go on as they
 * arrive and none is held, whatever the body's length. No transport here, nothing printed.
 */
#include "lib/internal.h"

#include "util/banned.h"

/* The sink between http.c and the visitor. */
struct relay {
	pps_client *c;
	const pps_visitor *v;
	int delivered;
};

static int relay_write(void *ctx, const char *data, size_t len)
{
	struct relay *r = ctx;

	if (!len)
		return PPS_OK;
	r->delivered = 1;
	if (r->v->body && r->v->body(r->v->ctx, data, len) != 0)
		return pps__error_set(r->c, PPS_ECANCELED, 0, "stopped by the body callback");
	if (r->v->parsed && r->v->parsed(r->v->ctx) != 0)
		return pps__error_set(r->c, PPS_ECANCELED, 0, "stopped by the parsed callback");
	return PPS_OK;
}

/* Bytes handed on cannot be taken back: a transfer that delivered any is not tried again. */
static int relay_restart(void *ctx)
{
	return ((struct relay *)ctx)->delivered ? -1 : 0;
}

int pps_quarantine_download_stream(pps_response **out, pps_client *c, const char *guid,
				   const pps_visitor *v)
{
	pps_visitor none = PPS_VISITOR_INIT;
	struct relay r = { c, v ? v : &none, 0 };
	pps__sink sink = { relay_write, relay_restart, &r };
	pps__query q = { 0 };
	pps__answer a = PPS__ANSWER_INIT;
	int ret;

	*out = NULL;
	pps__error_reset(c);
	if (v && pps__version_check(c, "pps_visitor", v->version, PPS_VISITOR_VERSION))
		return PPS_EUSAGE;
	if (!guid || !*guid)
		return pps__error_set(c, PPS_EUSAGE, 0, "a guid is required");
	/* Only the guid: the server ignores a folder here (spec §4). */
	pps__query_add(&q, "guid", guid);
	ret = pps__http_send(c, "GET", pps__op_path(PPS_OP_QUARANTINE_DOWNLOAD), &q, NULL, &sink,
			     &a);
	if (ret == PPS__NOT_SENT)
		ret = pps__response_empty(c, out);
	else if (ret == PPS_OK)
		ret = pps__response_from_answer(c, &a, out);
	pps__answer_release(&a);
	return ret;
}
