/* The end-user commands: get, create, modify and delete /enduser/{email or uid} through libpps. */
#include <jansson.h>
#include <string.h>

#include "cli/audit.h"
#include "cli/cli.h"
#include "cli/exit.h"

#include "util/banned.h"

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

	if (ctx->dry_run)
		rc = CLI_EXIT_OK;
	else if (ctx->render.format == CLI_FMT_RAW)
		rc = cli_print_body(ctx, resp);
	else if (!resp || json_array_size(resp->records) == 0)
		rc = cli_print_message(ctx, fallback);
	else
		rc = cli_print_records(ctx, resp->records);
	pps_response_free(resp);
	return rc;
}

typedef int (*user_op)(pps_response **out, pps_client *client, const pps_enduser_req *req);

/* Runs op with the bound arguments: a 404 is the server's text when notfound_text is set. */
static int run_op(cli_ctx *ctx, const cli_args *a, user_op op, int notfound_text,
		  const char *fallback, int *audit_lost)
{
	pps_enduser_req req;
	pps_response *resp = NULL;
	cli_audit_req audit = CLI_AUDIT_REQ_INIT;
	cli_audit_id id;
	int rc;

	pps_enduser_req_init(&req, PPS_ENDUSER_REQ_VERSION);
	cli_args_bind(a, &req);
	/* A change is recorded before it is sent (audit.h); get-user changes nothing. */
	audit.operation = ctx->cmd->name;
	audit.enduser = req.email ? req.email : req.uid;
	if (op != pps_enduser_get && cli_audit_intent(ctx, &audit, &id))
		return CLI_EXIT_FAILURE;
	rc = op(&resp, ctx->client, &req);
	if (op != pps_enduser_get &&
	    cli_audit_outcome_rc(ctx, &id, rc, rc == PPS_OK && resp ? resp->status : 0))
		*audit_lost = 1;
	if (rc == PPS_ENOTFOUND && notfound_text)
		return not_found(ctx);
	if (rc)
		return cli_report(ctx, rc, NULL);
	if (!fallback) {
		pps_response_free(resp);
		return ctx->dry_run ? CLI_EXIT_OK : cli_print_message(ctx, "Deleted User");
	}
	return print_profile(ctx, resp, fallback);
}

/* An outcome the audit file could not take: the file shows it unknown, and so does the status. */
static int run(cli_ctx *ctx, const cli_args *a, user_op op, int notfound_text, const char *fallback)
{
	int lost = 0, status = run_op(ctx, a, op, notfound_text, fallback, &lost);

	return lost ? CLI_EXIT_UNKNOWN : status;
}

int cmd_get_user(cli_ctx *ctx, const cli_args *a)
{
	return run(ctx, a, pps_enduser_get, 1, "No results found.");
}

int cmd_create_user(cli_ctx *ctx, const cli_args *a)
{
	return run(ctx, a, pps_enduser_create, 0, "User created");
}

int cmd_modify_user(cli_ctx *ctx, const cli_args *a)
{
	return run(ctx, a, pps_enduser_modify, 1, "Modified User");
}

int cmd_delete_user(cli_ctx *ctx, const cli_args *a)
{
	return run(ctx, a, pps_enduser_delete, 1, NULL);
}
