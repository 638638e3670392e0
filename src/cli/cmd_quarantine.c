/*
 * The quarantine commands: the multi-folder search (one request per folder, merged newest
 * first), the raw message of guid=, and the actions (batched by bulk.c). Never retries a POST.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/bulk.h"
#include "cli/cli.h"
#include "cli/exit.h"

#include "util/banned.h"

struct ordered {
	json_t *rec; /* borrowed */
	size_t index;
};

/* Newest first by the record's "YYYY-MM-DD hh:mm:ss" date (it sorts as text); stable. */
static int newest_first(const void *a, const void *b)
{
	const struct ordered *x = a, *y = b;
	const char *dx = json_string_value(json_object_get(x->rec, "date"));
	const char *dy = json_string_value(json_object_get(y->rec, "date"));
	int c = strcmp(dy ? dy : "", dx ? dx : "");

	if (c)
		return c;
	return (x->index > y->index) - (x->index < y->index);
}

/* A new array of all records sorted newest first, at most limit of them; NULL on memory. */
static json_t *merge_sorted(json_t *all, size_t limit)
{
	size_t n = json_array_size(all);
	struct ordered *v = calloc(n ? n : 1, sizeof(*v));
	json_t *out = json_array();

	if (!v || !out) {
		free(v);
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		v[i].rec = json_array_get(all, i);
		v[i].index = i;
	}
	qsort(v, n, sizeof(*v), newest_first);
	for (size_t i = 0; i < n && i < limit; i++) {
		if (json_array_append(out, v[i].rec)) {
			json_decref(out);
			out = NULL;
			break;
		}
	}
	free(v);
	return out;
}

static int raw_message(cli_ctx *ctx, const char *guid)
{
	pps_response *resp = NULL;
	int rc;

	rc = pps_quarantine_download(&resp, ctx->client, guid);
	if (rc == PPS_ENOTFOUND) {
		cli_errorf(ctx, "No message found.");
		return cli_exit_status(rc);
	}
	if (rc)
		return cli_report(ctx, rc, NULL);
	rc = ctx->dry_run ? CLI_EXIT_OK : cli_print_body(ctx, resp);
	pps_response_free(resp);
	return rc;
}

static int run_search(cli_ctx *ctx, const void *req, const pps_visitor *v)
{
	return pps_quarantine_search_each(ctx->client, req, v);
}

int cmd_quarantine_list(cli_ctx *ctx, const cli_args *a)
{
	size_t folder_field = 0;
	const cli_strlist *folders = cli_args_list(a, CLI_ARG_LIST, &folder_field);
	cli_qlist_req q;
	pps_quarantine_search_req *req = &q.search;
	json_t *all = NULL, *merged = NULL;
	int status = CLI_EXIT_OK, printed = 0;
	size_t ok = 0;

	memset(&q, 0, sizeof(q));
	cli_args_bind(a, &q);
	if (q.guid)
		return raw_message(ctx, q.guid);
	/* One folder: its records are printed as they arrive, in the server's order. */
	if (folders->n == 1) {
		cli_field_set(&q, folder_field, folders->items[0]);
		return cli_print_stream(ctx, run_search, req);
	}
	all = json_array();
	if (!all) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	for (size_t f = 0; f < folders->n; f++) {
		pps_response *resp = NULL;
		int rc;

		cli_field_set(&q, folder_field, folders->items[f]);
		rc = pps_quarantine_search(&resp, ctx->client, req);
		if (rc) {
			char what[300];

			/* A failing folder is named; the others still print. */
			snprintf(what, sizeof(what), "folder '%s'", folders->items[f]);
			status = cli_report(ctx, rc, what);
			continue;
		}
		ok++;
		if (ctx->dry_run) {
			printed = 1;
		} else if (ctx->render.format == CLI_FMT_RAW) {
			if (cli_print_body(ctx, resp))
				status = CLI_EXIT_FAILURE;
			fputc('\n', ctx->out);
			printed = 1;
		} else if (json_is_array(resp->records) && json_array_extend(all, resp->records)) {
			pps_response_free(resp);
			cli_errorf(ctx, "out of memory");
			status = CLI_EXIT_FAILURE;
			goto done;
		}
		pps_response_free(resp);
	}
	if (printed || ok == 0)
		goto done;
	merged = merge_sorted(all, (size_t)(req->limit > 0 ? req->limit : 100));
	if (!merged) {
		cli_errorf(ctx, "out of memory");
		status = CLI_EXIT_FAILURE;
		goto done;
	}
	if (cli_print_records(ctx, merged))
		status = CLI_EXIT_FAILURE;
done:
	json_decref(merged);
	json_decref(all);
	return status;
}

int cmd_quarantine_action(cli_ctx *ctx, const cli_args *a)
{
	return cli_bulk_action(ctx, a);
}
