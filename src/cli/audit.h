/*
 * The audit trail: every request of pps that changes something on a server is recorded in an
 * append-only NDJSON file (and, with audit_syslog = on, sent to the local syslog socket), one
 * "intent" line written and fsync'd before the request leaves and one "outcome" line after it,
 * joined by an id. docs/output.md describes the lines.
 *
 * How a command records a change (the whole API):
 *
 *	cli_audit_req a = CLI_AUDIT_REQ_INIT;
 *	cli_audit_id id;
 *
 *	a.operation = "user-blocklist-add";
 *	a.enduser = email;
 *	a.entries = entries; a.nentries = n;
 *	if (cli_audit_intent(ctx, &a, &id))
 *		return CLI_EXIT_FAILURE;          (said on stderr; nothing may be sent)
 *	rc = pps_...(&resp, ctx->client, ...);   (the request that changes something)
 *	if (cli_audit_outcome_rc(ctx, &id, rc, resp ? resp->status : 0))
 *		status = CLI_EXIT_UNKNOWN;        (said on stderr; the request went out)
 *
 * Every call is a no-op returning 0 when nothing is recorded (audit = off, --dry-run, --curl).
 * The writer lives in the CLI only: libpps knows nothing of it.
 */
#ifndef PPS_CLI_AUDIT_H
#define PPS_CLI_AUDIT_H

#include <stddef.h>

#include "pps/pps.h"

struct cli_ctx;
struct cli_settings;
struct cli_args;

/* What one change request names; NULL (or a count of 0) for what it does not name. */
typedef struct cli_audit_req {
	const char *operation; /* the command's name: release, delete-user, user-safelist-add */
	const char *folder;    /* a quarantine action's folder */
	const char *const *localguids; /* the messages it names */
	size_t nlocalguids;
	const char *const *guids; /* message GUIDs (not localguids), if any */
	size_t nguids;
	const char *enduser;	    /* the end user (email or uid) */
	const char *const *entries; /* list entries (safe and block lists) */
	size_t nentries;
	const char *target_folder; /* move: the folder messages go to; delete: deletedfolder */
	const char *to;		   /* forward: the recipients */
} cli_audit_req;

#define CLI_AUDIT_REQ_INIT        \
	{                         \
		.operation = NULL \
	}

/* The id joining an intent and its outcome. */
typedef struct cli_audit_id {
	char s[40]; /* empty: nothing was recorded */
} cli_audit_id;

/* The outcomes an outcome line carries. */
#define CLI_AUDIT_DONE	   "done"
#define CLI_AUDIT_REFUSED  "refused"
#define CLI_AUDIT_UNKNOWN  "unknown"
#define CLI_AUDIT_NOT_SENT "not_sent"

/*
 * Sets up ctx's audit trail from the settings (audit, audit_syslog, audit_syslog_socket, the
 * profile, URL and account). Nothing is opened yet: the file is opened at the first intent.
 * 0, or -1 (memory) with the reason in err.
 */
int cli_audit_setup(struct cli_ctx *ctx, const struct cli_settings *s, char *err, size_t errlen);
/* Closes ctx's audit trail; ctx->audit is NULL after. */
void cli_audit_finish(struct cli_ctx *ctx);

/*
 * Opens the audit file (its folders made 0700, the file 0600, O_APPEND) if it is not open yet,
 * so that a command can fail before its first request. 0, or -1 after one error line on
 * ctx->err ("pps: cannot write the audit file '...': ...; nothing was sent").
 */
int cli_audit_open(struct cli_ctx *ctx);

/*
 * Writes req's intent line and fsyncs it; id receives the id for the outcome. 0 when written
 * (or nothing is recorded: id is then empty); -1 after one error line on ctx->err: the request
 * must NOT be sent (the run's exit status is then 1).
 */
int cli_audit_intent(struct cli_ctx *ctx, const cli_audit_req *req, cli_audit_id *id);

/*
 * Writes the outcome of the intent id (one of CLI_AUDIT_*) with the HTTP status (0: none) and
 * the server's or pps's message (NULL: none). 0, or -1 after one error line on ctx->err saying
 * what the server answered and that the file shows the request as unknown: the caller's exit
 * status is then CLI_EXIT_UNKNOWN (8).
 */
int cli_audit_outcome(struct cli_ctx *ctx, const cli_audit_id *id, const char *outcome,
		      long http_status, const char *message);

/*
 * cli_audit_outcome for a libpps result code rc: done (PPS_OK), refused (the server said no:
 * 400, 401, 403, 404), not_sent (nothing reached the server: network, TLS, usage), else unknown;
 * the message is the client's last error's (the server's text when it gave one).
 */
int cli_audit_outcome_rc(struct cli_ctx *ctx, const cli_audit_id *id, int rc, long http_status);

/* The outcome name of a libpps result code (as cli_audit_outcome_rc maps it). */
const char *cli_audit_outcome_of(int rc);

/* pps audit: the filters of the listing (bound by the command table, commands_audit.c). */
typedef struct cli_audit_query {
	pps_instant since;
	pps_instant until;
	const char *operation;
	const char *target; /* a localguid, a GUID, an address, a domain or a list entry */
	const char *outcome;
	const char *file; /* another audit file than the profile's */
} cli_audit_query;

/* pps audit: lists the audit file, intent and outcome joined by id. Returns the exit status. */
int cmd_audit(struct cli_ctx *ctx, const struct cli_args *args);

/* The default audit file ($XDG_STATE_HOME/pps/audit.ndjson, else ~/.local/state/pps/...),
 * malloc'd, or NULL when neither variable is set (or memory). */
char *cli_audit_default_path(void);

#endif
