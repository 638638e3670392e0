/*
 * The bulk quarantine action: batches per folder, each between its journal lines, refused
 * batches split, 429 waited out; an action that may have been carried out is never sent again.
 * The entries are bulk_entries.c's, the journal and the counts bulk_report.c's.
 */
#include "cli/bulk.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/bulk_run.h"
#include "cli/exit.h"
#include "util/buf.h"

#include "util/banned.h"

/* The action's request from the table's bindings of the arguments; folder and GUIDs per batch. */
static void fill_request(pps_quarantine_action_req *req, const cli_args *a)
{
	memset(req, 0, sizeof(*req));
	cli_args_bind(a, req);
	req->action = a->cmd->action;
}

/* --dry-run: libpps prints the request of one batch (the client sends nothing). */
static int dry_run_batch(cli_ctx *ctx, const cli_args *args, const char *folder, const char *joined)
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

/* Stores a copy of text as a message; returns 1 + its index, or 0 when out of memory. */
size_t cli_bulk_keep_message(struct run *r, const char *text)
{
	if (cli_strlist_add_raw(&r->msgs, text ? text : "", text ? strlen(text) : 0))
		return 0;
	return r->msgs.n;
}

const char *cli_bulk_folder_of(const struct run *r, size_t i)
{
	return r->list.v[i].folder ? r->list.v[i].folder : r->folder_arg;
}

/* Sets the outcome of every entry of span s. */
static void set_span(struct run *r, const cli_span *s, enum outcome o, size_t msg, int status)
{
	const struct group *g = &r->groups[s->group];

	for (size_t k = s->first; k < s->first + s->count; k++) {
		size_t i = g->idx[k];

		r->out[i] = o;
		r->msg[i] = msg;
		r->status[i] = status;
	}
}

static char *span_join(const struct run *r, const cli_span *s)
{
	const struct group *g = &r->groups[s->group];
	ppsbuf b = PPSBUF_INIT;

	for (size_t k = s->first; k < s->first + s->count; k++) {
		if ((k > s->first && ppsbuf_addch(&b, ',')) ||
		    ppsbuf_adds(&b, r->list.v[g->idx[k]].guid)) {
			ppsbuf_release(&b);
			return NULL;
		}
	}
	return ppsbuf_detach(&b, NULL);
}

const char *cli_bulk_span_first(const struct run *r, const cli_span *s)
{
	return r->list.v[r->groups[s->group].idx[s->first]].guid;
}

/*
 * What a message about span s names it by, with tail appended; NULL when the run is one request
 * (its errors then read as those of a single action).
 */
static const char *span_what(const struct run *r, const cli_span *s, const cli_batcher *b,
			     char *buf, size_t len, const char *tail)
{
	const char *folder = r->groups[s->group].folder;

	if (!r->verbose_batches)
		return NULL;
	if (s->count == 1)
		snprintf(buf, len, "GUID %s in '%s'%s", cli_bulk_span_first(r, s), folder,
			 tail ? tail : "");
	else
		snprintf(buf, len, "batch %zu of %zu (%zu GUIDs in '%s', first %s)%s", s->batch,
			 b->planned, s->count, folder, cli_bulk_span_first(r, s), tail ? tail : "");
	return buf;
}

/*
 * The server's whole status text. libpps keeps at most 4096 bytes of it in resp->message, and
 * the answer to a 1000-GUID batch repeats every GUID: that text is read again from the body
 * (a JSON "status" or the text's first line), made one line; failing that, the cut is marked.
 */
static char *full_message(const pps_response *resp)
{
	const char *m = resp->message ? resp->message : "";
	const char *src = NULL;
	size_t n = 0;
	ppsbuf b = PPSBUF_INIT;

	if (strlen(m) < 4000)
		return strdup(m);
	if (json_is_object(resp->json)) {
		const json_t *st = json_object_get(resp->json, "status");

		if (json_is_string(st)) {
			src = json_string_value(st);
			n = json_string_length(st);
		}
	} else if (!resp->json && resp->body) {
		src = resp->body;
		while (n < resp->body_len && src[n] != '\n')
			n++;
	}
	if (!src || n <= strlen(m)) {
		if (ppsbuf_addf(&b, "%s [cut at %zu bytes by the client]", m, strlen(m)))
			return NULL;
		return ppsbuf_detach(&b, NULL);
	}
	while (n && (src[n - 1] == '\r' || src[n - 1] == ' '))
		n--;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];

		if (ppsbuf_addch(&b, c < 0x20 || c == 0x7f ? ' ' : (char)c)) {
			ppsbuf_release(&b);
			return NULL;
		}
	}
	return ppsbuf_detach(&b, NULL);
}

