/*
 * The statistics screen of pps triage, its first screen (Tab switches to the index and back):
 * the picture of pps stats (stats_view.h) over the messages the view has read so far, counted
 * as the walk's front reads them, and drawn again as each page adds to the counts; its first
 * line says whether the count is still partial.
 */
#include <jansson.h>
#include <langinfo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/stats.h"
#include "cli/stats_view.h"
#include "cli/tui/tui.h"

#include "util/banned.h"

/*
 * The most distinct values a top list of the view holds: past it, that list's field is no more
 * counted, so that memory stays bounded by the view, not by the folder (pps stats counts all).
 */
#define DISTINCT_CAP 2000

/* The record fields each list counts (senders and their domains from one). */
static const struct {
	cli_stats_list list;
	const char *field;
} fields[] = {
	{ CLI_STATS_SENDERS, "from" },	   { CLI_STATS_DOMAINS, "from" },
	{ CLI_STATS_RECIPIENTS, "rcpts" }, { CLI_STATS_SUBJECTS, "subject" },
	{ CLI_STATS_FOLDERS, "folder" },
};

static void count_record(void *ctx, struct json_t *record)
{
	tui *t = ctx;
	json_t *rec = NULL;

	if (!t->stats)
		return;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (json_object_size(t->stats->maps[fields[i].list]) < DISTINCT_CAP)
			continue;
		t->stats_capped = 1;
		if (!rec)
			rec = json_copy(record);
		if (rec)
			json_object_del(rec, fields[i].field);
	}
	if (cli_stats_add(t->stats, rec ? rec : record))
		t->nomem = 1;
	t->stats_dirty = 1;
	json_decref(rec);
}

int tui_stats_start(tui *t, int64_t start, int64_t end)
{
	cli_stats_free(t->stats);
	t->stats = NULL;
	t->stats_capped = 0;
	t->stats_start = start;
	t->stats_end = end;
	t->stats_dirty = 1;
	t->ix.counted = count_record;
	t->ix.counted_ctx = t;
	return cli_stats_new(&t->stats, 1, start, end, CLI_STATS_BY_AUTO, CLI_STATS_TOP_DEFAULT) ==
			       0
		       ? 0
		       : -1;
}

int tui_stats_restart(tui *t)
{
	return tui_stats_start(t, t->stats_start, t->stats_end);
}

void tui_stats_free(tui *t)
{
	cli_stats_free(t->stats);
	t->stats = NULL;
}

static void stats_line(void *ctx, const char *text)
{
	tui_add_line(ctx, text);
}

/* Where the walk is: 0 still reading, 1 every folder read, 2 stopped by a failure. */
static int walk_state(const tui *t)
{
	return t->ix.failed ? 2 : t->ix.ended ? 1 : 0;
}

/* The first line: how much of the folders the counts cover. */
static int add_coverage(tui *t, unsigned long long total)
{
	char line[200];

	switch (walk_state(t)) {
	case 1:
		snprintf(line, sizeof(line), "complete: all %llu message%s read", total,
			 total == 1 ? "" : "s");
		break;
	case 2:
		snprintf(line, sizeof(line),
			 "partial: reading stopped after %llu message%s (the bottom line says why)",
			 total, total == 1 ? "" : "s");
		break;
	default:
		snprintf(line, sizeof(line), "partial: %llu message%s read so far, still reading",
			 total, total == 1 ? "" : "s");
	}
	return tui_add_text(t, line, "");
}

int tui_stats_open(tui *t)
{
	cli_stats snap;
	int unicode = !strcmp(nl_langinfo(CODESET), "UTF-8");

	if (!t->stats)
		return -1;
	/*
	 * The counts go on as the walk does, and finishing them ends the counting: the picture is
	 * drawn from a copy whose top lists are made over the same maps (borrowed), then freed.
	 */
	snap = *t->stats;
	memset(snap.tops, 0, sizeof(snap.tops));
	snap.finished = 0;
	if (cli_stats_finish(&snap)) {
		for (int l = 0; l < CLI_STATS_NLISTS; l++)
			free(snap.tops[l].items);
		return -1;
	}
	t->nomem = 0;
	t->screen = TUI_STATS;
	t->stats_dirty = 0;
	t->stats_cols = t->cols;
	t->stats_state = walk_state(t);
	snap.source = walk_state(t) == 1 ? "Quarantine" : "Quarantine (partial)";
	if (add_coverage(t, snap.total))
		t->nomem = 1;
	if (t->stats_capped)
		tui_add_line(t,
			     "(a top list stops counting at 2000 distinct values: pps stats counts "
			     "them all)");
	/* Nothing read yet: no picture (it would say the window has no message). */
	if (snap.total || walk_state(t) != 0)
		cli_stats_lines(&snap, t->cols, unicode, stats_line, t);
	for (int l = 0; l < CLI_STATS_NLISTS; l++)
		free(snap.tops[l].items);
	return t->nomem ? -1 : 0;
}

int tui_stats_refresh(tui *t)
{
	size_t scroll = t->scroll;

	if (t->screen != TUI_STATS ||
	    (!t->stats_dirty && t->stats_cols == t->cols && t->stats_state == walk_state(t)))
		return 0;
	tui_lines_close(t);
	if (tui_stats_open(t)) {
		tui_lines_close(t); /* out of memory: the index, which needs none of it */
		return -1;
	}
	t->scroll = t->nlines && scroll >= t->nlines ? t->nlines - 1 : scroll;
	return 0;
}
