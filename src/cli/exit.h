/* The exit statuses of pps and the one mapping from libpps result codes to them
 * (docs/exit-codes.md). */
#ifndef PPS_CLI_EXIT_H
#define PPS_CLI_EXIT_H

enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILURE = 1, /* a partial failure, e.g. some batches of a bulk action failed */
	CLI_EXIT_USAGE = 2,
	CLI_EXIT_AUTH = 3,
	CLI_EXIT_NOTFOUND = 4,
	CLI_EXIT_SERVER = 5,
	CLI_EXIT_NETWORK = 6,
	CLI_EXIT_PROTO = 7,
	CLI_EXIT_UNKNOWN =
		8, /* an action went out and its answer was lost: it may have been done */
	CLI_EXIT_INTERRUPTED = 130 /* SIGINT/SIGTERM stopped a bulk action or an --all walk */
};

/* One exit status: what it means (man page, help) and the pps_codes that lead to it. */
typedef struct cli_exit_info {
	int status;
	const char *meaning;
	int codes[2]; /* pps_codes, 0-padded; PPS_OK only for CLI_EXIT_OK */
} cli_exit_info;

/* The table, ended by an entry whose meaning is NULL. */
extern const cli_exit_info cli_exit_table[];

/* The exit status for a pps_code. */
int cli_exit_status(int pps_code);

#endif
