/*
 * The walk of a window shared by walk.c (pps_*_walk) and follow.c (pps_*_follow), and the
 * position a walk resumes from. Internal to libpps.
 */
#ifndef PPS_LIB_WALK_H
#define PPS_LIB_WALK_H

#include <stdint.h>

#include "pps/pps.h"

struct json_t;

/* The count asked of each page when the caller gives none: the most each API takes. */
#define PPS__PAGE_SMARTSEARCH 10000
#define PPS__PAGE_QUARANTINE  1000

/*
 * Where a walk stands: its next request ends at to (has_to 0: open); bound is the second whose
 * ids are in seen (has_bound 0: none); done 1 when the window was read to its end.
 */
struct pps__walkpos {
	int64_t to, bound;
	int has_to, has_bound, done;
	struct json_t *seen; /* owned: id -> time */
};

struct pps__walk {
	pps_client *client;
	pps_op op; /* PPS_OP_SMARTSEARCH or PPS_OP_QUARANTINE_SEARCH */
	pps_smartsearch_req ss;
	pps_quarantine_search_req qs;
	int64_t from; /* the start of the window (inclusive) */
	struct pps__walkpos *at;
	long total_cap; /* 0: none */
	long page;	/* the count asked per request */
	long server_cap;
	pps_walk_record_fn emit;
	pps_walk_page_fn page_done;
	int (*stop)(void *ctx);
	void *stop_ctx;
	void *ctx; /* of emit and page_done */
	pps_walk_result res;
};

/* 0, or PPS_ENOMEM. */
int pps__walkpos_init(struct pps__walkpos *p);
void pps__walkpos_release(struct pps__walkpos *p);
/* The position as JSON text (malloc'd) into *out: 0 or PPS_ENOMEM. */
int pps__walkpos_encode(const struct pps__walkpos *p, char **out);
/* Reads text into p: 0, or PPS_EUSAGE for text that is no walk position. */
int pps__walkpos_decode(struct pps__walkpos *p, const char *text);
/*
 * Sets up w for a walk of ss or qs (the other NULL) standing at at; the window from the request,
 * a page of the size each API takes, capped by server_cap when known.
 */
void pps__walk_setup(struct pps__walk *w, pps_client *client, const pps_smartsearch_req *ss,
		     const pps_quarantine_search_req *qs, struct pps__walkpos *at, long server_cap);
/*
 * One request for [from, to) (Smart Search) or [from, to] (quarantine); no end when has_to is
 * 0; bare leaves the filters out. On success *out owns the response.
 */
int pps__walk_fetch(const struct pps__walk *w, int64_t from, int64_t to, int has_to, long count,
		    int bare, pps_response **out);
/*
 * The two steps of a page (pure, for the unit tests too): gives the records of a page not
 * given before (the boundary second's ids are in w->at->seen), up to the total cap, counting
 * them in *fresh, *newest and *oldest set to the page's ends (0, PPS_EPROTO for a record
 * without a time, PPS_ECANCELED); then makes the page's oldest second the boundary.
 */
int pps__walk_emit_page(struct pps__walk *w, struct json_t *records, size_t *fresh, int64_t *newest,
			int64_t *oldest);
int pps__walk_remember_bound(struct pps__walk *w, struct json_t *records, int64_t oldest);
/*
 * Walks the window newest first from where w->at stands. Returns 0 (w->res.overfull says
 * whether a second was crowded), PPS_ECANCELED, or a pps_code with the detail in the client.
 */
int pps__walk_window(struct pps__walk *w);

#endif
