/*
 * Fuzzes the views of an inspection: the input is either a JSON document taken as the
 * inspection (any shape: the views must bear wrong types) or a message inspected by libpps.
 * Every terminal line fits its width and holds nothing a terminal acts on; the markdown holds
 * no escape byte; the indicators are built.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/render.h"
#include "cli/render_inspect.h"
#include "pps/pps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	int width;
};

/* Nothing a terminal acts on: C0 (but none is wanted at all), DEL, C1, bidi controls. */
static void inert(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			abort();
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			abort();
		if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xae || p[2] == 0xab || p[2] == 0xa8))
			abort();
	}
}

static void on_line(void *ctx, const char *text, int attr)
{
	const struct check *c = ctx;

	(void)attr;
	inert(text);
	if (c->width && (int)cli_display_width(text) > c->width)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *insp = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL), *iocs;
	static const int widths[] = { 20, 33, 80, 0 };
	ppsbuf md = PPSBUF_INIT;

	if (!insp && pps_inspect_buffer(&insp, data, size, NULL) != 0)
		return 0;
	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		struct check c = { widths[i] };

		if (cli_inspect_lines(insp, widths[i], on_line, &c) != 0)
			abort();
	}
	if (cli_inspect_markdown(&md, insp) != 0)
		abort();
	for (const char *p = md.buf; *p; p++)
		if (*p == '\x1b')
			abort();
	ppsbuf_release(&md);
	iocs = cli_inspect_iocs(insp);
	if (!iocs)
		abort();
	json_decref(iocs);
	json_decref(insp);
	return 0;
}
