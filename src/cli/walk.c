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
#include "util/buf.h"
#include "util/timeutil.h"

#include "util/banned.h"

/* Answers at least this long may have been cut by a server cap nobody told us about. */
#define CAP_SUSPECT 1000
/* The count asked of each --all page: the server gives what its cap allows. */
#define PAGE_SMARTSEARCH 10000
#define PAGE_QUARANTINE	 1000
/* --follow backs off to at most this many seconds between polls while the server fails. */
#define FOLLOW_BACKOFF_MAX_S 300

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
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
struct sink {
	cli_ctx *ctx;
	cli_render_stream *r; /* NULL when collecting */
	size_t n;	      /* records since the stream began */
	int failed;	      /* a write failed (sink_end says so) */
};

static int sink_init(struct sink *k, cli_ctx *ctx)
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

static int sink_add(struct sink *k, json_t *rec)
{
	k->n++;
	if (!k->r)
		return cli_collect_record(k->ctx, rec);
	if (cli_render_record(k->r, rec) < 0) {
		k->failed = 1;
		return -1;
	}
	return 0;
}

/* Pushes what was added out to stdout (and, for a regular file, to the disk). */
static int sink_flush(struct sink *k)
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
static int sink_end(struct sink *k, int whole)
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
static int sink_poll_done(struct sink *k)
{
	cli_format f = k->ctx->render.format;

	if (!k->r || k->n == 0 ||
	    (f != CLI_FMT_TABLE && f != CLI_FMT_WIDE && f != CLI_FMT_MARKDOWN))
		return sink_flush(k);
	if (sink_end(k, 1) != CLI_EXIT_OK)
		return -1;
	return sink_init(k, k->ctx);
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
static int fetch(cli_ctx *ctx, const cli_search *s, int64_t from, int64_t to, int has_to,
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

		r.startdate = at(from, 0);
		/* The end is always sent: an hour ahead stands for "open" (clocks may differ). */
		r.enddate = at(has_to ? to : (int64_t)time(NULL) + 3600, 0);
		r.limit = count;
		return pps_quarantine_search(out, ctx->client, &r);
	}
}

/* ---- --all: the whole window, newest first ----------------------------------------------- */

typedef int (*emit_fn)(void *arg, json_t *rec, int64_t t);

struct walk {
	cli_ctx *ctx;
	const cli_search *s;
	int64_t from;	    /* the start of the window (inclusive) */
	cli_checkpoint *at; /* where the walk stands: to, has_to, bound, has_bound, seen */
	long total_cap;	    /* stop after this many records (limit= with --all), 0: none */
	long page;	    /* the count asked per request */
	emit_fn emit;
	void *arg;
	/* Called after each page that printed something; nonzero stops the walk. */
	int (*page_done)(struct walk *w);
	void *page_arg;
	unsigned long long printed_before; /* records printed by earlier parts and runs */
	/* what it found */
	size_t emitted;
	int64_t reached; /* the oldest instant emitted so far */
	int incomplete;	 /* a second held more records than one answer returns */
	int64_t incomplete_at;
	int progress; /* a progress line on stderr */
	struct timespec started;
};

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
static void walk_init(struct walk *w, cli_ctx *ctx, cli_search *s, cli_checkpoint *at,
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
}

/*
 * Walks the window newest first from where w->at stands: each page ends at the oldest second
 * of the page before (included), whose records already printed are skipped by their id. Stops
 * when a request brings nothing new (w->at->done = 1), at the total cap, or on SIGINT/SIGTERM.
 * Returns 0, or a pps_code with the detail in the client (reported by the caller).
 */
