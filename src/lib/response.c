/*
 * Responses of libpps: their lifetime, and turning a body into JSON and a records array with
 * the checks every operation shares. Knows no transport and never prints.
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
	/*
	 * records is borrowed from json, except for an end user's answer, where it is an owned
	 * array that holds json itself ([profile]) or, with no JSON body, nothing ([]).
	 */
	if (resp->records && (!resp->json || json_array_get(resp->records, 0) == resp->json))
		json_decref(resp->records);
	json_decref(resp->json);
	free(resp->body);
	free(resp->content_type);
	free(resp->message);
	free(resp);
}

int pps__response_parse_json(pps_client *c, pps_response *resp)
{
	json_error_t jerr;

	json_decref(resp->json);
	resp->records = NULL;
	/* The body may hold NULs, which JSON cannot: json_loadb sees them and fails. */
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

int pps__response_records(pps_client *c, pps_response *resp, const char *key)
{
	json_t *list = json_object_get(resp->json, key); /* borrowed */
	size_t i;
	json_t *rec;

	if (!json_is_object(resp->json))
		return pps__error_set(c, PPS_EPROTO, resp->status, "response is not a JSON object");
	if (!list || json_is_null(list)) {
		/* An absent list is an empty one; json owns it so records can stay borrowed. */
		list = json_array();
		if (!list || json_object_set_new(resp->json, key, list) < 0)
			return pps__error_set(c, PPS_ENOMEM, resp->status, "out of memory");
	}
	if (!json_is_array(list))
		return pps__error_set(c, PPS_EPROTO, resp->status,
				      "response field '%s' is not an array", key);
	json_array_foreach(list, i, rec)
	{
		if (!json_is_object(rec))
			return pps__error_set(c, PPS_EPROTO, resp->status,
					      "response field '%s' holds a non-object at index %zu",
					      key, i);
	}
	resp->records = list;
	return PPS_OK;
}

int pps__get_object(pps_client *c, const char *path, const pps__query *q, const char *records_key,
		    pps_response **out)
{
	pps_response *resp = NULL;
	int ret;

	*out = NULL;
	ret = pps__http_request(c, "GET", path, q, NULL, 0, &resp);
	if (ret < 0)
		goto done;
	ret = pps__response_parse_object(c, resp);
	if (ret < 0)
		goto done;
	if (records_key) {
		ret = pps__response_records(c, resp, records_key);
		if (ret < 0)
			goto done;
	}
	*out = resp;
	resp = NULL;
done:
	pps_response_free(resp);
	return ret;
}
