/*
 * The walk of a window past the server's cap (see pps.h): a PPS server caps every answer
 * (Smart Search at its configured count, quarantine at its limit) and answers newest first, so
 * a window is read page by page, each page ending at the oldest record of the one before
 * (inclusive), the records of that boundary second told apart by their identity. A second
 * holding more records than one answer returns is detected and reported, never skipped in
 * silence.
 */
#include "lib/walk.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#include "lib/internal.h"

#include "util/banned.h"

/* The start of the request that tells the server's cap: 2000-01-01T00:00:00Z. */
#define PROBE_SINCE 946684800

static pps_instant at(int64_t epoch, int offset_min)
{
	pps_instant t = { epoch, offset_min, 1 };

	return t;
}

static int stopped(const struct pps__walk *w)
{
	return w->stop && w->stop(w->stop_ctx);
}

void pps__walk_setup(struct pps__walk *w, pps_client *client, const pps_smartsearch_req *ss,
		     const pps_quarantine_search_req *qs, struct pps__walkpos *pos, long server_cap)
{
	memset(w, 0, sizeof(*w));
	w->client = client;
	w->at = pos;
	w->server_cap = server_cap;
	if (ss) {
		w->op = PPS_OP_SMARTSEARCH;
		w->ss = *ss;
		w->from = ss->start.epoch;
		w->page = PPS__PAGE_SMARTSEARCH;
	} else {
		w->op = PPS_OP_QUARANTINE_SEARCH;
		w->qs = *qs;
		w->from = qs->start.epoch;
		w->page = PPS__PAGE_QUARANTINE;
	}
	if (server_cap > 0 && server_cap < w->page)
		w->page = server_cap;
	w->res.version = PPS_WALK_RESULT_VERSION;
	w->res.server_time = -1;
	w->res.newest = INT64_MIN;
}

int pps__walk_fetch(const struct pps__walk *w, int64_t from, int64_t to, int has_to, long count,
		    int bare, pps_response **out)
{
	if (w->op == PPS_OP_SMARTSEARCH) {
		pps_smartsearch_req r = w->ss;

		if (bare) {
			pps_smartsearch_req_init(&r, PPS_SMARTSEARCH_REQ_VERSION);
			r.start = w->ss.start;
		}
		r.start = at(from, w->ss.start.offset_min);
		if (has_to)
			r.end = at(to, w->ss.start.offset_min);
		else
			r.end.set = 0;
		r.count = count;
		return pps_smartsearch(out, w->client, &r);
	} else {
		pps_quarantine_search_req r = w->qs;
		int64_t now = (int64_t)time(NULL), srv = pps_client_server_time(w->client);

		if (bare) {
			pps_quarantine_search_req_init(&r, PPS_QUARANTINE_SEARCH_REQ_VERSION);
			r.folder = w->qs.folder;
		}
		r.start = at(from, 0);
		/* The end is always sent: an hour ahead of either clock stands for "open". */
		r.end = at(has_to ? to : (srv > now ? srv : now) + 3600, 0);
		r.limit = count;
		return pps_quarantine_search(out, w->client, &r);
	}
}

static void mark_overfull(struct pps__walk *w, int64_t second)
{
	w->res.overfull = 1;
	w->res.overfull_at = second;
}

/*
 * A page that ended at second (included) held only that second, and the page after it found
 * older records: either the server cut the page, or those records were indexed in between (a
 * live server indexes late). The same request again tells: 1 when it still holds nothing
 * older than second (the cut), 0 otherwise.
 */
