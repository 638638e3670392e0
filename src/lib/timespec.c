/*
 * Time arguments: "24 hours ago", "now", ISO-8601 -> an instant; instants -> the wire formats.
 * Pure functions over util/timeutil.h: never reads the TZ environment, the locale or the clock.
 */
#include "pps/pps.h"

#include <stdio.h>
#include <string.h>

#include "util/editdist.h"
#include "util/timeutil.h"

#include "util/banned.h"

/* Longest text considered; anything longer is not a time anyone typed. */
#define TEXT_MAX 64
/* Numbers of more digits than this cannot describe a representable instant. */
#define NUMBER_MAX_DIGITS 12

enum unit_kind { UNIT_SECONDS, UNIT_MONTHS };

struct unit {
	const char *name;
	enum unit_kind kind;
	int64_t size; /* seconds, or months for UNIT_MONTHS */
};

static const struct unit units[] = {
	{ "s", UNIT_SECONDS, 1 },	   { "sec", UNIT_SECONDS, 1 },
	{ "secs", UNIT_SECONDS, 1 },	   { "second", UNIT_SECONDS, 1 },
	{ "seconds", UNIT_SECONDS, 1 },	   { "m", UNIT_SECONDS, 60 },
	{ "min", UNIT_SECONDS, 60 },	   { "mins", UNIT_SECONDS, 60 },
	{ "minute", UNIT_SECONDS, 60 },	   { "minutes", UNIT_SECONDS, 60 },
	{ "h", UNIT_SECONDS, 3600 },	   { "hr", UNIT_SECONDS, 3600 },
	{ "hrs", UNIT_SECONDS, 3600 },	   { "hour", UNIT_SECONDS, 3600 },
	{ "hours", UNIT_SECONDS, 3600 },   { "d", UNIT_SECONDS, 86400 },
	{ "day", UNIT_SECONDS, 86400 },	   { "days", UNIT_SECONDS, 86400 },
	{ "w", UNIT_SECONDS, 604800 },	   { "wk", UNIT_SECONDS, 604800 },
	{ "wks", UNIT_SECONDS, 604800 },   { "week", UNIT_SECONDS, 604800 },
	{ "weeks", UNIT_SECONDS, 604800 }, { "mo", UNIT_MONTHS, 1 },
	{ "mon", UNIT_MONTHS, 1 },	   { "mos", UNIT_MONTHS, 1 },
	{ "month", UNIT_MONTHS, 1 },	   { "months", UNIT_MONTHS, 1 },
	{ "y", UNIT_MONTHS, 12 },	   { "yr", UNIT_MONTHS, 12 },
	{ "yrs", UNIT_MONTHS, 12 },	   { "year", UNIT_MONTHS, 12 },
	{ "years", UNIT_MONTHS, 12 },
};

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether the n bytes at s equal the lower-case word w, ignoring case. */
static int word_is(const char *s, size_t n, const char *w)
{
	if (strlen(w) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != w[i])
			return 0;
	return 1;
}

/* The earliest and latest instants the wire formats can write (years 0001..9999). */
static int in_range(int64_t epoch)
{
	return epoch >= tu_mkutc(1, 1, 1, 0, 0, 0) && epoch <= tu_mkutc(9999, 12, 31, 23, 59, 59);
}

static int64_t days_in_month(int64_t y, int m)
{
	int64_t ny = m == 12 ? y + 1 : y;
	int nm = m == 12 ? 1 : m + 1;

	return tu_days_from_civil(ny, nm, 1) - tu_days_from_civil(y, m, 1);
}

/* now minus n calendar months, the day clamped to the target month's length. */
static int months_back(int64_t now, int64_t n, int64_t *out)
{
	int64_t y, idx, day_max;
	int mon, day, h, mi, s, m;

	tu_civil(now, &y, &mon, &day, &h, &mi, &s);
	idx = y * 12 + (mon - 1) - n;
	y = idx >= 0 ? idx / 12 : (idx - 11) / 12;
	m = (int)(idx - y * 12) + 1;
	if (y < 1 || y > 9999)
		return -1;
	day_max = days_in_month(y, m);
	if (day > day_max)
		day = (int)day_max;
	*out = tu_mkutc(y, m, day, h, mi, s);
	return 0;
}

#define EXPECTED                                                               \
	"expected '<number> <unit> [ago]', now, today, yesterday or ISO-8601 " \
	"(2020-01-25T10:00:00Z)"

static int refuse(char *why, size_t len, const char *text)
{
	if (why && len)
		snprintf(why, len, "%s", text);
	return -1;
}

