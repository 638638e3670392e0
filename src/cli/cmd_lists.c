/*
 * The safe and block list commands: each user's change through pps_enduser_list_change (read,
 * merge, write, verify), its journal (--report), its message or diff (--dry-run), and the
 * list commands. The one place a write is about to leave, and is answered, is before_put and
 * after_put below.
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/audit.h"
#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/journal.h"
#include "cli/sanitize.h"
#include "cli/user_lists.h"
#include "util/buf.h"

#include "util/banned.h"

/* One run of a change command over its users. */
struct lrun {
	cli_ctx *ctx;
	const cli_args *args;
	pps_enduser_list list;
	const char *list_name; /* "safelist" */
	int remove;	       /* 1: remove the entries, else add them */
	cli_journal journal;
	int have_journal;
	int journal_failed;
	const cli_ulist_user *user; /* the user being changed */
	long batch;		    /* the user's journal id, 0 before its intent */
	long put_status;	    /* the HTTP status of the user's last PUT, 0 when none */
	int put_code;		    /* the pps_code of the user's last PUT */
	cli_audit_id audit_id;	    /* the audit trail's intent of the PUT under way */
	int audit_failed;	    /* 1: an intent could not be recorded: nothing more is sent */
	int audit_lost;		    /* 1: a PUT went out and its outcome could not be recorded */
	json_t *results;	    /* -o json: every user's result */
};

static const char *list_name(pps_enduser_list l)
{
	return l == PPS_LIST_SAFELIST ? "safelist" : "blocklist";
}

