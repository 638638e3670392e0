/*
 * The bulk quarantine action: entries checked before sending, batches per folder, refused
 * batches split, 429 waited out; an action that may have been carried out is never sent again.
 * The lists themselves are lists.c's.
 */
#include "cli/bulk.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/guidlist.h"
#include "cli/journal.h"
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

/*
 * After this many batches in a row get no usable answer (not sent, throttled to the end, answer
 * lost, 5xx) the server is taken for gone: the rest is not sent.
 */
#define FAILS_TO_STOP 3

enum outcome { OUT_PENDING, OUT_DONE, OUT_INVALID, OUT_REFUSED, OUT_UNKNOWN, OUT_NOT_SENT };

static const char *const outcome_name[] = { "not_sent", "done",	   "invalid",
					    "refused",	"unknown", "not_sent" };

/* The GUIDs of one folder, as indexes of their (first) entries. */
struct group {
	const char *folder; /* borrowed from an entry or the arguments */
	size_t *idx;
	size_t n;
	size_t alloc;
};

struct run {
	cli_ctx *ctx;
	const cli_args *args;
	const char *folder_arg; /* folder_name, or NULL */
	cli_guidlist list;
	enum outcome *out; /* per entry */
	size_t *msg;	   /* per entry: 1 + index in msgs, or 0 */
	int *status;	   /* per entry: the exit status its failure stands for */
	cli_strlist msgs;  /* the messages entries point to */
	struct group *groups;
	size_t ngroups;
	size_t unique; /* distinct valid GUIDs: the messages to act on */
	size_t invalid;
	size_t requests;
	size_t failed_requests;
	json_t *batches; /* -o json: one object per request sent */
	int stop_status; /* the exit status of the failure that stopped the run */
	int write_failed;
	int stdout_failed;   /* standard output could not be written: the run stops */
	int verbose_batches; /* name batches in messages: several, a list read, a split */
	int isolating;	     /* split refused batches */
	int split;	     /* the last span was refused whole and split */
	/* The journal (--report) and what earlier runs did. */
	cli_journal journal;
	int have_journal;
	cli_jstates given;	/* the journal or report lines given as input */
	long next_batch;	/* the id of the next batch */
	long *batch_id;		/* per entry: the batch it was sent in, or 0 */
	unsigned char *written; /* per entry: its outcome line is in the journal */
	unsigned char *earlier; /* per entry: enum cli_jstate of an earlier run (not sent) */
	size_t earlier_done;	/* messages done by an earlier run */
	size_t earlier_unknown; /* messages unknown since an earlier run, not sent again */
	size_t retried;		/* unknown messages sent again (--retry-unknown) */
};

/* Stores a copy of text as a message; returns 1 + its index, or 0 when out of memory. */
static size_t keep_message(struct run *r, const char *text)
{
	if (cli_strlist_add_raw(&r->msgs, text ? text : "", text ? strlen(text) : 0))
		return 0;
	return r->msgs.n;
}

static const char *folder_of(const struct run *r, size_t i)
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

static const char *span_first(const struct run *r, const cli_span *s)
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
		snprintf(buf, len, "GUID %s in '%s'%s", span_first(r, s), folder, tail ? tail : "");
	else
		snprintf(buf, len, "batch %zu of %zu (%zu GUIDs in '%s', first %s)%s", s->batch,
			 b->planned, s->count, folder, span_first(r, s), tail ? tail : "");
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
			"outcome", outcome_name[o], "http_status", (json_int_t)status, "message",
			message ? message : "");
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

enum step { STEP_NEXT, STEP_STOP_AUTH, STEP_STOP_NET, STEP_FATAL };

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
		m = text ? keep_message(r, text) : 0;
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
	m = keep_message(r, failure_text(r));
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
			m = keep_message(r, note);
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
 * Parses the local_guid lines into entries, and the journal or report lines among them into
 * what an earlier run did. Returns 0, or an exit status after a message.
 */
