/*
 * Fuzzes the CLI's argument parser: the input is split at newlines into argv words; the first
 * word names the command (or its first byte picks one). Files and stdin are kept out of reach.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/commands.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {
		"smart-search",
		"quarantine-messages-list",
		"quarantine-message-release",
		"quarantine-message-resubmit",
		"quarantine-message-forward",
		"quarantine-message-move",
		"quarantine-message-delete",
		"quarantine-message-download",
		"get-user",
		"create-user",
		"modify-user",
		"delete-user",
		"test",
		"health",
	};
	const char *argv[64];
	const cli_command *cmd;
	char *text, *p;
	int argc = 0;
	cli_args a;
	char err[512];
	FILE *in;

	if (size == 0 || size > 4096 || memchr(data, '@', size))
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	for (p = text; p && argc < 64;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		argv[argc++] = p;
		p = nl ? nl + 1 : NULL;
	}
	cmd = cli_command_find(argv[0]);
	if (!cmd)
		cmd = cli_command_find(names[(unsigned char)text[0] % 14]);
	in = fopen("/dev/null", "r");
	if (cmd && in &&
	    cli_args_parse(&a, cmd, argc - 1, argv + 1, 1795000000, in, err, sizeof(err)) == 0)
		cli_args_release(&a);
	if (in)
		fclose(in);
	free(text);
	return 0;
}
