/*
 * Finding a command of the table (commands.c) by its name, short alias or reference name, an
 * argument of it by name, and the closest command to a mistyped word. Reads the table only.
 */
#include <stddef.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/suggest.h"

#include "util/banned.h"

/* Hyphens and underscores are the same in argument names (--local-guid = local_guid). */
static int name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : *a;
		char y = *b == '-' ? '_' : *b;

		if (x != y)
			return 0;
	}
	return *a == *b;
}

const cli_command *cli_command_find(const char *name)
{
	const size_t plen = strlen(CLI_REFERENCE_PREFIX);

	if (name[0] == '!')
		name++;
	for (const cli_command *c = cli_commands; c->name; c++) {
		if (strcmp(name, c->name) == 0 || (c->alias && strcmp(name, c->alias) == 0))
			return c;
		if (c->reference && strncmp(name, CLI_REFERENCE_PREFIX, plen) == 0 &&
		    strcmp(name + plen, c->name) == 0)
			return c;
	}
	return NULL;
}

/* Names other tools and habits give these commands: the word on the left means the right. */
static const char *const command_aliases[][2] = {
	{ "trace", "smart-search" },
	{ "search", "smart-search" },
	{ "quarantine", "quarantine-messages-list" },
	{ "quarantine-search", "quarantine-messages-list" },
	{ "user", "get-user" },
	{ "add-user", "create-user" },
	{ "remove-user", "delete-user" },
	{ "ping", "health" },
	{ "settings", "config" },
};

/* The words of pps that are no command of the table. */
static const char *const builtin_words[] = { "help", "version", "completion", "config", NULL };

const char *cli_command_suggest(const char *name)
{
	const size_t plen = strlen(CLI_REFERENCE_PREFIX);
	cli_suggestion s = CLI_SUGGESTION_INIT;

	if (name[0] == '!')
		name++;
	if (strncmp(name, CLI_REFERENCE_PREFIX, plen) == 0)
		name += plen;
	for (const cli_command *c = cli_commands; c->name; c++) {
		cli_suggest_consider(&s, name, c->name);
		cli_suggest_consider(&s, name, c->alias);
	}
	for (size_t i = 0; builtin_words[i]; i++)
		cli_suggest_consider(&s, name, builtin_words[i]);
	for (size_t i = 0; i < sizeof(command_aliases) / sizeof(command_aliases[0]); i++)
		cli_suggest_alias(&s, name, command_aliases[i][0], command_aliases[i][1]);
	return cli_suggest_result(&s, name);
}

int cli_command_arg_index(const cli_command *cmd, const char *name)
{
	for (int i = 0; cmd->args[i].name; i++) {
		if (name_eq(cmd->args[i].name, name))
			return i;
		if (cmd->args[i].alias && strcmp(cmd->args[i].alias, name) == 0)
			return i;
	}
	return -1;
}

size_t cli_command_nargs(const cli_command *cmd)
{
	size_t n = 0;

	while (cmd->args[n].name)
		n++;
	return n;
}
