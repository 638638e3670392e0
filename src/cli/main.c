/*
 * pps: global options, then dispatch through the command table. --version and help answer
 * before any configuration is read or libcurl is set up, so that they stay fast.
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/exit.h"
#include "cli/gen.h"
#include "cli/journal.h"
#include "cli/render.h"
#include "cli/sanitize.h"
#include "cli/suggest.h"
#include "cli/walk.h"
#include "pps/pps.h"
#include "util/buf.h"

#include "util/banned.h"

struct globals {
	cli_config_flags cfg;
	const char *color;  /* auto, always, never */
	const char *fields; /* --fields a,b,c */
	int csv_crlf;
	int csv_raw;
	struct cli_jobs jobs;
	int interval_given;
	int overlap_given;
	long batch;
	const char *report;
	int retry_unknown;
	long confirm_over;
	long long max_download;
	int isolate;
	int yes;
	int dry_run;
	int curl;
	int verbose;
	int quiet;
	int version;
	int help;
};

static const char *const color_names[] = { "auto", "always", "never", NULL };

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line on stderr, prefixed "pps: "; controls in it are written visibly (sanitize.h). */
static void usage_error(const char *fmt, ...)
{
	ppsbuf text = PPSBUF_INIT, safe = PPSBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	ppsbuf_vaddf(&text, fmt, ap);
	va_end(ap);
	if (cli_sanitize(&safe, text.buf, text.len, NULL, NULL) < 0)
		fputs("pps: out of memory\n", stderr);
	else
		fprintf(stderr, "pps: %s\n", safe.buf);
	ppsbuf_release(&text);
	ppsbuf_release(&safe);
}

