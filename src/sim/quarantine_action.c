/*
 * POST /quarantine: reads and checks an action's body, then applies it to every message it
 * names in one transaction, all or nothing. The work on each message is quarantine_send.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "sim/quarantine.h"
#include "sim/sim.h"
#include "sim/store.h"
#include "util/buf.h"
#include "util/timeutil.h"

#include "util/banned.h"

#define MAX_LOCALGUIDS 1000

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
 * Checks the action's arguments (all but the messages it names) against the store. NULL when
 * they hold, or the argument to name in the 400 answer ("" for a failure of the store).
 */
static const char *check_action(sim_store *st, struct qaction *a, json_t *guids)
{
	static const char *const verbs[] = { "release", "resubmit", "forward", "move", "delete" };
	int known = 0;

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
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
		json_t *to = a->to ? sim_quarantine_split(a->to) : NULL;

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
	return NULL;
}

/*
 * The row ids of the messages named, into ids (room for every name), each once; their count
 * into *n. Every localguid (or GUID: Proofpoint on Demand names a message by it, and both
 * flavours accept it) must be in the folder before anything happens. NULL, or what apply()
 * returns.
 */
static const char *find_messages(sim_store *st, const struct qaction *a, json_t *guids,
				 int64_t *ids, size_t *n)
{
	struct qmsg_copy m = { 0 };
	size_t i;
	json_t *g;

	*n = 0;
	json_array_foreach(guids, i, g)
	{
		int rc = sim_store_quarantine_lookup(st, json_string_value(g), sim_qmsg_copy_row,
						     &m);
		int here = rc == 1 && strcmp(m.folder, a->folder) == 0;
		int dup = 0;

		for (size_t k = 0; here && k < *n; k++)
			dup |= ids[k] == m.id;
		if (here && !dup)
			ids[(*n)++] = m.id;
		sim_qmsg_copy_release(&m);
		if (rc < 0 || !here)
			return rc < 0 ? "" : "localguid";
	}
	return NULL;
}

/*
 * Checks and applies an action inside the caller's transaction. Returns NULL on success, or
 * the argument to name in the 400 answer ("" for a failure of the store). A message named
 * twice is acted on once.
 */
static const char *apply(sim_store *st, struct qaction *a, json_t *guids)
{
	struct qmsg_copy m = { 0 };
	const char *bad = check_action(st, a, guids);
	size_t n = 0;
	int64_t *ids;

	if (bad)
		return bad;
	ids = calloc(json_array_size(guids) + 1, sizeof(*ids));
	if (!ids)
		return "";
	bad = find_messages(st, a, guids, ids, &n);
	for (size_t i = 0; !bad && i < n; i++) {
		if (sim_store_quarantine_by_id(st, ids[i], sim_qmsg_copy_row, &m) != 1 ||
		    sim_quarantine_act(st, a, &m) < 0)
			bad = "";
		sim_qmsg_copy_release(&m);
	}
	free(ids);
	if (bad)
		return bad;
	return n ? NULL : "localguid";
}

/* The distinct localguids of a comma list, in order; NULL when there is none. */
static json_t *split_guids(const char *list)
{
	json_t *all = list ? sim_quarantine_split(list) : NULL, *out;
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

/* The answer to an action carried out: it repeats the localguids as given, however many there
 * are. */
static void answer_done(sim_response *resp, const struct qaction *a)
{
	ppsbuf answer = PPSBUF_INIT;

	if (strcmp(a->action, "move") == 0 || strcmp(a->action, "delete") == 0) {
		if (ppsbuf_addf(&answer, "Successfully %s message %s",
				strcmp(a->action, "move") == 0 ? "moved" : "deleted",
				a->localguid) < 0)
			sim_respond_error(resp, 500, "out of memory");
		else
			sim_respond_json(resp, 200, json_pack("{s:s}", "status", answer.buf));
	} else {
		if (ppsbuf_addf(&answer, "Request sent. Message %s will be %s momentarily",
				a->localguid,
				strcmp(a->action, "release") == 0    ? "released"
				: strcmp(a->action, "resubmit") == 0 ? "resubmitted"
								     : "forwarded") < 0)
			sim_respond_error(resp, 500, "out of memory");
		else
			sim_respond_text(resp, 202, answer.buf);
	}
	ppsbuf_release(&answer);
}

void route_quarantine_post(const sim_request *req, sim_response *resp)
{
	sim_store *st = req->ctx->store;
	struct qaction a = { 0 };
	json_error_t jerr;
	json_t *body, *guids = NULL;
	const char *bad = NULL;
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
	answer_done(resp, &a);
done:
	json_decref(guids);
	json_decref(body);
}
