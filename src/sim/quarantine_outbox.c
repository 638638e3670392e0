/*
 * GET /rest/v1/sim/outbox: what the quarantine's actions sent, for tests to check that nothing
 * was sent twice. Reads only; no SQL here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "sim/sim.h"
#include "sim/store.h"

#include "util/banned.h"

static int outbox_row(void *arg, int64_t id, const char *entry)
{
	json_t *records = arg, *e = json_loads(entry, 0, NULL), *rec;

	if (!json_is_object(e)) {
		json_decref(e);
		return -1;
	}
	rec = json_pack("{s:I}", "id", (json_int_t)id);
	if (!rec || json_object_update(rec, e) < 0) {
		json_decref(rec);
		json_decref(e);
		return -1;
	}
	json_decref(e);
	/* json_array_append_new takes rec, also when it fails. */
	return json_array_append_new(records, rec) < 0 ? -1 : 1;
}

void route_outbox_get(const sim_request *req, sim_response *resp)
{
	const char *v = sim_param_get(req, "since");
	json_t *records;
	long long since = 0;

	if (v) {
		char *e;

		errno = 0;
		since = strtoll(v, &e, 10);
		if (!*v || *e || errno || since < 0) {
			sim_respond_error(resp, 400,
					  "Invalid argument: since: '%s' is not an outbox id", v);
			return;
		}
	}
	records = json_array();
	if (!records || sim_store_outbox_scan(req->ctx->store, since, outbox_row, records) < 0) {
		json_decref(records);
		sim_respond_error(resp, 500, "the store failed to answer");
		return;
	}
	sim_respond_json(resp, 200, json_pack("{s:o}", "records", records));
}
