/*
 * --follow: new records as they appear, polled on the server's clock (the Date header of its
 * answers), each poll reading the last --overlap seconds again so that records indexed late
 * still come, and now and then the band past the overlap, to print and name records indexed
 * later still. Talks to the server only through walk.c's walk; prints only through its sink.
 */
#include <errno.h>
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

/* A clock difference past this many seconds is named on stderr (once). */
#define SKEW_NAMED_S 5
/* --follow backs off to at most this many seconds between polls while the server fails. */
#define FOLLOW_BACKOFF_MAX_S 300
/* The late sweep reads at least this far past the overlap. */
#define SWEEP_MIN_S 300
/* What poll_once returns when stdout or the checkpoint failed: no pps_code (those are < 0). */
#define LOCAL_FAILURE 1
/* Over-full seconds remembered, so that each is named once. */
#define WARNED_MAX 32

struct held {
	json_t *rec;
	int64_t t;
	size_t order;
};

struct batch {
	struct held *v;
	size_t n, alloc;
	json_t *seen;  /* borrowed: id -> time of every record printed within the horizon */
	int64_t start; /* nothing older than the start the user gave is printed */
	int quarantine;
};

struct follow {
	cli_ctx *ctx;
	cli_search *s;
	const char *const *folders;
	size_t nfolders;
	cli_checkpoint cp;
	struct sink k;
	struct batch b;
	cli_output out;
	long overlap; /* --overlap */
	long horizon; /* the ids printed this far back are kept: the overlap and the sweep */
	int64_t skew; /* this machine's clock minus the server's */
	int skew_known, skew_named;
	int64_t swept_at; /* the high water of the last sweep past the overlap */
	int64_t warned[WARNED_MAX];
	size_t nwarned;
	int lost; /* an over-full second was named: exit 1 */
	char job[96];
};

static int collect_new(void *arg, json_t *rec, int64_t t)
{
	struct batch *b = arg;
	const char *id = cli_record_id(b->quarantine, rec);

	/* The server's start is to the second and its clock may not be ours: the start holds. */
	if (t < b->start)
		return 0;
	/* A walk emits each record once: only what earlier polls printed needs skipping. */
	if (id && json_object_get(b->seen, id))
		return 0;
	if (b->n == b->alloc) {
		size_t na = b->alloc ? b->alloc * 2 : 64;
		struct held *nv = realloc(b->v, na * sizeof(*nv));

		if (!nv)
			return -1;
		b->v = nv;
		b->alloc = na;
	}
	b->v[b->n].rec = json_incref(rec);
	b->v[b->n].t = t;
	b->v[b->n].order = b->n;
	b->n++;
	return 0;
}

/* Oldest first; within one second, the reverse of the server's newest-first order. */
static int oldest_first(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->order < y->order) - (x->order > y->order);
}

static void batch_release(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		json_decref(b->v[i].rec);
	free(b->v);
	b->v = NULL;
	b->n = 0;
	b->alloc = 0;
}

