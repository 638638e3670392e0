/*
 * The bulk quarantine action: the plan (entries checked, grouped per folder, confirmed, batched),
 * the run over its batches and its end. The entries are bulk_entries.c's, sending a batch
 * bulk_send.c's, the journal and the counts bulk_report.c's.
 */
#include "cli/bulk.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/audit.h"
#include "cli/bulk_run.h"
#include "cli/exit.h"
#include "util/buf.h"

#include "util/banned.h"

/* The action's request from the table's bindings of the arguments; folder and GUIDs per batch. */
static void fill_request(pps_quarantine_action_req *req, const cli_args *a)
{
	pps_quarantine_action_req_init(req, PPS_QUARANTINE_ACTION_REQ_VERSION);
	cli_args_bind(a, req);
	req->action = a->cmd->action;
}

/* --dry-run: libpps prints the request of one batch (the client sends nothing). */
static int print_batch(cli_ctx *ctx, const cli_args *args, const char *folder, const char *joined)
{
	pps_quarantine_action_req req;
	pps_response *resp = NULL;
	int rc;

	fill_request(&req, args);
	req.folder = folder;
	req.localguid = joined;
	rc = pps_quarantine_action(&resp, ctx->client, &req);
	pps_response_free(resp);
	return rc ? cli_report(ctx, rc, NULL) : CLI_EXIT_OK;
}

/* ------------------------------------------------------------------ the bulk run */

static void run_release(struct run *r)
{
	cli_guidlist_release(&r->list);
	free(r->out);
	free(r->msg);
	free(r->status);
	free(r->batch_id);
	free(r->written);
	free(r->earlier);
	cli_strlist_release(&r->msgs);
	for (size_t g = 0; g < r->ngroups; g++)
		free(r->groups[g].idx);
	free(r->groups);
	json_decref(r->batches);
	cli_jstates_release(&r->given);
	free(r->last_message);
}

