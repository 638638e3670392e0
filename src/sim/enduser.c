/*
 * /enduser/{email-or-uid}: get, create, modify and delete end-user profiles. Errors use the
 * server's {"status":N,"errors":{"invalidarguments":[{"error":...}]}} shape. No SQL here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "sim/record.h"
#include "sim/sim.h"
#include "sim/store.h"
#include "sim/text.h"
#include "util/timeutil.h"

#include "util/banned.h"

/*
 * The message is scrubbed to valid UTF-8 first: one cut to fit a buffer may end inside a
 * character, and a JSON parser's message may quote raw bytes; either made json_pack fail and
 * the answer a 500.
 */
static void user_error(sim_response *resp, int status, const char *msg)
{
	char *text = sim_utf8_scrub(msg, strlen(msg));

	sim_respond_json(resp, status,
			 text ? json_pack("{s:i, s:{s:[{s:s}]}}", "status", status, "errors",
					  "invalidarguments", "error", text)
			      : NULL);
	free(text);
}

/* user_error with a message naming a value. */
static void user_error_about(sim_response *resp, const char *what, const char *value)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s%s", what, value);
	user_error(resp, 400, msg);
}

static const char *tail_of(const sim_request *req)
{
	return req->tail && *req->tail ? req->tail : NULL;
}

static int now_text(char *buf, size_t len)
{
	return tu_format_utc((int64_t)time(NULL), buf, len);
}

void route_enduser_get(const sim_request *req, sim_response *resp)
{
	const char *who = tail_of(req);
	json_t *profile = NULL;
	int rc;

	if (!who) {
		user_error(resp, 400, "Please specify an email or uid");
		return;
	}
	rc = sim_user_get(req->ctx->store, who, &profile);
	if (rc < 0)
		sim_respond_error(resp, 500, "the store failed to answer");
	else if (rc == 0)
		user_error(resp, 404, "User not found");
	else
		sim_respond_json(resp, 200, profile);
}

void route_enduser_delete(const sim_request *req, sim_response *resp)
{
	const char *who = tail_of(req);
	int rc;

	if (!who) {
		user_error(resp, 400, "Please specify an email or uid");
		return;
	}
	rc = sim_store_delete_user(req->ctx->store, who);
	if (rc < 0)
		sim_respond_error(resp, 500, "the store failed to answer");
	else if (rc == 0)
		user_error(resp, 404, "User not found");
	else
		sim_respond_json(resp, 200,
				 json_pack("{s:i, s:s}", "status", 200, "message", "User deleted"));
}

/* A list value: an array of strings, or a comma list in one string. New reference or NULL. */
static json_t *list_value(const json_t *v)
{
	json_t *out = json_array();
	size_t i;
	json_t *item;

	if (!out)
		return NULL;
	if (json_is_array(v)) {
		json_array_foreach(v, i, item)
		{
			if (!json_is_string(item) || json_array_append(out, item) < 0)
				goto fail;
		}
		return out;
	}
	if (json_is_string(v)) {
		const char *p = json_string_value(v);

		while (*p) {
			const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
			const char *start = p;

			while (start < end && *start == ' ')
				start++;
			while (end > start && end[-1] == ' ')
				end--;
			if (end > start &&
			    json_array_append_new(out, json_stringn(start, (size_t)(end - start))) <
				    0)
				goto fail;
			p = comma ? comma + 1 : p + strlen(p);
		}
		return out;
	}
fail:
	json_decref(out);
	return NULL;
}

static int list_has(const json_t *list, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v) if (strcmp(json_string_value(v), s) == 0) return 1;
	return 0;
}

/* Adds (or with remove, drops) the groups of v to the profile's groups. 0 or -1. */
static int change_groups(json_t *profile, const json_t *v, int remove)
{
	json_t *groups = json_object_get(profile, "groups"), *add = list_value(v);
	size_t i;
	json_t *g;
	int rc = -1;

	if (!add)
		return -1;
	if (!json_is_array(groups)) {
		groups = json_array();
		if (!groups || json_object_set_new(profile, "groups", groups) < 0)
			goto done;
	}
	json_array_foreach(add, i, g)
	{
		const char *name = json_string_value(g);

		if (!remove && !list_has(groups, name) && json_array_append(groups, g) < 0)
			goto done;
		for (size_t j = json_array_size(groups); remove && j-- > 0;)
			if (strcmp(json_string_value(json_array_get(groups, j)), name) == 0)
				json_array_remove(groups, j);
	}
	rc = 0;
done:
	json_decref(add);
	return rc;
}

