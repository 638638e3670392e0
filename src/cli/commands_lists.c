/*
 * The commands of end users' safe and block lists: add, remove and list, each once for the
 * safelist and once for the blocklist. Table entries only; the handlers are cmd_lists.c's.
 */
#include "cli/commands.h"

#include <stddef.h>

#include "cli/cli.h"

#include "util/banned.h"

#define EMAIL_HELP "Email address of the user (wins over uid)."
#define ENTRY_HELP                                                                               \
	"Entries: an address (user@example.com), @domain or a domain (example.com), "            \
	"comma-separated; - reads standard input: one entry per line for the user of email= or " \
	"uid=, or records {\"email\":...,\"entry\":...} (one per line) for many users."

static const char *const list_columns[] = { "email", "entry", NULL };
static const cli_column_rule list_rules[] = {
	{ "email", CLI_COL_ID, 0 },
	{ "entry", CLI_COL_ID, 0 },
	{ NULL, CLI_COL_TEXT, 0 },
};

static const cli_arg_spec change_args[] = {
	{ .name = "email", CLI_FIELD(cli_ulist_req, email), .help = EMAIL_HELP },
	{ .name = "uid", CLI_FIELD(cli_ulist_req, uid), .help = "UID of the user." },
	{ .name = "entry", CLI_FIELD(cli_ulist_req, entry), .required = 1, .help = ENTRY_HELP },
	{ .name = NULL },
};

static const cli_arg_spec list_args[] = {
	{ .name = "email", CLI_FIELD(cli_ulist_req, email), .help = EMAIL_HELP },
	{ .name = "uid", CLI_FIELD(cli_ulist_req, uid), .help = "UID of the user." },
	{ .name = NULL },
};

static const char *const email_or_uid[] = { "email", "uid", NULL };

/* The arguments are pasted into string literals and initializers: no parentheses possible. */
/* NOLINTBEGIN(bugprone-macro-parentheses) */
#define CHANGE_DESCRIPTION(list, verb)                                                         \
	verb " the user's " list " without losing any other: reads the profile, "              \
	     "merges, writes the " list " alone, reads it back and starts over (at most 5 "    \
	     "writes) when another admin changed it meanwhile. Nothing is sent when there is " \
	     "nothing to change; --dry-run reads and prints the difference (+ added, - "       \
	     "removed, = unchanged). --report FILE journals each user's change, and a rerun "  \
	     "with the same report skips the users done."

#define CHANGE_COMMAND(cmd_name, sum, desc, ex, handler)                                    \
	{                                                                                   \
		.name = cmd_name, .summary = sum, .description = desc, .args = change_args, \
		.ops = { PPS_OP_ENDUSER_GET, PPS_OP_ENDUSER_MODIFY }, .verb = "changed",    \
		.example = ex, .run = handler, .dry_run_reads = 1                           \
	}

#define LIST_COMMAND(cmd_name, sum, ttl, ctxpath, ex, handler)                                 \
	{                                                                                      \
		.name = cmd_name, .summary = sum,                                              \
		.description = "Lists the entries of the user's " ttl ", one record each.",    \
		.args = list_args, .one_of = email_or_uid,                                     \
		.one_of_msg = "Please specify an email or uid", .ops = { PPS_OP_ENDUSER_GET }, \
		.example = ex, .run = handler,                                                 \
		.out = {.title = "Proofpoint Protection Server User " ttl,                     \
			.context = ctxpath,                                                    \
			.key = "entry",                                                        \
			.columns = list_columns,                                               \
			.rules = list_rules }                                                  \
	}

/* NOLINTEND(bugprone-macro-parentheses) */

const cli_command cli_commands_lists[] = {
	CHANGE_COMMAND("user-safelist-add", "Add entries to an end user's safelist",
		       CHANGE_DESCRIPTION("safelist", "Adds entries to"),
		       "pps user-safelist-add email=jane.doe@example.com entry=partner.example",
		       cmd_user_safelist_add),
	CHANGE_COMMAND("user-safelist-remove", "Remove entries from an end user's safelist",
		       CHANGE_DESCRIPTION("safelist", "Removes entries from"),
		       "pps user-safelist-remove email=jane.doe@example.com entry=partner.example",
		       cmd_user_safelist_remove),
	LIST_COMMAND("user-safelist-list", "List an end user's safelist", "safelist",
		     "Proofpoint.User.Safelist",
		     "pps user-safelist-list email=jane.doe@example.com", cmd_user_safelist_list),
	CHANGE_COMMAND("user-blocklist-add", "Add entries to an end user's blocklist",
		       CHANGE_DESCRIPTION("blocklist", "Adds entries to"),
		       "pps user-blocklist-add email=jane.doe@example.com entry=@spam.example",
		       cmd_user_blocklist_add),
	CHANGE_COMMAND("user-blocklist-remove", "Remove entries from an end user's blocklist",
		       CHANGE_DESCRIPTION("blocklist", "Removes entries from"),
		       "pps user-blocklist-remove email=jane.doe@example.com entry=bulkmail.test",
		       cmd_user_blocklist_remove),
	LIST_COMMAND("user-blocklist-list", "List an end user's blocklist", "blocklist",
		     "Proofpoint.User.Blocklist",
		     "pps user-blocklist-list email=jane.doe@example.com", cmd_user_blocklist_list),
	{ .name = NULL },
};
