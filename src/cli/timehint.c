/*
 * Explains a refused time argument (timehint.h): the first field out of range of an ISO-8601
 * date, or the unknown word of a relative time with the closest known one. No parsing rules of
 * its own beyond what an explanation needs; never accepts anything.
 */
#include "cli/timehint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/suggest.h"

#include "util/banned.h"

#define EXPECTED                                                               \
	"expected '<number> <unit> [ago]', now, today, yesterday or ISO-8601 " \
	"(2020-01-25T10:00:00Z)"

static const char *const unit_names[] = { "seconds", "minutes", "hours",  "days",   "weeks",
					  "months",  "years",	"second", "minute", "hour",
					  "day",     "week",	"month",  "year",   NULL };
static const char *const abbreviations[] = { "s",   "sec", "secs", "m",	 "min", "mins", "h",
					     "hr",  "hrs", "d",	   "w",	 "wk",	"wks",	"mo",
					     "mon", "mos", "y",	   "yr", "yrs", NULL };
static const char *const words[] = { "now", "today", "yesterday", NULL };

/* Reads exactly n digits at *p; -1 when they are not there. */
static long digits(const char **p, int n)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return v;
}

static int leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static void iso_why(const char *s, char *why, size_t len)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	long y = digits(&p, 4), m, d, v;

	if (*p++ != '-' || (m = digits(&p, 2)) < 0) {
		snprintf(why, len, "expected YYYY-MM-DD, then an optional Thh:mm:ss and zone");
		return;
	}
	if (m < 1 || m > 12) {
		snprintf(why, len, "month %ld is not 1 to 12", m);
		return;
	}
	if (*p++ != '-' || (d = digits(&p, 2)) < 0) {
		snprintf(why, len, "expected YYYY-MM-DD, then an optional Thh:mm:ss and zone");
		return;
	}
	if (d < 1 || d > mdays[m - 1] + (m == 2 && leap(y))) {
		snprintf(why, len, "day %ld is not in %04ld-%02ld (1 to %d)", d, y, m,
			 mdays[m - 1] + (m == 2 && leap(y)));
		return;
	}
	if (!*p)
		goto other;
	if (*p != 'T' && *p != 't' && *p != ' ') {
		snprintf(why, len, "expected 'T' or a space after the date, not '%c'", *p);
		return;
	}
	p++;
	if ((v = digits(&p, 2)) < 0 || v > 23) {
		snprintf(why, len, v < 0 ? "expected the hour as hh" : "hour %ld is not 0 to 23",
			 v);
		return;
	}
	if (*p == ':') {
		p++;
		if ((v = digits(&p, 2)) < 0 || v > 59) {
			snprintf(why, len,
				 v < 0 ? "expected the minutes as mm" : "minute %ld is not 0 to 59",
				 v);
			return;
		}
	}
	if (*p == ':') {
		p++;
		if ((v = digits(&p, 2)) < 0 || v > 60) {
			snprintf(why, len,
				 v < 0 ? "expected the seconds as ss" : "second %ld is not 0 to 59",
				 v);
			return;
		}
	}
	while (*p == '.' || isdigit((unsigned char)*p))
		p++;
	if (*p && *p != 'Z' && *p != 'z' && *p != '+' && *p != '-') {
		snprintf(why, len, "unexpected '%s' after the time: expected Z or +HH:MM", p);
		return;
	}
	if (*p == '+' || *p == '-') {
		const char *z = p++;

		if ((v = digits(&p, 2)) < 0 || v > 14 || (*p == ':' && (p++, digits(&p, 2) < 0)) ||
		    (isdigit((unsigned char)*p) && digits(&p, 2) < 0) || *p) {
			snprintf(why, len, "zone '%s' is not Z, +HH, +HHMM or +HH:MM", z);
			return;
		}
	}
other:
	snprintf(why, len, "%s", EXPECTED);
}

static void relative_why(const char *s, char *why, size_t len)
{
	char word[64];
	const char *p = s, *best;
	size_t n;
	cli_suggestion sug = CLI_SUGGESTION_INIT;

	while (isdigit((unsigned char)*p))
		p++;
	if (p == s) {
		n = strcspn(s, " \t");
		snprintf(word, sizeof(word), "%.*s", (int)(n < 63 ? n : 63), s);
		for (size_t i = 0; words[i]; i++)
			cli_suggest_consider(&sug, word, words[i]);
		best = cli_suggest_result(&sug, word);
		if (best)
			snprintf(why, len, "did you mean '%s'?", best);
		else
			snprintf(why, len, "%s", EXPECTED);
		return;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t");
	if (n == 0) {
		snprintf(why, len, "a number needs a unit: '%s hours', '%s days', ...", s, s);
		return;
	}
	snprintf(word, sizeof(word), "%.*s", (int)(n < 63 ? n : 63), p);
	for (size_t i = 0; unit_names[i]; i++)
		cli_suggest_consider(&sug, word, unit_names[i]);
	for (size_t i = 0; abbreviations[i]; i++)
		cli_suggest_consider(&sug, word, abbreviations[i]);
	if (sug.dist == 0) {
		p += n;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p)
			snprintf(why, len, "unexpected '%s' after the unit: only 'ago' may follow",
				 p);
		else
			snprintf(why, len, "the time is out of range");
		return;
	}
	best = cli_suggest_result(&sug, word);
	if (best)
		snprintf(why, len, "unknown unit '%s'; did you mean '%s'?", word, best);
	else
		snprintf(why, len,
			 "unknown unit '%s': expected seconds, minutes, hours, days, weeks, months "
			 "or years",
			 word);
}

void cli_time_why(const char *text, char *why, size_t len)
{
	const char *s = text;

	while (*s == ' ' || *s == '\t')
		s++;
	if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) && s[4] == '-')
		iso_why(s, why, len);
	else
		relative_why(s, why, len);
}