/* --dry-run: prints each planned batch; sends nothing. */
static int print_batches(struct run *r, cli_batcher *b)
{
	cli_span s;

	while (cli_batcher_next(b, &s)) {
		char *joined = cli_bulk_span_join(r, &s);
		int rc;

		if (!joined) {
			cli_errorf(r->ctx, "out of memory");
			return CLI_EXIT_FAILURE;
		}
		rc = print_batch(r->ctx, r->args, r->groups[s.group].folder, joined);
		free(joined);
		if (rc)
			return rc;
	}
	return r->invalid ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

/* Plans the batches of the groups. 0, or an exit status after a message. */
static int plan(struct run *r, cli_batcher *b)
{
	size_t batch = r->ctx->batch > 0 ? (size_t)r->ctx->batch : 100;
	size_t *sizes = calloc(r->ngroups ? r->ngroups : 1, sizeof(*sizes));
	int rc;

	if (r->ctx->render.format == CLI_FMT_JSON)
		r->batches = json_array();
	if (!sizes || (r->ctx->render.format == CLI_FMT_JSON && !r->batches)) {
		free(sizes);
		cli_errorf(r->ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	for (size_t g = 0; g < r->ngroups; g++)
		sizes[g] = r->groups[g].n;
	rc = cli_batcher_init(b, sizes, r->ngroups, batch);
	free(sizes);
	if (rc) {
		cli_errorf(r->ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	return 0;
}

/* Reads and checks the entries, opens the journal, plans. 0, or an exit status. */
static int prepare(struct run *r, cli_batcher *b)
{
	int status = cli_bulk_load_entries(r);

	if (!status)
		status = cli_bulk_check_forms(r);
	if (!status)
		status = cli_bulk_check_folders(r);
	if (!status && cli_guidlist_mark_duplicates(&r->list, r->folder_arg)) {
		cli_errorf(r->ctx, "out of memory");
		status = CLI_EXIT_FAILURE;
	}
	/* An audit file that cannot be opened stops the run before anything is sent. */
	if (!status && !r->ctx->dry_run && cli_audit_open(r->ctx))
		status = CLI_EXIT_FAILURE;
	if (!status)
		status = cli_bulk_open_journal(r);
	if (!status && cli_bulk_build_groups(r)) {
		cli_errorf(r->ctx, "out of memory");
		status = CLI_EXIT_FAILURE;
	}
	if (!status)
		status = plan(r, b);
	return status;
}

/* Why the run stopped early, or NULL. */
static const char *stop_reason(enum step step)
{
	int sig = cli_stop_signal();

	if (sig == SIGPIPE)
		return "stopped: standard output is closed";
	if (sig == SIGHUP)
		return "stopped by SIGHUP (the terminal is gone)";
	if (sig)
		return "interrupted";
	switch (step) {
	case STEP_STOP_AUTH:
		return "stopped";
	case STEP_STOP_NET:
		return "stopped: 3 batches in a row got no answer (the server is gone, throttling "
		       "or losing answers)";
	case STEP_FATAL:
		return "stopped by the failure above";
	default:
		return NULL;
	}
}

/* Sends the planned batches until done or stopped; the rest is marked not sent. */
static enum step send_all(struct run *r, cli_batcher *b)
{
	cli_ctx *ctx = r->ctx;
	pps_quarantine_action_req req;
	int net_fails = 0, progress = ctx->err_tty && !ctx->quiet && b->planned > 1;
	enum step step = STEP_NEXT;
	const char *why;
	cli_span s;

	fill_request(&req, r->args);
	while (!cli_stop_signal() && step == STEP_NEXT && cli_batcher_next(b, &s)) {
		if (progress) {
			fprintf(ctx->err, "\r%s: batch %zu of %zu",
				pps_qaction_name(ctx->cmd->action), s.batch, b->planned);
			fflush(ctx->err);
		}
		step = cli_bulk_send_span(r, b, &req, &s, &net_fails);
	}
	why = stop_reason(step);
	if (why && b->n) {
		char text[200];
		size_t m;

		cli_bulk_not_sent_line(r, b, why);
		snprintf(text, sizeof(text), "not sent: %s",
			 step == STEP_STOP_AUTH && !cli_stop_signal()
				 ? "stopped after the server refused the credentials "
				   "or their rights"
				 : why);
		m = cli_bulk_keep_message(r, text);
		/* Whatever was not sent stands for the failure that stopped the run. */
		while (cli_batcher_next(b, &s))
			cli_bulk_set_span(r, &s, OUT_NOT_SENT, m,
					  (step == STEP_STOP_AUTH || step == STEP_STOP_NET) &&
							  !cli_stop_signal()
						  ? r->stop_status
						  : CLI_EXIT_FAILURE);
	}
	return step;
}

/* After the batches: the journal's last lines, stdout, the summary, the status. */
static int finish(struct run *r, enum step step, int status)
{
	cli_ctx *ctx = r->ctx;
	size_t count[6];

	for (size_t i = 0; i < r->list.n; i++)
		if (r->out[i] == OUT_PENDING && !r->list.v[i].why && !r->list.v[i].dup_of &&
		    r->status[i] == CLI_EXIT_OK)
			r->status[i] = CLI_EXIT_FAILURE;
	cli_bulk_totals(r, count);
	if (!r->journal.write_errno)
		cli_bulk_journal_rest(r);
	if (ctx->render.format == CLI_FMT_NDJSON && cli_bulk_write_report(r, ctx->out)) {
		cli_errorf(ctx, "cannot write to standard output");
		r->write_failed = 1;
	}
	if (ctx->render.format == CLI_FMT_JSON && cli_bulk_print_document(r, count)) {
		cli_errorf(ctx, "cannot write to standard output");
		r->write_failed = 1;
	}
	/* After a stop or an interrupt, cli_bulk_not_sent_line() has said the counts. */
	if (!ctx->quiet && r->verbose_batches && !cli_stop_signal() && step != STEP_STOP_AUTH &&
	    step != STEP_STOP_NET)
		cli_bulk_summary(r, count);
	if (step == STEP_FATAL && !cli_stop_signal())
		/* Stopped by a local failure (the journal, memory): 1, or 8 over it. */
		status = cli_bulk_final_status(r, count) == CLI_EXIT_UNKNOWN ? CLI_EXIT_UNKNOWN
									     : CLI_EXIT_FAILURE;
	else if (status == CLI_EXIT_OK)
		status = cli_bulk_final_status(r, count);
	if (r->write_failed && status == CLI_EXIT_OK)
		status = CLI_EXIT_FAILURE;
	cli_bulk_journal_end(r, status, count);
	if (r->journal.write_errno && status == CLI_EXIT_OK)
		status = CLI_EXIT_FAILURE;
	/* An outcome the audit file could not take reads there as unknown: so does the status. */
	if (r->audit_lost && status != CLI_EXIT_INTERRUPTED)
		status = CLI_EXIT_UNKNOWN;
	return status;
}

int cli_bulk_action(cli_ctx *ctx, const cli_args *args)
{
	struct run r;
	cli_batcher b;
	int status, stopping = 0;
	enum step step = STEP_NEXT;

	memset(&r, 0, sizeof(r));
	memset(&b, 0, sizeof(b));
	r.journal.fd = -1;
	r.next_batch = 1;
	r.ctx = ctx;
	r.args = args;
	r.folder_arg = cli_args_get(args, "folder_name");
	r.isolating = ctx->isolate || ctx->cmd->action == PPS_QA_MOVE ||
		      ctx->cmd->action == PPS_QA_DELETE;
	status = prepare(&r, &b);
	if (status == CLI_BULK_EMPTY) {
		status = CLI_EXIT_OK;
		goto done;
	}
	if (status)
		goto done;
	r.verbose_batches = b.planned > 1 || args->from_file || r.invalid || r.unique > 1 ||
			    r.earlier_done || r.earlier_unknown;
	cli_bulk_report_invalid(&r);
	cli_bulk_report_earlier(&r);
	if (ctx->dry_run) {
		/* Nothing is sent, and nothing written. */
		status = print_batches(&r, &b);
		goto done;
	}
	if (cli_bulk_journal_known(&r)) {
		status = CLI_EXIT_FAILURE;
		step = STEP_FATAL;
	} else if (!cli_bulk_confirmed(&r)) {
		status = CLI_EXIT_FAILURE;
	} else {
		/*
		 * From the first request to the journal's last line, a signal that ends the process
		 * (INT, TERM, HUP, PIPE) ends the run between batches instead, so that the journal
		 * says exactly which GUIDs were acted on. (Before it nothing was sent: a signal at
		 * the confirmation question may end the process.)
		 */
		cli_stop_begin();
		stopping = 1;
		step = send_all(&r, &b);
	}
	status = finish(&r, step, status);
done:
	if (r.have_journal && cli_journal_close(&r.journal) && status == CLI_EXIT_OK)
		status = CLI_EXIT_FAILURE;
	cli_jstates_release(&r.journal.states);
	if (stopping)
		cli_stop_end();
	cli_batcher_release(&b);
	run_release(&r);
	return status;
}
