/*
 * Responses of libpps: their lifetime, and turning an answer's body into JSON with the checks
 * the buffered operations share. Knows no transport (http.c) and never prints.
 */
#include "lib/internal.h"

#include <stdlib.h>

#include <jansson.h>

#include "util/banned.h"

pps_response *pps__response_new(void)
{
	return calloc(1, sizeof(pps_response));
}

void pps_response_free(pps_response *resp)
{
	if (!resp)
		return;
	/* json and records are each an owned reference (records may also sit inside json). */
	json_decref(resp->records);
	json_decref(resp->json);
	free(resp->body);
	free(resp->content_type);
	free(resp->message);
	free(resp);
}

int pps__response_from_answer(pps_client *c, pps__answer *a, pps_response **out)
{
	pps_response *resp = pps__response_new();

	*out = NULL;
	if (!resp)
		return pps__error_set(c, PPS_ENOMEM, a->status, "out of memory");
	resp->status = a->status;
	resp->content_type = a->content_type;
	a->content_type = NULL;
	resp->body = ppsbuf_detach(&a->body, &resp->body_len);
	if (!resp->body) {
		pps_response_free(resp);
		return pps__error_set(c, PPS_ENOMEM, a->status, "out of memory");
	}
	*out = resp;
	return PPS_OK;
}

int pps__response_empty(pps_client *c, pps_response **out)
{
	pps__answer a = PPS__ANSWER_INIT;

	return pps__response_from_answer(c, &a, out);
}

int pps__response_parse_json(pps_client *c, pps_response *resp)
{
	json_error_t jerr;

	json_decref(resp->json);
	resp->json = json_loadb(resp->body ? resp->body : "", resp->body_len, 0, &jerr);
	if (!resp->json) {
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return pps__error_set(c, PPS_ENOMEM, resp->status, "out of memory");
		return pps__error_set(c, PPS_EPROTO, resp->status,
				      "response is not valid JSON: %s at line %d column %d",
				      jerr.text, jerr.line, jerr.column);
	}
	return PPS_OK;
}

int pps__response_parse_object(pps_client *c, pps_response *resp)
{
	int ret = pps__response_parse_json(c, resp);

	if (ret < 0)
		return ret;
	if (!json_is_object(resp->json))
		return pps__error_set(c, PPS_EPROTO, resp->status, "response is not a JSON object");
	return PPS_OK;
}