static int one_second_again(struct pps__walk *w, int64_t second, long count)
{
	pps_response *resp = NULL;
	size_t i;
	json_t *rec;
	int only = 1;
	int q = w->op == PPS_OP_QUARANTINE_SEARCH;

	if (pps__walk_fetch(w, w->from, q ? second : second + 1, 1, count, 0, &resp) != PPS_OK)
		return 1; /* cannot tell: say so rather than stay silent */
	json_array_foreach(resp->records, i, rec)
	{
		int64_t t;

		if (!pps_record_time(&t, w->op, rec) && t < second)
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
static void check_oldest_second(struct pps__walk *w, size_t n, int64_t second)
{
	pps_response *resp = NULL;

	if (w->server_cap > 0) {
		if ((long)n >= w->server_cap)
			mark_overfull(w, second);
		return;
	}
	if (pps__walk_fetch(w, PROBE_SINCE, 0, 0, (long)n + 1, 1, &resp) != PPS_OK)
		return; /* the records given stand; a failed check is not worth an error */
	if (json_array_size(resp->records) == n)
		mark_overfull(w, second);
	pps_response_free(resp);
}

/* The count of the next request: a page, or near the total cap what is left plus the ids that
 * will be skipped. */
static long page_count(const struct pps__walk *w)
{
	long want = w->total_cap - (long)w->res.records + (long)json_object_size(w->at->seen);

	return w->total_cap > 0 && want < w->page ? want : w->page;
}

static int at_cap(const struct pps__walk *w)
{
	return w->total_cap > 0 && (long)w->res.records >= w->total_cap;
}

/*
 * Gives the records of one page that were not given before (the boundary second's ids are in
 * w->at->seen), up to the total cap; *fresh counts them, *newest and *oldest are the page's
 * ends. Returns 0, PPS_EPROTO for a record without a readable time, or PPS_ECANCELED.
 */
int pps__walk_emit_page(struct pps__walk *w, json_t *records, size_t *fresh, int64_t *newest,
			int64_t *oldest)
{
	struct pps__walkpos *at = w->at;
	size_t i;
	json_t *rec;

	json_array_foreach(records, i, rec)
	{
		int64_t t;
		const char *id = pps_record_id(w->op, rec);

		/* A record without a readable time cannot be placed in the walk. */
		if (pps_record_time(&t, w->op, rec))
			return pps__error_set(w->client, PPS_EPROTO, 0,
					      "a record without a readable time");
		if (i == 0)
			*newest = t;
		*oldest = t;
		if (id && at->has_bound && t <= at->bound + 1 && json_object_get(at->seen, id))
			continue;
		if (at_cap(w))
			continue;
		(*fresh)++;
		w->res.records++;
		w->res.reached = t;
		if (w->emit(w->ctx, rec, t))
			return PPS_ECANCELED;
	}
	return PPS_OK;
}

/* The page's oldest second becomes the boundary: its ids go into w->at->seen. */
int pps__walk_remember_bound(struct pps__walk *w, json_t *records, int64_t oldest)
{
	struct pps__walkpos *at = w->at;
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
		const char *id = pps_record_id(w->op, rec);

		if (id && !pps_record_time(&t, w->op, rec) && t <= at->bound + 1 &&
		    json_object_set_new(at->seen, id, json_integer(t)))
			return PPS_ENOMEM;
	}
	return PPS_OK;
}

/* After a page that gave records: the next ends at the boundary second, included; the caller
 * hears where the walk stands. */
static int page_given(struct pps__walk *w)
{
	char *pos = NULL;
	int rc;

	w->at->to = w->op == PPS_OP_QUARANTINE_SEARCH ? w->at->bound : w->at->bound + 1;
	w->at->has_to = 1;
	if (!w->page_done)
		return PPS_OK;
	if (pps__walkpos_encode(w->at, &pos))
		return PPS_ENOMEM;
	rc = w->page_done(w->ctx, pos, &w->res) ? PPS_ECANCELED : PPS_OK;
	free(pos);
	return rc;
}

/*
 * A page that brought nothing new (n records of count asked, newest..oldest): notes a crowded
 * second, and moves the walk before the boundary second. 1 when the window is done.
 */
static int page_stale(struct pps__walk *w, size_t n, long count, int64_t newest, int64_t oldest,
		      int *suspect)
{
	struct pps__walkpos *at = w->at;

	/*
	 * The page held only records of the boundary second, all given. When it was as long as
	 * an answer the server is known to cut, that second may hold more records than one
	 * answer returns: say so, and go on with the seconds before it. Without a known cap, the
	 * next page tells (one_second_again), or at the window's oldest end one request without
	 * the filters (check_oldest_second).
	 */
	if (newest == oldest && !w->res.overfull &&
	    ((long)n >= count || (w->server_cap > 0 && (long)n >= w->server_cap)))
		mark_overfull(w, oldest);
	*suspect = newest == oldest && !w->res.overfull;
	if (!at->has_bound || w->from >= at->bound)
		return 1;
	at->to = w->op == PPS_OP_QUARANTINE_SEARCH ? at->bound - 1 : at->bound;
	at->has_to = 1;
	at->has_bound = 0;
	json_object_clear(at->seen);
	return 0;
}

struct crowd {
	size_t max_n, suspect_n;
	int suspect;
	int64_t suspect_at;
};

/* One page of the walk: 0 to go on, 1 when the walk is over, else a pps_code. */
static int walk_page(struct pps__walk *w, struct crowd *c)
{
	struct pps__walkpos *at = w->at;
	pps_response *resp = NULL;
	size_t n, fresh = 0;
	int64_t oldest = 0, newest = 0;
	long count = page_count(w);
	int rc = pps__walk_fetch(w, w->from, at->to, at->has_to, count, 0, &resp);

	if (rc)
		return rc;
	if (w->res.server_time < 0) { /* the clock of the walk's first answer */
		w->res.server_time = pps_client_server_time(w->client);
		w->res.local_time = (int64_t)time(NULL);
	}
	n = json_array_size(resp->records);
	if (n > c->max_n)
		c->max_n = n;
	/*
	 * The page before held only its boundary second, all of it given: had that second held
	 * fewer records than an answer, this page's older records would have come with them. So
	 * that answer was full, and the second may hold more than it returned.
	 */
	if (c->suspect && n > 0 && !w->res.overfull && one_second_again(w, c->suspect_at, count))
		mark_overfull(w, c->suspect_at);
	if (n > 0)
		c->suspect = 0; /* an empty page leaves it to the check after the loop */
	rc = pps__walk_emit_page(w, resp->records, &fresh, &newest, &oldest);
	if (rc == PPS_OK && n > 0 && newest > w->res.newest)
		w->res.newest = newest;
	if (rc == PPS_OK && (n == 0 || at_cap(w))) {
		at->done = 1;
		rc = 1;
	} else if (rc == PPS_OK && fresh == 0) {
		rc = page_stale(w, n, count, newest, oldest, &c->suspect);
		c->suspect_at = oldest;
		c->suspect_n = n;
		at->done = rc;
	} else if (rc == PPS_OK) {
		rc = pps__walk_remember_bound(w, resp->records, oldest);
		if (rc == PPS_OK)
			rc = page_given(w);
	}
	pps_response_free(resp);
	return rc;
}

int pps__walk_window(struct pps__walk *w)
{
	struct crowd c = { 0, 0, 0, 0 };
	int rc = PPS_OK;

	while (!stopped(w)) {
		rc = walk_page(w, &c);
		if (rc)
			break;
	}
	if (rc < 0)
		return rc;
	rc = PPS_OK;
	/* A one-second page at the oldest end of the window: nothing older tells; ask once. */
	if (c.suspect && !stopped(w) && c.suspect_n >= c.max_n && !at_cap(w))
		check_oldest_second(w, c.suspect_n, c.suspect_at);
	w->res.done = w->at->done;
	return rc;
}

/* The public walk of ss or qs. */
static int walk_public(pps_client *client, const pps_smartsearch_req *ss,
		       const pps_quarantine_search_req *qs, const pps_walk_options *o,
		       pps_walk_result *res)
{
	struct pps__walkpos pos;
	struct pps__walk w;
	const pps_instant *to;
	int rc;

	if (!client || !o || o->version != PPS_WALK_OPTIONS_VERSION || !o->record ||
	    (res && res->version != PPS_WALK_RESULT_VERSION))
		return client ? pps__error_set(client, PPS_EUSAGE, 0, "bad walk options")
			      : PPS_EUSAGE;
	if (pps__walkpos_init(&pos))
		return pps__error_set(client, PPS_ENOMEM, 0, "out of memory");
	pps__walk_setup(&w, client, ss, qs, &pos, o->server_cap);
	to = ss ? &ss->end : &qs->end;
	pos.to = to->set ? to->epoch : 0;
	pos.has_to = to->set;
	if (o->position && pps__walkpos_decode(&pos, o->position)) {
		pps__walkpos_release(&pos);
		return pps__error_set(client, PPS_EUSAGE, 0, "not a walk position");
	}
	if (o->page > 0)
		w.page = o->page;
	w.total_cap = o->limit;
	w.emit = o->record;
	w.page_done = o->page_done;
	w.stop = o->stop;
	w.stop_ctx = o->ctx;
	w.ctx = o->ctx;
	rc = pos.done ? PPS_OK : pps__walk_window(&w);
	w.res.done = pos.done;
	if (rc == PPS_OK && w.res.overfull)
		rc = PPS_EINCOMPLETE;
	if (res)
		*res = w.res;
	pps__walkpos_release(&pos);
	return rc;
}

int pps_smartsearch_walk(pps_client *client, const pps_smartsearch_req *req,
			 const pps_walk_options *opts, pps_walk_result *res)
{
	if (!req)
		return client ? pps__error_set(client, PPS_EUSAGE, 0, "no request") : PPS_EUSAGE;
	return walk_public(client, req, NULL, opts, res);
}

int pps_quarantine_walk(pps_client *client, const pps_quarantine_search_req *req,
			const pps_walk_options *opts, pps_walk_result *res)
{
	if (!req)
		return client ? pps__error_set(client, PPS_EUSAGE, 0, "no request") : PPS_EUSAGE;
	return walk_public(client, NULL, req, opts, res);
}
