/*
 * The batched quarantine action: one request per batch of GUIDs over the one client, progress
 * and counts. A POST batch is never retried. The lists themselves are lists.c's.
 */
#include "cli/bulk.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "util/buf.h"

#include "util/banned.h"

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/*
 * Sends one batch (or prints it with --dry-run); returns 0 when the server took it, else the
 * failure's exit status. *write_failed is set when its answer could not be printed.
 */
static int run_batch(cli_ctx *ctx, pps_quarantine_action_req *req, size_t guid_field,
		     const char *joined, const char *what, int *write_failed)
{
	pps_response *resp = NULL;
	int rc;

	cli_field_set(req, guid_field, joined);
	rc = pps_quarantine_action(&resp, ctx->client, req);
	if (ctx->err_tty && what) {
		/* Clear the progress line so that answers and errors start clean. */
		fputs("\r\033[K", ctx->err);
		fflush(ctx->err);
	}
	if (rc) {
		pps_response_free(resp);
		rc = cli_report(ctx, rc, what);
		return rc ? rc : CLI_EXIT_FAILURE;
	}
	/* With --dry-run or --curl the request was printed and nothing came back. */
	if (!ctx->dry_run && cli_print_message(ctx, resp->message ? resp->message : ""))
		*write_failed = 1;
	pps_response_free(resp);
	return 0;
}

int cli_bulk_action(cli_ctx *ctx, const cli_args *args)
{
	size_t guid_field = 0;
	const cli_strlist *guids = cli_args_list(args, CLI_ARG_GUIDLIST, &guid_field);
	size_t batch = ctx->batch > 0 ? (size_t)ctx->batch : 100;
	size_t nbatches = (guids->n + batch - 1) / batch;
	size_t done = 0, failed = 0, b;
	int status = CLI_EXIT_OK, write_failed = 0;
	int progress = ctx->err_tty && !ctx->quiet && nbatches > 1 && !ctx->dry_run;
	pps_quarantine_action_req req;
	struct sigaction sa, old_int, old_term;

	/*
	 * An interrupt lets the batch in flight finish and stops before the next one, so that the
	 * count says exactly which GUIDs were acted on: a second run must not act on them twice.
	 */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	interrupted = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	/* A signal the caller chose to ignore (a background job) stays ignored. */
	if (old_int.sa_handler == SIG_IGN)
		sigaction(SIGINT, &old_int, NULL);
	if (old_term.sa_handler == SIG_IGN)
		sigaction(SIGTERM, &old_term, NULL);
	memset(&req, 0, sizeof(req));
	cli_args_bind(args, &req);
	req.action = ctx->cmd->action;
	for (b = 0; b < nbatches && !interrupted; b++) {
		size_t first = b * batch;
		size_t count = guids->n - first < batch ? guids->n - first : batch;
		char *joined = cli_strlist_join(guids, first, count, ",");
		char what[160];
		int rc;

		if (!joined) {
			cli_errorf(ctx, "out of memory");
			status = CLI_EXIT_FAILURE;
			goto done;
		}
		snprintf(what, sizeof(what), "batch %zu of %zu (first GUID %s)", b + 1, nbatches,
			 guids->items[first]);
		if (progress) {
			fprintf(ctx->err, "\r%s: batch %zu of %zu", pps_qaction_name(req.action),
				b + 1, nbatches);
			fflush(ctx->err);
		}
		rc = run_batch(ctx, &req, guid_field, joined, nbatches > 1 ? what : NULL,
			       &write_failed);
		free(joined);
		if (rc && ctx->dry_run) {
			status = rc;
			goto done;
		}
		if (rc) {
			failed++;
			status = rc;
		} else {
			done += count;
		}
		/* Credentials or rights that failed once fail for every later batch too. */
		if (rc == CLI_EXIT_AUTH && b + 1 < nbatches) {
			b++;
			cli_errorf(ctx,
				   "stopped: %s %zu of %zu messages; not sent: %zu from GUID %s on",
				   ctx->cmd->verb, done, guids->n, guids->n - b * batch,
				   guids->items[b * batch]);
			status = done ? CLI_EXIT_FAILURE : CLI_EXIT_AUTH;
			goto done;
		}
	}
	if (b < nbatches) {
		cli_errorf(ctx,
			   "interrupted: %s %zu of %zu messages; not sent: %zu from GUID %s on",
			   ctx->cmd->verb, done, guids->n, guids->n - b * batch,
			   guids->items[b * batch]);
		status = CLI_EXIT_INTERRUPTED;
		goto done;
	}
	if (!ctx->dry_run && !ctx->quiet && (nbatches > 1 || args->from_file))
		fprintf(ctx->err, "%s %zu of %zu messages (%zu batch%s, %zu failed)\n",
			ctx->cmd->verb, done, guids->n, nbatches, nbatches == 1 ? "" : "es",
			failed);
	/* Some batches done: 1; all failed: that failure's own status. */
	if ((failed && failed < nbatches) || (!failed && write_failed))
		status = CLI_EXIT_FAILURE;
done:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return status;
}
