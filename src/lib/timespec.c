/*
 * Time arguments: "24 hours ago", "now", ISO-8601 -> an instant; instants -> the wire formats.
 * Pure functions over util/timeutil.h: never reads the TZ environment, the locale or the clock.
 */
#include "pps/pps.h"

#include <stdio.h>
#include <string.h>

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

/* "<number>[ ]<unit>[ ago]": the whole text (already trimmed) must match. */
static int parse_relative(const char *s, int64_t now, int64_t *out)
{
	const char *p = s, *word;
	const struct unit *u = NULL;
	int64_t n = 0, when;
	size_t digits = 0, wlen;

	while (is_digit(*p)) {
		if (++digits > NUMBER_MAX_DIGITS)
			return -1;
		n = n * 10 + (*p++ - '0');
	}
	if (!digits)
		return -1;
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
		return -1;
	while (is_space(*p))
		p++;
	if (*p) {
		word = p;
		while (is_alpha(*p))
			p++;
		if (!word_is(word, (size_t)(p - word), "ago"))
			return -1;
		while (is_space(*p))
			p++;
		if (*p)
			return -1;
	}
	if (u->kind == UNIT_MONTHS) {
		/* At most 12 digits times 12 months stays far inside int64_t. */
		if (months_back(now, n * u->size, &when))
			return -1;
	} else {
		/* 10^12 * 604800 would overflow; anything past 10^13 s is out of range anyway. */
		if (n > INT64_C(10000000000000) / u->size)
			return -1;
		when = now - n * u->size;
	}
	*out = when;
	return 0;
}

int pps_time_parse(pps_instant *out, const char *text, int64_t now)
{
	char s[TEXT_MAX + 1];
	const char *b, *e;
	size_t n;
	int64_t epoch, today;
	int offset = 0;

	if (!out || !text)
		return PPS_EUSAGE;
	b = text;
	while (is_space(*b))
		b++;
	e = b + strlen(b);
	while (e > b && is_space(e[-1]))
		e--;
	n = (size_t)(e - b);
	if (n == 0 || n > TEXT_MAX || !in_range(now))
		return PPS_EUSAGE;
	memcpy(s, b, n);
	s[n] = '\0';

	today = now - (now % 86400 + 86400) % 86400;
	if (word_is(s, n, "now")) {
		epoch = now;
	} else if (word_is(s, n, "today")) {
		epoch = today;
	} else if (word_is(s, n, "yesterday")) {
		epoch = today - 86400;
	} else if (is_digit(s[0]) && tu_parse_iso8601(s, &epoch, &offset, NULL) == 0) {
		/* The user's offset is kept so the filter form shows the time as they wrote it. */
	} else if (parse_relative(s, now, &epoch) == 0) {
		offset = 0;
	} else {
		return PPS_EUSAGE;
	}
	if (!in_range(epoch))
		return PPS_EUSAGE;
	out->epoch = epoch;
	out->offset_min = offset;
	out->set = 1;
	return PPS_OK;
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
