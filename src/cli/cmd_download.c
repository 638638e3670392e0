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
	size_t n = out ? strlen(out) : 0;
	/* out=DIR/ names a folder, made when it is missing (download.c). */
	int named_by_guid = !out || (n && out[n - 1] == '/') ||
			    (stat(out, &st) == 0 && S_ISDIR(st.st_mode));
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
static int print_saved(cli_ctx *ctx, const char *guid, const char *path, size_t size,
		       const char *hex)
{
	json_t *obj;
	int rc;

	obj = json_pack("{ss ss sI ss}", "guid", guid, "path", path, "size", (json_int_t)size,
			"sha256", hex);
	if (!obj) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	rc = cli_print_object(ctx, obj);
	json_decref(obj);
	return rc;
}

/* The message as it streams in: into the temporary file, hashed, bounded by --max-download. */
struct saving {
	cli_download *d;
	sha256_ctx sha;
	long long max;
	int too_big;
	int failed;
	char err[512];
};

static int on_bytes(void *p, const char *data, size_t len)
{
	struct saving *sv = p;

	if (len > (size_t)sv->max || cli_download_size(sv->d) > (size_t)sv->max - len) {
		sv->too_big = 1;
		return -1;
	}
	if (cli_download_write(sv->d, data, len, sv->err, sizeof(sv->err)) < 0) {
		sv->failed = 1;
		return -1;
	}
	sha256_update(&sv->sha, data, len);
	return 0;
}

/* Why a transfer that returned rc saved nothing: one line, the exit status. */
static int refuse(cli_ctx *ctx, const struct saving *sv, const pps_response *resp, int rc,
		  const char *guid)
{
	if (rc == PPS_ECANCELED && sv->too_big) {
		cli_errorf(ctx,
			   "message '%s' is larger than --max-download (%lld bytes): nothing was "
			   "saved",
			   guid, sv->max);
		return CLI_EXIT_PROTO;
	}
	if (rc == PPS_ECANCELED && sv->failed) {
		cli_errorf(ctx, "%s", sv->err);
		return CLI_EXIT_FAILURE;
	}
	if (rc == PPS_ENOTFOUND) {
		cli_errorf(ctx, "No message found.");
		return cli_exit_status(rc);
	}
	if (rc)
		return cli_report(ctx, rc, NULL);
	rc = cli_check_message_type(ctx, resp, "nothing was saved");
	if (rc)
		return rc;
	if (cli_download_size(sv->d) == 0) {
		cli_errorf(ctx,
			   "the server answered with an empty message for '%s': nothing was saved",
			   guid);
		return CLI_EXIT_PROTO;
	}
	return CLI_EXIT_OK;
}

int cmd_quarantine_download(cli_ctx *ctx, const cli_args *a)
{
	int json = ctx->render.format == CLI_FMT_JSON || ctx->render.format == CLI_FMT_NDJSON;
	cli_download_req d = { 0 };
	struct saving sv = { .max = ctx->max_download };
	pps_visitor v = { .version = PPS_VISITOR_VERSION, .body = on_bytes, .ctx = &sv };
	pps_response *resp = NULL;
	char path[4096], err[512], hex[65];
	const char *guid, *out;
	size_t size;
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
	if (ctx->dry_run) {
		rc = pps_quarantine_download_stream(&resp, ctx->client, guid, NULL);
		pps_response_free(resp);
		return rc ? cli_report(ctx, rc, NULL) : CLI_EXIT_OK;
	}
	/* The temporary file exists before the request: a place that cannot take it costs none. */
	if (cli_download_open(&sv.d, out, guid, force, err, sizeof(err)) < 0) {
		cli_errorf(ctx, "%s", err);
		return CLI_EXIT_FAILURE;
	}
	sha256_init(&sv.sha);
	rc = pps_quarantine_download_stream(&resp, ctx->client, guid, &v);
	rc = refuse(ctx, &sv, resp, rc, guid);
	pps_response_free(resp);
	if (rc) {
		cli_download_abort(sv.d);
		return rc;
	}
	size = cli_download_size(sv.d);
	sha256_final_hex(&sv.sha, hex);
	if (cli_download_commit(sv.d, path, sizeof(path), err, sizeof(err))) {
		cli_errorf(ctx, "%s", err);
		rc = CLI_EXIT_FAILURE;
	} else if (json) {
		rc = print_saved(ctx, guid, path, size, hex);
	} else if (!ctx->quiet && strcmp(path, "-") != 0) {
		fprintf(ctx->err, "saved '%s' (%zu bytes)\n", path, size);
	}
	return rc;
}
