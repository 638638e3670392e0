/*
 * Fuzzes the whole message inspection: raw bytes in, the JSON result out. Every member must be
 * there and the result must serialise (every string valid UTF-8); the streamed inspector fed in
 * two pieces must give the same result. An odd first byte selects tiny limits, so that each
 * bound is reached.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pps/pps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_attachment(void *ctx, size_t index, const void *piece, size_t len, const json_t *meta)
{
	size_t *bytes = ctx;

	(void)index;
	(void)piece;
	(void)meta;
	*bytes += len;
	return 0;
}

static const char *const members[] = { "source", "headers",	"received", "auth", "body",
				       "urls",	 "attachments", "warnings", NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pps_inspect_options o = PPS_INSPECT_OPTIONS_INIT;
	pps_inspector *in = NULL;
	json_t *a = NULL, *b = NULL;
	const char *const *m;
	size_t bytes = 0;
	char *text;

	if (size && (data[0] & 1)) {
		o.max_depth = 4;
		o.max_parts = 8;
		o.max_headers = 8;
		o.max_decoded = 4096;
		o.body_excerpt = 16;
	}
	o.attachment = on_attachment;
	o.ctx = &bytes;
	if (pps_inspect_buffer(&a, data, size, &o) != 0 || !a)
		abort();
	for (m = members; *m; m++)
		if (!json_object_get(a, *m))
			abort();
	text = json_dumps(a, JSON_COMPACT);
	if (!text)
		abort();
	free(text);
	if (pps_inspector_new(&in, &o) != 0 || pps_inspector_feed(in, data, size / 2) != 0 ||
	    pps_inspector_feed(in, data + size / 2, size - size / 2) != 0 ||
	    pps_inspector_finish(&b, in) != 0 || !json_equal(a, b))
		abort();
	pps_inspector_free(in);
	json_decref(a);
	json_decref(b);
	return 0;
}
