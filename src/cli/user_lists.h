/*
 * The input of the safe and block list commands: the entries of entry= (a comma list, or -
 * for standard input: plain lines for the one user, records {"email","entry"} for many),
 * checked and grouped per user before anything is sent. Knows no wire format.
 */
#ifndef PPS_CLI_USER_LISTS_H
#define PPS_CLI_USER_LISTS_H

#include <stddef.h>
#include <stdio.h>

/* One user's entries, in the order given, each once (case ignored). */
typedef struct cli_ulist_user {
	char *email; /* the user: email, else uid */
	char *uid;
	char **entries;
	size_t n, alloc;
} cli_ulist_user;

typedef struct cli_ulist_input {
	cli_ulist_user *v;
	size_t n, alloc;
} cli_ulist_input;

/*
 * Reads the entries of entry_arg (NULL: none, for the -list commands) for the user of email
 * or uid, "-" from in. Every entry is checked as PPS takes it. Returns 0, or the exit status
 * (2: a usage error; 1: out of memory, a read error) with a one-line reason in err. in is
 * always initialised and must be released.
 */
int cli_ulist_input_read(cli_ulist_input *out, const char *email, const char *uid,
			 const char *entry_arg, FILE *in, char *err, size_t errlen);
void cli_ulist_input_release(cli_ulist_input *in);

/* The user's id as pps names it: the email, else the uid. */
const char *cli_ulist_user_id(const cli_ulist_user *u);

#endif
