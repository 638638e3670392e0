/*
 * THE command table: every fact about a command (names, arguments, defaults, predefined values,
 * help, wire names, output) is written here once. Handlers live in cmd_*.c; no I/O here.
 */
#include "cli/commands.h"

#include <stddef.h>
#include <string.h>

#include "cli/cli.h"

#include "util/banned.h"

#define START_HELP                                                                                \
	"Time from when the search should begin: <number> <unit> [ago] (12 hours, 7 days), now, " \
	"today or yesterday (midnight UTC), or ISO-8601 (2020-01-25T10:00:00Z; a time without a " \
	"zone is UTC)."
#define END_HELP                                                                              \
	"Time of when the search should end: <number> <unit> [ago], now, today or yesterday " \
	"(midnight UTC), or ISO-8601 (without a zone, UTC)."
#define FOLDER_HELP                                                                           \
	"Name of the folder where the message is stored (e.g., HIPAA); may be left out when " \
	"local_guid holds records, which name their folders."
#define LOCAL_GUID_HELP                                                                           \
	"Comma-separated list of message GUIDs (folder_id:table_id:dbase_id such as 4:2:6, or a " \
	"cloud GUID: up to 128 printable ASCII characters without commas or quotes); @FILE or - " \
	"(stdin) reads one per line: a GUID or a JSON record as "                                 \
	"quarantine-messages-list -o ndjson prints it (or --report writes it)."
#define DELETED_FOLDER_HELP                                                                  \
	"Name of the folder to move the message to; it must hold the same type of module's " \
	"messages (spam or DLP incidents)."

static const char *const bool_choices[] = { "true", "false", NULL };
static const char *const action_choices[] = { "accept", "continue", "discard", "redirect",
					      "reject", "retry",    NULL };

/* Field lists of the outputs, in the reference's order. */
static const char *const search_columns[] = { "GUID",	 "Date",	 "Sender", "Recipients",
					      "Subject", "Final_Action", NULL };
static const char *const quarantine_columns[] = { "localguid", "folder", "spamscore", "from",
						  "rcpts",     "date",	 "subject",   "size",
						  "host_ip",   NULL };
static const char *const user_columns[] = { "uid",     "email",	       "firstname", "lastname",
					    "created", "lastmodified", NULL };

/*
 * How a narrow terminal treats the table columns: identifiers are never cut (they are copied
 * into the next command); who sent it and to whom is read first, so lower-ranked columns are
 * hidden to give them their share; the lowest rank is cut or hidden first.
 */
static const cli_column_rule search_rules[] = {
	{ "GUID", CLI_COL_ID, 0 },
	{ "Sender", CLI_COL_PARTY, 4 },
	{ "Recipients", CLI_COL_PARTY, 4 },
	{ "Subject", CLI_COL_TEXT, 3 },
	{ "Final_Action", CLI_COL_FIXED, 2 },
	{ "Date", CLI_COL_FIXED, 1 },
	{ NULL, CLI_COL_TEXT, 0 },
};
static const cli_column_rule quarantine_rules[] = {
	{ "localguid", CLI_COL_ID, 0 }, { "guid", CLI_COL_ID, 0 },
	{ "from", CLI_COL_PARTY, 6 },	{ "rcpts", CLI_COL_PARTY, 6 },
	{ "subject", CLI_COL_TEXT, 5 }, { "folder", CLI_COL_FIXED, 4 },
	{ "date", CLI_COL_FIXED, 3 },	{ "spamscore", CLI_COL_FIXED, 2 },
	{ "size", CLI_COL_FIXED, 0 },	{ "host_ip", CLI_COL_FIXED, 0 },
	{ NULL, CLI_COL_TEXT, 0 },
};
static const cli_column_rule user_rules[] = {
	{ "uid", CLI_COL_ID, 0 },	  { "email", CLI_COL_ID, 0 },
	{ "firstname", CLI_COL_TEXT, 2 }, { "lastname", CLI_COL_TEXT, 2 },
	{ "created", CLI_COL_FIXED, 1 },  { "lastmodified", CLI_COL_FIXED, 0 },
	{ NULL, CLI_COL_TEXT, 0 },
};