/* Sleeps ms milliseconds or until an interrupt; returns 0, or -1 when interrupted. */
static int wait_ms(long ms)
{
	while (ms > 0 && !cli_stop_signal()) {
		long step = ms < 100 ? ms : 100;
		struct timespec ts = { 0, step * 1000000L };

		nanosleep(&ts, NULL);
		ms -= step;
	}
	return cli_stop_signal() ? -1 : 0;
}

/*
 * Sends one batch; a 429 (the server did nothing) is sent again after Retry-After, or a backoff
 * from 1 s when there is none. The waits of one batch together stay within the request timeout
 * (--timeout): a server that asks for more is not waited for. Sets *gave_up when the batch was
 * still throttled (or an interrupt came) and so certainly not carried out.
 */
static int send_batch(struct run *r, pps_quarantine_action_req *req, const char *what,
		      pps_response **resp, int *gave_up)
{
	cli_ctx *ctx = r->ctx;
	long budget = ctx->timeout_ms > 0 ? ctx->timeout_ms : 60000, waited = 0, backoff = 1000;

	*gave_up = 0;
	for (;;) {
		const pps_error *e;
		long wait;
		int rc = pps_quarantine_action(resp, ctx->client, req);

		e = pps_client_last_error(ctx->client);
		if (rc != PPS_ESERVER || e->http_status != 429)
			return rc;
		if (ctx->err_tty && !ctx->quiet) {
			/* Off with the progress line first. */
			fputs("\r\033[K", ctx->err);
		}
		if (e->retry_after_ms > 0) {
			wait = e->retry_after_ms;
		} else {
			wait = backoff;
			backoff *= 2;
		}
		if (waited >= budget) {
			*gave_up = 1;
			cli_errorf(ctx,
				   "%s%sserver still throttling (429) after waiting %.1f s (the "
				   "--timeout of %ld s): not sent",
				   what ? what : "", what ? ": " : "", (double)waited / 1000.0,
				   budget / 1000);
			return rc;
		}
		if (wait > budget - waited) {
			if (!ctx->quiet)
				cli_errorf(ctx,
					   "server throttling (429) asks to wait %.1f s; waiting "
					   "%.1f s, what is left of the --timeout of %ld s",
					   (double)wait / 1000.0,
					   (double)(budget - waited) / 1000.0, budget / 1000);
			wait = budget - waited;
		} else if (!ctx->quiet) {
			cli_errorf(ctx, "server throttling (429): sending %s again in %.1f s",
				   what ? what : "the request", (double)wait / 1000.0);
		}
		if (wait_ms(wait)) {
			*gave_up = 1;
			return rc;
		}
		waited += wait;
	}
}

/* Records one request in the -o json document. */
static void note_request(struct run *r, const cli_span *s, enum outcome o, long status,
			 const char *message, int split)
{
	const struct group *g = &r->groups[s->group];
	json_t *guids, *obj;

	r->requests++;
	if (o != OUT_DONE)
		r->failed_requests++;
	if (!r->batches)
		return;
	guids = json_array();
	for (size_t k = s->first; guids && k < s->first + s->count; k++)
		if (json_array_append_new(guids, json_string(r->list.v[g->idx[k]].guid))) {
			json_decref(guids);
			guids = NULL;
		}
	obj = json_pack("{s:s, s:o*, s:s, s:I, s:s}", "folder", g->folder, "localguids", guids,
			"outcome", cli_bulk_outcome_name[o], "http_status", (json_int_t)status,
			"message", message ? message : "");
	if (obj && split)
		json_object_set_new(obj, "split", json_true());
	if (!obj || json_array_append_new(r->batches, obj))
		r->write_failed = 1;
}

/* The message of a failure: the server's own text, else the client's. */
static const char *failure_text(const struct run *r)
{
	const pps_error *e = pps_client_last_error(r->ctx->client);

	if (e->server_message && e->server_message[0] && e->code != PPS_EUNKNOWN)
		return e->server_message;
	return e->message;
}

