/*
 * The audit file: opened at the first change (folders 0700, file 0600, O_APPEND, never through
 * a symbolic link), one JSON line per intent and outcome, each written whole in one write and
 * fsync'd. Knows no command: the handlers say what a request names (audit.h).
 */
#include "cli/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/auditpriv.h"
#include "cli/cli.h"
#include "cli/config.h"
#include "cli/journal.h"
#include "util/buf.h"
#include "util/fsutil.h"

#include "util/banned.h"

char *cli_audit_default_path(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	ppsbuf b = PPSBUF_INIT;

	if (xdg && *xdg)
		ppsbuf_addf(&b, "%s/pps/audit.ndjson", xdg);
	else if (home && *home)
		ppsbuf_addf(&b, "%s/.local/state/pps/audit.ndjson", home);
	else
		return NULL;
	return ppsbuf_detach(&b, NULL);
}

/* The URL without its user part (https://user:pass@host/ -> https://host/), malloc'd. */
static char *server_of(const char *url)
{
	const char *scheme = url ? strstr(url, "://") : NULL;
	const char *host, *end, *at = NULL;
	ppsbuf b = PPSBUF_INIT;

	if (!url)
		return NULL;
	if (!scheme)
		return strdup(url);
	host = scheme + 3;
	end = host + strcspn(host, "/?#");
	for (const char *p = host; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return strdup(url);
	if (ppsbuf_add(&b, url, (size_t)(host - url)) || ppsbuf_adds(&b, at + 1)) {
		ppsbuf_release(&b);
		return NULL;
	}
	return ppsbuf_detach(&b, NULL);
}

/* The name of the user pps runs as, else its number. */
static void os_user(char *buf, size_t len)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];

	if (getpwuid_r(geteuid(), &pw, tmp, sizeof(tmp), &res) == 0 && res && res->pw_name)
		snprintf(buf, len, "%s", res->pw_name);
	else
		snprintf(buf, len, "%lu", (unsigned long)geteuid());
}

static char *dup_or_null(const char *s, int *bad)
{
	char *c = s ? strdup(s) : NULL;

	if (s && !c)
		*bad = 1;
	return c;
}

int cli_audit_setup(cli_ctx *ctx, const cli_settings *s, char *err, size_t errlen)
{
	struct cli_audit *a;
	int bad = 0;

	ctx->audit = NULL;
	if (ctx->dry_run || (s->audit && !strcmp(s->audit, "off")))
		return 0;
	a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	a->fd = -1;
	a->syslog_fd = -1;
	a->path = s->audit && *s->audit ? strdup(s->audit) : cli_audit_default_path();
	a->profile = dup_or_null(s->profile, &bad);
	a->cluster = dup_or_null(ctx->cluster ? ctx->cluster : s->profile, &bad);
	a->server = server_of(s->url);
	bad |= s->url && !a->server;
	a->account = dup_or_null(s->username, &bad);
	a->syslog = s->audit_syslog;
	a->syslog_socket =
		dup_or_null(s->audit_syslog_socket ? s->audit_syslog_socket : "/dev/log", &bad);
	a->pending = json_object();
	os_user(a->user, sizeof(a->user));
	if (bad || !a->pending || (s->audit && *s->audit && !a->path)) {
		ctx->audit = a;
		cli_audit_finish(ctx);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ctx->audit = a;
	return 0;
}

void cli_audit_finish(cli_ctx *ctx)
{
	struct cli_audit *a = ctx->audit;

	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	if (a->syslog_fd >= 0)
		close(a->syslog_fd);
	json_decref(a->pending);
	free(a->path);
	free(a->profile);
	free(a->cluster);
	free(a->server);
	free(a->account);
	free(a->syslog_socket);
	free(a);
	ctx->audit = NULL;
}

/* Says why the audit file cannot be written; -1. */
static int cannot_write(cli_ctx *ctx, const char *what, int err)
{
	cli_errorf(ctx,
		   "cannot write the audit file '%s': %s%s; nothing was sent (audit = off in the "
		   "profile, or --audit off, turns the audit trail off)",
		   ctx->audit->path ? ctx->audit->path : "", what ? what : "", strerror(err));
	return -1;
}

int cli_audit_open(cli_ctx *ctx)
{
	struct cli_audit *a = ctx->audit;
	char folder[4096];
	struct stat st;
	int flags;

	if (!a || a->fd >= 0)
		return 0;
	if (a->failed)
		return cannot_write(ctx, NULL, a->failed);
	if (!a->path) {
		cli_errorf(ctx,
			   "no audit file: neither XDG_STATE_HOME nor HOME is set; give --audit "
			   "FILE (or --audit off); nothing was sent");
		a->failed = EINVAL;
		return -1;
	}
	if (fs_make_parents(a->path, 0700, folder, sizeof(folder))) {
		int e = errno;

		cli_errorf(ctx,
			   "cannot create the folder '%s' of the audit file '%s': %s; nothing "
			   "was sent",
			   folder, a->path, strerror(e));
		a->failed = e;
		return -1;
	}
	a->fd = open(a->path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
		     0600);
	if (a->fd < 0) {
		a->failed = errno;
		return cannot_write(ctx, errno == ELOOP ? "a symbolic link: " : NULL, a->failed);
	}
	if (fstat(a->fd, &st) || !S_ISREG(st.st_mode)) {
		close(a->fd);
		a->fd = -1;
		a->failed = EINVAL;
		cli_errorf(ctx,
			   "cannot write the audit file '%s': not a regular file; nothing was "
			   "sent",
			   a->path);
		return -1;
	}
	flags = fcntl(a->fd, F_GETFL);
	if (flags >= 0)
		(void)fcntl(a->fd, F_SETFL, flags & ~O_NONBLOCK);
	return 0;
}

/* An id no other run makes: 16 random hex digits (else the time, the pid and a count). */
static void new_id(struct cli_audit *a, cli_audit_id *id)
{
	unsigned char r[8];

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r)) {
		for (size_t i = 0; i < sizeof(r); i++)
			snprintf(id->s + 2 * i, 3, "%02x", r[i]);
	} else {
		snprintf(id->s, sizeof(id->s), "%lx-%lx-%lx", (unsigned long)time(NULL),
			 (unsigned long)getpid(), ++a->seq);
	}
}

