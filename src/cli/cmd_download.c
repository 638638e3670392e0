/*
 * The quarantine-message-download command: GET /quarantine?guid=G through libpps, saved
 * byte-exact by download.c. Unsafe names and existing files are refused before anything is sent.
 */
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/download.h"
#include "cli/exit.h"
#include "util/buf.h"
#include "util/sha256.h"

#include "util/banned.h"

/* Refuses, before the request, what cli_download_save would refuse after it. */
static int precheck(cli_ctx *ctx, const char *out, const char *guid, int force)
{
	struct stat st;
	ppsbuf path = PPSBUF_INIT;
	char err[512];
	int named_by_guid = !out || (stat(out, &st) == 0 && S_ISDIR(st.st_mode));
	int rc = CLI_EXIT_OK;

	if (named_by_guid && cli_download_check_guid(guid, err, sizeof(err))) {
		cli_errorf(ctx, "%s", err);
		return CLI_EXIT_USAGE;
	}
	if (named_by_guid)
		ppsbuf_addf(&path, "%s%s%s.eml", out ? out : "", out ? "/" : "", guid);
	else
		ppsbuf_adds(&path, out);
	if (!force && stat(path.buf, &st) == 0) {
		cli_errorf(ctx, "'%s' exists: use force=true to overwrite", path.buf);
		rc = CLI_EXIT_USAGE;
	}
	ppsbuf_release(&path);
	return rc;
}

/* -o json/ndjson: what was saved, as one object (scripts need not parse the stderr line). */
static int print_saved(cli_ctx *ctx, const char *guid, const char *path, const pps_response *resp)
{
	char hex[65];
	json_t *obj;
	int rc;

	sha256_hex(resp->body, resp->body_len, hex);
	obj = json_pack("{ss ss sI ss}", "guid", guid, "path", path, "size",
			(json_int_t)resp->body_len, "sha256", hex);
	if (!obj) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	rc = cli_print_object(ctx, obj);
	json_decref(obj);
	return rc;
}

int cmd_quarantine_download(cli_ctx *ctx, const cli_args *a)
{
	int json = ctx->render.format == CLI_FMT_JSON || ctx->render.format == CLI_FMT_NDJSON;
	cli_download_req d = { 0 };
	pps_response *resp = NULL;
	char path[4096], err[512];
	const char *guid, *out;
	int rc, force;

	cli_args_bind(a, &d);
	guid = d.guid;
	out = d.out;
	force = d.force == PPS_FLAG_TRUE;
	if (json && out && strcmp(out, "-") == 0) {
		cli_errorf(ctx,
			   "out=- writes the raw message to standard output, not JSON: drop -o "
			   "%s, or use quarantine-messages-list guid=%s -o json",
			   ctx->render.format == CLI_FMT_JSON ? "json" : "ndjson", guid);
		return CLI_EXIT_USAGE;
	}
	if (!out || strcmp(out, "-") != 0) {
		rc = precheck(ctx, out, guid, force);
		if (rc)
			return rc;
	}
	rc = pps_quarantine_download(&resp, ctx->client, guid);
	if (rc == PPS_ENOTFOUND) {
		cli_errorf(ctx, "No message found.");
		return cli_exit_status(rc);
	}
	if (rc)
		return cli_report(ctx, rc, NULL);
	if (ctx->dry_run) {
		pps_response_free(resp);
		return CLI_EXIT_OK;
	}
	rc = cli_check_message_type(ctx, resp, "nothing was saved");
	if (rc) {
		pps_response_free(resp);
		return rc;
	}
	if (cli_download_save(out, guid, resp->body, resp->body_len, force, path, sizeof(path), err,
			      sizeof(err))) {
		cli_errorf(ctx, "%s", err);
		rc = CLI_EXIT_FAILURE;
	} else if (json) {
		rc = print_saved(ctx, guid, path, resp);
	} else if (!ctx->quiet && strcmp(path, "-") != 0) {
		fprintf(ctx->err, "saved '%s' (%zu bytes)\n", path, resp->body_len);
	}
	pps_response_free(resp);
	return rc;
}