static int parse_long(const char *v, long min, long max, long *out)
{
	char *end = NULL;
	long n;

	if (!v)
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* A size in bytes, or with a K, M or G suffix (powers of 1024), from 1 byte to 1 TiB. */
static int parse_size(const char *v, long long *out)
{
	char *end = NULL;
	long long n;
	int shift = 0;

	if (!v || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (errno || *end || n < 1 || n > (1LL << (40 - shift)))
		return -1;
	*out = n << shift;
	return 0;
}

/* Applies one global option; -1 after printing a usage error. */
static int apply_global(struct globals *g, const char *name, const char *v)
{
	cli_format fmt;
	long n;

	if (!strcmp(name, "output")) {
		if (cli_format_parse(v, &fmt)) {
			usage_error("invalid output format '%s': expected one of %s%s", v,
				    cli_format_names(", "),
				    cli_suggest_choice(v, cli_format_list()));
			return -1;
		}
		g->cfg.output = v;
	} else if (!strcmp(name, "color")) {
		if (!v || (strcmp(v, "auto") != 0 && strcmp(v, "always") != 0 &&
			   strcmp(v, "never") != 0)) {
			usage_error("invalid --color '%s': expected one of auto, always, never%s",
				    v ? v : "", cli_suggest_choice(v, color_names));
			return -1;
		}
		g->color = v;
	} else if (!strcmp(name, "fields")) {
		if (!v || !*v || *v == ',' || v[strlen(v) - 1] == ',' || strstr(v, ",,")) {
			usage_error("invalid --fields '%s': expected a comma list of names",
				    v ? v : "");
			return -1;
		}
		g->fields = v;
	} else if (!strcmp(name, "csv-crlf")) {
		g->csv_crlf = 1;
	} else if (!strcmp(name, "csv-raw")) {
		g->csv_raw = 1;
	} else if (!strcmp(name, "url")) {
		g->cfg.url = v;
	} else if (!strcmp(name, "username")) {
		g->cfg.username = v;
	} else if (!strcmp(name, "password-file")) {
		g->cfg.password_file = v;
	} else if (!strcmp(name, "password-stdin")) {
		g->cfg.password_stdin = 1;
	} else if (!strcmp(name, "cacert")) {
		g->cfg.cacert = v;
	} else if (!strcmp(name, "insecure")) {
		g->cfg.insecure = 1;
	} else if (!strcmp(name, "proxy")) {
		g->cfg.proxy = v;
	} else if (!strcmp(name, "no-proxy")) {
		g->cfg.no_proxy = 1;
	} else if (!strcmp(name, "timeout")) {
		if (parse_long(v, 1, 86400, &n)) {
			usage_error("invalid --timeout '%s': expected seconds (1 to 86400)", v);
			return -1;
		}
		g->cfg.timeout = n;
	} else if (!strcmp(name, "max-download")) {
		if (parse_size(v, &g->max_download)) {
			usage_error("invalid --max-download '%s': expected bytes, or a number with "
				    "K, M or G",
				    v ? v : "");
			return -1;
		}
	} else if (!strcmp(name, "retries")) {
		if (parse_long(v, 0, 100, &n)) {
			usage_error("invalid --retries '%s': expected a number from 0 to 100", v);
			return -1;
		}
		g->cfg.retries = (int)n;
	} else if (!strcmp(name, "profile")) {
		g->cfg.profile = v;
	} else if (!strcmp(name, "config")) {
		g->cfg.config = v;
	} else if (!strcmp(name, "batch")) {
		if (parse_long(v, 1, 100000, &n)) {
			usage_error("invalid --batch '%s': expected a number from 1 to 100000", v);
			return -1;
		}
		g->batch = n;
	} else if (!strcmp(name, "report")) {
		g->report = v;
	} else if (!strcmp(name, "retry-unknown")) {
		g->retry_unknown = 1;
	} else if (!strcmp(name, "isolate")) {
		g->isolate = 1;
	} else if (!strcmp(name, "confirm-over")) {
		if (parse_long(v, 0, 100000000, &n)) {
			usage_error("invalid --confirm-over '%s': expected a number of messages",
				    v);
			return -1;
		}
		g->confirm_over = n;
	} else if (!strcmp(name, "all")) {
		g->jobs.all = 1;
	} else if (!strcmp(name, "follow")) {
		g->jobs.follow = 1;
	} else if (!strcmp(name, "checkpoint")) {
		g->jobs.checkpoint = v;
	} else if (!strcmp(name, "interval")) {
		if (parse_long(v, 1, 86400, &n)) {
			usage_error("invalid --interval '%s': expected seconds (1 to 86400)", v);
			return -1;
		}
		g->jobs.interval = n;
		g->interval_given = 1;
	} else if (!strcmp(name, "overlap")) {
		if (parse_long(v, 0, 86400, &n)) {
			usage_error("invalid --overlap '%s': expected seconds (0 to 86400)", v);
			return -1;
		}
		g->jobs.overlap = n;
		g->overlap_given = 1;
	} else if (!strcmp(name, "output-file")) {
		g->jobs.output = v;
	} else if (!strcmp(name, "server-cap")) {
		if (parse_long(v, 1, 100000000, &n)) {
			usage_error("invalid --server-cap '%s': expected a positive number", v);
			return -1;
		}
		g->jobs.server_cap = n;
	} else if (!strcmp(name, "yes")) {
		g->yes = 1;
	} else if (!strcmp(name, "dry-run")) {
		g->dry_run = 1;
	} else if (!strcmp(name, "curl")) {
		g->curl = 1;
	} else if (!strcmp(name, "verbose")) {
		g->verbose = 1;
	} else if (!strcmp(name, "quiet")) {
		g->quiet = 1;
	} else if (!strcmp(name, "version")) {
		g->version = 1;
	} else if (!strcmp(name, "help")) {
		g->help = 1;
	}
	return 0;
}

/*
 * Reads the global option at argv[*k]. Returns 1 when it was one (*k moved past it and its
 * value), 0 when argv[*k] is not a global option, -1 after a usage error.
 */
static int parse_global(struct globals *g, int argc, char **argv, int *k)
{
	const char *w = argv[*k], *v = NULL;
	const cli_global_opt *o = NULL;
	char name[32];

	if (w[0] != '-' || !w[1])
		return 0;
	if (w[1] == '-') {
		const char *eq = strchr(w + 2, '=');
		size_t len = eq ? (size_t)(eq - w - 2) : strlen(w + 2);

		if (len >= sizeof(name))
			return 0;
		memcpy(name, w + 2, len);
		name[len] = '\0';
		if (!strcmp(name, "password")) {
			usage_error("%s",
				    "there is no --password option: a password on the command "
				    "line is visible to other users; use --password-file, "
				    "--password-stdin or PPS_PASSWORD");
			return -1;
		}
		for (const cli_global_opt *p = cli_global_opts; p->long_name; p++)
			if (!strcmp(p->long_name, name))
				o = p;
		if (!o)
			return 0;
		if (eq && !o->metavar) {
			usage_error("option '--%s' takes no value", o->long_name);
			return -1;
		}
		v = eq ? eq + 1 : NULL;
	} else {
		for (const cli_global_opt *p = cli_global_opts; p->long_name; p++)
			if (p->short_name && p->short_name == w[1])
				o = p;
		if (!o)
			return 0;
		if (w[2] && !o->metavar)
			return 0;
		v = w[2] ? w + 2 : NULL;
	}
	if (o->metavar && !v) {
		if (*k + 1 >= argc) {
			usage_error("option '--%s' needs a value", o->long_name);
			return -1;
		}
		v = argv[++*k];
	}
	++*k;
	return apply_global(g, o->long_name, v) ? -1 : 1;
}

static void unknown_option(const char *word)
{
	cli_suggestion s = CLI_SUGGESTION_INIT;
	char name[64];
	const char *best;
	size_t n = strcspn(word, "=");

	if (word[1] == '-' && n - 2 < sizeof(name)) {
		memcpy(name, word + 2, n - 2);
		name[n - 2] = '\0';
		for (const cli_global_opt *o = cli_global_opts; o->long_name; o++)
			cli_suggest_consider(&s, name, o->long_name);
		best = cli_suggest_result(&s, name);
		if (best) {
			usage_error("unknown option '%s': did you mean '--%s'?", word, best);
			return;
		}
	}
	usage_error("unknown option '%s': run 'pps help' for the options", word);
}

static void log_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "pps: %s\n", line);
}

