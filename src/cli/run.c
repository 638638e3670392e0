/*
 * One run of a command: its settings (flags, environment, config file), its client, the context
 * its handler gets, the terminal's size. Prints only usage errors and the two warnings of an
 * unsafe connection; the handler prints the rest.
 */
#include "cli/run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "cli/audit.h"
#include "cli/exit.h"
#include "cli/pager.h"
#include "cli/walk.h"

#include "util/banned.h"

static void log_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "pps: %s\n", line);
}

/* --dry-run and --curl: each request libpps builds is printed instead of sent. */
static int print_request(void *ctx, const pps_request *req)
{
	const cli_globals *g = ctx;
	char *line = NULL;

	if (pps_request_format_new(&line, req, g->curl ? PPS_REQUEST_CURL : PPS_REQUEST_TEXT) < 0)
		return -1;
	fputs(line, stdout);
	fputc('\n', stdout);
	free(line);
	return fflush(stdout) != 0 ? -1 : 0;
}

/* The rows of the terminal on stdout (a streamed table prints a screenful at a time), or 0. */
static int terminal_height(void)
{
	struct winsize ws;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 4)
		return ws.ws_row - 4;
	return 20;
}

static int terminal_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	char *end = NULL;
	long n;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (cols) {
		errno = 0;
		n = strtol(cols, &end, 10);
		if (!errno && end != cols && !*end && n >= 1 && n <= 10000)
			return (int)n;
	}
	return 80;
}

int cli_pick_format(const cli_globals *g, const cli_settings *s, cli_format *out)
{
	const char *fmt_name = g->cfg.output ? g->cfg.output : s->output ? s->output : "table";

	if (cli_format_parse(fmt_name, out)) {
		cli_usage_error("invalid output format '%s' in the config file: expected one of %s",
				fmt_name, cli_format_names(", "));
		return -1;
	}
	/* --jq writes jq's results: a document for json, one line per record otherwise. */
	if (g->jq_prog && *out != CLI_FMT_JSON)
		*out = CLI_FMT_NDJSON;
	return 0;
}

int cli_open_client(cli_globals *g, cli_settings *s, int dry, pps_client **out, char *err,
		    size_t errlen)
{
	pps_client_options opts;
	int rc;

	pps_client_options_init(&opts, PPS_CLIENT_OPTIONS_VERSION);
	opts.url = s->url && *s->url ? s->url : NULL;
	opts.username = s->username;
	opts.password = dry ? NULL : s->password;
	opts.cacert = s->cacert;
	opts.insecure = s->insecure;
	opts.proxy = s->proxy;
	opts.no_proxy = s->no_proxy;
	opts.timeout_ms = s->timeout * 1000;
	opts.retries = s->retries == 0 ? PPS_RETRIES_NONE : s->retries;
	if (g->verbose)
		opts.log = log_line;
	if (dry) {
		opts.dry_run = 1;
		opts.on_request = print_request;
		opts.request_ctx = g;
	}
	rc = pps_client_new(out, &opts, err, errlen);
	cli_settings_wipe_password(s);
	return rc ? -1 : 0;
}

void cli_ctx_init(cli_ctx *ctx, const cli_globals *g, const cli_command *cmd, const cli_args *args,
		  const char *const *fields)
{
	int li = cli_command_arg_index(cmd, "limit");

	memset(ctx, 0, sizeof(*ctx));
	ctx->cmd = cmd;
	ctx->out = stdout;
	ctx->err = stderr;
	ctx->in = stdin;
	ctx->dry_run = g->dry_run || g->curl;
	ctx->quiet = g->quiet;
	ctx->verbose = g->verbose;
	ctx->batch = g->batch;
	ctx->report = g->report;
	ctx->retry_unknown = g->retry_unknown;
	ctx->fail_empty = g->fail_empty;
	ctx->isolate = g->isolate;
	ctx->confirm_over = g->confirm_over;
	ctx->yes = g->yes;
	ctx->err_tty = isatty(STDERR_FILENO);
	ctx->jobs = g->jobs;
	ctx->max_download = g->max_download ? g->max_download : CLI_MAX_DOWNLOAD_DEFAULT;
	ctx->jobs.limit_given = li >= 0 && args->given[li];
	ctx->render.tty = isatty(STDOUT_FILENO);
	ctx->render.width = terminal_width();
	ctx->render.height = terminal_height();
	if (g->color && !strcmp(g->color, "always"))
		ctx->render.color = 1;
	else if (g->color && !strcmp(g->color, "never"))
		ctx->render.color = 0;
	else
		ctx->render.color = ctx->render.tty && !getenv("NO_COLOR");
	ctx->err_color = ctx->render.color;
	if (!g->color || !strcmp(g->color, "auto"))
		ctx->err_color = ctx->err_tty && !getenv("NO_COLOR");
	ctx->render.csv_crlf = g->csv_crlf;
	ctx->render.csv_raw = g->csv_raw;
	ctx->render.notes = g->quiet ? NULL : stderr;
	ctx->render.fields = fields;
	ctx->render.no_headers = g->no_headers;
	ctx->render.sort_by = g->sort_by;
	ctx->render.jq = g->jq_prog;
}

