/*
 * The commands that read what pps itself recorded, sending nothing (no server, no
 * credentials): pps audit, the audit trail's listing (audit.h).
 */
#include <stddef.h>

#include "cli/audit.h"
#include "cli/cli.h"
#include "cli/commands.h"

#include "util/banned.h"

static const char *const outcome_choices[] = { "done", "refused", "unknown", "not_sent", NULL };

static const char *const audit_columns[] = { "time", "operation", "targets", "outcome",
					     "user", "cluster",	  NULL };

static const cli_column_rule audit_rules[] = {
	/* What was done, to what, with what outcome is read first; the id joins lines only. */
	{ "time", CLI_COL_FIXED, 3 },	{ "operation", CLI_COL_FIXED, 5 },
	{ "targets", CLI_COL_TEXT, 4 }, { "outcome", CLI_COL_FIXED, 5 },
	{ "user", CLI_COL_FIXED, 2 },	{ "cluster", CLI_COL_FIXED, 1 },
	{ "id", CLI_COL_FIXED, 0 },	{ NULL, CLI_COL_TEXT, 0 },
};

static const cli_arg_spec audit_args[] = {
	{ .name = "since",
	  CLI_FIELD(cli_audit_query, since),
	  .kind = CLI_ARG_TIME,
	  .help = "Only the requests from this time: <number> <unit> [ago], now, today, yesterday "
		  "or ISO-8601." },
	{ .name = "until",
	  CLI_FIELD(cli_audit_query, until),
	  .kind = CLI_ARG_TIME,
	  .help = "Only the requests up to this time (same forms as since)." },
	{ .name = "operation",
	  CLI_FIELD(cli_audit_query, operation),
	  .help = "Only this operation: release, resubmit, forward, move, delete, create-user, "
		  "modify-user, delete-user, or a list change." },
	{ .name = "target",
	  CLI_FIELD(cli_audit_query, target),
	  .help = "Only the requests naming this localguid, GUID, end user, list entry or "
		  "forward recipient (addresses in any case): who did what to it." },
	{ .name = "outcome",
	  CLI_FIELD(cli_audit_query, outcome),
	  .choices = outcome_choices,
	  .help = "Only this outcome; an intent without an outcome line is unknown." },
	{ .name = "file",
	  CLI_FIELD(cli_audit_query, file),
	  .help = "The audit file to read (default: the profile's audit, else "
		  "$XDG_STATE_HOME/pps/audit.ndjson)." },
	{ .name = NULL },
};

const cli_command cli_commands_audit[] = {
	{
		.name = "audit",
		.summary = "List the changes pps made: who did what, when, where, and the outcome",
		.description =
			"Lists the audit file, where pps records every request that changes "
			"something (the quarantine actions, the user and list changes) with an "
			"intent line before it is sent and an outcome line after it: one row per "
			"request, oldest first, with the outcome done, refused, unknown (no "
			"outcome "
			"line: the answer was lost or pps was killed) or not_sent. Reads the local "
			"file only: no server, no credentials. A damaged line is skipped with a "
			"warning.",
		.args = audit_args,
		.local = 1,
		.ops = { PPS_OP_NONE },
		.example = "pps audit target=4:2:6",
		.run = cmd_audit,
		.out = { .title = "pps audit trail",
			 .context = "PPS.Audit",
			 .key = "id",
			 .columns = audit_columns,
			 .rules = audit_rules },
	},
	{ .name = NULL },
};
