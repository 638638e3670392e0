/*
 * inspect and quarantine-message-inspect: a message (a file, standard input, or a quarantined
 * message read into memory) inspected by libpps and shown as the terminal view, markdown,
 * JSON or indicators; its attachments written out with --extract.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/inspect_extract.h"
#include "cli/render_inspect.h"
#include "cli/sanitize.h"

#include "util/banned.h"

/* Bytes read from a file per feed. */
#define READ_CHUNK 65536

struct inspect_run {
	cli_ctx *ctx;
	cli_inspect_req req;
	cli_extract *extract;
	json_t *all; /* -o json over several messages: the array printed at the end */
	size_t shown;
	int status;
};

/* -o csv, tsv and raw have no meaning for an inspection: a usage error before any work. */
static int check_format(cli_ctx *ctx)
{
	static const char *const names[] = {
		[CLI_FMT_CSV] = "csv", [CLI_FMT_TSV] = "tsv", [CLI_FMT_RAW] = "raw"
	};
	cli_format f = ctx->render.format;

	if (f != CLI_FMT_CSV && f != CLI_FMT_TSV && f != CLI_FMT_RAW)
		return 0;
	cli_errorf(ctx, "-o %s is not an output of %s: use table, wide, markdown, json or ndjson",
		   names[f], ctx->cmd->name);
	return CLI_EXIT_USAGE;
}

static void print_line(void *p, const char *text, int attr)
{
	struct inspect_run *r = p;
	int color = r->ctx->render.color && attr != CLI_INSPECT_TEXT;

	fprintf(r->ctx->out, "%s%s%s\n",
		color ? (attr == CLI_INSPECT_HEADING ? "\x1b[1m" : "\x1b[31m") : "", text,
		color ? "\x1b[0m" : "");
}

