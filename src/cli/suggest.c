/*
 * Edit-distance suggestions for mistyped names (suggest.h). Never prints; the caller puts the
 * suggestion into its own one-line error.
 */
#include "cli/suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/editdist.h"

#include "util/banned.h"

size_t cli_edit_distance(const char *a, const char *b)
{
	return ed_distance(a, b);
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
