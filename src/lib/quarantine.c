/*
 * The quarantine operations: search and raw download (GET /quarantine) and the actions
 * (POST /quarantine), with the wire names of spec §3-§5. No transport here and nothing printed.
 */
#include "lib/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/banned.h"

/* A flag on the wire: "t" or "f", NULL when unset. */
static const char *flag(pps_flag f)
{
	return f == PPS_FLAG_TRUE ? "t" : f == PPS_FLAG_FALSE ? "f" : NULL;
}

/* Room for a message of a whole response line; longer texts are cut on a character. */
#define ACTION_MESSAGE_MAX 4096

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

int pps__quarantine_check_record(pps_client *c, const json_t *rec, size_t index)
{
	static const char *const numeric[] = { "size", "spamscore" };

	for (size_t k = 0; k < sizeof(numeric) / sizeof(numeric[0]); k++) {
		const json_t *v = json_object_get(rec, numeric[k]);

		/* Recorded on-premise data has strings, the cloud numbers: both are fine. */
		if (json_is_object(v) || json_is_array(v))
			return pps__error_set(c, PPS_EPROTO, c->last_status,
					      "record %zu: '%s' is neither a string nor a number",
					      index, numeric[k]);
	}
	return PPS_OK;
}

int pps_quarantine_search_each(pps_client *c, const pps_quarantine_search_req *req,
			       const pps_visitor *v)
{
	pps__query q = { 0 };
	char start[32], end[32], limit[24];

	pps__error_reset(c);
	if (!req)
		return pps__error_set(c, PPS_EUSAGE, 0, "no request");
	if (pps__version_check(c, "pps_quarantine_search_req", req->version,
			       PPS_QUARANTINE_SEARCH_REQ_VERSION))
		return PPS_EUSAGE;
	if (!nonempty(req->sender) && !nonempty(req->recipient) && !nonempty(req->subject))
		return pps__error_set(
			c, PPS_EUSAGE, 0,
			"a quarantine search needs a sender, a recipient or a subject");
	if (!req->start.set || !req->end.set)
		return pps__error_set(c, PPS_EUSAGE, 0, "a start and an end time are required");
	if (req->limit < 0)
		return pps__error_set(c, PPS_EUSAGE, 0, "invalid limit %ld: must be positive",
				      req->limit);
	if (pps_time_format_quarantine(&req->start, start, sizeof(start)) < 0)
		return pps__error_set(c, PPS_EUSAGE, 0, "start time is out of range");
	if (pps_time_format_quarantine(&req->end, end, sizeof(end)) < 0)
		return pps__error_set(c, PPS_EUSAGE, 0, "end time is out of range");
	snprintf(limit, sizeof(limit), "%ld", req->limit ? req->limit : 100L);
	pps__query_add(&q, "from", nonempty(req->sender));
	pps__query_add(&q, "rcpt", nonempty(req->recipient));
	pps__query_add(&q, "subject", nonempty(req->subject));
	pps__query_add(&q, "startdate", start);
	pps__query_add(&q, "enddate", end);
	pps__query_add(&q, "folder", nonempty(req->folder) ? req->folder : "Quarantine");
	pps__query_add(&q, "dlpviolation", "details");
	pps__query_add(&q, "messagestatus", "t");
	pps__query_add(&q, "limit", limit);
	return pps__search_each(c, pps__op_path(PPS_OP_QUARANTINE_SEARCH), &q, "records",
				(size_t)(req->limit ? req->limit : 100L),
				pps__quarantine_check_record, v);
}

static int each(pps_client *c, const void *req, const pps_visitor *v)
{
	return pps_quarantine_search_each(c, req, v);
}

int pps_quarantine_search(pps_response **out, pps_client *c, const pps_quarantine_search_req *req)
{
	return pps__search_buffered(out, c, req, each);
}

