/* The smart-search command: GET /pss/filter through libpps, printed with the table's output. */
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/walk.h"

#include "util/banned.h"

/* The parsed instant of a time argument, or an unset one. */
static pps_instant instant(const cli_args *a, const char *name)
{
	int i = cli_args_index(a, name);
	pps_instant none = { 0, 0, 0 };

	return a->value[i] ? a->time[i] : none;
}

int cmd_smart_search(cli_ctx *ctx, const cli_args *a)
{
	pps_smartsearch_req req;
	cli_search search;
	int rc;

	memset(&req, 0, sizeof(req));
	req.action = cli_args_get(a, "action");
	req.from = instant(a, "start_time");
	req.to = instant(a, "end_time");
	req.virus = cli_args_get(a, "virus");
	req.env_from = cli_args_get(a, "sender");
	req.env_rcpt = cli_args_get(a, "recipient");
	req.attach = cli_args_get(a, "attachment");
	req.qid = cli_args_get(a, "queue_id");
	req.host = cli_args_get(a, "host");
	req.sid = cli_args_get(a, "sid");
	req.subject = cli_args_get(a, "subject");
	req.guid = cli_args_get(a, "guid");
	req.hdr_mid = cli_args_get(a, "message_id");
	req.count = a->number[cli_args_index(a, "limit")];
	if (ctx->dry_run) {
		json_t *params = cli_wire_params(ctx, a);

		rc = cli_dry_run_print(ctx, ctx->cmd->method, ctx->cmd->path, params);
		json_decref(params);
		return rc;
	}
	memset(&search, 0, sizeof(search));
	search.ss = req;
	/* --follow starts now unless told otherwise. */
	if (ctx->jobs.follow && !a->given[cli_args_index(a, "start_time")])
		search.ss.from.epoch = (int64_t)time(NULL);
	return cli_search_run(ctx, &search, NULL, 0);
}
