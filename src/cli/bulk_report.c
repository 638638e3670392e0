/*
 * What a bulk run writes: the journal's lines (intent, split, outcome, end), the -o ndjson and
 * -o json output, the counts and the exit status. Sends nothing.
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/bulk_run.h"
#include "cli/exit.h"
#include "util/buf.h"

#include "util/banned.h"

const char *const cli_bulk_outcome_name[] = { "not_sent", "done",    "invalid",
					      "refused",  "unknown", "not_sent" };

/* Sets key to a safe string of s (nothing when s is NULL). 0 or -1 (memory). */
static int set_string(json_t *obj, const char *key, const char *s)
{
	json_t *v = cli_journal_string(s);

	if (!s)
		return 0;
	return v ? json_object_set_new(obj, key, v) : -1;
}

/*
 * The outcome line of entry i, as the journal, -o ndjson and a rerun's input read it (a new
 * reference, or NULL when out of memory).
 */
static json_t *report_line(const struct run *r, size_t i)
{
	const cli_guid_entry *e = &r->list.v[i];
	size_t src = e->dup_of ? e->dup_of - 1 : i;
	const char *msg = r->msg[src]		       ? r->msgs.items[r->msg[src] - 1]
			  : e->why		       ? e->why
			  : r->out[src] == OUT_PENDING ? "not sent"
						       : "";
	json_t *line = json_pack("{s:s, s:{s:I, s:o*}}", "event", "outcome", "input", "line",
				 (json_int_t)e->line, "text", cli_journal_string(e->text));

	if (!line || set_string(line, "localguid", e->guid) ||
	    set_string(line, "folder", cli_bulk_folder_of(r, i)) ||
	    set_string(line, "action", pps_qaction_name(r->ctx->cmd->action)) ||
	    set_string(line, "outcome",
		       cli_bulk_outcome_name[e->why ? OUT_INVALID : r->out[src]]) ||
	    set_string(line, "message", msg))
		goto fail;
	if (e->dup_of && json_object_set_new(line, "duplicate_of_line",
					     json_integer((json_int_t)r->list.v[src].line)))
		goto fail;
	if (r->batch_id[src] && !e->dup_of &&
	    json_object_set_new(line, "batch", json_integer(r->batch_id[src])))
		goto fail;
	if (r->ctx->cluster && set_string(line, "cluster", r->ctx->cluster))
		goto fail;
	return line;
fail:
	json_decref(line);
	return NULL;
}

/* Writes the report lines to f; 0 or -1. */
int cli_bulk_write_report(const struct run *r, FILE *f)
{
	for (size_t i = 0; i < r->list.n; i++) {
		json_t *line = report_line(r, i);
		int bad = !line || json_dumpf(line, f, JSON_COMPACT | JSON_PRESERVE_ORDER) ||
			  fputc('\n', f) == EOF;

		json_decref(line);
		if (bad)
			return -1;
	}
	return fflush(f) ? -1 : 0;
}

/* Says on stderr, once, that the journal cannot be written; the run stops. */
static void journal_failed(struct run *r)
{
	if (r->write_failed == 2)
		return;
	r->write_failed = 2;
	cli_errorf(r->ctx, "cannot write the journal '%s': %s; stopped before the next batch",
		   r->ctx->report, strerror(r->journal.write_errno));
}

/*
 * Appends the outcome lines of entries idx[0..n) that are not in the journal yet, fsync'd.
 * 0, or -1 when the journal cannot be written.
 */
int cli_bulk_journal_lines(struct run *r, const size_t *idx, size_t n)
{
	json_t **lines;
	size_t m = 0;
	int rc = 0;

	if (!r->have_journal || !n)
		return 0;
	lines = calloc(n, sizeof(json_t *));
	for (size_t k = 0; lines && k < n && rc == 0; k++) {
		if (r->written[idx[k]])
			continue;
		lines[m] = report_line(r, idx[k]);
		if (!lines[m++])
			rc = -1;
	}
	if (!lines || rc) {
		r->journal.write_errno = ENOMEM;
		rc = -1;
	} else {
		rc = cli_journal_write(&r->journal, lines, m, 1);
	}
	for (size_t k = 0; lines && k < m; k++)
		json_decref(lines[k]);
	free(lines);
	if (rc) {
		journal_failed(r);
		return -1;
	}
	for (size_t k = 0; k < n; k++)
		r->written[idx[k]] = 1;
	return 0;
}

