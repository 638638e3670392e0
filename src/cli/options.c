/*
 * pps's global options: one table, each option declared once with its kind, its target in
 * cli_globals and its help (dispatch, pps help, the man page, README and completion read it),
 * and the reader that takes them before and after the command. Knows no command and no wire.
 */
#include "cli/options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "cli/suggest.h"
#include "cli/walk.h"

#include "util/banned.h"

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_verror(stderr, fmt, ap);
	va_end(ap);
}

static const char *const color_names[] = { "auto", "always", "never", NULL };

/* -o: one of the output formats (render_out.c), or the closest named. */
static int check_format(const char *v, void *target, char *why, size_t len)
{
	cli_format fmt;

	if (cli_format_parse(v, &fmt)) {
		snprintf(why, len, "expected one of %s%s", cli_format_names(", "),
			 cli_suggest_choice(v, cli_format_list()));
		return -1;
	}
	*(const char **)target = v;
	return 0;
}

static int check_color(const char *v, void *target, char *why, size_t len)
{
	for (size_t i = 0; color_names[i]; i++) {
		if (!strcmp(v, color_names[i])) {
			*(const char **)target = v;
			return 0;
		}
	}
	snprintf(why, len, "expected one of auto, always, never%s",
		 cli_suggest_choice(v, color_names));
	return -1;
}

/* --fields: names joined by single commas, none empty. */
static int check_fields(const char *v, void *target, char *why, size_t len)
{
	if (!*v || *v == ',' || v[strlen(v) - 1] == ',' || strstr(v, ",,")) {
		snprintf(why, len, "expected a comma list of names");
		return -1;
	}
	*(const char **)target = v;
	return 0;
}

/* --sort-by: one field name, a leading - for descending. */
static int check_sort(const char *v, void *target, char *why, size_t len)
{
	const char *name = v + (*v == '-');

	if (!*name || strchr(name, ',') || strchr(name, ' ')) {
		snprintf(why, len, "expected one field name, -NAME for descending");
		return -1;
	}
	*(const char **)target = v;
	return 0;
}

/* A size in bytes, or with a K, M or G suffix (powers of 1024), from 1 byte to 1 TiB. */
static int check_size(const char *v, void *target, char *why, size_t len)
{
	char *end = NULL;
	long long n;
	int shift = 0;

	if (*v < '0' || *v > '9')
		goto bad;
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
		goto bad;
	*(long long *)target = n << shift;
	return 0;
bad:
	snprintf(why, len, "expected bytes, or a number with K, M or G");
	return -1;
}

#define AT(f) offsetof(cli_globals, f)
#define FLAG(N, A, F, H)                                                                  \
	{                                                                                 \
		.name = (N), .alias = (A), .kind = OPT_BOOL, .offset = AT(F), .help = (H) \
	}
#define TEXT(N, F, M, H)                                                                      \
	{                                                                                     \
		.name = (N), .kind = OPT_STRING, .offset = AT(F), .metavar = (M), .help = (H) \
	}
#define NUMBER(N, F, LO, HI, WHY, M, H)                                                   \
	{                                                                                 \
		.name = (N), .kind = OPT_LONG, .offset = AT(F), .min = (LO), .max = (HI), \
		.expect = (WHY), .metavar = (M), .help = (H)                              \
	}
#define CHECKED(N, A, F, FN, M, H)                                                          \
	{                                                                                   \
		.name = (N), .alias = (A), .kind = OPT_CALL, .offset = AT(F), .call = (FN), \
		.metavar = (M), .help = (H)                                                 \
	}