int pps_quarantine_download(pps_response **out, pps_client *c, const char *guid)
{
	pps__query q = { 0 };
	pps__answer a = PPS__ANSWER_INIT;
	int ret;

	*out = NULL;
	pps__error_reset(c);
	if (!nonempty(guid))
		return pps__error_set(c, PPS_EUSAGE, 0, "a guid is required");
	/* Only the guid: the server ignores a folder here (spec §4). The body stays raw. */
	pps__query_add(&q, "guid", guid);
	ret = pps__http_send(c, "GET", pps__op_path(PPS_OP_QUARANTINE_DOWNLOAD), &q, NULL, NULL,
			     &a);
	if (ret == PPS__NOT_SENT)
		ret = pps__response_empty(c, out);
	else if (ret == PPS_OK)
		ret = pps__response_from_answer(c, &a, out);
	pps__answer_release(&a);
	return ret;
}

const char *pps_qaction_name(pps_qaction action)
{
	switch (action) {
	case PPS_QA_RELEASE:
		return "release";
	case PPS_QA_RESUBMIT:
		return "resubmit";
	case PPS_QA_FORWARD:
		return "forward";
	case PPS_QA_MOVE:
		return "move";
	case PPS_QA_DELETE:
		return "delete";
	default:
		return NULL;
	}
}

int pps__quarantine_action_body(pps_client *c, const pps_quarantine_action_req *req, json_t **out)
{
	const char *name;
	json_t *body = NULL;
	int ret = PPS_OK;
	/* Spec §5's key order after action, folder and localguid; unset keys are left out. */
	const struct {
		const char *key;
		const char *value;
	} keys[] = {
		{ "action", NULL },
		{ "folder", req->folder },
		{ "localguid", req->localguid },
		{ "scan", flag(req->scan) },
		{ "brandtemplate", req->brandtemplate },
		{ "securitypolicy", req->securitypolicy },
		{ "deletedfolder", req->deletedfolder },
		{ "targetfolder", req->targetfolder },
		{ "subject", req->subject },
		{ "appendoldsubject", flag(req->appendoldsubject) },
		{ "from", req->envelope_from },
		{ "headerfrom", req->header_from },
		{ "to", req->to },
		{ "comment", req->comment },
	};

	*out = NULL;
	if (pps__version_check(c, "pps_quarantine_action_req", req->version,
			       PPS_QUARANTINE_ACTION_REQ_VERSION))
		return PPS_EUSAGE;
	name = pps_qaction_name(req->action);
	if (!name)
		return pps__error_set(c, PPS_EUSAGE, 0, "unknown quarantine action %d",
				      (int)req->action);
	if (!nonempty(req->folder))
		return pps__error_set(c, PPS_EUSAGE, 0, "a folder is required to %s", name);
	if (!nonempty(req->localguid))
		return pps__error_set(c, PPS_EUSAGE, 0, "a local guid is required to %s", name);
	if (req->action == PPS_QA_MOVE && !nonempty(req->targetfolder))
		return pps__error_set(c, PPS_EUSAGE, 0, "a target folder is required to move");
	if (req->action == PPS_QA_FORWARD && !nonempty(req->to))
		return pps__error_set(c, PPS_EUSAGE, 0, "a recipient is required to forward");
	body = json_object();
	if (!body)
		return pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = i == 0 ? name : keys[i].value;
		json_t *s;

		if (!v)
			continue;
		s = json_string(v);
		if (!s) {
			/* jansson refuses invalid UTF-8; with valid input only memory is missing. */
			ret = pps__error_set(c, PPS_EUSAGE, 0, "%s is not valid UTF-8",
					     keys[i].key);
			goto done;
		}
		if (json_object_set_new(body, keys[i].key, s) < 0) {
			ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
			goto done;
		}
	}
	*out = body;
	body = NULL;
done:
	json_decref(body);
	return ret;
}