/* Sends span s and records its outcome; may queue its halves. */
static enum step run_span(struct run *r, cli_batcher *b, pps_quarantine_action_req *req,
			  const cli_span *s, int *net_fails)
{
	cli_ctx *ctx = r->ctx;
	pps_response *resp = NULL;
	char whatbuf[400];
	const char *what = span_what(r, s, b, whatbuf, sizeof(whatbuf), NULL);
	char *joined = span_join(r, s);
	const pps_error *e;
	int rc, gave_up = 0, status;
	size_t m;
	enum step step = STEP_NEXT;

	if (!joined) {
		cli_errorf(ctx, "out of memory");
		return STEP_FATAL;
	}
	req->folder = r->groups[s->group].folder;
	req->localguid = joined;
	rc = send_batch(r, req, what, &resp, &gave_up);
	if (ctx->err_tty && !ctx->quiet && b->planned > 1) {
		/* Clear the progress line so that answers and errors start clean. */
		fputs("\r\033[K", ctx->err);
		fflush(ctx->err);
	}
	if (rc == PPS_OK) {
		char *text = full_message(resp);

		*net_fails = 0;
		m = text ? cli_bulk_keep_message(r, text) : 0;
		if (!m) {
			/* Done it is, whatever memory is left for saying so. */
			set_span(r, s, OUT_DONE, 0, CLI_EXIT_OK);
			free(text);
			pps_response_free(resp);
			free(joined);
			cli_errorf(ctx, "out of memory");
			return STEP_FATAL;
		}
		set_span(r, s, OUT_DONE, m, CLI_EXIT_OK);
		note_request(r, s, OUT_DONE, resp->status, text, 0);
		if (r->ctx->render.format != CLI_FMT_JSON &&
		    r->ctx->render.format != CLI_FMT_NDJSON && cli_print_message(ctx, text)) {
			r->write_failed = 1;
			r->stdout_failed = 1;
		}
		free(text);
		pps_response_free(resp);
		free(joined);
		return STEP_NEXT;
	}
	pps_response_free(resp);
	free(joined);
	e = pps_client_last_error(ctx->client);
	if (rc == PPS_ENOMEM) {
		/* libpps may run out of memory after sending too: the outcome is not known. */
		cli_report(ctx, rc, what);
		set_span(r, s, OUT_UNKNOWN, 0, CLI_EXIT_UNKNOWN);
		return STEP_FATAL;
	}
	m = cli_bulk_keep_message(r, failure_text(r));
	if (!m) {
		cli_errorf(ctx, "out of memory");
		return STEP_FATAL;
	}
	status = cli_exit_status(rc);
	if (rc == PPS_EREJECTED && s->count > 1 && r->isolating) {
		/* Halves of a refused batch: the GUIDs the server refuses end up alone. */
		*net_fails = 0;
		r->verbose_batches = 1;
		r->split = 1;
		note_request(r, s, OUT_REFUSED, e->http_status, failure_text(r), 1);
		if (cli_batcher_split(b, s)) {
			cli_errorf(ctx, "out of memory");
			return STEP_FATAL;
		}
		return STEP_NEXT;
	}
	if (gave_up) {
		/* Throttled to the end, or interrupted during the wait: certainly not done. */
		set_span(r, s, OUT_NOT_SENT, m, status);
		note_request(r, s, OUT_NOT_SENT, e->http_status, failure_text(r), 0);
		r->stop_status = status;
		return ++*net_fails >= FAILS_TO_STOP ? STEP_STOP_NET : STEP_NEXT;
	}
	switch (rc) {
	case PPS_ENET:
	case PPS_ETLS:
	case PPS_EUSAGE:
		/* Nothing reached the server (a refused connection was already tried again). */
		cli_report(ctx, rc, span_what(r, s, b, whatbuf, sizeof(whatbuf), " not sent"));
		set_span(r, s, OUT_NOT_SENT, m, status);
		note_request(r, s, OUT_NOT_SENT, e->http_status, failure_text(r), 0);
		r->stop_status = status;
		if (rc == PPS_EUSAGE)
			return STEP_FATAL;
		return ++*net_fails >= FAILS_TO_STOP ? STEP_STOP_NET : STEP_NEXT;
	case PPS_EREJECTED:
	case PPS_ENOTFOUND:
	case PPS_EAUTH:
	case PPS_EPERM:
		*net_fails = 0;
		cli_report(ctx, rc,
			   span_what(r, s, b, whatbuf, sizeof(whatbuf),
				     s->count < 2 ? NULL
				     : rc == PPS_EREJECTED
					     ? " refused, not done (--isolate splits it)"
					     : " refused, not done"));
		set_span(r, s, OUT_REFUSED, m, status);
		note_request(r, s, OUT_REFUSED, e->http_status, failure_text(r), 0);
		/* Credentials or rights that failed once fail for every later batch too. */
		if (rc == PPS_EAUTH || rc == PPS_EPERM) {
			r->stop_status = status;
			step = STEP_STOP_AUTH;
		}
		return step;
	default:
		/*
		 * A lost answer, an unreadable one, or a 5xx (a proxy may answer 503 after the
		 * server acted): the server may have carried it out. Never sent again; and a
		 * server that keeps losing answers is not fed more batches to lose.
		 */
		cli_report(ctx, rc, what);
		if (rc != PPS_EUNKNOWN) {
			char note[1024];

			snprintf(note, sizeof(note),
				 "%s: the server may have carried it out; check before sending it "
				 "again",
				 failure_text(r));
			m = cli_bulk_keep_message(r, note);
			if (!m) {
				cli_errorf(ctx, "out of memory");
				return STEP_FATAL;
			}
		}
		set_span(r, s, OUT_UNKNOWN, m, status);
		note_request(r, s, OUT_UNKNOWN, e->http_status, r->msgs.items[m - 1], 0);
		r->stop_status = status;
		return ++*net_fails >= FAILS_TO_STOP ? STEP_STOP_NET : STEP_NEXT;
	}
}

