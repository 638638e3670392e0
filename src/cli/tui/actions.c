/*
 * The actions of pps triage: each confirmed on the bottom line naming the count and the action,
 * then run by the command line's bulk runner (bulk.c: checked entries, batches per folder, a
 * journal under $XDG_STATE_HOME/pps/triage/, never sent twice), whose per-message outcomes are
 * read back into the index. Download saves atomically (download.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bulk.h"
#include "cli/download.h"
#include "cli/tui/tui.h"

#include "util/banned.h"

static const char *command_of(int key)
{
	switch (key) {
	case 'r':
		return "quarantine-message-release";
	case 'd':
		return "quarantine-message-delete";
	case 'm':
		return "quarantine-message-move";
	case 'f':
		return "quarantine-message-forward";
	case 'R':
		return "quarantine-message-resubmit";
	default:
		return NULL;
	}
}

/* Reads the runner's outcome lines (-o ndjson) into the tags; counts them per outcome. */
static void read_outcomes(tui *t, const char *text, size_t count[6])
{
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		json_t *o = json_loadb(line, end ? (size_t)(end - line) : strlen(line), 0, NULL);
		const char *g = json_string_value(json_object_get(o, "localguid"));
		const char *f = json_string_value(json_object_get(o, "folder"));
		tui_tag *tag = g && f ? tui_tag_find(t, f, g, 1) : NULL;
		enum tui_outcome oc =
			tui_outcome_of(json_string_value(json_object_get(o, "outcome")));

		if (tag && oc) {
			tag->outcome = oc;
			if (oc == TUI_DONE)
				tag->marked = 0;
			count[oc]++;
		}
		json_decref(o);
		line = end ? end + 1 : NULL;
	}
}

/* The entries for local_guid=-: one JSON record per message, naming its folder. */
static char *entries_text(const tui_target *v, size_t n)
{
	json_t *o;
	char *line, *all = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&all, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		o = json_pack("{ss ss}", "localguid", v[i].localguid, "folder", v[i].folder);
		line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (line)
			fprintf(f, "%s\n", line);
		free(line);
		json_decref(o);
	}
	fclose(f);
	return all;
}

/* Runs the bulk runner for cmd over v[0..n) with the extra argument (or NULL). */
static void run_bulk(tui *t, const cli_command *cmd, const tui_target *v, size_t n,
		     const char *extra)
{
	char path[4096], said[200], *entries = entries_text(v, n);
	char *outs = NULL, *errs = NULL;
	const char *argv[2] = { "local_guid=-", extra };
	size_t count[6] = { 0 };
	int status;

	if (!entries || tui_journal_path(path, sizeof(path), pps_qaction_name(cmd->action))) {
		tui_set_message(t, entries ? "cannot make the journal's folder under the state dir"
					   : "out of memory");
		free(entries);
		return;
	}
	status = tui_run_captured(t, cmd, extra ? 2 : 1, argv, entries, path, &outs, &errs);
	read_outcomes(t, outs, count);
	tui_first_line(said, sizeof(said), errs);
	tui_set_message(t, "%s %zu: %zu done, %zu refused, %zu unknown, %zu not sent%s%s",
			pps_qaction_name(cmd->action), n, count[TUI_DONE], count[TUI_REFUSED],
			count[TUI_UNKNOWN], count[TUI_NOT_SENT] + count[TUI_INVALID],
			said[0] ? " - " : "", said);
	tui_trace(t, "action-done status=%d done=%zu unknown=%zu", status, count[TUI_DONE],
		  count[TUI_UNKNOWN]);
	free(outs);
	free(errs);
	free(entries);
}

struct saving {
	cli_download *d;
	char err[300];
	int failed;
};

static int save_body(void *ctx, const char *data, size_t len)
{
	struct saving *s = ctx;

	if (cli_download_write(s->d, data, len, s->err, sizeof(s->err))) {
		s->failed = 1;
		return 1;
	}
	return 0;
}

/* D: each message saved to path (a folder takes <guid>.eml); atomic, never overwriting. */
static void download(tui *t, const tui_target *v, size_t n, const char *path)
{
	size_t saved = 0;

	for (size_t i = 0; i < n; i++) {
		struct saving s = { NULL, "", 0 };
		pps_visitor vis = { .version = PPS_VISITOR_VERSION, .body = save_body, .ctx = &s };
		pps_response *resp = NULL;
		char final[4096];
		int rc;

		if (!v[i].guid) {
			tui_set_message(t, "out of memory");
			return;
		}
		if (cli_download_open(&s.d, path, v[i].guid, 0, s.err, sizeof(s.err))) {
			tui_set_message(t, "download '%s': %s", v[i].guid, s.err);
			return;
		}
		rc = pps_quarantine_download_stream(&resp, t->ctx->client, v[i].guid, &vis);
		pps_response_free(resp);
		if (rc || s.failed) {
			cli_download_abort(s.d);
			tui_set_message(t, "download '%s': %s", v[i].guid,
					s.failed ? s.err
						 : pps_client_last_error(t->ctx->client)->message);
			return;
		}
		if (cli_download_commit(s.d, final, sizeof(final), s.err, sizeof(s.err))) {
			tui_set_message(t, "download '%s': %s", v[i].guid, s.err);
			return;
		}
		saved++;
		if (n == 1)
			tui_set_message(t, "saved '%s'", final);
	}
	if (n > 1)
		tui_set_message(t, "saved %zu messages in '%s'", saved, path);
}

/* The question an action asks first, when it needs an answer. 1 go on, 0 cancelled. */
static int ask_extra(tui *t, int key, size_t n, char *arg, size_t len, char *value, size_t vlen)
{
	const char *q = key == 'm' ? "move to folder: " : key == 'f' ? "forward to: " : NULL;

	arg[0] = '\0';
	if (key == 'D') {
		snprintf(value, vlen, "%s", n > 1 ? "." : "");
		return tui_prompt(
			t, n > 1 ? "download to folder: " : "download to (empty: ./<guid>.eml): ",
			value, vlen);
	}
	if (!q)
		return 1;
	value[0] = '\0';
	if (!tui_prompt(t, q, value, vlen) || !value[0])
		return 0;
	snprintf(arg, len, "%s=%s", key == 'm' ? "target_folder" : "recipient", value);
	return 1;
}

int tui_act(tui *t, int key)
{
	const char *name = command_of(key);
	const cli_command *cmd = name ? cli_command_find(name) : NULL;
	char arg[600], value[500], question[700];
	tui_target *v;
	size_t n;

	if (key == 'b' || key == 's')
		return tui_list_change(t, key);
	if (!cmd && key != 'D')
		return 0;
	n = tui_targets(t, &v);
	t->on_marked = 0;
	if (!n) {
		tui_set_message(t, v ? "no message to act on" : "out of memory");
		free(v);
		return 0;
	}
	if (!ask_extra(t, key, n, arg, sizeof(arg), value, sizeof(value)))
		goto done;
	snprintf(question, sizeof(question), "%s %zu message%s%s%s?",
		 key == 'D' ? "download" : pps_qaction_name(cmd->action), n, n == 1 ? "" : "s",
		 key == 'm'   ? " to "
		 : key == 'f' ? " to "
			      : "",
		 key == 'm' || key == 'f' ? value : "");
	if (!tui_confirm(t, question)) {
		tui_set_message(t, "nothing done");
		goto done;
	}
	if (key == 'D')
		download(t, v, n, value);
	else
		run_bulk(t, cmd, v, n, arg[0] ? arg : NULL);
done:
	free(v);
	return 0;
}