static int walk_window(struct walk *w)
{
	cli_checkpoint *at = w->at;
	size_t proven_cap = 0; /* a page length the server is known to have cut */
	size_t last_n = 0;
	int rc = PPS_OK, suspect = 0;
	int64_t suspect_at = 0;

	clock_gettime(CLOCK_MONOTONIC, &w->started);
	while (!stop_requested) {
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
		rc = fetch(w->ctx, w->s, w->from, at->to, at->has_to, count, &resp);
		if (rc)
			break;
		n = json_array_size(resp->records);
		/*
		 * The page before held only its boundary second, all of it printed: had that second
		 * held fewer records than an answer, this page's older records would have come with
		 * them. So that answer was full, and the second may hold more than it returned.
		 */
		if (suspect && n > 0 && !w->incomplete) {
			w->incomplete = 1;
			w->incomplete_at = suspect_at;
		}
		suspect = 0;
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
		if (fresh && last_n > proven_cap)
			proven_cap = last_n; /* the page before had more behind it: it was cut */
		last_n = n;
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
			 * before it. Without a known cap, the next page tells (see above).
			 */
			if (newest == oldest && !w->incomplete &&
			    ((proven_cap && n >= proven_cap) || (long)n >= count ||
			     (cap > 0 && (long)n >= cap))) {
				w->incomplete = 1;
				w->incomplete_at = oldest;
			}
			suspect = newest == oldest;
			suspect_at = oldest;
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
	if (w->progress) {
		fputs("\r\033[K", w->ctx->err);
		fflush(w->ctx->err);
	}
	return rc;
}

static int emit_to_sink(void *arg, json_t *rec, int64_t t)
{
	(void)t;
	return sink_add(arg, rec);
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
static void window_of(const cli_search *s, int64_t *from, int64_t *to, int *has_to)
{
	const pps_instant *f = s->quarantine ? &s->qs.startdate : &s->ss.from;
	const pps_instant *t = s->quarantine ? &s->qs.enddate : &s->ss.to;

	*from = f->epoch;
	*has_to = t->set;
	*to = t->set ? t->epoch : 0;
}

/* The job name a checkpoint file carries: "smart-search --all". */
static void job_name(const cli_ctx *ctx, char *buf, size_t len)
{
	snprintf(buf, len, "%s --%s", ctx->cmd->name, ctx->jobs.follow ? "follow" : "all");
}

struct all_state {
	struct sink *k;
	const char *path;
	char job[96];
	int failed;
};

/* --all --checkpoint: after each page, stdout is flushed and then the position is saved. */
static int all_page_done(struct walk *w)
{
	struct all_state *st = w->page_arg;
	char err[512];

	if (sink_flush(st->k))
		return -1;
	w->at->printed = w->printed_before + w->emitted;
	if (cli_checkpoint_save(w->at, st->path, st->job, err, sizeof(err))) {
		cli_errorf(w->ctx, "%s", err);
		st->failed = 1;
		return -1;
	}
	return 0;
}

static int run_all(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders)
{
	struct sink k;
	struct all_state st;
	cli_checkpoint at;
	int status = CLI_EXIT_OK, failures = 0;
	long cap = s->quarantine ? s->qs.limit : s->ss.count;
	size_t parts = s->quarantine ? nfolders : 1;
	char err[512];

	memset(&st, 0, sizeof(st));
	st.k = &k;
	st.path = ctx->jobs.checkpoint;
	job_name(ctx, st.job, sizeof(st.job));
	if (cli_checkpoint_init(&at, 0)) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	if (sink_init(&k, ctx)) {
		cli_checkpoint_release(&at);
		cli_errorf(ctx, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	if (st.path && cli_checkpoint_load(&at, st.path, st.job, err, sizeof(err))) {
		cli_errorf(ctx, "%s", err);
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (at.resumed && at.done) {
		if (!ctx->quiet)
			cli_errorf(ctx, "checkpoint '%s': the walk was complete; nothing left",
				   st.path);
		goto done;
	}
	for (size_t p = at.part, first = at.part; p < parts && !stop_requested; p++) {
		struct walk w;
		char what[300];
		int64_t to;
		int has_to, rc;

		walk_init(&w, ctx, s, &at, s->quarantine ? folders[p] : NULL, emit_to_sink, &k);
		window_of(s, &w.from, &to, &has_to);
		/* A resumed part goes on from where its checkpoint stands. */
		if (!at.resumed || p != first) {
			at.to = to;
			at.has_to = has_to;
		}
		w.printed_before = at.printed;
		/* limit= with --all is a total cap over every folder. */
		if (ctx->jobs.limit_given) {
			w.total_cap = cap - (long)at.printed;
			if (w.total_cap <= 0)
				break;
		}
		if (st.path) {
			w.page_done = all_page_done;
			w.page_arg = &st;
		}
		w.progress = ctx->err_tty && !ctx->quiet;
		at.part = p;
		at.done = 0;
		rc = walk_window(&w);
		at.printed = w.printed_before + w.emitted;
		snprintf(what, sizeof(what), "folder '%s'", s->quarantine ? folders[p] : "");
		if (rc) {
			failures++;
			status = cli_report(ctx, rc, s->quarantine && nfolders > 1 ? what : NULL);
			if (!s->quarantine || rc == PPS_EAUTH || rc == PPS_EPERM)
				break;
		} else if (w.incomplete) {
			status = warn_incomplete(ctx, &w,
						 s->quarantine && nfolders > 1 ? what : NULL);
		}
		if (k.failed || st.failed || stop_requested || !at.done)
			break;
		/* The next folder starts afresh. */
		at.has_bound = 0;
		json_object_clear(at.seen);
		at.part = p + 1;
	}
	if (st.path && !k.failed && !st.failed) {
		at.done = at.part >= parts && !stop_requested && !failures;
		if (sink_flush(&k) == 0 &&
		    cli_checkpoint_save(&at, st.path, st.job, err, sizeof(err))) {
			cli_errorf(ctx, "%s", err);
			status = CLI_EXIT_FAILURE;
		}
	}
done:
	/* A walk cut short by an error leaves a json document unclosed (see docs/output.md). */
	if (sink_end(&k, !failures || s->quarantine) != CLI_EXIT_OK)
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
	window_of(s, &from, &to, &has_to);
	if (oldest <= from)
		return;
	/* Strictly older than the oldest shown: [from, oldest) on either API. */
	if (fetch(ctx, s, from, s->quarantine ? oldest - 1 : oldest, 1, 1, &resp) != PPS_OK)
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

/* ---- --follow ---------------------------------------------------------------------------- */

struct held {
	json_t *rec;
	int64_t t;
	size_t order;
};

struct batch {
	struct held *v;
	size_t n, alloc;
	json_t *seen; /* borrowed: id -> time of every record printed within the overlap */
	int quarantine;
};

static int collect_new(void *arg, json_t *rec, int64_t t)
{
	struct batch *b = arg;
	const char *id = cli_record_id(b->quarantine, rec);

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

	while (!stop_requested && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A failure that following cannot outlast: credentials, rights, the request itself. */
static int fatal_for_follow(int rc)
{
	return rc == PPS_EAUTH || rc == PPS_EPERM || rc == PPS_EUSAGE || rc == PPS_EREJECTED ||
	       rc == PPS_ENOTFOUND || rc == PPS_ENOMEM;
}

static int run_follow(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders)
{
	cli_checkpoint cp;
	struct sink k;
	struct batch b;
	int status = CLI_EXIT_OK, outage = 0;
	long backoff = 0;
	int64_t floor = s->quarantine ? s->qs.startdate.epoch : s->ss.from.epoch;
	char err[512], job[96];

	memset(&b, 0, sizeof(b));
	b.quarantine = s->quarantine;
	if (cli_checkpoint_init(&cp, floor)) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	job_name(ctx, job, sizeof(job));
	if (ctx->jobs.checkpoint &&
	    cli_checkpoint_load(&cp, ctx->jobs.checkpoint, job, err, sizeof(err))) {
		cli_errorf(ctx, "%s", err);
		cli_checkpoint_release(&cp);
		return CLI_EXIT_USAGE;
	}
	if (cp.resumed)
		floor = INT64_MIN;
	b.seen = cp.seen;
	if (sink_init(&k, ctx)) {
		cli_errorf(ctx, "cannot write to standard output");
		cli_checkpoint_release(&cp);
		return CLI_EXIT_FAILURE;
	}
	while (!stop_requested) {
		int64_t poll_start = (int64_t)time(NULL);
		int64_t from = cp.high_water - CLI_FOLLOW_OVERLAP_S;
		int64_t to = 0, next_hw = poll_start;
		int has_to = 0, rc = PPS_OK;

		if (from < floor)
			from = floor;
		/* Catching up on the past goes a slice at a time, so that memory stays small. */
		if (poll_start - from > CLI_FOLLOW_SLICE_S + CLI_FOLLOW_OVERLAP_S) {
			to = from + CLI_FOLLOW_SLICE_S;
			has_to = 1;
			next_hw = to;
		}
		for (size_t f = 0; f < (s->quarantine ? nfolders : 1) && rc == PPS_OK; f++) {
			struct walk w;
			cli_checkpoint pos;

			if (cli_checkpoint_init(&pos, 0)) {
				rc = PPS_ENOMEM;
				break;
			}
			walk_init(&w, ctx, s, &pos, s->quarantine ? folders[f] : NULL, collect_new,
				  &b);
			w.from = from;
			pos.to = s->quarantine && has_to ? to - 1 : to;
			pos.has_to = has_to;
			rc = walk_window(&w);
			cli_checkpoint_release(&pos);
		}
		if (stop_requested) {
			batch_release(&b);
			break;
		}
		if (rc) {
			if (fatal_for_follow(rc)) {
				status = cli_report(ctx, rc, NULL);
				batch_release(&b);
				break;
			}
			if (!outage) {
				/* Once per outage; the records already printed stand. */
				cli_report(ctx, rc, "following");
				cli_errorf(ctx, "following: will keep trying");
			}
			outage = 1;
			batch_release(&b);
			backoff = backoff ? backoff * 2 : ctx->jobs.interval;
			if (backoff > FOLLOW_BACKOFF_MAX_S)
				backoff = FOLLOW_BACKOFF_MAX_S;
			nap(backoff);
			continue;
		}
		if (outage)
			cli_errorf(ctx, "following: the server answers again");
		outage = 0;
		backoff = 0;
		if (b.n)
			qsort(b.v, b.n, sizeof(*b.v), oldest_first);
		for (size_t i = 0; i < b.n; i++) {
			const char *id = cli_record_id(s->quarantine, b.v[i].rec);

			if (sink_add(&k, b.v[i].rec))
				break;
			if (id)
				json_object_set_new(cp.seen, id, json_integer(b.v[i].t));
		}
		batch_release(&b);
		if (k.failed || sink_poll_done(&k)) {
			status = CLI_EXIT_FAILURE;
			break;
		}
		/* The checkpoint covers only what is on stdout already. */
		cp.high_water = next_hw;
		cli_checkpoint_prune(&cp, next_hw - CLI_FOLLOW_OVERLAP_S);
		if (ctx->jobs.checkpoint &&
		    cli_checkpoint_save(&cp, ctx->jobs.checkpoint, job, err, sizeof(err))) {
			cli_errorf(ctx, "%s", err);
			status = CLI_EXIT_FAILURE;
			break;
		}
		if (!has_to)
			nap(ctx->jobs.interval);
	}
	/* A table with nothing since its last poll prints nothing (not "No results found."). */
	if (sink_end(&k, k.n > 0) != CLI_EXIT_OK)
		status = CLI_EXIT_FAILURE;
	cli_checkpoint_release(&cp);
	return status;
}

int cli_jobs_check(const cli_ctx *ctx, const cli_args *a, int interval_given, char *err,
		   size_t errlen)
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
	stop_requested = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (old_int.sa_handler == SIG_IGN)
		sigaction(SIGINT, &old_int, NULL);
	if (old_term.sa_handler == SIG_IGN)
		sigaction(SIGTERM, &old_term, NULL);
	status = ctx->jobs.follow ? run_follow(ctx, s, folders, nfolders)
				  : run_all(ctx, s, folders, nfolders);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return status;
}
