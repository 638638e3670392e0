/*
 * The key table of pps triage: one declaration per key (its codes, its name, its help, its
 * handler). The help screen (made here), the man page's KEYS section and the tests read it;
 * nothing else binds a key.
 */
#include <curses.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli/tui/triage.h"
#include "cli/tui/tui.h"

#include "util/banned.h"

#define CTRL(c) ((c)&0x1f)

typedef int (*key_fn)(tui *t, int key);

typedef struct tui_key {
	int codes[3]; /* 0-padded */
	const char *name;
	const char *help;
	key_fn run;
} tui_key;

/* The rows one screen of the index shows (the title, status and message lines apart). */
static size_t page_rows(const tui *t)
{
	return t->rows > 4 ? (size_t)(t->rows - 3) : 1;
}

static int move_by(tui *t, long delta)
{
	if (t->screen != TUI_INDEX) {
		if (delta < 0 && t->scroll < (size_t)-delta)
			t->scroll = 0;
		else if (t->nlines && t->scroll + (size_t)delta < t->nlines)
			t->scroll += (size_t)delta;
		return 0;
	}
	if (delta < 0) {
		t->cursor = t->cursor < (size_t)-delta ? 0 : t->cursor - (size_t)-delta;
		return 0;
	}
	/* Forward: as far as there are rows, reading pages as needed. */
	for (long i = 0; i < delta; i++) {
		if (!tui_index_row(&t->ix, t->cursor + 1))
			break;
		t->cursor++;
	}
	return 0;
}

static int key_down(tui *t, int key)
{
	(void)key;
	return move_by(t, 1);
}

static int key_up(tui *t, int key)
{
	(void)key;
	return move_by(t, -1);
}

static int key_page_down(tui *t, int key)
{
	(void)key;
	if (t->screen == TUI_INDEX)
		t->top += page_rows(t);
	return move_by(t, (long)page_rows(t));
}

static int key_page_up(tui *t, int key)
{
	size_t n = page_rows(t);

	(void)key;
	if (t->screen == TUI_INDEX)
		t->top = t->top > n ? t->top - n : 0;
	return move_by(t, -(long)n);
}

static int key_first(tui *t, int key)
{
	(void)key;
	t->cursor = 0;
	t->scroll = 0;
	return 0;
}

static int key_last(tui *t, int key)
{
	(void)key;
	if (t->screen != TUI_INDEX) {
		t->scroll = t->nlines ? t->nlines - 1 : 0;
		return 0;
	}
	/* The last row known so far: the walk goes on in the background. */
	if (t->ix.count)
		t->cursor = t->ix.count - 1;
	return 0;
}

static int key_filter(tui *t, int key)
{
	char text[200] = "";

	(void)key;
	if (t->screen != TUI_INDEX && t->screen != TUI_STATS)
		return 0;
	if (!tui_prompt(t, "filter (empty: none): ", text, sizeof(text)))
		return 0;
	if (tui_index_restart(&t->ix, text) || tui_stats_restart(t))
		tui_set_message(t, "out of memory");
	t->cursor = t->top = 0;
	return 0;
}

static int key_mark(tui *t, int key)
{
	const tui_row *r = tui_index_row(&t->ix, t->cursor);
	tui_tag *g;

	(void)key;
	if (t->screen != TUI_INDEX || !r)
		return 0;
	g = tui_tag_find(t, r->folder, r->localguid, 1);
	if (!g) {
		tui_set_message(t, "out of memory");
		return 0;
	}
	if (!g->guid) {
		g->guid = strdup(r->guid);
		g->sender = strdup(r->sender);
		g->recipient = strdup(r->recipient);
	}
	g->marked = !g->marked;
	return move_by(t, 1);
}

static int key_on_marked(tui *t, int key)
{
	(void)key;
	if (!tui_marked(t)) {
		tui_set_message(t, "no message is marked (t or Space marks one)");
		return 0;
	}
	t->on_marked = 1;
	tui_set_message(t, "action on the %zu marked messages: r d m f R b s D (Esc: none)",
			tui_marked(t));
	return 0;
}

static int key_action(tui *t, int key)
{
	/* The statistics show no message: an action there takes the marked ones only. */
	if (t->screen == TUI_STATS && !t->on_marked) {
		tui_set_message(t, "%c acts on the index's messages: Tab shows the index", key);
		return 0;
	}
	return tui_act(t, key);
}

static int key_preview(tui *t, int key)
{
	const tui_row *r;

	(void)key;
	if (t->screen != TUI_INDEX) {
		tui_lines_close(t);
		return 0;
	}
	r = tui_index_row(&t->ix, t->cursor);
	if (r && tui_preview_open(t, r))
		tui_set_message(t, "out of memory");
	return 0;
}

/* Shows the statistics screen (the index when memory runs out). */
static void show_stats(tui *t)
{
	tui_lines_close(t);
	if (tui_stats_open(t)) {
		tui_lines_close(t);
		tui_set_message(t, "out of memory");
	}
}

