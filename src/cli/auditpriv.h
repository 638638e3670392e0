/*
 * The audit trail's state, shared by audit.c (the file) and audit_syslog.c (syslog) alone;
 * audit_time.c holds the clock both use.
 */
#ifndef PPS_CLI_AUDITPRIV_H
#define PPS_CLI_AUDITPRIV_H

struct json_t;
struct cli_ctx;

struct cli_audit {
	char *path; /* the file, or NULL when no default could be found */
	int fd;	    /* -1 until the first intent opens it */
	int failed; /* the errno of a failed open: every later intent fails alike */
	char *profile;
	char *cluster;
	char *server; /* the URL without its user part */
	char *account;
	char user[256]; /* the OS user */
	unsigned long seq;
	struct json_t *pending; /* id -> what the intent named, until its outcome */
	/* audit_syslog = on */
	int syslog;
	char *syslog_socket;
	int syslog_fd;
	int syslog_warned;
};

/* The current time as UTC ISO 8601 (2026-01-02T03:04:05Z); audit_time.c. */
void cli_audit_now(char buf[32]);
/* Sends one JSON line to the syslog socket as an RFC 5424 message; warns once on failure. */
void cli_audit_syslog(struct cli_ctx *ctx, const char *json);

#endif