static const cli_arg_spec search_args[] = {
	{ .name = "action",
	  CLI_FIELD(pps_smartsearch_req, action),
	  .choices = action_choices,
	  .help = "Final disposition action of the message." },
	{ .name = "start_time",
	  CLI_FIELD(pps_smartsearch_req, start),
	  .def = "24 hours",
	  .kind = CLI_ARG_TIME,
	  .help = START_HELP },
	{ .name = "end_time",
	  CLI_FIELD(pps_smartsearch_req, end),
	  .kind = CLI_ARG_TIME,
	  .help = END_HELP },
	{ .name = "virus",
	  CLI_FIELD(pps_smartsearch_req, virus),
	  .help = "Comma-separated list of the detected virus names that infected the message." },
	{ .name = "sender",
	  CLI_FIELD(pps_smartsearch_req, env_from),
	  .help = "Envelope sender address; partial matches such as a.b*, *@c.d, @*.d work." },
	{ .name = "recipient",
	  CLI_FIELD(pps_smartsearch_req, env_rcpt),
	  .help = "Envelope recipient address; same partial matches as sender." },
	{ .name = "attachment",
	  CLI_FIELD(pps_smartsearch_req, attach),
	  .help = "Comma-separated list of the message attachments." },
	{ .name = "queue_id",
	  CLI_FIELD(pps_smartsearch_req, qid),
	  .help = "ID of the message queue." },
	{ .name = "host",
	  CLI_FIELD(pps_smartsearch_req, host),
	  .help = "The host or IP address of the sender." },
	{ .name = "sid", CLI_FIELD(pps_smartsearch_req, sid), .help = "The SID of the message." },
	{ .name = "subject",
	  CLI_FIELD(pps_smartsearch_req, subject),
	  .help = "The subject; stemmed, stop words dropped, a trailing * makes a prefix." },
	{ .name = "guid",
	  CLI_FIELD(pps_smartsearch_req, guid),
	  .help = "The global unique ID of the message." },
	{ .name = "message_id",
	  CLI_FIELD(pps_smartsearch_req, hdr_mid),
	  .help = "The header Message-ID." },
	{ .name = "limit",
	  CLI_FIELD(pps_smartsearch_req, count),
	  .def = "100",
	  .kind = CLI_ARG_INT,
	  .help = "The maximum number of messages to return (the server caps it)." },
	{ .name = NULL },
};

static const char *const sender_or_rcpt[] = { "sender", "recipient", "subject", "guid", NULL };

static const cli_arg_spec qlist_args[] = {
	{ .name = "sender",
	  CLI_FIELD(cli_qlist_req, search.sender),
	  .help = "Envelope sender equals, starts with (foo*), ends with (*foo) or is in a domain "
		  "(bar.com)." },
	{ .name = "recipient",
	  CLI_FIELD(cli_qlist_req, search.recipient),
	  .help = "Envelope recipient; same matching as sender." },
	{ .name = "subject",
	  CLI_FIELD(cli_qlist_req, search.subject),
	  .help = "Subject starts with (Loan*), ends with (*Loan) or contains (Loan)." },
	{ .name = "start_time",
	  CLI_FIELD(cli_qlist_req, search.start),
	  .def = "24 hours",
	  .kind = CLI_ARG_TIME,
	  .help = START_HELP },
	{ .name = "end_time",
	  CLI_FIELD(cli_qlist_req, search.end),
	  .def = "now",
	  .kind = CLI_ARG_TIME,
	  .help = END_HELP },
	{ .name = "folder_name",
	  CLI_FIELD(cli_qlist_req, search.folder),
	  .def = "Quarantine",
	  .kind = CLI_ARG_LIST,
	  .help = "Quarantine folder; several as a comma list or a JSON array, one request each; "
		  "a folder named twice is queried once, with a warning on stderr." },
	{ .name = "guid",
	  CLI_FIELD(cli_qlist_req, guid),
	  .help = "Global unique ID of a message: prints that message's raw data instead." },
	{ .name = "limit",
	  CLI_FIELD(cli_qlist_req, search.limit),
	  .def = "100",
	  .kind = CLI_ARG_INT,
	  .help = "The maximum number of messages to return (the server's maximum is 1000)." },
	{ .name = NULL },
};

/* The arguments every quarantine action shares. */
#define ARG_FOLDER_NAME                                                              \
	{                                                                            \
		.name = "folder_name", CLI_FIELD(pps_quarantine_action_req, folder), \
		.help = FOLDER_HELP                                                  \
	}
#define ARG_LOCAL_GUID                                                                 \
	{                                                                              \
		.name = "local_guid", CLI_FIELD(pps_quarantine_action_req, localguid), \
		.required = 1, .kind = CLI_ARG_GUIDLIST, .help = LOCAL_GUID_HELP       \
	}
#define ARG_DELETED_FOLDER                                                                     \
	{                                                                                      \
		.name = "deleted_folder", CLI_FIELD(pps_quarantine_action_req, deletedfolder), \
		.help = DELETED_FOLDER_HELP                                                    \
	}

