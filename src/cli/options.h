/*
 * pps's global options: the settings they bind (cli_globals), their one table and its reader.
 * The table is read by the parser below, by gen.c (pps help, the man page, the README's
 * reference) and by completion.c; an option is declared there once.
 */
#ifndef PPS_CLI_OPTIONS_H
#define PPS_CLI_OPTIONS_H

#include "cli/cli.h"
#include "cli/config.h"
#include "util/opts.h"

/* What the global options set; cli_globals_init gives the defaults. */
typedef struct cli_globals {
	cli_config_flags cfg;
	const char *color;  /* auto, always, never */
	const char *fields; /* --fields a,b,c */
	const char *jq;	    /* --jq EXPR, compiled by main into jq_prog */
	int jq_raw;	    /* -r, --raw-output */
	struct cli_jq *jq_prog;
	int csv_crlf;
	int csv_raw;
	int no_headers;
	const char *sort_by; /* --sort-by FIELD, -FIELD for descending */
	int no_pager;
	struct cli_jobs jobs;
	int interval_given; /* set by cli_globals_finish */
	int overlap_given;
	long batch;
	const char *report;
	int retry_unknown;
	int fail_empty;
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
} cli_globals;

/* The table, ended by OPT_TABLE_END: "--output" with its alias "-o", its kind and its target. */
extern const opt_spec cli_global_opts[];

/* A global option's name without its dashes ("output"), and its short name ('o') or 0. */
const char *cli_global_name(const opt_spec *o);
char cli_global_short(const opt_spec *o);

/* Whether o takes an output format (its help lists the formats of render_out.c). */
int cli_global_is_format(const opt_spec *o);

void cli_globals_init(cli_globals *g);
/* After the last option: what was given is told from the defaults, which are filled in. */
void cli_globals_finish(cli_globals *g);

/*
 * Reads the global option at argv[*k] ("--name value", "--name=value", "-o json", "-ojson", a
 * flag). Returns 1 when it was one (*k moved past it and its value), 0 when argv[*k] is not a
 * global option, -1 after printing a usage error.
 */
int cli_global_parse(cli_globals *g, int argc, char **argv, int *k);

/* The usage error of a word that looks like an option and is none, with the closest name. */
void cli_unknown_option(const char *word);

/* One line on stderr, prefixed "pps: "; controls in it are written visibly (sanitize.h). */
void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