/*
 * Applies the body's fields to a profile. allowed is a NULL-terminated list of the keys the
 * method accepts. Returns NULL, or the key that is unknown or has a bad value.
 */
static const char *apply_fields(json_t *profile, json_t *body, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(body, key, v)
	{
		int ok = 0;

		for (const char *const *a = allowed; *a; a++)
			ok |= strcmp(*a, key) == 0;
		if (!ok)
			return key;
		if (strcmp(key, "firstname") == 0 || strcmp(key, "lastname") == 0 ||
		    strcmp(key, "suborg") == 0 || strcmp(key, "uid") == 0) {
			if (!json_is_string(v) || json_object_set(profile, key, v) < 0)
				return key;
		} else if (strcmp(key, "type") == 0) {
			long t = -1;

			if (json_is_integer(v))
				t = (long)json_integer_value(v);
			else if (json_is_string(v) && (strcmp(json_string_value(v), "0") == 0 ||
						       strcmp(json_string_value(v), "1") == 0))
				t = json_string_value(v)[0] - '0';
			if ((t != 0 && t != 1) ||
			    json_object_set_new(profile, "type", json_integer(t)) < 0)
				return key;
		} else if (strcmp(key, "alias") == 0 || strcmp(key, "safelist") == 0 ||
			   strcmp(key, "blocklist") == 0) {
			json_t *list = list_value(v);

			if (!list || json_object_set_new(profile, key, list) < 0)
				return key;
		} else if (strcmp(key, "addgroup") == 0 || strcmp(key, "removegroup") == 0) {
			if (change_groups(profile, v, key[0] == 'r') < 0)
				return key;
		} else if (strcmp(key, "attributes") == 0) {
			json_t *attrs = json_object_get(profile, "attributes");

			if (!json_is_object(v))
				return key;
			if (!json_is_object(attrs)) {
				attrs = json_object();
				if (!attrs || json_object_set_new(profile, "attributes", attrs) < 0)
					return key;
			}
			if (json_object_update(attrs, v) < 0)
				return key;
		}
	}
	return NULL;
}

/* The request body as a JSON object (an empty body is an empty object), or NULL after a 400. */
static json_t *body_object(const sim_request *req, sim_response *resp)
{
	json_error_t jerr;
	json_t *body;

	if (!req->body || req->body_len == 0)
		return json_object();
	body = json_loadb(req->body, req->body_len, 0, &jerr);
	if (!body) {
		user_error_about(resp, "invalid JSON body: ", jerr.text);
		return NULL;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		user_error(resp, 400, "invalid JSON body: expected an object");
		return NULL;
	}
	return body;
}

static json_t *new_profile(const char *email, const char *now)
{
	const char *at = strchr(email, '@');

	return json_pack("{s:[], s:{}, s:[], s:[], s:s, s:s, s:s, s:s, s:s, s:[], s:s, s:s, s:s,"
			 " s:s, s:i, s:s%}",
			 "alias", "attributes", "blocklist", "safelist", "created", now,
			 "creationsource", "api", "email", email, "firstname", "", "lastname", "",
			 "groups", "lastmodified", now, "lastpasswordchange", "", "lastsignon", "",
			 "suborg", "", "type", 0, "uid", email, (size_t)(at - email));
}

