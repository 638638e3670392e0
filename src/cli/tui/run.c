/*
 * What the actions of pps triage share (actions.c, lists_action.c): the messages an action
 * takes, the path of its journal, a command line handler run with its output captured, and the
 * reading of its outcomes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/exit.h"
#include "cli/tui/tui.h"
#include "util/fsutil.h"

#include "util/banned.h"

/* The messages an action takes: the marked ones (after ; or T), else the one under the cursor. */
size_t tui_targets(tui *t, tui_target **out)
{
	size_t n = 0;
	tui_target *v;

	*out = NULL;
	if (t->on_marked) {
		v = calloc(t->ntags ? t->ntags : 1, sizeof(*v));
		for (size_t i = 0; v && i < t->ntags; i++)
			if (t->tags[i].marked)
				v[n++] = (tui_target){ t->tags[i].folder, t->tags[i].localguid,
						       t->tags[i].guid, t->tags[i].sender,
						       t->tags[i].recipient };
	} else {
		const tui_row *r = tui_index_row(&t->ix, t->cursor);

		v = r ? calloc(1, sizeof(*v)) : NULL;
		if (v)
			v[n++] = (tui_target){ r->folder, r->localguid, r->guid, r->sender,
					       r->recipient };
	}
	*out = v;
	return n;
}

/* The journal's path: $XDG_STATE_HOME/pps/triage/<time>-<pid>-<n>-<action>.ndjson. 0 or -1. */
int tui_journal_path(char *path, size_t len, const char *action)
{
	static unsigned int seq;
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char failed[256], stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (state && *state)
		snprintf(path, len, "%s/pps/triage/%s-%ld-%u-%s.ndjson", state, stamp,
			 (long)getpid(), ++seq, action);
	else if (home && *home)
		snprintf(path, len, "%s/.local/state/pps/triage/%s-%ld-%u-%s.ndjson", home, stamp,
			 (long)getpid(), ++seq, action);
	else
		return -1;
	return fs_make_parents(path, 0700, failed, sizeof(failed));
}

enum tui_outcome tui_outcome_of(const char *s)
{
	static const char *const names[] = {
		"", "done", "refused", "unknown", "invalid", "not_sent"
	};

	for (size_t i = 1; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i]))
			return (enum tui_outcome)i;
	return TUI_NONE;
}

int tui_run_captured(tui *t, const cli_command *cmd, int argc, const char *const *argv,
		     char *entries, const char *report, char **outs, char **errs)
{
	size_t outlen = 0, errlen = 0;
	FILE *in = fmemopen(entries, strlen(entries), "r");
	FILE *out = open_memstream(outs, &outlen), *errf = open_memstream(errs, &errlen);
	char err[300];
	cli_args a;
	cli_ctx c = *t->ctx;
	int status = CLI_EXIT_FAILURE;

	if (!in || !out || !errf) {
		tui_set_message(t, "out of memory");
		goto done;
	}
	if (cli_args_parse(&a, cmd, argc, argv, (int64_t)time(NULL), in, err, sizeof(err))) {
		cli_args_release(&a);
		tui_set_message(t, "%s", err);
		goto done;
	}
	c.cmd = cmd;
	c.in = in;
	c.out = out;
	c.err = errf;
	c.render.format = CLI_FMT_NDJSON;
	c.report = report;
	c.yes = 1;
	c.quiet = 1;
	c.err_tty = 0;
	c.err_color = 0;
	tui_trace(t, "action %s", cmd->name);
	status = cmd->run(&c, &a);
	cli_args_release(&a);
done:
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	if (errf)
		fclose(errf);
	return status;
}

void tui_first_line(char *dst, size_t len, const char *text)
{
	size_t n = text ? strcspn(text, "\n") : 0;

	if (text && !strncmp(text, "pps: ", 5) && n >= 5) {
		text += 5;
		n -= 5;
	}
	snprintf(dst, len, "%.*s", (int)n, text ? text : "");
}
