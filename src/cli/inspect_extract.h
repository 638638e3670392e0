/*
 * --extract DIR: an inspection's attachments written as they are decoded, each to an unnamed
 * (or hidden temporary) file first and linked under its safe name only once complete: never a
 * half-written file under a name, never an existing file overwritten, mode 0600.
 */
#ifndef PPS_CLI_INSPECT_EXTRACT_H
#define PPS_CLI_INSPECT_EXTRACT_H

#include <stddef.h>
#include <stdio.h>

struct json_t;

typedef struct cli_extract cli_extract;

/*
 * Opens dir (made with mode 0700, and the folders above it, when missing). Lines about written
 * files go to notes (NULL: none), errors to err as one "pps: ..." line each. 0, or -1 after
 * printing why.
 */
int cli_extract_new(cli_extract **out, const char *dir, FILE *notes, FILE *err);
/* The callback of pps_inspect_options.attachment; ctx the cli_extract. Never cancels. */
int cli_extract_piece(void *ctx, size_t index, const void *data, size_t len,
		      const struct json_t *meta);
/*
 * After an inspection: sets "extracted" (the path written) on each attachment of
 * inspection that was written, and readies for the next message. Returns the number of
 * attachments that could not be written since the last call.
 */
size_t cli_extract_done(cli_extract *x, struct json_t *inspection);
void cli_extract_free(cli_extract *x);

#endif