char *pps__quarantine_action_message(pps_qaction action, const char *localguid,
				     const pps_response *resp)
{
	const char *ids = localguid ? localguid : "";
	char *text;
	char buf[ACTION_MESSAGE_MAX];

	if (json_is_object(resp->json)) {
		const json_t *status = json_object_get(resp->json, "status");

		if (json_is_string(status)) {
			text = pps__error_first_line(json_string_value(status),
						     json_string_length(status),
						     ACTION_MESSAGE_MAX);
			if (text)
				return text;
		}
	} else if (!resp->json && resp->body) {
		text = pps__error_first_line(resp->body, resp->body_len, ACTION_MESSAGE_MAX);
		if (text)
			return text;
	}
	switch (action) {
	case PPS_QA_MOVE:
		snprintf(buf, sizeof(buf), "Successfully moved message %s", ids);
		break;
	case PPS_QA_DELETE:
		snprintf(buf, sizeof(buf), "Successfully deleted message %s", ids);
		break;
	case PPS_QA_RESUBMIT:
		snprintf(buf, sizeof(buf),
			 "Request sent. Message %s will be resubmitted momentarily", ids);
		break;
	case PPS_QA_FORWARD:
		snprintf(buf, sizeof(buf), "Request sent. Message %s will be forwarded momentarily",
			 ids);
		break;
	case PPS_QA_RELEASE:
	default:
		snprintf(buf, sizeof(buf), "Request sent. Message %s will be released momentarily",
			 ids);
		break;
	}
	return strdup(buf);
}

/* A body that says it is JSON, or looks like an object, is read as JSON; else it is text. */
static int looks_like_json(const pps_response *resp)
{
	size_t i = 0;

	if (resp->content_type && strstr(resp->content_type, "json"))
		return 1;
	while (i < resp->body_len && (resp->body[i] == ' ' || resp->body[i] == '\n' ||
				      resp->body[i] == '\r' || resp->body[i] == '\t'))
		i++;
	return i < resp->body_len && resp->body[i] == '{';
}

/* Names the action whose answer was lost in the handle's message; returns PPS_EUNKNOWN. */
static int unknown_outcome(pps_client *c, const pps_quarantine_action_req *req)
{
	const char *name = pps_qaction_name(req->action);
	const char *ids = req->localguid;
	const char *comma = strchr(ids, ',');
	size_t n = 1;
	char what[160];

	for (const char *p = ids; (p = strchr(p, ',')); p++)
		n++;
	if (!comma)
		snprintf(what, sizeof(what), "the %s of %.100s", name, ids);
	else
		snprintf(what, sizeof(what), "the %s of %zu messages (%.*s, ...)", name, n,
			 (int)(comma - ids < 60 ? comma - ids : 60), ids);
	return pps__error_unknown(c, c->err.http_status, what);
}

int pps_quarantine_action(pps_response **out, pps_client *c, const pps_quarantine_action_req *req)
{
	json_t *body = NULL;
	char *text = NULL;
	pps_response *resp = NULL;
	pps__answer a = PPS__ANSWER_INIT;
	int ret;

	*out = NULL;
	pps__error_reset(c);
	if (!req)
		return pps__error_set(c, PPS_EUSAGE, 0, "no action request given");
	ret = pps__quarantine_action_body(c, req, &body);
	if (ret < 0)
		goto done;
	text = json_dumps(body, JSON_COMPACT);
	if (!text) {
		ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
		goto done;
	}
	/* POST: http.c never repeats it once it may have reached the server. */
	ret = pps__http_send(c, "POST", pps__op_path(PPS_OP_QUARANTINE_ACTION), NULL, text, NULL,
			     &a);
	if (ret == PPS_EUNKNOWN) {
		ret = unknown_outcome(c, req);
		goto done;
	}
	if (ret == PPS__NOT_SENT) {
		ret = pps__response_empty(c, out);
		goto done;
	}
	if (ret < 0)
		goto done;
	ret = pps__response_from_answer(c, &a, &resp);
	if (ret < 0)
		goto done;
	/*
	 * The action has happened: an odd body must not turn it into a failure, so JSON that
	 * does not parse is read as text.
	 */
	if (resp->body_len > 0 && looks_like_json(resp))
		resp->json = json_loadb(resp->body, resp->body_len, 0, NULL);
	resp->message = pps__quarantine_action_message(req->action, req->localguid, resp);
	if (!resp->message) {
		ret = pps__error_set(c, PPS_ENOMEM, resp->status, "out of memory");
		goto done;
	}
	*out = resp;
	resp = NULL;
done:
	pps__answer_release(&a);
	pps_response_free(resp);
	free(text);
	json_decref(body);
	return ret;
}
