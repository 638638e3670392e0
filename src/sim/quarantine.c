/*
 * /quarantine: search, raw download and the actions (release, resubmit, forward, move, delete),
 * and the outbox that records what the actions sent. No SQL here; an action is all or nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <jansson.h>

#include "sim/match.h"
#include "sim/record.h"
#include "sim/sim.h"
#include "sim/store.h"
#include "util/buf.h"
#include "util/timeutil.h"

#include "util/banned.h"

#define DEFAULT_LIMIT  100
#define MAX_LIMIT      1000
#define MAX_LOCALGUIDS 1000

/* ---------------------------------------------------------------- search and download */

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

/* The recipients as the store keeps them (one a line) as a JSON array; NULL when out of memory. */
static json_t *rcpt_array(const char *lines)
{
	json_t *arr = json_array();
	const char *p = lines;

	while (arr && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (json_array_append_new(arr, json_stringn(p, n)) < 0) {
			json_decref(arr);
			return NULL;
		}
		p += n;
		if (*p)
			p++;
	}
	return arr;
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
	json_t *rcpts = rcpt_array(r->rcpts), *rec = NULL;
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

static int truthy(const char *v)
{
	return v && (strcmp(v, "t") == 0 || strcmp(v, "true") == 0);
}

void route_quarantine_get(const sim_request *req, sim_response *resp)
{
	struct qsearch q = { .pod = req->ctx->pod };
	sim_qscan scan = { .limit = DEFAULT_LIMIT };
	int64_t start = INT64_MIN, end = INT64_MAX;
	const char *v, *folder;
	char type[16];
	int rc;

	v = param(req, "guid");
	if (v) {
		quarantine_download(req, resp, v);
		return;
	}
	scan.from = param(req, "from");
	scan.rcpt = param(req, "rcpt");
	scan.subject = param(req, "subject");
	if (!scan.from && !scan.rcpt && !scan.subject) {
		sim_respond_error(resp, 400,
				  "At least one of the following parameters must be specified:"
				  " from, rcpt, subject");
		return;
	}
	v = sim_param_get(req, "limit");
	if (v) {
		char *e;

		errno = 0;
		scan.limit = strtol(v, &e, 10);
		if (!*v || *e || errno || scan.limit <= 0) {
			sim_respond_error(resp, 400,
					  "Invalid argument: limit: '%s' is not a positive integer",
					  v);
			return;
		}
		if (scan.limit > MAX_LIMIT)
			scan.limit = MAX_LIMIT;
	}
	v = sim_param_get(req, "startdate");
	if (v && sim_parse_when(v, &start) < 0) {
		sim_respond_error(resp, 400,
				  "Invalid argument: startdate: '%s' is not YYYY-MM-DD hh:mm:ss",
				  v);
		return;
	}
	v = sim_param_get(req, "enddate");
	if (v && sim_parse_when(v, &end) < 0) {
		sim_respond_error(resp, 400,
				  "Invalid argument: enddate: '%s' is not YYYY-MM-DD hh:mm:ss", v);
		return;
	}
	folder = param(req, "folder");
	if (!folder)
		folder = "Quarantine";
	rc = sim_store_folder_type(req->ctx->store, folder, type, sizeof(type));
	if (rc < 0) {
		sim_respond_error(resp, 500, "the store failed to answer");
		return;
	}
	if (rc == 0) {
		sim_respond_error(resp, 400, "Invalid argument: folder: no folder '%s'", folder);
		return;
	}
	q.with_status = truthy(sim_param_get(req, "messagestatus"));
	v = sim_param_get(req, "dlpviolation");
	q.with_dlp = v && strcmp(v, "details") == 0;
	q.records = json_array();
	if (!q.records) {
		sim_respond_error(resp, 500, "out of memory");
		return;
	}
	scan.folder = folder;
	scan.start = start;
	scan.end = end;
	if (start <= end &&
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

/* ---------------------------------------------------------------- actions */

/* The body of a POST /quarantine, checked; strings borrowed from the parsed body. */
struct qaction {
	const char *action;
	const char *folder;
	const char *localguid;
	const char *scan;
	const char *brandtemplate;
	const char *securitypolicy;
	const char *deletedfolder;
	const char *targetfolder;
	const char *subject;
	const char *appendoldsubject;
	const char *from;
	const char *headerfrom;
	const char *to;
	const char *comment;
	char folder_type[16];
	const char *user;
	int64_t now;
	char now_text[32];
};

/* A copy of a quarantined message for the action (the row's strings die with the callback). */
struct qmsg_copy {
	int64_t id;
	char *guid;
	char *localguid;
	char *folder;
	char *folder_type;
	char *from;
	char *subject;
	char *messageid;
	char *host_ip;
	char *spamscore;
	json_t *rcpts;
	json_t *status;
	int64_t size;
};

static void qmsg_copy_release(struct qmsg_copy *m)
{
	free(m->guid);
	free(m->localguid);
	free(m->folder);
	free(m->folder_type);
	free(m->from);
	free(m->subject);
	free(m->messageid);
	free(m->host_ip);
	free(m->spamscore);
	json_decref(m->rcpts);
	json_decref(m->status);
	memset(m, 0, sizeof(*m));
}

static int copy_row(void *arg, const sim_qrow *r)
{
	struct qmsg_copy *m = arg;

	m->id = r->id;
	m->size = r->size;
	m->guid = strdup(r->guid);
	m->localguid = strdup(r->localguid);
	m->folder = strdup(r->folder);
	m->folder_type = strdup(r->folder_type);
	m->from = strdup(r->from);
	m->subject = strdup(r->subject);
	m->messageid = strdup(r->messageid);
	m->host_ip = strdup(r->host_ip);
	m->spamscore = strdup(r->spamscore);
	m->rcpts = rcpt_array(r->rcpts);
	m->status = json_loads(r->status, 0, NULL);
	if (!json_is_array(m->status)) {
		json_decref(m->status);
		m->status = json_array();
	}
	return m->guid && m->localguid && m->folder && m->folder_type && m->from && m->subject &&
			       m->messageid && m->host_ip && m->spamscore && m->rcpts && m->status
		       ? 1
		       : -1;
}

/* Random identifiers in the alphabet of PPS GUIDs. */
static int random_id(char *buf, size_t n)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char rnd[64];

	if (n == 0 || n - 1 > sizeof(rnd) || gnutls_rnd(GNUTLS_RND_NONCE, rnd, n - 1) < 0)
		return -1;
	for (size_t i = 0; i + 1 < n; i++)
		buf[i] = alphabet[rnd[i] % 64];
	buf[n - 1] = '\0';
	return 0;
}

/* A comma list of JSON strings, e.g. the Recipients of a Smart Search record; malloc'd. */
static char *join_list(const json_t *arr)
{
	ppsbuf b = PPSBUF_INIT;
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		if ((b.len && ppsbuf_addch(&b, ',') < 0) ||
		    ppsbuf_adds(&b, json_string_value(v) ? json_string_value(v) : "") < 0) {
			ppsbuf_release(&b);
			return NULL;
		}
	}
	return ppsbuf_detach(&b, NULL);
}

/* The Smart Search record of a message the quarantine sent on. */
static int add_sent_record(sim_store *st, const struct qaction *a, const struct qmsg_copy *m,
			   const char *sender, const json_t *to, const char *subject, char *guid,
			   size_t guidlen)
{
	char date[64], qid[15], sid[11], size[32];
	char *rcpts = join_list(to);
	json_t *rec = NULL;
	int rc = -1;

	if (!rcpts || random_id(guid, guidlen) < 0 || random_id(qid, sizeof(qid)) < 0 ||
	    random_id(sid, sizeof(sid)) < 0)
		goto done;
	snprintf(date, sizeof(date), "%s [UTC+0000]", a->now_text);
	snprintf(size, sizeof(size), "%lld", (long long)m->size);
	rec = sim_record_new();
	if (!rec)
		goto done;
	{
		/* The fields that are not empty; every other one stays "". */
		const struct {
			enum sim_field f;
			const char *v;
		} set[] = {
			{ SIM_F_DISPOSITION_ACTION, a->action },
			{ SIM_F_RECIPIENTS, rcpts },
			{ SIM_F_GUID, guid },
			{ SIM_F_DATE, date },
			{ SIM_F_SENDER_HOST, "localhost" },
			{ SIM_F_MODULE_ID, "quarantine" },
			{ SIM_F_SENDER_IP_ADDRESS, "127.0.0.1" },
			{ SIM_F_QUARANTINE_FOLDER, m->folder },
			{ SIM_F_QID, qid },
			{ SIM_F_DURATION, "0.0" },
			{ SIM_F_SPAM_SCORE, m->spamscore },
			{ SIM_F_COUNTRY, "**" },
			{ SIM_F_FID, m->guid },
			{ SIM_F_FQIN, "pps-sim" },
			{ SIM_F_AGENT, "pps-sim" },
			{ SIM_F_SUBJECT, subject },
			{ SIM_F_SENDMAIL_TO, rcpts },
			{ SIM_F_SENDMAIL_STAT, "Sent" },
			{ SIM_F_SID, sid },
			{ SIM_F_MESSAGE_ID, m->messageid },
			{ SIM_F_FINAL_ACTION, "accept" },
			{ SIM_F_SENDER, sender },
			{ SIM_F_MESSAGE_SIZE, size },
		};

		for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
			if (json_object_set_new(rec, sim_record_fields[set[i].f],
						json_string(set[i].v ? set[i].v : "")) < 0)
				goto done;
		if (json_object_set_new(rec, sim_record_fields[SIM_F_MODULE_RULES],
					json_pack("[s]", "quarantine")) < 0)
			goto done;
	}
	rc = sim_record_add(st, rec, a->now);
done:
	json_decref(rec);
	free(rcpts);
	return rc;
}

/* Splits a comma list into a JSON array of trimmed, non-empty strings; NULL when empty. */
static json_t *split_list(const char *list)
{
	json_t *arr = json_array();
	const char *p = list;

	if (!arr)
		return NULL;
	while (*p) {
		const char *start, *end, *comma = strchr(p, ',');

		end = comma ? comma : p + strlen(p);
		start = p;
		while (start < end && (*start == ' ' || *start == '\t'))
			start++;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end > start &&
		    json_array_append_new(arr, json_stringn(start, (size_t)(end - start))) < 0)
			goto fail;
		p = comma ? comma + 1 : p + strlen(p);
	}
	if (json_array_size(arr) == 0)
		goto fail;
	return arr;
fail:
	json_decref(arr);
	return NULL;
}