static json_t *strings(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		if (json_array_append_new(a, cli_journal_string(v[i]))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* Appends one journal line (object stolen); a failure stops the run before its next write. */
static int journal_line(struct lrun *r, json_t *line)
{
	int rc = 0;

	if (!r->have_journal)
		goto done;
	if (!line || json_object_set_new(line, "action", json_string(r->ctx->cmd->name)) ||
	    json_object_set_new(line, "folder", json_string(r->list_name)) ||
	    cli_journal_write(&r->journal, &line, 1, 1)) {
		if (!r->journal_failed)
			cli_errorf(r->ctx, "cannot write the report '%s': %s", r->ctx->report,
				   strerror(r->journal.write_errno ? r->journal.write_errno
								   : ENOMEM));
		r->journal_failed = 1;
		rc = -1;
	}
done:
	json_decref(line);
	return rc;
}

/*
 * About to PUT the user's list (attempt 1, 2, ...): the intent is journaled (and fsync'd)
 * before the first; nonzero keeps the PUT from leaving.
 */
static int before_put(void *p, const json_t *list, unsigned int attempt)
{
	struct lrun *r = p;
	const cli_ulist_user *u = r->user;
	cli_audit_req a = CLI_AUDIT_REQ_INIT;
	json_t *line;

	(void)list;
	if (r->journal_failed || r->audit_failed || cli_stop_signal())
		return 1;
	/* Every PUT is a change: the audit trail records each attempt before it leaves. */
	a.operation = r->ctx->cmd->name;
	a.enduser = cli_ulist_user_id(u);
	a.entries = (const char *const *)u->entries;
	a.nentries = u->n;
	if (cli_audit_intent(r->ctx, &a, &r->audit_id)) {
		r->audit_failed = 1;
		return 1;
	}
	if (attempt > 1 || !r->have_journal)
		return 0;
	r->batch = r->journal.next_batch++;
	line = json_pack("{s:s, s:I, s:[o], s:o, s:o}", "event", "intent", "batch",
			 (json_int_t)r->batch, "localguids",
			 cli_journal_string(cli_ulist_user_id(u)), "user",
			 cli_journal_string(cli_ulist_user_id(u)), r->remove ? "remove" : "add",
			 strings(u->entries, u->n));
	if (journal_line(r, line) == 0)
		return 0;
	/* The report could not take the intent: the PUT stays here, and the audit says so. */
	(void)cli_audit_outcome(r->ctx, &r->audit_id, CLI_AUDIT_NOT_SENT, 0, NULL);
	return 1;
}

/* The PUT of attempt was answered (code 0) or failed (PPS_EUNKNOWN: its answer was lost). */
static void after_put(void *p, int code, long http_status, unsigned int attempt)
{
	struct lrun *r = p;

	(void)attempt;
	r->put_code = code;
	r->put_status = http_status;
	/* An outcome the audit trail could not take: this user's change is unknown, and no
	 * further PUT leaves without its record. */
	if (cli_audit_outcome_rc(r->ctx, &r->audit_id, code, http_status))
		r->audit_lost = r->audit_failed = 1;
}

/* The outcome word of a user's change. */
static const char *outcome_of(int rc, const pps_list_result *res)
{
	if (rc == PPS_OK)
		return res && res->changed ? "done" : "unchanged";
	if (rc == PPS_EUNKNOWN)
		return "unknown";
	return res && res->attempts ? "failed" : "not_sent";
}

static void journal_outcome(struct lrun *r, int rc, const pps_list_result *res)
{
	const char *id = cli_ulist_user_id(r->user);
	const char *out = outcome_of(rc, res);
	json_t *line;

	if (!r->have_journal || r->journal_failed)
		return;
	/* A user that needed nothing is done as well: a rerun need not read it again. */
	line = json_pack("{s:s, s:o, s:o, s:s, s:b, s:I}", "event", "outcome", "localguid",
			 cli_journal_string(id), "user", cli_journal_string(id), "outcome",
			 !strcmp(out, "unchanged") ? "done" : out, "changed", res && res->changed,
			 "attempts", (json_int_t)(res ? res->attempts : 0));
	if (line && r->batch > 0)
		json_object_set_new(line, "batch", json_integer(r->batch));
	if (line && r->put_status)
		json_object_set_new(line, "status", json_integer(r->put_status));
	if (line && rc != PPS_OK)
		json_object_set_new(
			line, "error",
			cli_journal_string(pps_client_last_error(r->ctx->client)->message));
	journal_line(r, line);
}

/* "a, b, c" of a JSON array of strings, escaped for the terminal, into b. */
static int join(ppsbuf *b, const json_t *a)
{
	size_t i;
	json_t *v;
	int bad = 0;

	json_array_foreach(a, i, v)
	{
		bad |= (i && ppsbuf_adds(b, ", ")) ||
		       cli_sanitize(b, json_string_value(v), json_string_length(v), NULL, NULL);
	}
	return bad;
}

static int say(struct lrun *r, const char *what, const json_t *entries, const char *tail)
{
	ppsbuf b = PPSBUF_INIT;
	int rc;

	if (ppsbuf_addf(&b, "%s the %s of ", what, r->list_name) ||
	    cli_sanitize(&b, cli_ulist_user_id(r->user), strlen(cli_ulist_user_id(r->user)), NULL,
			 NULL) ||
	    ppsbuf_adds(&b, ": ") || join(&b, entries) || ppsbuf_adds(&b, tail)) {
		ppsbuf_release(&b);
		cli_errorf(r->ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	rc = fprintf(r->ctx->out, "%s\n", b.buf) < 0 ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
	ppsbuf_release(&b);
	return rc;
}

/* --dry-run: the difference, one line per entry asked for. */
static int print_diff(struct lrun *r, const pps_list_result *res)
{
	static const struct {
		size_t off;
		const char *mark, *note;
	} parts[] = {
		{ offsetof(pps_list_result, added), "+ ", "" },
		{ offsetof(pps_list_result, removed), "- ", "" },
		{ offsetof(pps_list_result, present), "= ", " (already there)" },
		{ offsetof(pps_list_result, absent), "= ", " (not there)" },
	};
	ppsbuf b = PPSBUF_INIT;
	int bad = ppsbuf_addf(&b, "%s of ", r->list_name) ||
		  cli_sanitize(&b, cli_ulist_user_id(r->user), strlen(cli_ulist_user_id(r->user)),
			       NULL, NULL) ||
		  ppsbuf_adds(&b, ":\n");

	for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]) && !bad; k++) {
		const json_t *a = *(json_t *const *)((const char *)res + parts[k].off);
		size_t i;
		json_t *v;

		json_array_foreach(a, i, v)
		{
			bad |= ppsbuf_adds(&b, parts[k].mark) ||
			       cli_sanitize(&b, json_string_value(v), json_string_length(v), NULL,
					    NULL) ||
			       ppsbuf_adds(&b, parts[k].note) || ppsbuf_addch(&b, '\n');
		}
	}
	if (!bad)
		bad = fputs(b.buf, r->ctx->out) < 0;
	ppsbuf_release(&b);
	return bad ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

/* What a user's change did, in words (or as an object with -o json / ndjson). */
static int report_change(struct lrun *r, const pps_list_result *res)
{
	const json_t *done = r->remove ? res->removed : res->added;
	const json_t *idle = r->remove ? res->absent : res->present;
	cli_format f = r->ctx->render.format;

	if (r->ctx->dry_run)
		return print_diff(r, res);
	if (f == CLI_FMT_JSON || f == CLI_FMT_NDJSON) {
		json_t *o = json_pack("{s:o, s:s, s:O, s:O, s:O, s:O, s:b, s:I}", "email",
				      cli_journal_string(cli_ulist_user_id(r->user)), "list",
				      r->list_name, "added", res->added, "removed", res->removed,
				      "present", res->present, "absent", res->absent, "changed",
				      res->changed, "attempts", (json_int_t)res->attempts);
		int rc;

		if (!o)
			return CLI_EXIT_FAILURE;
		if (f == CLI_FMT_JSON) {
			rc = json_array_append_new(r->results, o) ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
		} else {
			rc = cli_print_object(r->ctx, o);
			json_decref(o);
		}
		return rc;
	}
	if (json_array_size(done) == 0)
		return say(r, r->remove ? "not in" : "already in", idle, ": nothing sent");
	if (json_array_size(idle))
		say(r, r->remove ? "not in" : "already in", idle, "");
	return say(r, r->remove ? "removed from" : "added to", done, "");
}

/* Changes one user's list; returns the exit status of that user. */
static int change_user(struct lrun *r, const cli_ulist_user *u)
{
	pps_list_change ch = PPS_LIST_CHANGE_INIT;
	pps_list_result *res = NULL;
	char what[320];
	int rc, status;

	r->user = u;
	r->audit_lost = 0;
	r->batch = 0;
	r->put_status = 0;
	r->put_code = 0;
	ch.email = u->email;
	ch.uid = u->uid;
	ch.list = r->list;
	if (r->remove) {
		ch.remove = (const char *const *)u->entries;
		ch.nremove = u->n;
	} else {
		ch.add = (const char *const *)u->entries;
		ch.nadd = u->n;
	}
	ch.dry_run = r->ctx->dry_run && !r->ctx->client_prints;
	ch.before_write = before_put;
	ch.after_write = after_put;
	ch.ctx = r;
	rc = pps_enduser_list_change(&res, r->ctx->client, &ch);
	journal_outcome(r, rc, res);
	if (rc == PPS_OK && r->ctx->client_prints) {
		fprintf(r->ctx->err,
			"pps: the %s to write depends on the one read: no PUT shown; "
			"--dry-run reads it and shows the difference\n",
			r->list_name);
		status = CLI_EXIT_OK;
	} else if (rc == PPS_OK) {
		status = report_change(r, res);
	} else if (rc == PPS_ECANCELED &&
		   (r->journal_failed || r->audit_failed || cli_stop_signal())) {
		status = r->journal_failed || r->audit_failed ? CLI_EXIT_FAILURE
							      : CLI_EXIT_INTERRUPTED;
	} else {
		snprintf(what, sizeof(what), "%s of '%s'", r->list_name, cli_ulist_user_id(u));
		status = cli_report(r->ctx, rc, what);
	}
	pps_list_result_free(res);
	/* A PUT went out whose outcome the audit trail could not take (said on stderr). */
	return r->audit_lost ? CLI_EXIT_UNKNOWN : status;
}

/* The status of a run over several users (docs/exit-codes.md, as the bulk actions'). */
static int combine(const int *status, size_t n)
{
	size_t ok = 0;
	int unknown = 0, stopped = 0, first = -1, alike = 1;

	for (size_t i = 0; i < n; i++) {
		if (status[i] == CLI_EXIT_OK) {
			ok++;
			continue;
		}
		unknown |= status[i] == CLI_EXIT_UNKNOWN;
		stopped |= status[i] == CLI_EXIT_INTERRUPTED;
		if (first < 0)
			first = status[i];
		alike &= status[i] == first;
	}
	if (stopped)
		return CLI_EXIT_INTERRUPTED;
	if (unknown)
		return CLI_EXIT_UNKNOWN;
	if (ok == n)
		return CLI_EXIT_OK;
	return ok == 0 && alike ? first : CLI_EXIT_FAILURE;
}

static int open_journal(struct lrun *r)
{
	cli_ctx *ctx = r->ctx;
	char job[65], err[1024];
	json_t *args = NULL, *start;
	int rc;

	if (!ctx->report || ctx->client_prints)
		return 0;
	cli_journal_job(job, &args, ctx->cmd, r->args);
	start = json_pack("{s:s, s:s, s:s, s:s, s:o*, s:I}", "event", "start", "job", job,
			  "command", ctx->cmd->name, "action", ctx->cmd->name, "args", args, "pid",
			  (json_int_t)getpid());
	if (!start) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	rc = cli_journal_open(&r->journal, ctx->report, job, ctx->cmd->name, ctx->cluster, start,
			      ctx->dry_run, err, sizeof(err));
	json_decref(start);
	if (rc) {
		cli_errorf(ctx, "%s", err);
		return rc;
	}
	r->have_journal = r->journal.fd >= 0;
	return 0;
}

/* Every user's change in turn; a user the journal has done is skipped. */
static int run_users(struct lrun *r, const cli_ulist_input *in, int *status)
{
	size_t skipped = 0;

	for (size_t i = 0; i < in->n; i++) {
		const char *id = cli_ulist_user_id(&in->v[i]);

		if (cli_stop_signal() || r->journal_failed) {
			status[i] = r->journal_failed ? CLI_EXIT_FAILURE : CLI_EXIT_INTERRUPTED;
			continue;
		}
		if (r->journal.fd >= 0 || r->journal.resumed) {
			if (cli_jstates_get(&r->journal.states, r->ctx->cluster, r->list_name,
					    id) == CLI_JSTATE_DONE) {
				status[i] = CLI_EXIT_OK;
				skipped++;
				continue;
			}
		}
		status[i] = change_user(r, &in->v[i]);
	}
	if (skipped && !r->ctx->quiet)
		fprintf(r->ctx->err,
			"pps: %zu user%s done by an earlier run of this report: skipped\n", skipped,
			skipped == 1 ? "" : "s");
	return 0;
}

static int run_change(cli_ctx *ctx, const cli_args *a, pps_enduser_list list, int remove)
{
	cli_ulist_req req = { 0 };
	cli_ulist_input in;
	struct lrun r;
	char err[512] = "";
	int *status = NULL, rc;

	memset(&r, 0, sizeof(r));
	r.journal.fd = -1;
	r.ctx = ctx;
	r.args = a;
	r.list = list;
	r.list_name = list_name(list);
	r.remove = remove;
	cli_args_bind(a, &req);
	rc = cli_ulist_input_read(&in, req.email, req.uid, req.entry, ctx->in, err, sizeof(err));
	if (rc) {
		cli_errorf(ctx, "%s", err);
		goto done;
	}
	status = calloc(in.n, sizeof(*status));
	r.results = json_array();
	if (!status || !r.results) {
		cli_errorf(ctx, "out of memory");
		rc = CLI_EXIT_FAILURE;
		goto done;
	}
	rc = open_journal(&r);
	if (rc)
		goto done;
	cli_stop_begin();
	run_users(&r, &in, status);
	cli_stop_end();
	rc = combine(status, in.n);
	if (json_array_size(r.results)) {
		int prc = cli_print_object(ctx, r.results);

		if (prc && rc == CLI_EXIT_OK)
			rc = prc;
	}
	if (r.have_journal && !r.journal_failed) {
		json_t *end = json_pack("{s:s, s:i}", "event", "end", "status", rc);

		journal_line(&r, end);
	}
	if (r.journal_failed && rc == CLI_EXIT_OK)
		rc = CLI_EXIT_FAILURE;
done:
	if (r.journal.fd >= 0 && cli_journal_close(&r.journal) && rc == CLI_EXIT_OK)
		rc = CLI_EXIT_FAILURE;
	cli_jstates_release(&r.journal.states);
	json_decref(r.results);
	free(status);
	cli_ulist_input_release(&in);
	return rc;
}

/* The list commands: one record {"email", "entry"} per entry, in the list's order. */
static int run_list(cli_ctx *ctx, const cli_args *a, pps_enduser_list list)
{
	pps_list_change ch = PPS_LIST_CHANGE_INIT;
	pps_list_result *res = NULL;
	cli_ulist_req req = { 0 };
	json_t *records = NULL, *v;
	char what[320];
	size_t i;
	int rc;

	cli_args_bind(a, &req);
	ch.email = req.email;
	ch.uid = req.uid;
	ch.list = list;
	ch.dry_run = 1; /* a change of nothing: the list as read */
	rc = pps_enduser_list_change(&res, ctx->client, &ch);
	if (rc) {
		snprintf(what, sizeof(what), "%s of '%s'", list_name(list),
			 req.email && *req.email ? req.email : req.uid);
		return cli_report(ctx, rc, what);
	}
	if (ctx->client_prints) {
		pps_list_result_free(res);
		return CLI_EXIT_OK;
	}
	records = json_array();
	json_array_foreach(res->before, i, v)
	{
		if (!records ||
		    json_array_append_new(records,
					  json_pack("{s:s, s:O}", "email",
						    req.email && *req.email ? req.email : req.uid,
						    "entry", v))) {
			rc = CLI_EXIT_FAILURE;
			break;
		}
	}
	pps_list_result_free(res);
	if (rc || !records) {
		json_decref(records);
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	rc = json_array_size(records) ? cli_print_records(ctx, records)
				      : cli_print_message(ctx, "No results found.");
	json_decref(records);
	return rc;
}

int cmd_user_safelist_add(cli_ctx *ctx, const cli_args *args)
{
	return run_change(ctx, args, PPS_LIST_SAFELIST, 0);
}

int cmd_user_safelist_remove(cli_ctx *ctx, const cli_args *args)
{
	return run_change(ctx, args, PPS_LIST_SAFELIST, 1);
}

int cmd_user_safelist_list(cli_ctx *ctx, const cli_args *args)
{
	return run_list(ctx, args, PPS_LIST_SAFELIST);
}

int cmd_user_blocklist_add(cli_ctx *ctx, const cli_args *args)
{
	return run_change(ctx, args, PPS_LIST_BLOCKLIST, 0);
}

int cmd_user_blocklist_remove(cli_ctx *ctx, const cli_args *args)
{
	return run_change(ctx, args, PPS_LIST_BLOCKLIST, 1);
}

int cmd_user_blocklist_list(cli_ctx *ctx, const cli_args *args)
{
	return run_list(ctx, args, PPS_LIST_BLOCKLIST);
}
