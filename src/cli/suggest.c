/*
 * Edit-distance suggestions for mistyped names (suggest.h). Never prints; the caller puts the
 * suggestion into its own one-line error.
 */
#include "cli/suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

/* Longer words are not compared: a suggestion for them would be noise anyway. */
#define MAX_WORD 64

static int same(char a, char b)
{
	if (a == '-')
		a = '_';
	if (b == '-')
		b = '_';
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

size_t cli_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t rows[3][MAX_WORD + 1];
	size_t *prev2 = rows[0], *prev = rows[1], *row = rows[2];

	if (la > MAX_WORD || lb > MAX_WORD)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	/* Optimal string alignment: an adjacent transposition (horus, hours) is one edit. */
	for (size_t i = 1; i <= la; i++) {
		size_t *t;

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t best = prev[j - 1] + !same(a[i - 1], b[j - 1]);

			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) &&
			    same(a[i - 2], b[j - 1]) && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			row[j] = best;
		}
		t = prev2;
		prev2 = prev;
		prev = row;
		row = t;
	}
	return prev[lb];
}

void cli_suggest_consider(cli_suggestion *s, const char *word, const char *candidate)
{
	size_t d;

	if (!word || !candidate)
		return;
	d = cli_edit_distance(word, candidate);
	if (d < s->dist) {
		s->dist = d;
		s->best = candidate;
	}
}

const char *cli_suggest_result(const cli_suggestion *s, const char *word)
{
	size_t limit = word ? strlen(word) / 3 : 0;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	return s->best && s->dist > 0 && s->dist <= limit ? s->best : NULL;
}

const char *cli_suggest_choice(const char *word, const char *const *names)
{
	static char text[160];
	cli_suggestion s = CLI_SUGGESTION_INIT;
	const char *best;

	for (size_t i = 0; names && names[i]; i++)
		cli_suggest_consider(&s, word, names[i]);
	best = cli_suggest_result(&s, word);
	if (!best)
		return "";
	snprintf(text, sizeof(text), "; did you mean '%s'?", best);
	return text;
}
