/* The batching of a quarantine action over a GUID list (lists.h holds the lists). */
#ifndef PPS_CLI_BULK_H
#define PPS_CLI_BULK_H

struct cli_ctx;
struct cli_args;

/*
 * Runs the table's quarantine action (ctx's command) over args' local_guid list in batches of
 * ctx->batch GUIDs, one request per batch over the one client; prints each batch's server text
 * on stdout, progress on stderr when it is a terminal, and a final count. A failed batch is
 * reported by its first GUID and the others still run; never retries a POST.
 * Returns the exit status: 0, 1 when some batches failed, or the failure's own status when all did.
 */
int cli_bulk_action(struct cli_ctx *ctx, const struct cli_args *args);

#endif
