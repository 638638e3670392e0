/*
 * What walk.c shares with follow.c and the checkpointed --all: the record sink, the job's
 * window, digest and position. Not for commands.
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

/*
 * libpps's position of cp as the text pps_*_walk (follow 0) or pps_*_follow (1) resumes from,
 * into *out (malloc'd): 0, or -1 out of memory.
 */
int cli_walk_position(const cli_checkpoint *cp, int follow, char **out);
/* A position libpps gave, into cp's members: 0, or -1 when it is not one. */
int cli_walk_position_read(cli_checkpoint *cp, int follow, const char *text);
/* The stop callback of a walk or a follow: SIGINT/SIGTERM came. */
int cli_walk_stopped(void *unused);
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
