/*
 * What every handler shares: one-line errors (401/403 explained) and printing through render.c,
 * also of records as they stream in. Never sends, and knows no wire fact.
 */
#include "cli/cli.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exit.h"
#include "util/buf.h"

#include "util/banned.h"

void cli_errorf(cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fputs("pps: ", ctx->err);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
	fflush(ctx->err);
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

int cli_print_records(cli_ctx *ctx, const json_t *records)
{
	json_t *empty = NULL;
	int rc;

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
};

static int on_record(void *p, json_t *rec)
{
	struct stream *st = p;

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
	struct stream st = { ctx, NULL, 0 };
	pps_visitor v = { .ctx = &st };
	int rc;

	if (ctx->dry_run) {
		/* Nothing comes back: the request is all there is to print. */
		rc = run(ctx, req, &v);
		return rc ? cli_report(ctx, rc, NULL) : CLI_EXIT_OK;
	}
	v.parsed = on_parsed;
	if (ctx->render.format == CLI_FMT_RAW) {
		v.body = on_body;
	} else {
		/* NDJSON passes each record's text on: no value is built for it. */
		if (ctx->render.format == CLI_FMT_NDJSON)
			v.record_text = on_text;
		else
			v.record = on_record;
		if (cli_render_begin(&st.r, ctx->out, &ctx->render, &ctx->cmd->out) < 0) {
			if (st.r)
				cli_render_abort(st.r);
			cli_errorf(ctx, "cannot write to standard output");
			return CLI_EXIT_FAILURE;
		}
	}
	rc = run(ctx, req, &v);
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