static int load_entries(struct run *r)
{
	const cli_strlist *lines = &r->args->list[cli_args_index(r->args, "local_guid")];
	const char *action = pps_qaction_name(r->ctx->cmd->action);
	cli_ctx *ctx = r->ctx;
	size_t n;

	for (size_t k = 0; k < lines->n; k++) {
		const char *line = lines->items[k];

		if (cli_guidlist_parse_line(&r->list, line, strlen(line), k + 1) ||
		    cli_jstates_add_text(&r->given, line, strlen(line), action))
			goto nomem;
	}
	if (cli_jstates_finish(&r->given))
		goto nomem;
	if (r->list.n == 0) {
		cli_errorf(ctx, "invalid local_guid: no GUIDs given");
		return CLI_EXIT_USAGE;
	}
	n = r->list.n;
	r->out = calloc(n, sizeof(*r->out));
	r->msg = calloc(n, sizeof(*r->msg));
	r->status = calloc(n, sizeof(*r->status));
	r->batch_id = calloc(n, sizeof(*r->batch_id));
	r->written = calloc(n, sizeof(*r->written));
	r->earlier = calloc(n, sizeof(*r->earlier));
	if (!r->out || !r->msg || !r->status || !r->batch_id || !r->written || !r->earlier)
		goto nomem;
	return 0;
nomem:
	cli_errorf(ctx, "out of memory");
	return CLI_EXIT_FAILURE;
}

/*
 * One message may be named by its localguid and by its GUID: entries are made to name it by
 * the localguid a record gives; a run that still names messages in both forms is refused, as
 * nothing tells whether two entries are one message. Returns 0, or an exit status.
 */