/*
 * Sends span s as batch `id` between its journal lines: the intent, fsync'd before the request
 * leaves, and after the answer the entries' outcomes (or a split: refused whole, its halves
 * sent next). A journal that cannot be written stops the run.
 */
static enum step journaled_span(struct run *r, cli_batcher *b, pps_quarantine_action_req *req,
				const cli_span *s, int *net_fails)
{
	const struct group *g = &r->groups[s->group];
	long id = r->next_batch++;
	enum step step;

	if (cli_bulk_journal_batch(r, s, id, "intent", 0, NULL))
		return STEP_FATAL;
	for (size_t k = s->first; k < s->first + s->count; k++)
		r->batch_id[g->idx[k]] = id;
	r->split = 0;
	step = run_span(r, b, req, s, net_fails);
	if (r->split) {
		const pps_error *e = pps_client_last_error(r->ctx->client);

		if (cli_bulk_journal_batch(r, s, id, "split", e->http_status, failure_text(r)))
			return STEP_FATAL;
	} else if (r->out[g->idx[s->first]] != OUT_PENDING &&
		   cli_bulk_journal_lines(r, g->idx + s->first, s->count)) {
		return STEP_FATAL;
	}
	if (r->stdout_failed) {
		/* Standard output is gone (| head, a closed terminal): a stop, as SIGPIPE. */
		cli_stop_request(SIGPIPE);
	}
	return step;
}

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
}

/* --dry-run: prints each planned batch; sends nothing. */
static int dry_run(struct run *r, cli_batcher *b)
{
	cli_span s;

	while (cli_batcher_next(b, &s)) {
		char *joined = span_join(r, &s);
		int rc;

		if (!joined) {
			cli_errorf(r->ctx, "out of memory");
			return CLI_EXIT_FAILURE;
		}
		rc = dry_run_batch(r->ctx, r->args, r->groups[s.group].folder, joined);
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
		step = journaled_span(r, b, &req, &s, &net_fails);
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
			set_span(r, &s, OUT_NOT_SENT, m,
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
	if (status)
		goto done;
	r.verbose_batches = b.planned > 1 || args->from_file || r.invalid || r.unique > 1 ||
			    r.earlier_done || r.earlier_unknown;
	cli_bulk_report_invalid(&r);
	cli_bulk_report_earlier(&r);
	if (ctx->dry_run) {
		/* Nothing is sent, and nothing written. */
		status = dry_run(&r, &b);
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
