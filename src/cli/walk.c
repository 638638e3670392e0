/*
 * The jobs bigger than one request (see walk.h). A PPS server caps every answer (Smart Search
 * at its configured count, quarantine at its limit) and answers newest first, so a window is
 * read page by page, each page ending at the oldest record of the one before (inclusive), the
 * records of that boundary second told apart by their GUID: the sink, one request and the walk
 * that --all (walkall.c) and --follow (follow.c) share. Talks to the server only through
 * libpps; prints only through the record sink below.
 */
#include "cli/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/checkpoint.h"
#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/walkpriv.h"
#include "util/buf.h"
#include "util/sha256.h"
#include "util/timeutil.h"

#include "util/banned.h"

/* The count asked of each --all page: the server gives what its cap allows. */
#define PAGE_SMARTSEARCH 10000
#define PAGE_QUARANTINE	 1000
/* The start of the request that tells the server's cap: 2000-01-01T00:00:00Z. */
#define PROBE_SINCE 946684800

volatile sig_atomic_t cli_walk_stop;

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

/* ---- the walk of a window, newest first -------------------------------------------------- */

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
	w->newest = INT64_MIN;
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

/* The count of the next request: a page, or near the total cap what is left plus the ids that
 * will be skipped. */
static long page_count(const struct walk *w)
{
	long want = w->total_cap - (long)w->emitted + (long)json_object_size(w->at->seen);

	return w->total_cap > 0 && want < w->page ? want : w->page;
}

/*
 * Emits the records of one page that were not printed before (the boundary second's ids are
 * in w->at->seen), up to the total cap; *fresh counts them, *newest and *oldest are the page's
 * ends. Returns 0, PPS_EPROTO for a record without a readable time, or PPS_ENOMEM.
 */
static int emit_page(struct walk *w, json_t *records, size_t *fresh, int64_t *newest,
		     int64_t *oldest)
{
	cli_checkpoint *at = w->at;
	size_t i;
	json_t *rec;

	json_array_foreach(records, i, rec)
	{
		int64_t t;
		const char *id = cli_record_id(w->s->quarantine, rec);

		/* A record without a readable time cannot be placed in the walk. */
		if (cli_record_time(w->s->quarantine, rec, &t))
			return PPS_EPROTO;
		if (i == 0)
			*newest = t;
		*oldest = t;
		if (id && at->has_bound && t <= at->bound + 1 && json_object_get(at->seen, id))
			continue;
		if (w->total_cap > 0 && (long)w->emitted >= w->total_cap)
			continue;
		(*fresh)++;
		w->emitted++;
		w->reached = t;
		if (w->emit(w->arg, rec, t))
			return PPS_ENOMEM;
	}
	return PPS_OK;
}

/* The page's oldest second becomes the boundary: its ids go into w->at->seen. */
static int remember_bound(struct walk *w, json_t *records, int64_t oldest)
{
	cli_checkpoint *at = w->at;
	size_t i;
	json_t *rec;

	if (!at->has_bound || oldest != at->bound) {
		json_object_clear(at->seen);
		at->bound = oldest;
		at->has_bound = 1;
	}
	json_array_foreach(records, i, rec)
	{
		int64_t t;
		const char *id = cli_record_id(w->s->quarantine, rec);

		if (id && !cli_record_time(w->s->quarantine, rec, &t) && t <= at->bound + 1 &&
		    json_object_set_new(at->seen, id, json_integer(t)))
			return PPS_ENOMEM;
	}
	return PPS_OK;
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
		size_t n, fresh = 0;
		int64_t oldest = 0, newest = 0;
		long count = page_count(w);

		rc = cli_walk_fetch(w->ctx, w->s, w->from, at->to, at->has_to, count, &resp);
		if (rc)
			break;
		if (w->server_time < 0) { /* the clock of the walk's first answer */
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
		rc = emit_page(w, resp->records, &fresh, &newest, &oldest);
		if (rc) {
			pps_response_free(resp);
			return rc;
		}
		if (n > 0 && newest > w->newest)
			w->newest = newest;
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
		rc = remember_bound(w, resp->records, oldest);
		pps_response_free(resp);
		if (rc)
			return rc;
		end_at_bound(w);
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
