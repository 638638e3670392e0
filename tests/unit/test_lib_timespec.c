/* Unit tests of src/lib/timespec.c: every accepted form, calendar boundaries, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pps/pps.h"
#include "util/timeutil.h"

/* 2021-02-08 13:12:30 UTC, a Monday. */
#define NOW INT64_C(1612789950)

static int64_t utc(int64_t y, int mo, int d, int h, int mi, int s)
{
	return tu_mkutc(y, mo, d, h, mi, s);
}

/* Parses text relative to now and returns the epoch; fails the test when refused. */
static int64_t parse_at(const char *text, int64_t now)
{
	pps_instant t = { 0, 0, 0 };

	if (pps_time_parse(&t, text, now) != PPS_OK)
		fail_msg("refused '%s'", text);
	assert_int_equal(t.set, 1);
	return t.epoch;
}

static int64_t parse(const char *text)
{
	return parse_at(text, NOW);
}

static void assert_refused(const char *text)
{
	pps_instant t = { 7, 7, 0 };

	if (pps_time_parse(&t, text, NOW) != PPS_EUSAGE)
		fail_msg("accepted '%s'", text);
	assert_int_equal(t.set, 0);
}

static void test_timespec__relative_hours_with_and_without_ago(void **state)
{
	pps_instant t;

	(void)state;
	assert_int_equal(parse("24 hours"), NOW - 86400);
	assert_int_equal(parse("24 hours ago"), NOW - 86400);
	assert_int_equal(parse("24h"), NOW - 86400);
	assert_int_equal(parse("24 HOURS AGO"), NOW - 86400);
	assert_int_equal(parse("  24   Hours\tago  "), NOW - 86400);
	assert_int_equal(parse("24hours"), NOW - 86400);
	assert_int_equal(pps_time_parse(&t, "1 hour", NOW), PPS_OK);
	assert_int_equal(t.offset_min, 0);
}

