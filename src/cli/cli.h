/*
 * What a command handler gets: the client, the output options, the global flags; the request
 * structs of the commands that need more than libpps's; and the helpers every handler shares
 * (one-line errors, printing records as they stream in).
 */
#ifndef PPS_CLI_CLI_H
#define PPS_CLI_CLI_H

#include <stdarg.h>
#include <stdio.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/render.h"
#include "pps/pps.h"

struct json_t;

/* quarantine-messages-list: a search, or with guid the raw message. */
typedef struct cli_qlist_req {
	pps_quarantine_search_req search;
	const char *guid;
} cli_qlist_req;

/* quarantine-message-download: libpps takes the guid; out and force are pps's own. */
/* The default of --max-download: larger than any message a mail server passes. */
#define CLI_MAX_DOWNLOAD_DEFAULT (256LL << 20)

typedef struct cli_download_req {
	const char *guid;
	const char *out;
	pps_flag force;
} cli_download_req;

/* inspect and quarantine-message-inspect: pps's own arguments. */
typedef struct cli_inspect_req {
	const char *guid;    /* quarantine-message-inspect */
	pps_flag iocs;	     /* --iocs: indicators as NDJSON instead of the inspection */
	const char *extract; /* --extract DIR: the attachments written there */
} cli_inspect_req;
/* The safe and block list commands: the user, and entry= as given (a comma list or -). */
typedef struct cli_ulist_req {
	const char *email;
	const char *uid;
	const char *entry;
} cli_ulist_req;

typedef struct cli_ctx {
	const cli_command *cmd;
	pps_client *client; /* with --dry-run or --curl, one that prints and sends nothing */
	cli_render_opts render;
	FILE *out;
	FILE *err;
	FILE *in;
	int dry_run; /* --dry-run or --curl: requests are printed, none is sent */
	/* The client only prints requests (--curl; --dry-run unless the command reads). */
	int client_prints;
	int quiet;
	int verbose;
	int err_tty;	    /* stderr is a terminal: progress lines allowed */
	int err_color;	    /* colour allowed on stderr (--color, NO_COLOR, a terminal) */
	long batch;	    /* GUIDs per quarantine action request */
	long timeout_ms;    /* --timeout: also caps the waits for a throttled action */
	const char *report; /* --report FILE: the run's journal (journal.h), or NULL */
	int retry_unknown;  /* --retry-unknown: send again what an earlier run left unknown */
	int fail_empty;	    /* --fail-empty: an empty local_guid input exits 1, not 0 */
	int isolate;	    /* --isolate: split refused release/resubmit/forward batches too */
	long confirm_over;  /* --confirm-over N: ask on a terminal above N messages */
	int yes;	    /* --yes: never ask */
	/* --max-download BYTES: the longest message a download saves. */
	long long max_download;
	/* The jobs bigger than one request (walk.c): --all, --follow, the cap probe. */
	struct cli_jobs {
		int all;
		int follow;
		const char *checkpoint; /* --checkpoint FILE, or NULL */
		long interval;		/* --interval SECONDS of --follow */
		long server_cap;	/* the server's count cap when known (0: unknown) */
		long overlap;		/* --overlap SECONDS of --follow */
		const char *output;	/* --output-file FILE of --all/--follow, or NULL (stdout) */
		int limit_given;	/* limit= was on the command line */
	} jobs;
	/* Several clusters (--profile a,b): records are appended here, tagged, not printed. */
	struct json_t *collect;
	const char *cluster; /* the profile name tagged on collected records */
	/* The audit trail of the changes this run makes (audit.h); NULL: none recorded. */
	struct cli_audit *audit;
	const char *audit_setting; /* the profile's audit (a file, off) or NULL: pps audit reads */
} cli_ctx;

/* Prints "pps: <formatted>" and a newline on ctx->err. */
void cli_errorf(cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same on err with a va_list: "pps: " and the text, controls shown, never obeyed. */
void cli_verror(FILE *err, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/*
 * Reports the client's last error as one line on stderr ("pps: " + what + ": " + detail when
 * what is not NULL) and returns the exit status for code. 401 and 403 explain the API role
 * and the command's managed module.
 */
int cli_report(cli_ctx *ctx, int code, const char *what);

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

/* Appends a copy of rec tagged "cluster" with ctx->cluster to ctx->collect. 0 or -1 (memory). */
int cli_collect_record(cli_ctx *ctx, const struct json_t *rec);

/* Prints one JSON object (json or ndjson). Returns the exit status (0 or 1). */
int cli_print_object(cli_ctx *ctx, const struct json_t *obj);

/*
 * Prints the records of a streaming call as they arrive, in ctx's format and command's output
 * spec; -o raw prints the body verbatim. run makes the call with the visitor it is given.
 * On failure the records already printed stay printed and one error line follows on stderr
 * (a json document is then left unclosed, so that it cannot pass for a complete one).
 * Returns the exit status.
 */
typedef int (*cli_stream_fn)(cli_ctx *ctx, const void *req, const pps_visitor *visitor);
int cli_print_stream(cli_ctx *ctx, cli_stream_fn run, const void *req);
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
int cmd_inspect(cli_ctx *ctx, const cli_args *args);
int cmd_quarantine_inspect(cli_ctx *ctx, const cli_args *args);
int cmd_user_safelist_add(cli_ctx *ctx, const cli_args *args);
int cmd_user_safelist_remove(cli_ctx *ctx, const cli_args *args);
int cmd_user_safelist_list(cli_ctx *ctx, const cli_args *args);
int cmd_user_blocklist_add(cli_ctx *ctx, const cli_args *args);
int cmd_user_blocklist_remove(cli_ctx *ctx, const cli_args *args);
int cmd_user_blocklist_list(cli_ctx *ctx, const cli_args *args);

#endif