/* The outcome lines of the entries that pick chooses (all: pick NULL). 0 or -1. */
static int journal_picked(struct run *r, int (*pick)(const struct run *, size_t))
{
	size_t *idx, n = 0;
	int rc;

	if (!r->have_journal)
		return 0;
	idx = calloc(r->list.n ? r->list.n : 1, sizeof(*idx));
	if (!idx) {
		r->journal.write_errno = ENOMEM;
		journal_failed(r);
		return -1;
	}
	for (size_t i = 0; i < r->list.n; i++)
		if (!pick || pick(r, i))
			idx[n++] = i;
	rc = cli_bulk_journal_lines(r, idx, n);
	free(idx);
	return rc;
}

/* Entries known before anything is sent: invalid, or done or unknown by an earlier run. */
static int pick_known(const struct run *r, size_t i)
{
	return r->list.v[i].why || r->earlier[i];
}

/* Writes one journal line (a new reference, or NULL when out of memory) and syncs it. 0 or -1. */
static int write_line(struct run *r, json_t *line)
{
	int rc;

	if (!line) {
		r->journal.write_errno = ENOMEM;
		rc = -1;
	} else {
		rc = cli_journal_write(&r->journal, &line, 1, 1);
	}
	json_decref(line);
	if (rc)
		journal_failed(r);
	return rc;
}

/* The intent (or split) line of span s, batch id. 0, or -1 when the journal failed. */
int cli_bulk_journal_batch(struct run *r, const cli_span *s, long id, const char *event,
			   long http_status, const char *message)
{
	const struct group *g = &r->groups[s->group];
	json_t *guids = json_array(), *line;

	if (!r->have_journal) {
		json_decref(guids);
		return 0;
	}
	for (size_t k = s->first; guids && k < s->first + s->count; k++)
		if (json_array_append_new(guids, json_string(r->list.v[g->idx[k]].guid))) {
			json_decref(guids);
			guids = NULL;
		}
	line = json_pack("{s:s, s:I, s:s, s:o, s:o}", "event", event, "batch", (json_int_t)id,
			 "action", pps_qaction_name(r->ctx->cmd->action), "folder",
			 cli_journal_string(g->folder), "localguids", guids);
	if (line && message &&
	    (json_object_set_new(line, "http_status", json_integer(http_status)) ||
	     set_string(line, "message", message))) {
		json_decref(line);
		line = NULL;
	}
	return write_line(r, line);
}

int cli_bulk_journal_answer(struct run *r, long id, long http_status, const char *message)
{
	json_t *line;

	if (!r->have_journal)
		return 0;
	line = json_pack("{s:s, s:I, s:s, s:I}", "event", "answer", "batch", (json_int_t)id,
			 "action", pps_qaction_name(r->ctx->cmd->action), "http_status",
			 (json_int_t)http_status);
	if (line && set_string(line, "message", message)) {
		json_decref(line);
		line = NULL;
	}
	return write_line(r, line);
}

char *cli_bulk_short_answer(const char *text, const char *joined, size_t n, long id)
{
	const char *at = n > 1 && *joined ? strstr(text, joined) : NULL;
	ppsbuf b = PPSBUF_INIT;

	if (!at)
		return strdup(text);
	if (ppsbuf_add(&b, text, (size_t)(at - text)) ||
	    ppsbuf_addf(&b, "<%zu GUIDs of batch %ld>%s", n, id, at + strlen(joined))) {
		ppsbuf_release(&b);
		return NULL;
	}
	return ppsbuf_detach(&b, NULL);
}

/* The last line of a run: its status and totals. */
void cli_bulk_journal_end(struct run *r, int status, const size_t count[6])
{
	json_t *line;

	if (!r->have_journal || r->journal.write_errno)
		return;
	line = json_pack("{s:s, s:s, s:i, s:{s:I, s:I, s:I, s:I, s:I}}", "event", "end", "action",
			 pps_qaction_name(r->ctx->cmd->action), "status", status, "totals", "done",
			 (json_int_t)count[OUT_DONE], "invalid", (json_int_t)count[OUT_INVALID],
			 "refused", (json_int_t)count[OUT_REFUSED], "unknown",
			 (json_int_t)count[OUT_UNKNOWN], "not_sent",
			 (json_int_t)count[OUT_NOT_SENT]);
	if (!line || cli_journal_write(&r->journal, &line, 1, 1))
		journal_failed(r);
	json_decref(line);
}