/* --dry-run and --curl: each request libpps builds is printed instead of sent. */
static int print_request(void *ctx, const pps_request *req)
{
	const struct globals *g = ctx;
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
	long n;

	if (!isatty(STDOUT_FILENO))
		return 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (cols && parse_long(cols, 1, 10000, &n) == 0)
		return (int)n;
	return 80;
}

static void unknown_command(const char *name)
{
	const char *best = cli_command_suggest(name);

	if (best)
		usage_error("unknown command '%s': did you mean '%s'?", name, best);
	else
		usage_error("unknown command '%s': run 'pps help' for the list", name);
}

static int help_word(int argc, char **argv, int k)
{
	const cli_command *cmd;

	if (k >= argc) {
		cli_help_main(stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[k], "--man")) {
		cli_gen_man(stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[k], "--markdown")) {
		cli_gen_markdown(stdout);
		return CLI_EXIT_OK;
	}
	cmd = cli_command_find(argv[k]);
	if (!cmd) {
		unknown_command(argv[k]);
		return CLI_EXIT_USAGE;
	}
	cli_help_command(stdout, cmd);
	return CLI_EXIT_OK;
}

/* --fields a,b,c as a NULL-terminated array into *text (both malloc'd), or NULL on memory. */
static char **split_fields(const char *list, char **text)
{
	size_t n = 2;
	char **v, *p;

	for (const char *c = list; *c; c++)
		n += *c == ',';
	*text = strdup(list);
	v = calloc(n, sizeof(*v));
	if (!*text || !v) {
		free(*text);
		*text = NULL;
		free(v);
		return NULL;
	}
	n = 0;
	for (p = *text; p;) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		v[n++] = p;
		p = comma ? comma + 1 : NULL;
	}
	return v;
}

/* The output format named by the flags or the settings; -1 after a usage error. */
static int pick_format(const struct globals *g, const cli_settings *s, cli_format *out)
{
	const char *fmt_name = g->cfg.output ? g->cfg.output : s->output ? s->output : "table";

	if (cli_format_parse(fmt_name, out)) {
		usage_error("invalid output format '%s' in the config file: expected one of %s",
			    fmt_name, cli_format_names(", "));
		return -1;
	}
	return 0;
}

/*
 * A client for settings s; with dry, one that prints each request (--dry-run, --curl) and
 * sends nothing. The settings' copy of the password is wiped once the client holds its own
 * (wiped when it is freed). 0, or -1 with the reason in err.
 */
static int open_client(struct globals *g, cli_settings *s, int dry, pps_client **out, char *err,
		       size_t errlen)
{
	pps_client_options opts;
	int rc;

	pps_client_options_init(&opts);
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

/* What every run of a command shares: the globals, the terminal, the render options. */
static void ctx_init(cli_ctx *ctx, const struct globals *g, const cli_command *cmd,
		     const cli_args *args, const char *const *fields)
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
	ctx->render.csv_crlf = g->csv_crlf;
	ctx->render.csv_raw = g->csv_raw;
	ctx->render.notes = g->quiet ? NULL : stderr;
	ctx->render.fields = fields;
}

