/*
 * A follow (see pps.h): new records as they appear, polled on the server's clock (the Date
 * header of its answers), each poll reading the last overlap seconds again so that records
 * indexed late still come, and now and then the band past the overlap, to give and name
 * records indexed later still. Each poll is a walk of its window (walk.c).
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/internal.h"
#include "lib/walk.h"

#include "util/banned.h"

/* A clock difference past this many seconds is told (once). */
#define SKEW_TOLD_S 5
/* The follow backs off to at most this many seconds between polls while the server fails. */
#define BACKOFF_MAX_S 300
/* The late sweep reads at least this far past the overlap. */
#define SWEEP_MIN_S 300
/* The longest window one poll reads when it catches up on the past, in seconds. */
#define SLICE_S		   600
#define DEFAULT_INTERVAL_S 30
#define DEFAULT_OVERLAP_S  300
/* Over-full seconds remembered, so that each is told once. */
#define WARNED_MAX 32

struct held {
	json_t *rec;
	int64_t t;
	size_t order;
};

struct follow {
	pps_client *client;
	const pps_smartsearch_req *ss;
	const pps_quarantine_search_req *qs;
	const pps_follow_options *o;
	pps_op op;
	/* the position: every record older than high_water - overlap was given; the ids of
	 * those given since kept_from are in seen; nothing older than from is given */
	int64_t from, high_water, kept_from;
	json_t *seen;
	int resumed;
	struct held *v; /* the poll's batch */
	size_t n, alloc;
	long overlap, horizon, interval;
	int64_t skew; /* this machine's clock minus the server's */
	int skew_known, skew_told;
	int64_t swept_at; /* the high water of the last sweep past the overlap */
	int64_t warned[WARNED_MAX];
	size_t nwarned;
	int lost; /* an over-full second was told */
	int oom;  /* the batch could not grow */
};

static int stopped(const struct follow *f)
{
	return f->o->stop && f->o->stop(f->o->ctx);
}

static void tell(struct follow *f, pps_follow_event *ev)
{
	ev->version = 1;
	if (f->o->event)
		f->o->event(f->o->ctx, ev);
}

static int position_encode(const struct follow *f, char **out)
{
	json_t *o = json_pack("{sI sI sI sO}", "from", (json_int_t)f->from, "high_water",
			      (json_int_t)f->high_water, "kept_from", (json_int_t)f->kept_from,
			      "seen", f->seen);

	*out = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	return *out ? PPS_OK : PPS_ENOMEM;
}

static int position_decode(struct follow *f, const char *text)
{
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, NULL), *seen, *v;
	json_t *a = json_object_get(o, "from"), *b = json_object_get(o, "high_water"),
	       *c = json_object_get(o, "kept_from");
	const char *key;
	int rc = PPS_EUSAGE;

	seen = json_object_get(o, "seen");
	if (!json_is_integer(a) || !json_is_integer(b) || !json_is_object(seen))
		goto done;
	f->from = json_integer_value(a);
	f->high_water = json_integer_value(b);
	f->kept_from = json_is_integer(c) ? json_integer_value(c) : f->high_water;
	json_object_foreach(seen, key, v)
	{
		if (!json_is_integer(v) || json_object_set(f->seen, key, v))
			goto done;
	}
	rc = PPS_OK;
done:
	json_decref(o);
	return rc;
}

