/*
 * The text screens of pps triage: the preview of a message (its record, member by member) and
 * the help screen (from the key table). Every line is escaped here (sanitize.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/render_inspect.h"
#include "cli/sanitize.h"
#include "cli/tui/triage.h"
#include "cli/tui/tui.h"
#include "util/buf.h"

#include "util/banned.h"

void tui_preview_close(tui *t)
{
	for (size_t i = 0; i < t->nlines; i++)
		free(t->lines[i]);
	free(t->lines);
	t->lines = NULL;
	t->nlines = 0;
	t->scroll = 0;
	t->screen = TUI_INDEX;
}

/* Adds "label value" as one line, escaped (a line break in value shown as \x0a). 0 or -1. */
static int add_line(tui *t, const char *label, const char *value)
{
	ppsbuf b = PPSBUF_INIT;
	char **v = realloc(t->lines, (t->nlines + 1) * sizeof(*v));

	if (!v)
		return -1;
	t->lines = v;
	if (cli_sanitize(&b, label, strlen(label), NULL, NULL) ||
	    cli_sanitize(&b, value, strlen(value), NULL, NULL)) {
		ppsbuf_release(&b);
		return -1;
	}
	t->lines[t->nlines++] = ppsbuf_detach(&b, NULL);
	return 0;
}

void tui_add_line(void *ctx, const char *text)
{
	tui *t = ctx;

	if (add_line(t, "", text))
		t->nomem = 1;
}

/* A line of the inspection's view: escaped by cli_inspect_lines already (idempotent again). */
static void inspection_line(void *ctx, const char *text, int attr)
{
	tui *t = ctx;

	(void)attr;
	if (add_line(t, "", text))
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
		return add_line(t, why, "");
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

	tui_preview_close(t);
	t->screen = TUI_PREVIEW;
	rc |= add_line(t, "localguid: ", row->localguid);
	rc |= add_line(t, "guid:      ", row->guid);
	rc |= add_line(t, "", "");
	rc |= add_inspection(t, row);
	rc |= add_line(t, "", "");
	rc |= add_line(t, "Record", "");
	json_object_foreach(rec, key, v)
	{
		char label[80];
		char *text = json_is_string(v) ? NULL
					       : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		snprintf(label, sizeof(label), "%-10s ", key);
		rc |= add_line(t, label,
			       text		   ? text
			       : json_is_string(v) ? json_string_value(v)
						   : "");
		free(text);
	}
	json_decref(rec);
	tui_trace(t, "preview %s", row->localguid);
	return rc ? -1 : 0;
}

int tui_help_open(tui *t)
{
	int rc = 0;

	t->screen = TUI_HELP;
	rc |= add_line(t, "pps triage: keys", "");
	rc |= add_line(t, "", "");
	for (unsigned int i = 0; tui_key_name(i); i++) {
		char label[40];

		snprintf(label, sizeof(label), "  %-14s ", tui_key_name(i));
		rc |= add_line(t, label, tui_key_help(i));
	}
	return rc ? -1 : 0;
}
