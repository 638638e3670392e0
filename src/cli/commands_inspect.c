/*
 * The commands that inspect a message without opening it: inspect (saved .eml files or
 * standard input) and quarantine-message-inspect (a quarantined message, read into memory).
 * Their handlers are in cmd_inspect.c; no I/O here.
 */
#include "cli/commands.h"

#include <stddef.h>

#include "cli/cli.h"

#include "util/banned.h"

static const char *const bool_choices[] = { "true", "false", NULL };

#define IOCS_HELP                                                                                  \
	"Print one NDJSON line per indicator (url, domain, ip, email, md5, sha1, sha256) instead " \
	"of the inspection, for a threat-intelligence pipeline."
#define EXTRACT_HELP                                                                               \
	"Write the attachments into this folder (made with mode 0700 when missing): their "        \
	"sanitised names, else attachment-N.bin, mode 0600, never overwriting (a name taken gets " \
	"\" (2)\"), each complete or not at all."

static const cli_arg_spec inspect_args[] = {
	{ .name = "iocs",
	  CLI_FIELD(cli_inspect_req, iocs),
	  .def = "false",
	  .choices = bool_choices,
	  .kind = CLI_ARG_BOOL,
	  .help = IOCS_HELP },
	{ .name = "extract", CLI_FIELD(cli_inspect_req, extract), .help = EXTRACT_HELP },
	{ .name = NULL },
};

static const cli_arg_spec quarantine_inspect_args[] = {
	{ .name = "guid",
	  CLI_FIELD(cli_inspect_req, guid),
	  .required = 1,
	  .help = "Global unique ID of the message (e.g., g4fsnj_sTLMk9hECaJwmmxwP6lQkr5k7)." },
	{ .name = "iocs",
	  CLI_FIELD(cli_inspect_req, iocs),
	  .def = "false",
	  .choices = bool_choices,
	  .kind = CLI_ARG_BOOL,
	  .help = IOCS_HELP },
	{ .name = "extract", CLI_FIELD(cli_inspect_req, extract), .help = EXTRACT_HELP },
	{ .name = NULL },
};

const cli_command cli_commands_inspect[] = {
	{
		.name = "inspect",
		.summary = "Inspect saved messages (.eml) without opening them",
		.description =
			"Reads each file (- for standard input) and shows who sent the message and "
			"through which hosts, its SPF, DKIM, DMARC and ARC results, its text, its "
			"links (URL Defense rewrites decoded, defanged on the terminal) and its "
			"attachments with their hashes and flags. -o json prints the inspection "
			"object (docs/output.md), -o markdown a report for a ticket. Needs no "
			"server. A file that cannot be read is named and the others are still "
			"inspected (exit 1).",
		.args = inspect_args,
		.operands = "FILE... | -",
		.local = 1,
		.ops = { PPS_OP_NONE },
		.example = "pps inspect suspicious.eml",
		.run = cmd_inspect,
	},
	{
		.name = "quarantine-message-inspect",
		.summary = "Inspect a quarantined message without downloading it to a file",
		.description =
			"Reads the message into memory (bounded by --max-download) and inspects it "
			"as pps inspect does: headers, hops, authentication, text, links and "
			"attachments, so as to decide whether to release, delete or forward it.",
		.args = quarantine_inspect_args,
		.ops = { PPS_OP_QUARANTINE_DOWNLOAD },
		.example = "pps quarantine-message-inspect guid=g4fsnj_sTLMk9hECaJwmmxwP6lQkr5k7",
		.run = cmd_quarantine_inspect,
	},
	{ .name = NULL },
};
