/*
 * The files an --all or --follow job owns: its checkpoint and its --output-file. Both are
 * opened and tried before the first request, so that a file that cannot be written stops the
 * job before anything is sent or printed.
 */
#ifndef PPS_CLI_JOBFILES_H
#define PPS_CLI_JOBFILES_H

#include <stdio.h>

#include "cli/checkpoint.h"
#include "cli/cli.h"

typedef struct cli_output {
	FILE *f;     /* --output-file FILE, or NULL (stdout) */
	FILE *saved; /* ctx->out before it was pointed at f */
} cli_output;

/*
 * Loads the checkpoint (ctx->jobs.checkpoint) into cp; opens --output-file (ctx->jobs.output) for
 * appending, cut back to the length the checkpoint recorded (what was printed after it) or,
 * without one, to its last whole line, and points ctx->out at it; then writes the checkpoint
 * once. Returns the exit status: 0 to go on, 2 for a checkpoint of another job, 1 for a file
 * that cannot be read or written (said on stderr).
 */
int cli_job_files_open(cli_ctx *ctx, cli_checkpoint *cp, const char *job, cli_output *out);
/*
 * Saves cp with the output's length, when the job has a checkpoint; call it only after the
 * records it covers are flushed. 0, or -1 (said on stderr).
 */
int cli_job_files_save(cli_ctx *ctx, cli_checkpoint *cp, const char *job, cli_output *out);
/* Points ctx->out back and closes --output-file. 0, or -1 when the file could not be written. */
int cli_job_files_close(cli_ctx *ctx, cli_output *out);

#endif
