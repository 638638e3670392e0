/* Fuzzes pps_time_parse and the wire formatters with arbitrary text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pps/pps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	pps_instant t;
	char buf[64];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (pps_time_parse(&t, text, 1795000000) == 0) {
		if (pps_time_format_filter(&t, buf, sizeof(buf)) != 0)
			abort();
		if (pps_time_format_quarantine(&t, buf, sizeof(buf)) != 0)
			abort();
	}
	free(text);
	return 0;
}
