/*
 * Fuzzes libpps's response handlers with arbitrary bodies: Smart Search results, quarantine
 * lists, action status texts, end-user profiles and error bodies. The first byte picks one.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/internal.h"
#include "pps/pps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pps_response *response(const uint8_t *data, size_t size, const char *ctype)
{
	pps_response *r = pps__response_new();

	if (!r)
		return NULL;
	r->body = malloc(size + 1);
	r->content_type = ctype ? strdup(ctype) : NULL;
	if (!r->body || (ctype && !r->content_type)) {
		pps_response_free(r);
		return NULL;
	}
	memcpy(r->body, data, size);
	r->body[size] = '\0';
	r->body_len = size;
	r->status = 200;
	return r;
}

static int count_record(void *ctx, json_t *rec)
{
	(void)rec;
	++*(size_t *)ctx;
	return 0;
}

/* The streaming records parser, the body cut in two where its first byte says. */
static void stream_records(pps_client *c, const uint8_t *data, size_t size, const char *key,
			   pps__record_check check)
{
	size_t n = 0, cut = size ? data[0] % (size + 1) : 0;
	pps_visitor v = { .version = PPS_VISITOR_VERSION, .record = count_record, .ctx = &n };
	pps__records *p = NULL;
	pps__sink sink;

	if (pps__records_new(&p, c, key, check, &v) != 0)
		return;
	sink = pps__records_sink(p);
	if (sink.write(sink.ctx, (const char *)data, cut) == 0 &&
	    sink.write(sink.ctx, (const char *)data + cut, size - cut) == 0)
		pps__records_finish(p);
	pps__records_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pps_client *c;
	static const char *const ctypes[] = { "application/json", "text/plain; charset=utf-8",
					      "text/html", NULL };
	pps_response *r;
	unsigned sel;
	char *s;

	if (size < 1)
		return 0;
	if (!c) {
		pps_client_options o = { .version = PPS_CLIENT_OPTIONS_VERSION,
					 .url = "https://127.0.0.1:1",
					 .username = "u",
					 .password = "p" };
		if (pps_client_new(&c, &o, NULL, 0) != 0)
			abort();
	}
	sel = data[0];
	data++;
	size--;
	r = response(data, size, ctypes[sel % 4]);
	if (!r)
		return 0;
	switch ((sel >> 2) % 5) {
	case 0:
		stream_records(c, data, size, "result", NULL);
		break;
	case 1:
		stream_records(c, data, size, "records", pps__quarantine_check_record);
		break;
	case 2:
		pps__response_parse_json(c, r);
		for (int a = PPS_QA_RELEASE; a <= PPS_QA_DELETE; a++) {
			s = pps__quarantine_action_message((pps_qaction)a, "1:2:3", r);
			free(s);
		}
		break;
	case 3:
		s = pps__error_server_message(r->body, r->body_len, r->content_type);
		free(s);
		break;
	default: {
		json_t *body = NULL;
		if (pps__enduser_body(c, r->body, r->body, &body) == 0)
			json_decref(body);
		break;
	}
	}
	pps_response_free(r);
	return 0;
}