static int check_forms(struct run *r)
{
	const char *onprem, *cloud;
	int rc = cli_guidlist_canonicalize(&r->list, &onprem, &cloud);

	if (rc < 0) {
		cli_errorf(r->ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	if (rc == 1) {
		cli_errorf(r->ctx,
			   "local_guid names messages both by localguid (%s) and by GUID (%s): "
			   "one message named both ways would be acted on twice; give one form, or "
			   "the records of quarantine-messages-list -o ndjson, which name both",
			   onprem, cloud);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/*
 * Every valid entry needs a folder: folder_name, its record's, or that of a record with the same
 * GUID (else it is invalid); a record may not name another folder than folder_name, and a list
 * of bare GUIDs needs folder_name. Returns 0, or an exit status after a message.
 */
static int check_folders(struct run *r)
{
	int any = 0, need = 0;

	for (size_t i = 0; i < r->list.n; i++) {
		const cli_guid_entry *e = &r->list.v[i];

		any |= e->record;
		if (e->why)
			continue;
		need |= e->folder == NULL;
		if (r->folder_arg && e->folder && strcmp(e->folder, r->folder_arg) != 0) {
			cli_errorf(r->ctx,
				   "line %zu names folder '%s' but folder_name is '%s': leave "
				   "folder_name out to act on each record in its own folder",
				   e->line, e->folder, r->folder_arg);
			return CLI_EXIT_USAGE;
		}
	}
	if (r->folder_arg || !need)
		return 0;
	if (!any) {
		cli_errorf(r->ctx, "missing required argument 'folder_name' for %s",
			   r->ctx->cmd->name);
		return CLI_EXIT_USAGE;
	}
	if (cli_guidlist_resolve_folders(&r->list)) {
		cli_errorf(r->ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	return 0;
}

/* What the journal and the input say an earlier run did with entry i's message. */
static enum cli_jstate earlier_state(const struct run *r, size_t i)
{
	const char *folder = folder_of(r, i), *guid = r->list.v[i].guid;
	enum cli_jstate a = CLI_JSTATE_NONE, b;

	if (r->have_journal)
		a = cli_jstates_get(&r->journal.states, r->ctx->cluster, folder, guid);
	b = cli_jstates_get(&r->given, r->ctx->cluster, folder, guid);
	return a > b ? a : b;
}

/*
 * Entry i was done, or its outcome is unknown, by an earlier run: it is not sent again (an
 * unknown one is with --retry-unknown). Returns 1 when it is not to be sent, 0, or -1 (memory).
 */
static int take_earlier(struct run *r, size_t i, size_t *done_msg, size_t *unknown_msg)
{
	enum cli_jstate st = earlier_state(r, i);

	if (st == CLI_JSTATE_UNKNOWN && r->ctx->retry_unknown) {
		r->retried++;
		return 0;
	}
	if (st == CLI_JSTATE_NONE)
		return 0;
	if (st == CLI_JSTATE_DONE && !*done_msg)
		*done_msg = keep_message(r, "done by an earlier run: not sent again");
	if (st == CLI_JSTATE_UNKNOWN && !*unknown_msg)
		*unknown_msg = keep_message(r, "outcome unknown since an earlier run: not sent "
					       "again; check it, then --retry-unknown sends it");
	if (!*done_msg && !*unknown_msg)
		return -1;
	r->earlier[i] = (unsigned char)st;
	r->out[i] = st == CLI_JSTATE_DONE ? OUT_DONE : OUT_UNKNOWN;
	r->msg[i] = st == CLI_JSTATE_DONE ? *done_msg : *unknown_msg;
	r->status[i] = st == CLI_JSTATE_DONE ? CLI_EXIT_OK : CLI_EXIT_UNKNOWN;
	if (st == CLI_JSTATE_DONE)
		r->earlier_done++;
	else
		r->earlier_unknown++;
	return 1;
}

/*
 * Groups the distinct valid GUIDs that are to be sent by folder, folders and GUIDs in input
 * order; those an earlier run did (or left unknown) are left out. 0 or -1.
 */
static int build_groups(struct run *r)
{
	size_t done_msg = 0, unknown_msg = 0;

	for (size_t i = 0; i < r->list.n; i++) {
		const cli_guid_entry *e = &r->list.v[i];
		const char *folder = folder_of(r, i);
		struct group *g = NULL;
		int skip;

		if (e->why) {
			r->out[i] = OUT_INVALID;
			r->status[i] = CLI_EXIT_USAGE;
			r->invalid++;
			continue;
		}
		if (e->dup_of)
			continue;
		skip = take_earlier(r, i, &done_msg, &unknown_msg);
		if (skip < 0)
			return -1;
		if (skip)
			continue;
		for (size_t k = 0; k < r->ngroups && !g; k++)
			if (strcmp(r->groups[k].folder, folder) == 0)
				g = &r->groups[k];
		if (!g) {
			struct group *ng =
				realloc(r->groups, (r->ngroups + 1) * sizeof(*r->groups));

			if (!ng)
				return -1;
			r->groups = ng;
			g = &r->groups[r->ngroups++];
			memset(g, 0, sizeof(*g));
			g->folder = folder;
		}
		if (g->n == g->alloc) {
			size_t na = g->alloc ? g->alloc * 2 : 64;
			size_t *ni = realloc(g->idx, na * sizeof(*ni));

			if (!ni)
				return -1;
			g->idx = ni;
			g->alloc = na;
		}
		g->idx[g->n++] = i;
		r->unique++;
	}
	return 0;
}

static void report_invalid(struct run *r)
{
	for (size_t i = 0; i < r->list.n; i++) {
		const cli_guid_entry *e = &r->list.v[i];

		/* A record is named by its GUID: the whole line would drown the reason. */
		if (e->why)
			cli_errorf(r->ctx, "line %zu: invalid entry '%.200s': %s; not sent",
				   e->line, e->record && e->guid ? e->guid : e->text, e->why);
	}
}

/* Names on stderr what an earlier run did: the unknown ones one by one, to be checked. */
static void report_earlier(struct run *r)
{
	size_t shown = 0;

	if (r->ctx->quiet && !r->earlier_unknown)
		return;
	if (r->earlier_done && !r->ctx->quiet)
		cli_errorf(r->ctx,
			   "%zu message%s done by an earlier run of this job: not sent again",
			   r->earlier_done, r->earlier_done == 1 ? "" : "s");
	for (size_t i = 0; i < r->list.n && r->earlier_unknown; i++) {
		if (r->earlier[i] != CLI_JSTATE_UNKNOWN)
			continue;
		if (shown++ == 20) {
			cli_errorf(r->ctx, "... and %zu more unknown (the journal names them)",
				   r->earlier_unknown - 20);
			break;
		}
		cli_errorf(r->ctx,
			   "GUID %s in '%s': outcome unknown since an earlier run: not sent "
			   "again; check it, then --retry-unknown sends it",
			   r->list.v[i].guid, folder_of(r, i));
	}
	if (r->retried && !r->ctx->quiet)
		cli_errorf(
			r->ctx,
			"sending again %zu message%s whose outcome was unknown (--retry-unknown)",
			r->retried, r->retried == 1 ? "" : "s");
}

/*
 * On a terminal, a delete, release or forward of more than --confirm-over messages asks once,
 * with the count per folder, on /dev/tty (standard input may be the GUID list). Returns 1 to go
 * on, 0 when not confirmed.
 */
static int confirmed(struct run *r)
{
	cli_ctx *ctx = r->ctx;
	const char *a = pps_qaction_name(ctx->cmd->action);
	char answer[16] = "";
	FILE *tty;
	int yes;

	if (ctx->yes || ctx->dry_run || !ctx->err_tty || ctx->confirm_over < 0 ||
	    r->unique <= (size_t)ctx->confirm_over)
		return 1;
	if (strcmp(a, "delete") != 0 && strcmp(a, "release") != 0 && strcmp(a, "forward") != 0)
		return 1;
	tty = fopen("/dev/tty", "r");
	if (!tty)
		return 1;
	fprintf(ctx->err, "pps: %s %zu messages (", a, r->unique);
	for (size_t g = 0; g < r->ngroups; g++)
		fprintf(ctx->err, "%s%s: %zu", g ? ", " : "", r->groups[g].folder, r->groups[g].n);
	fprintf(ctx->err, ")? [y/N] ");
	fflush(ctx->err);
	if (!fgets(answer, sizeof(answer), tty))
		answer[0] = '\0';
	fclose(tty);
	yes = answer[0] == 'y' || answer[0] == 'Y';
	if (!yes)
		cli_errorf(ctx, "not confirmed: nothing sent (--yes skips the question)");
	return yes;
}

/*
 * The outcome line of entry i, as the journal, -o ndjson and a rerun's input read it (a new
 * reference, or NULL when out of memory).
 */
static json_t *report_line(const struct run *r, size_t i)
{
	const cli_guid_entry *e = &r->list.v[i];
	size_t src = e->dup_of ? e->dup_of - 1 : i;
	const char *folder = folder_of(r, i);
	const char *msg = r->msg[src]		       ? r->msgs.items[r->msg[src] - 1]
			  : e->why		       ? e->why
			  : r->out[src] == OUT_PENDING ? "not sent"
						       : "";
	json_t *line = json_pack("{s:s, s:{s:I, s:s}, s:s?, s:s?, s:s, s:s, s:s}", "event",
				 "outcome", "input", "line", (json_int_t)e->line, "text", e->text,
				 "localguid", e->guid, "folder", folder, "action",
				 pps_qaction_name(r->ctx->cmd->action), "outcome",
				 outcome_name[e->why ? OUT_INVALID : r->out[src]], "message", msg);

	if (line && e->dup_of &&
	    json_object_set_new(line, "duplicate_of_line",
				json_integer((json_int_t)r->list.v[src].line)))
		goto fail;
	if (line && r->batch_id[src] && !e->dup_of &&
	    json_object_set_new(line, "batch", json_integer(r->batch_id[src])))
		goto fail;
	if (line && r->ctx->cluster &&
	    json_object_set_new(line, "cluster", json_string(r->ctx->cluster)))
		goto fail;
	return line;
fail:
	json_decref(line);
	return NULL;
}

/* Writes the report lines to f; 0 or -1. */
static int write_report(const struct run *r, FILE *f)
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
static int journal_lines(struct run *r, const size_t *idx, size_t n)
{
	json_t **lines;
	size_t m = 0;
	int rc = 0;

	if (!r->have_journal || !n)
		return 0;
	lines = calloc(n, sizeof(*lines));
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
	rc = journal_lines(r, idx, n);
	free(idx);
	return rc;
}

/* Entries known before anything is sent: invalid, or done or unknown by an earlier run. */
static int pick_known(const struct run *r, size_t i)
{
	return r->list.v[i].why || r->earlier[i];
}

/* The intent (or split) line of span s, batch id. 0, or -1 when the journal failed. */
static int journal_batch(struct run *r, const cli_span *s, long id, const char *event,
			 long http_status, const char *message)
{
	const struct group *g = &r->groups[s->group];
	json_t *guids = json_array(), *line;
	int rc;

	if (!r->have_journal) {
		json_decref(guids);
		return 0;
	}
	for (size_t k = s->first; guids && k < s->first + s->count; k++)
		if (json_array_append_new(guids, json_string(r->list.v[g->idx[k]].guid))) {
			json_decref(guids);
			guids = NULL;
		}
	line = json_pack("{s:s, s:I, s:s, s:s, s:o*}", "event", event, "batch", (json_int_t)id,
			 "action", pps_qaction_name(r->ctx->cmd->action), "folder", g->folder,
			 "localguids", guids);
	if (line && message &&
	    (json_object_set_new(line, "http_status", json_integer(http_status)) ||
	     json_object_set_new(line, "message", json_string(message)))) {
		json_decref(line);
		line = NULL;
	}
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

	if (journal_batch(r, s, id, "intent", 0, NULL))
		return STEP_FATAL;
	for (size_t k = s->first; k < s->first + s->count; k++)
		r->batch_id[g->idx[k]] = id;
	r->split = 0;
	step = run_span(r, b, req, s, net_fails);
	if (r->split) {
		const pps_error *e = pps_client_last_error(r->ctx->client);

		if (journal_batch(r, s, id, "split", e->http_status, failure_text(r)))
			return STEP_FATAL;
	} else if (r->out[g->idx[s->first]] != OUT_PENDING &&
		   journal_lines(r, g->idx + s->first, s->count)) {
		return STEP_FATAL;
	}
	if (r->stdout_failed) {
		/* Standard output is gone (| head, a closed terminal): a stop, as SIGPIPE. */
		cli_stop_request(SIGPIPE);
	}
	return step;
}

/* The last line of a run: its status and totals. */
static void journal_end(struct run *r, int status, const size_t count[6])
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
static void totals(const struct run *r, size_t count[6])
{
	memset(count, 0, 6 * sizeof(*count));
	for (size_t i = 0; i < r->list.n; i++) {
		const cli_guid_entry *e = &r->list.v[i];
		enum outcome o = e->why ? OUT_INVALID : r->out[e->dup_of ? e->dup_of - 1 : i];

		count[o == OUT_PENDING ? OUT_NOT_SENT : o]++;
	}
}

static int print_document(struct run *r, const size_t count[6])
{
	json_t *doc = json_pack("{s:s, s:O, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I}}", "action",
				pps_qaction_name(r->ctx->cmd->action), "batches", r->batches,
				"totals", "entries", (json_int_t)r->list.n, "messages",
				(json_int_t)(r->unique + r->earlier_done + r->earlier_unknown),
				"done", (json_int_t)count[OUT_DONE], "invalid",
				(json_int_t)count[OUT_INVALID], "refused",
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
static int final_status(const struct run *r, const size_t count[6])
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

/* The one-line count on stderr. */
static void summary(const struct run *r, const size_t count[6])
{
	size_t done_msgs = 0;
	ppsbuf b = PPSBUF_INIT;

	for (size_t g = 0; g < r->ngroups; g++)
		for (size_t k = 0; k < r->groups[g].n; k++)
			done_msgs += r->out[r->groups[g].idx[k]] == OUT_DONE;
	ppsbuf_addf(&b, "%s %zu of %zu messages (%zu batch%s, %zu failed)", r->ctx->cmd->verb,
		    done_msgs, r->unique, r->requests, r->requests == 1 ? "" : "es",
		    r->failed_requests);
	if (r->earlier_done || r->earlier_unknown)
		ppsbuf_addf(&b, "; by an earlier run: %zu done, %zu unknown", r->earlier_done,
			    r->earlier_unknown);
	if (count[OUT_REFUSED] || count[OUT_UNKNOWN] || count[OUT_NOT_SENT] || count[OUT_INVALID])
		ppsbuf_addf(&b, "; entries: %zu refused, %zu unknown, %zu not sent, %zu invalid",
			    count[OUT_REFUSED], count[OUT_UNKNOWN], count[OUT_NOT_SENT],
			    count[OUT_INVALID]);
	fprintf(r->ctx->err, "%s\n", b.buf);
	ppsbuf_release(&b);
}

/* Names the first GUID not sent and how many were not; after a stop or an interrupt. */
static void not_sent_line(const struct run *r, const cli_batcher *b, const char *why)
{
	size_t done_msgs = 0;

	for (size_t g = 0; g < r->ngroups; g++)
		for (size_t k = 0; k < r->groups[g].n; k++)
			done_msgs += r->out[r->groups[g].idx[k]] == OUT_DONE;
	if (!b->n)
		return;
	cli_errorf(r->ctx, "%s: %s %zu of %zu messages; not sent: %zu from GUID %s on%s", why,
		   r->ctx->cmd->verb, done_msgs, r->unique, cli_batcher_pending(b),
		   span_first(r, &b->stack[b->n - 1]),
		   r->have_journal && !r->journal.write_errno
			   ? " (run the same command again to send the rest)"
			   : "");
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

/*
 * Opens --report as the run's journal before anything is sent (read only for --dry-run), with
 * the job's start line. Returns 0, or an exit status after a message.
 */
static int open_journal(struct run *r)
{
	cli_ctx *ctx = r->ctx;
	char job[65], err[1024];
	json_t *args = NULL, *start;
	int rc;

	if (!ctx->report)
		return 0;
	cli_journal_job(job, &args, ctx->cmd, r->args);
	start = json_pack("{s:s, s:s, s:o*, s:I, s:I}", "command", ctx->cmd->name, "action",
			  pps_qaction_name(ctx->cmd->action), "args", args, "entries",
			  (json_int_t)r->list.n, "pid", (json_int_t)getpid());
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
	int status = load_entries(r);

	if (!status)
		status = check_forms(r);
	if (!status)
		status = check_folders(r);
	if (!status && cli_guidlist_mark_duplicates(&r->list, r->folder_arg)) {
		cli_errorf(r->ctx, "out of memory");
		status = CLI_EXIT_FAILURE;
	}
	if (!status)
		status = open_journal(r);
	if (!status && build_groups(r)) {
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

		not_sent_line(r, b, why);
		snprintf(text, sizeof(text), "not sent: %s",
			 step == STEP_STOP_AUTH && !cli_stop_signal()
				 ? "stopped after the server refused the credentials "
				   "or their rights"
				 : why);
		m = keep_message(r, text);
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
	totals(r, count);
	if (!r->journal.write_errno)
		journal_picked(r, NULL);
	if (ctx->render.format == CLI_FMT_NDJSON && write_report(r, ctx->out)) {
		cli_errorf(ctx, "cannot write to standard output");
		r->write_failed = 1;
	}
	if (ctx->render.format == CLI_FMT_JSON && print_document(r, count)) {
		cli_errorf(ctx, "cannot write to standard output");
		r->write_failed = 1;
	}
	/* After a stop or an interrupt, not_sent_line() has said the counts. */
	if (!ctx->quiet && r->verbose_batches && !cli_stop_signal() && step != STEP_STOP_AUTH &&
	    step != STEP_STOP_NET)
		summary(r, count);
	if (step == STEP_FATAL && !cli_stop_signal())
		status = CLI_EXIT_FAILURE;
	else if (status == CLI_EXIT_OK)
		status = final_status(r, count);
	if (r->write_failed && status == CLI_EXIT_OK)
		status = CLI_EXIT_FAILURE;
	journal_end(r, status, count);
	if (r->journal.write_errno && status == CLI_EXIT_OK)
		status = CLI_EXIT_FAILURE;
	return status;
}

int cli_bulk_action(cli_ctx *ctx, const cli_args *args)
{
	struct run r;
	cli_batcher b;
	int status;
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
	/*
	 * A signal that ends the process (INT, TERM, HUP, PIPE) ends the run between batches
	 * instead, so that the journal says exactly which GUIDs were acted on.
	 */
	cli_stop_begin();
	status = prepare(&r, &b);
	if (status)
		goto done;
	r.verbose_batches = b.planned > 1 || args->from_file || r.invalid || r.unique > 1 ||
			    r.earlier_done || r.earlier_unknown;
	report_invalid(&r);
	report_earlier(&r);
	if (ctx->dry_run) {
		/* Nothing is sent, and nothing written. */
		status = dry_run(&r, &b);
		goto done;
	}
	if (journal_picked(&r, pick_known)) {
		status = CLI_EXIT_FAILURE;
		step = STEP_FATAL;
	} else if (!confirmed(&r)) {
		status = CLI_EXIT_FAILURE;
	} else {
		step = send_all(&r, &b);
	}
	status = finish(&r, step, status);
done:
	if (r.have_journal && cli_journal_close(&r.journal) && status == CLI_EXIT_OK)
		status = CLI_EXIT_FAILURE;
	cli_jstates_release(&r.journal.states);
	cli_stop_end();
	cli_batcher_release(&b);
	run_release(&r);
	return status;
}
