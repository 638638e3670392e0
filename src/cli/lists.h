/*
 * Lists of strings: comma lists, JSON arrays, one GUID per line from a file or stdin,
 * duplicates dropped keeping the first.
 */
#ifndef PPS_CLI_LISTS_H
#define PPS_CLI_LISTS_H

#include <stddef.h>
#include <stdio.h>

/* An owned list of strings; CLI_STRLIST_INIT or zeroed, freed with cli_strlist_release(). */
typedef struct cli_strlist {
	char **items;
	size_t n;
	size_t alloc;
} cli_strlist;

#define CLI_STRLIST_INIT   \
	{                  \
		NULL, 0, 0 \
	}

void cli_strlist_release(cli_strlist *l);
/* Appends a copy of text[0..len) with surrounding white space removed (empty text is skipped). */
int cli_strlist_add(cli_strlist *l, const char *text, size_t len);
/* Appends a copy of text[0..len) as it is, empty text too. Returns 0 or -1 (memory). */
int cli_strlist_add_raw(cli_strlist *l, const char *text, size_t len);
/* Removes duplicates, keeping each first occurrence in its place. */
void cli_strlist_dedup(cli_strlist *l);
/* Joins items [from, from+count) with sep into a malloc'd string. */
char *cli_strlist_join(const cli_strlist *l, size_t from, size_t count, const char *sep);

/* Splits a comma list into l (items trimmed, empty ones skipped). Returns 0 or -1 (memory). */
int cli_list_split(cli_strlist *l, const char *text);
/*
 * Reads the lines of in into l as they are (newline removed, blank lines kept as "", so that
 * item k is line k + 1). Returns 0, -1 (read error or memory) or -2 (the input holds a NUL
 * byte, which would cut a GUID short).
 */
int cli_list_read_lines(cli_strlist *l, FILE *in);

/*
 * A local_guid argument: "@FILE" reads FILE, "-" reads in, each into its lines as read; anything
 * else is one line (a comma list or a record). The entries are checked when the action runs
 * (guidlist.h); what stdin or FILE gives may be empty (the action then ends with 0). Returns 0,
 * or -1 with a reason in err (an unreadable file, an empty list typed out).
 */
int cli_guids_from_arg(cli_strlist *out, const char *value, FILE *in, char *err, size_t errlen);

/*
 * A folder list: a JSON array of strings ("[\"A\",\"B\"]") or a comma list; duplicates dropped,
 * each folder named more than once added once to dups (for the caller to say so). Returns 0, or
 * -1 with a reason in err.
 */
int cli_folders_from_arg(cli_strlist *out, cli_strlist *dups, const char *value, char *err,
			 size_t errlen);

#endif