static void test_timespec__every_unit_and_abbreviation(void **state)
{
	static const struct {
		const char *text;
		int64_t secs;
	} cases[] = {
		{ "5 s", 5 },		{ "5 sec", 5 },	      { "5 secs", 5 },
		{ "1 second", 1 },	{ "5 seconds", 5 },   { "5m", 300 },
		{ "5 min", 300 },	{ "5 mins", 300 },    { "1 minute", 60 },
		{ "5 minutes", 300 },	{ "2 h", 7200 },      { "2 hr", 7200 },
		{ "2 hrs", 7200 },	{ "1 hour", 3600 },   { "7d", 604800 },
		{ "1 day", 86400 },	{ "7 days", 604800 }, { "1w", 604800 },
		{ "2 wk", 1209600 },	{ "2 wks", 1209600 }, { "1 week", 604800 },
		{ "2 weeks", 1209600 }, { "0 seconds", 0 },   { "12 hours", 43200 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = parse(cases[i].text);
		if (got != NOW - cases[i].secs)
			fail_msg("'%s': got %lld", cases[i].text, (long long)(NOW - got));
	}
}

static void test_timespec__months_and_years_by_calendar(void **state)
{
	(void)state;
	assert_int_equal(parse("1 month"), utc(2021, 1, 8, 13, 12, 30));
	assert_int_equal(parse("1 mo"), utc(2021, 1, 8, 13, 12, 30));
	assert_int_equal(parse("2 mon"), utc(2020, 12, 8, 13, 12, 30));
	assert_int_equal(parse("3 mos ago"), utc(2020, 11, 8, 13, 12, 30));
	assert_int_equal(parse("14 months"), utc(2019, 12, 8, 13, 12, 30));
	assert_int_equal(parse("1 year"), utc(2020, 2, 8, 13, 12, 30));
	assert_int_equal(parse("2y"), utc(2019, 2, 8, 13, 12, 30));
	assert_int_equal(parse("1 yr"), utc(2020, 2, 8, 13, 12, 30));
	assert_int_equal(parse("3 yrs"), utc(2018, 2, 8, 13, 12, 30));
	assert_int_equal(parse("2 years ago"), utc(2019, 2, 8, 13, 12, 30));
}

static void test_timespec__month_day_is_clamped(void **state)
{
	(void)state;
	/* 31 March less a month: 29 February in a leap year, 28 otherwise. */
	assert_int_equal(parse_at("1 month", utc(2020, 3, 31, 10, 0, 0)),
			 utc(2020, 2, 29, 10, 0, 0));
	assert_int_equal(parse_at("1 month", utc(2021, 3, 31, 10, 0, 0)),
			 utc(2021, 2, 28, 10, 0, 0));
	assert_int_equal(parse_at("1 month", utc(2100, 3, 31, 0, 0, 0)), utc(2100, 2, 28, 0, 0, 0));
	assert_int_equal(parse_at("1 month", utc(2000, 3, 31, 0, 0, 0)), utc(2000, 2, 29, 0, 0, 0));
	assert_int_equal(parse_at("1 month", utc(2021, 5, 31, 0, 0, 0)), utc(2021, 4, 30, 0, 0, 0));
	/* 29 February less a year. */
	assert_int_equal(parse_at("1 year", utc(2020, 2, 29, 12, 0, 0)),
			 utc(2019, 2, 28, 12, 0, 0));
	assert_int_equal(parse_at("4 years", utc(2020, 2, 29, 12, 0, 0)),
			 utc(2016, 2, 29, 12, 0, 0));
	/* Across the year boundary from January. */
	assert_int_equal(parse_at("1 month", utc(2021, 1, 31, 0, 0, 0)),
			 utc(2020, 12, 31, 0, 0, 0));
}

static void test_timespec__now_today_yesterday(void **state)
{
	(void)state;
	assert_int_equal(parse("now"), NOW);
	assert_int_equal(parse("NOW"), NOW);
	assert_int_equal(parse("today"), utc(2021, 2, 8, 0, 0, 0));
	assert_int_equal(parse(" Today "), utc(2021, 2, 8, 0, 0, 0));
	assert_int_equal(parse("yesterday"), utc(2021, 2, 7, 0, 0, 0));
	/* Midnight itself is today. */
	assert_int_equal(parse_at("today", utc(2021, 3, 1, 0, 0, 0)), utc(2021, 3, 1, 0, 0, 0));
	assert_int_equal(parse_at("yesterday", utc(2020, 3, 1, 0, 0, 0)),
			 utc(2020, 2, 29, 0, 0, 0));
}

static void test_timespec__iso8601_forms(void **state)
{
	pps_instant t;

	(void)state;
	assert_int_equal(parse("2020-01-25T10:00:00Z"), utc(2020, 1, 25, 10, 0, 0));
	assert_int_equal(parse("2020-01-25t10:00:00z"), utc(2020, 1, 25, 10, 0, 0));
	assert_int_equal(parse("2020-01-25 10:00:00"), utc(2020, 1, 25, 10, 0, 0));
	assert_int_equal(parse("2020-01-25"), utc(2020, 1, 25, 0, 0, 0));
	assert_int_equal(parse("2020-01-25T10:00"), utc(2020, 1, 25, 10, 0, 0));
	assert_int_equal(parse("2020-02-29T00:00:00Z"), utc(2020, 2, 29, 0, 0, 0));

	assert_int_equal(pps_time_parse(&t, "2021-02-08T08:12:30-05:00", NOW), PPS_OK);
	assert_int_equal(t.epoch, utc(2021, 2, 8, 13, 12, 30));
	assert_int_equal(t.offset_min, -300);
	assert_int_equal(pps_time_parse(&t, "2021-02-08T08:12:30-0500", NOW), PPS_OK);
	assert_int_equal(t.epoch, utc(2021, 2, 8, 13, 12, 30));
	assert_int_equal(t.offset_min, -300);
	assert_int_equal(pps_time_parse(&t, "2021-02-08T18:42:30+05:30", NOW), PPS_OK);
	assert_int_equal(t.epoch, utc(2021, 2, 8, 13, 12, 30));
	assert_int_equal(t.offset_min, 330);
	assert_int_equal(pps_time_parse(&t, "2020-01-25", NOW), PPS_OK);
	assert_int_equal(t.offset_min, 0);
}

static void test_timespec__refusals(void **state)
{
	static const char *const bad[] = {
		"",
		"   ",
		"24 horus",
		"24",
		"hours",
		"-24 hours",
		"+24 hours",
		"1.5 hours",
		"24 hours ago ago",
		"24 hours later",
		"24 hours agox",
		"24 hours x",
		"now please",
		"tomorrow",
		"999999999999999 hours",
		"9999999999999 seconds",
		"99999 years",
		"100000000 weeks",
		"2020-02-30",
		"2021-02-29T00:00:00Z",
		"2020-13-01",
		"2020-01-25T25:00:00Z",
		"2020-01-25T10:00:00+25:00",
		"2020-01-25T10:00:00Zjunk",
		"2020/01/25",
		"24 hours\n",
		"ago",
		"24 ago",
		"1 m o",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_refused(bad[i]);
	assert_int_equal(pps_time_parse(NULL, "now", NOW), PPS_EUSAGE);
	{
		pps_instant t = { 0, 0, 0 };
		assert_int_equal(pps_time_parse(&t, NULL, NOW), PPS_EUSAGE);
	}
}

/* Every refusal says why, from the same grammar that refuses it. */
static void test_timespec__refusals_say_why(void **state)
{
	static const struct {
		const char *text, *why;
	} cases[] = {
		{ "24 horus", "unknown unit 'horus'; did you mean 'hours'?" },
		{ "24 fortnights", "unknown unit 'fortnights': expected seconds, minutes, hours, "
				   "days, weeks, months "
				   "or years" },
		{ "5", "a number needs a unit: '24 hours', '7 days', ..." },
		{ "3 days later", "unexpected 'later' after the unit: only 'ago' may follow" },
		{ "yesterdy", "did you mean 'yesterday'?" },
		{ "2026-13-01", "month 13 is not 1 to 12" },
		{ "2026-02-29", "day 29 is not in 2026-02 (1 to 28)" },
		{ "2026-01-01T24:00", "hour 24 is not 0 to 23" },
		{ "2026-01-01T10:61", "minute 61 is not 0 to 59" },
		{ "2026-01-01T10:00+25", "zone '+25' is not Z, +HH, +HHMM or +HH:MM" },
		{ "2026-01-01x", "expected 'T' or a space after the date, not 'x'" },
		{ "12/01/2026", "the day and month order is ambiguous: write 2026-12-01 or "
				"2026-01-12 (ISO-8601, YYYY-MM-DD)" },
		{ "25.12.2026", "write the date as ISO-8601: 2026-12-25" },
		{ "99999999999999 days", "the time is out of range" },
	};
	pps_instant t;
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(pps_time_parse_why(&t, cases[i].text, NOW, why, sizeof(why)),
				 PPS_EUSAGE);
		assert_string_equal(why, cases[i].why);
		/* The plain call refuses exactly the same texts. */
		assert_int_equal(pps_time_parse(&t, cases[i].text, NOW), PPS_EUSAGE);
	}
	assert_int_equal(pps_time_parse_why(&t, "24 hours ago", NOW, why, sizeof(why)), PPS_OK);
	assert_string_equal(why, "");
	assert_int_equal(pps_time_parse_why(&t, "2026-01-01", NOW, NULL, 0), PPS_OK);
}

static void test_timespec__filter_format_keeps_offset(void **state)
{
	pps_instant t;
	char buf[32];

	(void)state;
	/* The spec's example: -05:00 in, -0500 out. */
	assert_int_equal(pps_time_parse(&t, "2021-02-08T08:12:30-05:00", NOW), PPS_OK);
	assert_int_equal(pps_time_format_filter(&t, buf, sizeof(buf)), PPS_OK);
	assert_string_equal(buf, "2021-02-08T08:12:30-0500");
	assert_int_equal(pps_time_format_quarantine(&t, buf, sizeof(buf)), PPS_OK);
	assert_string_equal(buf, "2021-02-08 13:12:30");

	assert_int_equal(pps_time_parse(&t, "24 hours", NOW), PPS_OK);
	assert_int_equal(pps_time_format_filter(&t, buf, sizeof(buf)), PPS_OK);
	assert_string_equal(buf, "2021-02-07T13:12:30+0000");

	assert_int_equal(pps_time_parse(&t, "2021-02-08T18:42:30+05:30", NOW), PPS_OK);
	assert_int_equal(pps_time_format_filter(&t, buf, sizeof(buf)), PPS_OK);
	assert_string_equal(buf, "2021-02-08T18:42:30+0530");

	/* The local date differs from the UTC date. */
	assert_int_equal(pps_time_parse(&t, "2021-01-01T01:00:00+02:00", NOW), PPS_OK);
	assert_int_equal(pps_time_format_filter(&t, buf, sizeof(buf)), PPS_OK);
	assert_string_equal(buf, "2021-01-01T01:00:00+0200");
	assert_int_equal(pps_time_format_quarantine(&t, buf, sizeof(buf)), PPS_OK);
	assert_string_equal(buf, "2020-12-31 23:00:00");

	assert_int_equal(pps_time_parse(&t, "2021-02-08T08:12:30-00:30", NOW), PPS_OK);
	assert_int_equal(pps_time_format_filter(&t, buf, sizeof(buf)), PPS_OK);
	assert_string_equal(buf, "2021-02-08T08:12:30-0030");
}

static void test_timespec__format_refusals(void **state)
{
	pps_instant unset = { 0, 0, 0 };
	pps_instant t = { NOW, 0, 1 };
	pps_instant bad_offset = { NOW, 24 * 60, 1 };
	char small[24];
	char buf[32];

	(void)state;
	assert_int_equal(pps_time_format_filter(&unset, buf, sizeof(buf)), PPS_EUSAGE);
	assert_int_equal(pps_time_format_quarantine(&unset, buf, sizeof(buf)), PPS_EUSAGE);
	assert_int_equal(pps_time_format_filter(&bad_offset, buf, sizeof(buf)), PPS_EUSAGE);
	/* "YYYY-MM-DDThh:mm:ss+HHMM" needs 25 bytes with its NUL. */
	assert_int_equal(pps_time_format_filter(&t, small, sizeof(small)), PPS_EUSAGE);
	assert_int_equal(pps_time_format_filter(&t, buf, 25), PPS_OK);
	assert_int_equal(pps_time_format_quarantine(&t, buf, 19), PPS_EUSAGE);
	assert_int_equal(pps_time_format_quarantine(&t, buf, 20), PPS_OK);
	assert_string_equal(buf, "2021-02-08 13:12:30");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timespec__relative_hours_with_and_without_ago),
		cmocka_unit_test(test_timespec__every_unit_and_abbreviation),
		cmocka_unit_test(test_timespec__months_and_years_by_calendar),
		cmocka_unit_test(test_timespec__month_day_is_clamped),
		cmocka_unit_test(test_timespec__now_today_yesterday),
		cmocka_unit_test(test_timespec__iso8601_forms),
		cmocka_unit_test(test_timespec__refusals),
		cmocka_unit_test(test_timespec__refusals_say_why),
		cmocka_unit_test(test_timespec__filter_format_keeps_offset),
		cmocka_unit_test(test_timespec__format_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