/* The closest of the n names to word when it is close enough to be a typo, else NULL. */
static const char *closest(const char *word, const char *const *names, size_t n)
{
	size_t best = (size_t)-1, limit = strlen(word) / 3;
	const char *pick = NULL;

	limit = limit < 1 ? 1 : limit > 3 ? 3 : limit;
	for (size_t i = 0; i < n; i++) {
		size_t d = ed_distance(word, names[i]);

		if (d < best) {
			best = d;
			pick = names[i];
		}
	}
	return best <= limit ? pick : NULL;
}

/* Why the unit word (wlen bytes at w) is none of ours. */
static int unknown_unit(const char *w, size_t wlen, char *why, size_t len)
{
	const char *names[sizeof(units) / sizeof(units[0])];
	char word[ED_MAX_WORD + 1];
	const char *pick;

	if (!why || !len)
		return -1;
	if (wlen == 0)
		return refuse(why, len, "a number needs a unit: '24 hours', '7 days', ...");
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		names[i] = units[i].name;
	snprintf(word, sizeof(word), "%.*s", (int)(wlen < ED_MAX_WORD ? wlen : ED_MAX_WORD), w);
	pick = closest(word, names, sizeof(names) / sizeof(names[0]));
	if (pick)
		snprintf(why, len, "unknown unit '%s'; did you mean '%s'?", word, pick);
	else
		snprintf(why, len,
			 "unknown unit '%s': expected seconds, minutes, hours, days, weeks, months "
			 "or years",
			 word);
	return -1;
}

/* "<number>[ ]<unit>[ ago]": the whole text (already trimmed) must match. */
static int parse_relative(const char *s, int64_t now, int64_t *out, char *why, size_t len)
{
	const char *p = s, *word;
	const struct unit *u = NULL;
	int64_t n = 0, when;
	size_t digits = 0, wlen;

	while (is_digit(*p)) {
		if (++digits > NUMBER_MAX_DIGITS)
			return refuse(why, len, "the time is out of range");
		n = n * 10 + (*p++ - '0');
	}
	if (!digits)
		return refuse(why, len, EXPECTED);
	while (is_space(*p))
		p++;
	word = p;
	while (is_alpha(*p))
		p++;
	wlen = (size_t)(p - word);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (word_is(word, wlen, units[i].name)) {
			u = &units[i];
			break;
		}
	}
	if (!u)
		return unknown_unit(word, wlen ? wlen : strcspn(word, " \t"), why, len);
	while (is_space(*p))
		p++;
	if (*p) {
		word = p;
		while (is_alpha(*p))
			p++;
		if (!word_is(word, (size_t)(p - word), "ago"))
			goto after_unit;
		while (is_space(*p))
			p++;
		if (*p)
			goto after_unit;
	}
	if (u->kind == UNIT_MONTHS) {
		/* At most 12 digits times 12 months stays far inside int64_t. */
		if (months_back(now, n * u->size, &when))
			return refuse(why, len, "the time is out of range");
	} else {
		/* 10^12 * 604800 would overflow; anything past 10^13 s is out of range anyway. */
		if (n > INT64_C(10000000000000) / u->size)
			return refuse(why, len, "the time is out of range");
		when = now - n * u->size;
	}
	*out = when;
	return 0;
after_unit:
	if (why && len)
		snprintf(why, len, "unexpected '%s' after the unit: only 'ago' may follow", word);
	return -1;
}

/* A date such as 12/01/2026 or 01.12.2026: day and month order cannot be known. */
static int is_local_date(const char *s)
{
	const char *p = s;

	while (is_digit(*p))
		p++;
	return p > s && p - s <= 4 && (*p == '/' || *p == '.') && is_digit(p[1]);
}

/* Reads 1 to max digits at *p into *out; 0, or -1 when there is none. */
static int small_number(const char **p, int max, unsigned *out)
{
	unsigned v = 0;
	int n = 0;

	while (n < max && is_digit((*p)[n]))
		v = v * 10 + (unsigned)((*p)[n++] - '0');
	*p += n;
	*out = v;
	return n ? 0 : -1;
}

/* Why 12/01/2026 is refused: both readings, and the form that has only one. */
static int local_date(const char *s, char *why, size_t len)
{
	unsigned a = 0, b = 0, y = 0;
	const char *p = s;
	char sep;

	if (!why || !len)
		return -1;
	if (!small_number(&p, 2, &a) && ((sep = *p) == '/' || sep == '.') && (++p, 1) &&
	    !small_number(&p, 2, &b) && *p == sep && (++p, 1) && !small_number(&p, 4, &y) && !*p &&
	    y >= 1000 && a >= 1 && b >= 1 && a <= 31 && b <= 31 && (a <= 12 || b <= 12)) {
		if (a <= 12 && b <= 12 && a != b)
			snprintf(why, len,
				 "the day and month order is ambiguous: write %04u-%02u-%02u or "
				 "%04u-%02u-%02u (ISO-8601, YYYY-MM-DD)",
				 y, a, b, y, b, a);
		else
			snprintf(why, len, "write the date as ISO-8601: %04u-%02u-%02u", y,
				 a <= 12 ? a : b, a <= 12 ? b : a);
		return -1;
	}
	snprintf(why, len, "write dates as ISO-8601, YYYY-MM-DD[Thh:mm:ss][Z]");
	return -1;
}

