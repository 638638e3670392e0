/* The smart-search command: GET /pss/filter through libpps, each record printed as it arrives. */
#include <string.h>

#include "cli/cli.h"
#include "cli/exit.h"

#include "util/banned.h"

static int run(cli_ctx *ctx, const void *req, const pps_visitor *v)
{
	return pps_smartsearch_each(ctx->client, req, v);
}

int cmd_smart_search(cli_ctx *ctx, const cli_args *a)
{
	pps_smartsearch_req req;

	memset(&req, 0, sizeof(req));
	cli_args_bind(a, &req);
	return cli_print_stream(ctx, run, &req);
}