static const cli_arg_spec release_args[] = {
	ARG_FOLDER_NAME,
	ARG_LOCAL_GUID,
	ARG_DELETED_FOLDER,
	{ .name = "scan",
	  CLI_FIELD(pps_quarantine_action_req, scan),
	  .def = "false",
	  .choices = bool_choices,
	  .kind = CLI_ARG_BOOL,
	  .help = "Whether to rescan the message with the DLP and Attachment Defense modules." },
	{ .name = "brand_template",
	  CLI_FIELD(pps_quarantine_action_req, brandtemplate),
	  .help = "The Branding Template to use when an encrypted message is released." },
	{ .name = "security_policy",
	  CLI_FIELD(pps_quarantine_action_req, securitypolicy),
	  .help = "The Secure Reader response profile to use for an encrypted message." },
	{ .name = NULL },
};

static const cli_arg_spec resubmit_args[] = {
	ARG_FOLDER_NAME,
	ARG_LOCAL_GUID,
	{ .name = NULL },
};

static const cli_arg_spec forward_args[] = {
	ARG_FOLDER_NAME,
	ARG_LOCAL_GUID,
	ARG_DELETED_FOLDER,
	{ .name = "subject",
	  CLI_FIELD(pps_quarantine_action_req, subject),
	  .help = "The new subject that replaces the original one." },
	{ .name = "append_old_subject",
	  CLI_FIELD(pps_quarantine_action_req, appendoldsubject),
	  .def = "false",
	  .choices = bool_choices,
	  .kind = CLI_ARG_BOOL,
	  .help = "Whether to append the original subject to the new subject." },
	{ .name = "sender",
	  CLI_FIELD(pps_quarantine_action_req, envelope_from),
	  .help = "The envelope sender address." },
	{ .name = "header_from",
	  CLI_FIELD(pps_quarantine_action_req, header_from),
	  .help = "The header From address." },
	{ .name = "recipient",
	  CLI_FIELD(pps_quarantine_action_req, to),
	  .required = 1,
	  .help = "Comma-separated list of recipient addresses." },
	{ .name = "comment",
	  CLI_FIELD(pps_quarantine_action_req, comment),
	  .help = "New message body; the original message is attached." },
	{ .name = NULL },
};

static const cli_arg_spec move_args[] = {
	ARG_FOLDER_NAME,
	ARG_LOCAL_GUID,
	{ .name = "target_folder",
	  CLI_FIELD(pps_quarantine_action_req, targetfolder),
	  .required = 1,
	  .help = "Name of the folder to move the message to (e.g., PCI), of the same module "
		  "type." },
	{ .name = NULL },
};

static const cli_arg_spec delete_args[] = {
	ARG_FOLDER_NAME,
	ARG_LOCAL_GUID,
	ARG_DELETED_FOLDER,
	{ .name = NULL },
};

static const cli_arg_spec download_args[] = {
	{ .name = "guid",
	  CLI_FIELD(cli_download_req, guid),
	  .required = 1,
	  .help = "Global unique ID of the message (e.g., g4fsnj_sTLMk9hECaJwmmxwP6lQkr5k7)." },
	{ .name = "out",
	  CLI_FIELD(cli_download_req, out),
	  .help = "Where to write the message: a file or directory; - for stdout. Default "
		  "<guid>.eml in the current directory." },
	{ .name = "force",
	  CLI_FIELD(cli_download_req, force),
	  .def = "false",
	  .choices = bool_choices,
	  .kind = CLI_ARG_BOOL,
	  .help = "Whether to overwrite an existing file." },
	{ .name = NULL },
};

static const char *const email_or_uid[] = { "email", "uid", NULL };

static const cli_arg_spec get_user_args[] = {
	{ .name = "email",
	  CLI_FIELD(pps_enduser_req, email),
	  .help = "Email address of the user (wins over uid)." },
	{ .name = "uid", CLI_FIELD(pps_enduser_req, uid), .help = "UID of the user." },
	{ .name = NULL },
};

static const cli_arg_spec create_user_args[] = {
	{ .name = "email",
	  CLI_FIELD(pps_enduser_req, email),
	  .required = 1,
	  .help = "Email address of the user." },
	{ .name = "fields",
	  CLI_FIELD(pps_enduser_req, fields_json),
	  .kind = CLI_ARG_JSON,
	  .help = "Profile fields as a JSON object (e.g., "
		  "{\"firstname\":\"Jane\",\"addgroup\":\"g\"})." },
	{ .name = "attributes",
	  CLI_FIELD(pps_enduser_req, attributes_json),
	  .kind = CLI_ARG_JSON,
	  .help = "Attributes as a JSON object." },
	{ .name = NULL },
};

