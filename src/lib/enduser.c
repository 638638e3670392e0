/*
 * The end-user operations on /enduser/{email-or-uid} (spec §6): get, create, modify, delete.
 * No transport here (http.c) and nothing printed.
 */
#include "lib/internal.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/banned.h"

/* Parses a caller's JSON object text; what names it in messages is what. */
static int parse_object(pps_client *c, const char *what, const char *text, json_t **out)
{
	json_error_t jerr;

	*out = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!*out)
		return pps__error_set(c, PPS_EUSAGE, 0, "invalid %s: %s", what, jerr.text);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return pps__error_set(c, PPS_EUSAGE, 0, "invalid %s: expected a JSON object", what);
	}
	return PPS_OK;
}

int pps__enduser_body(pps_client *c, const char *fields_json, const char *attributes_json,
		      json_t **out)
{
	json_t *body = NULL, *attrs = NULL;
	int ret = PPS_OK;

	*out = NULL;
	if (fields_json) {
		ret = parse_object(c, "fields", fields_json, &body);
		if (ret < 0)
			goto done;
	} else {
		body = json_object();
		if (!body) {
			ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
			goto done;
		}
	}
	if (attributes_json) {
		ret = parse_object(c, "attributes", attributes_json, &attrs);
		if (ret < 0)
			goto done;
		/* Given on its own, attributes win over an "attributes" key inside fields. */
		if (json_object_set(body, "attributes", attrs) < 0) {
			ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
			goto done;
		}
	}
	*out = body;
	body = NULL;
done:
	json_decref(attrs);
	json_decref(body);
	return ret;
}

static int only_space(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	}
	return 1;
}

/*
 * json becomes the profile and records a new array holding it (each an owned reference of the
 * response); no body gives an empty records array.
 */
static int wrap_profile(pps_client *c, pps_response *resp, int text_ok)
{
	int ret;

	if (resp->body_len == 0 || only_space(resp->body, resp->body_len)) {
		resp->records = json_array();
		return resp->records ? PPS_OK : pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
	}
	if (text_ok && resp->body[0] != '{' &&
	    !(resp->content_type && strstr(resp->content_type, "json"))) {
		/* A deletion that answers in words has still happened. */
		resp->message =
			pps__error_first_line(resp->body, resp->body_len, PPS__SERVER_MESSAGE_MAX);
		resp->records = json_array();
		return resp->records ? PPS_OK : pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
	}
	ret = pps__response_parse_object(c, resp);
	if (ret < 0)
		return ret;
	resp->records = json_array();
	if (!resp->records || json_array_append(resp->records, resp->json) < 0)
		return pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
	return PPS_OK;
}

static int call(pps_client *c, pps_op op, const char *id, const char *body, pps_response **out)
{
	ppsbuf path = PPSBUF_INIT;
	pps__answer a = PPS__ANSWER_INIT;
	pps_response *resp = NULL;
	const char *method = pps__op_method(op);
	int ret;

	if (ppsbuf_adds(&path, "/enduser/") < 0 || pps__http_escape(&path, id, 1) < 0) {
		ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
		goto done;
	}
	/* A lookup's answer is one profile; an action's is read whole, whatever it holds. */
	if (!strcmp(method, "GET"))
		a.body.cap = PPS__OBJECT_CAP;
	ret = pps__http_send(c, method, path.buf, NULL, body, NULL, &a);
	if (ret == PPS__NOT_SENT) {
		ret = pps__response_empty(c, &resp);
		if (ret == PPS_OK) {
			resp->records = json_array();
			if (!resp->records)
				ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
		}
		if (ret == PPS_OK)
			goto keep;
		goto done;
	}
	if (ret < 0)
		goto done;
	ret = pps__response_from_answer(c, &a, &resp);
	if (ret < 0)
		goto done;
	/* A lookup answered without a profile is no answer (a bare status line, a cut body). */
	if (!strcmp(method, "GET") && only_space(resp->body, resp->body_len)) {
		ret = pps__error_set(c, PPS_EPROTO, resp->status,
				     "the server answered %ld without a profile", resp->status);
		goto done;
	}
	ret = wrap_profile(c, resp, !strcmp(method, "DELETE"));
	if (ret < 0)
		goto done;
keep:
	*out = resp;
	resp = NULL;
done:
	pps_response_free(resp);
	pps__answer_release(&a);
	ppsbuf_release(&path);
	return ret;
}

/* The email wins over the uid (spec §6). */
static const char *user_id(const pps_enduser_req *req)
{
	if (!req)
		return NULL;
	return req->email && *req->email ? req->email : req->uid;
}

/* The request's version, then its id. */
static int check_req(pps_client *c, const pps_enduser_req *req)
{
	const char *id = user_id(req);

	if (req && pps__version_check(c, "pps_enduser_req", req->version, PPS_ENDUSER_REQ_VERSION))
		return PPS_EUSAGE;
	if (!id || !*id)
		return pps__error_set(c, PPS_EUSAGE, 0, "an email or uid is required");
	return PPS_OK;
}

int pps_enduser_get(pps_response **out, pps_client *c, const pps_enduser_req *req)
{
	*out = NULL;
	pps__error_reset(c);
	if (check_req(c, req) < 0)
		return c->err.code;
	return call(c, PPS_OP_ENDUSER_GET, user_id(req), NULL, out);
}

int pps_enduser_delete(pps_response **out, pps_client *c, const pps_enduser_req *req)
{
	*out = NULL;
	pps__error_reset(c);
	if (check_req(c, req) < 0)
		return c->err.code;
	return call(c, PPS_OP_ENDUSER_DELETE, user_id(req), NULL, out);
}

static int with_body(pps_client *c, pps_op op, const char *id, const pps_enduser_req *req,
		     pps_response **out)
{
	json_t *body = NULL;
	char *text = NULL;
	int ret;

	ret = pps__enduser_body(c, req->fields_json, req->attributes_json, &body);
	if (ret < 0)
		goto done;
	text = json_dumps(body, JSON_COMPACT);
	if (!text) {
		ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
		goto done;
	}
	ret = call(c, op, id, text, out);
done:
	free(text);
	json_decref(body);
	return ret;
}

int pps_enduser_create(pps_response **out, pps_client *c, const pps_enduser_req *req)
{
	const char *email = req ? req->email : NULL;

	*out = NULL;
	pps__error_reset(c);
	if (req && pps__version_check(c, "pps_enduser_req", req->version, PPS_ENDUSER_REQ_VERSION))
		return PPS_EUSAGE;
	if (!email || !*email)
		return pps__error_set(c, PPS_EUSAGE, 0, "an email is required to create a user");
	if (!strchr(email, '@'))
		return pps__error_set(c, PPS_EUSAGE, 0,
				      "invalid email '%s': expected an address with '@'", email);
	return with_body(c, PPS_OP_ENDUSER_CREATE, email, req, out);
}

int pps_enduser_modify(pps_response **out, pps_client *c, const pps_enduser_req *req)
{
	*out = NULL;
	pps__error_reset(c);
	if (check_req(c, req) < 0)
		return c->err.code;
	return with_body(c, PPS_OP_ENDUSER_MODIFY, user_id(req), req, out);
}
