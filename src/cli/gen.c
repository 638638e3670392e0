/*
 * Help, the man page and the README reference from the command table and the global option
 * table (completion.c writes the shells' completion). Each fact comes from commands.c and
 * options.c; nothing about a command is written here. No configuration, no network.
 */
#include "cli/gen.h"

#include <string.h>

#include "cli/config.h"
#include "cli/exit.h"
#include "cli/options.h"
#include "cli/tui/triage.h"
#include "pps/pps.h"
#include "util/buf.h"

#include "util/banned.h"

static const char *metavar(const cli_arg_spec *s)
{
	switch (s->kind) {
	case CLI_ARG_TIME:
		return "TIME";
	case CLI_ARG_BOOL:
		return "true|false";
	case CLI_ARG_INT:
		return "N";
	case CLI_ARG_GUIDLIST:
		return "GUIDS";
	case CLI_ARG_LIST:
		return "NAMES";
	case CLI_ARG_JSON:
		return "JSON";
	case CLI_ARG_STRING:
		break;
	}
	return "VALUE";
}

/* The full help sentence of an argument: help, choices, default, required, alias. */
static void arg_help(ppsbuf *b, const cli_arg_spec *s)
{
	ppsbuf_adds(b, s->help);
	if (s->choices && s->kind != CLI_ARG_BOOL) {
		ppsbuf_adds(b, " One of:");
		for (size_t i = 0; s->choices[i]; i++)
			ppsbuf_addf(b, "%s %s", i ? "," : "", s->choices[i]);
		ppsbuf_adds(b, ".");
	}
	if (s->def)
		ppsbuf_addf(b, " Default: %s.", s->def);
	if (s->required)
		ppsbuf_adds(b, " Required.");
	if (s->alias)
		ppsbuf_addf(b, " Also accepted as %s.", s->alias);
}

/*
 * The request lines of a command, from libpps: "GET /rest/v1/pss/filter" (each quoted by q,
 * joined by ", ") into reqs, and its managed modules, each named once, into mods.
 * Returns the number of modules.
 */
static size_t request_lines(const cli_command *c, const char *q, ppsbuf *reqs, ppsbuf *mods)
{
	size_t nmods = 0, nreqs = 0;

	for (size_t i = 0; i < sizeof(c->ops) / sizeof(c->ops[0]) && c->ops[i]; i++) {
		const pps_op_info *op = pps_operation_info(c->ops[i]);
		int seen = 0;

		for (size_t k = 0; k < i; k++) {
			const pps_op_info *prev = pps_operation_info(c->ops[k]);

			seen |= !strcmp(prev->method, op->method) && !strcmp(prev->path, op->path);
		}
		if (!seen)
			ppsbuf_addf(reqs, "%s%s%s %s%s%s", nreqs++ ? ", " : "", q, op->method,
				    PPS_API_BASE, op->path, q);
		seen = 0;
		for (size_t k = 0; k < i; k++)
			seen |= !strcmp(pps_operation_info(c->ops[k])->module, op->module);
		if (!seen)
			ppsbuf_addf(mods, "%s%s%s%s", nmods++ ? ", " : "", q, op->module, q);
	}
	return nmods;
}

/* An option's help; the output option's names its formats from the renderer's list. */
static const char *global_help(ppsbuf *b, const opt_spec *o)
{
	ppsbuf_adds(b, o->help);
	if (cli_global_is_format(o))
		ppsbuf_addf(b, " One of: %s.", cli_format_names(", "));
	return b->buf;
}

static void global_usage(ppsbuf *b, const opt_spec *o)
{
	if (cli_global_short(o))
		ppsbuf_addf(b, "-%c, ", cli_global_short(o));
	ppsbuf_addf(b, "--%s", cli_global_name(o));
	if (o->metavar)
		ppsbuf_addf(b, " %s", o->metavar);
}

