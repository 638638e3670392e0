/*
 * pps: global options, then dispatch through the command table. --version and help answer
 * before any configuration is read or libcurl is set up, so that they stay fast.
 */
#include <errno.h>
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
#include "cli/render.h"
#include "cli/sanitize.h"
#include "cli/suggest.h"
#include "pps/pps.h"
#include "util/buf.h"

#include "util/banned.h"

struct globals {
	cli_config_flags cfg;
	const char *color;  /* auto, always, never */
	const char *fields; /* --fields a,b,c */
	int csv_crlf;
	int csv_raw;
	long batch;
	const char *report;
	long confirm_over;
	int isolate;
	int yes;
	int dry_run;
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

/* Applies one global option; -1 after printing a usage error. */
static int apply_global(struct globals *g, const char *name, const char *v)
{
	cli_format fmt;
	long n;

	if (!strcmp(name, "output")) {
		if (cli_format_parse(v, &fmt)) {
			usage_error("invalid output format '%s': expected one of " CLI_FORMAT_NAMES
				    "%s",
				    v, cli_suggest_choice(v, cli_format_names));
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
	} else if (!strcmp(name, "isolate")) {
		g->isolate = 1;
	} else if (!strcmp(name, "confirm-over")) {
		if (parse_long(v, 0, 100000000, &n)) {
			usage_error("invalid --confirm-over '%s': expected a number of messages",
				    v);
			return -1;
		}
		g->confirm_over = n;
	} else if (!strcmp(name, "yes")) {
		g->yes = 1;
	} else if (!strcmp(name, "dry-run")) {
		g->dry_run = 1;
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

/* Runs cmd with its checked arguments: settings, client, handler. */
static int run_command(struct globals *g, const cli_command *cmd, const cli_args *args)
{
	cli_settings s;
	pps_client_options opts;
	pps_client *client = NULL;
	cli_ctx ctx;
	char err[1024];
	const char *fmt_name;
	char **fields = NULL, *fields_text = NULL;
	int status, global = 0, have_settings = 0, rc_new;

	memset(&ctx, 0, sizeof(ctx));
	memset(&s, 0, sizeof(s));
	ctx.cmd = cmd;
	ctx.out = stdout;
	ctx.err = stderr;
	ctx.in = stdin;
	ctx.dry_run = g->dry_run;
	ctx.quiet = g->quiet;
	ctx.verbose = g->verbose;
	ctx.batch = g->batch;
	ctx.report = g->report;
	ctx.isolate = g->isolate;
	ctx.confirm_over = g->confirm_over;
	ctx.yes = g->yes;
	ctx.err_tty = isatty(STDERR_FILENO);
	if (!g->dry_run) {
		/* From here the process holds a password: no core dump, no ptrace by peers. */
		(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		if (cli_config_load(&s, &g->cfg, (cli_getenv_fn)getenv, stdin, err, sizeof(err)) ||
		    (have_settings = 1, cli_settings_check(&s, err, sizeof(err)))) {
			usage_error("%s", err);
			status = CLI_EXIT_USAGE;
			goto done;
		}
	}
	fmt_name = g->cfg.output ? g->cfg.output : s.output ? s.output : "table";
	if (cli_format_parse(fmt_name, &ctx.render.format)) {
		usage_error("invalid output format '%s' in the config file: expected one of "
			    "" CLI_FORMAT_NAMES,
			    fmt_name);
		status = CLI_EXIT_USAGE;
		goto done;
	}
	ctx.render.tty = isatty(STDOUT_FILENO);
	ctx.render.width = terminal_width();
	if (g->color && !strcmp(g->color, "always"))
		ctx.render.color = 1;
	else if (g->color && !strcmp(g->color, "never"))
		ctx.render.color = 0;
	else
		ctx.render.color = ctx.render.tty && !getenv("NO_COLOR");
	ctx.render.csv_crlf = g->csv_crlf;
	ctx.render.csv_raw = g->csv_raw;
	ctx.render.notes = g->quiet ? NULL : stderr;
	if (g->fields) {
		fields = split_fields(g->fields, &fields_text);
		if (!fields) {
			usage_error("%s", "out of memory");
			status = CLI_EXIT_FAILURE;
			goto done;
		}
		ctx.render.fields = (const char *const *)fields;
	}
	if (!g->dry_run) {
		if (s.insecure)
			fputs("pps: warning: certificate verification is off (--insecure)\n",
			      stderr);
		if (strncasecmp(s.url, "http://", 7) == 0)
			fputs("pps: warning: the URL is http://: the password crosses the network "
			      "in clear text; use https://\n",
			      stderr);
		if (pps_global_init()) {
			usage_error("%s", "out of memory");
			status = CLI_EXIT_FAILURE;
			goto done;
		}
		global = 1;
		memset(&opts, 0, sizeof(opts));
		opts.url = s.url;
		opts.username = s.username;
		opts.password = s.password;
		opts.cacert = s.cacert;
		opts.insecure = s.insecure;
		opts.proxy = s.proxy;
		opts.no_proxy = s.no_proxy;
		opts.timeout_ms = s.timeout * 1000;
		ctx.timeout_ms = opts.timeout_ms;
		opts.retries = s.retries;
		if (g->verbose)
			opts.log = log_line;
		rc_new = pps_client_new(&client, &opts, err, sizeof(err));
		/* The client holds its own copy (wiped when freed): ours is wiped now. */
		cli_settings_wipe_password(&s);
		if (rc_new) {
			usage_error("%s", err);
			status = CLI_EXIT_USAGE;
			goto done;
		}
		ctx.client = client;
	}
	status = cmd->run(&ctx, args);
done:
	free(fields);
	free(fields_text);
	pps_client_free(client);
	if (global)
		pps_global_cleanup();
	if (have_settings || !g->dry_run)
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
	g.confirm_over = 100;
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
		const char *w = argv[k];

		if (w[0] == '-' && w[1] == '-' && w[2]) {
			char name[64];
			const char *eq = strchr(w + 2, '=');
			size_t len = eq ? (size_t)(eq - w - 2) : strlen(w + 2);
			int ai = -1;

			if (len < sizeof(name)) {
				memcpy(name, w + 2, len);
				name[len] = '\0';
				ai = cli_command_arg_index(cmd, name);
			}
			if (ai >= 0) {
				rest[nrest++] = argv[k++];
				/* --name value: the value is the command's, whatever it looks like.
				 */
				if (!eq && cmd->args[ai].kind != CLI_ARG_BOOL && k < argc)
					rest[nrest++] = argv[k++];
				continue;
			}
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
