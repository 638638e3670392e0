/*
 * What every handler shares: one-line errors (401/403 explained), --dry-run printing, the wire
 * parameters of a command from the table, and printing through render.c. Never sends.
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

void cli_errorf(cli_ctx *ctx, const char *fmt, ...)
{
	ppsbuf text = PPSBUF_INIT, safe = PPSBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	ppsbuf_vaddf(&text, fmt, ap);
	va_end(ap);
	/* A server's text or a user's word may hold ESC or U+202E: shown, never obeyed. */
	if (cli_sanitize(&safe, text.buf, text.len, NULL, NULL) < 0)
		fprintf(ctx->err, "pps: out of memory\n");
	else
		fprintf(ctx->err, "pps: %s\n", safe.buf);
	fflush(ctx->err);
	ppsbuf_release(&text);
	ppsbuf_release(&safe);
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
	const char *module = ctx->cmd && ctx->cmd->module ? ctx->cmd->module : "pss";

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

/* Adds one argument to the wire object under its wire name; 0 or -1. */
static int add_param(const cli_ctx *ctx, json_t *obj, const cli_args *args, int i)
{
	const cli_arg_spec *s = &args->cmd->args[i];
	char tbuf[64];

	switch (s->kind) {
	case CLI_ARG_TIME:
		if (ctx->cmd->time_wire == CLI_TIME_FILTER
			    ? pps_time_format_filter(&args->time[i], tbuf, sizeof(tbuf))
			    : pps_time_format_quarantine(&args->time[i], tbuf, sizeof(tbuf)))
			return -1;
		return json_object_set_new(obj, s->wire, json_string(tbuf));
	case CLI_ARG_BOOL:
		return json_object_set_new(obj, s->wire, json_string(args->boolean[i] ? "t" : "f"));
	case CLI_ARG_GUIDLIST:
	case CLI_ARG_LIST: {
		char *joined = cli_strlist_join(&args->list[i], 0, args->list[i].n, ",");
		int rc;

		if (!joined)
			return -1;
		rc = json_object_set_new(obj, s->wire, json_string(joined));
		free(joined);
		return rc;
	}
	case CLI_ARG_JSON: {
		json_t *v = json_loads(args->value[i], 0, NULL);

		if (!v)
			return -1;
		if (strcmp(s->wire, CLI_WIRE_MERGE) == 0) {
			int rc = json_object_update(obj, v);

			json_decref(v);
			return rc;
		}
		return json_object_set_new(obj, s->wire, v);
	}
	case CLI_ARG_INT:
	case CLI_ARG_STRING:
		break;
	}
	return json_object_set_new(obj, s->wire, json_string(args->value[i]));
}

json_t *cli_wire_params(const cli_ctx *ctx, const cli_args *args)
{
	json_t *obj = json_object();
	const cli_command *cmd = args->cmd;

	if (!obj)
		return NULL;
	if (cmd->action && json_object_set_new(obj, "action", json_string(cmd->action)))
		goto fail;
	for (int i = 0; cmd->args[i].name; i++) {
		if (!args->value[i] || cmd->args[i].wire == CLI_WIRE_NONE)
			continue;
		if (add_param(ctx, obj, args, i))
			goto fail;
	}
	for (size_t k = 0; cmd->fixed && cmd->fixed[k]; k += 2)
		if (json_object_set_new(obj, cmd->fixed[k], json_string(cmd->fixed[k + 1])))
			goto fail;
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

int cli_dry_run_print(cli_ctx *ctx, const char *method, const char *path, const json_t *params)
{
	char *text = params ? json_dumps(params, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	ppsbuf line = PPSBUF_INIT;
	size_t from;
	int bad;

	/* The path and the values come from the command line: shown, never obeyed. */
	ppsbuf_addf(&line, "%s /rest/v1", method);
	bad = cli_sanitize(&line, path, strlen(path), NULL, NULL) < 0;
	from = line.len;
	if (text)
		bad |= ppsbuf_addch(&line, ' ') < 0 || ppsbuf_adds(&line, text) < 0 ||
		       cli_json_harden(&line, from) < 0;
	free(text);
	bad |= ppsbuf_addch(&line, '\n') < 0 || fputs(line.buf, ctx->out) < 0;
	ppsbuf_release(&line);
	if (bad || fflush(ctx->out) != 0 || ferror(ctx->out)) {
		cli_errorf(ctx, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
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

/* --fields names a key no record has: most likely a typo; say so (and the closest key). */
static void check_fields(cli_ctx *ctx, const json_t *records)
{
	const json_t *first = json_array_get(records, 0);

	if (!ctx->render.fields || !json_is_object(first) || ctx->render.format == CLI_FMT_JSON ||
	    ctx->render.format == CLI_FMT_RAW)
		return;
	for (size_t k = 0; ctx->render.fields[k]; k++) {
		const char *name = ctx->render.fields[k], *key;
		cli_suggestion sug = CLI_SUGGESTION_INIT;
		const json_t *rec;
		size_t i;
		int seen = 0;

		json_array_foreach(records, i, rec)
		{
			if (json_object_get(rec, name)) {
				seen = 1;
				break;
			}
		}
		if (seen)
			continue;
		for (void *it = json_object_iter(mutable_json(first)); it;
		     it = json_object_iter_next(mutable_json(first), it))
			cli_suggest_consider(&sug, name, json_object_iter_key(it));
		key = cli_suggest_result(&sug, name);
		cli_errorf(ctx, "warning: no record has a field '%s'%s%s%s", name,
			   key ? "; did you mean '" : "", key ? key : "", key ? "'?" : "");
	}
}

/* Appends copies of records tagged with the cluster's name to ctx->collect. 0 or exit 1. */
static int collect_records(cli_ctx *ctx, const json_t *records)
{
	size_t i;
	json_t *rec;

	json_array_foreach(records, i, rec)
	{
		json_t *copy = json_copy(rec);

		if (!copy || json_object_set_new(copy, "cluster", json_string(ctx->cluster)) ||
		    json_array_append_new(ctx->collect, copy)) {
			cli_errorf(ctx, "out of memory");
			return CLI_EXIT_FAILURE;
		}
	}
	return CLI_EXIT_OK;
}

int cli_print_records(cli_ctx *ctx, const json_t *records)
{
	json_t *empty = NULL;
	int rc;

	check_fields(ctx, records);
	if (ctx->collect)
		return records ? collect_records(ctx, records) : CLI_EXIT_OK;
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