static int write_out(cli_ctx *ctx)
{
	if (fflush(ctx->out) != 0 || ferror(ctx->out)) {
		cli_errorf(ctx, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

static int show_iocs(cli_ctx *ctx, const json_t *inspection)
{
	json_t *iocs = cli_inspect_iocs(inspection);
	cli_render_opts o = ctx->render;
	size_t i;
	json_t *ioc;
	int rc = CLI_EXIT_OK;

	if (!iocs) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	o.format = CLI_FMT_NDJSON;
	json_array_foreach(iocs, i, ioc) if (cli_render_object(ctx->out, &o, ioc) != 0)
		rc = CLI_EXIT_FAILURE;
	json_decref(iocs);
	return rc ? write_out(ctx) | CLI_EXIT_FAILURE : write_out(ctx);
}

/* Prints one inspection in the chosen view (json over several messages: kept for the end). */
static int show(struct inspect_run *r, json_t *inspection)
{
	cli_ctx *ctx = r->ctx;
	ppsbuf md = PPSBUF_INIT;
	int width = ctx->render.width > 0 ? ctx->render.width : 80, rc;

	if (r->req.iocs == PPS_FLAG_TRUE)
		return show_iocs(ctx, inspection);
	switch (ctx->render.format) {
	case CLI_FMT_JSON:
		if (r->all)
			return json_array_append(r->all, inspection) ? CLI_EXIT_FAILURE : 0;
		return cli_print_object(ctx, inspection);
	case CLI_FMT_NDJSON:
		return cli_print_object(ctx, inspection);
	case CLI_FMT_MARKDOWN:
		rc = cli_inspect_markdown(&md, inspection);
		if (!rc)
			fprintf(ctx->out, "%s%s", r->shown++ ? "\n---\n\n" : "", md.buf);
		ppsbuf_release(&md);
		return rc ? CLI_EXIT_FAILURE : write_out(ctx);
	default:
		if (r->shown++)
			fputc('\n', ctx->out);
		if (cli_inspect_lines(inspection, ctx->render.format == CLI_FMT_WIDE ? 0 : width,
				      print_line, r))
			return CLI_EXIT_FAILURE;
		return write_out(ctx);
	}
}

/* Names the source in the inspection ("file" or "guid"), then shows it. */
static int finish_one(struct inspect_run *r, json_t *inspection, const char *key, const char *value)
{
	json_t *src = json_object_get(inspection, "source");
	ppsbuf name = PPSBUF_INIT;
	int rc;

	if (!json_is_object(src)) {
		src = json_object();
		json_object_set_new(inspection, "source", src);
	}
	/* A file name need not be UTF-8; JSON text must be (bad bytes become U+FFFD). */
	if (cli_utf8_lossy(&name, value, strlen(value)) == 0)
		json_object_set_new(src, key, json_stringn(name.buf, name.len));
	ppsbuf_release(&name);
	if (r->extract && cli_extract_done(r->extract, inspection))
		r->status = CLI_EXIT_FAILURE;
	rc = show(r, inspection);
	if (rc)
		r->status = rc;
	return rc;
}

static void options_of(struct inspect_run *r, pps_inspect_options *opts)
{
	pps_inspect_options_init(opts, PPS_INSPECT_OPTIONS_VERSION);
	opts->max_message = (size_t)r->ctx->max_download;
	if (r->extract) {
		opts->attachment = cli_extract_piece;
		opts->ctx = r->extract;
	}
}

/* Feeds fd to a new inspector; the inspection in *out. 0, or errno of a failed read. */
static int read_fd(struct inspect_run *r, int fd, json_t **out, int *code)
{
	pps_inspect_options opts;
	pps_inspector *in = NULL;
	static char chunk[READ_CHUNK];
	ssize_t n;
	int err = 0;

	options_of(r, &opts);
	*out = NULL;
	*code = pps_inspector_new(&in, &opts);
	while (!*code) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			break;
		}
		if (n == 0) {
			*code = pps_inspector_finish(out, in);
			break;
		}
		*code = pps_inspector_feed(in, chunk, (size_t)n);
	}
	pps_inspector_free(in);
	return err;
}

static void inspect_file(struct inspect_run *r, const char *name)
{
	int is_stdin = !strcmp(name, "-");
	int fd = is_stdin ? STDIN_FILENO : open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	json_t *inspection = NULL;
	int err, code = 0;

	if (fd < 0) {
		cli_errorf(r->ctx, "cannot read '%s': %s", name, strerror(errno));
		r->status = CLI_EXIT_FAILURE;
		return;
	}
	err = read_fd(r, fd, &inspection, &code);
	if (!is_stdin)
		close(fd);
	if (err || code) {
		cli_errorf(r->ctx, "cannot inspect '%s': %s", name,
			   err			? strerror(err)
			   : code == PPS_ENOMEM ? "out of memory"
						: pps_code_name(code));
		r->status = CLI_EXIT_FAILURE;
		if (r->extract)
			cli_extract_done(r->extract, NULL);
	} else {
		finish_one(r, inspection, "file", name);
	}
	json_decref(inspection);
}

static int run_init(struct inspect_run *r, cli_ctx *ctx, const cli_args *a, size_t messages)
{
	int rc = check_format(ctx);

	memset(r, 0, sizeof(*r));
	r->ctx = ctx;
	cli_args_bind(a, &r->req);
	if (rc)
		return rc;
	if (r->req.extract &&
	    cli_extract_new(&r->extract, r->req.extract, ctx->quiet ? NULL : ctx->err, ctx->err))
		return CLI_EXIT_FAILURE;
	if (ctx->render.format == CLI_FMT_JSON && messages > 1 && r->req.iocs != PPS_FLAG_TRUE &&
	    !(r->all = json_array())) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	return 0;
}

static int run_end(struct inspect_run *r)
{
	if (r->all) {
		int rc = cli_print_object(r->ctx, r->all);

		if (rc)
			r->status = rc;
	}
	json_decref(r->all);
	cli_extract_free(r->extract);
	return r->status;
}

int cmd_inspect(cli_ctx *ctx, const cli_args *a)
{
	struct inspect_run r;
	int rc = run_init(&r, ctx, a, a->noperands);
	size_t stdin_seen = 0;

	if (rc) {
		cli_extract_free(r.extract);
		return rc;
	}
	for (size_t i = 0; i < a->noperands; i++) {
		if (!strcmp(a->operands[i], "-") && stdin_seen++) {
			cli_errorf(ctx, "cannot read '-' twice: standard input is read once");
			r.status = CLI_EXIT_FAILURE;
			continue;
		}
		inspect_file(&r, a->operands[i]);
	}
	return run_end(&r);
}

int cmd_quarantine_inspect(cli_ctx *ctx, const cli_args *a)
{
	struct inspect_run r;
	pps_inspect_options opts;
	json_t *inspection = NULL;
	int rc = run_init(&r, ctx, a, 1);

	if (rc) {
		cli_extract_free(r.extract);
		return rc;
	}
	options_of(&r, &opts);
	rc = pps_quarantine_inspect(&inspection, ctx->client, r.req.guid, &opts);
	if (ctx->dry_run) {
		r.status = rc ? cli_report(ctx, rc, NULL) : CLI_EXIT_OK;
	} else if (rc == PPS_ENOTFOUND) {
		cli_errorf(ctx, "message '%s' not found", r.req.guid);
		r.status = cli_exit_status(rc);
	} else if (rc) {
		r.status = cli_report(ctx, rc, NULL);
	} else {
		finish_one(&r, inspection, "guid", r.req.guid);
	}
	json_decref(inspection);
	return run_end(&r);
}
