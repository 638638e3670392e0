/*
 * The batch splitter of bulk actions (batcher.c): pure, no I/O.
 */
#ifndef PPS_CLI_BATCHER_H
#define PPS_CLI_BATCHER_H

#include <stddef.h>

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

#endif