/* Keeps a record of a poll's walk for the batch: not older than the start, not given before. */
static int collect_new(void *arg, json_t *rec, int64_t t)
{
	struct follow *f = arg;
	const char *id = pps_record_id(f->op, rec);

	/* The server's start is to the second and its clock may not be ours: the start holds. */
	if (t < f->from)
		return 0;
	/* A walk gives each record once: only what earlier polls gave needs skipping. */
	if (id && json_object_get(f->seen, id))
		return 0;
	if (f->n == f->alloc) {
		size_t na = f->alloc ? f->alloc * 2 : 64;
		struct held *nv = realloc(f->v, na * sizeof(*nv));

		if (!nv) {
			f->oom = 1;
			return -1;
		}
		f->v = nv;
		f->alloc = na;
	}
	f->v[f->n].rec = json_incref(rec);
	f->v[f->n].t = t;
	f->v[f->n].order = f->n;
	f->n++;
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

static void batch_release(struct follow *f)
{
	for (size_t i = 0; i < f->n; i++)
		json_decref(f->v[i].rec);
	free(f->v);
	f->v = NULL;
	f->n = 0;
	f->alloc = 0;
}

/* Sleeps up to seconds, waking early when stop says so (a signal interrupts the sleep). */
static void nap(const struct follow *f, long seconds)
{
	struct timespec ts = { .tv_sec = seconds, .tv_nsec = 0 };

	while (!stopped(f) && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A failure that following cannot outlast: credentials, rights, the request itself. */
static int fatal_for_follow(int rc)
{
	return rc == PPS_EAUTH || rc == PPS_EPERM || rc == PPS_EUSAGE || rc == PPS_EREJECTED ||
	       rc == PPS_ENOTFOUND || rc == PPS_ENOMEM || rc == PPS_ECANCELED;
}

/* Tells of a second that held more records than one answer returns, once per second. */
static void note_overfull(struct follow *f, int64_t second, const char *folder)
{
	pps_follow_event ev = { .type = PPS_FOLLOW_OVERFULL, .second = second, .folder = folder };

	for (size_t i = 0; i < f->nwarned && i < WARNED_MAX; i++)
		if (f->warned[i] == second)
			return;
	f->warned[f->nwarned++ % WARNED_MAX] = second;
	f->lost = 1;
	tell(f, &ev);
}

/* The server's clock against ours, from the first answer of a poll; told once when off. */
static void note_clock(struct follow *f, int64_t server, int64_t local)
{
	int64_t d = local - server;
	pps_follow_event ev = { .type = PPS_FOLLOW_CLOCK, .skew = d };

	f->skew = d;
	if (f->skew_told || (d <= SKEW_TOLD_S && d >= -SKEW_TOLD_S)) {
		f->skew_known = 1;
		return;
	}
	f->skew_told = 1;
	/*
	 * A start counted back from now means the server's now: the records that came since the
	 * follow started carry the server's dates. The next poll reads from the start so moved
	 * (a resumed follow keeps the start it was given).
	 */
	if (!f->skew_known && !f->resumed && f->o->start_from_now) {
		f->from -= d;
		f->kept_from = f->from;
		if (f->high_water > f->from && d > 0)
			f->high_water = f->from;
	}
	f->skew_known = 1;
	ev.start_moved = f->o->start_from_now && !f->resumed;
	tell(f, &ev);
}

/* The folders of a poll: the options' list, else the request's one. */
static size_t folder_count(const struct follow *f)
{
	return f->op == PPS_OP_QUARANTINE_SEARCH && f->o->nfolders ? f->o->nfolders : 1;
}

/*
 * One walk of [from, to) (has_to 0: open) in every folder into the batch. Sets *server to the
 * Date of the first answer (-1 when none) and *newest to the newest record any answer held
 * (INT64_MIN when none). Returns 0 or a pps_code.
 */
static int walk_poll(struct follow *f, int64_t from, int64_t to, int has_to, int64_t *server,
		     int64_t *newest)
{
	int q = f->op == PPS_OP_QUARANTINE_SEARCH, rc = PPS_OK;
	size_t nf = folder_count(f);

	*server = -1;
	*newest = INT64_MIN;
	for (size_t i = 0; i < nf && rc == PPS_OK; i++) {
		struct pps__walk w;
		struct pps__walkpos pos;
		pps_quarantine_search_req qs;
		const char *folder = NULL;

		if (q) {
			qs = *f->qs;
			if (f->o->nfolders)
				qs.folder = f->o->folders[i];
			folder = qs.folder;
		}
		if (pps__walkpos_init(&pos))
			return PPS_ENOMEM;
		pps__walk_setup(&w, f->client, q ? NULL : f->ss, q ? &qs : NULL, &pos,
				f->o->server_cap);
		w.emit = collect_new;
		w.ctx = f;
		w.stop = f->o->stop;
		w.stop_ctx = f->o->ctx;
		w.from = from;
		pos.to = q && has_to ? to - 1 : to;
		pos.has_to = has_to;
		rc = pps__walk_window(&w);
		pps__walkpos_release(&pos);
		if (w.res.newest > *newest)
			*newest = w.res.newest;
		if (i == 0 && w.res.server_time > 0) {
			*server = w.res.server_time;
			note_clock(f, w.res.server_time, w.res.local_time);
		}
		if (rc == PPS_ECANCELED && f->oom)
			rc = pps__error_set(f->client, PPS_ENOMEM, 0, "out of memory");
		if (rc == PPS_OK && w.res.overfull)
			note_overfull(f, w.res.overfull_at, nf > 1 ? folder : NULL);
	}
	return rc;
}

/*
 * Gives the batch oldest first and remembers what it gave. Records older than late_before were
 * missed by every poll that covered their time: they were indexed past the overlap, and are
 * counted and told. 0, or PPS_ECANCELED when the visitor stopped.
 */
static int give_batch(struct follow *f, int64_t late_before, int64_t now)
{
	pps_follow_event ev = { .type = PPS_FOLLOW_LATE };

	if (f->n)
		qsort(f->v, f->n, sizeof(*f->v), oldest_first);
	for (size_t i = 0; i < f->n; i++) {
		const char *id = pps_record_id(f->op, f->v[i].rec);

		if (f->o->record(f->o->ctx, f->v[i].rec, f->v[i].t)) {
			batch_release(f);
			return PPS_ECANCELED;
		}
		if (id)
			json_object_set_new(f->seen, id, json_integer(f->v[i].t));
		if (f->v[i].t < late_before) {
			ev.late++;
			if (now - f->v[i].t > ev.latest)
				ev.latest = now - f->v[i].t;
		}
	}
	batch_release(f);
	if (ev.late)
		tell(f, &ev);
	return PPS_OK;
}

/* Forgets the ids of records older than before. */
static void prune(struct follow *f, int64_t before)
{
	const char *key;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(f->seen, tmp, key, v)
	{
		if (json_integer_value(v) < before)
			json_object_del(f->seen, key);
	}
}

/* The next high water after a poll of [.., to) (has_to) whose answers said server, newest. */
static int64_t next_high_water(const struct follow *f, int64_t to, int has_to, int64_t server,
			       int64_t newest)
{
	int64_t hw = f->high_water, next;

	/*
	 * The server's clock, but never past the newest record it holds: a proxy in front of it
	 * may write the Date header from a clock of its own, while the records keep the server's.
	 */
	if (has_to)
		next = to;
	else if (server > 0 && (newest == INT64_MIN || server <= newest + 1))
		next = server;
	else
		next = newest == INT64_MIN ? hw : newest + 1;
	return next < hw ? hw : next; /* never back (note_clock may have moved the start) */
}

/* After a poll: the position moves on, and the caller hears it. 0 or PPS_ECANCELED. */
static int poll_saved(struct follow *f, int64_t next_hw)
{
	char *pos = NULL;
	int rc;

	f->high_water = next_hw;
	if (next_hw - f->horizon > f->kept_from) {
		f->kept_from = next_hw - f->horizon;
		prune(f, f->kept_from);
	}
	if (!f->o->poll_done)
		return PPS_OK;
	if (position_encode(f, &pos))
		return pps__error_set(f->client, PPS_ENOMEM, 0, "out of memory");
	rc = f->o->poll_done(f->o->ctx, pos) ? PPS_ECANCELED : PPS_OK;
	free(pos);
	return rc;
}

/*
 * One poll: the window from the high water back by the overlap (or, now and then, by the whole
 * horizon), on the server's clock; a slice at a time while it catches up on the past. Returns
 * 0 or a pps_code.
 */
static int poll_once(struct follow *f, int *caught_up)
{
	int64_t local = (int64_t)time(NULL), now = f->skew_known ? local - f->skew : local;
	int64_t hw = f->high_water, floor = f->from > f->kept_from ? f->from : f->kept_from;
	int64_t from = hw - f->overlap, to = 0, server, newest, next_hw;
	int has_to = 0, sweep = 0, rc;

	if (from < floor)
		from = floor;
	if (now - from > SLICE_S + f->overlap) {
		/* Catching up on the past goes a slice at a time, so that memory stays small. */
		to = from + SLICE_S;
		has_to = 1;
	} else if (f->swept_at == INT64_MIN || hw - f->swept_at >= f->overlap) {
		sweep = 1;
		from = hw - f->horizon > floor ? hw - f->horizon : floor;
	}
	*caught_up = !has_to;
	rc = walk_poll(f, from, to, has_to, &server, &newest);
	if (rc || stopped(f)) {
		batch_release(f);
		return rc;
	}
	next_hw = next_high_water(f, to, has_to, server, newest);
	rc = give_batch(f, hw - f->overlap, server > 0 ? server : now);
	if (rc)
		return rc;
	if (sweep)
		f->swept_at = hw;
	/* The position covers only what the visitor has been given. */
	return poll_saved(f, next_hw);
}

static int follow_loop(struct follow *f)
{
	int outage = 0, caught_up = 1;
	long backoff = 0;

	while (!stopped(f)) {
		int rc = poll_once(f, &caught_up);

		if (stopped(f))
			break;
		if (rc) {
			pps_follow_event ev = { .type = PPS_FOLLOW_OUTAGE, .code = rc };

			if (fatal_for_follow(rc))
				return rc;
			if (!outage)
				tell(f, &ev); /* once per outage; the records given stand */
			outage = 1;
			backoff = backoff ? backoff * 2 : f->interval;
			if (backoff > BACKOFF_MAX_S)
				backoff = BACKOFF_MAX_S;
			nap(f, backoff);
			continue;
		}
		if (outage) {
			pps_follow_event ev = { .type = PPS_FOLLOW_RECOVERED };

			tell(f, &ev);
		}
		outage = 0;
		backoff = 0;
		if (caught_up)
			nap(f, f->interval);
	}
	return f->lost ? PPS_EINCOMPLETE : PPS_OK;
}

static int follow_public(pps_client *client, const pps_smartsearch_req *ss,
			 const pps_quarantine_search_req *qs, const pps_follow_options *o)
{
	struct follow f;
	int rc;

	if (!client)
		return PPS_EUSAGE;
	if (!o || o->version != PPS_FOLLOW_OPTIONS_VERSION || !o->record ||
	    (o->nfolders && !o->folders))
		return pps__error_set(client, PPS_EUSAGE, 0, "bad follow options");
	memset(&f, 0, sizeof(f));
	f.client = client;
	f.ss = ss;
	f.qs = qs;
	f.o = o;
	f.op = ss ? PPS_OP_SMARTSEARCH : PPS_OP_QUARANTINE_SEARCH;
	f.from = ss ? ss->start.epoch : qs->start.epoch;
	f.high_water = f.from;
	f.kept_from = f.from;
	f.interval = o->interval > 0 ? o->interval : DEFAULT_INTERVAL_S;
	f.overlap = o->overlap == PPS_FOLLOW_NO_OVERLAP ? 0
		    : o->overlap > 0			? o->overlap
							: DEFAULT_OVERLAP_S;
	f.horizon = f.overlap + (f.overlap > SWEEP_MIN_S ? f.overlap : SWEEP_MIN_S);
	f.swept_at = INT64_MIN;
	f.seen = json_object();
	if (!f.seen)
		return pps__error_set(client, PPS_ENOMEM, 0, "out of memory");
	if (o->position && position_decode(&f, o->position)) {
		json_decref(f.seen);
		return pps__error_set(client, PPS_EUSAGE, 0, "not a follow position");
	}
	f.resumed = o->position != NULL;
	rc = follow_loop(&f);
	batch_release(&f);
	json_decref(f.seen);
	return rc;
}

int pps_smartsearch_follow(pps_client *client, const pps_smartsearch_req *req,
			   const pps_follow_options *opts)
{
	if (!req)
		return client ? pps__error_set(client, PPS_EUSAGE, 0, "no request") : PPS_EUSAGE;
	return follow_public(client, req, NULL, opts);
}

int pps_quarantine_follow(pps_client *client, const pps_quarantine_search_req *req,
			  const pps_follow_options *opts)
{
	if (!req)
		return client ? pps__error_set(client, PPS_EUSAGE, 0, "no request") : PPS_EUSAGE;
	return follow_public(client, NULL, req, opts);
}
