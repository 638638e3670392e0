/*
 * "Did you mean": the closest known name to a mistyped word by edit distance, for commands,
 * arguments and predefined values. Pure string functions; no I/O, no command knowledge.
 */
#ifndef PPS_CLI_SUGGEST_H
#define PPS_CLI_SUGGEST_H

#include <stddef.h>

/* The best candidate seen so far; start with CLI_SUGGESTION_INIT. */
typedef struct cli_suggestion {
	const char *best; /* borrowed */
	size_t dist;
} cli_suggestion;

#define CLI_SUGGESTION_INIT      \
	{                        \
		NULL, (size_t)-1 \
	}

/* Edit distance (adjacent transpositions count one) between a and b, ASCII case-insensitive, '-'
 * equal to '_'. */
size_t cli_edit_distance(const char *a, const char *b);

/* Considers one candidate name for word. */
void cli_suggest_consider(cli_suggestion *s, const char *word, const char *candidate);

/*
 * The best candidate when it is close enough to be what the user meant (at most a third of
 * the word's length in edits, at least one, at most three), else NULL.
 */
const char *cli_suggest_result(const cli_suggestion *s, const char *word);

/*
 * "; did you mean 'NAME'?" for the closest of names (NULL-terminated) to word, or "" when
 * none is close. The text lives in a static buffer overwritten by the next call.
 */
const char *cli_suggest_choice(const char *word, const char *const *names);

#endif
