/*
 * What every handler shares: one-line errors (401/403 explained) and printing through render.c,
 * also of records as they stream in. Never sends, and knows no wire fact.
 */
#include "cli/cli.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/exit.h"
#include "cli/sanitize.h"
#include "cli/suggest.h"
#include "util/buf.h"

#include "util/banned.h"

void cli_verror(FILE *err, const char *fmt, va_list ap)
{
	ppsbuf text = PPSBUF_INIT, safe = PPSBUF_INIT;

	ppsbuf_vaddf(&text, fmt, ap);
	/* A server's text or a user's word may hold ESC or U+202E: shown, never obeyed. */
	if (cli_sanitize(&safe, text.buf, text.len, NULL, NULL) < 0)
		fputs("pps: out of memory\n", err);
	else
		fprintf(err, "pps: %s\n", safe.buf);
	fflush(err);
	ppsbuf_release(&text);
	ppsbuf_release(&safe);
}

void cli_errorf(cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(ctx->err, fmt, ap);
	va_end(ap);
}

/* The server's text on one line: line breaks become spaces, trailing space dropped. */
static void one_line(char *dst, size_t len, const char *src)
{
	size_t n = 0;

	for (; src && *src && n + 1 < len; src++)
		dst[n++] = (*src == '\n' || *src == '\r' || *src == '\t') ? ' ' : *src;
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

int cli_report(cli_ctx *ctx, int code, const char *what)
{
	const pps_error *e = ctx->client ? pps_client_last_error(ctx->client) : NULL;
	char server[512] = "";
	char prefix[200] = "";
	const pps_op_info *op = ctx->cmd ? pps_operation_info(ctx->cmd->ops[0]) : NULL;
	const char *module = op ? op->module : "pss";

	if (e)
		one_line(server, sizeof(server), e->server_message);
	if (what)
		snprintf(prefix, sizeof(prefix), "%s: ", what);
	switch (code) {
	case PPS_EAUTH:
		cli_errorf(ctx,
			   "%sauthentication failed (401): check the username and password; the "
			   "account needs an administrator role of type API%s%s",
			   prefix, server[0] ? ": " : "", server);
		break;
	case PPS_EPERM:
		cli_errorf(ctx,
			   "%spermission denied (403): the account's API role lacks the managed "
			   "module "
			   "'%s'; add it under Managed Modules of the role%s%s",
			   prefix, module, server[0] ? ": " : "", server);
		break;
	case PPS_ETLS:
		/* libpps says what is wrong with the certificate; how to tell pps is pps's. */
		if (e && strstr(e->message, "certificate of '")) {
			cli_errorf(ctx, "%s%s%s", prefix, e->message,
				   strstr(e->message, "another host name")
					   ? ": use the name it holds, or --insecure"
				   : strstr(e->message, "expired")
					   ? ": renew it on the server, or use --insecure"
				   : strstr(e->message, "not yet valid")
					   ? ", or use --insecure"
					   : ": use --cacert FILE or --insecure");
			break;
		}
		/* fall through */
	default:
		if (!e) {
			cli_errorf(ctx, "%s%s", prefix, pps_code_name(code));
		} else if (server[0] && (code == PPS_ENOTFOUND || code == PPS_EREJECTED)) {
			/* The reference shows these as the server wrote them: "User already
			 * exists". */
			cli_errorf(ctx, "%s%s", prefix, server);
		} else if (server[0] && !strstr(e->message, server)) {
			cli_errorf(ctx, "%s%s: %s", prefix, e->message, server);
		} else {
			cli_errorf(ctx, "%s%s", prefix, e->message);
		}
		break;
	}
	return cli_exit_status(code);
}

int cli_print_body(cli_ctx *ctx, const pps_response *resp)
{
	if (ctx->render.tty) {
		ppsbuf safe = PPSBUF_INIT;
		int bad = cli_sanitize_text(&safe, resp->body, resp->body_len) < 0 ||
			  (safe.len && fwrite(safe.buf, 1, safe.len, ctx->out) != safe.len);

		ppsbuf_release(&safe);
		if (bad || fflush(ctx->out) != 0) {
			cli_errorf(ctx, "cannot write to standard output");
			return CLI_EXIT_FAILURE;
		}
		return CLI_EXIT_OK;
	}
	if (resp->body_len && fwrite(resp->body, 1, resp->body_len, ctx->out) != resp->body_len) {
		cli_errorf(ctx, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	if (fflush(ctx->out) != 0) {
		cli_errorf(ctx, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

/* jansson's iterators take a mutable object though they only read it. */
static json_t *mutable_json(const json_t *v)
{
	union {
		const json_t *c;
		json_t *m;
	} u;

	u.c = v;
	return u.m;
}

/*
 * What --fields needs to warn of a key no record has (most likely a typo): which fields some
 * record had, and the first record for a suggestion. fields_init returns 0, or -1 (memory).
 */
struct fields_check {
	unsigned char *seen;
	json_t *first;
};

static int fields_init(struct fields_check *fc, const cli_ctx *ctx)
{
	size_t n = 0;

	memset(fc, 0, sizeof(*fc));
	if (!ctx->render.fields || ctx->render.format == CLI_FMT_JSON ||
	    ctx->render.format == CLI_FMT_RAW)
		return 0;
	while (ctx->render.fields[n])
		n++;
	fc->seen = calloc(n + 1, 1);
	return fc->seen ? 0 : -1;
}

static void fields_note(struct fields_check *fc, const cli_ctx *ctx, const json_t *rec)
{
	if (!fc->seen || !json_is_object(rec))
		return;
	if (!fc->first)
		fc->first = json_incref(mutable_json(rec));
	for (size_t k = 0; ctx->render.fields[k]; k++)
		if (!fc->seen[k] && json_object_get(rec, ctx->render.fields[k]))
			fc->seen[k] = 1;
}

static void fields_release(struct fields_check *fc)
{
	free(fc->seen);
	json_decref(fc->first);
	memset(fc, 0, sizeof(*fc));
}

/* Warns of each field no record had, with the first record's closest key; releases fc. */
static void fields_finish(struct fields_check *fc, cli_ctx *ctx)
{
	for (size_t k = 0; fc->seen && fc->first && ctx->render.fields[k]; k++) {
		const char *name = ctx->render.fields[k], *key;
		cli_suggestion sug = CLI_SUGGESTION_INIT;

		if (fc->seen[k])
			continue;
		for (void *it = json_object_iter(fc->first); it;
		     it = json_object_iter_next(fc->first, it))
			cli_suggest_consider(&sug, name, json_object_iter_key(it));
		key = cli_suggest_result(&sug, name);
		cli_errorf(ctx, "warning: no record has a field '%s'%s%s%s", name,
			   key ? "; did you mean '" : "", key ? key : "", key ? "'?" : "");
	}
	fields_release(fc);
}

/* Appends a copy of rec tagged with the cluster's name to ctx->collect. 0 or -1 (memory). */
int cli_collect_record(cli_ctx *ctx, const json_t *rec)
{
	json_t *copy = json_copy(mutable_json(rec));

	if (!copy || json_object_set_new(copy, "cluster", json_string(ctx->cluster)) ||
	    json_array_append_new(ctx->collect, copy))
		return -1;
	return 0;
}

int cli_print_records(cli_ctx *ctx, const json_t *records)
{
	struct fields_check fc;
	const json_t *rec;
	json_t *empty = NULL;
	size_t i;
	int rc;

	if (ctx->collect) {
		json_array_foreach(records, i, rec)
		{
			if (cli_collect_record(ctx, rec)) {
				cli_errorf(ctx, "out of memory");
				return CLI_EXIT_FAILURE;
			}
		}
		return CLI_EXIT_OK;
	}
	if (fields_init(&fc, ctx)) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	json_array_foreach(records, i, rec) fields_note(&fc, ctx, rec);
	fields_finish(&fc, ctx);
	if (!records)
		records = empty = json_array();
	rc = cli_render_records(ctx->out, &ctx->render, &ctx->cmd->out, records);
	json_decref(empty);
	if (rc != 0 || fflush(ctx->out) != 0) {
		cli_errorf(ctx, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

int cli_check_message_type(cli_ctx *ctx, const pps_response *resp, const char *outcome)
{
	static const char *const ok[] = { "message/", "text/plain", "application/octet-stream",
					  "application/mime", NULL };
	const char *ct = resp->content_type;
	size_t n;

	if (!ct || !*ct)
		return CLI_EXIT_OK;
	for (size_t i = 0; ok[i]; i++)
		if (strncasecmp(ct, ok[i], strlen(ok[i])) == 0)
			return CLI_EXIT_OK;
	/* A captive portal's page or a proxy's error is not the message: say so, keep nothing. */
	n = strcspn(ct, "; ");
	cli_errorf(ctx, "the server sent %.*s, not a message: is the URL the PPS server's? %s",
		   (int)n, ct, outcome);
	return CLI_EXIT_PROTO;
}

int cli_print_object(cli_ctx *ctx, const json_t *obj)
{
	if (cli_render_object(ctx->out, &ctx->render, obj) != 0 || fflush(ctx->out) != 0) {
		cli_errorf(ctx, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

int cli_print_message(cli_ctx *ctx, const char *message)
{
	if (cli_render_message(ctx->out, &ctx->render, message) != 0 || fflush(ctx->out) != 0) {
		cli_errorf(ctx, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

struct stream {
	cli_ctx *ctx;
	cli_render_stream *r;
	int write_failed;
	int nomem;
	struct fields_check fc;
	ppsbuf tty_body; /* -o raw on a terminal: the body, shown escaped once it is whole */
};

static int on_record(void *p, json_t *rec)
{
	struct stream *st = p;

	if (st->ctx->collect) {
		st->nomem = cli_collect_record(st->ctx, rec) != 0;
		return st->nomem ? -1 : 0;
	}
	fields_note(&st->fc, st->ctx, rec);
	if (cli_render_record(st->r, rec) < 0) {
		st->write_failed = 1;
		return -1;
	}
	return 0;
}

static int on_text(void *p, const char *json, size_t len)
{
	struct stream *st = p;

	if (cli_render_text(st->r, json, len) < 0) {
		st->write_failed = 1;
		return -1;
	}
	return 0;
}

static int on_body(void *p, const char *data, size_t len)
{
	struct stream *st = p;

	/* On a terminal the body is shown, never obeyed: escaped whole (no sequence cut in two). */
	if (st->ctx->render.tty) {
		st->nomem = ppsbuf_add(&st->tty_body, data, len) < 0;
		return st->nomem ? -1 : 0;
	}
	if (fwrite(data, 1, len, st->ctx->out) != len) {
		st->write_failed = 1;
		return -1;
	}
	return 0;
}

/* What arrived so far is printed: a reader sees each record without waiting for the rest. */
static int on_parsed(void *p)
{
	struct stream *st = p;
	int rc = st->r ? cli_render_flush(st->r) : fflush(st->ctx->out);

	if (rc != 0) {
		st->write_failed = 1;
		return -1;
	}
	return 0;
}

int cli_print_stream(cli_ctx *ctx, cli_stream_fn run, const void *req)
{
	struct stream st = { ctx, NULL, 0, 0, { NULL, NULL }, PPSBUF_INIT };
	pps_visitor v = { .version = PPS_VISITOR_VERSION, .ctx = &st };
	int rc;

	if (ctx->dry_run) {
		/* Nothing comes back: the request is all there is to print. */
		rc = run(ctx, req, &v);
		return rc ? cli_report(ctx, rc, NULL) : CLI_EXIT_OK;
	}
	if (ctx->collect) {
		/* Several clusters: the records are kept for the merge, not printed here. */
		v.record = on_record;
		rc = run(ctx, req, &v);
		if (rc && st.nomem) {
			cli_errorf(ctx, "out of memory");
			return CLI_EXIT_FAILURE;
		}
		return rc ? cli_report(ctx, rc, NULL) : CLI_EXIT_OK;
	}
	if (fields_init(&st.fc, ctx)) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	v.parsed = on_parsed;
	if (ctx->render.format == CLI_FMT_RAW) {
		v.body = on_body;
		if (ctx->render.tty)
			v.parsed = NULL;
	} else {
		/* NDJSON passes each record's text on: no value is built for it (but --fields
		 * picks). */
		if (ctx->render.format == CLI_FMT_NDJSON && !ctx->render.fields)
			v.record_text = on_text;
		else
			v.record = on_record;
		if (cli_render_begin(&st.r, ctx->out, &ctx->render, &ctx->cmd->out) < 0) {
			if (st.r)
				cli_render_abort(st.r);
			fields_release(&st.fc);
			cli_errorf(ctx, "cannot write to standard output");
			return CLI_EXIT_FAILURE;
		}
	}
	rc = run(ctx, req, &v);
	if (rc)
		fields_release(&st.fc);
	else
		fields_finish(&st.fc, ctx);
	if (rc == 0 && ctx->render.tty && ctx->render.format == CLI_FMT_RAW) {
		pps_response body = { 0 };

		body.body = st.tty_body.buf;
		body.body_len = st.tty_body.len;
		rc = cli_print_body(ctx, &body);
		ppsbuf_release(&st.tty_body);
		return rc;
	}
	ppsbuf_release(&st.tty_body);
	if (rc && st.nomem) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	if (rc) {
		/* What was printed stays; the output is not completed as if it were whole. */
		if (st.r)
			cli_render_abort(st.r);
		else
			fflush(ctx->out);
		if (st.write_failed) {
			cli_errorf(ctx, "cannot write to standard output");
			return CLI_EXIT_FAILURE;
		}
		return cli_report(ctx, rc, NULL);
	}
	if ((st.r && cli_render_end(st.r) < 0) || (!st.r && fflush(ctx->out) != 0)) {
		cli_errorf(ctx, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}