/*
 * A pager for a command's records as a table on a terminal (not an action's messages, not a
 * --follow that never ends, not printed requests).
 */
static int wants_pager(const cli_globals *g, const cli_ctx *ctx)
{
	return !g->no_pager && ctx->render.tty && ctx->cmd->out.columns && !ctx->cmd->verb &&
	       !ctx->dry_run && !ctx->jobs.follow &&
	       (ctx->render.format == CLI_FMT_TABLE || ctx->render.format == CLI_FMT_WIDE);
}

int cli_run_command(cli_globals *g, const cli_command *cmd, const cli_args *args,
		    const char *const *fields)
{
	cli_settings s;
	pps_client *client = NULL;
	cli_ctx ctx;
	char err[1024];
	int status, global = 0, have_settings = 0, paged = 0, printing;
	int local = cmd->local;

	memset(&s, 0, sizeof(s));
	cli_ctx_init(&ctx, g, cmd, args, fields);
	/* A client that only prints: --curl, or --dry-run unless the command reads to show it. */
	printing = g->curl || (ctx.dry_run && !cmd->dry_run_reads);
	/* From here the process holds a password: no core dump, no ptrace by peers. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* Printing requests needs no password; --curl needs the URL it is to run against. */
	if (cli_config_load(&s, &g->cfg, (cli_getenv_fn)getenv, stdin, err, sizeof(err)) ||
	    (have_settings = 1, !printing && !local && cli_settings_check(&s, err, sizeof(err)))) {
		cli_usage_error("%s", err);
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (local) {
		/* A command that reads local files only: no server, no credentials. */
		ctx.audit_setting = s.audit;
		status = cli_pick_format(g, &s, &ctx.render.format) ? CLI_EXIT_USAGE
								    : cmd->run(&ctx, args);
		goto done;
	}
	if (g->curl && (!s.url || !*s.url)) {
		cli_usage_error("%s",
				"--curl needs the server URL: give --url, set PPS_URL, or put "
				"url= in the config file");
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (cli_pick_format(g, &s, &ctx.render.format)) {
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (cli_jobs_check(&ctx, args, g->interval_given, g->overlap_given, err, sizeof(err))) {
		cli_usage_error("%s", err);
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (!ctx.jobs.server_cap)
		ctx.jobs.server_cap = s.server_cap;
	if (!printing && !local) {
		if (s.insecure)
			fputs("pps: warning: certificate verification is off (--insecure)\n",
			      stderr);
		if (strncasecmp(s.url, "http://", 7) == 0)
			fputs("pps: warning: the URL is http://: the password crosses the network "
			      "in clear text; use https://\n",
			      stderr);
	}
	if (pps_global_init()) {
		cli_usage_error("%s", "out of memory");
		status = CLI_EXIT_FAILURE;
		goto done;
	}
	global = 1;
	ctx.timeout_ms = s.timeout * 1000;
	if (!local && cli_open_client(g, &s, printing, &client, err, sizeof(err))) {
		cli_usage_error("%s", err);
		status = CLI_EXIT_USAGE;
		goto done;
	}
	ctx.client = client;
	ctx.client_prints = printing;
	if (cli_audit_setup(&ctx, &s, err, sizeof(err))) {
		cli_usage_error("%s", err);
		status = CLI_EXIT_FAILURE;
		goto done;
	}
	if (wants_pager(g, &ctx) && cli_pager_start(getenv("PAGER")) == 0) {
		/* One table into the pager, fitted to the terminal's width, not a screenful. */
		ctx.render.height = 0;
		paged = 1;
	}
	status = cmd->run(&ctx, args);
	if (paged)
		cli_pager_finish();
done:
	cli_audit_finish(&ctx);
	pps_client_free(client);
	if (global)
		pps_global_cleanup();
	if (have_settings)
		cli_settings_release(&s);
	return status;
}
