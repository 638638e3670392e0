/* Fuzzes the config file reader (libinih sections, profiles, keys) with arbitrary file text. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *no_env(const char *name)
{
	(void)name;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	cli_config_flags flags;
	cli_settings s;
	char err[512];
	FILE *f;

	if (!path[0]) {
		int fd;
		snprintf(path, sizeof(path), "/tmp/pps-fuzz-config.XXXXXX");
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
	}
	f = fopen(path, "w");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	cli_config_flags_init(&flags);
	flags.config = path;
	flags.profile = size && (data[0] & 1) ? "work" : NULL;
	memset(&s, 0, sizeof(s));
	if (cli_config_load(&s, &flags, no_env, NULL, err, sizeof(err)) == 0)
		cli_settings_check(&s, err, sizeof(err));
	cli_settings_release(&s);
	return 0;
}
