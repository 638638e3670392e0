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

/* The tables, in the order help lists them; each ends with an entry whose name is NULL. */
static const cli_command *const command_tables[] = {
	cli_commands,
	cli_commands_inspect,
	cli_commands_lists,
	cli_commands_audit,
	cli_commands_stats,
	cli_commands_triage,
	NULL,
};

const cli_command *cli_command_first(void)
{
	return command_tables[0]->name ? command_tables[0] : NULL;
}

const cli_command *cli_command_next(const cli_command *c)
{
	if (c[1].name)
		return c + 1;
	/* c is the last of its table: the next table's first. */
	for (size_t t = 0; command_tables[t]; t++) {
		const cli_command *end = command_tables[t];

		while (end->name)
			end++;
		if (end == c + 1)
			return command_tables[t + 1];
	}
	return NULL;
}

const cli_command *cli_command_find(const char *name)
{
	const size_t plen = strlen(CLI_REFERENCE_PREFIX);

	if (name[0] == '!')
		name++;
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c)) {
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
	for (const cli_command *c = cli_command_first(); c; c = cli_command_next(c)) {
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
