/*
 * What a command handler gets: the client, the output options, the global flags; and the helpers
 * every handler shares (one-line errors, --dry-run printing, wire parameters from the table).
 */
#ifndef PPS_CLI_CLI_H
#define PPS_CLI_CLI_H

#include <stdio.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/render.h"
#include "pps/pps.h"

struct json_t;

typedef struct cli_ctx {
	const cli_command *cmd;
	pps_client *client; /* NULL with --dry-run */
	cli_render_opts render;
	FILE *out;
	FILE *err;
	FILE *in;
	int dry_run;
	int quiet;
	int verbose;
	int err_tty;	    /* stderr is a terminal: progress lines allowed */
	long batch;	    /* GUIDs per quarantine action request */
	long timeout_ms;    /* --timeout: also caps the waits for a throttled action */
	const char *report; /* --report FILE: one NDJSON line per local_guid entry, or NULL */
	int isolate;	    /* --isolate: split refused release/resubmit/forward batches too */
	long confirm_over;  /* --confirm-over N: ask on a terminal above N messages */
	int yes;	    /* --yes: never ask */
	/* The jobs bigger than one request (walk.c): --all, --follow, the cap probe. */
	struct cli_jobs {
		int all;
		int follow;
		const char *checkpoint; /* --checkpoint FILE, or NULL */
		long interval;		/* --interval SECONDS of --follow */
		long server_cap;	/* the server's count cap when known (0: unknown) */
		int limit_given;	/* limit= was on the command line */
	} jobs;
	/* Several clusters (--profile a,b): records are appended here, tagged, not printed. */
	struct json_t *collect;
	const char *cluster; /* the profile name tagged on collected records */
} cli_ctx;

/* Prints "pps: <formatted>" and a newline on ctx->err. */
void cli_errorf(cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Reports the client's last error as one line on stderr ("pps: " + what + ": " + detail when
 * what is not NULL) and returns the exit status for code. 401 and 403 explain the API role
 * and the command's managed module.
 */
int cli_report(cli_ctx *ctx, int code, const char *what);

/*
 * The query parameters or body keys of ctx's command from args, by the table's wire names
 * (times formatted for the command's wire, booleans as t/f, lists comma-joined, fixed
 * parameters added). New reference, or NULL when out of memory.
 */
struct json_t *cli_wire_params(const cli_ctx *ctx, const cli_args *args);

/* --dry-run: prints "METHOD /rest/v1PATH JSON" on stdout. params is borrowed (may be NULL). */
int cli_dry_run_print(cli_ctx *ctx, const char *method, const char *path,
		      const struct json_t *params);

/*
 * Prints a response body (-o raw, raw messages): verbatim into a pipe or file; on a terminal
 * with controls written visibly (\x1b) and CRLF as LF. Returns 0 or the exit status.
 */
int cli_print_body(cli_ctx *ctx, const pps_response *resp);

/* Prints records with ctx's command's output spec. Returns the exit status (0 or 1). */
int cli_print_records(cli_ctx *ctx, const struct json_t *records);
/*
 * Checks that a downloaded body is a message by its Content-Type (message/ *, text/plain,
 * application/octet-stream, or none): else prints "the server sent TYPE, not a message: ...
 * OUTCOME" and returns CLI_EXIT_PROTO. Returns 0 when it is one.
 */
int cli_check_message_type(cli_ctx *ctx, const pps_response *resp, const char *outcome);

/* Prints one JSON object (json or ndjson). Returns the exit status (0 or 1). */
int cli_print_object(cli_ctx *ctx, const struct json_t *obj);
/* Prints a message in the chosen format. Returns the exit status (0 or 1). */
int cli_print_message(cli_ctx *ctx, const char *message);

/* The command handlers, referenced by the table. */
int cmd_smart_search(cli_ctx *ctx, const cli_args *args);
int cmd_quarantine_list(cli_ctx *ctx, const cli_args *args);
int cmd_quarantine_action(cli_ctx *ctx, const cli_args *args);
int cmd_quarantine_download(cli_ctx *ctx, const cli_args *args);
int cmd_get_user(cli_ctx *ctx, const cli_args *args);
int cmd_create_user(cli_ctx *ctx, const cli_args *args);
int cmd_modify_user(cli_ctx *ctx, const cli_args *args);
int cmd_delete_user(cli_ctx *ctx, const cli_args *args);
int cmd_test(cli_ctx *ctx, const cli_args *args);
int cmd_health(cli_ctx *ctx, const cli_args *args);

#endif