/* Runs cmd with its checked arguments: settings, client, handler. */
static int run_command(struct globals *g, const cli_command *cmd, const cli_args *args,
		       const char *const *fields)
{
	cli_settings s;
	pps_client *client = NULL;
	cli_ctx ctx;
	char err[1024];
	int status, global = 0, have_settings = 0;

	memset(&s, 0, sizeof(s));
	ctx_init(&ctx, g, cmd, args, fields);
	/* From here the process holds a password: no core dump, no ptrace by peers. */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* Printing requests needs no password; --curl needs the URL it is to run against. */
	if (cli_config_load(&s, &g->cfg, (cli_getenv_fn)getenv, stdin, err, sizeof(err)) ||
	    (have_settings = 1, !ctx.dry_run && cli_settings_check(&s, err, sizeof(err)))) {
		usage_error("%s", err);
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (g->curl && (!s.url || !*s.url)) {
		usage_error("%s", "--curl needs the server URL: give --url, set PPS_URL, or put "
				  "url= in the config file");
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (pick_format(g, &s, &ctx.render.format)) {
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (cli_jobs_check(&ctx, args, g->interval_given, g->overlap_given, err, sizeof(err))) {
		usage_error("%s", err);
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (!ctx.jobs.server_cap)
		ctx.jobs.server_cap = s.server_cap;
	if (!ctx.dry_run) {
		if (s.insecure)
			fputs("pps: warning: certificate verification is off (--insecure)\n",
			      stderr);
		if (strncasecmp(s.url, "http://", 7) == 0)
			fputs("pps: warning: the URL is http://: the password crosses the network "
			      "in clear text; use https://\n",
			      stderr);
	}
	if (pps_global_init()) {
		usage_error("%s", "out of memory");
		status = CLI_EXIT_FAILURE;
		goto done;
	}
	global = 1;
	ctx.timeout_ms = s.timeout * 1000;
	if (open_client(g, &s, ctx.dry_run, &client, err, sizeof(err))) {
		usage_error("%s", err);
		status = CLI_EXIT_USAGE;
		goto done;
	}
	ctx.client = client;
	status = cmd->run(&ctx, args);
done:
	pps_client_free(client);
	if (global)
		pps_global_cleanup();
	if (have_settings)
		cli_settings_release(&s);
	return status;
}

/* ---- several clusters: --profile a,b,c ------------------------------------------------- */

/*
 * With several profiles, each cluster's server settings come from its profile alone: a PPS_URL
 * or PPS_PASSWORD exported for one server must not send every cluster's request to it.
 */
static const char *cluster_getenv(const char *name)
{
	static const char *const hidden[] = { "PPS_URL",      "PPS_USERNAME",
					      "PPS_PASSWORD", "PPS_CACERT",
					      "PPS_INSECURE", "PPS_PROFILE",
					      "PPS_PROXY",    NULL };

	for (int i = 0; hidden[i]; i++)
		if (!strcmp(name, hidden[i]))
			return NULL;
	return getenv(name);
}

struct cluster {
	struct globals *g;
	const char *const *fields;
	const cli_command *cmd;
	const cli_args *args;
	const char *profile;
	cli_format format;
	json_t *records; /* what the cluster's search printed, tagged */
	char *errtext;	 /* its stderr */
	size_t errlen;
	int status;
	int is_search;
	int stream; /* --all --checkpoint: printed as it comes, cluster after cluster */
};

static void *cluster_main(void *arg)
{
	struct cluster *c = arg;
	cli_config_flags flags = c->g->cfg;
	cli_settings s;
	pps_client *client = NULL;
	cli_ctx ctx;
	char err[1024];
	FILE *errf = open_memstream(&c->errtext, &c->errlen);

	memset(&s, 0, sizeof(s));
	if (!errf) {
		c->status = CLI_EXIT_FAILURE;
		return NULL;
	}
	ctx_init(&ctx, c->g, c->cmd, c->args, c->fields);
	ctx.err = errf;
	ctx.err_tty = 0;
	ctx.render.format = c->format;
	ctx.cluster = c->profile;
	if (c->is_search && !c->stream)
		ctx.collect = c->records;
	flags.profile = c->profile;
	if (cli_config_load(&s, &flags, cluster_getenv, NULL, err, sizeof(err)) ||
	    cli_settings_check(&s, err, sizeof(err)) ||
	    open_client(c->g, &s, 0, &client, err, sizeof(err))) {
		fprintf(errf, "pps: %s\n", err);
		c->status = CLI_EXIT_USAGE;
		goto done;
	}
	if (!ctx.jobs.server_cap)
		ctx.jobs.server_cap = s.server_cap;
	ctx.timeout_ms = s.timeout * 1000;
	ctx.client = client;
	c->status = c->cmd->run(&ctx, c->args);
done:
	pps_client_free(client);
	cli_settings_release(&s);
	fclose(errf);
	return NULL;
}

/* Prints a cluster's stderr with every "pps: " line naming the cluster. */
static void print_cluster_err(const struct cluster *c)
{
	const char *p = c->errtext;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len >= 5 && !strncmp(p, "pps: ", 5))
			fprintf(stderr, "pps: cluster '%s': %.*s\n", c->profile, (int)(len - 5),
				p + 5);
		else
			fprintf(stderr, "%.*s\n", (int)len, p);
		p += len + (nl ? 1 : 0);
	}
}

struct tagged {
	json_t *rec;
	int64_t t;
	size_t order;
};

static int newest_first(const void *a, const void *b)
{
	const struct tagged *x = a, *y = b;

	if (x->t != y->t)
		return x->t > y->t ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* The clusters' records in one array, newest first (a stable merge); NULL out of memory. */
static json_t *merge_clusters(struct cluster *cl, size_t n, int quarantine)
{
	size_t total = 0, k = 0;
	struct tagged *v;
	json_t *out = json_array();

	for (size_t i = 0; i < n; i++)
		total += json_array_size(cl[i].records);
	v = calloc(total ? total : 1, sizeof(*v));
	if (!v || !out) {
		free(v);
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		size_t j;
		json_t *rec;

		json_array_foreach(cl[i].records, j, rec)
		{
			v[k].rec = rec;
			if (pps_record_time(&v[k].t, CLI_SEARCH_OP(quarantine), rec))
				v[k].t = INT64_MIN;
			v[k].order = k;
			k++;
		}
	}
	qsort(v, total, sizeof(*v), newest_first);
	for (size_t i = 0; i < total; i++) {
		if (json_array_append(out, v[i].rec)) {
			json_decref(out);
			out = NULL;
			break;
		}
	}
	free(v);
	return out;
}

/* Whether cmd makes a request that changes something (any method but GET). */
static int changes_something(const cli_command *cmd)
{
	for (size_t i = 0; i < sizeof(cmd->ops) / sizeof(cmd->ops[0]) && cmd->ops[i] != PPS_OP_NONE;
	     i++) {
		const pps_op_info *o = pps_operation_info(cmd->ops[i]);

		if (o && strcmp(o->method, "GET") != 0)
			return 1;
	}
	return 0;
}

/*
 * The server and account a profile's settings resolve to, as "URL as USER": scheme and host in
 * lower case, the default port made explicit, no user part, no trailing '/'. NULL on memory.
 */
static char *cluster_identity(const cli_settings *s)
{
	const char *url = s->url ? s->url : "", *sep = strstr(url, "://");
	const char *host = sep ? sep + 3 : url, *end, *at;
	size_t scheme_len = sep ? (size_t)(sep - url) : 0, hlen, plen;
	int has_port = 0;
	ppsbuf b = PPSBUF_INIT;

	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at)
		host = at + 1;
	hlen = (size_t)(end - host);
	plen = strlen(end);
	while (plen && end[plen - 1] == '/')
		plen--;
	for (size_t i = 0; i < scheme_len; i++)
		ppsbuf_addch(&b, (char)(url[i] >= 'A' && url[i] <= 'Z' ? url[i] + 32 : url[i]));
	ppsbuf_adds(&b, "://");
	for (size_t i = 0; i < hlen; i++) {
		char c = host[i];

		if (c == ':' && memchr(host + i, ']', hlen - i) == NULL)
			has_port = 1;
		ppsbuf_addch(&b, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
	}
	if (!has_port)
		ppsbuf_adds(&b, scheme_len == 4 && !strncasecmp(url, "http", 4) ? ":80" : ":443");
	ppsbuf_add(&b, end, plen);
	if (ppsbuf_addf(&b, " as %s", s->username ? s->username : "")) {
		ppsbuf_release(&b);
		return NULL;
	}
	return ppsbuf_detach(&b, NULL);
}

/*
 * Two profiles that name one server and one account would act twice on every message: refused
 * before anything is sent, naming both; so is a profile that does not load. Returns 0 or an exit
 * status.
 */
static int check_distinct_clusters(const struct globals *g, const cli_strlist *names)
{
	char **ids = calloc(names->n ? names->n : 1, sizeof(*ids));
	int status = CLI_EXIT_OK;

	if (!ids) {
		usage_error("%s", "out of memory");
		return CLI_EXIT_FAILURE;
	}
	for (size_t i = 0; i < names->n; i++) {
		cli_config_flags flags = g->cfg;
		cli_settings s;
		char err[1024];

		flags.profile = names->items[i];
		if (cli_config_load(&s, &flags, cluster_getenv, NULL, err, sizeof(err))) {
			/* A profile that cannot load fails before any cluster is asked anything. */
			usage_error("cluster '%s': %s", names->items[i], err);
			status = CLI_EXIT_USAGE;
			break;
		}
		/* A profile without a URL fails in its own run, with its own message. */
		if (s.url && *s.url)
			ids[i] = cluster_identity(&s);
		cli_settings_release(&s);
	}
	for (size_t i = 0; i < names->n && !status; i++)
		for (size_t k = i + 1; k < names->n && !status; k++)
			if (ids[i] && ids[k] && !strcmp(ids[i], ids[k])) {
				usage_error("profiles '%s' and '%s' name the same server and "
					    "account (%s): the command would run twice there; "
					    "give each cluster once",
					    names->items[i], names->items[k], ids[i]);
				status = CLI_EXIT_USAGE;
			}
	for (size_t i = 0; i < names->n; i++)
		free(ids[i]);
	free(ids);
	return status;
}

/*
 * The status of a run over several clusters, the most severe first: interrupted (130), an
 * outcome unknown (8); 0 when every cluster succeeded; the failure's own when every cluster
 * failed the same way; else 1.
 */
static int clusters_status(const struct cluster *cl, size_t n)
{
	int failed = 0, common = -1, mixed = 0;

	for (size_t i = 0; i < n; i++)
		if (cl[i].status == CLI_EXIT_INTERRUPTED)
			return CLI_EXIT_INTERRUPTED;
	for (size_t i = 0; i < n; i++)
		if (cl[i].status == CLI_EXIT_UNKNOWN)
			return CLI_EXIT_UNKNOWN;
	for (size_t i = 0; i < n; i++) {
		if (cl[i].status == CLI_EXIT_OK)
			continue;
		failed++;
		if (common < 0)
			common = cl[i].status;
		else if (common != cl[i].status)
			mixed = 1;
	}
	if (!failed)
		return CLI_EXIT_OK;
	return (size_t)failed == n && !mixed ? common : CLI_EXIT_FAILURE;
}

/*
 * Runs cmd on every profile of the comma list: searches concurrently, one thread and one
 * connection per cluster, their records merged newest first and tagged "cluster"; other
 * commands one cluster after the other (actions only with --yes). A failing cluster is named on
 * stderr and the others still print: exit 1, or the failure's own status when all failed.
 */
static int run_clusters(struct globals *g, const cli_command *cmd, const cli_args *args,
			const char *const *fields)
{
	cli_strlist names = { 0 };
	struct cluster *cl = NULL;
	pthread_t *threads = NULL;
	cli_settings none;
	json_t *merged = NULL;
	int status = CLI_EXIT_OK, failed = 0, acting = changes_something(cmd);
	int is_search = !strcmp(cmd->name, "smart-search") ||
			(!strcmp(cmd->name, "quarantine-messages-list") &&
			 !args->value[cli_command_arg_index(cmd, "guid")]);
	cli_format format;

	memset(&none, 0, sizeof(none));
	if (cli_list_split(&names, g->cfg.profile)) {
		usage_error("%s", "out of memory");
		return CLI_EXIT_FAILURE;
	}
	cli_strlist_dedup(&names);
	if (pick_format(g, &none, &format)) {
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (g->cfg.url || g->cfg.username || g->cfg.password_file || g->cfg.password_stdin ||
	    g->cfg.cacert) {
		usage_error("%s", "with several profiles, each cluster's server and credentials "
				  "come from its profile: leave out --url, --username, "
				  "--password-*, --cacert");
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (g->jobs.follow) {
		usage_error("%s", "--follow follows one cluster: run one pps per profile");
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (changes_something(cmd) && !g->yes) {
		usage_error("refusing to run %s on %zu clusters at once without --yes", cmd->name,
			    names.n);
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (is_search && format == CLI_FMT_RAW) {
		usage_error("%s", "-o raw shows one answer: with several profiles use another "
				  "format");
		status = CLI_EXIT_USAGE;
		goto done;
	}
	status = check_distinct_clusters(g, &names);
	if (status)
		goto done;
	cl = calloc(names.n, sizeof(*cl));
	threads = calloc(names.n, sizeof(*threads));
	if (!cl || !threads || pps_global_init()) {
		usage_error("%s", "out of memory");
		status = CLI_EXIT_FAILURE;
		goto done;
	}
	for (size_t i = 0; i < names.n; i++) {
		cl[i].g = g;
		cl[i].cmd = cmd;
		cl[i].args = args;
		cl[i].profile = names.items[i];
		cl[i].format = format;
		cl[i].is_search = is_search;
		/* Each cluster's position is saved after its records are out: no merge. */
		cl[i].stream = is_search && g->jobs.all && (g->jobs.checkpoint || g->jobs.output);
		cl[i].fields = fields;
		cl[i].records = json_array();
		if (!cl[i].records) {
			usage_error("%s", "out of memory");
			status = CLI_EXIT_FAILURE;
			goto cleanup;
		}
	}
	/* A signal stops an action between clusters too: the next one is not started. */
	if (acting)
		cli_stop_begin();
	for (size_t i = 0; i < names.n; i++) {
		/* Searches run side by side; anything else one cluster after the other. */
		if (acting && cli_stop_signal()) {
			fprintf(stderr, "pps: cluster '%s': not started: interrupted\n",
				cl[i].profile);
			cl[i].status = CLI_EXIT_INTERRUPTED;
			threads[i] = 0;
			continue;
		}
		if (!is_search || cl[i].stream ||
		    pthread_create(&threads[i], NULL, cluster_main, &cl[i]) != 0) {
			cluster_main(&cl[i]);
			print_cluster_err(&cl[i]);
			threads[i] = 0;
		}
	}
	for (size_t i = 0; i < names.n; i++) {
		if (threads[i]) {
			pthread_join(threads[i], NULL);
			print_cluster_err(&cl[i]);
		}
		if (cl[i].status != CLI_EXIT_OK)
			failed++;
	}
	if (acting)
		cli_stop_end();
	if (is_search && !cl[0].stream && (size_t)failed < names.n) {
		cli_ctx ctx;
		cli_output_spec spec = cmd->out;
		const char *cols[24];
		cli_column_rule rules[24];
		size_t n = 0, nr = 1;

		merged = merge_clusters(cl, names.n, strcmp(cmd->name, "smart-search") != 0);
		if (!merged) {
			usage_error("%s", "out of memory");
			status = CLI_EXIT_FAILURE;
			goto cleanup;
		}
		/*
		 * The table gets a cluster column in front, kept whole like an identifier: a row
		 * means nothing without the cluster it came from.
		 */
		cols[n++] = "cluster";
		for (size_t i = 0; spec.columns && spec.columns[i] && n + 1 < 24; i++)
			cols[n++] = spec.columns[i];
		cols[n] = NULL;
		spec.columns = cols;
		rules[0] = (cli_column_rule){ "cluster", CLI_COL_ID, 0 };
		for (size_t i = 0; spec.rules && spec.rules[i].name && nr + 2 < 24; i++)
			rules[nr++] = spec.rules[i];
		rules[nr] = (cli_column_rule){ NULL, CLI_COL_TEXT, 0 };
		spec.rules = rules;
		{
			cli_command shown = *cmd;

			shown.out = spec;
			ctx_init(&ctx, g, &shown, args, fields);
			ctx.render.format = format;
			status = cli_print_records(&ctx, merged);
		}
	}
	if (failed)
		status = clusters_status(cl, names.n);
cleanup:
	for (size_t i = 0; i < names.n; i++) {
		json_decref(cl[i].records);
		free(cl[i].errtext);
	}
	pps_global_cleanup();
done:
	json_decref(merged);
	free(cl);
	free(threads);
	cli_strlist_release(&names);
	return status;
}

int main(int argc, char **argv)
{
	struct globals g;
	const cli_command *cmd;
	cli_args args;
	const char **rest = NULL, *env_profile;
	char **fields = NULL, *fields_text = NULL;
	int nrest = 0, k = 1, r, status;
	char err[1024];

	memset(&g, 0, sizeof(g));
	cli_config_flags_init(&g.cfg);
	g.batch = 100;
	g.confirm_over = 100;
	g.jobs.interval = 30;
	g.jobs.overlap = CLI_FOLLOW_OVERLAP_S;
	while (k < argc) {
		if (!strcmp(argv[k], "--")) {
			k++;
			break;
		}
		r = parse_global(&g, argc, argv, &k);
		if (r < 0)
			return CLI_EXIT_USAGE;
		if (r == 0) {
			if (argv[k][0] == '-' && argv[k][1]) {
				unknown_option(argv[k]);
				return CLI_EXIT_USAGE;
			}
			break;
		}
	}
	if (g.version) {
		printf("pps %s\n", PPS_VERSION);
		return CLI_EXIT_OK;
	}
	if (k >= argc) {
		if (g.help) {
			cli_help_main(stdout);
			return CLI_EXIT_OK;
		}
		fputs("usage: pps [OPTIONS] COMMAND [name=value ...]\n"
		      "Run 'pps help' for the commands and options.\n",
		      stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[k], "help"))
		return help_word(argc, argv, k + 1);
	if (!strcmp(argv[k], "version")) {
		printf("pps %s\n", PPS_VERSION);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[k], "completion")) {
		if (k + 1 < argc && !strcmp(argv[k + 1], "bash")) {
			cli_gen_bash(stdout);
			return CLI_EXIT_OK;
		}
		if (k + 1 < argc && !strcmp(argv[k + 1], "zsh")) {
			cli_gen_zsh(stdout);
			return CLI_EXIT_OK;
		}
		if (k + 1 < argc && !strcmp(argv[k + 1], "fish")) {
			cli_gen_fish(stdout);
			return CLI_EXIT_OK;
		}
		usage_error("%s", "completion needs a shell: pps completion bash, zsh or fish");
		return CLI_EXIT_USAGE;
	}
	cmd = cli_command_find(argv[k]);
	if (!cmd) {
		unknown_command(argv[k]);
		return CLI_EXIT_USAGE;
	}
	if (g.help) {
		cli_help_command(stdout, cmd);
		return CLI_EXIT_OK;
	}
	/* The command's words; global options may follow the command too. */
	rest = calloc((size_t)argc, sizeof(*rest));
	if (!rest) {
		usage_error("%s", "out of memory");
		return CLI_EXIT_FAILURE;
	}
	for (k++; k < argc;) {
		/* The command's own words first (args.c says which); the rest may be global. */
		int n = cli_args_words(cmd, argc, (const char *const *)argv, k);

		if (n > 0) {
			while (n-- > 0)
				rest[nrest++] = argv[k++];
			continue;
		}
		r = parse_global(&g, argc, argv, &k);
		if (r < 0) {
			free(rest);
			return CLI_EXIT_USAGE;
		}
		if (r == 0)
			rest[nrest++] = argv[k++];
	}
	if (g.help) {
		free(rest);
		cli_help_command(stdout, cmd);
		return CLI_EXIT_OK;
	}
	if (cli_args_parse(&args, cmd, nrest, rest, (int64_t)time(NULL), stdin, err, sizeof(err))) {
		usage_error("%s", err);
		cli_args_release(&args);
		free(rest);
		return CLI_EXIT_USAGE;
	}
	if (g.cfg.password_stdin && args.from_file) {
		for (int i = 0; cmd->args[i].name; i++) {
			if (args.value[i] && !strcmp(args.value[i], "-")) {
				usage_error("%s",
					    "--password-stdin and local_guid=- both read standard "
					    "input: use --password-file or PPS_PASSWORD");
				cli_args_release(&args);
				free(rest);
				return CLI_EXIT_USAGE;
			}
		}
	}
	if (g.fields) {
		fields = split_fields(g.fields, &fields_text);
		if (!fields) {
			usage_error("%s", "out of memory");
			cli_args_release(&args);
			free(rest);
			return CLI_EXIT_FAILURE;
		}
	}
	env_profile = getenv("PPS_PROFILE");
	if (!g.cfg.profile && env_profile && strchr(env_profile, ','))
		g.cfg.profile = env_profile;
	if (g.cfg.profile && strchr(g.cfg.profile, ',') && !g.dry_run && !g.curl)
		status = run_clusters(&g, cmd, &args, (const char *const *)fields);
	else
		status = run_command(&g, cmd, &args, (const char *const *)fields);
	free(fields);
	free(fields_text);
	cli_args_release(&args);
	free(rest);
	return status;
}
