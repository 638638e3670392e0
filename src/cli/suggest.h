/*
 * "Did you mean": the known name a mistyped word most likely meant, for commands, arguments and
 * predefined values: a known alias first, then the closest by edit distance, then a name the
 * word's parts begin in order (quarantine-list: quarantine-messages-list; folder: folder_name).
 * Pure string functions; no I/O, no command knowledge.
 */
#ifndef PPS_CLI_SUGGEST_H
#define PPS_CLI_SUGGEST_H

#include <stddef.h>

/* The best candidate seen so far; start with CLI_SUGGESTION_INIT. */
typedef struct cli_suggestion {
	const char *best; /* borrowed: the closest by edit distance (or a known alias's name) */
	size_t dist;
	const char *part;  /* borrowed: the shortest name the word's parts begin, in order */
	size_t part_extra; /* the characters of part the word does not give */
} cli_suggestion;

#define CLI_SUGGESTION_INIT                        \
	{                                          \
		NULL, (size_t)-1, NULL, (size_t)-1 \
	}

/* Edit distance (adjacent transpositions count one) between a and b, ASCII case-insensitive, '-'
 * equal to '_'. */
size_t cli_edit_distance(const char *a, const char *b);

/* Considers one candidate name for word. */
void cli_suggest_consider(cli_suggestion *s, const char *word, const char *candidate);

/* A known other name: when word is alias (case and '-'/'_' aside), candidate wins outright. */
void cli_suggest_alias(cli_suggestion *s, const char *word, const char *alias,
		       const char *candidate);

/*
 * 1 when every '-'/'_'-separated part of word begins a part of candidate, in order, and the
 * word is neither empty nor the candidate itself ("quarantine-list" in
 * "quarantine-messages-list", "folder" in "folder_name").
 */
int cli_suggest_parts(const char *word, const char *candidate);

/*
 * The best candidate when it is close enough to be what the user meant: a known alias; else
 * the closest by edit distance (at most a third of the word's length in edits, at least one,
 * at most three); else the shortest name whose parts the word begins (cli_suggest_parts);
 * else NULL.
 */
const char *cli_suggest_result(const cli_suggestion *s, const char *word);

/*
 * "; did you mean 'NAME'?" for the closest of names (NULL-terminated) to word, or "" when
 * none is close. The text lives in a static buffer overwritten by the next call.
 */
const char *cli_suggest_choice(const char *word, const char *const *names);

#endif
