/*
 * pps triage: the full-screen view of a quarantine (src/cli/tui/). The door to it for the rest
 * of the command line: the handler and the key table's text, no ncursesw type.
 */
#ifndef PPS_CLI_TUI_TRIAGE_H
#define PPS_CLI_TUI_TRIAGE_H

struct cli_ctx;
struct cli_args;

/* The handler of pps triage (commands_triage.c). Returns the exit status. */
int cmd_triage(struct cli_ctx *ctx, const struct cli_args *args);

/*
 * The keys of the view, for its help screen, the man page's KEYS section and the tests: the
 * i-th key's name ("j, Down") and one-line help, or NULL past the last.
 */
const char *tui_key_name(unsigned int i);
const char *tui_key_help(unsigned int i);

#endif
