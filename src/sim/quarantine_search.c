/*
 * GET /quarantine: the search of a folder (by sender, recipient or subject, within dates) and
 * the raw download of one message. Reads only; no SQL here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sim/quarantine.h"
#include "sim/sim.h"
#include "sim/store.h"
#include "util/timeutil.h"

#include "util/banned.h"

#define DEFAULT_LIMIT 100
#define MAX_LIMIT     1000

struct qsearch {
	int with_status;
	int with_dlp;
	int pod;
	json_t *records; /* owned */
	int failed;
};

static const char *param(const sim_request *req, const char *key)
{
	const char *v = sim_param_get(req, key);

	return v && *v ? v : NULL;
}

/* A number given as text (the store's spamscore), for the cloud's numeric fields. */
static json_t *number_of(const char *text)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	return json_integer(*text && !*end && !errno ? (json_int_t)v : 0);
}

/* The DLP details of a message in a DLP folder: the policy is the folder it was filed under. */
static json_t *dlp_details(const sim_qrow *r)
{
	return json_pack("[{s:s, s:s, s:s}]", "policy", r->folder, "rule", r->folder, "action",
			 "quarantine");
}

static int qsearch_row(void *arg, const sim_qrow *r)
{
	struct qsearch *q = arg;
	json_t *rcpts = sim_quarantine_rcpts(r->rcpts), *rec = NULL;
	char date[32], size[32];

	if (!rcpts || tu_format_utc(r->date, date, sizeof(date)) < 0)
		goto fail;
	snprintf(size, sizeof(size), "%lld", (long long)r->size);
	/*
	 * On-premise servers send size and spamscore as strings; Proofpoint on Demand sends them as
	 * numbers and names a message by its GUID (spec §3, §8).
	 */
	rec = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:O, s:s, s:o, s:s, s:s, s:s}",
			"processingserver", r->processingserver, "date", date, "subject",
			r->subject, "messageid", r->messageid, "folder", r->folder, "size",
			q->pod ? json_integer((json_int_t)r->size) : json_string(size), "rcpts",
			rcpts, "from", r->from, "spamscore",
			q->pod ? number_of(r->spamscore) : json_string(r->spamscore), "guid",
			r->guid, "host_ip", r->host_ip, "localguid",
			q->pod ? r->guid : r->localguid);
	if (!rec)
		goto fail;
	if (q->with_status) {
		json_t *st = json_loads(r->status, 0, NULL);

		if (json_object_set_new(rec, "messagestatus",
					json_is_array(st) ? st : json_array()) < 0)
			goto fail;
		if (!json_is_array(st))
			json_decref(st);
	}
	if (q->with_dlp && strcmp(r->folder_type, SIM_FOLDER_DLP) == 0 &&
	    json_object_set_new(rec, "dlpviolation", dlp_details(r)) < 0)
		goto fail;
	json_decref(rcpts);
	/* json_array_append_new takes rec, also when it fails. */
	return json_array_append_new(q->records, rec) < 0 ? (q->failed = 1, -1) : 1;
fail:
	q->failed = 1;
	json_decref(rec);
	json_decref(rcpts);
	return -1;
}

static void quarantine_download(const sim_request *req, sim_response *resp, const char *guid)
{
	char *raw = NULL;
	size_t len = 0;
	int rc = sim_store_quarantine_raw(req->ctx->store, guid, &raw, &len);

	if (rc < 0)
		sim_respond_error(resp, 500, "the store failed to answer");
	else if (rc == 0)
		sim_respond_error(resp, 404, "No message found");
	else
		sim_respond_bytes(resp, 200, "message/rfc822", raw, len);
	free(raw);
}

/* A date parameter (startdate, enddate) into *when when given. 0, or -1 after the 400 answer. */
static int read_date(const sim_request *req, sim_response *resp, const char *key, int64_t *when)
{
	const char *v = sim_param_get(req, key);

	if (v && sim_parse_when(v, when) < 0) {
		sim_respond_error(resp, 400,
				  "Invalid argument: %s: '%s' is not YYYY-MM-DD hh:mm:ss", key, v);
		return -1;
	}
	return 0;
}

/*
 * The search's parameters into scan (its folder, dates and limit) and q (the optional parts of a
 * record). 0, or -1 after the answer (400, or 500 when the store fails).
 */
static int read_search(const sim_request *req, sim_response *resp, sim_qscan *scan,
		       struct qsearch *q)
{
	const char *v;
	char type[16];
	int rc;

	scan->from = param(req, "from");
	scan->rcpt = param(req, "rcpt");
	scan->subject = param(req, "subject");
	if (!scan->from && !scan->rcpt && !scan->subject) {
		sim_respond_error(resp, 400,
				  "At least one of the following parameters must be specified:"
				  " from, rcpt, subject");
		return -1;
	}
	v = sim_param_get(req, "limit");
	if (v) {
		char *e;

		errno = 0;
		scan->limit = strtol(v, &e, 10);
		if (!*v || *e || errno || scan->limit <= 0) {
			sim_respond_error(resp, 400,
					  "Invalid argument: limit: '%s' is not a positive integer",
					  v);
			return -1;
		}
		if (scan->limit > MAX_LIMIT)
			scan->limit = MAX_LIMIT;
	}
	if (read_date(req, resp, "startdate", &scan->start) ||
	    read_date(req, resp, "enddate", &scan->end))
		return -1;
	scan->folder = param(req, "folder");
	if (!scan->folder)
		scan->folder = "Quarantine";
	rc = sim_store_folder_type(req->ctx->store, scan->folder, type, sizeof(type));
	if (rc < 0) {
		sim_respond_error(resp, 500, "the store failed to answer");
		return -1;
	}
	if (rc == 0) {
		sim_respond_error(resp, 400, "Invalid argument: folder: no folder '%s'",
				  scan->folder);
		return -1;
	}
	q->with_status = sim_quarantine_truthy(sim_param_get(req, "messagestatus"));
	v = sim_param_get(req, "dlpviolation");
	q->with_dlp = v && strcmp(v, "details") == 0;
	return 0;
}

void route_quarantine_get(const sim_request *req, sim_response *resp)
{
	struct qsearch q = { .pod = req->ctx->pod };
	sim_qscan scan = { .limit = DEFAULT_LIMIT, .start = INT64_MIN, .end = INT64_MAX };
	const char *guid = param(req, "guid");

	if (guid) {
		quarantine_download(req, resp, guid);
		return;
	}
	if (read_search(req, resp, &scan, &q))
		return;
	q.records = json_array();
	if (!q.records) {
		sim_respond_error(resp, 500, "out of memory");
		return;
	}
	if (scan.start <= scan.end &&
	    sim_store_scan_quarantine(req->ctx->store, &scan, qsearch_row, &q) < 0) {
		json_decref(q.records);
		sim_respond_error(resp, 500,
				  q.failed ? "out of memory" : "the store failed to answer");
		return;
	}
	sim_respond_json(resp, 200,
			 json_pack("{s:I, s:o, s:{s:I}}", "count",
				   (json_int_t)json_array_size(q.records), "records", q.records,
				   "meta", "limit", (json_int_t)scan.limit));
}
