/*
 * Lists of GUIDs and folders (comma lists, JSON arrays, the lines of a file or stdin) and the
 * bulk quarantine action over a GUID list: batching, isolation of refused GUIDs, outcomes.
 */
#ifndef PPS_CLI_BULK_H
#define PPS_CLI_BULK_H

#include <stddef.h>
#include <stdio.h>

/* An owned list of strings; CLI_STRLIST_INIT or zeroed, freed with cli_strlist_release(). */
typedef struct cli_strlist {
	char **items;
	size_t n;
	size_t alloc;
} cli_strlist;

#define CLI_STRLIST_INIT   \
	{                  \
		NULL, 0, 0 \
	}

void cli_strlist_release(cli_strlist *l);
/* Appends a copy of text[0..len) with surrounding white space removed (empty text is skipped). */
int cli_strlist_add(cli_strlist *l, const char *text, size_t len);
/* Appends a copy of text[0..len) as it is, empty text too. Returns 0 or -1 (memory). */
int cli_strlist_add_raw(cli_strlist *l, const char *text, size_t len);
/* Removes duplicates, keeping each first occurrence in its place. */
void cli_strlist_dedup(cli_strlist *l);
/* Joins items [from, from+count) with sep into a malloc'd string. */
char *cli_strlist_join(const cli_strlist *l, size_t from, size_t count, const char *sep);

/* Splits a comma list into l (items trimmed, empty ones skipped). Returns 0 or -1 (memory). */
int cli_list_split(cli_strlist *l, const char *text);
/*
 * Reads the lines of in into l as they are (newline removed, blank lines kept as "", so that
 * item k is line k + 1). Returns 0, -1 (read error or memory) or -2 (the input holds a NUL
 * byte, which would cut a GUID short).
 */
int cli_list_read_lines(cli_strlist *l, FILE *in);

/*
 * A local_guid argument: "@FILE" reads FILE, "-" reads in, each into its lines as read; anything
 * else is one line (a comma list or a record). The entries are checked when the action runs
 * (guidlist.h). Returns 0, or -1 with a reason in err (an unreadable file, nothing given).
 */
int cli_guids_from_arg(cli_strlist *out, const char *value, FILE *in, char *err, size_t errlen);

/*
 * A folder list: a JSON array of strings ("[\"A\",\"B\"]") or a comma list; duplicates dropped.
 * Returns 0, or -1 with a reason in err.
 */
int cli_folders_from_arg(cli_strlist *out, const char *value, char *err, size_t errlen);

/*
 * The batch splitter: GUIDs grouped (one group per folder) are cut into batches of at most
 * `batch` GUIDs, a group never sharing a batch with another; a batch the server refuses may be
 * split in halves, which are sent next, first half first, down to single GUIDs.
 */
typedef struct cli_span {
	size_t group; /* which group (folder) */
	size_t first; /* index of the first GUID within the group */
	size_t count; /* number of GUIDs, >= 1 */
	size_t batch; /* 1-based number of the planned batch it comes from */
} cli_span;

typedef struct cli_batcher {
	cli_span *stack; /* pending spans, the next one last */
	size_t n;
	size_t alloc;
	size_t planned; /* number of planned batches */
} cli_batcher;

/*
 * Plans the batches of ngroups groups of sizes[g] GUIDs. Returns 0 or -1 (memory); the batcher
 * is released with cli_batcher_release() either way.
 */
int cli_batcher_init(cli_batcher *b, const size_t *sizes, size_t ngroups, size_t batch);
void cli_batcher_release(cli_batcher *b);
/* Takes the next span into *out: 1, or 0 when none is left. */
int cli_batcher_next(cli_batcher *b, cli_span *out);
/* Queues the two halves of s (s->count >= 2) to be sent next, the first half first. 0 or -1. */
int cli_batcher_split(cli_batcher *b, const cli_span *s);
/* The number of GUIDs still pending. */
size_t cli_batcher_pending(const cli_batcher *b);

struct cli_ctx;
struct cli_args;

/*
 * Runs the table's quarantine action (ctx's command) over args' local_guid list: entries checked
 * first (invalid ones never sent), duplicates sent once, GUIDs grouped by folder (a record's own,
 * else folder_name) and sent in batches of ctx->batch over the one client. A 429 is sent again
 * after the wait; a batch refused with 400 is split down to single GUIDs for move and delete (for
 * release, resubmit and forward only with --isolate); a lost answer is "unknown", never resent;
 * after a few batches in a row fail on the network the rest is not sent. Every entry gets one
 * outcome (done, invalid, refused, unknown, not_sent), written to --report and, with -o ndjson,
 * to stdout; -o json prints one document. Returns the exit status (docs/exit-codes.md).
 */
int cli_bulk_action(struct cli_ctx *ctx, const struct cli_args *args);

#endif
