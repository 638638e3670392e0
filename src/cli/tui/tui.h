/*
 * The state of the terminal view shared by the files of src/cli/tui/ (triage.c the loop and the
 * terminal, screen.c painting, keys.c the key table, actions.c the actions). Not for others.
 */
#ifndef PPS_CLI_TUI_TUI_H
#define PPS_CLI_TUI_TUI_H

#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/stats.h"
#include "cli/tui/index.h"

/* What a message's last action came to, shown in the index. */
enum tui_outcome { TUI_NONE, TUI_DONE, TUI_REFUSED, TUI_UNKNOWN, TUI_INVALID, TUI_NOT_SENT };

/* A message named by the view's marks and outcomes: a few, never the folder. */
typedef struct tui_tag {
	char *folder;
	char *localguid;
	char *guid;
	char *sender;
	char *recipient;
	int marked;
	enum tui_outcome outcome;
} tui_tag;

enum tui_screen { TUI_INDEX, TUI_PREVIEW, TUI_HELP, TUI_STATS };

typedef struct tui {
	cli_ctx *ctx;
	tui_index ix;
	size_t cursor; /* the row under the cursor */
	size_t top;    /* the first row shown */
	int rows, cols;
	enum tui_screen screen;
	size_t scroll; /* the first line shown of a preview or help screen */
	char **lines;  /* the lines of the preview, escaped */
	size_t nlines;
	tui_tag *tags;
	size_t ntags, tags_alloc;
	int on_marked; /* ; or T was pressed: the next action takes the marked messages */
	int color;
	int quit;
	int nomem;	      /* a callback ran out of memory */
	enum tui_screen back; /* where the help screen goes back to */
	cli_stats *stats;     /* the counts of what the view read (the first screen) */
	int64_t stats_start, stats_end;
	int stats_capped;  /* a top list reached its cap (stats_screen.c) */
	int stats_dirty;   /* the counts changed since the statistics screen was drawn */
	int stats_cols;	   /* the width it was drawn for */
	int stats_state;   /* the walk's state it was drawn for (stats_screen.c) */
	char message[400]; /* the bottom line: the last action's result or an error */
	FILE *trace;	   /* PPS_TRIAGE_TRACE */
	double t0;
} tui;

/* keys.c: runs the key's handler; 0 when the key is none of the table's. */
int tui_key_run(tui *t, int key);
/* The help screen's lines from the key table. */
int tui_help_open(tui *t);

/* screen.c */
/* Starts the colours when t->color (NO_COLOR unset, a terminal that has them). */
void tui_colors(tui *t);
void tui_paint(tui *t);
/* Asks on the bottom line; the answer (escaped echo) in buf. 1 answered, 0 cancelled (Esc). */
int tui_prompt(tui *t, const char *question, char *buf, size_t len);
/* Asks yes or no on the bottom line: 1 only for y. */
int tui_confirm(tui *t, const char *question);
void tui_set_message(tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The tag of a message, made when make (NULL: none, or memory). */
tui_tag *tui_tag_find(tui *t, const char *folder, const char *localguid, int make);
/* The number of marked messages. */
size_t tui_marked(const tui *t);
/* Milliseconds since the view started (the trace's clock). */
double tui_now_ms(const tui *t);
void tui_trace(tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* lines.c: the lines of the text screens (t->lines), each escaped as it is added. */
/* Adds "label value" as one line, escaped (a line break in value shown as \x0a). 0 or -1. */
int tui_add_text(tui *t, const char *label, const char *value);
/* Adds a line of text (callback form: sets nomem on failure). */
void tui_add_line(void *t, const char *text);
/* Frees the lines and goes back to the index. */
void tui_lines_close(tui *t);

/* preview.c: the preview lines of row (t->lines). 0 or -1. */
int tui_preview_open(tui *t, const tui_row *row);

/* stats_screen.c: counting what the view reads; the first screen (Tab). 0 or -1. */
int tui_stats_start(tui *t, int64_t start, int64_t end);
int tui_stats_restart(tui *t);
int tui_stats_open(tui *t);
/* Draws the statistics screen again when it is shown and its counts, width or walk changed
 * (out of memory: -1, the index shown). */
int tui_stats_refresh(tui *t);
void tui_stats_free(tui *t);

/* actions.c: the action of key on the message under the cursor or the marked ones. */
int tui_act(tui *t, int key);

/* run.c: what the actions share (actions.c, lists_action.c). */
/* The messages an action takes (borrowed): the marked ones after ; or T, else the cursor's. */
typedef struct tui_target {
	const char *folder, *localguid, *guid, *sender, *recipient;
} tui_target;
/* The targets into *out (malloc'd, free()); their number (0: none, or *out NULL: memory). */
size_t tui_targets(tui *t, tui_target **out);
/* A new journal's path under $XDG_STATE_HOME/pps/triage/ (its folders made). 0 or -1. */
int tui_journal_path(char *path, size_t len, const char *action);
/*
 * Runs cmd's handler as the command line would, with argv as its arguments and entries as its
 * standard input, its output (-o ndjson) and messages captured in *outs and *errs (malloc'd,
 * free()), report as --report and no question asked (the view asked). Returns its exit status.
 */
int tui_run_captured(tui *t, const cli_command *cmd, int argc, const char *const *argv,
		     char *entries, const char *report, char **outs, char **errs);
/* The outcome of its name in a journal or report line ("done", "not_sent"), or TUI_NONE. */
enum tui_outcome tui_outcome_of(const char *s);
/* The first line of text without "pps: ", for the bottom line. */
void tui_first_line(char *dst, size_t len, const char *text);

/* lists_action.c: b and s, the senders into their recipients' block or safe lists. */
int tui_list_change(tui *t, int key);

#endif
