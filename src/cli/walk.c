/*
 * The jobs bigger than one request (see walk.h). A PPS server caps every answer (Smart Search
 * at its configured count, quarantine at its limit) and answers newest first, so a window is
 * read page by page, each page ending at the oldest record of the one before (inclusive), the
 * records of that boundary second told apart by their GUID. Talks to the server only through
 * libpps; prints only through the record sink below.
 */
#include "cli/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/checkpoint.h"
#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/jobfiles.h"
#include "cli/walkpriv.h"
#include "util/buf.h"
#include "util/sha256.h"
#include "util/timeutil.h"

#include "util/banned.h"

/* Answers at least this long may have been cut by a server cap nobody told us about. */
#define CAP_SUSPECT 1000
/* The count asked of each --all page: the server gives what its cap allows. */
#define PAGE_SMARTSEARCH 10000
#define PAGE_QUARANTINE	 1000
/* The start of the request that tells the server's cap: 2000-01-01T00:00:00Z. */
#define PROBE_SINCE 946684800

volatile sig_atomic_t cli_walk_stop;

static void on_stop(int sig)
{
	(void)sig;
	cli_walk_stop = 1;
}

int cli_record_time(int quarantine, const json_t *rec, int64_t *out)
{
	const char *s = json_string_value(json_object_get(rec, quarantine ? "date" : "Date"));
	char iso[40];
	int offset, has_time;
	size_t len;

	if (!s)
		return -1;
	len = strlen(s);
	/* "2020-05-20 14:13:02 [UTC-0600]" becomes "2020-05-20 14:13:02-0600". */
	if (len == 30 && s[19] == ' ' && !strncmp(s + 20, "[UTC", 4) && s[29] == ']') {
		snprintf(iso, sizeof(iso), "%.19s%.5s", s, s + 24);
		s = iso;
	}
	return tu_parse_iso8601(s, out, &offset, &has_time);
}

const char *cli_record_id(int quarantine, const json_t *rec)
{
	const char *id;

	if (!quarantine)
		return json_string_value(json_object_get(rec, "GUID"));
	id = json_string_value(json_object_get(rec, "localguid"));
	if (!id || !*id)
		id = json_string_value(json_object_get(rec, "guid"));
	return id;
}

/* ---- the record sink: where walked records go ------------------------------------------ */

/*
 * Walked records go out as they come through render.c's stream (a table holds its rows to
 * measure them), or to ctx->collect for the merge of several clusters.
 */

int cli_sink_init(struct sink *k, cli_ctx *ctx)
{
	memset(k, 0, sizeof(*k));
	k->ctx = ctx;
	if (ctx->collect)
		return 0;
	if (cli_render_begin(&k->r, ctx->out, &ctx->render, &ctx->cmd->out) < 0) {
		if (k->r)
			cli_render_abort(k->r);
		k->r = NULL;
		return -1;
	}
	return 0;
}

int cli_sink_add(struct sink *k, json_t *rec)
{
	k->n++;
	if (!k->r)
		return cli_collect_record(k->ctx, rec);
	/* Several clusters printed one after the other: each record says whose it is. */
	if (k->ctx->cluster &&
	    json_object_set_new(rec, "cluster", json_string(k->ctx->cluster)) != 0) {
		k->failed = 1;
		return -1;
	}
	if (cli_render_record(k->r, rec) < 0) {
		k->failed = 1;
		return -1;
	}
	return 0;
}

/* Pushes what was added out to stdout (and, for a regular file, to the disk). */
int cli_sink_flush(struct sink *k)
{
	struct stat st;

	if (!k->r)
		return 0;
	if (cli_render_flush(k->r) < 0) {
		k->failed = 1;
		return -1;
	}
	if (fstat(fileno(k->ctx->out), &st) == 0 && S_ISREG(st.st_mode))
		fsync(fileno(k->ctx->out));
	return 0;
}

/*
 * Ends the output: completed when the walk was whole, else left as far as it went (a json
 * document unclosed, as render.c's abort does). Returns the exit status of the printing.
 */
