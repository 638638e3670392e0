/*
 * Command arguments: name=value, --name value and --name=value, checked against the command
 * table (unknown names, required, predefined values, booleans, integers, times, JSON, lists)
 * before anything is sent. Knows no wire format.
 */
#ifndef PPS_CLI_ARGS_H
#define PPS_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/lists.h"
#include "cli/commands.h"
#include "pps/pps.h"

/* The checked arguments of one command; cli_args_release() frees what it holds. */
typedef struct cli_args {
	const cli_command *cmd;
	const char
		*value[CLI_MAX_ARGS]; /* borrowed from argv or the table's default; NULL = unset */
	int given[CLI_MAX_ARGS];      /* 1: on the command line (not a default) */
	pps_instant time[CLI_MAX_ARGS]; /* CLI_ARG_TIME */
	int boolean[CLI_MAX_ARGS];	/* CLI_ARG_BOOL */
	long number[CLI_MAX_ARGS];	/* CLI_ARG_INT */
	cli_strlist list[CLI_MAX_ARGS]; /* CLI_ARG_GUIDLIST and CLI_ARG_LIST */
	cli_strlist dups;		/* CLI_ARG_LIST items named more than once, once each */
	int from_file;			/* 1: a list was read from a file or stdin */
	/* The command's operands (cli_command.operands) in order, borrowed from argv; malloc'd. */
	const char **operands;
	size_t noperands;
} cli_args;

/*
 * The one tokeniser of a command's words: how many words from argv[k] make the command's next
 * argument (1: name=value, --name=value or a bare boolean --name; 2: --name value), or 0 when
 * argv[k] is an option that is none of the command's arguments (a global option of pps).
 */
int cli_args_words(const cli_command *cmd, int argc, const char *const *argv, int k);

/*
 * Parses argv[0..argc) (the words after the command name) for cmd, relative to now (epoch
 * seconds); in is read for "local_guid=-". Defaults are applied and every value is checked.
 * Returns 0, or -1 with a one-line reason (without the "pps: " prefix) in err. out is always
 * initialised and must be released.
 */
int cli_args_parse(cli_args *out, const cli_command *cmd, int argc, const char *const *argv,
		   int64_t now, FILE *in, char *err, size_t errlen);
void cli_args_release(cli_args *a);

/* The value of an argument by name (NULL when unset). The name must be in the table. */
const char *cli_args_get(const cli_args *a, const char *name);
/* The index of a named argument (asserted to exist). */
int cli_args_index(const cli_args *a, const char *name);

/*
 * Writes every bound argument that has a value into req, the command's request struct (see
 * CLI_FIELD): strings and JSON texts as const char * (borrowed from a), times as pps_instant,
 * booleans as pps_flag, integers as long. Lists are left to the handler, which sends one
 * request per folder or batch (cli_args_list, cli_field_set).
 */
void cli_args_bind(const cli_args *a, void *req);
/* The list of the command's argument of a list kind and its field in the request, or NULL. */
const cli_strlist *cli_args_list(const cli_args *a, cli_arg_kind kind, size_t *field);
/* Sets the const char * member of req at field (an offset from CLI_FIELD). */
void cli_field_set(void *req, size_t field, const char *value);

/* The canonical text of a boolean choice: "true" or "false". */
int cli_bool_parse(const char *text, int *out);

#endif