const opt_spec cli_global_opts[] = {
	{ .name = "--output",
	  .alias = "-o",
	  .kind = OPT_CALL,
	  .offset = AT(cfg.output),
	  .call = check_format,
	  .subject = "output format",
	  .metavar = "FORMAT",
	  .help = "Output format: table (default), wide (every column, nothing cut), markdown, "
		  "json, ndjson, csv, tsv, raw (docs/output.md)." },
	CHECKED("--fields", NULL, fields, check_fields, "LIST",
		"Comma list of the columns (keys) to print in table, wide, markdown, csv and "
		"ndjson."),
	TEXT("--jq", jq, "EXPR",
	     "Filter the output with jq's language (libjq): each record of ndjson and the other "
	     "formats, which then print jq's results one a line; with -o json the whole document, "
	     "the records' array. A bad EXPR is a usage error."),
	FLAG("--raw-output", "-r", jq_raw, "With --jq: print a string result as its text."),
	{ .name = "--color",
	  .kind = OPT_CALL,
	  .offset = AT(color),
	  .call = check_color,
	  .choices = color_names,
	  .metavar = "WHEN",
	  .help = "Colour that carries meaning: bold table headers, final actions that drop or "
		  "hold a message (red, yellow), spam scores from 50 (yellow) and 90 (red), bulk "
		  "messages refused or unknown; auto (a terminal without NO_COLOR; default), "
		  "always, never." },
	FLAG("--no-headers", NULL, no_headers,
	     "Print no title, header row or rule in table and wide, no header row in csv and tsv."),
	CHECKED("--sort-by", NULL, sort_by, check_sort, "FIELD",
		"Sort a table's rows by FIELD (numbers by value, text by its bytes, a missing "
		"value "
		"last); -FIELD sorts descending. The table then holds every row before it prints."),
	FLAG("--no-pager", NULL, no_pager,
	     "Do not page a long table on a terminal (default: $PAGER, else less -FRX)."),
	FLAG("--csv-crlf", NULL, csv_crlf, "End CSV lines with CRLF (RFC 4180) instead of LF."),
	FLAG("--csv-raw", NULL, csv_raw,
	     "Write CSV cells verbatim: no ' before =, +, -, @ and control characters kept."),
	TEXT("--url", cfg.url, "URL", "Server URL, e.g. https://host:10000 (env PPS_URL)."),
	TEXT("--username", cfg.username, "NAME", "API user name (env PPS_USERNAME)."),
	TEXT("--password-file", cfg.password_file, "FILE",
	     "Read the password from the first line of FILE."),
	FLAG("--password-stdin", NULL, cfg.password_stdin,
	     "Read the password from the first line of standard input."),
	TEXT("--cacert", cfg.cacert, "FILE", "Trust the CA certificates in FILE (env PPS_CACERT)."),
	FLAG("--insecure", NULL, cfg.insecure,
	     "Do not verify the server certificate (env PPS_INSECURE)."),
	TEXT("--proxy", cfg.proxy, "URL",
	     "Use this proxy (the proxy environment is honoured by default)."),
	FLAG("--no-proxy", NULL, cfg.no_proxy, "Never use a proxy."),
	NUMBER("--timeout", cfg.timeout, 1, 86400, "expected seconds (1 to 86400)", "SECONDS",
	       "Timeout of each request (default 60)."),
	NUMBER("--retries", cfg.retries, 0, 100, NULL, "N",
	       "Retries of a GET on network errors, 429 and 5xx (default 3)."),
	CHECKED("--max-download", NULL, max_download, check_size, "BYTES",
		"Largest message a download saves, in bytes or with K, M or G (default 256M); a "
		"longer "
		"one is refused and nothing is saved."),
	TEXT("--profile", cfg.profile, "NAME",
	     "Config file profile to use (env PPS_PROFILE, default 'default'). A comma list runs "
	     "the command on every profile's cluster: searches side by side, merged newest first "
	     "and tagged with a cluster field; actions only with --yes, one cluster after the "
	     "other, exit status the most severe. limit= (and count=) applies to each cluster: "
	     "limit=8 over two clusters prints up to 16 rows. Two profiles naming one server and "
	     "account are refused."),
	TEXT("--config", cfg.config, "FILE", "Config file (default $XDG_CONFIG_HOME/pps/config)."),
	NUMBER("--batch", batch, 1, 100000, NULL, "N",
	       "GUIDs per quarantine action request (default 100)."),
	TEXT("--report", report, "FILE",
	     "The run's journal: before each batch its GUIDs (intent), after it one line per "
	     "local_guid entry with its outcome (done, invalid, refused, unknown, not_sent), "
	     "synced. Running the same command with the same FILE resumes: nothing done or "
	     "unknown is sent again. Never overwritten; a symlink is refused. The lines are "
	     "valid local_guid input."),
	TEXT("--audit", cfg.audit, "FILE",
	     "The audit file of this run's changes (profile key audit; default "
	     "$XDG_STATE_HOME/pps/audit.ndjson, else ~/.local/state/pps/audit.ndjson), or off: "
	     "an intent line, synced, before each request that changes something, an outcome "
	     "line after it. A file that cannot be written stops the action before it is sent. "
	     "pps audit lists it."),
	FLAG("--retry-unknown", NULL, retry_unknown,
	     "Send again the messages whose outcome an earlier run (the --report journal or the "
	     "report given as local_guid) left unknown, once checked."),
	FLAG("--fail-empty", NULL, fail_empty,
	     "Exit 1 when the local_guid input of an action (local_guid=- or @FILE) holds no "
	     "entries, e.g. a search that matched nothing piped into a delete (default: one line "
	     "on stderr and exit 0)."),
	FLAG("--isolate", NULL, isolate,
	     "Split a refused release, resubmit or forward batch to find the GUIDs the server "
	     "refuses (move and delete always do)."),
	NUMBER("--confirm-over", confirm_over, 0, 100000000, "expected a number of messages", "N",
	       "On a terminal, ask before a delete, release or forward of more than N messages "
	       "(default 100)."),
	FLAG("--yes", NULL, yes,
	     "Do not ask for confirmation; also act on several clusters (--profile a,b)."),
	FLAG("--all", NULL, jobs.all,
	     "smart-search, quarantine-messages-list, stats: fetch (or count) the whole "
	     "start_time..end_time window past the server's cap, page by page; limit= becomes a "
	     "total cap."),
	FLAG("--follow", NULL, jobs.follow,
	     "smart-search, quarantine-messages-list: print what matches from start_time (default "
	     "now), then every new record once, oldest first, until SIGINT or SIGTERM (exit 0; 1 "
	     "when a second held more records than the server returns in one answer). Polls on "
	     "the server's clock (its Date header), each poll reading the last --overlap seconds "
	     "again and skipping the GUIDs it printed; a failing server is retried with a growing "
	     "pause."),
	TEXT("--checkpoint", jobs.checkpoint, "FILE",
	     "With --all or --follow: save how far the job got in FILE (atomically, after the "
	     "records it covers are flushed) and continue from it when FILE exists. After a "
	     "kill -9 a record may come out twice on stdout and the last line may be torn "
	     "(deduplicate by GUID); with --output-file FILE neither. A checkpoint of other "
	     "filters "
	     "or "
	     "another window is refused (exit 2); one that cannot be written stops the job before "
	     "its first request."),
	NUMBER("--interval", jobs.interval, 1, 86400, "expected seconds (1 to 86400)", "SECONDS",
	       "With --follow: seconds between polls (default 30)."),
	NUMBER("--overlap", jobs.overlap, 0, 86400, "expected seconds (0 to 86400)", "SECONDS",
	       "With --follow: how far back each poll reads again, for records the server indexes "
	       "late (default 300). Records found later still are printed and named on stderr."),
	TEXT("--output-file", jobs.output, "FILE",
	     "With --all or --follow: append the records to FILE, which pps owns: on a rerun with "
	     "--checkpoint it is cut back to what the checkpoint covers (else to its last whole "
	     "line) before appending."),
	NUMBER("--server-cap", jobs.server_cap, 1, 100000000, "expected a positive number", "N",
	       "The server's Smart Search count cap when known (profile key server_cap): saves "
	       "the probe request that checks whether an answer was cut."),
	FLAG("--dry-run", NULL, dry_run,
	     "Print each request that would be sent (METHOD URL BODY); send nothing."),
	FLAG("--curl", NULL, curl,
	     "Print each request as a curl command (password from $PPS_PASSWORD); send nothing."),
	FLAG("--verbose", "-v", verbose, "Log each request (method, URL, status, time) on stderr."),
	FLAG("--quiet", "-q", quiet, "Print no progress or counts on stderr."),
	FLAG("--version", NULL, version, "Print the version and exit."),
	FLAG("--help", "-h", help, "Print help and exit."),
	OPT_TABLE_END,
};