/* The argument names of a command under its summary, optional ones in brackets, wrapped. */
static void args_line(FILE *out, const cli_command *c)
{
	size_t col = 0;

	if (c->operands) {
		fprintf(out, "      %s", c->operands);
		col = 6 + strlen(c->operands);
	}
	for (const cli_arg_spec *s = c->args; s->name; s++) {
		size_t w = strlen(s->name) + (s->required ? 0 : 2);

		if (col == 0 || col + 1 + w > 96) {
			fputs(col ? "\n      " : "      ", out);
			col = 6;
		} else {
			fputc(' ', out);
			col++;
		}
		fprintf(out, s->required ? "%s" : "[%s]", s->name);
		col += w;
	}
	if (col)
		fputc('\n', out);
}

void cli_help_main(FILE *out)
{
	fputs("usage: pps [OPTIONS] COMMAND [name=value ...]\n\n"
	      "A client for the Proofpoint Protection Server REST API.\n\nCommands:\n",
	      out);
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c)) {
		fprintf(out, "  %-30s %s\n", c->name, c->summary);
		args_line(out, c);
	}
	for (const cli_builtin *b = cli_builtins; b->name; b++)
		fprintf(out, "  %-30s %s\n", b->usage, b->summary);
	fputs("\nOptions:\n", out);
	for (const opt_spec *o = cli_global_opts; o->name; o++) {
		ppsbuf b = PPSBUF_INIT, h = PPSBUF_INIT;

		global_usage(&b, o);
		fprintf(out, "  %-30s %s\n", b.buf, global_help(&h, o));
		ppsbuf_release(&b);
		ppsbuf_release(&h);
	}
	fputs("\nCommands also answer to the reference's names (proofpoint-pps-smart-search), and "
	      "a\n"
	      "leading '!' is ignored. Arguments are name=value, --name value or --name=value.\n"
	      "Run 'pps help COMMAND' for a command's arguments.\n",
	      out);
}

void cli_help_command(FILE *out, const cli_command *c)
{
	fprintf(out, "usage: pps [OPTIONS] %s [name=value ...]%s%s\n", c->name,
		c->operands ? " " : "", c->operands ? c->operands : "");
	if (c->reference)
		fprintf(out, "       pps [OPTIONS] %s%s [name=value ...]\n", CLI_REFERENCE_PREFIX,
			c->name);
	fprintf(out, "\n%s\n", c->description);
	if (c->args[0].name)
		fputs("\nArguments:\n", out);
	for (const cli_arg_spec *s = c->args; s->name; s++) {
		ppsbuf b = PPSBUF_INIT;

		arg_help(&b, s);
		fprintf(out, "  %s=%s\n      %s\n", s->name, metavar(s), b.buf);
		ppsbuf_release(&b);
	}
	if (c->one_of_msg)
		fprintf(out, "\n%s\n", c->one_of_msg);
	if (c->local) {
		fputs("\nRequest: none (reads local input only).\n", out);
	} else {
		ppsbuf reqs = PPSBUF_INIT, mods = PPSBUF_INIT;
		size_t n = request_lines(c, "", &reqs, &mods);

		fprintf(out, "\nRequest: %s (managed module%s %s)\n", reqs.buf, n > 1 ? "s" : "",
			mods.buf);
		ppsbuf_release(&reqs);
		ppsbuf_release(&mods);
	}
	if (c->out.title)
		fprintf(out, "Output: %s (context %s)\n", c->out.title, c->out.context);
	fprintf(out, "\nExample:\n  %s\n", c->example);
}

