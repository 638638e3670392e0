/*
 * pps: global options, then dispatch through the command table. --version and help answer
 * before any configuration is read or libcurl is set up, so that they stay fast.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/exit.h"
#include "cli/gen.h"
#include "cli/render.h"
#include "pps/pps.h"

#include "util/banned.h"

struct globals {
	cli_config_flags cfg;
	long batch;
	int dry_run;
	int curl;
	int verbose;
	int quiet;
	int version;
	int help;
};

static void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line on stderr, prefixed "pps: ". */
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("pps: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
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

/* Applies one global option; -1 after printing a usage error. */
static int apply_global(struct globals *g, const char *name, const char *v)
{
	cli_format fmt;
	long n;

	if (!strcmp(name, "output")) {
		if (cli_format_parse(v, &fmt)) {
			usage_error("invalid output format '%s': expected one of %s", v,
				    cli_format_names(", "));
			return -1;
		}
		g->cfg.output = v;
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
		usage_error("unknown command '%s': run 'pps help' for the list", argv[k]);
		return CLI_EXIT_USAGE;
	}
	cli_help_command(stdout, cmd);
	return CLI_EXIT_OK;
}

/* Runs cmd with its checked arguments: settings, client, handler. */
static int run_command(struct globals *g, const cli_command *cmd, const cli_args *args)
{
	cli_settings s;
	pps_client_options opts;
	pps_client *client = NULL;
	cli_ctx ctx;
	char err[1024];
	const char *fmt_name;
	int status, global = 0, have_settings = 0;

	memset(&ctx, 0, sizeof(ctx));
	memset(&s, 0, sizeof(s));
	ctx.cmd = cmd;
	ctx.out = stdout;
	ctx.err = stderr;
	ctx.in = stdin;
	ctx.dry_run = g->dry_run || g->curl;
	ctx.quiet = g->quiet;
	ctx.verbose = g->verbose;
	ctx.batch = g->batch;
	ctx.err_tty = isatty(STDERR_FILENO);
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
	fmt_name = g->cfg.output ? g->cfg.output : s.output ? s.output : "table";
	if (cli_format_parse(fmt_name, &ctx.render.format)) {
		usage_error("invalid output format '%s' in the config file: expected one of %s",
			    fmt_name, cli_format_names(", "));
		status = CLI_EXIT_USAGE;
		goto done;
	}
	ctx.render.width = terminal_width();
	ctx.render.height = terminal_height();
	ctx.render.color = ctx.render.width > 0 && !getenv("NO_COLOR");
	if (s.insecure && !ctx.dry_run)
		fputs("pps: warning: certificate verification is off (--insecure)\n", stderr);
	if (pps_global_init()) {
		usage_error("%s", "out of memory");
		status = CLI_EXIT_FAILURE;
		goto done;
	}
	global = 1;
	pps_client_options_init(&opts);
	opts.url = s.url && *s.url ? s.url : NULL;
	opts.username = s.username;
	opts.password = ctx.dry_run ? NULL : s.password;
	opts.cacert = s.cacert;
	opts.insecure = s.insecure;
	opts.proxy = s.proxy;
	opts.no_proxy = s.no_proxy;
	opts.timeout_ms = s.timeout * 1000;
	opts.retries = s.retries == 0 ? PPS_RETRIES_NONE : s.retries;
	if (g->verbose)
		opts.log = log_line;
	if (ctx.dry_run) {
		opts.dry_run = 1;
		opts.on_request = print_request;
		opts.request_ctx = g;
	}
	if (pps_client_new(&client, &opts, err, sizeof(err))) {
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

int main(int argc, char **argv)
{
	struct globals g;
	const cli_command *cmd;
	cli_args args;
	const char **rest = NULL;
	int nrest = 0, k = 1, r, status;
	char err[1024];

	memset(&g, 0, sizeof(g));
	cli_config_flags_init(&g.cfg);
	g.batch = 100;
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
				usage_error("unknown option '%s': run 'pps help' for the options",
					    argv[k]);
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
		usage_error("%s", "completion needs a shell: pps completion bash");
		return CLI_EXIT_USAGE;
	}
	cmd = cli_command_find(argv[k]);
	if (!cmd) {
		usage_error("unknown command '%s': run 'pps help' for the list", argv[k]);
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
	status = run_command(&g, cmd, &args);
	cli_args_release(&args);
	free(rest);
	return status;
}
