/*
 * The smart-search command: GET /pss/filter through libpps, each record printed as it arrives;
 * --all, --follow and the cap probe are walk.c's.
 */
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/walk.h"

#include "util/banned.h"

int cmd_smart_search(cli_ctx *ctx, const cli_args *a)
{
	cli_search search;

	cli_search_init(&search, 0);
	cli_args_bind(a, &search.ss);
	/* --follow starts now unless told otherwise. */
	if (ctx->jobs.follow && !a->given[cli_args_index(a, "start_time")])
		search.ss.start.epoch = (int64_t)time(NULL);
	search.start_from_now = !a->given[cli_args_index(a, "start_time")] ||
				cli_time_from_now(cli_args_get(a, "start_time"));
	return cli_search_run(ctx, &search, NULL, 0);
}