const cli_builtin cli_builtins[] = {
	{ "help", "help [COMMAND]", "Print help for pps or one command",
	  "Prints the commands and options of pps, or one command's arguments, request and output. "
	  "help --man prints the man page, help --markdown the README's command reference.",
	  "pps help smart-search" },
	{ "version", "version", "Print the version", "Prints pps's version (as --version does).",
	  "pps version" },
	{ "completion", "completion bash|zsh|fish", "Print a shell completion script",
	  "Prints the completion script of a shell, generated from the command and option tables: "
	  "commands, options (also after the command), arguments and their predefined values, "
	  "profile names, and file names after out=, local_guid=@, --report, --checkpoint and the "
	  "other options that name a file. The packages install them for bash, zsh and fish.",
	  "source <(pps completion bash)   # zsh: source <(pps completion zsh)" },
	{ "config", "config show|profiles|set KEY VALUE",
	  "Show or change the settings and the config file's profiles",
	  "config show prints the settings in effect (config file, profile, url, username, whether "
	  "there is a password, cacert, insecure, proxy, timeout, retries, output, server_cap) and "
	  "where each came from: a flag, the environment, the config file's line (file:line) or "
	  "the default; the password itself is never printed. config profiles lists the file's "
	  "profiles, * marking the one in effect. config set KEY VALUE [--profile P] writes one "
	  "key of a profile (default: the profile in effect) into the config file (--config), "
	  "keeping its other lines and comments, with mode 0600, atomically. Keys: url, username, "
	  "password_file, cacert, insecure, proxy, timeout, retries, output, server_cap (a "
	  "password is not taken on the command line: set password_file).",
	  "pps config set url https://pps.example.com:10000 --profile east" },
	{ NULL, NULL, NULL, NULL, NULL },
};

int cli_help_builtin(FILE *out, const char *word)
{
	for (const cli_builtin *b = cli_builtins; b->name; b++) {
		if (strcmp(b->name, word) != 0)
			continue;
		fprintf(out, "usage: pps [OPTIONS] %s\n\n%s\n\nExample:\n  %s\n", b->usage,
			b->description, b->example);
		return 0;
	}
	return -1;
}

/* Roff text: backslashes and hyphens escaped, a leading dot or quote protected. */
/* Where the packages install the documents the help names as docs/X.md (debian/pps.docs). */
#define INSTALLED_DOCS "/usr/share/doc/pps/"

