/*
 * pps audit: the audit file read back, each intent joined with its outcome by id (an intent
 * without one is unknown), filtered, printed as records. A damaged line is skipped with a
 * warning. Sends nothing.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/audit.h"
#include "cli/cli.h"
#include "cli/exit.h"
#include "util/buf.h"

#include "util/banned.h"

/* At most this many damaged lines are named one by one; the rest are counted. */
#define NAMED_BAD_LINES 5

/* The fields an intent line brings into its record, in the record's order. */
static const char *const intent_keys[] = {
	"time",	       "operation", "folder", "target_folder", "localguids", "guids",  "enduser",
	"entries",     "to",	    "user",   "profile",       "cluster",    "server", "account",
	"pps_version", NULL
};

static const char *str_of(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A short text of what a record names: GUIDs (the first 3 and a count), a user, entries. */
static int add_targets(json_t *rec)
{
	static const char *const lists[] = { "localguids", "guids", "entries", NULL };
	ppsbuf b = PPSBUF_INIT;
	const char *user = str_of(rec, "enduser");
	int rc;

	if (user)
		ppsbuf_adds(&b, user);
	for (size_t l = 0; lists[l]; l++) {
		const json_t *arr = json_object_get(rec, lists[l]);
		size_t n = json_array_size(arr);

		for (size_t i = 0; i < n && i < 3; i++) {
			const char *s = json_string_value(json_array_get(arr, i));

			ppsbuf_addf(&b, "%s%s", b.len ? (i ? "," : " ") : "", s ? s : "");
		}
		if (n > 3)
			ppsbuf_addf(&b, " (+%zu more)", n - 3);
	}
	if (ppsbuf_addch(&b, '\0')) {
		ppsbuf_release(&b);
		return -1;
	}
	rc = json_object_set_new(rec, "targets", json_string(b.buf));
	ppsbuf_release(&b);
	return rc;
}

/* A record from an intent (or an outcome whose intent is lost): outcome unknown until told. */
static json_t *record_of(const json_t *line)
{
	json_t *rec = json_object();

	if (!rec)
		return NULL;
	for (size_t i = 0; intent_keys[i]; i++) {
		json_t *v = json_object_get(line, intent_keys[i]);

		if (v && json_object_set(rec, intent_keys[i], v)) {
			json_decref(rec);
			return NULL;
		}
	}
	if (json_object_set_new(rec, "outcome", json_string(CLI_AUDIT_UNKNOWN)) ||
	    json_object_set(rec, "id", json_object_get(line, "id"))) {
		json_decref(rec);
		return NULL;
	}
	return rec;
}

/* The outcome line's answer into rec. */
static int apply_outcome(json_t *rec, const json_t *line)
{
	static const char *const keys[] = { "outcome", "http_status", "message", NULL };

	for (size_t i = 0; keys[i]; i++) {
		json_t *v = json_object_get(line, keys[i]);

		if (v && json_object_set(rec, keys[i], v))
			return -1;
	}
	if (json_object_get(line, "time") &&
	    json_object_set(rec, "outcome_time", json_object_get(line, "time")))
		return -1;
	return 0;
}

struct reader {
	cli_ctx *ctx;
	const char *path;
	json_t *records; /* in the order of their intents */
	json_t *by_id;	 /* id -> the record (borrowed from records) */
	size_t bad;
};

/* One line of the file (lineno for the warning). 0, or -1 (memory). */
static int add_line(struct reader *rd, const char *text, size_t len, size_t lineno)
{
	json_t *line = json_loadb(text, len, 0, NULL), *rec;
	const char *event = str_of(line, "event"), *id = str_of(line, "id");
	int rc = 0;

	if (!json_is_object(line) || !event || !id ||
	    (strcmp(event, "intent") != 0 && strcmp(event, "outcome") != 0)) {
		if (++rd->bad <= NAMED_BAD_LINES)
			cli_errorf(
				rd->ctx,
				"warning: the audit file '%s' line %zu is no audit line (damaged "
				"or cut short): skipped",
				rd->path, lineno);
		json_decref(line);
		return 0;
	}
	rec = json_object_get(rd->by_id, id);
	if (!rec) {
		rec = record_of(line);
		if (!rec || json_array_append_new(rd->records, rec) ||
		    json_object_set(rd->by_id, id, rec))
			rc = -1;
	}
	if (!rc && !strcmp(event, "outcome") && apply_outcome(rec, line))
		rc = -1;
	json_decref(line);
	return rc;
}

/* Reads the whole file into rd. 0, or the exit status after one error line. */
static int read_file(struct reader *rd, FILE *f)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int status = 0;

	errno = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (!n)
			continue;
		if (add_line(rd, line, (size_t)n, lineno)) {
			cli_errorf(rd->ctx, "out of memory");
			status = CLI_EXIT_FAILURE;
			break;
		}
	}
	if (!status && ferror(f)) {
		cli_errorf(rd->ctx, "cannot read the audit file '%s': %s", rd->path,
			   strerror(errno ? errno : EIO));
		status = CLI_EXIT_FAILURE;
	}
	free(line);
	if (rd->bad > NAMED_BAD_LINES)
		cli_errorf(rd->ctx,
			   "warning: the audit file '%s' holds %zu lines that are no audit "
			   "lines: skipped",
			   rd->path, rd->bad);
	return status;
}