static int append_status(sim_store *st, const struct qaction *a, struct qmsg_copy *m,
			 const char *desc, int code)
{
	json_t *entry = json_pack("{s:s, s:s, s:I, s:s, s:s, s:i}", "user", a->user, "comment",
				  a->comment ? a->comment : "", "id",
				  (json_int_t)json_array_size(m->status), "date", a->now_text,
				  "statusdesc", desc, "status", code);
	char *text;
	int rc;

	if (!entry || json_array_append_new(m->status, entry) < 0)
		return -1;
	text = json_dumps(m->status, JSON_COMPACT);
	if (!text)
		return -1;
	rc = sim_store_quarantine_set_status(st, m->id, text);
	free(text);
	return rc;
}

/* Sends a message on: one outbox entry and one new Smart Search record. */
static int send_on(sim_store *st, const struct qaction *a, struct qmsg_copy *m)
{
	const char *sender = m->from, *subject = m->subject;
	json_t *to = NULL, *entry = NULL;
	char *fwd_subject = NULL, *text = NULL, newguid[33];
	int rc = -1;

	if (strcmp(a->action, "forward") == 0) {
		to = split_list(a->to);
		if (a->from)
			sender = a->from;
		if (a->subject && truthy(a->appendoldsubject)) {
			size_t n = strlen(a->subject) + strlen(m->subject) + 2;

			fwd_subject = malloc(n);
			if (!fwd_subject)
				goto done;
			snprintf(fwd_subject, n, "%s %s", a->subject, m->subject);
			subject = fwd_subject;
		} else if (a->subject) {
			subject = a->subject;
		}
	} else {
		to = json_deep_copy(m->rcpts);
	}
	if (!to || add_sent_record(st, a, m, sender, to, subject, newguid, sizeof(newguid)) < 0)
		goto done;
	entry = json_pack("{s:s, s:s, s:s, s:O, s:s, s:s, s:s, s:s, s:s}", "action", a->action,
			  "localguid", m->localguid, "guid", m->guid, "to", to, "from", sender,
			  "subject", subject, "date", a->now_text, "folder", m->folder,
			  "smartsearch_guid", newguid);
	if (!entry)
		goto done;
	if ((a->headerfrom &&
	     json_object_set_new(entry, "headerfrom", json_string(a->headerfrom))) ||
	    (a->comment && json_object_set_new(entry, "comment", json_string(a->comment))) ||
	    json_object_set_new(entry, "scan", json_boolean(truthy(a->scan))) ||
	    (a->brandtemplate &&
	     json_object_set_new(entry, "brandtemplate", json_string(a->brandtemplate))) ||
	    (a->securitypolicy &&
	     json_object_set_new(entry, "securitypolicy", json_string(a->securitypolicy))))
		goto done;
	text = json_dumps(entry, JSON_COMPACT);
	rc = text ? sim_store_outbox_add(st, text, NULL) : -1;
done:
	free(text);
	json_decref(entry);
	json_decref(to);
	free(fwd_subject);
	return rc;
}