static void roff(FILE *out, const char *s)
{
	const char *start = s;

	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s; s++) {
		/* The man page is read where pps is installed: docs/ is the tree's, not the host's.
		 */
		if (!strncmp(s, "docs/", 5) && (s == start || s[-1] == ' ' || s[-1] == '(')) {
			roff(out, INSTALLED_DOCS);
			s += 4;
		} else if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

/* The man page's FOLLOWING AND CHECKPOINTS section: what --all and --follow promise. */
static const char *const jobs_section[][2] = {
	{ "The server's clock",
	  "--follow computes each poll's window from the server's clock, as the Date header of its "
	  "answers gives it, never from this machine's: the server dates its records, and new "
	  "records of a server whose clock is behind would otherwise fall before every window. A "
	  "window never starts past the newest record the server answered (a proxy may write the "
	  "Date header from a clock of its own). A difference of more than 5 s is named once on "
	  "stderr." },
	{ "The overlap",
	  "Each poll reads the last --overlap seconds again (default 300) and skips the records it "
	  "printed. A PPS makes a message searchable only after it has been processed and its log "
	  "indexed; under load that takes from seconds to minutes, so the default covers five "
	  "minutes, at the cost of reading five minutes of records again on every poll (lower it, "
	  "or raise --interval, on a feed of many thousands of messages a minute). Behind the "
	  "overlap, once every --overlap seconds a poll reads the band back to twice the overlap "
	  "(at least 300 s more): records found there were indexed later than the overlap allows. "
	  "They are printed then, and named on stderr: \"N records indexed up to S s late, past "
	  "the --overlap of O s: printed now; widen --overlap\"." },
	{ "Crowded seconds",
	  "A server returns at most its cap of records per answer, and pages end at a second: a "
	  "second holding more records than one answer is named on stderr with its time, by --all "
	  "(exit 1) and by --follow, which goes on and ends with exit 1." },
	{ "The start",
	  "A follow started at start_time T never prints a record older than T, also when it "
	  "resumes from a checkpoint: the first run's T is kept in the checkpoint. A start "
	  "counted back from now (now, the default, \"10 minutes ago\") is read on the server's "
	  "clock once its first answer tells it." },
	{ "Checkpoints",
	  "A checkpoint holds the command, a digest of its filters and the window. A checkpoint of "
	  "other filters, of another window (for --all the start_time and end_time as resolved: "
	  "give absolute times to resume a walk) or with a hand-edited position outside its window "
	  "is refused with exit 2. It is written once before the first request, so a checkpoint "
	  "that cannot be written (a read-only or full disk, a symlink, anything but a regular "
	  "file) stops the job before anything is sent; a write failure during the job ends it "
	  "with exit 1. With --profile a,b, --all --checkpoint (or --output-file) prints the "
	  "clusters one after the other, not merged by time, each record tagged with its cluster, "
	  "and keeps one position per cluster in the one file." },
	{ "Standard output and --output-file",
	  "The checkpoint is saved after the records it covers are flushed. On standard output a "
	  "kill -9 between the two makes the rerun print the records of the last page again, and "
	  "a kill -9 within a line leaves a torn last line: append the rerun to the same file, "
	  "deduplicate by GUID (localguid for quarantine) and drop a last line that is not whole "
	  "JSON. With --output-file FILE pps owns the file: it appends, and a rerun first cuts "
	  "FILE back to the length its checkpoint recorded (without a checkpoint, to its last "
	  "whole line), so that every record is in FILE once." },
};

static void man_jobs(FILE *out)
{
	fputs(".SH FOLLOWING AND CHECKPOINTS\n", out);
	for (size_t i = 0; i < sizeof(jobs_section) / sizeof(jobs_section[0]); i++) {
		fputs(".SS ", out);
		roff(out, jobs_section[i][0]);
		fputs("\n", out);
		roff(out, jobs_section[i][1]);
		fputs("\n", out);
	}
}

static void man_options(FILE *out)
{
	for (const opt_spec *o = cli_global_opts; o->name; o++) {
		ppsbuf h = PPSBUF_INIT;

		fputs(".TP\n", out);
		if (cli_global_short(o))
			fprintf(out, "\\fB\\-%c\\fR, ", cli_global_short(o));
		fputs("\\fB\\-\\-", out);
		roff(out, cli_global_name(o));
		fputs("\\fR", out);
		if (o->metavar)
			fprintf(out, " \\fI%s\\fR", o->metavar);
		fputc('\n', out);
		roff(out, global_help(&h, o));
		ppsbuf_release(&h);
		fputc('\n', out);
	}
}

/* One command's section: description, names, request lines, arguments, example. */
static void man_command(FILE *out, const cli_command *c)
{
	ppsbuf reqs = PPSBUF_INIT, mods = PPSBUF_INIT;
	size_t n;

	fputs(".SS ", out);
	roff(out, c->name);
	fputc('\n', out);
	roff(out, c->description);
	fputc('\n', out);
	if (c->reference) {
		fputs("Also named ", out);
		roff(out, CLI_REFERENCE_PREFIX);
		roff(out, c->name);
		fputs(".\n", out);
	}
	if (c->operands) {
		fputs("Usage: pps ", out);
		roff(out, c->name);
		fputs(" [name=value ...] ", out);
		roff(out, c->operands);
		fputs(".\n", out);
	}
	n = request_lines(c, "", &reqs, &mods);
	if (c->local) {
		fputs("Request: none (reads local input only).\n", out);
	} else {
		fputs("Request: ", out);
		roff(out, reqs.buf);
		fprintf(out, " (managed module%s ", n > 1 ? "s" : "");
		roff(out, mods.buf);
		fputs(").\n", out);
	}
	ppsbuf_release(&reqs);
	ppsbuf_release(&mods);
	for (const cli_arg_spec *s = c->args; s->name; s++) {
		ppsbuf b = PPSBUF_INIT;

		arg_help(&b, s);
		fputs(".TP\n\\fB", out);
		roff(out, s->name);
		fputs("\\fR=\\fI", out);
		roff(out, metavar(s));
		fputs("\\fR\n", out);
		roff(out, b.buf);
		fputc('\n', out);
		ppsbuf_release(&b);
	}
	if (c->one_of_msg) {
		fputs(".PP\n", out);
		roff(out, c->one_of_msg);
		fputc('\n', out);
	}
	fputs(".PP\nExample:\n.RS\n.nf\n", out);
	roff(out, c->example);
	fputs("\n.fi\n.RE\n", out);
}

/* KEYS: the keys of pps triage, from its key table (src/cli/tui/keys.c). */
static void man_keys(FILE *out)
{
	fputs(".SH KEYS\nThe keys of \\fBpps triage\\fR. An action asks to confirm, naming the "
	      "action and how many messages it takes, and runs as the command line's bulk actions "
	      "do, its journal under \\fI$XDG_STATE_HOME/pps/triage/\\fR (else "
	      "\\fI~/.local/state/pps/triage/\\fR); each message's outcome (done, refused, "
	      "unknown, not sent) is shown in the index.\n",
	      out);
	for (unsigned int i = 0; tui_key_name(i); i++) {
		fputs(".TP\n\\fB", out);
		roff(out, tui_key_name(i));
		fputs("\\fR\n", out);
		roff(out, tui_key_help(i));
		fputc('\n', out);
	}
}

/* ENVIRONMENT, FILES and EXIT STATUS, from the config keys and the exit table. */
static void man_environment(FILE *out)
{
	fputs(".SH ENVIRONMENT\n.TP\n", out);
	for (const cli_config_key *k = cli_config_keys; k->key; k++)
		if (k->env)
			fprintf(out, "%s\\fB%s\\fR", k == cli_config_keys ? "" : ", ", k->env);
	fputs("\nUsed when the matching option is not given; they win over the config file.\n"
	      ".TP\n\\fBNO_COLOR\\fR\nNo ANSI emphasis in tables, no colour in pps triage.\n"
	      ".TP\n\\fBPPS_TRIAGE_TRACE\\fR\nA file pps triage appends a line to at each "
	      "paint, key and page read, each starting with the milliseconds since it started "
	      "(for benchmarks).\n"
	      ".SH FILES\n.TP\n\\fI$XDG_CONFIG_HOME/pps/config\\fR (else "
	      "\\fI~/.config/pps/config\\fR)\n"
	      "INI file, one section per profile ([default] unless \\fB\\-\\-profile\\fR); keys ",
	      out);
	for (const cli_config_key *k = cli_config_keys; k->key; k++) {
		if (strcmp(k->key, "profile") == 0)
			continue;
		fputs(k == cli_config_keys ? "" : ", ", out);
		roff(out, k->key);
	}
	fputs(". A file holding a password must not be readable by group or others.\n", out);
	fputs(".SH EXIT STATUS\n", out);
	for (const cli_exit_info *e = cli_exit_table; e->meaning; e++) {
		fprintf(out, "%s%d ", e == cli_exit_table ? "" : "; ", e->status);
		roff(out, e->meaning);
	}
	fputs(".\n", out);
}

void cli_gen_man(FILE *out)
{
	fprintf(out, ".\\\" %s\n", CLI_GENERATED_NOTE);
	fprintf(out, ".TH PPS 1 \"\" \"pps %s\" \"User Commands\"\n", PPS_VERSION);
	fputs(".SH NAME\npps \\- command line client for the Proofpoint Protection Server REST "
	      "API\n"
	      ".SH SYNOPSIS\n.B pps\n[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fIname\\fR=\\fIvalue\\fR "
	      "...]\n"
	      ".SH DESCRIPTION\n"
	      "pps runs the commands of the Cortex XSOAR \"Proofpoint Protection Server v2\" "
	      "integration against a Proofpoint Protection Server: Smart Search, quarantine search "
	      "and actions, raw message download and end\\-user management.\n"
	      "A command is named by its short name (smart\\-search) or the reference's name "
	      "(proofpoint\\-pps\\-smart\\-search); a leading ! is ignored.\n"
	      "Arguments are \\fIname\\fR=\\fIvalue\\fR, \\fB\\-\\-name\\fR \\fIvalue\\fR or "
	      "\\fB\\-\\-name\\fR=\\fIvalue\\fR.\n"
	      "A local_guid of @\\fIFILE\\fR or \\- reads one entry per line: a GUID, or a JSON "
	      "record as \\fB\\-o ndjson\\fR or \\fB\\-\\-report\\fR writes it, which names its "
	      "folder; entries are checked before sending and sent in batches per folder.\n"
	      ".SH OPTIONS\n",
	      out);
	man_options(out);
	fputs(".SH COMMANDS\n", out);
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c))
		man_command(out, c);
	for (const cli_builtin *b = cli_builtins; b->name; b++) {
		fputs(".SS ", out);
		roff(out, b->usage);
		fputc('\n', out);
		roff(out, b->description);
		fputs("\n.PP\nExample:\n.RS\n.nf\n", out);
		roff(out, b->example);
		fputs("\n.fi\n.RE\n", out);
	}
	man_jobs(out);
	man_keys(out);
	cli_gen_man_inspect(out);
	man_environment(out);
	fputs(".SH SEE ALSO\n\\fBpps\\-sim\\fR(1), \\fBlibpps\\fR(3)\n", out);
}

