/*
 * The entries of a bulk run: parsed, checked (forms, folders, duplicates), grouped by folder,
 * what an earlier run did left out, the confirmation. Sends nothing.
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/bulk_run.h"
#include "cli/exit.h"
#include "util/buf.h"

#include "util/banned.h"

/*
 * Parses the local_guid lines into entries, and the journal or report lines among them into
 * what an earlier run did. Returns 0, or an exit status after a message.
 */
/*
 * No entry: an empty selection read from stdin or a file (a search that matched nothing, piped
 * in) is no usage error: 0, or 1 with --fail-empty; an empty local_guid= typed out is (2).
 */
static int nothing_given(struct run *r, const char *action)
{
	if (!r->args->from_file) {
		cli_errorf(r->ctx, "invalid local_guid: no GUIDs given");
		return CLI_EXIT_USAGE;
	}
	cli_errorf(r->ctx, "nothing to %s: the input held no entries", action);
	return r->ctx->fail_empty ? CLI_EXIT_FAILURE : CLI_BULK_EMPTY;
}

int cli_bulk_load_entries(struct run *r)
{
	const cli_strlist *lines = &r->args->list[cli_args_index(r->args, "local_guid")];
	const char *action = pps_qaction_name(r->ctx->cmd->action);
	cli_ctx *ctx = r->ctx;
	size_t n;

	for (size_t k = 0; k < lines->n; k++) {
		const char *line = lines->items[k];

		if (cli_guidlist_parse_line(&r->list, line, strlen(line), k + 1) ||
		    cli_jstates_add_text(&r->given, line, strlen(line), action))
			goto nomem;
	}
	if (cli_jstates_finish(&r->given))
		goto nomem;
	if (r->list.n == 0)
		return nothing_given(r, action);
	n = r->list.n;
	r->out = calloc(n, sizeof(*r->out));
	r->msg = calloc(n, sizeof(*r->msg));
	r->status = calloc(n, sizeof(*r->status));
	r->batch_id = calloc(n, sizeof(*r->batch_id));
	r->written = calloc(n, sizeof(*r->written));
	r->earlier = calloc(n, sizeof(*r->earlier));
	if (!r->out || !r->msg || !r->status || !r->batch_id || !r->written || !r->earlier)
		goto nomem;
	return 0;
nomem:
	cli_errorf(ctx, "out of memory");
	return CLI_EXIT_FAILURE;
}

/*
 * One message may be named by its localguid and by its GUID: entries are made to name it by
 * the localguid a record gives; a run that still names messages in both forms is refused, as
 * nothing tells whether two entries are one message. Returns 0, or an exit status.
 */
