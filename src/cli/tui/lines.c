/*
 * The lines of the text screens of pps triage (the preview, the help, the statistics): kept in
 * t->lines, each escaped as it is added (sanitize.h), painted by screen.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/sanitize.h"
#include "cli/tui/tui.h"
#include "util/buf.h"

#include "util/banned.h"

void tui_lines_close(tui *t)
{
	for (size_t i = 0; i < t->nlines; i++)
		free(t->lines[i]);
	free(t->lines);
	t->lines = NULL;
	t->nlines = 0;
	t->scroll = 0;
	t->screen = TUI_INDEX;
}

int tui_add_text(tui *t, const char *label, const char *value)
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

	if (tui_add_text(t, "", text))
		t->nomem = 1;
}