/* Whether s is one of the comma list's items (addresses in any case). */
static int in_list(const char *list, const char *t)
{
	size_t tl = strlen(t);

	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ",");
		const char *q = p;

		while (n && *q == ' ')
			q++, n--;
		while (n && q[n - 1] == ' ')
			n--;
		if (n == tl && !strncasecmp(q, t, n))
			return 1;
		p += strcspn(p, ",");
		p += *p == ',';
	}
	return 0;
}

/* Whether the array of strings arr holds t (in any case with nocase). */
static int array_has(const json_t *arr, const char *t, int nocase)
{
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const char *s = json_string_value(json_array_get(arr, i));

		if (s && (nocase ? !strcasecmp(s, t) : !strcmp(s, t)))
			return 1;
	}
	return 0;
}

/* Whether rec names target: a localguid or GUID exactly, a user, entry or recipient in any case. */
static int names_target(const json_t *rec, const char *t)
{
	return array_has(json_object_get(rec, "localguids"), t, 0) ||
	       array_has(json_object_get(rec, "guids"), t, 0) ||
	       array_has(json_object_get(rec, "entries"), t, 1) ||
	       in_list(str_of(rec, "enduser"), t) || in_list(str_of(rec, "to"), t);
}

/* Whether rec passes the filters. */
static int wanted(const json_t *rec, const cli_audit_query *q)
{
	const char *t = str_of(rec, "time");
	pps_instant when;

	if (q->operation &&
	    (!str_of(rec, "operation") || strcmp(str_of(rec, "operation"), q->operation) != 0))
		return 0;
	if (q->outcome &&
	    (!str_of(rec, "outcome") || strcmp(str_of(rec, "outcome"), q->outcome) != 0))
		return 0;
	if (q->target && !names_target(rec, q->target))
		return 0;
	if (q->since.set || q->until.set) {
		if (!t || pps_time_parse(&when, t, 0) != 0)
			return 0;
		if (q->since.set && when.epoch < q->since.epoch)
			return 0;
		if (q->until.set && when.epoch > q->until.epoch)
			return 0;
	}
	return 1;
}

/* The file pps audit reads: file=, else the profile's audit, else the default. */
static char *file_of(cli_ctx *ctx, const cli_audit_query *q)
{
	if (q->file)
		return strdup(q->file);
	if (ctx->audit_setting && *ctx->audit_setting && strcmp(ctx->audit_setting, "off") != 0)
		return strdup(ctx->audit_setting);
	return cli_audit_default_path();
}

static int list_records(cli_ctx *ctx, const cli_audit_query *q, struct reader *rd)
{
	json_t *out = json_array();
	size_t i;
	int status;

	if (!out) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	for (i = 0; i < json_array_size(rd->records); i++) {
		json_t *rec = json_array_get(rd->records, i);

		if (!wanted(rec, q))
			continue;
		if (add_targets(rec) || json_array_append(out, rec)) {
			json_decref(out);
			cli_errorf(ctx, "out of memory");
			return CLI_EXIT_FAILURE;
		}
	}
	status = cli_print_records(ctx, out);
	json_decref(out);
	return status;
}

int cmd_audit(cli_ctx *ctx, const cli_args *args)
{
	cli_audit_query q;
	struct reader rd;
	char *path;
	FILE *f;
	int status;

	memset(&q, 0, sizeof(q));
	cli_args_bind(args, &q);
	path = file_of(ctx, &q);
	if (!path) {
		cli_errorf(ctx,
			   "no audit file: neither XDG_STATE_HOME nor HOME is set; give file=");
		return CLI_EXIT_USAGE;
	}
	memset(&rd, 0, sizeof(rd));
	rd.ctx = ctx;
	rd.path = path;
	rd.records = json_array();
	rd.by_id = json_object();
	f = fopen(path, "re");
	if (!f && errno == ENOENT) {
		/* No change recorded yet: an empty listing, said once. */
		if (!ctx->quiet)
			cli_errorf(ctx, "no audit file '%s' yet: pps has recorded no change there",
				   path);
		status = rd.records ? list_records(ctx, &q, &rd) : CLI_EXIT_FAILURE;
	} else if (!f) {
		cli_errorf(ctx, "cannot read the audit file '%s': %s", path, strerror(errno));
		status = CLI_EXIT_FAILURE;
	} else if (!rd.records || !rd.by_id) {
		cli_errorf(ctx, "out of memory");
		status = CLI_EXIT_FAILURE;
	} else {
		status = read_file(&rd, f);
		if (!status)
			status = list_records(ctx, &q, &rd);
	}
	if (f)
		fclose(f);
	json_decref(rd.records);
	json_decref(rd.by_id);
	free(path);
	return status;
}
