/*
 * What walk.c shares with follow.c and the checkpointed --all: the record sink, one request
 * of a window, and the walk of a window newest first past the server's cap. Not for commands.
 */
#ifndef PPS_CLI_WALKPRIV_H
#define PPS_CLI_WALKPRIV_H

#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "cli/checkpoint.h"
#include "cli/cli.h"
#include "cli/walk.h"

/* Set by SIGINT/SIGTERM while a job runs: the job ends between two records. */
extern volatile sig_atomic_t cli_walk_stop;

/*
 * Walked records go out as they come through render.c's stream (a table holds its rows to
 * measure them), or to ctx->collect for the merge of several clusters.
 */
struct sink {
	cli_ctx *ctx;
	cli_render_stream *r; /* NULL when collecting */
	size_t n;	      /* records since the stream began */
	int failed;	      /* a write failed (cli_sink_end says so) */
};

int cli_sink_init(struct sink *k, cli_ctx *ctx);
int cli_sink_add(struct sink *k, struct json_t *rec);
/* Pushes what was added out to stdout (and, for a regular file, to the disk). */
int cli_sink_flush(struct sink *k);
/* Ends the output (whole: completed, else left as far as it went); the exit status. */
int cli_sink_end(struct sink *k, int whole);
/* --follow: ends one poll's output (a table per poll; a stream goes on). 0 or -1. */
int cli_sink_poll_done(struct sink *k);

typedef int (*emit_fn)(void *arg, struct json_t *rec, int64_t t);

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
	int64_t newest;	     /* the newest record in any answer; INT64_MIN when none */
	int64_t server_time; /* the Date of the walk's first answer; -1 when none */
	int64_t local_time;  /* this machine's clock when that answer came */
	int progress;	     /* a progress line on stderr */
	struct timespec started;
};

/*
 * One request for [from, to) (Smart Search) or [from, to] (quarantine); no end when has_to is
 * 0. On success *out owns the response and its records are an array.
 */
int cli_walk_fetch(cli_ctx *ctx, const cli_search *s, int64_t from, int64_t to, int has_to,
		   long count, pps_response **out);
/* A walk of s (of folder, for a quarantine search) standing at at. */
void cli_walk_init(struct walk *w, cli_ctx *ctx, cli_search *s, cli_checkpoint *at,
		   const char *folder, emit_fn emit, void *arg);
/*
 * Walks the window newest first from where w->at stands. Returns 0, or a pps_code with the
 * detail in the client (reported by the caller).
 */
int cli_walk_window(struct walk *w);
/* The window of a search as the user gave it. */
void cli_walk_window_of(const cli_search *s, int64_t *from, int64_t *to, int *has_to);
/* The job name a checkpoint file carries: "smart-search --all". */
void cli_walk_job_name(const cli_ctx *ctx, char *buf, size_t len);
/*
 * The digest of what a job searches: the command and every filter of s (not the window, not
 * the count), and the folders. 64 hex digits and a NUL into hex.
 */
void cli_walk_digest(const cli_ctx *ctx, const cli_search *s, const char *const *folders,
		     size_t nfolders, char hex[65]);

/* --all (walkall.c). Returns the exit status. */
int cli_all_run(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders);
/* --follow (follow.c). Returns the exit status. */
int cli_follow_run(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders);

#endif