/* Markdown table cell text: pipes escaped. */
static void md(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

void cli_gen_markdown(FILE *out)
{
	fprintf(out, "<!-- %s -->\n\n## Command reference\n\n", CLI_GENERATED_NOTE);
	fputs("`pps [OPTIONS] COMMAND [name=value ...]`. A command answers to its short name and "
	      "to "
	      "the reference's name (`proofpoint-pps-` + short name); a leading `!` is ignored. "
	      "Arguments are `name=value`, `--name value` or `--name=value`.\n\n"
	      "| option | meaning |\n|---|---|\n",
	      out);
	for (const opt_spec *o = cli_global_opts; o->name; o++) {
		ppsbuf b = PPSBUF_INIT;

		ppsbuf h = PPSBUF_INIT;

		global_usage(&b, o);
		fprintf(out, "| `%s` | ", b.buf);
		md(out, global_help(&h, o));
		fputs(" |\n", out);
		ppsbuf_release(&b);
		ppsbuf_release(&h);
	}
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c)) {
		fprintf(out, "\n### %s\n\n", c->name);
		md(out, c->description);
		{
			ppsbuf reqs = PPSBUF_INIT, mods = PPSBUF_INIT;
			size_t n = request_lines(c, "`", &reqs, &mods);

			if (c->operands)
				fprintf(out, "\n\nUsage: `pps %s [name=value ...] %s`.", c->name,
					c->operands);
			if (c->local)
				fputs("\n\nNo request: reads local input only", out);
			else
				fprintf(out, "\n\n%s, managed module%s %s", reqs.buf,
					n > 1 ? "s" : "", mods.buf);
			ppsbuf_release(&reqs);
			ppsbuf_release(&mods);
		}
		if (c->reference)
			fprintf(out, "; reference name `%s%s`", CLI_REFERENCE_PREFIX, c->name);
		fputs(".\n\n", out);
		if (c->args[0].name)
			fputs("| argument | description |\n|---|---|\n", out);
		for (const cli_arg_spec *s = c->args; s->name; s++) {
			ppsbuf b = PPSBUF_INIT;

			arg_help(&b, s);
			fprintf(out, "| `%s` | ", s->name);
			md(out, b.buf);
			fputs(" |\n", out);
			ppsbuf_release(&b);
		}
		if (c->one_of_msg)
			fprintf(out, "\n%s\n", c->one_of_msg);
		fprintf(out, "%s```sh\n%s\n```\n", c->args[0].name ? "\n" : "", c->example);
	}
}
