/*
 * --all: the whole window of a search, newest first, past any server cap, folder by folder for
 * quarantine, through libpps's pps_*_walk; with --checkpoint its position saved after each
 * page is out. Prints only through walk.c's sink.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/checkpoint.h"
#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/jobfiles.h"
#include "cli/walkpriv.h"
#include "util/timeutil.h"

#include "util/banned.h"

int cli_walk_warn_incomplete(cli_ctx *ctx, int64_t second, const char *what)
{
	char when[32];

	tu_format_utc(second, when, sizeof(when));
	cli_errorf(ctx,
		   "%s%sthe second %s UTC holds more records than the server returns in one "
		   "answer: some of them may be missing; narrow the search with a filter",
		   what ? what : "", what ? ": " : "", when);
	return CLI_EXIT_FAILURE;
}

struct all_state {
	cli_ctx *ctx;
	struct sink *k;
	cli_checkpoint *at;
	cli_output out;
	char job[96];
	int failed;	 /* the checkpoint or the output could not be written (said) */
	int page_failed; /* the last walk was stopped by all_page_done */
	int progress;	 /* a progress line on stderr */
	unsigned long long printed_before; /* records printed by earlier parts and runs */
	unsigned long long printed_now;	   /* records printed by this run */
	int64_t reached;		   /* the oldest record this run printed */
	const char *reached_in;		   /* its folder (quarantine) */
	struct timespec started;
};

static int emit_to_sink(void *arg, json_t *rec, int64_t t)
{
	struct all_state *st = arg;

	(void)t;
	return cli_sink_add(st->k, rec);
}

static void progress_line(const struct all_state *st, const pps_walk_result *r)
{
	char when[32] = "-";
	struct timespec t;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &t);
	secs = (double)(t.tv_sec - st->started.tv_sec) +
	       (double)(t.tv_nsec - st->started.tv_nsec) / 1e9;
	if (r->records)
		tu_format_utc(r->reached, when, sizeof(when));
	fprintf(st->ctx->err, "\r\033[K%zu records, reached %s UTC, %.0f/s", r->records, when,
		secs > 0 ? (double)r->records / secs : 0.0);
	fflush(st->ctx->err);
}

/*
 * After each page: the progress line; with --checkpoint, stdout is flushed and then the
 * position saved.
 */
static int all_page_done(void *arg, const char *position, const pps_walk_result *sofar)
{
	struct all_state *st = arg;
	cli_checkpoint *at = st->at;

	if (st->progress)
		progress_line(st, sofar);
	if (!st->ctx->jobs.checkpoint)
		return 0;
	st->page_failed = 1;
	if (cli_sink_flush(st->k))
		return -1;
	if (cli_walk_position_read(at, 0, position))
		return -1;
	at->printed = st->printed_before + sofar->records;
	if (cli_job_files_save(st->ctx, at, st->job, &st->out)) {
		st->failed = 1;
		return -1;
	}
	st->page_failed = 0;
	return 0;
}

/* One part (folder) of the walk from where st->at stands: a pps_code, res filled. */
static int walk_part(struct all_state *st, cli_search *s, long total_cap, pps_walk_result *res)
{
	pps_walk_options o = PPS_WALK_OPTIONS_INIT;
	char *pos = NULL;
	int rc;

	pps_walk_result_init(res, PPS_WALK_RESULT_VERSION);
	if (cli_walk_position(st->at, 0, &pos))
		return PPS_ENOMEM;
	o.server_cap = st->ctx->jobs.server_cap;
	o.limit = total_cap;
	o.record = emit_to_sink;
	o.page_done = st->progress || st->ctx->jobs.checkpoint ? all_page_done : NULL;
	o.stop = cli_walk_stopped;
	o.ctx = st;
	o.position = pos;
	st->page_failed = 0;
	clock_gettime(CLOCK_MONOTONIC, &st->started);
	if (s->quarantine)
		rc = pps_quarantine_walk(st->ctx->client, &s->qs, &o, res);
	else
		rc = pps_smartsearch_walk(st->ctx->client, &s->ss, &o, res);
	free(pos);
	if (st->progress) {
		fputs("\r\033[K", st->ctx->err);
		fflush(st->ctx->err);
	}
	st->at->done = res->done;
	/* A failed save stops the walk (said); a record stdout refused is a local failure. */
	if (rc == PPS_ECANCELED)
		rc = st->page_failed ? PPS_OK : PPS_ENOMEM;
	return rc;
}

