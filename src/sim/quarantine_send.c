/*
 * What an action does to one quarantined message: moves or deletes it, or sends it on (one
 * outbox entry and one new Smart Search record) and notes it in its status. No SQL here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <jansson.h>

#include "sim/quarantine.h"
#include "sim/record.h"
#include "sim/store.h"
#include "util/buf.h"

#include "util/banned.h"

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
		to = sim_quarantine_split(a->to);
		if (a->from)
			sender = a->from;
		if (a->subject && sim_quarantine_truthy(a->appendoldsubject)) {
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
	    json_object_set_new(entry, "scan", json_boolean(sim_quarantine_truthy(a->scan))) ||
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

int sim_quarantine_act(sim_store *st, const struct qaction *a, struct qmsg_copy *m)
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