/* Counts the entries per outcome (duplicates share their first's). */
void cli_bulk_totals(const struct run *r, size_t count[6])
{
	memset(count, 0, 6 * sizeof(*count));
	for (size_t i = 0; i < r->list.n; i++) {
		const cli_guid_entry *e = &r->list.v[i];
		enum outcome o = e->why ? OUT_INVALID : r->out[e->dup_of ? e->dup_of - 1 : i];

		count[o == OUT_PENDING ? OUT_NOT_SENT : o]++;
	}
}

int cli_bulk_print_document(struct run *r, const size_t count[6])
{
	size_t messages = r->unique + r->earlier_done + r->earlier_unknown;
	json_t *doc = json_pack("{s:s, s:O, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}}", "action",
				pps_qaction_name(r->ctx->cmd->action), "batches", r->batches,
				"totals", "entries", (json_int_t)r->list.n, "messages",
				(json_int_t)messages, "done", (json_int_t)count[OUT_DONE],
				"invalid", (json_int_t)count[OUT_INVALID], "refused",
				(json_int_t)count[OUT_REFUSED], "unknown",
				(json_int_t)count[OUT_UNKNOWN], "not_sent",
				(json_int_t)count[OUT_NOT_SENT]);
	int bad = !doc || json_dumpf(doc, r->ctx->out, JSON_INDENT(2)) ||
		  fputc('\n', r->ctx->out) == EOF || fflush(r->ctx->out);

	json_decref(doc);
	return bad ? -1 : 0;
}

/*
 * The exit status: 130 stopped by a signal (or a closed standard output); 8 when an outcome is
 * unknown; 0 when every entry was done; when none was, the status all failures share (2 for
 * invalid entries); else 1 (partial).
 */
int cli_bulk_final_status(const struct run *r, const size_t count[6])
{
	int common = -1, mixed = 0;

	if (cli_stop_signal())
		return CLI_EXIT_INTERRUPTED;
	for (size_t i = 0; i < r->list.n; i++)
		if (r->status[i] == CLI_EXIT_UNKNOWN)
			return CLI_EXIT_UNKNOWN;
	if (count[OUT_DONE] == r->list.n)
		return r->write_failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
	if (count[OUT_DONE])
		return CLI_EXIT_FAILURE;
	for (size_t i = 0; i < r->list.n; i++) {
		const cli_guid_entry *e = &r->list.v[i];
		int st = r->status[e->dup_of ? e->dup_of - 1 : i];

		if (st == CLI_EXIT_OK)
			continue;
		if (common < 0)
			common = st;
		else if (common != st)
			mixed = 1;
	}
	return mixed || common <= 0 ? CLI_EXIT_FAILURE : common;
}

/* Adds "; N <what>: g1, g2, g3 and K more" for the entries of outcome o (none: nothing). */
static void add_outcome(ppsbuf *b, const struct run *r, enum outcome o, size_t n, const char *what,
			const char *on, const char *off)
{
	size_t named = 0;

	if (!n)
		return;
	ppsbuf_addf(b, "; %s%zu %s%s:", on, n, what, off);
	for (size_t g = 0; g < r->ngroups && named < 3; g++) {
		for (size_t k = 0; k < r->groups[g].n && named < 3; k++) {
			size_t i = r->groups[g].idx[k];
			enum outcome x = r->out[i] == OUT_PENDING ? OUT_NOT_SENT : r->out[i];

			if (x == o)
				ppsbuf_addf(b, "%s %s", named++ ? "," : "", r->list.v[i].guid);
		}
	}
	if (n > named)
		ppsbuf_addf(b, " and %zu more", n - named);
}

/*
 * The one-line count on stderr, in messages: how many were done, in how many requests, and
 * which were refused, unknown or not sent (the first three GUIDs of each); colour on a
 * terminal (--color, NO_COLOR).
 */
