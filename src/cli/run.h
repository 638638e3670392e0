/*
 * One run of a command with its checked arguments: the settings, the client, the context every
 * handler gets (run.c); over several clusters with --profile a,b (clusters.c).
 */
#ifndef PPS_CLI_RUN_H
#define PPS_CLI_RUN_H

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/config.h"
#include "cli/options.h"
#include "pps/pps.h"

/* What every run of a command shares: the globals, the terminal, the render options. */
void cli_ctx_init(cli_ctx *ctx, const cli_globals *g, const cli_command *cmd, const cli_args *args,
		  const char *const *fields);

/* The output format named by the flags or the settings; -1 after a usage error. */
int cli_pick_format(const cli_globals *g, const cli_settings *s, cli_format *out);

/*
 * A client for settings s; with dry, one that prints each request (--dry-run, --curl) and
 * sends nothing. The settings' copy of the password is wiped once the client holds its own
 * (wiped when it is freed). 0, or -1 with the reason in err.
 */
int cli_open_client(cli_globals *g, cli_settings *s, int dry, pps_client **out, char *err,
		    size_t errlen);

/* Runs cmd with its checked arguments: settings, client, handler. Returns the exit status. */
int cli_run_command(cli_globals *g, const cli_command *cmd, const cli_args *args,
		    const char *const *fields);

/*
 * Runs cmd on every profile of the comma list g->cfg.profile: searches concurrently, one thread
 * and one connection per cluster, their records merged newest first and tagged "cluster"; other
 * commands one cluster after the other (actions only with --yes). A failing cluster is named on
 * stderr and the others still print: exit 1, or the failure's own status when all failed.
 */
int cli_run_clusters(cli_globals *g, const cli_command *cmd, const cli_args *args,
		     const char *const *fields);

#endif
