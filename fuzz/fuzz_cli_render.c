/* Fuzzes the renderer: arbitrary JSON records through every output format. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "cli/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const columns[] = { "GUID",	  "Date",	  "Sender", "Recipients",
					       "Subject", "Final_Action", NULL };
	static const cli_output_spec spec = { .title = "Fuzz Results",
					      .context = "Proofpoint.SmartSearch",
					      .key = "GUID",
					      .columns = columns };
	static const cli_format formats[] = { CLI_FMT_TABLE, CLI_FMT_MARKDOWN, CLI_FMT_JSON,
					      CLI_FMT_NDJSON, CLI_FMT_CSV };
	json_t *records = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	FILE *out;

	if (!records)
		return 0;
	if (!json_is_array(records)) {
		json_t *wrap = json_array();
		json_array_append_new(wrap, records);
		records = wrap;
	}
	out = fopen("/dev/null", "w");
	if (out) {
		for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
			cli_render_opts opts = { .format = formats[i],
						 .width = (int)(size % 120),
						 .color = (int)(size & 1) };
			cli_render_records(out, &opts, &spec, records);
		}
		fclose(out);
	}
	json_decref(records);
	return 0;
}
