/*
 * The preview of pps triage: a message's inspection and its record, member by member, as lines
 * of a text screen (lines.c escapes each).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/render_inspect.h"
#include "cli/tui/tui.h"

#include "util/banned.h"

/* A line of the inspection's view: escaped by cli_inspect_lines already (idempotent again). */
static void inspection_line(void *ctx, const char *text, int attr)
{
	tui *t = ctx;

	(void)attr;
	if (tui_add_text(t, "", text))
		t->nomem = 1;
}

/* The inspection of the message (pps_quarantine_inspect), or the line saying why none. */
static int add_inspection(tui *t, const tui_row *row)
{
	json_t *insp = NULL;
	int rc = pps_quarantine_inspect(&insp, t->ctx->client, row->guid, NULL);

	if (rc) {
		char why[400];

		snprintf(why, sizeof(why), "no inspection: %s",
			 pps_client_last_error(t->ctx->client)->message);
		return tui_add_text(t, why, "");
	}
	t->nomem = 0;
	rc = cli_inspect_lines(insp, t->cols, inspection_line, t);
	json_decref(insp);
	return rc || t->nomem ? -1 : 0;
}

int tui_preview_open(tui *t, const tui_row *row)
{
	json_t *rec = json_loads(row->json, 0, NULL);
	const char *key;
	json_t *v;
	int rc = 0;

	tui_lines_close(t);
	t->screen = TUI_PREVIEW;
	rc |= tui_add_text(t, "localguid: ", row->localguid);
	rc |= tui_add_text(t, "guid:      ", row->guid);
	rc |= tui_add_text(t, "", "");
	rc |= add_inspection(t, row);
	rc |= tui_add_text(t, "", "");
	rc |= tui_add_text(t, "Record", "");
	json_object_foreach(rec, key, v)
	{
		char label[80];
		char *text = json_is_string(v) ? NULL
					       : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		snprintf(label, sizeof(label), "%-10s ", key);
		rc |= tui_add_text(t, label,
				   text		       ? text
				   : json_is_string(v) ? json_string_value(v)
						       : "");
		free(text);
	}
	json_decref(rec);
	tui_trace(t, "preview %s", row->localguid);
	return rc ? -1 : 0;
}
