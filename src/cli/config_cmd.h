/*
 * pps config show | profiles | set KEY VALUE: the settings in effect and their sources, the
 * config file's profiles, one key of a profile written (config_cmd.c). Sends nothing.
 */
#ifndef PPS_CLI_CONFIG_CMD_H
#define PPS_CLI_CONFIG_CMD_H

#include "cli/options.h"

/* Runs "pps config" with the words from argv[k] on; returns the exit status. */
int cli_config_main(cli_globals *g, int argc, char **argv, int k);

#endif
