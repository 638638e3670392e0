/*
 * The bulk quarantine action over a GUID list: isolation of refused GUIDs, outcomes (the
 * batch splitter is batcher.h's, the lists lists.h's).
 */
#ifndef PPS_CLI_BULK_H
#define PPS_CLI_BULK_H

#include <stddef.h>

#include "cli/batcher.h"
#include "cli/lists.h"

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
