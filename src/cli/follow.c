/*
 * --follow: libpps's pps_*_follow (new records as they appear, polled on the server's clock,
 * each poll reading the last --overlap seconds again, now and then the band past it), printed
 * through walk.c's sink, its position saved in the checkpoint after each poll is out, what it
 * tells worded on stderr.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/checkpoint.h"
#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/jobfiles.h"
#include "cli/walkpriv.h"
#include "util/timeutil.h"

#include "util/banned.h"

struct follow {
	cli_ctx *ctx;
	cli_checkpoint cp;
	struct sink k;
	cli_output out;
	char job[96];
};

static int follow_record(void *arg, json_t *rec, int64_t t)
{
	struct follow *f = arg;

	(void)t;
	return cli_sink_add(&f->k, rec);
}

/* After each poll: its output ends (a table per poll) and then the position is saved. */
static int follow_poll_done(void *arg, const char *position)
{
	struct follow *f = arg;

	if (f->k.failed || cli_sink_poll_done(&f->k))
		return -1;
	if (cli_walk_position_read(&f->cp, 1, position))
		return -1;
	return cli_job_files_save(f->ctx, &f->cp, f->job, &f->out) ? -1 : 0;
}

static void say_clock(cli_ctx *ctx, const pps_follow_event *ev)
{
	int64_t d = ev->skew;

	cli_errorf(ctx,
		   "following: the server's clock is %lld s %s this machine's: polling on the "
		   "server's clock%s",
		   (long long)(d < 0 ? -d : d), d > 0 ? "behind" : "ahead of",
		   ev->start_moved ? ", the start too" : "");
}

static void follow_event(void *arg, const pps_follow_event *ev)
{
	struct follow *f = arg;
	char when[32];

	switch (ev->type) {
	case PPS_FOLLOW_CLOCK:
		say_clock(f->ctx, ev);
		break;
	case PPS_FOLLOW_OVERFULL:
		tu_format_utc(ev->second, when, sizeof(when));
		cli_errorf(f->ctx,
			   "following: %s%s%sthe second %s UTC holds more records than the server "
			   "returns in one answer: some of them are missing; narrow the search "
			   "with a filter",
			   ev->folder ? "folder '" : "", ev->folder ? ev->folder : "",
			   ev->folder ? "': " : "", when);
		break;
	case PPS_FOLLOW_LATE:
		cli_errorf(f->ctx,
			   "following: %lu record%s indexed up to %lld s late, past the --overlap "
			   "of %ld s: printed now; widen --overlap",
			   ev->late, ev->late == 1 ? "" : "s", (long long)ev->latest,
			   f->ctx->jobs.overlap);
		break;
	case PPS_FOLLOW_OUTAGE:
		/* Once per outage; the records already printed stand. */
		cli_report(f->ctx, ev->code, "following");
		cli_errorf(f->ctx, "following: will keep trying");
		break;
	case PPS_FOLLOW_RECOVERED:
		cli_errorf(f->ctx, "following: the server answers again");
		break;
	}
}

/* The follow itself, from where f->cp stands. Returns the exit status. */
static int follow_run(struct follow *f, cli_search *s, const char *const *folders, size_t nfolders)
{
	pps_follow_options o = PPS_FOLLOW_OPTIONS_INIT;
	char *pos = NULL;
	int rc;

	if (f->cp.resumed && cli_walk_position(&f->cp, 1, &pos)) {
		cli_errorf(f->ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	o.interval = f->ctx->jobs.interval;
	o.overlap = f->ctx->jobs.overlap ? f->ctx->jobs.overlap : PPS_FOLLOW_NO_OVERLAP;
	o.server_cap = f->ctx->jobs.server_cap;
	o.folders = s->quarantine ? folders : NULL;
	o.nfolders = s->quarantine ? nfolders : 0;
	o.start_from_now = s->start_from_now;
	o.record = follow_record;
	o.poll_done = follow_poll_done;
	o.event = follow_event;
	o.stop = cli_walk_stopped;
	o.ctx = f;
	o.position = pos;
	if (s->quarantine)
		rc = pps_quarantine_follow(f->ctx->client, &s->qs, &o);
	else
		rc = pps_smartsearch_follow(f->ctx->client, &s->ss, &o);
	free(pos);
	if (rc == PPS_OK)
		return CLI_EXIT_OK;
	/* stdout or the checkpoint failed (said), or a second held more than was printed (said) */
	if (rc == PPS_ECANCELED || rc == PPS_EINCOMPLETE)
		return CLI_EXIT_FAILURE;
	return cli_report(f->ctx, rc, NULL);
}

int cli_follow_run(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders)
{
	struct follow f;
	int64_t start = s->quarantine ? s->qs.start.epoch : s->ss.start.epoch;
	int status;

	memset(&f, 0, sizeof(f));
	f.ctx = ctx;
	if (cli_checkpoint_init(&f.cp, start)) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	f.cp.follow = 1;
	f.cp.from = start;
	f.cp.kept_from = start;
	cli_walk_digest(ctx, s, folders, nfolders, f.cp.digest);
	cli_walk_job_name(ctx, f.job, sizeof(f.job));
	status = cli_job_files_open(ctx, &f.cp, f.job, &f.out);
	if (status != CLI_EXIT_OK)
		goto done;
	if (cli_sink_init(&f.k, ctx)) {
		cli_errorf(ctx, "cannot write to standard output");
		status = CLI_EXIT_FAILURE;
		goto close;
	}
	status = follow_run(&f, s, folders, nfolders);
	/* A table with nothing since its last poll prints nothing (not "No results found."). */
	if (cli_sink_end(&f.k, f.k.n > 0) != CLI_EXIT_OK)
		status = CLI_EXIT_FAILURE;
close:
	if (cli_job_files_close(ctx, &f.out) && status == CLI_EXIT_OK)
		status = CLI_EXIT_FAILURE;
done:
	cli_checkpoint_release(&f.cp);
	return status;
}