static int set_str(json_t *obj, const char *key, const char *s)
{
	json_t *v;

	if (!s)
		return 0;
	v = cli_journal_string(s);
	return v ? json_object_set_new(obj, key, v) : -1;
}

static int set_list(json_t *obj, const char *key, const char *const *v, size_t n)
{
	json_t *arr;

	if (!v || !n)
		return 0;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		json_t *s = cli_journal_string(v[i]);

		if (!s || json_array_append_new(arr, s)) {
			json_decref(arr);
			return -1;
		}
	}
	return arr ? json_object_set_new(obj, key, arr) : -1;
}

/* What a request names (the part of its lines that is the same in intent and outcome). */
static json_t *names_of(const cli_audit_req *req)
{
	json_t *o = json_object();

	if (!o || set_str(o, "operation", req->operation) || set_str(o, "folder", req->folder) ||
	    set_str(o, "target_folder", req->target_folder) || set_str(o, "to", req->to) ||
	    set_list(o, "localguids", req->localguids, req->nlocalguids) ||
	    set_list(o, "guids", req->guids, req->nguids) || set_str(o, "enduser", req->enduser) ||
	    set_list(o, "entries", req->entries, req->nentries)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A line: time, event, id, who, then names (copied in). NULL on memory. */
static json_t *line_of(const struct cli_audit *a, const char *event, const char *id, json_t *names)
{
	char now[32];
	json_t *o = json_object();

	cli_audit_now(now);
	if (!o || set_str(o, "time", now) || set_str(o, "event", event) || set_str(o, "id", id) ||
	    set_str(o, "user", a->user) || set_str(o, "pps_version", PPS_VERSION) ||
	    set_str(o, "profile", a->profile) || set_str(o, "cluster", a->cluster) ||
	    set_str(o, "server", a->server) || set_str(o, "account", a->account) ||
	    (names && json_object_update(o, names))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/*
 * Writes line (one write, then fsync) and sends it to syslog. 0, or -1 with errno; a line
 * cut short by a full disk is cut off again so that the file keeps whole lines.
 */
static int put_line(cli_ctx *ctx, const json_t *line)
{
	struct cli_audit *a = ctx->audit;
	char *s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
	ppsbuf b = PPSBUF_INIT;
	off_t at;
	int rc = -1;

	if (!s || ppsbuf_adds(&b, s) || ppsbuf_addch(&b, '\n')) {
		errno = ENOMEM;
		goto done;
	}
	/* Locked, so that cutting off a torn line never cuts another run's line. */
	while (flock(a->fd, LOCK_EX) < 0 && errno == EINTR)
		;
	at = lseek(a->fd, 0, SEEK_END);
	if (fs_write_all(a->fd, b.buf, b.len) || fsync(a->fd)) {
		int e = errno;

		if (at >= 0 && ftruncate(a->fd, at)) {
			/* The torn line stays; readers skip it with a warning. */
		}
		(void)flock(a->fd, LOCK_UN);
		errno = e;
		goto done;
	}
	(void)flock(a->fd, LOCK_UN);
	rc = 0;
	if (a->syslog)
		cli_audit_syslog(ctx, s);
done:
	free(s);
	ppsbuf_release(&b);
	return rc;
}

int cli_audit_intent(cli_ctx *ctx, const cli_audit_req *req, cli_audit_id *id)
{
	struct cli_audit *a = ctx->audit;
	json_t *names, *line;
	int rc;

	id->s[0] = '\0';
	if (!a)
		return 0;
	if (cli_audit_open(ctx))
		return -1;
	new_id(a, id);
	names = names_of(req);
	line = names ? line_of(a, "intent", id->s, names) : NULL;
	if (!line) {
		json_decref(names);
		id->s[0] = '\0';
		return cannot_write(ctx, NULL, ENOMEM);
	}
	rc = put_line(ctx, line);
	json_decref(line);
	if (rc) {
		int e = errno;

		json_decref(names);
		id->s[0] = '\0';
		return cannot_write(ctx, NULL, e);
	}
	/* Out of memory here, the outcome line names the id and the outcome alone. */
	(void)json_object_set_new(a->pending, id->s, names);
	return 0;
}

int cli_audit_outcome(cli_ctx *ctx, const cli_audit_id *id, const char *outcome, long http_status,
		      const char *message)
{
	struct cli_audit *a = ctx->audit;
	json_t *names, *line;
	int rc = -1, e = ENOMEM;

	if (!a || !id->s[0])
		return 0;
	names = json_object_get(a->pending, id->s);
	line = line_of(a, "outcome", id->s, names);
	if (line &&
	    (set_str(line, "outcome", outcome) ||
	     (http_status && json_object_set_new(line, "http_status", json_integer(http_status))) ||
	     set_str(line, "message", message))) {
		json_decref(line);
		line = NULL;
	}
	if (line && a->fd >= 0) {
		rc = put_line(ctx, line);
		e = errno;
	}
	json_decref(line);
	json_object_del(a->pending, id->s);
	if (rc) {
		cli_errorf(ctx,
			   "cannot write the outcome (%s%s%s) to the audit file '%s': %s; the "
			   "request was sent and the file shows it as unknown",
			   outcome, message && *message ? ": " : "", message ? message : "",
			   a->path ? a->path : "", strerror(e));
		return -1;
	}
	return 0;
}

const char *cli_audit_outcome_of(int rc)
{
	switch (rc) {
	case PPS_OK:
		return CLI_AUDIT_DONE;
	case PPS_EREJECTED:
	case PPS_ENOTFOUND:
	case PPS_EAUTH:
	case PPS_EPERM:
		return CLI_AUDIT_REFUSED;
	case PPS_ENET:
	case PPS_ETLS:
	case PPS_EUSAGE:
		return CLI_AUDIT_NOT_SENT;
	default:
		return CLI_AUDIT_UNKNOWN;
	}
}

int cli_audit_outcome_rc(cli_ctx *ctx, const cli_audit_id *id, int rc, long http_status)
{
	const pps_error *e;
	const char *message = NULL;

	if (!ctx->audit || !id->s[0])
		return 0;
	e = ctx->client ? pps_client_last_error(ctx->client) : NULL;
	if (rc != PPS_OK && e) {
		message = e->server_message && *e->server_message ? e->server_message : e->message;
		if (!http_status)
			http_status = e->http_status;
	}
	/* A 429 the retries did not outlast: the server did nothing. */
	return cli_audit_outcome(ctx, id,
				 rc == PPS_ESERVER && http_status == 429 ? CLI_AUDIT_NOT_SENT
									 : cli_audit_outcome_of(rc),
				 http_status, message);
}
