/* Unit tests of src/util/timeutil.c: calendar arithmetic and ISO-8601 parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "util/timeutil.h"

static void test_timeutil__epoch_round_trip(void **state)
{
	int64_t y;
	int mo, d, h, mi, s;
	char buf[32];

	(void)state;
	assert_int_equal(tu_mkutc(1970, 1, 1, 0, 0, 0), 0);
	assert_int_equal(tu_mkutc(2020, 1, 25, 10, 0, 0), 1579946400);
	assert_int_equal(tu_mkutc(2000, 2, 29, 23, 59, 59), 951868799);
	tu_civil(951868799, &y, &mo, &d, &h, &mi, &s);
	assert_true(y == 2000 && mo == 2 && d == 29 && h == 23 && mi == 59 && s == 59);
	tu_civil(-1, &y, &mo, &d, &h, &mi, &s);
	assert_true(y == 1969 && mo == 12 && d == 31 && h == 23 && mi == 59 && s == 59);
	assert_int_equal(tu_format_utc(1579946400, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2020-01-25 10:00:00");
	assert_int_equal(tu_format_utc(1579946400, buf, 10), -1);
}

static void test_timeutil__iso8601_forms(void **state)
{
	int64_t e;
	int off, timed;

	(void)state;
	assert_int_equal(tu_parse_iso8601("2020-01-25T10:00:00Z", &e, &off, &timed), 0);
	assert_int_equal(e, 1579946400);
	assert_int_equal(off, 0);
	assert_int_equal(timed, 1);
	assert_int_equal(tu_parse_iso8601("2021-02-08T08:12:30-05:00", &e, &off, &timed), 0);
	assert_int_equal(off, -300);
	assert_int_equal(e, tu_mkutc(2021, 2, 8, 13, 12, 30));
	assert_int_equal(tu_parse_iso8601("2021-02-08T08:12:30-0500", &e, &off, &timed), 0);
	assert_int_equal(off, -300);
	assert_int_equal(tu_parse_iso8601("2021-02-08T08:12:30+0530", &e, &off, &timed), 0);
	assert_int_equal(off, 330);
	assert_int_equal(tu_parse_iso8601("2020-01-25", &e, &off, &timed), 0);
	assert_int_equal(e, tu_mkutc(2020, 1, 25, 0, 0, 0));
	assert_int_equal(timed, 0);
	assert_int_equal(tu_parse_iso8601("2020-01-25 10:00:00", &e, &off, &timed), 0);
	assert_int_equal(tu_parse_iso8601("2020-01-25T10:00:00.123Z", &e, &off, &timed), 0);
	assert_int_equal(e, 1579946400);
}

static void test_timeutil__iso8601_refusals(void **state)
{
	static const char *const bad[] = {
		"",
		"2020",
		"2020-13-01",
		"2020-02-30",
		"2021-02-29",
		"2020-01-25T25:00:00Z",
		"2020-01-25T10:00:00ZZ",
		"2020-01-25T10",
		"24 hours",
		"2020-01-25T10:00:00+2",
		"2020-1-25",
		"2020-01-25T10:00:00 ",
	};
	int64_t e;
	int off, timed;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tu_parse_iso8601(bad[i], &e, &off, &timed), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeutil__epoch_round_trip),
		cmocka_unit_test(test_timeutil__iso8601_forms),
		cmocka_unit_test(test_timeutil__iso8601_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
