/* Calendar arithmetic of timeutil.h; pure functions, no global state, no TZ. */
#include "timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

int64_t tu_days_from_civil(int64_t y, int m, int d)
{
	/* H. Hinnant's days_from_civil. */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int64_t tu_mkutc(int64_t y, int mon, int day, int hour, int min, int sec)
{
	return tu_days_from_civil(y, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
}

void tu_civil(int64_t epoch, int64_t *y, int *mon, int *day, int *hour, int *min, int *sec)
{
	int64_t z, era, doe, yoe, doy, mp, secs;

	z = epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400;
	secs = epoch - z * 86400;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*mon <= 2);
	*hour = (int)(secs / 3600);
	*min = (int)(secs / 60 % 60);
	*sec = (int)(secs % 60);
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* Fails the parse with a reason (printf-style) when the caller asked for one. */
static int why_fail(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int why_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#define DATE_FORM "expected YYYY-MM-DD, then an optional Thh:mm:ss and zone"

/* hh:mm[:ss[.fff]] at *p; the reason of a refusal in why. */
static int parse_clock(const char **pp, int *h, int *mi, int *se, char *why, size_t len)
{
	const char *p = *pp;

	if (digits(&p, 2, h))
		return why_fail(why, len, "expected the hour as hh");
	if (*h > 23)
		return why_fail(why, len, "hour %d is not 0 to 23", *h);
	if (*p++ != ':' || digits(&p, 2, mi))
		return why_fail(why, len, "expected the minutes as hh:mm");
	if (*mi > 59)
		return why_fail(why, len, "minute %d is not 0 to 59", *mi);
	if (*p == ':') {
		p++;
		if (digits(&p, 2, se))
			return why_fail(why, len, "expected the seconds as hh:mm:ss");
		if (*se > 60)
			return why_fail(why, len, "second %d is not 0 to 59", *se);
		if (*p == '.' || *p == ',') {
			p++;
			if (*p < '0' || *p > '9')
				return why_fail(why, len,
						"expected digits after the decimal point");
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (*se == 60)
		*se = 59;
	*pp = p;
	return 0;
}

/* Z, +HH, +HHMM or +HH:MM at *p (minutes east of UTC in off). */
static int parse_zone(const char **pp, int *off, char *why, size_t len)
{
	const char *p = *pp, *z = *pp;
	int sign, oh = 0, om = 0;

	if (*p == 'Z' || *p == 'z') {
		*pp = p + 1;
		return 0;
	}
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, 2, &oh) || (*p == ':' && (p++, !*p)) || (*p && digits(&p, 2, &om)) ||
	    oh > 23 || om > 59)
		return why_fail(why, len, "zone '%s' is not Z, +HH, +HHMM or +HH:MM", z);
	*off = sign * (oh * 60 + om);
	*pp = p;
	return 0;
}

int tu_parse_iso8601_why(const char *s, int64_t *epoch, int *offset_min, int *has_time, char *why,
			 size_t len)
{
	int y, mo, d, h = 0, mi = 0, se = 0, off = 0, timed = 0;
	const char *p = s;

	if (!s || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo))
		return why_fail(why, len, DATE_FORM);
	if (mo < 1 || mo > 12)
		return why_fail(why, len, "month %d is not 1 to 12", mo);
	if (*p++ != '-' || digits(&p, 2, &d))
		return why_fail(why, len, DATE_FORM);
	if (d < 1 || d > month_days(y, mo))
		return why_fail(why, len, "day %d is not in %04d-%02d (1 to %d)", d, y, mo,
				month_days(y, mo));
	if (*p == 'T' || *p == 't' || (*p == ' ' && p[1] >= '0' && p[1] <= '9')) {
		p++;
		timed = 1;
		if (parse_clock(&p, &h, &mi, &se, why, len))
			return -1;
		if ((*p == '+' || *p == '-' || *p == 'Z' || *p == 'z') &&
		    parse_zone(&p, &off, why, len))
			return -1;
	} else if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p && *p != ' ') {
		return why_fail(why, len, "expected 'T' or a space after the date, not '%c'", *p);
	}
	if (*p)
		return why_fail(why, len, "unexpected '%s' after the %s: expected Z or +HH:MM", p,
				timed ? "time" : "date");
	*offset_min = off;
	*epoch = tu_mkutc(y, mo, d, h, mi, se) - (int64_t)off * 60;
	if (has_time)
		*has_time = timed;
	return 0;
}

int tu_parse_iso8601(const char *s, int64_t *epoch, int *offset_min, int *has_time)
{
	return tu_parse_iso8601_why(s, epoch, offset_min, has_time, NULL, 0);
}

int tu_format_utc(int64_t epoch, char *buf, size_t len)
{
	int64_t y;
	int mo, d, h, mi, se, n;

	tu_civil(epoch, &y, &mo, &d, &h, &mi, &se);
	n = snprintf(buf, len, "%04lld-%02d-%02d %02d:%02d:%02d", (long long)y, mo, d, h, mi, se);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
