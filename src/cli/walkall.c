/*
 * --all: the whole window of a search, newest first, past any server cap, folder by folder for
 * quarantine; with --checkpoint its position saved after each page is out (see walk.c for the
 * walk itself). Prints only through walk.c's sink.
 */
#include <jansson.h>
#include <string.h>

#include "cli/checkpoint.h"
#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/jobfiles.h"
#include "cli/walkpriv.h"
#include "util/timeutil.h"

#include "util/banned.h"

static int emit_to_sink(void *arg, json_t *rec, int64_t t)
{
	(void)t;
	return cli_sink_add(arg, rec);
}

/* Prints the warning of a second that held more records than one answer returns; 1. */
static int warn_incomplete(cli_ctx *ctx, const struct walk *w, const char *what)
{
	char when[32];

	tu_format_utc(w->incomplete_at, when, sizeof(when));
	cli_errorf(ctx,
		   "%s%sthe second %s UTC holds more records than the server returns in one "
		   "answer: some of them may be missing; narrow the search with a filter",
		   what ? what : "", what ? ": " : "", when);
	return CLI_EXIT_FAILURE;
}

struct all_state {
	struct sink *k;
	cli_output out;
	char job[96];
	int failed; /* the checkpoint or the output could not be written (said) */
};

/* --all --checkpoint: after each page, stdout is flushed and then the position is saved. */
static int all_page_done(struct walk *w)
{
	struct all_state *st = w->page_arg;

	if (cli_sink_flush(st->k))
		return -1;
	w->at->printed = w->printed_before + w->emitted;
	if (cli_job_files_save(w->ctx, w->at, st->job, &st->out)) {
		st->failed = 1;
		return -1;
	}
	return 0;
}

/* Walks the parts (folders) from where at stands. Returns the exit status; *failures. */
static int all_parts(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders,
		     cli_checkpoint *at, struct all_state *st, int *failures)
{
	long cap = s->quarantine ? s->qs.limit : s->ss.count;
	size_t parts = s->quarantine ? nfolders : 1;
	int status = CLI_EXIT_OK;

	for (size_t p = at->part, first = at->part; p < parts && !cli_walk_stop; p++) {
		struct walk w;
		char what[300];
		int64_t to;
		int has_to, rc;

		cli_walk_init(&w, ctx, s, at, s->quarantine ? folders[p] : NULL, emit_to_sink,
			      st->k);
		cli_walk_window_of(s, &w.from, &to, &has_to);
		/* A resumed part goes on from where its checkpoint stands. */
		if (!at->resumed || p != first) {
			at->to = to;
			at->has_to = has_to;
		}
		w.printed_before = at->printed;
		/* limit= with --all is a total cap over every folder. */
		if (ctx->jobs.limit_given) {
			w.total_cap = cap - (long)at->printed;
			if (w.total_cap <= 0)
				break;
		}
		if (ctx->jobs.checkpoint) {
			w.page_done = all_page_done;
			w.page_arg = st;
		}
		w.progress = ctx->err_tty && !ctx->quiet;
		at->part = p;
		at->done = 0;
		rc = cli_walk_window(&w);
		at->printed = w.printed_before + w.emitted;
		snprintf(what, sizeof(what), "folder '%s'", s->quarantine ? folders[p] : "");
		if (rc) {
			(*failures)++;
			status = cli_report(ctx, rc, s->quarantine && nfolders > 1 ? what : NULL);
			if (!s->quarantine || rc == PPS_EAUTH || rc == PPS_EPERM)
				break;
		} else if (w.incomplete) {
			status = warn_incomplete(ctx, &w,
						 s->quarantine && nfolders > 1 ? what : NULL);
		}
		if (st->k->failed || st->failed || cli_walk_stop || !at->done)
			break;
		/* The next folder starts afresh. */
		at->has_bound = 0;
		json_object_clear(at->seen);
		at->part = p + 1;
	}
	return status;
}

int cli_all_run(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders)
{
	struct sink k;
	struct all_state st;
	cli_checkpoint at;
	int status, failures = 0;
	size_t parts = s->quarantine ? nfolders : 1;

	memset(&st, 0, sizeof(st));
	st.k = &k;
	cli_walk_job_name(ctx, st.job, sizeof(st.job));
	if (cli_checkpoint_init(&at, 0)) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	/* The job: its filters, its window, where a fresh walk starts. */
	cli_walk_digest(ctx, s, folders, nfolders, at.digest);
	cli_walk_window_of(s, &at.from, &at.end, &at.has_end);
	at.to = at.end;
	at.has_to = at.has_end;
	at.parts = parts;
	at.cluster = ctx->collect ? NULL : ctx->cluster;
	status = cli_job_files_open(ctx, &at, st.job, &st.out);
	if (status != CLI_EXIT_OK) {
		cli_checkpoint_release(&at);
		return status;
	}
	if (cli_sink_init(&k, ctx)) {
		cli_job_files_close(ctx, &st.out);
		cli_checkpoint_release(&at);
		cli_errorf(ctx, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	if (at.resumed && at.done) {
		if (!ctx->quiet)
			cli_errorf(ctx, "checkpoint '%s': the walk was complete; nothing left",
				   ctx->jobs.checkpoint);
		goto done;
	}
	status = all_parts(ctx, s, folders, nfolders, &at, &st, &failures);
	if (ctx->jobs.checkpoint && !k.failed && !st.failed) {
		at.done = at.part >= parts && !cli_walk_stop && !failures;
		if (cli_sink_flush(&k) == 0 && cli_job_files_save(ctx, &at, st.job, &st.out))
			st.failed = 1;
	}
	/* A checkpoint or output that could not be written stops the walk, never with 0. */
	if (st.failed)
		status = CLI_EXIT_FAILURE;
done:
	/* A walk cut short by an error leaves a json document unclosed (see docs/output.md). */
	if (cli_sink_end(&k, !failures || s->quarantine) != CLI_EXIT_OK)
		status = CLI_EXIT_FAILURE;
	if (cli_job_files_close(ctx, &st.out))
		status = CLI_EXIT_FAILURE;
	cli_checkpoint_release(&at);
	if (status == CLI_EXIT_OK && failures && failures < (int)parts)
		status = CLI_EXIT_FAILURE;
	return status;
}