void cli_bulk_summary(const struct run *r, const size_t count[6])
{
	size_t done_msgs = 0, refused = 0, unknown = 0, not_sent = 0;
	int color = r->ctx->err_color;
	const char *red = color ? "\033[31m" : "", *yellow = color ? "\033[33m" : "",
		   *off = color ? "\033[0m" : "";
	ppsbuf b = PPSBUF_INIT;

	for (size_t g = 0; g < r->ngroups; g++) {
		for (size_t k = 0; k < r->groups[g].n; k++) {
			enum outcome o = r->out[r->groups[g].idx[k]];

			done_msgs += o == OUT_DONE;
			refused += o == OUT_REFUSED;
			unknown += o == OUT_UNKNOWN;
			not_sent += o == OUT_PENDING || o == OUT_NOT_SENT;
		}
	}
	ppsbuf_addf(&b, "%s %zu of %zu messages in %zu request%s", r->ctx->cmd->verb, done_msgs,
		    r->unique, r->requests, r->requests == 1 ? "" : "s");
	add_outcome(&b, r, OUT_REFUSED, refused, "refused by the server", red, off);
	add_outcome(&b, r, OUT_UNKNOWN, unknown, "outcome unknown (check before sending again)",
		    yellow, off);
	add_outcome(&b, r, OUT_NOT_SENT, not_sent, "not sent", yellow, off);
	if (count[OUT_INVALID])
		ppsbuf_addf(&b, "; %s%zu invalid entr%s%s", red, count[OUT_INVALID],
			    count[OUT_INVALID] == 1 ? "y" : "ies", off);
	if (r->earlier_done || r->earlier_unknown)
		ppsbuf_addf(&b, "; by an earlier run: %zu done, %zu unknown", r->earlier_done,
			    r->earlier_unknown);
	fprintf(r->ctx->err, "%s\n", b.buf);
	ppsbuf_release(&b);
}

/* Names the first GUID not sent and how many were not; after a stop or an interrupt. */
void cli_bulk_not_sent_line(const struct run *r, const cli_batcher *b, const char *why)
{
	size_t done_msgs = 0;

	for (size_t g = 0; g < r->ngroups; g++)
		for (size_t k = 0; k < r->groups[g].n; k++)
			done_msgs += r->out[r->groups[g].idx[k]] == OUT_DONE;
	if (!b->n)
		return;
	cli_errorf(r->ctx, "%s: %s %zu of %zu messages; not sent: %zu from GUID %s on%s", why,
		   r->ctx->cmd->verb, done_msgs, r->unique, cli_batcher_pending(b),
		   cli_bulk_span_first(r, &b->stack[b->n - 1]),
		   r->have_journal && !r->journal.write_errno
			   ? " (run the same command again to send the rest)"
			   : "");
}

/*
 * Opens --report as the run's journal before anything is sent (read only for --dry-run), with
 * the job's start line. Returns 0, or an exit status after a message.
 */
int cli_bulk_open_journal(struct run *r)
{
	cli_ctx *ctx = r->ctx;
	char job[65], err[1024];
	json_t *args = NULL, *start;
	int rc;

	if (!ctx->report)
		return 0;
	cli_journal_job(job, &args, ctx->cmd, r->args);
	start = json_pack("{s:s, s:s, s:s, s:s, s:o*, s:I, s:I}", "event", "start", "job", job,
			  "command", ctx->cmd->name, "action", pps_qaction_name(ctx->cmd->action),
			  "args", args, "entries", (json_int_t)r->list.n, "pid",
			  (json_int_t)getpid());
	if (!start) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	rc = cli_journal_open(&r->journal, ctx->report, job, pps_qaction_name(ctx->cmd->action),
			      ctx->cluster, start, ctx->dry_run, err, sizeof(err));
	json_decref(start);
	if (rc) {
		cli_errorf(ctx, "%s", err);
		return rc;
	}
	r->have_journal = r->journal.fd >= 0;
	r->next_batch = r->journal.next_batch;
	return 0;
}

int cli_bulk_journal_known(struct run *r)
{
	return journal_picked(r, pick_known);
}

int cli_bulk_journal_rest(struct run *r)
{
	return journal_picked(r, NULL);
}
