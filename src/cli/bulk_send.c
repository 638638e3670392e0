/*
 * Sending the bulk action's batches: each span between its journal lines, 429 waited out, a
 * refused batch split with --isolate, every answer turned into the entries' outcomes. An action
 * that may have been carried out is never sent again. The plan is bulk.c's, the report
 * bulk_report.c's.
 */
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
	r->last_http = status;
	free(r->last_message);
	r->last_message = message ? strdup(message) : NULL;
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

/*
 * Span s carried out. The server's answer to a batch names every GUID of it: its whole text
 * goes once into the journal (an answer line) and the -o json document; the entries' lines
 * and the screen say it with the GUID list cut short (cli_bulk_short_answer); a run of one
 * request (whole: the only batch, not split) prints it whole, as a single action does.
 */
static enum step span_done(struct run *r, const cli_span *s, const pps_response *resp, int whole)
{
	cli_ctx *ctx = r->ctx;
	char *text = full_message(resp), *joined = text ? cli_bulk_span_join(r, s) : NULL;
	long id = r->batch_id[r->groups[s->group].idx[s->first]];
	char *brief = joined ? cli_bulk_short_answer(text, joined, s->count, id) : NULL;
	size_t m = brief ? cli_bulk_keep_message(r, brief) : 0;

	free(joined);
	if (!m) {
		/* Done it is, whatever memory is left for saying so. */
		cli_bulk_set_span(r, s, OUT_DONE, 0, CLI_EXIT_OK);
		free(text);
		free(brief);
		cli_errorf(ctx, "out of memory");
		return STEP_FATAL;
	}
	cli_bulk_set_span(r, s, OUT_DONE, m, CLI_EXIT_OK);
	note_request(r, s, OUT_DONE, resp->status, text, 0);
	if (strcmp(brief, text) != 0 && cli_bulk_journal_answer(r, id, resp->status, text)) {
		free(text);
		free(brief);
		return STEP_FATAL;
	}
	if (r->ctx->render.format != CLI_FMT_JSON && r->ctx->render.format != CLI_FMT_NDJSON &&
	    cli_print_message(ctx, whole ? text : brief)) {
		r->write_failed = 1;
		r->stdout_failed = 1;
	}
	free(text);
	free(brief);
	return STEP_NEXT;
}

/*
 * A lost answer, an unreadable one, or a 5xx (a proxy may answer 503 after the server acted):
 * the server may have carried span s out. Never sent again; and a server that keeps losing
 * answers is not fed more batches to lose.
 */
static enum step span_unknown(struct run *r, const cli_span *s, int rc, const char *what, size_t m,
			      int *net_fails)
{
	const pps_error *e = pps_client_last_error(r->ctx->client);
	int status = cli_exit_status(rc);

	cli_report(r->ctx, rc, what);
	if (rc != PPS_EUNKNOWN) {
		char note[1024];

		snprintf(note, sizeof(note),
			 "%s: the server may have carried it out; check before sending it again",
			 failure_text(r));
		m = cli_bulk_keep_message(r, note);
		if (!m) {
			cli_errorf(r->ctx, "out of memory");
			return STEP_FATAL;
		}
	}
	cli_bulk_set_span(r, s, OUT_UNKNOWN, m, status);
	note_request(r, s, OUT_UNKNOWN, e->http_status, r->msgs.items[m - 1], 0);
	r->stop_status = status;
	return ++*net_fails >= FAILS_TO_STOP ? STEP_STOP_NET : STEP_NEXT;
}

/*
 * A run of one entry the server refused (400) because it knows no such message or folder: said
 * as what it is, not found (4), naming both. 1 when it was that, after its message; else 0 (a
 * batch of many stays "refused": the text cannot tell which GUID it meant).
 */
static int one_not_found(struct run *r, const cli_span *s, int rc)
{
	const char *text = failure_text(r);
	const char *folder = r->groups[s->group].folder;
	const char *guid = cli_bulk_span_first(r, s);

	if (rc != PPS_EREJECTED || s->count != 1 || r->list.n != 1 || !text)
		return 0;
	if (!strcmp(text, "Invalid argument: localguid"))
		cli_errorf(r->ctx, "message '%s' not found in folder '%s'", guid, folder);
	else if (!strcmp(text, "Invalid argument: folder"))
		cli_errorf(r->ctx, "folder '%s' not found (message '%s')", folder, guid);
	else
		return 0;
	return 1;
}