/* Leaves the help screen for the screen it was opened from. */
static void leave_help(tui *t)
{
	if (t->back == TUI_STATS)
		show_stats(t);
	else
		tui_lines_close(t);
}

static int key_help(tui *t, int key)
{
	(void)key;
	if (t->screen == TUI_HELP) {
		leave_help(t);
		return 0;
	}
	t->back = t->screen == TUI_STATS ? TUI_STATS : TUI_INDEX;
	tui_lines_close(t);
	if (tui_help_open(t))
		tui_set_message(t, "out of memory");
	return 0;
}

/* Tab: the statistics and the index, one then the other. */
static int key_stats(tui *t, int key)
{
	(void)key;
	if (t->screen == TUI_STATS)
		tui_lines_close(t);
	else
		show_stats(t);
	return 0;
}

static int key_back(tui *t, int key)
{
	(void)key;
	t->on_marked = 0;
	if (t->screen != TUI_INDEX)
		tui_lines_close(t);
	else
		t->message[0] = '\0';
	return 0;
}

static int key_quit(tui *t, int key)
{
	(void)key;
	if (t->screen == TUI_HELP)
		leave_help(t);
	else if (t->screen == TUI_PREVIEW)
		tui_lines_close(t);
	else
		t->quit = 1;
	return 0;
}

static int key_redraw(tui *t, int key)
{
	(void)t;
	(void)key;
	clearok(curscr, TRUE);
	return 0;
}

static const tui_key keys[] = {
	{ { 'j', KEY_DOWN }, "j, Down", "next message (in a preview: next line)", key_down },
	{ { 'k', KEY_UP }, "k, Up", "previous message (in a preview: previous line)", key_up },
	{ { KEY_NPAGE, CTRL('f') }, "PgDn, Ctrl-F", "one screen down", key_page_down },
	{ { KEY_PPAGE, CTRL('b') }, "PgUp, Ctrl-B", "one screen up", key_page_up },
	{ { 'g', KEY_HOME }, "g, Home", "first message", key_first },
	{ { 'G', KEY_END }, "G, End", "last message read so far (the walk goes on)", key_last },
	{ { '/' },
	  "/",
	  "filter by text (sender, recipient, subject, GUID; empty: none)",
	  key_filter },
	{ { 't', ' ' }, "t, Space", "mark or unmark the message, then go to the next", key_mark },
	{ { ';', 'T' }, "; or T", "the next action takes the marked messages", key_on_marked },
	{ { 'r' }, "r", "release (asks to confirm)", key_action },
	{ { 'd' }, "d", "delete (asks to confirm)", key_action },
	{ { 'm' }, "m", "move to a folder (asks which, then to confirm)", key_action },
	{ { 'f' }, "f", "forward to an address (asks which, then to confirm)", key_action },
	{ { 'R' }, "R", "resubmit to the filtering modules (asks to confirm)", key_action },
	{ { 'b' },
	  "b",
	  "add the sender to the recipient's blocklist (asks to confirm)",
	  key_action },
	{ { 's' }, "s", "add the sender to the recipient's safelist (asks to confirm)", key_action },
	{ { 'D' },
	  "D",
	  "download the raw message to a file (asks the path; never overwrites)",
	  key_action },
	{ { '\n', KEY_ENTER, '\r' }, "Enter", "preview the message; again: back", key_preview },
	{ { '\t' },
	  "Tab",
	  "statistics of the messages read so far (the first screen) or the index",
	  key_stats },
	{ { '?' }, "?", "this help; again: back", key_help },
	{ { 27 }, "Esc", "back to the index; cancels ; and a question", key_back },
	{ { CTRL('l') }, "Ctrl-L", "redraw the screen", key_redraw },
	{ { 'q' }, "q", "quit (in a preview or help: back); Ctrl-C quits too", key_quit },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

const char *tui_key_name(unsigned int i)
{
	return i < NKEYS ? keys[i].name : NULL;
}

const char *tui_key_help(unsigned int i)
{
	return i < NKEYS ? keys[i].help : NULL;
}

int tui_help_open(tui *t)
{
	int rc = 0;

	t->screen = TUI_HELP;
	rc |= tui_add_text(t, "pps triage: keys", "");
	rc |= tui_add_text(t, "", "");
	for (unsigned int i = 0; tui_key_name(i); i++) {
		char label[40];

		snprintf(label, sizeof(label), "  %-14s ", tui_key_name(i));
		rc |= tui_add_text(t, label, tui_key_help(i));
	}
	return rc ? -1 : 0;
}

int tui_key_run(tui *t, int key)
{
	for (size_t i = 0; i < NKEYS; i++)
		for (size_t c = 0; c < 3 && keys[i].codes[c]; c++)
			if (keys[i].codes[c] == key) {
				keys[i].run(t, key);
				return 1;
			}
	return 0;
}
