/*
 * The quarantine commands: the multi-folder search (one request per folder, concatenated in
 * the order given, each in the server's order), the raw message of guid=, and the actions
 * (batched by bulk.c). Never retries a POST.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/bulk.h"
#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/sanitize.h"
#include "cli/walk.h"
#include "util/buf.h"
#include "util/sha256.h"

#include "util/banned.h"

/*
 * The first limit records of all (in folder order, each folder in the server's order): all
 * itself (a new reference) when nothing is cut, else a new array; NULL on memory.
 */
static json_t *first_records(json_t *all, size_t limit)
{
	json_t *out;

	if (json_array_size(all) <= limit)
		return json_incref(all);
	out = json_array();
	for (size_t i = 0; out && i < limit; i++) {
		if (json_array_append(out, json_array_get(all, i))) {
			json_decref(out);
			out = NULL;
		}
	}
	return out;
}

/* guid= with -o json or ndjson: one object describing the message instead of raw bytes. */
static int describe_message(cli_ctx *ctx, const char *guid, const pps_response *resp)
{
	char hex[65];
	json_t *obj, *raw;
	int rc;

	sha256_hex(resp->body, resp->body_len, hex);
	raw = json_stringn(resp->body, resp->body_len);
	obj = json_pack("{ss sI ss ss* sb}", "guid", guid, "size", (json_int_t)resp->body_len,
			"sha256", hex, "content_type", resp->content_type, "utf8", raw != NULL);
	/* Not UTF-8 (8-bit MIME): the text with U+FFFD for what is not; size and sha256 are the
	 * exact bytes' (-o raw writes them). */
	if (!raw) {
		ppsbuf text = PPSBUF_INIT;

		if (cli_utf8_lossy(&text, resp->body, resp->body_len) == 0)
			raw = json_stringn(text.buf, text.len);
		ppsbuf_release(&text);
	}
	if (!obj || !raw || json_object_set_new(obj, "raw", raw)) {
		json_decref(obj);
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	rc = cli_print_object(ctx, obj);
	json_decref(obj);
	return rc;
}

/* The raw message gathered for printing, bounded by --max-download. */
struct gathered {
	ppsbuf body;
	int too_big;
};

static int gather(void *p, const char *data, size_t len)
{
	struct gathered *g = p;

	if (ppsbuf_add(&g->body, data, len) < 0) {
		g->too_big = 1;
		return -1;
	}
	return 0;
}

static int raw_message(cli_ctx *ctx, const char *guid)
{
	struct gathered g = { PPSBUF_INIT, 0 };
	pps_visitor v = { .version = PPS_VISITOR_VERSION, .body = gather, .ctx = &g };
	pps_response *resp = NULL;
	int rc;

	ppsbuf_init(&g.body, (size_t)ctx->max_download);
	rc = pps_quarantine_download_stream(&resp, ctx->client, guid, &v);
	if (rc == PPS_ECANCELED && g.too_big) {
		cli_errorf(ctx, "message '%s' is larger than --max-download (%lld bytes)", guid,
			   ctx->max_download);
		ppsbuf_release(&g.body);
		return CLI_EXIT_PROTO;
	}
	if (rc == PPS_ENOTFOUND) {
		cli_errorf(ctx, "No message found.");
		ppsbuf_release(&g.body);
		return cli_exit_status(rc);
	}
	if (rc) {
		ppsbuf_release(&g.body);
		return cli_report(ctx, rc, NULL);
	}
	free(resp->body);
	resp->body = ppsbuf_detach(&g.body, &resp->body_len);
	if (!resp->body) {
		pps_response_free(resp);
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	if (ctx->dry_run) {
		rc = CLI_EXIT_OK;
	} else if (resp->body_len == 0) {
		cli_errorf(ctx, "the server answered with an empty message for '%s'", guid);
		rc = CLI_EXIT_PROTO;
	} else {
		rc = cli_check_message_type(ctx, resp, "nothing was printed");
	}
	if (rc == 0 && !ctx->dry_run &&
	    (ctx->render.format == CLI_FMT_JSON || ctx->render.format == CLI_FMT_NDJSON))
		rc = describe_message(ctx, guid, resp);
	else if (rc == 0 && !ctx->dry_run)
		rc = cli_print_body(ctx, resp);
	pps_response_free(resp);
	return rc;
}

/* The first limit records of all, or all without limit=, printed; a cut said on stderr. */
static int print_first(cli_ctx *ctx, const cli_args *a, json_t *all)
{
	int li = cli_args_index(a, "limit");
	size_t limit = a->given[li] ? (size_t)a->number[li] : json_array_size(all);
	json_t *merged = first_records(all, limit);
	int status = CLI_EXIT_OK;

	if (!merged) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	if (json_array_size(all) > limit)
		cli_errorf(ctx,
			   "warning: limit=%zu: printed %zu of %zu records; raise limit= for more",
			   limit, limit, json_array_size(all));
	if (cli_print_records(ctx, merged))
		status = CLI_EXIT_FAILURE;
	json_decref(merged);
	return status;
}

/* Several folders: one request each, concatenated in the order given (as the reference). */
static int list_folders(cli_ctx *ctx, const cli_args *a, cli_qlist_req *q,
			const cli_strlist *folders, size_t folder_field)
{
	pps_quarantine_search_req *req = &q->search;
	json_t *all = json_array();
	int status = CLI_EXIT_OK, printed = 0;
	size_t ok = 0;

	if (!all) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	for (size_t f = 0; f < folders->n; f++) {
		pps_response *resp = NULL;
		int rc;

		cli_field_set(q, folder_field, folders->items[f]);
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
		} else {
			cli_search probe;

			cli_search_init(&probe, 1);
			probe.qs = *req;
			cli_search_probe(ctx, &probe, req->limit > 0 ? req->limit : 100,
					 resp->records, folders->items[f]);
			if (json_is_array(resp->records) && json_array_extend(all, resp->records)) {
				pps_response_free(resp);
				cli_errorf(ctx, "out of memory");
				status = CLI_EXIT_FAILURE;
				goto done;
			}
		}
		pps_response_free(resp);
	}
	/* Without limit= each folder's answer is printed whole; with it, at most limit in all. */
	if (!printed && ok > 0) {
		int rc = print_first(ctx, a, all);

		if (rc)
			status = rc;
	}
done:
	json_decref(all);
	return status;
}

int cmd_quarantine_list(cli_ctx *ctx, const cli_args *a)
{
	size_t folder_field = 0;
	const cli_strlist *folders = cli_args_list(a, CLI_ARG_LIST, &folder_field);
	cli_qlist_req q;

	memset(&q, 0, sizeof(q));
	pps_quarantine_search_req_init(&q.search, PPS_QUARANTINE_SEARCH_REQ_VERSION);
	cli_args_bind(a, &q);
	if (q.guid) {
		if (ctx->render.format == CLI_FMT_CSV || ctx->render.format == CLI_FMT_TSV) {
			cli_errorf(ctx, "guid= prints one raw message, not records: use -o raw, "
					"-o table or -o json");
			return CLI_EXIT_USAGE;
		}
		return raw_message(ctx, q.guid);
	}
	/* A folder named twice is asked once; the user hears it rather than seeing half the work. */
	for (size_t d = 0; d < a->dups.n; d++)
		cli_errorf(ctx,
			   "warning: folder '%s' named more than once in folder_name: queried once",
			   a->dups.items[d]);
	/* --all, --follow, or one folder streamed as it arrives in the server's order: walk.c. */
	if (ctx->jobs.all || ctx->jobs.follow || folders->n == 1) {
		cli_search search;

		cli_search_init(&search, 1);
		search.qs = q.search;
		/* --follow starts now unless told otherwise. */
		if (ctx->jobs.follow && !a->given[cli_args_index(a, "start_time")])
			search.qs.start.epoch = (int64_t)time(NULL);
		search.start_from_now = !a->given[cli_args_index(a, "start_time")] ||
					cli_time_from_now(cli_args_get(a, "start_time"));
		return cli_search_run(ctx, &search, (const char *const *)folders->items,
				      folders->n);
	}
	return list_folders(ctx, a, &q, folders, folder_field);
}

int cmd_quarantine_action(cli_ctx *ctx, const cli_args *a)
{
	return cli_bulk_action(ctx, a);
}
