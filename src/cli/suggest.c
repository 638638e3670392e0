/*
 * Suggestions for mistyped names (suggest.h): aliases, edit distance, parts of names. Never prints;
 * the caller puts the suggestion into its own one-line error.
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

static int is_sep(char c)
{
	return c == '-' || c == '_';
}

static int same_char(char a, char b)
{
	if (is_sep(a) && is_sep(b))
		return 1;
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

static int same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (!same_char(*a, *b))
			return 0;
	return *a == *b;
}

int cli_suggest_parts(const char *word, const char *cand)
{
	const char *w = word, *c = cand;

	if (!*word || same_name(word, cand))
		return 0;
	while (*w) {
		size_t wl = strcspn(w, "-_");
		int found = 0;

		/* The next part of cand that this part of word begins. */
		while (*c && !found) {
			size_t cl = strcspn(c, "-_");

			found = wl <= cl;
			for (size_t i = 0; found && i < wl; i++)
				found = same_char(w[i], c[i]);
			c += cl;
			c += is_sep(*c);
		}
		if (!found)
			return 0;
		w += wl;
		w += is_sep(*w);
	}
	return 1;
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
	if (cli_suggest_parts(word, candidate)) {
		size_t extra = strlen(candidate) > strlen(word) ? strlen(candidate) - strlen(word)
								: 0;

		if (extra < s->part_extra) {
			s->part = candidate;
			s->part_extra = extra;
		}
	}
}

void cli_suggest_alias(cli_suggestion *s, const char *word, const char *alias,
		       const char *candidate)
{
	if (word && alias && candidate && same_name(word, alias)) {
		s->best = candidate;
		s->dist = 0;
		s->part = NULL;
	}
}

const char *cli_suggest_result(const cli_suggestion *s, const char *word)
{
	size_t limit = word ? strlen(word) / 3 : 0;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	/* dist 0 is a known alias (the word itself is never suggested: it is not known). */
	if (s->best && s->dist <= limit && (s->dist > 0 || !same_name(word, s->best)))
		return s->best;
	return s->part;
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