int cli_sink_end(struct sink *k, int whole)
{
	int rc = 0;

	if (k->r)
		rc = whole && !k->failed ? cli_render_end(k->r) : cli_render_abort(k->r);
	k->r = NULL;
	if (rc < 0 || k->failed) {
		cli_errorf(k->ctx, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

/*
 * --follow: a table or markdown holds its rows until it ends, so each poll's new records are a
 * table of their own; CSV and NDJSON go on as one stream.
 */
int cli_sink_poll_done(struct sink *k)
{
	cli_format f = k->ctx->render.format;

	if (!k->r || k->n == 0 ||
	    (f != CLI_FMT_TABLE && f != CLI_FMT_WIDE && f != CLI_FMT_MARKDOWN))
		return cli_sink_flush(k);
	if (cli_sink_end(k, 1) != CLI_EXIT_OK)
		return -1;
	return cli_sink_init(k, k->ctx);
}

/* ---- one page ---------------------------------------------------------------------------- */

static pps_instant at(int64_t epoch, int offset_min)
{
	pps_instant t = { epoch, offset_min, 1 };

	return t;
}

/*
 * One request for [from, to) (Smart Search) or [from, to] (quarantine); no end when has_to is
 * 0. On success *out owns the response and its records are an array.
 */
int cli_walk_fetch(cli_ctx *ctx, const cli_search *s, int64_t from, int64_t to, int has_to,
		   long count, pps_response **out)
{
	if (!s->quarantine) {
		pps_smartsearch_req r = s->ss;

		r.from = at(from, s->ss.from.offset_min);
		if (has_to)
			r.to = at(to, s->ss.from.offset_min);
		else
			r.to.set = 0;
		r.count = count;
		return pps_smartsearch(out, ctx->client, &r);
	} else {
		pps_quarantine_search_req r = s->qs;
		int64_t now = (int64_t)time(NULL), srv = pps_client_server_time(ctx->client);

		r.startdate = at(from, 0);
		/* The end is always sent: an hour ahead of either clock stands for "open". */
		r.enddate = at(has_to ? to : (srv > now ? srv : now) + 3600, 0);
		r.limit = count;
		return pps_quarantine_search(out, ctx->client, &r);
	}
}

/* ---- --all: the whole window, newest first ----------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void progress_line(struct walk *w)
{
	char when[32] = "-";
	double secs = seconds_since(&w->started);

	if (w->emitted)
		tu_format_utc(w->reached, when, sizeof(when));
	fprintf(w->ctx->err, "\r\033[K%zu records, reached %s UTC, %.0f/s", w->emitted, when,
		secs > 0 ? (double)w->emitted / secs : 0.0);
	fflush(w->ctx->err);
}

/* The end of the next request: the boundary second, included, on either API. */
static void end_at_bound(struct walk *w)
{
	w->at->to = w->s->quarantine ? w->at->bound : w->at->bound + 1;
	w->at->has_to = 1;
}

/*
 * A walk of s (for a quarantine search, of folder) standing at at, asking for as many records
 * a page as the server gives: its cap when known, else the most each API takes.
 */
void cli_walk_init(struct walk *w, cli_ctx *ctx, cli_search *s, cli_checkpoint *at,
		   const char *folder, emit_fn emit, void *arg)
{
	memset(w, 0, sizeof(*w));
	w->ctx = ctx;
	w->s = s;
	w->at = at;
	if (s->quarantine)
		s->qs.folder = folder;
	w->page = s->quarantine ? PAGE_QUARANTINE : PAGE_SMARTSEARCH;
	if (ctx->jobs.server_cap > 0 && ctx->jobs.server_cap < w->page)
		w->page = ctx->jobs.server_cap;
	w->emit = emit;
	w->arg = arg;
	w->server_time = -1;
}

/*
 * A page that ended at second (included) held only that second, and the page after it found
 * older records: either the server cut the page, or those records were indexed in between (a
 * live server indexes late). The same request again tells: 1 when it still holds nothing
 * older than second (the cut), 0 otherwise.
 */
static int one_second_again(struct walk *w, int64_t second, long count)
{
	pps_response *resp = NULL;
	size_t i;
	json_t *rec;
	int only = 1;

	if (cli_walk_fetch(w->ctx, w->s, w->from, w->s->quarantine ? second : second + 1, 1, count,
			   &resp) != PPS_OK)
		return 1; /* cannot tell: say so rather than stay silent */
	json_array_foreach(resp->records, i, rec)
	{
		int64_t t;

		if (!cli_record_time(w->s->quarantine, rec, &t) && t < second)
			only = 0;
	}
	pps_response_free(resp);
	return only;
}

/*
 * The oldest second of a window came in a page of n records, all of that second, shorter than
 * asked, and no older record was left to tell whether the server had cut it. One request
 * without the filters since 2000 tells the server's cap: when it answers n records to a
 * request for n + 1, n is the cap (or the server holds n records in all, which no real one
 * does), and the second may hold more than it returned.
 */
static void check_oldest_second(struct walk *w, size_t n, int64_t second)
{
	long cap = w->ctx->jobs.server_cap;
	pps_response *resp = NULL;
	cli_search probe;

	if (cap > 0) {
		if ((long)n >= cap) {
			w->incomplete = 1;
			w->incomplete_at = second;
		}
		return;
	}
	memset(&probe, 0, sizeof(probe));
	probe.quarantine = w->s->quarantine;
	probe.ss.from = w->s->ss.from;
	probe.qs.startdate = w->s->qs.startdate;
	probe.qs.folder = w->s->qs.folder;
	if (cli_walk_fetch(w->ctx, &probe, PROBE_SINCE, 0, 0, (long)n + 1, &resp) != PPS_OK)
		return; /* the records printed stand; a failed check is not worth an error */
	if (json_array_size(resp->records) == n) {
		w->incomplete = 1;
		w->incomplete_at = second;
	}
	pps_response_free(resp);
}

/*
 * Walks the window newest first from where w->at stands: each page ends at the oldest second
 * of the page before (included), whose records already printed are skipped by their id. Stops
 * when a request brings nothing new (w->at->done = 1), at the total cap, or on SIGINT/SIGTERM.
 * Returns 0, or a pps_code with the detail in the client (reported by the caller).
 */
int cli_walk_window(struct walk *w)
{
	cli_checkpoint *at = w->at;
	size_t max_n = 0, suspect_n = 0;
	int rc = PPS_OK, suspect = 0;
	int64_t suspect_at = 0;

	clock_gettime(CLOCK_MONOTONIC, &w->started);
	while (!cli_walk_stop) {
		pps_response *resp = NULL;
		size_t n, i, fresh = 0;
		json_t *rec;
		int64_t oldest = 0, newest = 0;
		long count = w->page;

		/* Near the total cap, ask for what is left plus the ids that will be skipped. */
		if (w->total_cap > 0) {
			long want =
				w->total_cap - (long)w->emitted + (long)json_object_size(at->seen);

			if (want < count)
				count = want;
		}
		rc = cli_walk_fetch(w->ctx, w->s, w->from, at->to, at->has_to, count, &resp);
		if (rc)
			break;
		if (w->server_time < 0) {
			w->server_time = pps_client_server_time(w->ctx->client);
			w->local_time = (int64_t)time(NULL);
		}
		n = json_array_size(resp->records);
		if (n > max_n)
			max_n = n;
		/*
		 * The page before held only its boundary second, all of it printed: had that second
		 * held fewer records than an answer, this page's older records would have come with
		 * them. So that answer was full, and the second may hold more than it returned.
		 */
		if (suspect && n > 0 && !w->incomplete && one_second_again(w, suspect_at, count)) {
			w->incomplete = 1;
			w->incomplete_at = suspect_at;
		}
		if (n > 0)
			suspect = 0; /* an empty page leaves it to the check after the loop */
		json_array_foreach(resp->records, i, rec)
		{
			int64_t t;
			const char *id = cli_record_id(w->s->quarantine, rec);

			if (cli_record_time(w->s->quarantine, rec, &t)) {
				/* A record without a readable time cannot be placed in the walk. */
				pps_response_free(resp);
				return PPS_EPROTO;
			}
			if (i == 0)
				newest = t;
			oldest = t;
			if (id && at->has_bound && t <= at->bound + 1 &&
			    json_object_get(at->seen, id))
				continue;
			if (w->total_cap > 0 && (long)w->emitted >= w->total_cap)
				continue;
			fresh++;
			w->emitted++;
			w->reached = t;
			if (w->emit(w->arg, rec, t)) {
				pps_response_free(resp);
				return PPS_ENOMEM;
			}
		}
		if (n == 0 || (w->total_cap > 0 && (long)w->emitted >= w->total_cap)) {
			pps_response_free(resp);
			at->done = 1;
			break;
		}
		if (fresh == 0) {
			long cap = w->ctx->jobs.server_cap;

			/*
			 * The page held only records of the boundary second, all printed. When it
			 * was as long as an answer the server is known to cut, that second may hold
			 * more records than one answer returns: say so, and go on with the seconds
			 * before it. Without a known cap, the next page tells (see above), or at
			 * the window's oldest end one request without the filters
			 * (check_oldest_second).
			 */
			if (newest == oldest && !w->incomplete &&
			    ((long)n >= count || (cap > 0 && (long)n >= cap))) {
				w->incomplete = 1;
				w->incomplete_at = oldest;
			}
			suspect = newest == oldest && !w->incomplete;
			suspect_at = oldest;
			suspect_n = n;
			pps_response_free(resp);
			if (!at->has_bound || w->from >= at->bound) {
				at->done = 1;
				break;
			}
			at->to = w->s->quarantine ? at->bound - 1 : at->bound;
			at->has_to = 1;
			at->has_bound = 0;
			json_object_clear(at->seen);
			continue;
		}
		if (!at->has_bound || oldest != at->bound) {
			json_object_clear(at->seen);
			at->bound = oldest;
			at->has_bound = 1;
		}
		json_array_foreach(resp->records, i, rec)
		{
			int64_t t;
			const char *id = cli_record_id(w->s->quarantine, rec);

			if (id && !cli_record_time(w->s->quarantine, rec, &t) &&
			    t <= at->bound + 1 &&
			    json_object_set_new(at->seen, id, json_integer(t))) {
				pps_response_free(resp);
				return PPS_ENOMEM;
			}
		}
		end_at_bound(w);
		pps_response_free(resp);
		if (w->progress)
			progress_line(w);
		if (w->page_done && w->page_done(w))
			break;
	}
	/* A one-second page at the oldest end of the window: nothing older tells; ask once. */
	if (suspect && rc == PPS_OK && !cli_walk_stop && suspect_n >= max_n &&
	    !(w->total_cap > 0 && (long)w->emitted >= w->total_cap))
		check_oldest_second(w, suspect_n, suspect_at);
	if (w->progress) {
		fputs("\r\033[K", w->ctx->err);
		fflush(w->ctx->err);
	}
	return rc;
}

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

/* The window of a search as the user gave it. */
void cli_walk_window_of(const cli_search *s, int64_t *from, int64_t *to, int *has_to)
{
	const pps_instant *f = s->quarantine ? &s->qs.startdate : &s->ss.from;
	const pps_instant *t = s->quarantine ? &s->qs.enddate : &s->ss.to;

	*from = f->epoch;
	*has_to = t->set;
	*to = t->set ? t->epoch : 0;
}

/* The job name a checkpoint file carries: "smart-search --all". */
void cli_walk_job_name(const cli_ctx *ctx, char *buf, size_t len)
{
	snprintf(buf, len, "%s --%s", ctx->cmd->name, ctx->jobs.follow ? "follow" : "all");
}

/* One filter into the digest's text: its name, its length and its value (NULL apart). */
static void digest_add(ppsbuf *b, const char *name, const char *v)
{
	char head[64];

	snprintf(head, sizeof(head), "%s:%ld:", name, v ? (long)strlen(v) : -1L);
	ppsbuf_add(b, head, strlen(head));
	if (v)
		ppsbuf_add(b, v, strlen(v));
}

void cli_walk_digest(const cli_ctx *ctx, const cli_search *s, const char *const *folders,
		     size_t nfolders, char hex[65])
{
	ppsbuf b = PPSBUF_INIT;
	const pps_smartsearch_req *q = &s->ss;

	digest_add(&b, "command", ctx->cmd->name);
	if (!s->quarantine) {
		const char *f[] = { q->action,	q->virus, q->env_from, q->env_rcpt,
				    q->attach,	q->qid,	  q->host,     q->sid,
				    q->subject, q->guid,  q->hdr_mid };

		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			digest_add(&b, "f", f[i]);
	} else {
		digest_add(&b, "from", s->qs.from);
		digest_add(&b, "rcpt", s->qs.rcpt);
		digest_add(&b, "subject", s->qs.subject);
		for (size_t i = 0; i < nfolders; i++)
			digest_add(&b, "folder", folders[i]);
	}
	/* limit= with --all is a total over every run: another limit is another job. */
	if (ctx->jobs.limit_given) {
		char n[32];

		snprintf(n, sizeof(n), "%ld", s->quarantine ? s->qs.limit : s->ss.count);
		digest_add(&b, "limit", n);
	}
	sha256_hex(b.buf, b.len, hex);
	ppsbuf_release(&b);
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

static int run_all(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders)
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

/* ---- one request, and the probe of a capped answer --------------------------------------- */

/*
 * After an answer of got records to a request for asked, the oldest at oldest: when it may have
 * been cut (as long as asked, or at least CAP_SUSPECT or the configured cap), asks once for one
 * record older than the oldest shown, and warns when there is one. Never changes the exit
 * status; an answer as long as a limit= the user gave is what the user asked for.
 */
static void probe_more(cli_ctx *ctx, const cli_search *s, long asked, size_t got, int64_t oldest,
		       const char *folder)
{
	long cap = ctx->jobs.server_cap;
	int64_t from, to;
	int has_to;
	pps_response *resp = NULL;
	char when[32];

	if (got == 0 || ctx->quiet || ctx->dry_run)
		return;
	if ((long)got >= asked && ctx->jobs.limit_given)
		return;
	if ((long)got < asked && !(cap > 0 ? (long)got >= cap : got >= CAP_SUSPECT))
		return;
	cli_walk_window_of(s, &from, &to, &has_to);
	if (oldest <= from)
		return;
	/* Strictly older than the oldest shown: [from, oldest) on either API. */
	if (cli_walk_fetch(ctx, s, from, s->quarantine ? oldest - 1 : oldest, 1, 1, &resp) !=
	    PPS_OK)
		return; /* the answer stands; a failed probe is not worth an error */
	if (json_array_size(resp->records) > 0) {
		tu_format_utc(oldest, when, sizeof(when));
		cli_errorf(
			ctx,
			"%s%s%sshowing %zu record%s: more match before %s UTC; use --all to fetch "
			"the whole window%s",
			folder ? "folder '" : "", folder ? folder : "", folder ? "': " : "", got,
			got == 1 ? "" : "s", when,
			(long)got >= asked ? " (or a higher limit=)" : "");
	}
	pps_response_free(resp);
}

void cli_search_probe(cli_ctx *ctx, const cli_search *s, long asked, const json_t *records,
		      const char *folder)
{
	size_t got = json_array_size(records);
	int64_t oldest;

	if (got && !cli_record_time(s->quarantine, json_array_get(records, got - 1), &oldest))
		probe_more(ctx, s, asked, got, oldest, folder);
}

/*
 * One streamed request: the visitor cli_print_stream gives is tapped to count the records and
 * keep the last one (as a value or as its text), for the probe afterwards.
 */
struct tap {
	const pps_visitor *inner;
	cli_search *s;
	size_t n;
	json_t *last;
	ppsbuf last_text;
};

/* cli_print_stream hands its request over as const: this carries the tap through. */
struct tap_ref {
	struct tap *tap;
};

static int tap_record(void *p, json_t *rec)
{
	struct tap *t = p;

	t->n++;
	json_decref(t->last);
	t->last = json_incref(rec);
	return t->inner->record(t->inner->ctx, rec);
}

static int tap_text(void *p, const char *json, size_t len)
{
	struct tap *t = p;

	if (!t->inner->record)
		t->n++;
	ppsbuf_reset(&t->last_text);
	if (ppsbuf_add(&t->last_text, json, len) < 0)
		return -1;
	return t->inner->record_text(t->inner->ctx, json, len);
}

static int tap_body(void *p, const char *data, size_t len)
{
	struct tap *t = p;

	return t->inner->body(t->inner->ctx, data, len);
}

static int tap_parsed(void *p)
{
	struct tap *t = p;

	return t->inner->parsed(t->inner->ctx);
}

static int run_tapped(cli_ctx *ctx, const void *req, const pps_visitor *v)
{
	struct tap *t = ((const struct tap_ref *)req)->tap;
	pps_visitor w = { .ctx = t };

	t->inner = v;
	w.record = v->record ? tap_record : NULL;
	w.record_text = v->record_text ? tap_text : NULL;
	w.body = v->body ? tap_body : NULL;
	w.parsed = v->parsed ? tap_parsed : NULL;
	if (t->s->quarantine)
		return pps_quarantine_search_each(ctx->client, &t->s->qs, &w);
	return pps_smartsearch_each(ctx->client, &t->s->ss, &w);
}

static int run_once(cli_ctx *ctx, cli_search *s)
{
	struct tap t = { NULL, s, 0, NULL, PPSBUF_INIT };
	struct tap_ref ref = { &t };
	long asked = s->quarantine ? s->qs.limit : s->ss.count;
	int64_t oldest;
	int rc;

	rc = cli_print_stream(ctx, run_tapped, &ref);
	if (rc == CLI_EXIT_OK && t.n > 0) {
		json_t *last = t.last ? json_incref(t.last)
				      : json_loadb(t.last_text.buf, t.last_text.len, 0, NULL);

		if (last && !cli_record_time(s->quarantine, last, &oldest))
			probe_more(ctx, s, asked > 0 ? asked : 100, t.n, oldest, NULL);
		json_decref(last);
	}
	json_decref(t.last);
	ppsbuf_release(&t.last_text);
	return rc;
}

int cli_jobs_check(const cli_ctx *ctx, const cli_args *a, int interval_given, int overlap_given,
		   char *err, size_t errlen)
{
	const struct cli_jobs *j = &ctx->jobs;
	const char *flag = j->all ? "--all" : "--follow";
	int search = !strcmp(ctx->cmd->name, "smart-search") ||
		     !strcmp(ctx->cmd->name, "quarantine-messages-list");
	int end = cli_command_arg_index(ctx->cmd, "end_time");
	int guid = cli_command_arg_index(ctx->cmd, "guid");
	cli_format fmt = ctx->render.format;

	if (!j->all && !j->follow) {
		if (j->checkpoint)
			snprintf(err, errlen, "--checkpoint needs --all or --follow");
		else if (interval_given)
			snprintf(err, errlen, "--interval needs --follow");
		else if (overlap_given)
			snprintf(err, errlen, "--overlap needs --follow");
		else if (j->output)
			snprintf(err, errlen, "--output-file needs --all or --follow");
		else
			return 0;
		return -1;
	}
	if (!search)
		snprintf(err, errlen,
			 "%s works with smart-search and quarantine-messages-list only", flag);
	else if (j->all && j->follow)
		snprintf(err, errlen,
			 "--all and --follow do not go together: --follow prints the window from "
			 "start_time first");
	else if (interval_given && !j->follow)
		snprintf(err, errlen, "--interval needs --follow");
	else if (overlap_given && !j->follow)
		snprintf(err, errlen, "--overlap needs --follow");
	else if (guid >= 0 && a->value[guid] && !strcmp(ctx->cmd->name, "quarantine-messages-list"))
		snprintf(err, errlen, "guid= fetches one message: %s does not apply", flag);
	else if (j->follow && end >= 0 && a->given[end])
		snprintf(err, errlen, "--follow has no end: leave out end_time");
	else if (fmt == CLI_FMT_RAW)
		snprintf(err, errlen, "%s prints records: -o raw shows one answer as it came",
			 flag);
	else if (j->follow && fmt == CLI_FMT_JSON)
		snprintf(err, errlen, "--follow prints a stream: use -o ndjson (or csv, table)");
	else if (j->all && j->checkpoint && fmt != CLI_FMT_NDJSON)
		snprintf(err, errlen,
			 "--all --checkpoint resumes a stream: use -o ndjson, and append to the "
			 "output of the run it continues");
	else
		return 0;
	return -1;
}

int cli_search_run(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders)
{
	struct sigaction sa, old_int, old_term;
	int status;

	if (!ctx->jobs.all && !ctx->jobs.follow) {
		if (s->quarantine)
			s->qs.folder = nfolders ? folders[0] : NULL;
		return run_once(ctx, s);
	}
	/* An interrupt ends the job between two records, with stdout and the checkpoint whole. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	cli_walk_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (old_int.sa_handler == SIG_IGN)
		sigaction(SIGINT, &old_int, NULL);
	if (old_term.sa_handler == SIG_IGN)
		sigaction(SIGTERM, &old_term, NULL);
	status = ctx->jobs.follow ? cli_follow_run(ctx, s, folders, nfolders)
				  : run_all(ctx, s, folders, nfolders);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return status;
}