/* Carries out the action on one message. 0 or -1. */
static int act_on(sim_store *st, const struct qaction *a, struct qmsg_copy *m)
{
	const char *act = a->action;

	if (strcmp(act, "move") == 0)
		return sim_store_quarantine_move(st, m->id, a->targetfolder);
	if (strcmp(act, "delete") == 0)
		return a->deletedfolder ? sim_store_quarantine_move(st, m->id, a->deletedfolder)
					: sim_store_quarantine_delete(st, m->id);
	if (send_on(st, a, m) < 0)
		return -1;
	if (strcmp(act, "resubmit") == 0)
		return sim_store_quarantine_delete(st, m->id);
	if (append_status(st, a, m, strcmp(act, "release") == 0 ? "Released" : "Forwarded",
			  strcmp(act, "release") == 0 ? 1 : 2) < 0)
		return -1;
	if (a->deletedfolder)
		return sim_store_quarantine_move(st, m->id, a->deletedfolder);
	return 0;
}

/* Reads the string members of the body; NULL for absent and null. 0, or -1 naming the key. */
static int read_body(const json_t *body, struct qaction *a, const char **bad)
{
	static const char *const keys[] = {
		"action",	  "folder",	   "localguid",	   "scan",    "brandtemplate",
		"securitypolicy", "deletedfolder", "targetfolder", "subject", "appendoldsubject",
		"from",		  "headerfrom",	   "to",	   "comment"
	};
	const char **slots[] = { &a->action,
				 &a->folder,
				 &a->localguid,
				 &a->scan,
				 &a->brandtemplate,
				 &a->securitypolicy,
				 &a->deletedfolder,
				 &a->targetfolder,
				 &a->subject,
				 &a->appendoldsubject,
				 &a->from,
				 &a->headerfrom,
				 &a->to,
				 &a->comment };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const json_t *v = json_object_get(body, keys[i]);

		*slots[i] = NULL;
		if (!v || json_is_null(v))
			continue;
		if (!json_is_string(v)) {
			*bad = keys[i];
			return -1;
		}
		*slots[i] = json_string_value(v);
	}
	return 0;
}