int cli_bulk_check_forms(struct run *r)
{
	const char *onprem, *cloud;
	int rc = cli_guidlist_canonicalize(&r->list, &onprem, &cloud);

	if (rc < 0) {
		cli_errorf(r->ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	if (rc == 1) {
		cli_errorf(r->ctx,
			   "local_guid names messages both by localguid (%s) and by GUID (%s): "
			   "one message named both ways would be acted on twice; give one form, or "
			   "the records of quarantine-messages-list -o ndjson, which name both",
			   onprem, cloud);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/*
 * Every valid entry needs a folder: folder_name, its record's, or that of a record with the same
 * GUID (else it is invalid); a record may not name another folder than folder_name, and a list
 * of bare GUIDs needs folder_name. Returns 0, or an exit status after a message.
 */
int cli_bulk_check_folders(struct run *r)
{
	int any = 0, need = 0;

	for (size_t i = 0; i < r->list.n; i++) {
		const cli_guid_entry *e = &r->list.v[i];

		any |= e->record;
		if (e->why)
			continue;
		need |= e->folder == NULL;
		if (r->folder_arg && e->folder && strcmp(e->folder, r->folder_arg) != 0) {
			cli_errorf(r->ctx,
				   "line %zu names folder '%s' but folder_name is '%s': leave "
				   "folder_name out to act on each record in its own folder",
				   e->line, e->folder, r->folder_arg);
			return CLI_EXIT_USAGE;
		}
	}
	if (r->folder_arg || !need)
		return 0;
	if (!any) {
		cli_errorf(r->ctx, "missing required argument 'folder_name' for %s",
			   r->ctx->cmd->name);
		return CLI_EXIT_USAGE;
	}
	if (cli_guidlist_resolve_folders(&r->list)) {
		cli_errorf(r->ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	return 0;
}

/* What the journal and the input say an earlier run did with entry i's message. */
static enum cli_jstate earlier_state(const struct run *r, size_t i)
{
	const char *folder = cli_bulk_folder_of(r, i), *guid = r->list.v[i].guid;
	enum cli_jstate a = CLI_JSTATE_NONE, b;

	if (r->have_journal)
		a = cli_jstates_get(&r->journal.states, r->ctx->cluster, folder, guid);
	b = cli_jstates_get(&r->given, r->ctx->cluster, folder, guid);
	return a > b ? a : b;
}

/*
 * Entry i was done, or its outcome is unknown, by an earlier run: it is not sent again (an
 * unknown one is with --retry-unknown). Returns 1 when it is not to be sent, 0, or -1 (memory).
 */
static int take_earlier(struct run *r, size_t i, size_t *done_msg, size_t *unknown_msg)
{
	enum cli_jstate st = earlier_state(r, i);

	if (st == CLI_JSTATE_UNKNOWN && r->ctx->retry_unknown) {
		r->retried++;
		return 0;
	}
	if (st == CLI_JSTATE_NONE)
		return 0;
	if (st == CLI_JSTATE_DONE && !*done_msg)
		*done_msg = cli_bulk_keep_message(r, "done by an earlier run: not sent again");
	if (st == CLI_JSTATE_UNKNOWN && !*unknown_msg)
		*unknown_msg =
			cli_bulk_keep_message(r, "outcome unknown since an earlier run: not sent "
						 "again; check it, then --retry-unknown sends it");
	if (!*done_msg && !*unknown_msg)
		return -1;
	r->earlier[i] = (unsigned char)st;
	r->out[i] = st == CLI_JSTATE_DONE ? OUT_DONE : OUT_UNKNOWN;
	r->msg[i] = st == CLI_JSTATE_DONE ? *done_msg : *unknown_msg;
	r->status[i] = st == CLI_JSTATE_DONE ? CLI_EXIT_OK : CLI_EXIT_UNKNOWN;
	if (st == CLI_JSTATE_DONE)
		r->earlier_done++;
	else
		r->earlier_unknown++;
	return 1;
}

/*
 * Groups the distinct valid GUIDs that are to be sent by folder, folders and GUIDs in input
 * order; those an earlier run did (or left unknown) are left out. 0 or -1.
 */
int cli_bulk_build_groups(struct run *r)
{
	size_t done_msg = 0, unknown_msg = 0;

	for (size_t i = 0; i < r->list.n; i++) {
		const cli_guid_entry *e = &r->list.v[i];
		const char *folder = cli_bulk_folder_of(r, i);
		struct group *g = NULL;
		int skip;

		if (e->why) {
			r->out[i] = OUT_INVALID;
			r->status[i] = CLI_EXIT_USAGE;
			r->invalid++;
			continue;
		}
		if (e->dup_of)
			continue;
		skip = take_earlier(r, i, &done_msg, &unknown_msg);
		if (skip < 0)
			return -1;
		if (skip)
			continue;
		for (size_t k = 0; k < r->ngroups && !g; k++)
			if (strcmp(r->groups[k].folder, folder) == 0)
				g = &r->groups[k];
		if (!g) {
			struct group *ng =
				realloc(r->groups, (r->ngroups + 1) * sizeof(*r->groups));

			if (!ng)
				return -1;
			r->groups = ng;
			g = &r->groups[r->ngroups++];
			memset(g, 0, sizeof(*g));
			g->folder = folder;
		}
		if (g->n == g->alloc) {
			size_t na = g->alloc ? g->alloc * 2 : 64;
			size_t *ni = realloc(g->idx, na * sizeof(*ni));

			if (!ni)
				return -1;
			g->idx = ni;
			g->alloc = na;
		}
		g->idx[g->n++] = i;
		r->unique++;
	}
	return 0;
}

void cli_bulk_report_invalid(struct run *r)
{
	for (size_t i = 0; i < r->list.n; i++) {
		const cli_guid_entry *e = &r->list.v[i];

		/* A record is named by its GUID: the whole line would drown the reason. */
		if (e->why)
			cli_errorf(r->ctx, "line %zu: invalid entry '%.200s': %s; not sent",
				   e->line, e->record && e->guid ? e->guid : e->text, e->why);
	}
}

/* Names on stderr what an earlier run did: the unknown ones one by one, to be checked. */
void cli_bulk_report_earlier(struct run *r)
{
	size_t shown = 0;

	if (r->ctx->quiet && !r->earlier_unknown)
		return;
	if (r->earlier_done && !r->ctx->quiet)
		cli_errorf(r->ctx,
			   "%zu message%s done by an earlier run of this job: not sent again",
			   r->earlier_done, r->earlier_done == 1 ? "" : "s");
	for (size_t i = 0; i < r->list.n && r->earlier_unknown; i++) {
		if (r->earlier[i] != CLI_JSTATE_UNKNOWN)
			continue;
		if (shown++ == 20) {
			cli_errorf(r->ctx, "... and %zu more unknown (the journal names them)",
				   r->earlier_unknown - 20);
			break;
		}
		cli_errorf(r->ctx,
			   "GUID %s in '%s': outcome unknown since an earlier run: not sent "
			   "again; check it, then --retry-unknown sends it",
			   r->list.v[i].guid, cli_bulk_folder_of(r, i));
	}
	if (r->retried && !r->ctx->quiet)
		cli_errorf(
			r->ctx,
			"sending again %zu message%s whose outcome was unknown (--retry-unknown)",
			r->retried, r->retried == 1 ? "" : "s");
}

/*
 * On a terminal, a delete, release or forward of more than --confirm-over messages asks once,
 * with the count per folder, on /dev/tty (standard input may be the GUID list). Returns 1 to go
 * on, 0 when not confirmed.
 */
int cli_bulk_confirmed(struct run *r)
{
	cli_ctx *ctx = r->ctx;
	const char *a = pps_qaction_name(ctx->cmd->action);
	char answer[16] = "";
	FILE *tty;
	int yes;

	if (ctx->yes || ctx->dry_run || !ctx->err_tty || ctx->confirm_over < 0 ||
	    r->unique <= (size_t)ctx->confirm_over)
		return 1;
	if (strcmp(a, "delete") != 0 && strcmp(a, "release") != 0 && strcmp(a, "forward") != 0)
		return 1;
	tty = fopen("/dev/tty", "r");
	if (!tty)
		return 1;
	fprintf(ctx->err, "pps: %s %zu messages (", a, r->unique);
	for (size_t g = 0; g < r->ngroups; g++)
		fprintf(ctx->err, "%s%s: %zu", g ? ", " : "", r->groups[g].folder, r->groups[g].n);
	fprintf(ctx->err, ")? [y/N] ");
	fflush(ctx->err);
	if (!fgets(answer, sizeof(answer), tty))
		answer[0] = '\0';
	fclose(tty);
	yes = answer[0] == 'y' || answer[0] == 'Y';
	if (!yes)
		cli_errorf(ctx, "not confirmed: nothing sent (--yes skips the question)");
	return yes;
}