const char *cli_global_name(const opt_spec *o)
{
	return o->name + 2;
}

char cli_global_short(const opt_spec *o)
{
	return o->alias ? o->alias[1] : 0;
}

int cli_global_is_format(const opt_spec *o)
{
	return o->call == check_format;
}

void cli_globals_init(cli_globals *g)
{
	memset(g, 0, sizeof(*g));
	cli_config_flags_init(&g->cfg);
	g->batch = 100;
	g->confirm_over = 100;
	/* Unset until cli_globals_finish, which tells a given value from the default. */
	g->jobs.interval = -1;
	g->jobs.overlap = -1;
}

void cli_globals_finish(cli_globals *g)
{
	g->interval_given = g->jobs.interval >= 0;
	g->overlap_given = g->jobs.overlap >= 0;
	if (!g->interval_given)
		g->jobs.interval = 30;
	if (!g->overlap_given)
		g->jobs.overlap = CLI_FOLLOW_OVERLAP_S;
}

/* The option of the table whose short name is c ('o' for -o), or NULL. */
static const opt_spec *short_opt(char c)
{
	for (const opt_spec *o = cli_global_opts; o->name; o++)
		if (o->alias && o->alias[1] == c)
			return o;
	return NULL;
}

int cli_global_parse(cli_globals *g, int argc, char **argv, int *k)
{
	const char *w = argv[*k], *v = NULL;
	const opt_spec *o;
	char err[1024];

	if (w[0] != '-' || !w[1])
		return 0;
	if (w[1] == '-') {
		const char *eq = strchr(w + 2, '=');
		size_t len = eq ? (size_t)(eq - w) : strlen(w);

		if (len == strlen("--password") && !strncmp(w, "--password", len)) {
			cli_usage_error("%s", "there is no --password option: a password on the "
					      "command line is visible to other users; use "
					      "--password-file, --password-stdin or PPS_PASSWORD");
			return -1;
		}
		o = opt_find(cli_global_opts, w, len);
		if (!o)
			return 0;
		if (eq && !opt_takes_value(o)) {
			cli_usage_error("option '%s' takes no value", o->name);
			return -1;
		}
		v = eq ? eq + 1 : NULL;
	} else {
		o = short_opt(w[1]);
		if (!o || (w[2] && !opt_takes_value(o)))
			return 0;
		v = w[2] ? w + 2 : NULL;
	}
	if (opt_takes_value(o) && !v) {
		if (*k + 1 >= argc) {
			cli_usage_error("option '%s' needs a value", o->name);
			return -1;
		}
		v = argv[++*k];
	}
	++*k;
	if (opt_bind_one(o, g, v, err, sizeof(err))) {
		cli_usage_error("%s", err);
		return -1;
	}
	return 1;
}

void cli_unknown_option(const char *word)
{
	cli_suggestion s = CLI_SUGGESTION_INIT;
	char name[64];
	const char *best;
	size_t n = strcspn(word, "=");

	if (word[1] == '-' && n - 2 < sizeof(name)) {
		memcpy(name, word + 2, n - 2);
		name[n - 2] = '\0';
		for (const opt_spec *o = cli_global_opts; o->name; o++)
			cli_suggest_consider(&s, name, o->name + 2);
		best = cli_suggest_result(&s, name);
		if (best) {
			cli_usage_error("unknown option '%s': did you mean '--%s'?", word, best);
			return;
		}
	}
	cli_usage_error("unknown option '%s': run 'pps help' for the options", word);
}
