/*
 * b and s in pps triage: each message's envelope sender added to its first recipient's block or
 * safe list, confirmed first, run by the command line's user-blocklist-add / user-safelist-add
 * (pps_enduser_list_change: nothing another admin wrote is lost) with its journal under the
 * state dir, whose per-user outcomes are shown on each message.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/tui/tui.h"

#include "util/banned.h"

/* The records {"email","entry"} of the targets; the number of distinct users in *users. */
static char *entries_of(const tui_target *v, size_t n, size_t *users)
{
	json_t *seen = json_object();
	char *all = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&all, &len);

	*users = 0;
	for (size_t i = 0; f && seen && i < n; i++) {
		json_t *o;
		char *line;

		if (!v[i].recipient || !v[i].sender || !v[i].recipient[0] || !v[i].sender[0])
			continue;
		o = json_pack("{ss ss}", "email", v[i].recipient, "entry", v[i].sender);
		line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (line)
			fprintf(f, "%s\n", line);
		if (!json_object_get(seen, v[i].recipient)) {
			json_object_set_new(seen, v[i].recipient, json_true());
			(*users)++;
		}
		free(line);
		json_decref(o);
	}
	json_decref(seen);
	if (f)
		fclose(f);
	return all;
}

/* Each target's outcome from its user's outcome line in the journal at path. */
static void read_journal(tui *t, const char *path, const tui_target *v, size_t n, size_t *done)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	*done = 0;
	while (f && getline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		const char *user = json_string_value(json_object_get(o, "user"));
		const char *event = json_string_value(json_object_get(o, "event"));
		enum tui_outcome oc =
			tui_outcome_of(json_string_value(json_object_get(o, "outcome")));

		if (user && event && !strcmp(event, "outcome")) {
			if (!oc)
				oc = TUI_REFUSED;
			*done += oc == TUI_DONE;
			for (size_t i = 0; i < n; i++) {
				tui_tag *g =
					!v[i].recipient || strcmp(v[i].recipient, user) != 0
						? NULL
						: tui_tag_find(t, v[i].folder, v[i].localguid, 1);

				if (g)
					g->outcome = oc;
			}
		}
		json_decref(o);
	}
	free(line);
	if (f)
		fclose(f);
}

int tui_list_change(tui *t, int key)
{
	const char *list = key == 'b' ? "blocklist" : "safelist";
	const cli_command *cmd =
		cli_command_find(key == 'b' ? "user-blocklist-add" : "user-safelist-add");
	const char *argv[1] = { "entry=-" };
	char path[4096], question[300], said[200], *entries = NULL, *outs = NULL, *errs = NULL;
	size_t n, users, done;
	tui_target *v;

	n = tui_targets(t, &v);
	t->on_marked = 0;
	if (!n || !cmd) {
		tui_set_message(t, !cmd ? "this pps has no list commands"
				   : v	? "no message"
					: "out of memory");
		goto out;
	}
	entries = entries_of(v, n, &users);
	if (!entries || !users) {
		tui_set_message(t, entries ? "no sender and recipient to act on" : "out of memory");
		goto out;
	}
	snprintf(question, sizeof(question),
		 "add the sender%s of %zu message%s to the %s of %zu user%s?", n == 1 ? "" : "s", n,
		 n == 1 ? "" : "s", list, users, users == 1 ? "" : "s");
	if (!tui_confirm(t, question)) {
		tui_set_message(t, "nothing done");
		goto out;
	}
	if (tui_journal_path(path, sizeof(path), list)) {
		tui_set_message(t, "cannot make the journal's folder under the state dir");
		goto out;
	}
	tui_run_captured(t, cmd, 1, argv, entries, path, &outs, &errs);
	read_journal(t, path, v, n, &done);
	tui_first_line(said, sizeof(said), errs);
	tui_set_message(t, "%s: %zu of %zu users done%s%s", list, done, users, said[0] ? " - " : "",
			said);
out:
	free(outs);
	free(errs);
	free(entries);
	free(v);
	return 0;
}