/* A word that is not a time: the closest of now, today, yesterday, or what is expected. */
static int unknown_word(const char *s, char *why, size_t len)
{
	static const char *const words[] = { "now", "today", "yesterday" };
	char word[ED_MAX_WORD + 1];
	size_t n = strcspn(s, " \t");
	const char *pick;

	if (!why || !len)
		return -1;
	snprintf(word, sizeof(word), "%.*s", (int)(n < ED_MAX_WORD ? n : ED_MAX_WORD), s);
	pick = closest(word, words, 3);
	if (pick)
		snprintf(why, len, "did you mean '%s'?", pick);
	else
		snprintf(why, len, "%s", EXPECTED);
	return -1;
}

/* The instant of a trimmed text s (n bytes), or -1 with the reason in why. */
static int parse_text(const char *s, size_t n, int64_t now, int64_t *epoch, int *offset, char *why,
		      size_t len)
{
	int64_t today = now - (now % 86400 + 86400) % 86400;

	*offset = 0;
	if (word_is(s, n, "now")) {
		*epoch = now;
	} else if (word_is(s, n, "today")) {
		*epoch = today;
	} else if (word_is(s, n, "yesterday")) {
		*epoch = today - 86400;
	} else if (n >= 5 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
		   s[4] == '-') {
		/* The user's offset is kept so the filter form shows the time as they wrote it. */
		return tu_parse_iso8601_why(s, epoch, offset, NULL, why, len);
	} else if (is_local_date(s)) {
		return local_date(s, why, len);
	} else if (is_digit(s[0])) {
		return parse_relative(s, now, epoch, why, len);
	} else {
		return unknown_word(s, why, len);
	}
	return 0;
}

int pps_time_parse_why(pps_instant *out, const char *text, int64_t now, char *why, size_t len)
{
	char s[TEXT_MAX + 1];
	const char *b, *e;
	size_t n;
	int64_t epoch = 0;
	int offset = 0;

	if (why && len)
		why[0] = '\0';
	if (!out || !text)
		return PPS_EUSAGE;
	b = text;
	while (is_space(*b))
		b++;
	e = b + strlen(b);
	while (e > b && is_space(e[-1]))
		e--;
	n = (size_t)(e - b);
	if (n == 0 || n > TEXT_MAX || !in_range(now)) {
		refuse(why, len,
		       n == 0	      ? EXPECTED
		       : n > TEXT_MAX ? "longer than any time: " EXPECTED
				      : "the current time is out of range");
		return PPS_EUSAGE;
	}
	memcpy(s, b, n);
	s[n] = '\0';
	if (parse_text(s, n, now, &epoch, &offset, why, len))
		return PPS_EUSAGE;
	if (!in_range(epoch)) {
		refuse(why, len, "the time is out of range (years 0001 to 9999)");
		return PPS_EUSAGE;
	}
	out->epoch = epoch;
	out->offset_min = offset;
	out->set = 1;
	return PPS_OK;
}

int pps_time_parse(pps_instant *out, const char *text, int64_t now)
{
	return pps_time_parse_why(out, text, now, NULL, 0);
}

int pps_time_format_filter(const pps_instant *t, char *buf, size_t len)
{
	int64_t y;
	int mo, d, h, mi, se, n, off;

	if (!t || !buf || !t->set || !in_range(t->epoch) || t->offset_min <= -24 * 60 ||
	    t->offset_min >= 24 * 60)
		return PPS_EUSAGE;
	tu_civil(t->epoch + (int64_t)t->offset_min * 60, &y, &mo, &d, &h, &mi, &se);
	if (y < 0 || y > 9999)
		return PPS_EUSAGE;
	off = t->offset_min < 0 ? -t->offset_min : t->offset_min;
	n = snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02d%c%02d%02d", (long long)y, mo, d, h,
		     mi, se, t->offset_min < 0 ? '-' : '+', off / 60, off % 60);
	return n < 0 || (size_t)n >= len ? PPS_EUSAGE : PPS_OK;
}

int pps_time_format_quarantine(const pps_instant *t, char *buf, size_t len)
{
	if (!t || !buf || !t->set || !in_range(t->epoch))
		return PPS_EUSAGE;
	return tu_format_utc(t->epoch, buf, len) ? PPS_EUSAGE : PPS_OK;
}