static const cli_arg_spec modify_user_args[] = {
	{ .name = "email",
	  CLI_FIELD(pps_enduser_req, email),
	  .help = "Email address of the user (wins over uid)." },
	{ .name = "uid",
	  .alias = "UID",
	  CLI_FIELD(pps_enduser_req, uid),
	  .help = "UID of the user." },
	{ .name = "fields",
	  CLI_FIELD(pps_enduser_req, fields_json),
	  .kind = CLI_ARG_JSON,
	  .help = "Profile fields as a JSON object (firstname, lastname, addgroup, safelist, "
		  "...)." },
	{ .name = "attributes",
	  CLI_FIELD(pps_enduser_req, attributes_json),
	  .kind = CLI_ARG_JSON,
	  .help = "Attributes as a JSON object, merged into the profile's." },
	{ .name = NULL },
};

static const cli_arg_spec no_args[] = {
	{ .name = NULL },
};

#define EMAIL_OR_UID_MSG "Please specify an email or uid"

const cli_command cli_commands[] = {
	{
		.name = "smart-search",
		.reference = 1,
		.summary = "Trace messages after filtering (Smart Search)",
		.description =
			"Traces and analyzes messages after the Proofpoint Protection Server "
			"filtered them. Records come newest first.",
		.args = search_args,
		.ops = { PPS_OP_SMARTSEARCH },
		.example =
			"pps smart-search recipient=user@example.com start_time=\"24 hours ago\"",
		.run = cmd_smart_search,
		.out = { .title = "Proofpoint Protection Server Smart Search Results",
			 .context = "Proofpoint.SmartSearch",
			 .key = "GUID",
			 .columns = search_columns,
			 .rules = search_rules },
	},
	{
		.name = "quarantine-messages-list",
		.reference = 1,
		.summary = "Search quarantined messages",
		.description =
			"Searches quarantined messages in one or more folders: one request per "
			"folder, concatenated in the order given, each folder in the server's "
			"order; limit= caps the total. With guid, prints that message's raw data "
			"(-o json: an object with its size, sha256 and text).",
		.args = qlist_args,
		.one_of = sender_or_rcpt,
		.one_of_msg = "At least one of the following arguments must be specified: sender, "
			      "recipient, subject.",
		.ops = { PPS_OP_QUARANTINE_SEARCH, PPS_OP_QUARANTINE_DOWNLOAD },
		.example = "pps quarantine-messages-list subject='Loan*' sender=john@doe.com",
		.run = cmd_quarantine_list,
		.out = { .title = "Proofpoint Protection Server Quarantined Messages",
			 .context = "Proofpoint.QuarantinedMessage",
			 .key = "guid",
			 .columns = quarantine_columns,
			 .rules = quarantine_rules },
	},
	{
		.name = "quarantine-message-release",
		.reference = 1,
		.summary = "Release quarantined messages without further scanning",
		.description = "Releases the messages to the email infrastructure without further "
			       "scanning. They stay in the folder, or move to deleted_folder.",
		.args = release_args,
		.ops = { PPS_OP_QUARANTINE_ACTION },
		.action = PPS_QA_RELEASE,
		.verb = "released",
		.example = "pps quarantine-message-release folder_name=HIPAA local_guid=4:2:6",
		.run = cmd_quarantine_action,
	},
	{
		.name = "quarantine-message-resubmit",
		.reference = 1,
		.summary = "Resubmit quarantined messages to the filtering modules",
		.description =
			"Resubmits the messages to the filtering modules; they leave the folder.",
		.args = resubmit_args,
		.ops = { PPS_OP_QUARANTINE_ACTION },
		.action = PPS_QA_RESUBMIT,
		.verb = "resubmitted",
		.example = "pps quarantine-message-resubmit folder_name=HIPAA local_guid=4:2:6",
		.run = cmd_quarantine_action,
	},
	{
		.name = "quarantine-message-forward",
		.reference = 1,
		.summary = "Forward quarantined messages to other recipients",
		.description =
			"Forwards the messages to other recipients. They stay in the folder, or "
			"move to deleted_folder.",
		.args = forward_args,
		.ops = { PPS_OP_QUARANTINE_ACTION },
		.action = PPS_QA_FORWARD,
		.verb = "forwarded",
		.example = "pps quarantine-message-forward folder_name=HIPAA local_guid=4:2:6 "
			   "recipient=analyst@example.com",
		.run = cmd_quarantine_action,
	},
	{
		.name = "quarantine-message-move",
		.reference = 1,
		.summary = "Move quarantined messages to another folder",
		.description =
			"Moves the messages to target_folder, which must hold the same type of "
			"module's messages.",
		.args = move_args,
		.ops = { PPS_OP_QUARANTINE_ACTION },
		.action = PPS_QA_MOVE,
		.verb = "moved",
		.example = "pps quarantine-message-move folder_name=HIPAA local_guid=4:2:6 "
			   "target_folder=PCI",
		.run = cmd_quarantine_action,
	},
	{
		.name = "quarantine-message-delete",
		.reference = 1,
		.summary = "Delete quarantined messages",
		.description = "Deletes the messages from their folder, or moves them to "
			       "deleted_folder.",
		.args = delete_args,
		.ops = { PPS_OP_QUARANTINE_ACTION },
		.action = PPS_QA_DELETE,
		.verb = "deleted",
		.example = "pps quarantine-message-delete folder_name=HIPAA local_guid=4:2:6",
		.run = cmd_quarantine_action,
	},
	{
		.name = "quarantine-message-download",
		.reference = 1,
		.summary = "Download a quarantined message's raw data",
		.description = "Writes the raw message byte-exact to <guid>.eml, atomically; never "
			       "overwrites a file unless force=true.",
		.args = download_args,
		.ops = { PPS_OP_QUARANTINE_DOWNLOAD },
		.example = "pps quarantine-message-download guid=g4fsnj_sTLMk9hECaJwmmxwP6lQkr5k7",
		.run = cmd_quarantine_download,
	},
	{
		.name = "get-user",
		.reference = 1,
		.summary = "Get an end user by email address or UID",
		.description = "Gets the end-user profile with the email address or UID.",
		.args = get_user_args,
		.one_of = email_or_uid,
		.one_of_msg = EMAIL_OR_UID_MSG,
		.ops = { PPS_OP_ENDUSER_GET },
		.example = "pps get-user email=demo.user@example.com",
		.run = cmd_get_user,
		.out = { .title = "Proofpoint Protection Server Users",
			 .context = "Proofpoint.User",
			 .key = "email",
			 .columns = user_columns,
			 .single = 1,
			 .rules = user_rules },
	},
	{
		.name = "create-user",
		.reference = 1,
		.summary = "Create an end user",
		.description = "Creates an end-user profile with the email address.",
		.args = create_user_args,
		.ops = { PPS_OP_ENDUSER_CREATE },
		.example = "pps create-user email=new.user@example.com "
			   "fields='{\"firstname\":\"New\",\"lastname\":\"User\"}'",
		.run = cmd_create_user,
		.out = { .title = "User created",
			 .context = "Proofpoint.User",
			 .key = "email",
			 .columns = user_columns,
			 .single = 1,
			 .rules = user_rules },
	},
	{
		.name = "modify-user",
		.reference = 1,
		.summary = "Modify an end user",
		.description = "Modifies the end-user profile with the email address or UID.",
		.args = modify_user_args,
		.one_of = email_or_uid,
		.one_of_msg = EMAIL_OR_UID_MSG,
		.ops = { PPS_OP_ENDUSER_MODIFY },
		.example = "pps modify-user email=demo.user@example.com "
			   "fields='{\"lastname\":\"Doe\"}'",
		.run = cmd_modify_user,
		.out = { .title = "Modified User",
			 .context = "Proofpoint.User",
			 .key = "email",
			 .columns = user_columns,
			 .single = 1,
			 .rules = user_rules },
	},
	{
		.name = "delete-user",
		.reference = 1,
		.summary = "Delete an end user",
		.description = "Deletes the end-user profile with the email address or UID.",
		.args = get_user_args,
		.one_of = email_or_uid,
		.one_of_msg = EMAIL_OR_UID_MSG,
		.ops = { PPS_OP_ENDUSER_DELETE },
		.example = "pps delete-user uid=demo.user",
		.run = cmd_delete_user,
	},
	{
		.name = "test",
		.alias = "test-module",
		.summary = "Check the credentials and every managed module",
		.description = "Checks the credentials and each managed module the API role needs "
			       "(pss, Quarantine, enduser); prints ok or names what is missing.",
		.args = no_args,
		.ops = { PPS_OP_HEALTH, PPS_OP_QUARANTINE_SEARCH, PPS_OP_ENDUSER_GET },
		.example = "pps test",
		.run = cmd_test,
	},
	{
		.name = "health",
		.summary = "Check the server's health",
		.description = "Asks the server for its health (GET /pss/health).",
		.args = no_args,
		.ops = { PPS_OP_HEALTH },
		.example = "pps -o json health",
		.run = cmd_health,
	},
	{ .name = NULL },
};