static int valid_flag(const char *v)
{
	return !v || strcmp(v, "t") == 0 || strcmp(v, "f") == 0 || strcmp(v, "true") == 0 ||
	       strcmp(v, "false") == 0;
}

/* A destination folder: it must exist and hold the source folder's type. */
static int valid_destination(sim_store *st, const char *name, const char *type)
{
	char t[16];

	return name && sim_store_folder_type(st, name, t, sizeof(t)) == 1 && strcmp(t, type) == 0;
}

/*
 * Checks and applies an action inside the caller's transaction. Returns NULL on success, or
 * the argument to name in the 400 answer ("" for a failure of the store).
 */
static const char *apply(sim_store *st, struct qaction *a, json_t *guids)
{
	static const char *const verbs[] = { "release", "resubmit", "forward", "move", "delete" };
	struct qmsg_copy m = { 0 };
	size_t i, n = 0;
	int64_t *ids;
	json_t *g;
	int known = 0;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		known |= a->action && strcmp(a->action, verbs[i]) == 0;
	if (!known)
		return "action";
	if (!a->folder || !*a->folder)
		return "folder";
	switch (sim_store_folder_type(st, a->folder, a->folder_type, sizeof(a->folder_type))) {
	case 1:
		break;
	case 0:
		return "folder";
	default:
		return "";
	}
	if (!guids || json_array_size(guids) > MAX_LOCALGUIDS)
		return "localguid";
	if (!valid_flag(a->scan))
		return "scan";
	if (!valid_flag(a->appendoldsubject))
		return "appendoldsubject";
	if (strcmp(a->action, "forward") == 0) {
		json_t *to = a->to ? split_list(a->to) : NULL;

		if (!to)
			return "to";
		json_decref(to);
	}
	if (strcmp(a->action, "move") == 0 &&
	    !valid_destination(st, a->targetfolder, a->folder_type))
		return "targetfolder";
	if (a->deletedfolder && strcmp(a->action, "resubmit") != 0 &&
	    strcmp(a->action, "move") != 0 &&
	    !valid_destination(st, a->deletedfolder, a->folder_type))
		return "deletedfolder";
	if (a->deletedfolder &&
	    (strcmp(a->action, "resubmit") == 0 || strcmp(a->action, "move") == 0))
		a->deletedfolder = NULL;
	/*
	 * Every localguid (or GUID: Proofpoint on Demand names a message by it, and both flavours
	 * accept it) must be in the folder before anything happens; a message named twice is
	 * acted on once.
	 */
	ids = calloc(json_array_size(guids) + 1, sizeof(*ids));
	if (!ids)
		return "";
	json_array_foreach(guids, i, g)
	{
		int rc = sim_store_quarantine_lookup(st, json_string_value(g), copy_row, &m);
		int here = rc == 1 && strcmp(m.folder, a->folder) == 0;
		int dup = 0;

		for (size_t k = 0; here && k < n; k++)
			dup |= ids[k] == m.id;
		if (here && !dup)
			ids[n++] = m.id;
		qmsg_copy_release(&m);
		if (rc < 0 || !here) {
			free(ids);
			return rc < 0 ? "" : "localguid";
		}
	}
	for (i = 0; i < n; i++) {
		if (sim_store_quarantine_by_id(st, ids[i], copy_row, &m) != 1 ||
		    act_on(st, a, &m) < 0) {
			qmsg_copy_release(&m);
			free(ids);
			return "";
		}
		qmsg_copy_release(&m);
	}
	free(ids);
	return n ? NULL : "localguid";
}