void route_enduser_post(const sim_request *req, sim_response *resp)
{
	static const char *const allowed[] = { "firstname",  "lastname", "suborg",    "type",
					       "alias",	     "safelist", "blocklist", "addgroup",
					       "attributes", "uid",	 NULL };
	sim_store *st = req->ctx->store;
	const char *email = tail_of(req), *bad;
	json_t *body = NULL, *profile = NULL, *old = NULL;
	char now[32];
	int rc;

	if (!email || !strchr(email, '@') || email[0] == '@') {
		user_error_about(resp, "Invalid argument: email: not an email address: ",
				 email ? email : "");
		return;
	}
	body = body_object(req, resp);
	if (!body)
		return;
	if (now_text(now, sizeof(now)) < 0 || !(profile = new_profile(email, now))) {
		sim_respond_error(resp, 500, "out of memory");
		goto done;
	}
	bad = apply_fields(profile, body, allowed);
	if (bad) {
		user_error_about(resp, "Invalid argument: ", bad);
		goto done;
	}
	if (sim_store_begin(st) < 0) {
		sim_respond_error(resp, 500, "the store is busy");
		goto done;
	}
	rc = sim_user_get(st, email, &old);
	if (rc == 0 && sim_user_add(st, profile) == 0 && sim_store_commit(st) == 0) {
		sim_respond_json(resp, 200, json_incref(profile));
		goto done;
	}
	sim_store_rollback(st);
	if (rc == 1)
		user_error(resp, 400, "User already exists");
	else
		sim_respond_error(resp, 500, "the store failed to answer");
done:
	json_decref(old);
	json_decref(profile);
	json_decref(body);
}

/*
 * The interleave fault: another admin read the user as it was before this PUT (before) and now
 * writes the lists this PUT carried: those as they were, plus its entry other-admin-N. Its own
 * transaction, after the PUT's; a failure leaves the PUT's write as it is.
 */
static void other_admin_writes(sim_store *st, const char *who, const json_t *before,
			       const json_t *body, unsigned long n)
{
	static const char *const lists[] = { "safelist", "blocklist" };
	json_t *profile = NULL;
	char entry[64], now[32];
	int bad = 0;

	snprintf(entry, sizeof(entry), "other-admin-%lu@example.net", n);
	if (now_text(now, sizeof(now)) < 0 || sim_store_begin(st) < 0)
		return;
	if (sim_user_get(st, who, &profile) != 1) {
		sim_store_rollback(st);
		return;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]) && !bad; i++) {
		const json_t *was = json_object_get(before, lists[i]);
		json_t *list;

		if (!json_object_get(body, lists[i]))
			continue;
		list = was ? list_value(was) : json_array();
		bad = !list || json_array_append_new(list, json_string(entry)) < 0 ||
		      json_object_set_new(profile, lists[i], list) < 0;
	}
	if (bad || json_object_set_new(profile, "lastmodified", json_string(now)) < 0 ||
	    sim_user_add(st, profile) < 0 || sim_store_commit(st) < 0)
		sim_store_rollback(st);
	json_decref(profile);
}

void route_enduser_put(const sim_request *req, sim_response *resp)
{
	static const char *const allowed[] = { "firstname", "lastname",	  "suborg",	 "type",
					       "alias",	    "addgroup",	  "removegroup", "safelist",
					       "blocklist", "attributes", NULL };
	sim_store *st = req->ctx->store;
	const char *who = tail_of(req), *bad;
	json_t *body = NULL, *profile = NULL, *before = NULL;
	char now[32];
	int rc;

	if (!who) {
		user_error(resp, 400, "Please specify an email or uid");
		return;
	}
	body = body_object(req, resp);
	if (!body)
		return;
	if (now_text(now, sizeof(now)) < 0 || sim_store_begin(st) < 0) {
		sim_respond_error(resp, 500, "the store is busy");
		goto done;
	}
	rc = sim_user_get(st, who, &profile);
	if (rc != 1) {
		sim_store_rollback(st);
		if (rc == 0)
			user_error(resp, 404, "User not found");
		else
			sim_respond_error(resp, 500, "the store failed to answer");
		goto done;
	}
	if (req->other_admin && !(before = json_deep_copy(profile))) {
		sim_store_rollback(st);
		sim_respond_error(resp, 500, "out of memory");
		goto done;
	}
	bad = apply_fields(profile, body, allowed);
	if (bad) {
		sim_store_rollback(st);
		user_error_about(resp, "Invalid argument: ", bad);
		goto done;
	}
	if (json_object_set_new(profile, "lastmodified", json_string(now)) < 0 ||
	    sim_user_add(st, profile) < 0 || sim_store_commit(st) < 0) {
		sim_store_rollback(st);
		sim_respond_error(resp, 500, "the store failed to save the user");
		goto done;
	}
	sim_respond_json(resp, 200, json_incref(profile));
	if (before)
		other_admin_writes(st, who, before, body, req->other_admin);
done:
	json_decref(before);
	json_decref(profile);
	json_decref(body);
}
