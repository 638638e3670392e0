/*
 * pps: global options, then dispatch through the command table. --version and help answer
 * before any configuration is read or libcurl is set up, so that they stay fast. The options
 * are options.c's, one run of a command run.c's, several clusters clusters.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/args.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/config_cmd.h"
#include "cli/exit.h"
#include "cli/gen.h"
#include "cli/jq.h"
#include "cli/options.h"
#include "cli/run.h"
#include "pps/pps.h"

#include "util/banned.h"

static void unknown_command(const char *name)
{
	const char *best = cli_command_suggest(name);

	if (best)
		cli_usage_error("unknown command '%s': did you mean '%s'?", name, best);
	else
		cli_usage_error("unknown command '%s': run 'pps help' for the list", name);
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
		if (cli_help_builtin(stdout, argv[k]) == 0)
			return CLI_EXIT_OK;
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

/* The options before the command; -1 after a usage error. */
static int leading_options(cli_globals *g, int argc, char **argv, int *k)
{
	while (*k < argc) {
		int r;

		if (!strcmp(argv[*k], "--")) {
			++*k;
			break;
		}
		r = cli_global_parse(g, argc, argv, k);
		if (r < 0)
			return -1;
		if (r == 0) {
			if (argv[*k][0] == '-' && argv[*k][1]) {
				cli_unknown_option(argv[*k]);
				return -1;
			}
			break;
		}
	}
	return 0;
}

/* The words that are no command of the table: help, version, completion, config. -1: none. */
static int builtin_word(cli_globals *g, int argc, char **argv, int k)
{
	if (!strcmp(argv[k], "config"))
		return g->help ? cli_help_builtin(stdout, "config")
			       : cli_config_main(g, argc, argv, k + 1);
	if (!strcmp(argv[k], "help"))
		return help_word(argc, argv, k + 1);
	if (!strcmp(argv[k], "version")) {
		printf("pps %s\n", PPS_VERSION);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[k], "completion") != 0)
		return -1;
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
	cli_usage_error("%s", "completion needs a shell: pps completion bash, zsh or fish");
	return CLI_EXIT_USAGE;
}

/*
 * The command's words after argv[k] into rest (*nrest of them); global options may follow the
 * command too, and are bound into g. 0, or -1 after a usage error.
 */
static int command_words(cli_globals *g, const cli_command *cmd, int argc, char **argv, int k,
			 const char **rest, int *nrest)
{
	while (k < argc) {
		/* The command's own words first (args.c says which); the rest may be global. */
		int n = cli_args_words(cmd, argc, (const char *const *)argv, k), r;

		if (n > 0) {
			while (n-- > 0)
				rest[(*nrest)++] = argv[k++];
			continue;
		}
		r = cli_global_parse(g, argc, argv, &k);
		if (r < 0)
			return -1;
		if (r == 0)
			rest[(*nrest)++] = argv[k++];
	}
	return 0;
}

/* --password-stdin and local_guid=- cannot both read standard input; 0 or -1 after saying so. */
static int check_stdin(const cli_globals *g, const cli_command *cmd, const cli_args *args)
{
	if (!g->cfg.password_stdin || !args->from_file)
		return 0;
	for (int i = 0; cmd->args[i].name; i++) {
		if (args->value[i] && !strcmp(args->value[i], "-")) {
			cli_usage_error("%s",
					"--password-stdin and local_guid=- both read standard "
					"input: use --password-file or PPS_PASSWORD");
			return -1;
		}
	}
	return 0;
}

/* --jq EXPR compiled before any request; -1 after a usage error naming jq's message. */
static int compile_jq(cli_globals *g)
{
	char why[512];

	if (!g->jq) {
		if (g->jq_raw) {
			cli_usage_error("%s", "-r (--raw-output) needs --jq EXPR");
			return -1;
		}
		return 0;
	}
	if (cli_jq_compile(&g->jq_prog, g->jq, g->jq_raw, why, sizeof(why))) {
		cli_usage_error("invalid --jq expression '%s': %s", g->jq, why);
		return -1;
	}
	return 0;
}

/* Runs cmd with its checked arguments: on one server, or on several clusters. */
static int run(cli_globals *g, const cli_command *cmd, const cli_args *args)
{
	char **fields = NULL, *fields_text = NULL;
	const char *env_profile = getenv("PPS_PROFILE");
	int status;

	if (g->fields) {
		fields = split_fields(g->fields, &fields_text);
		if (!fields) {
			cli_usage_error("%s", "out of memory");
			return CLI_EXIT_FAILURE;
		}
	}
	if (!g->cfg.profile && env_profile && strchr(env_profile, ','))
		g->cfg.profile = env_profile;
	if (g->cfg.profile && strchr(g->cfg.profile, ',') && !g->dry_run && !g->curl &&
	    !cmd->local && cmd->ops[0] != PPS_OP_NONE)
		status = cli_run_clusters(g, cmd, args, (const char *const *)fields);
	else
		status = cli_run_command(g, cmd, args, (const char *const *)fields);
	free(fields);
	free(fields_text);
	return status;
}

int main(int argc, char **argv)
{
	cli_globals g;
	const cli_command *cmd;
	cli_args args;
	const char **rest = NULL;
	int nrest = 0, k = 1, status;
	char err[1024];

	cli_globals_init(&g);
	if (leading_options(&g, argc, argv, &k))
		return CLI_EXIT_USAGE;
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
	status = builtin_word(&g, argc, argv, k);
	if (status >= 0)
		return status;
	cmd = cli_command_find(argv[k]);
	if (!cmd) {
		unknown_command(argv[k]);
		return CLI_EXIT_USAGE;
	}
	if (g.help) {
		cli_help_command(stdout, cmd);
		return CLI_EXIT_OK;
	}
	rest = calloc((size_t)argc, sizeof(*rest));
	if (!rest) {
		cli_usage_error("%s", "out of memory");
		return CLI_EXIT_FAILURE;
	}
	if (command_words(&g, cmd, argc, argv, k + 1, rest, &nrest)) {
		free(rest);
		return CLI_EXIT_USAGE;
	}
	cli_globals_finish(&g);
	if (g.help) {
		free(rest);
		cli_help_command(stdout, cmd);
		return CLI_EXIT_OK;
	}
	if (compile_jq(&g)) {
		free(rest);
		return CLI_EXIT_USAGE;
	}
	if (cli_args_parse(&args, cmd, nrest, rest, (int64_t)time(NULL), stdin, err, sizeof(err))) {
		cli_usage_error("%s", err);
		status = CLI_EXIT_USAGE;
	} else if (check_stdin(&g, cmd, &args)) {
		status = CLI_EXIT_USAGE;
	} else {
		status = run(&g, cmd, &args);
	}
	if (status == CLI_EXIT_OK && cli_jq_errors(g.jq_prog))
		status = CLI_EXIT_FAILURE;
	cli_jq_free(g.jq_prog);
	cli_args_release(&args);
	free(rest);
	return status;
}
