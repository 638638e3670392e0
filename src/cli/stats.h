/*
 * The counts of pps stats: records of the Smart Search trace or of the quarantine fed one at a
 * time, counted per UTC hour or day and per sender, sender domain, recipient, subject, final
 * action and folder, in memory bounded by the buckets and the distinct values. No I/O.
 */
#ifndef PPS_CLI_STATS_H
#define PPS_CLI_STATS_H

#include <stddef.h>
#include <stdint.h>

struct json_t;

typedef enum cli_stats_by {
	CLI_STATS_BY_AUTO = 0, /* hour for a window up to CLI_STATS_AUTO_HOURS, else day */
	CLI_STATS_BY_HOUR,
	CLI_STATS_BY_DAY
} cli_stats_by;

/* The longest window by=auto counts per hour, in hours. */
#define CLI_STATS_AUTO_HOURS 72
/* The most buckets a window may have (a longer by=hour window is a usage error). */
#define CLI_STATS_MAX_BUCKETS 2000
/* The default length of each top list. */
#define CLI_STATS_TOP_DEFAULT 10

/* The top lists, in the order they are shown; which apply depends on the source. */
typedef enum cli_stats_list {
	CLI_STATS_SENDERS,
	CLI_STATS_DOMAINS,
	CLI_STATS_RECIPIENTS,
	CLI_STATS_SUBJECTS,
	CLI_STATS_ACTIONS, /* Smart Search only */
	CLI_STATS_FOLDERS, /* quarantine only */
	CLI_STATS_NLISTS
} cli_stats_list;

/* One value of a top list: borrowed from the stats, valid until cli_stats_free. */
typedef struct cli_stats_entry {
	const char *value; /* may hold NUL bytes: len says how long */
	size_t len;
	unsigned long long count;
} cli_stats_entry;

typedef struct cli_stats_top {
	cli_stats_entry *items; /* count descending, then value ascending (bytes) */
	size_t n;
	size_t distinct; /* distinct values seen */
} cli_stats_top;

typedef struct cli_stats {
	int quarantine;	    /* 0: Smart Search records, 1: quarantine records */
	int64_t start, end; /* the window; end excluded for Smart Search, included for quarantine */
	cli_stats_by by;    /* HOUR or DAY (auto resolved) */
	int64_t step;	    /* 3600 or 86400 */
	int64_t first;	    /* the start of the first bucket */
	size_t nbuckets;    /* buckets[i] counts [first + i*step, first + (i+1)*step) */
	unsigned long long *buckets;
	unsigned long long total;   /* records added */
	unsigned long long outside; /* of them, dated outside the buckets or not at all */
	size_t top;		    /* the length of each top list */
	const char *source;	    /* what was counted, for the headline ("Smart Search") */
	int finished;
	struct json_t *maps[CLI_STATS_NLISTS]; /* value -> count while counting */
	cli_stats_top tops[CLI_STATS_NLISTS];  /* after cli_stats_finish */
} cli_stats;

/* The title of a list ("senders") and its key in -o json and -o csv ("sender_domains"). */
const char *cli_stats_list_title(cli_stats_list l);
const char *cli_stats_list_key(cli_stats_list l);
/* Whether list l applies to the source of s. */
int cli_stats_has_list(const cli_stats *s, cli_stats_list l);

/*
 * The bucket length by resolves to for the window [start, end]: 3600 or 86400 (auto picks
 * hours up to CLI_STATS_AUTO_HOURS).
 */
int64_t cli_stats_step(cli_stats_by by, int64_t start, int64_t end);
/* The start of the UTC hour or day (step) holding t, also before 1970. */
int64_t cli_stats_floor(int64_t t, int64_t step);
/* The number of buckets of step from start to last (included); 0 when last < start. */
size_t cli_stats_nbuckets(int64_t start, int64_t last, int64_t step);
/* The share of count in total in tenths of a percent, rounded half up (0 when total is 0). */
unsigned cli_stats_share_tenths(unsigned long long count, unsigned long long total);

/*
 * New counts for the window [start, end) of Smart Search (quarantine 0) or [start, end] of the
 * quarantine (1), per by, each top list top long. Returns 0; -1 out of memory; -2 when the
 * window has more than CLI_STATS_MAX_BUCKETS buckets or end is before start. *out is NULL on
 * failure.
 */
int cli_stats_new(cli_stats **out, int quarantine, int64_t start, int64_t end, cli_stats_by by,
		  size_t top);
/* Counts one record (borrowed). 0, or -1 out of memory (the record may be counted in part). */
int cli_stats_add(cli_stats *s, const struct json_t *record);
/* Computes the top lists; after it, no more cli_stats_add. 0 or -1 out of memory. */
int cli_stats_finish(cli_stats *s);
void cli_stats_free(cli_stats *s);

#endif
