/*
 * The stats command: its request (bound from the table in commands_stats.c), its handler and
 * its printers (stats_out.c).
 */
#ifndef PPS_CLI_STATS_CMD_H
#define PPS_CLI_STATS_CMD_H

#include "cli/cli.h"
#include "cli/stats.h"
#include "pps/pps.h"

/* What stats asks: the Smart Search filters, or with folder the quarantine's. */
typedef struct cli_stats_req {
	pps_smartsearch_req ss; /* start, end, the filters; count: limit= */
	const char *folder;	/* folder_name= (a list, read by the handler) */
	const char *by;		/* hour, day, or NULL */
	long top;
	pps_flag ascii;
} cli_stats_req;

int cmd_stats(cli_ctx *ctx, const cli_args *args);

/*
 * Prints finished stats in ctx's format: table/wide the chart (for ctx->render.width), json or
 * ndjson the numbers, csv one row per bucket and per top entry. Returns 0, or -1 when stdout
 * could not be written (or out of memory).
 */
int cli_stats_print(cli_ctx *ctx, const cli_stats *s, int unicode);

#endif