/* Walks the parts (folders) from where at stands. Returns the exit status; *failures. */
static int all_parts(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders,
		     struct all_state *st, int *failures)
{
	cli_checkpoint *at = st->at;
	long cap = s->quarantine ? s->qs.limit : s->ss.count;
	size_t parts = s->quarantine ? nfolders : 1;
	int status = CLI_EXIT_OK;

	st->progress = ctx->err_tty && !ctx->quiet;
	for (size_t p = at->part, first = at->part; p < parts && !cli_walk_stop; p++) {
		pps_walk_result res;
		char what[300];
		int64_t from, to;
		int has_to, rc;
		long total_cap = 0;

		if (s->quarantine)
			s->qs.folder = folders[p];
		cli_walk_window_of(s, &from, &to, &has_to);
		/* A resumed part goes on from where its checkpoint stands. */
		if (!at->resumed || p != first) {
			at->to = to;
			at->has_to = has_to;
		}
		st->printed_before = at->printed;
		/* limit= with --all is a total cap over every folder. */
		if (ctx->jobs.limit_given) {
			total_cap = cap - (long)at->printed;
			if (total_cap <= 0)
				break;
		}
		at->part = p;
		at->done = 0;
		rc = walk_part(st, s, total_cap, &res);
		at->printed = st->printed_before + res.records;
		st->printed_now += res.records;
		if (res.records) {
			st->reached = res.reached;
			st->reached_in = s->quarantine ? folders[p] : NULL;
		}
		snprintf(what, sizeof(what), "folder '%s'", s->quarantine ? folders[p] : "");
		if (rc == PPS_EINCOMPLETE) {
			at->overfull = res.overfull_at;
			status = cli_walk_warn_incomplete(
				ctx, res.overfull_at, s->quarantine && nfolders > 1 ? what : NULL);
		} else if (rc) {
			(*failures)++;
			status = cli_report(ctx, rc, s->quarantine && nfolders > 1 ? what : NULL);
			if (!s->quarantine || rc == PPS_EAUTH || rc == PPS_EPERM)
				break;
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

/*
 * A walk a signal stopped before its end: how far it got, and how to go on; 130
 * (docs/exit-codes.md), as a stopped bulk action.
 */
static int say_stopped(cli_ctx *ctx, const struct all_state *st)
{
	char when[32] = "";
	char where[300] = "";

	if (st->printed_now) {
		tu_format_utc(st->reached, when, sizeof(when));
		snprintf(where, sizeof(where), ", the oldest from %s UTC%s%s%s", when,
			 st->reached_in ? " in folder '" : "", st->reached_in ? st->reached_in : "",
			 st->reached_in ? "'" : "");
	}
	if (ctx->jobs.checkpoint)
		cli_errorf(ctx,
			   "stopped before the end of the window: %llu record%s written%s; the "
			   "same command with --checkpoint '%s' resumes from there",
			   st->printed_now, st->printed_now == 1 ? "" : "s", where,
			   ctx->jobs.checkpoint);
	else
		cli_errorf(
			ctx,
			"stopped before the end of the window: %llu record%s written%s; the "
			"older records were not fetched (--checkpoint FILE makes a walk resumable)",
			st->printed_now, st->printed_now == 1 ? "" : "s", where);
	return CLI_EXIT_INTERRUPTED;
}

int cli_all_run(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders)
{
	struct sink k;
	struct all_state st;
	cli_checkpoint at;
	int status, failures = 0, complete;
	size_t parts = s->quarantine ? nfolders : 1;

	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.k = &k;
	st.at = &at;
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
		/* A crowded second found by an earlier run stays a gap: the job is still partial. */
		if (at.overfull)
			status = cli_walk_warn_incomplete(ctx, at.overfull, NULL);
		goto done;
	}
	status = all_parts(ctx, s, folders, nfolders, &st, &failures);
	complete = at.part >= parts || (at.part + 1 == parts && at.done);
	if (ctx->jobs.checkpoint && !k.failed && !st.failed) {
		at.done = at.part >= parts && !cli_walk_stop && !failures;
		if (cli_sink_flush(&k) == 0 && cli_job_files_save(ctx, &at, st.job, &st.out))
			st.failed = 1;
	}
	/* A checkpoint or output that could not be written stops the walk, never with 0. */
	if (st.failed)
		status = CLI_EXIT_FAILURE;
	/* A walk a signal cut short did not finish: never 0, and it says how far it got. */
	else if (cli_walk_stop && !complete)
		status = say_stopped(ctx, &st);
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
