/*
 * The table of pps stats: where the mail goes, counted over the Smart Search trace or the
 * quarantine. Handlers live in stats_cmd.c; no I/O here.
 */
#include <stddef.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/stats_cmd.h"

#include "util/banned.h"

static const char *const by_choices[] = { "hour", "day", NULL };
static const char *const action_choices[] = { "accept", "continue", "discard", "redirect",
					      "reject", "retry",    NULL };
static const char *const bool_choices[] = { "true", "false", NULL };

static const cli_arg_spec stats_args[] = {
	{ .name = "start_time",
	  CLI_FIELD(cli_stats_req, ss.start),
	  .def = "24 hours",
	  .kind = CLI_ARG_TIME,
	  .help = "Start of the window: <number> <unit> [ago] (12 hours, 7 days), now, today or "
		  "yesterday (midnight UTC), or ISO-8601 (without a zone, UTC)." },
	{ .name = "end_time",
	  CLI_FIELD(cli_stats_req, ss.end),
	  .kind = CLI_ARG_TIME,
	  .help = "End of the window (default: now); the same forms as start_time." },
	{ .name = "folder_name",
	  CLI_FIELD(cli_stats_req, folder),
	  .kind = CLI_ARG_LIST,
	  .help = "Counts the quarantine instead of the Smart Search trace: these folders, as a "
		  "comma list or a JSON array (a folder named twice is counted once); then one of "
		  "sender, recipient, subject is required and the trace's other filters do not "
		  "apply." },
	{ .name = "sender",
	  CLI_FIELD(cli_stats_req, ss.env_from),
	  .help = "Envelope sender, matched as smart-search (a.b*, *@c.d) or, with folder_name, "
		  "as quarantine-messages-list (foo*, *foo, bar.com)." },
	{ .name = "recipient",
	  CLI_FIELD(cli_stats_req, ss.env_rcpt),
	  .help = "Envelope recipient; matched as sender." },
	{ .name = "subject",
	  CLI_FIELD(cli_stats_req, ss.subject),
	  .help = "The subject, matched as smart-search or, with folder_name, as "
		  "quarantine-messages-list." },
	{ .name = "action",
	  CLI_FIELD(cli_stats_req, ss.action),
	  .choices = action_choices,
	  .help = "Smart Search: final disposition action of the message." },
	{ .name = "virus",
	  CLI_FIELD(cli_stats_req, ss.virus),
	  .help = "Smart Search: comma-separated list of detected virus names." },
	{ .name = "attachment",
	  CLI_FIELD(cli_stats_req, ss.attach),
	  .help = "Smart Search: comma-separated list of attachment names." },
	{ .name = "host",
	  CLI_FIELD(cli_stats_req, ss.host),
	  .help = "Smart Search: the host or IP address of the sender." },
	{ .name = "by",
	  CLI_FIELD(cli_stats_req, by),
	  .choices = by_choices,
	  .help = "Count per UTC hour or day (default: hours for a window up to 72 hours, else "
		  "days)." },
	{ .name = "top",
	  CLI_FIELD(cli_stats_req, top),
	  .def = "10",
	  .kind = CLI_ARG_INT,
	  .help = "The length of each top list." },
	{ .name = "limit",
	  CLI_FIELD(cli_stats_req, ss.count),
	  .kind = CLI_ARG_INT,
	  .help = "The most records counted, over every folder (default: one answer's most, "
		  "10000, quarantine 1000 per folder; with --all no limit)." },
	{ .name = "ascii",
	  CLI_FIELD(cli_stats_req, ascii),
	  .choices = bool_choices,
	  .kind = CLI_ARG_BOOL,
	  .help = "Draw the bars with '#' (also when the locale is not UTF-8 or TERM=dumb)." },
	{ .name = NULL },
};

const cli_command cli_commands_stats[] = {
	{
		.name = "stats",
		.summary = "Count where the mail goes: per hour or day, top senders and more",
		.description =
			"Counts the Smart Search trace of a window (or, with folder_name, the "
			"quarantine) as the records stream in: per UTC hour or day as a bar chart, "
			"then the top senders, sender domains, recipients, subjects and final "
			"actions (quarantine: folders), each with its count and share of the "
			"messages. One request by default, the whole window past the server's cap "
			"with --all. -o json and -o csv give the numbers (docs/output.md).",
		.args = stats_args,
		.ops = { PPS_OP_SMARTSEARCH, PPS_OP_QUARANTINE_SEARCH },
		.example = "pps stats --all start_time=\"7 days ago\" by=hour",
		.run = cmd_stats,
	},
	{ .name = NULL },
};