/* The distinct localguids of a comma list, in order; NULL when there is none. */
static json_t *split_guids(const char *list)
{
	json_t *all = list ? split_list(list) : NULL, *out;
	size_t i, j;

	if (!all)
		return NULL;
	out = json_array();
	for (i = 0; out && i < json_array_size(all); i++) {
		const char *gi = json_string_value(json_array_get(all, i));
		int dup = 0;

		for (j = 0; j < json_array_size(out); j++)
			dup |= strcmp(gi, json_string_value(json_array_get(out, j))) == 0;
		if (!dup && json_array_append(out, json_array_get(all, i)) < 0) {
			json_decref(out);
			out = NULL;
		}
	}
	json_decref(all);
	return out;
}

void route_quarantine_post(const sim_request *req, sim_response *resp)
{
	sim_store *st = req->ctx->store;
	struct qaction a = { 0 };
	json_error_t jerr;
	json_t *body, *guids = NULL;
	const char *bad = NULL;
	ppsbuf answer = PPSBUF_INIT;
	char text[64];

	body = json_loadb(req->body ? req->body : "", req->body_len, 0, &jerr);
	if (!body) {
		sim_respond_error(resp, 400, "invalid JSON body: %s", jerr.text);
		return;
	}
	if (!json_is_object(body)) {
		sim_respond_error(resp, 400, "invalid JSON body: expected an object");
		goto done;
	}
	if (read_body(body, &a, &bad) < 0) {
		sim_respond_error(resp, 400, "Invalid argument: %s: expected a string", bad);
		goto done;
	}
	a.user = req->account ? req->account->name : "";
	a.now = (int64_t)time(NULL);
	if (tu_format_utc(a.now, a.now_text, sizeof(a.now_text)) < 0) {
		sim_respond_error(resp, 500, "cannot format the time");
		goto done;
	}
	guids = split_guids(a.localguid);
	if (sim_store_begin(st) < 0) {
		sim_respond_error(resp, 500, "the store is busy");
		goto done;
	}
	bad = apply(st, &a, guids);
	if (bad || sim_store_commit(st) < 0) {
		sim_store_rollback(st);
		if (bad && *bad) {
			snprintf(text, sizeof(text), "Invalid argument: %s", bad);
			sim_respond_text(resp, 400, text);
		} else {
			sim_respond_error(resp, 500, "the store failed to carry out the action");
		}
		goto done;
	}
	/* The answer repeats the localguids as given, however many there are. */
	if (strcmp(a.action, "move") == 0 || strcmp(a.action, "delete") == 0) {
		if (ppsbuf_addf(&answer, "Successfully %s message %s",
				strcmp(a.action, "move") == 0 ? "moved" : "deleted",
				a.localguid) < 0)
			sim_respond_error(resp, 500, "out of memory");
		else
			sim_respond_json(resp, 200, json_pack("{s:s}", "status", answer.buf));
	} else {
		if (ppsbuf_addf(&answer, "Request sent. Message %s will be %s momentarily",
				a.localguid,
				strcmp(a.action, "release") == 0    ? "released"
				: strcmp(a.action, "resubmit") == 0 ? "resubmitted"
								    : "forwarded") < 0)
			sim_respond_error(resp, 500, "out of memory");
		else
			sim_respond_text(resp, 202, answer.buf);
	}
done:
	ppsbuf_release(&answer);
	json_decref(guids);
	json_decref(body);
}

/* ---------------------------------------------------------------- outbox */

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
