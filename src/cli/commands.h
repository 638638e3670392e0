/*
 * The command table of pps: one entry per command, everything about it in one place. Dispatch,
 * argument checking, help, the man page, the README reference and completion all read it.
 */
#ifndef PPS_CLI_COMMANDS_H
#define PPS_CLI_COMMANDS_H

#include <stddef.h>
#include <stdio.h>

#include "cli/render.h"
#include "pps/pps.h"

/* The prefix of the reference's command names: proofpoint-pps-smart-search. */
#define CLI_REFERENCE_PREFIX "proofpoint-pps-"
/* The most arguments one command takes. */
#define CLI_MAX_ARGS 16

typedef enum cli_arg_kind {
	CLI_ARG_STRING,
	CLI_ARG_TIME,	  /* pps_time_parse: "<number> <unit> [ago]", now, today, ISO-8601 */
	CLI_ARG_BOOL,	  /* true/false, sent as t/f */
	CLI_ARG_INT,	  /* a positive integer */
	CLI_ARG_GUIDLIST, /* comma list, @FILE or - (stdin): one GUID per line, duplicates dropped */
	CLI_ARG_LIST,	  /* comma list or JSON array of strings */
	CLI_ARG_JSON	  /* a JSON object text */
} cli_arg_kind;

/*
 * Binds an argument to a member of its command's request struct (cli_command.req): the
 * member's type follows the kind: const char * (STRING, JSON, and the lists, which the handler
 * fills per batch or folder), pps_instant (TIME), pps_flag (BOOL), long (INT).
 */
#define CLI_FIELD(type, member) \
	.field = offsetof(type, member), .field_size = sizeof(((type *)0)->member), .bound = 1

typedef struct cli_arg_spec {
	const char *name;  /* as the reference names it: start_time */
	const char *alias; /* another accepted name (modify-user's UID), or NULL */
	size_t field;	   /* CLI_FIELD: where the value goes in the request */
	size_t field_size;
	int bound;
	const char *def;	    /* default value, or NULL */
	const char *const *choices; /* predefined values, NULL-terminated, or NULL */
	const char *help;	    /* one sentence */
	int required;		    /* 1: a usage error when missing or empty */
	cli_arg_kind kind;
} cli_arg_spec;

struct cli_ctx;
struct cli_args;
struct cli_command;

/* A command's handler: returns the exit status; prints its own one-line errors. */
typedef int (*cli_handler)(struct cli_ctx *ctx, const struct cli_args *args);

typedef struct cli_command {
	const char *name;	  /* short name: smart-search; the reference name adds the prefix */
	const char *alias;	  /* another accepted name (the reference's test-module), or NULL */
	const char *summary;	  /* one line for pps help */
	const char *description;  /* a paragraph for pps help COMMAND and the man page */
	const cli_arg_spec *args; /* terminated by an entry with name NULL */
	const char *const *one_of; /* at least one of these must be given, or NULL */
	const char *one_of_msg;	   /* the usage error when none is */
	/* The libpps operations it makes, PPS_OP_NONE-terminated (request lines from libpps). */
	pps_op ops[4];
	const char *verb;    /* past tense for bulk counts: released */
	const char *example; /* one example command line */
	cli_handler run;
	/* The words that are no name=value (files: "FILE... | -"), as usage shows them; NULL: none.
	 */
	const char *operands;
	cli_output_spec out;
	pps_qaction action; /* the quarantine action of an action command */
	int reference;	    /* 1: also known as proofpoint-pps-<name> */
	int local;	    /* 1: reads local input only: no server settings, no client */
	/* 1: --dry-run still reads (GET) to show what would change; only writes are left out. */
	int dry_run_reads;
} cli_command;

/* A global option of pps (before the command). */

/* The table, terminated by an entry with name NULL. */
extern const cli_command cli_commands[];
/* The commands of the terminal view: pps triage (commands_triage.c). */
extern const cli_command cli_commands_triage[];
/* Inspecting a message: inspect, quarantine-message-inspect (commands_inspect.c). */
extern const cli_command cli_commands_inspect[];
/* The tables of the commands pps adds, one per topic: stats (commands_stats.c). */
extern const cli_command cli_commands_stats[];
/* The commands that read what pps recorded locally (commands_audit.c). */
extern const cli_command cli_commands_audit[];
/* The end users' safe and block list commands (commands_lists.c). */
extern const cli_command cli_commands_lists[];

/*
 * Every command of pps, in order: the reference's table (cli_commands) first, then the tables
 * of the commands pps adds, one per topic (registered in command_find.c). Iterate with
 * for (c = cli_command_first(); c; c = cli_command_next(c)).
 */
const cli_command *cli_command_first(void);
const cli_command *cli_command_next(const cli_command *c);

/*
 * Finds a command by its short or reference name; a leading '!' (a line pasted from the XSOAR
 * war room) is ignored. Returns NULL when there is none.
 */
const cli_command *cli_command_find(const char *name);
/* The known command name closest to a mistyped one (prefix and '!' ignored), or NULL. */
const char *cli_command_suggest(const char *name);
/* The index of an argument by name or alias (hyphens match underscores), or -1. */
int cli_command_arg_index(const cli_command *cmd, const char *name);
/* The number of arguments of a command. */
size_t cli_command_nargs(const cli_command *cmd);

#endif
