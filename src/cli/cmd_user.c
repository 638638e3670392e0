/* The end-user commands: get, create, modify and delete /enduser/{email or uid} through libpps. */
#include <jansson.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "util/buf.h"

#include "util/banned.h"

/* The email wins over the uid (spec §6); args.c made sure one is there. */
static const char *user_id(const cli_args *a)
{
	const char *email = cli_args_get(a, "email");

	if (email)
		return email;
	return cli_command_arg_index(a->cmd, "uid") >= 0 ? cli_args_get(a, "uid") : NULL;
}

static int dry_run(cli_ctx *ctx, const cli_args *a, int with_body)
{
	ppsbuf path = PPSBUF_INIT;
	json_t *body = with_body ? cli_wire_params(ctx, a) : NULL;
	int rc;

	if (ppsbuf_addf(&path, "/enduser/%s", user_id(a)) || (with_body && !body)) {
		cli_errorf(ctx, "out of memory");
		rc = CLI_EXIT_FAILURE;
		goto done;
	}
	rc = cli_dry_run_print(ctx, ctx->cmd->method, path.buf, body);
done:
	json_decref(body);
	ppsbuf_release(&path);
	return rc;
}

/* 404 prints the server's text, "User not found" when it gave none. */
static int not_found(cli_ctx *ctx)
{
	const pps_error *e = pps_client_last_error(ctx->client);

	cli_errorf(ctx, "%s",
		   e->server_message && *e->server_message ? e->server_message : "User not found");
	return CLI_EXIT_NOTFOUND;
}

static int print_profile(cli_ctx *ctx, pps_response *resp, const char *fallback)
{
	int rc;

	if (ctx->render.format == CLI_FMT_RAW)
		rc = cli_print_body(ctx, resp);
	else if (json_array_size(resp->records) == 0)
		rc = cli_print_message(ctx, fallback);
	else
		rc = cli_print_records(ctx, resp->records);
	pps_response_free(resp);
	return rc;
}

int cmd_get_user(cli_ctx *ctx, const cli_args *a)
{
	pps_response *resp = NULL;
	int rc;

	if (ctx->dry_run)
		return dry_run(ctx, a, 0);
	rc = pps_enduser_get(ctx->client, user_id(a), &resp);
	if (rc == PPS_ENOTFOUND)
		return not_found(ctx);
	if (rc)
		return cli_report(ctx, rc, NULL);
	return print_profile(ctx, resp, "No results found.");
}

int cmd_create_user(cli_ctx *ctx, const cli_args *a)
{
	pps_response *resp = NULL;
	int rc;

	if (ctx->dry_run)
		return dry_run(ctx, a, 1);
	rc = pps_enduser_create(ctx->client, cli_args_get(a, "email"), cli_args_get(a, "fields"),
				cli_args_get(a, "attributes"), &resp);
	if (rc)
		return cli_report(ctx, rc, NULL);
	return print_profile(ctx, resp, "User created");
}

int cmd_modify_user(cli_ctx *ctx, const cli_args *a)
{
	pps_response *resp = NULL;
	int rc;

	if (ctx->dry_run)
		return dry_run(ctx, a, 1);
	rc = pps_enduser_modify(ctx->client, user_id(a), cli_args_get(a, "fields"),
				cli_args_get(a, "attributes"), &resp);
	if (rc == PPS_ENOTFOUND)
		return not_found(ctx);
	if (rc)
		return cli_report(ctx, rc, NULL);
	return print_profile(ctx, resp, "Modified User");
}

int cmd_delete_user(cli_ctx *ctx, const cli_args *a)
{
	pps_response *resp = NULL;
	int rc;

	if (ctx->dry_run)
		return dry_run(ctx, a, 0);
	rc = pps_enduser_delete(ctx->client, user_id(a), &resp);
	if (rc == PPS_ENOTFOUND)
		return not_found(ctx);
	if (rc)
		return cli_report(ctx, rc, NULL);
	pps_response_free(resp);
	return cli_print_message(ctx, "Deleted User");
}
