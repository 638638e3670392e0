/*
 * The jobs bigger than one request, for smart-search and quarantine-messages-list: the probe
 * that warns when a server cap may have cut an answer, --all (the whole window past any cap)
 * and --follow (new records as they appear, with a checkpoint).
 */
#ifndef PPS_CLI_WALK_H
#define PPS_CLI_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "pps/pps.h"

struct cli_ctx;
struct json_t;

/*
 * How far back each --follow poll looks again by default, in seconds (--overlap; see
 * docs/pps.1, FOLLOWING): a busy PPS indexes a message for Smart Search minutes after its date.
 */
#define CLI_FOLLOW_OVERLAP_S 300

struct cli_args;

/*
 * Checks the --all/--follow/--checkpoint/--interval/--overlap/--output flags in ctx->jobs against
 * the command, its arguments and the output format. Returns 0, or -1 with a one-line reason in err.
 */
int cli_jobs_check(const struct cli_ctx *ctx, const struct cli_args *a, int interval_given,
		   int overlap_given, char *err, size_t errlen);

/* What one search asks; the walk changes the window and the count per request. */
typedef struct cli_search {
	int quarantine; /* 0: Smart Search, 1: quarantine search of one folder */
	/* The start was "now", "N units ago" or --follow's default: --follow reads it on the
	 * server's clock once it knows it. */
	int start_from_now;
	pps_smartsearch_req ss;
	pps_quarantine_search_req qs;
} cli_search;

/*
 * Runs a search as its flags ask: --follow, --all, or (Smart Search only) one request followed
 * by the cap probe. For a quarantine search, folders[0..nfolders) are searched in the order
 * given (qs.folder is ignored). Returns the exit status.
 */
int cli_search_run(struct cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders);

/* Empties s for a Smart Search (quarantine 0) or a quarantine search, its requests versioned. */
void cli_search_init(cli_search *s, int quarantine);

/*
 * The cap probe after one answer of records to a request for asked: when the answer may have
 * been cut (as long as asked, or at least 1,000 or the configured server cap), asks once for one
 * record older than the oldest shown, and warns on stderr when there is one (naming folder when
 * not NULL). Never changes the exit status.
 */
void cli_search_probe(struct cli_ctx *ctx, const cli_search *s, long asked,
		      const struct json_t *records, const char *folder);

/*
 * The same probe after an answer of got records to a request for asked whose last (oldest)
 * record is last (borrowed), for a caller that did not keep the records.
 */
void cli_search_probe_last(struct cli_ctx *ctx, const cli_search *s, long asked, size_t got,
			   const struct json_t *last, const char *folder);

/*
 * Says that the second at second held more records than one answer returns, so that a walk
 * may have missed some (what: "folder 'X'" or NULL). Returns CLI_EXIT_FAILURE (1).
 */
int cli_walk_warn_incomplete(struct cli_ctx *ctx, int64_t second, const char *what);

/* Whether a time argument counts back from now to the second ("now", "10 minutes ago"). */
int cli_time_from_now(const char *text);

/* The operation whose records a search reads: what pps_record_id() and pps_record_time() take. */
#define CLI_SEARCH_OP(quarantine) ((quarantine) ? PPS_OP_QUARANTINE_SEARCH : PPS_OP_SMARTSEARCH)

#endif