/* Sleeps up to seconds, waking early on SIGINT/SIGTERM. */
static void nap(long seconds)
{
	struct timespec ts = { .tv_sec = seconds, .tv_nsec = 0 };

	while (!cli_walk_stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A failure that following cannot outlast: credentials, rights, the request itself. */
static int fatal_for_follow(int rc)
{
	return rc == PPS_EAUTH || rc == PPS_EPERM || rc == PPS_EUSAGE || rc == PPS_EREJECTED ||
	       rc == PPS_ENOTFOUND || rc == PPS_ENOMEM;
}

/* Names a second that held more records than one answer returns, once per second. */
static void note_overfull(struct follow *f, int64_t second, const char *folder)
{
	char when[32];

	for (size_t i = 0; i < f->nwarned && i < WARNED_MAX; i++)
		if (f->warned[i] == second)
			return;
	f->warned[f->nwarned++ % WARNED_MAX] = second;
	f->lost = 1;
	tu_format_utc(second, when, sizeof(when));
	cli_errorf(f->ctx,
		   "following: %s%s%sthe second %s UTC holds more records than the server "
		   "returns in one answer: some of them are missing; narrow the search with a "
		   "filter",
		   folder ? "folder '" : "", folder ? folder : "", folder ? "': " : "", when);
}

/* The server's clock against ours, from the first answer of a poll; named once when off. */
static void note_clock(struct follow *f, int64_t server, int64_t local)
{
	int64_t d = local - server;

	f->skew = d;
	if (f->skew_named || (d <= SKEW_NAMED_S && d >= -SKEW_NAMED_S)) {
		f->skew_known = 1;
		return;
	}
	f->skew_named = 1;
	/*
	 * A start counted back from now ("now", the default, "10 minutes ago") means the server's
	 * now: the records that came since the job started carry the server's dates. The next
	 * poll reads from the start so moved (a resumed job keeps the start it was given).
	 */
	if (!f->skew_known && !f->cp.resumed && f->s->start_from_now) {
		f->cp.from -= d;
		f->cp.kept_from = f->cp.from;
		f->b.start = f->cp.from;
		if (f->cp.high_water > f->cp.from && d > 0)
			f->cp.high_water = f->cp.from;
	}
	f->skew_known = 1;
	cli_errorf(f->ctx,
		   "following: the server's clock is %lld s %s this machine's: polling on the "
		   "server's clock%s",
		   (long long)(d < 0 ? -d : d), d > 0 ? "behind" : "ahead of",
		   f->s->start_from_now && !f->cp.resumed ? ", the start too" : "");
}

/*
 * One walk of [from, to) (has_to 0: open) in every folder into f->b. Sets *server to the Date
 * of the first answer (-1 when none) and *newest to the newest record any answer held
 * (INT64_MIN when none). Returns 0 or a pps_code.
 */
static int walk_poll(struct follow *f, int64_t from, int64_t to, int has_to, int64_t *server,
		     int64_t *newest)
{
	cli_search *s = f->s;
	int rc = PPS_OK;

	*server = -1;
	*newest = INT64_MIN;
	for (size_t i = 0; i < (s->quarantine ? f->nfolders : 1) && rc == PPS_OK; i++) {
		struct walk w;
		cli_checkpoint pos;
		const char *folder = s->quarantine ? f->folders[i] : NULL;

		if (cli_checkpoint_init(&pos, 0))
			return PPS_ENOMEM;
		cli_walk_init(&w, f->ctx, s, &pos, folder, collect_new, &f->b);
		w.from = from;
		pos.to = s->quarantine && has_to ? to - 1 : to;
		pos.has_to = has_to;
		rc = cli_walk_window(&w);
		cli_checkpoint_release(&pos);
		if (w.newest > *newest)
			*newest = w.newest;
		if (i == 0 && w.server_time > 0) {
			*server = w.server_time;
			note_clock(f, w.server_time, w.local_time);
		}
		if (rc == PPS_OK && w.incomplete)
			note_overfull(f, w.incomplete_at, f->nfolders > 1 ? folder : NULL);
	}
	return rc;
}

/*
 * Prints the batch oldest first and remembers what it printed. Records older than late_before
 * were missed by every poll that covered their time: they were indexed past the overlap, and
 * are counted and named. 0, or -1 when stdout failed.
 */
static int print_batch(struct follow *f, int64_t late_before, int64_t now)
{
	struct batch *b = &f->b;
	unsigned long late = 0;
	int64_t latest = 0;

	if (b->n)
		qsort(b->v, b->n, sizeof(*b->v), oldest_first);
	for (size_t i = 0; i < b->n; i++) {
		const char *id = cli_record_id(f->s->quarantine, b->v[i].rec);

		if (cli_sink_add(&f->k, b->v[i].rec))
			break;
		if (id)
			json_object_set_new(f->cp.seen, id, json_integer(b->v[i].t));
		if (b->v[i].t < late_before) {
			late++;
			if (now - b->v[i].t > latest)
				latest = now - b->v[i].t;
		}
	}
	batch_release(b);
	if (late)
		cli_errorf(f->ctx,
			   "following: %lu record%s indexed up to %lld s late, past the --overlap "
			   "of %ld s: printed now; widen --overlap",
			   late, late == 1 ? "" : "s", (long long)latest, f->overlap);
	if (f->k.failed || cli_sink_poll_done(&f->k))
		return -1;
	return 0;
}

/*
 * One poll: the window from the high water back by the overlap (or, now and then, by the
 * whole horizon), on the server's clock; a slice at a time while it catches up on the past.
 * Returns 0, a pps_code, or LOCAL_FAILURE when stdout or the checkpoint failed (said).
 */
static int poll_once(struct follow *f, int *caught_up)
{
	cli_checkpoint *cp = &f->cp;
	int64_t local = (int64_t)time(NULL), now = f->skew_known ? local - f->skew : local;
	int64_t hw = cp->high_water, floor = cp->from > cp->kept_from ? cp->from : cp->kept_from;
	int64_t from = hw - f->overlap, to = 0, next_hw, server, newest;
	int has_to = 0, sweep = 0, rc;

	if (from < floor)
		from = floor;
	if (now - from > CLI_FOLLOW_SLICE_S + f->overlap) {
		/* Catching up on the past goes a slice at a time, so that memory stays small. */
		to = from + CLI_FOLLOW_SLICE_S;
		has_to = 1;
	} else if (f->swept_at == INT64_MIN || hw - f->swept_at >= f->overlap) {
		sweep = 1;
		from = hw - f->horizon > floor ? hw - f->horizon : floor;
	}
	*caught_up = !has_to;
	rc = walk_poll(f, from, to, has_to, &server, &newest);
	if (rc || cli_walk_stop) {
		batch_release(&f->b);
		return rc;
	}
	/*
	 * The server's clock, but never past the newest record it holds: a proxy in front of it
	 * may write the Date header from a clock of its own, while the records keep the server's.
	 */
	if (has_to)
		next_hw = to;
	else if (server > 0 && (newest == INT64_MIN || server <= newest + 1))
		next_hw = server;
	else
		next_hw = newest == INT64_MIN ? hw : newest + 1;
	if (next_hw < cp->high_water) /* never back (note_clock may have moved the start) */
		next_hw = cp->high_water;
	if (print_batch(f, hw - f->overlap, server > 0 ? server : now))
		return LOCAL_FAILURE;
	if (sweep)
		f->swept_at = hw;
	/* The checkpoint covers only what is on stdout already. */
	cp->high_water = next_hw;
	if (next_hw - f->horizon > cp->kept_from) {
		cp->kept_from = next_hw - f->horizon;
		cli_checkpoint_prune(cp, cp->kept_from);
	}
	if (cli_job_files_save(f->ctx, cp, f->job, &f->out))
		return LOCAL_FAILURE;
	return 0;
}

static int follow_loop(struct follow *f)
{
	int status = CLI_EXIT_OK, outage = 0, caught_up = 1;
	long backoff = 0;

	while (!cli_walk_stop) {
		int rc = poll_once(f, &caught_up);

		if (rc == LOCAL_FAILURE)
			return CLI_EXIT_FAILURE;
		if (cli_walk_stop)
			break;
		if (rc) {
			if (fatal_for_follow(rc))
				return cli_report(f->ctx, rc, NULL);
			if (!outage) {
				/* Once per outage; the records already printed stand. */
				cli_report(f->ctx, rc, "following");
				cli_errorf(f->ctx, "following: will keep trying");
			}
			outage = 1;
			backoff = backoff ? backoff * 2 : f->ctx->jobs.interval;
			if (backoff > FOLLOW_BACKOFF_MAX_S)
				backoff = FOLLOW_BACKOFF_MAX_S;
			nap(backoff);
			continue;
		}
		if (outage)
			cli_errorf(f->ctx, "following: the server answers again");
		outage = 0;
		backoff = 0;
		if (caught_up)
			nap(f->ctx->jobs.interval);
	}
	return status;
}

int cli_follow_run(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders)
{
	struct follow f;
	int64_t start = s->quarantine ? s->qs.startdate.epoch : s->ss.from.epoch;
	int status;

	memset(&f, 0, sizeof(f));
	f.ctx = ctx;
	f.s = s;
	f.folders = folders;
	f.nfolders = nfolders;
	f.overlap = ctx->jobs.overlap;
	f.horizon = f.overlap + (f.overlap > SWEEP_MIN_S ? f.overlap : SWEEP_MIN_S);
	f.swept_at = INT64_MIN;
	f.b.quarantine = s->quarantine;
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
	f.b.start = f.cp.from;
	f.b.seen = f.cp.seen;
	if (cli_sink_init(&f.k, ctx)) {
		cli_errorf(ctx, "cannot write to standard output");
		status = CLI_EXIT_FAILURE;
		goto close;
	}
	status = follow_loop(&f);
	/* A table with nothing since its last poll prints nothing (not "No results found."). */
	if (cli_sink_end(&f.k, f.k.n > 0) != CLI_EXIT_OK)
		status = CLI_EXIT_FAILURE;
	if (status == CLI_EXIT_OK && f.lost)
		status = CLI_EXIT_FAILURE; /* a second held more than was printed: said above */
close:
	if (cli_job_files_close(ctx, &f.out) && status == CLI_EXIT_OK)
		status = CLI_EXIT_FAILURE;
done:
	cli_checkpoint_release(&f.cp);
	return status;
}