/* Span s not carried out, or not known to be (what names it): its outcome, halves, or a stop. */
static enum step span_failed(struct run *r, cli_batcher *b, const cli_span *s, int rc,
			     const char *what, int gave_up, int *net_fails)
{
	cli_ctx *ctx = r->ctx;
	const pps_error *e = pps_client_last_error(ctx->client);
	char whatbuf[400];
	int status = cli_exit_status(rc);
	size_t m;

	if (rc == PPS_ENOMEM) {
		/* libpps may run out of memory after sending too: the outcome is not known. */
		cli_report(ctx, rc, what);
		cli_bulk_set_span(r, s, OUT_UNKNOWN, 0, CLI_EXIT_UNKNOWN);
		return STEP_FATAL;
	}
	m = cli_bulk_keep_message(r, failure_text(r));
	if (!m) {
		cli_errorf(ctx, "out of memory");
		return STEP_FATAL;
	}
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
		cli_bulk_set_span(r, s, OUT_NOT_SENT, m, status);
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
		cli_bulk_set_span(r, s, OUT_NOT_SENT, m, status);
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
		if (one_not_found(r, s, rc)) {
			cli_bulk_set_span(r, s, OUT_REFUSED, m, CLI_EXIT_NOTFOUND);
			note_request(r, s, OUT_REFUSED, e->http_status, failure_text(r), 0);
			return STEP_NEXT;
		}
		cli_report(ctx, rc,
			   span_what(r, s, b, whatbuf, sizeof(whatbuf),
				     s->count < 2 ? NULL
				     : rc == PPS_EREJECTED
					     ? " refused, not done (--isolate splits it)"
					     : " refused, not done"));
		cli_bulk_set_span(r, s, OUT_REFUSED, m, status);
		note_request(r, s, OUT_REFUSED, e->http_status, failure_text(r), 0);
		/* Credentials or rights that failed once fail for every later batch too. */
		if (rc == PPS_EAUTH || rc == PPS_EPERM) {
			r->stop_status = status;
			return STEP_STOP_AUTH;
		}
		return STEP_NEXT;
	default:
		return span_unknown(r, s, rc, what, m, net_fails);
	}
}

/* Sends span s and records its outcome; may queue its halves. */
static enum step run_span(struct run *r, cli_batcher *b, pps_quarantine_action_req *req,
			  const cli_span *s, int *net_fails)
{
	cli_ctx *ctx = r->ctx;
	pps_response *resp = NULL;
	char whatbuf[400];
	const char *what = span_what(r, s, b, whatbuf, sizeof(whatbuf), NULL);
	char *joined = cli_bulk_span_join(r, s);
	int rc, gave_up = 0;
	enum step step;

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
		*net_fails = 0;
		step = span_done(r, s, resp, b->planned == 1 && s->count == r->unique);
	}
	pps_response_free(resp);
	free(joined);
	if (rc == PPS_OK)
		return step;
	return span_failed(r, b, s, rc, what, gave_up, net_fails);
}

/*
 * Sends span s as batch `id` between its journal lines: the intent, fsync'd before the request
 * leaves, and after the answer the entries' outcomes (or a split: refused whole, its halves
 * sent next). A journal that cannot be written stops the run.
 */
enum step cli_bulk_send_span(struct run *r, cli_batcher *b, pps_quarantine_action_req *req,
			     const cli_span *s, int *net_fails)
{
	const struct group *g = &r->groups[s->group];
	long id;
	enum step step;
	cli_audit_id aid;

	/* The audit file first: a span it cannot record is not sent, and not journaled as sent. */
	if (cli_bulk_audit_intent(r, s, &aid))
		return STEP_FATAL;
	id = r->next_batch++;
	r->last_http = 0;
	free(r->last_message);
	r->last_message = NULL;
	if (cli_bulk_journal_batch(r, s, id, "intent", 0, NULL)) {
		cli_audit_outcome(r->ctx, &aid, CLI_AUDIT_NOT_SENT, 0,
				  "the --report journal could not be written");
		return STEP_FATAL;
	}
	for (size_t k = s->first; k < s->first + s->count; k++)
		r->batch_id[g->idx[k]] = id;
	r->split = 0;
	step = run_span(r, b, req, s, net_fails);
	if (cli_bulk_audit_outcome(r, s, &aid) && step == STEP_NEXT)
		step = STEP_FATAL;
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
