/*
 * The commands of the terminal view: pps triage. The table only; the view lives in src/cli/tui/
 * (the one place that speaks to ncursesw).
 */
#include "cli/commands.h"

#include <stddef.h>

#include "cli/cli.h"
#include "cli/tui/triage.h"

#include "util/banned.h"

static const cli_arg_spec triage_args[] = {
	{ .name = "sender",
	  CLI_FIELD(pps_quarantine_search_req, sender),
	  .help = "Envelope sender equals, starts with (foo*), ends with (*foo) or is in a domain "
		  "(bar.com)." },
	{ .name = "recipient",
	  CLI_FIELD(pps_quarantine_search_req, recipient),
	  .help = "Envelope recipient; same matching as sender." },
	{ .name = "subject",
	  CLI_FIELD(pps_quarantine_search_req, subject),
	  .help = "Subject starts with (Loan*), ends with (*Loan) or contains (Loan). Without "
		  "sender, recipient and subject the view asks for subject=* (every message)." },
	{ .name = "start_time",
	  CLI_FIELD(pps_quarantine_search_req, start),
	  .def = "24 hours",
	  .kind = CLI_ARG_TIME,
	  .help = "Time from when the view begins: <number> <unit> [ago], now, today, yesterday "
		  "or ISO-8601." },
	{ .name = "end_time",
	  CLI_FIELD(pps_quarantine_search_req, end),
	  .def = "now",
	  .kind = CLI_ARG_TIME,
	  .help = "Time when the view ends: <number> <unit> [ago], now, today, yesterday or "
		  "ISO-8601." },
	{ .name = "folder_name",
	  CLI_FIELD(pps_quarantine_search_req, folder),
	  .def = "Quarantine",
	  .kind = CLI_ARG_LIST,
	  .help = "Quarantine folder; several as a comma list or a JSON array, shown one after "
		  "the other in the order given." },
	{ .name = NULL },
};

const cli_command cli_commands_triage[] = {
	{
		.name = "triage",
		.summary = "Review a quarantine in a full-screen terminal view",
		.description =
			"Opens a full-screen view of the quarantine on the counts of pps stats "
			"(the chart per hour or day, the top lists) of the folders as they are "
			"read, said partial until every page is; Tab switches to the index of "
			"messages (date, folder, from, subject, score, size) in the server's "
			"order, read page by page through the walk between key reads, so that a "
			"large folder opens at once and only the pages near the screen are kept; "
			"the preview of a message (Enter: its inspection and record); marks, and "
			"the actions of the command line (release, delete, "
			"move, forward, resubmit, the sender to the recipient's block or safe "
			"list, "
			"download) on the message under the cursor or the marked ones, each "
			"confirmed, run as the command runs it and journaled under "
			"$XDG_STATE_HOME/pps/triage/. The keys are listed in KEYS. Needs a "
			"terminal: "
			"with TERM=dumb or no terminal on standard input and output it exits 2.",
		.args = triage_args,
		.ops = { PPS_OP_QUARANTINE_SEARCH, PPS_OP_QUARANTINE_ACTION,
			 PPS_OP_QUARANTINE_DOWNLOAD },
		.example = "pps triage folder_name=Quarantine,Phish start_time='7 days'",
		.run = cmd_triage,
	},
	{ .name = NULL },
};
