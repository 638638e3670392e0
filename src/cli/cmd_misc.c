/*
 * The commands beyond the reference: test (credentials and every managed module, naming what is
 * missing) and health (GET /pss/health).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "util/buf.h"

#include "util/banned.h"

/* A user that no directory holds: 404 proves the enduser module is allowed. */
#define UNLIKELY_USER "pps-connectivity-test@invalid.invalid"

enum { MOD_PSS, MOD_QUARANTINE, MOD_ENDUSER, MOD_COUNT };
/* The operation each module's probe runs; libpps names the module it needs. */
static const pps_op probe_ops[MOD_COUNT] = { PPS_OP_HEALTH, PPS_OP_QUARANTINE_SEARCH,
					     PPS_OP_ENDUSER_GET };

static const char *module_name(int module)
{
	return pps_operation_info(probe_ops[module])->module;
}

/* Runs one module's probe; 1 with *status set when the run must stop (auth or transport). */
static int probe(cli_ctx *ctx, int module, int *missing, int *status)
{
	pps_response *resp = NULL;
	int rc;

	if (module == MOD_PSS) {
		rc = pps_health(&resp, ctx->client);
	} else if (module == MOD_QUARANTINE) {
		pps_quarantine_search_req req;
		int64_t now = (int64_t)time(NULL);

		pps_quarantine_search_req_init(&req, PPS_QUARANTINE_SEARCH_REQ_VERSION);
		req.subject = "Test";
		if (pps_time_parse(&req.start, "24 hours", now) ||
		    pps_time_parse(&req.end, "now", now)) {
			cli_errorf(ctx, "cannot compute the search window");
			*status = CLI_EXIT_FAILURE;
			return 1;
		}
		req.limit = 1;
		rc = pps_quarantine_search(&resp, ctx->client, &req);
	} else {
		pps_enduser_req user = { .version = PPS_ENDUSER_REQ_VERSION,
					 .email = UNLIKELY_USER };

		rc = pps_enduser_get(&resp, ctx->client, &user);
		if (rc == PPS_ENOTFOUND)
			rc = 0;
	}
	pps_response_free(resp);
	if (rc == PPS_EPERM) {
		missing[module] = 1;
		return 0;
	}
	if (rc) {
		char what[64];

		snprintf(what, sizeof(what), "module '%s'", module_name(module));
		*status = cli_report(ctx, rc, rc == PPS_EAUTH ? NULL : what);
		return 1;
	}
	return 0;
}

int cmd_test(cli_ctx *ctx, const cli_args *a)
{
	int missing[MOD_COUNT] = { 0 };
	int status = CLI_EXIT_OK, nmissing = 0;
	ppsbuf names = PPSBUF_INIT;

	(void)a;
	for (int m = 0; m < MOD_COUNT; m++)
		if (probe(ctx, m, missing, &status))
			return status;
	/* With --dry-run or --curl the three probes were printed and nothing came back. */
	if (ctx->dry_run)
		return CLI_EXIT_OK;
	for (int m = 0; m < MOD_COUNT; m++) {
		if (!missing[m])
			continue;
		ppsbuf_addf(&names, "%s'%s'", nmissing ? ", " : "", module_name(m));
		nmissing++;
	}
	if (nmissing) {
		cli_errorf(ctx,
			   "permission denied (403): the account's API role lacks the managed "
			   "module%s %s; add %s under Managed Modules of the role",
			   nmissing > 1 ? "s" : "", names.buf, nmissing > 1 ? "them" : "it");
		ppsbuf_release(&names);
		return CLI_EXIT_AUTH;
	}
	ppsbuf_release(&names);
	return cli_print_message(ctx, "ok");
}

int cmd_health(cli_ctx *ctx, const cli_args *a)
{
	pps_response *resp = NULL;
	json_t *records = NULL;
	const char **columns = NULL;
	int rc;

	(void)a;
	rc = pps_health(&resp, ctx->client);
	if (rc)
		return cli_report(ctx, rc, NULL);
	if (ctx->dry_run) {
		rc = CLI_EXIT_OK;
	} else if (ctx->render.format == CLI_FMT_RAW) {
		rc = cli_print_body(ctx, resp);
	} else if (json_is_object(resp->json) && json_object_size(resp->json) > 0) {
		/* The health object's shape is not public: its own keys are the columns. */
		cli_output_spec spec = { .title = "Proofpoint Protection Server Health",
					 .context = "Proofpoint.Health",
					 .single = 1 };
		cli_render_opts ro = ctx->render;
		size_t n = 0;
		const char *key;
		json_t *v;

		columns = calloc(json_object_size(resp->json) + 1, sizeof(*columns));
		records = json_pack("[O]", resp->json);
		if (!columns || !records) {
			cli_errorf(ctx, "out of memory");
			rc = CLI_EXIT_FAILURE;
			goto done;
		}
		json_object_foreach(resp->json, key, v)
		{
			(void)v;
			columns[n++] = key;
		}
		spec.columns = columns;
		if (cli_render_records(ctx->out, &ro, &spec, records) || fflush(ctx->out)) {
			cli_errorf(ctx, "cannot write to standard output");
			rc = CLI_EXIT_FAILURE;
		}
	} else {
		rc = cli_print_message(ctx, "ok");
	}
done:
	json_decref(records);
	free(columns);
	pps_response_free(resp);
	return rc;
}
