/* Building route responses and reading query parameters; no libmicrohttpd here. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sim/sim.h"
#include "util/buf.h"

#include "util/banned.h"

const char *sim_param_get(const sim_request *req, const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i < req->nparams; i++)
		if (strcmp(req->params[i].key, key) == 0)
			v = req->params[i].value;
	return v;
}

static void bare_500(sim_response *resp)
{
	resp->status = 500;
	resp->content_type = "text/plain; charset=utf-8";
	resp->body = NULL;
	resp->body_len = 0;
}

int sim_respond_bytes(sim_response *resp, int status, const char *content_type, const char *data,
		      size_t len)
{
	char *copy = malloc(len + 1);

	if (!copy) {
		bare_500(resp);
		return -1;
	}
	if (len)
		memcpy(copy, data, len);
	copy[len] = '\0';
	free(resp->body);
	resp->status = status;
	resp->content_type = content_type;
	resp->body = copy;
	resp->body_len = len;
	return 0;
}

int sim_respond_text(sim_response *resp, int status, const char *text)
{
	return sim_respond_bytes(resp, status, "text/plain; charset=utf-8", text, strlen(text));
}

int sim_respond_json(sim_response *resp, int status, json_t *obj)
{
	char *s = obj ? json_dumps(obj, JSON_COMPACT) : NULL;

	json_decref(obj);
	if (!s) {
		bare_500(resp);
		return -1;
	}
	free(resp->body);
	resp->status = status;
	resp->content_type = "application/json";
	resp->body = s;
	resp->body_len = strlen(s);
	return 0;
}

int sim_respond_error(sim_response *resp, int status, const char *fmt, ...)
{
	ppsbuf msg = PPSBUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ppsbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		ppsbuf_release(&msg);
		bare_500(resp);
		return -1;
	}
	rc = sim_respond_json(resp, status,
			      json_pack("{s:i, s:s}", "status", status, "message", msg.buf));
	ppsbuf_release(&msg);
	return rc;
}
