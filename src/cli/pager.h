/*
 * The pager of a long table on a terminal ($PAGER, else less -FRX), as git and gh have it:
 * standard output goes into it until the command ends. Knows nothing of commands or formats.
 */
#ifndef PPS_CLI_PAGER_H
#define PPS_CLI_PAGER_H

/*
 * Starts pager (a command line: split at spaces, or run by /bin/sh when it holds shell
 * syntax; NULL: "less -FRX"; "" or "cat": none) with stdout as its input. Returns 0 when
 * stdout now goes into it, -1 when there is none or it cannot be started (stdout unchanged).
 */
int cli_pager_start(const char *pager);

/* Flushes and closes stdout into the pager and waits for it to end (at exit too). */
void cli_pager_finish(void);

#endif
