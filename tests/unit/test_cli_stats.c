/* Unit tests of src/cli/stats.c and src/cli/stats_view.c: UTC hour and day buckets, the share
 * rounding, the bars in eighths and '#', the cut with an ellipsis, the counting of records and
 * the lines drawn for a width. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli/render.h"
#include "cli/stats.h"
#include "cli/stats_view.h"

#define T2025 1735689600 /* 2025-01-01T00:00:00Z */

static void test_stats__buckets_are_utc_hours_and_days(void **state)
{
	(void)state;
	assert_int_equal(cli_stats_floor(T2025 + 3599, 3600), T2025);
	assert_int_equal(cli_stats_floor(T2025 + 3600, 3600), T2025 + 3600);
	assert_int_equal(cli_stats_floor(T2025 + 86399, 86400), T2025);
	assert_int_equal(cli_stats_floor(T2025 - 1, 86400), T2025 - 86400);
	/* Before 1970 the floor still goes down, not towards zero. */
	assert_int_equal(cli_stats_floor(-1, 3600), -3600);
	assert_int_equal(cli_stats_floor(-3600, 3600), -3600);
	/* [00:30, 02:00): the hours 00, 01; [00:30, 02:00]: also 02. */
	assert_int_equal(cli_stats_nbuckets(T2025 + 1800, T2025 + 7199, 3600), 2);
	assert_int_equal(cli_stats_nbuckets(T2025 + 1800, T2025 + 7200, 3600), 3);
	assert_int_equal(cli_stats_nbuckets(T2025, T2025 + 7 * 86400 - 1, 3600), 168);
	assert_int_equal(cli_stats_nbuckets(T2025, T2025 - 1, 3600), 0);
	/* by=auto: hours up to 72 hours, then days. */
	assert_int_equal(cli_stats_step(CLI_STATS_BY_AUTO, 0, 72 * 3600), 3600);
	assert_int_equal(cli_stats_step(CLI_STATS_BY_AUTO, 0, 72 * 3600 + 1), 86400);
	assert_int_equal(cli_stats_step(CLI_STATS_BY_HOUR, 0, 30 * 86400), 3600);
	assert_int_equal(cli_stats_step(CLI_STATS_BY_DAY, 0, 60), 86400);
}

static void test_stats__window_limits(void **state)
{
	cli_stats *s = NULL;

	(void)state;
	/* Smart Search excludes the end: [00:00, 24:00) is 24 hours; the quarantine includes it. */
	assert_int_equal(cli_stats_new(&s, 0, T2025, T2025 + 86400, CLI_STATS_BY_HOUR, 10), 0);
	assert_int_equal(s->nbuckets, 24);
	assert_int_equal(s->first, T2025);
	cli_stats_free(s);
	assert_int_equal(cli_stats_new(&s, 1, T2025, T2025 + 86400, CLI_STATS_BY_HOUR, 10), 0);
	assert_int_equal(s->nbuckets, 25);
	cli_stats_free(s);
	/* A window starting inside a day: the first bucket starts at its midnight. */
	assert_int_equal(
		cli_stats_new(&s, 0, T2025 + 5000, T2025 + 5 * 86400, CLI_STATS_BY_AUTO, 3), 0);
	assert_int_equal(s->by, CLI_STATS_BY_DAY);
	assert_int_equal(s->first, T2025);
	assert_int_equal(s->nbuckets, 5);
	cli_stats_free(s);
	assert_int_equal(cli_stats_new(&s, 0, T2025, T2025, CLI_STATS_BY_HOUR, 10), -2);
	assert_null(s);
	assert_int_equal(cli_stats_new(&s, 0, T2025, T2025 - 1, CLI_STATS_BY_HOUR, 10), -2);
	assert_int_equal(cli_stats_new(&s, 0, T2025, T2025 + 200 * 86400, CLI_STATS_BY_HOUR, 10),
			 -2);
	assert_int_equal(cli_stats_new(&s, 0, T2025, T2025 + 200 * 86400, CLI_STATS_BY_DAY, 10), 0);
	cli_stats_free(s);
	cli_stats_free(NULL);
}

static void test_stats__share_rounds_half_up_in_tenths(void **state)
{
	(void)state;
	assert_int_equal(cli_stats_share_tenths(0, 0), 0);
	assert_int_equal(cli_stats_share_tenths(1, 1), 1000);
	assert_int_equal(cli_stats_share_tenths(1, 3), 333);  /* 33.33 */
	assert_int_equal(cli_stats_share_tenths(2, 3), 667);  /* 66.67 */
	assert_int_equal(cli_stats_share_tenths(1, 8), 125);  /* 12.5 exactly */
	assert_int_equal(cli_stats_share_tenths(1, 16), 63);  /* 6.25 -> 6.3 */
	assert_int_equal(cli_stats_share_tenths(1, 2000), 1); /* 0.05 -> 0.1 */
	assert_int_equal(cli_stats_share_tenths(1, 2001), 0); /* 0.0499 -> 0.0 */
	assert_int_equal(cli_stats_share_tenths(999999, 1000000), 1000);
}

static void bar(unsigned long long count, unsigned long long max, size_t cells, int unicode,
		const char *want, int want_cols)
{
	ppsbuf b = PPSBUF_INIT;

	assert_int_equal(cli_stats_bar(&b, count, max, cells, unicode), want_cols);
	assert_string_equal(b.buf, want);
	assert_int_equal(cli_display_width(b.buf), (size_t)want_cols);
	ppsbuf_release(&b);
}

static void test_stats__bars_in_eighths_and_hashes(void **state)
{
	(void)state;
	bar(10, 10, 4, 1, "\u2588\u2588\u2588\u2588", 4);
	bar(10, 10, 4, 0, "####", 4);
	/* 5/10 of 3 cells: 1.5 cells = one full block and a half (U+258C). */
	bar(5, 10, 3, 1, "\u2588\u258c", 2);
	bar(5, 10, 3, 0, "##", 2); /* 1.5 rounds half up */
	/* 1/10 of 4 cells: 3.2 eighths -> 3 (U+258D). */
	bar(1, 10, 4, 1, "\u258d", 1);
	bar(7, 8, 1, 1, "\u2589", 1); /* seven eighths */
	/* A count above 0 always shows: one eighth, one '#'. */
	bar(1, 1000, 10, 1, "\u258f", 1);
	bar(1, 1000, 10, 0, "#", 1);
	bar(0, 10, 4, 1, "", 0);
	bar(3, 0, 4, 1, "", 0);
}

static void cut(const char *s, size_t width, int unicode, const char *want)
{
	ppsbuf b = PPSBUF_INIT;

	assert_int_equal(cli_stats_cut(&b, s, strlen(s), width, unicode), 0);
	assert_string_equal(b.buf, want);
	ppsbuf_release(&b);
}

static void test_stats__cut_with_an_ellipsis(void **state)
{
	(void)state;
	cut("abcdef", 6, 1, "abcdef");
	cut("abcdef", 5, 1, "abcd\u2026");
	cut("abcdef", 5, 0, "ab...");
	cut("abcdef", 0, 1, "abcdef");
	/* Wide characters count two columns and are never split. */
	cut("\u65e5\u672c\u8a9e", 4, 1, "\u65e5\u2026");
	cut("\u65e5\u672c\u8a9e", 6, 1, "\u65e5\u672c\u8a9e");
}

static json_t *record(const char *date, const char *sender, const char *rcpts, const char *subject,
		      const char *action)
{
	return json_pack("{ssssssssss}", "Date", date, "Sender", sender, "Recipients", rcpts,
			 "Subject", subject, "Final_Action", action);
}

static void add(cli_stats *s, json_t *rec)
{
	assert_non_null(rec);
	assert_int_equal(cli_stats_add(s, rec), 0);
	json_decref(rec);
}

static void test_stats__counts_records(void **state)
{
	cli_stats *s = NULL;
	const cli_stats_top *t;

	(void)state;
	assert_int_equal(cli_stats_new(&s, 0, T2025, T2025 + 86400, CLI_STATS_BY_HOUR, 2), 0);
	add(s, record("2025-01-01 00:59:59 [UTC+0000]", "a@X.test", "r1@t, r2@t ,r1@t", "hi",
		      "accept"));
	add(s, record("2025-01-01 01:00:00 [UTC+0000]", "b@x.TEST", " r2@t", "hi", "accept"));
	/* 02:30 at UTC+0100 is 01:30 UTC. */
	add(s, record("2025-01-01 02:30:00 [UTC+0100]", "nodomain", "", "", "reject"));
	add(s, record("2025-01-02 00:00:00 [UTC+0000]", "a@X.test", "r3@t", "late", "accept"));
	assert_int_equal(cli_stats_finish(s), 0);
	assert_int_equal(s->total, 4);
	assert_int_equal(s->outside, 1); /* the end is excluded */
	assert_int_equal(s->buckets[0], 1);
	assert_int_equal(s->buckets[1], 2);
	assert_int_equal(s->buckets[2], 0);
	t = &s->tops[CLI_STATS_DOMAINS];
	assert_int_equal(t->distinct, 1); /* x.test, lower-cased; "nodomain" has none */
	assert_string_equal(t->items[0].value, "x.test");
	assert_int_equal(t->items[0].count, 3);
	t = &s->tops[CLI_STATS_RECIPIENTS];
	assert_int_equal(t->distinct, 3);
	assert_int_equal(t->n, 2); /* top=2 */
	assert_string_equal(t->items[0].value, "r2@t");
	assert_int_equal(t->items[0].count, 2);
	assert_string_equal(t->items[1].value, "r1@t"); /* a tie goes by value */
	assert_int_equal(t->items[1].count, 1);
	t = &s->tops[CLI_STATS_SUBJECTS];
	assert_string_equal(t->items[0].value, "hi");
	assert_int_equal(t->items[1].len, 0); /* the empty subject counts too */
	assert_int_equal(s->tops[CLI_STATS_FOLDERS].distinct, 0);
	assert_false(cli_stats_has_list(s, CLI_STATS_FOLDERS));
	cli_stats_free(s);
}

struct lines {
	char text[64][256];
	size_t n;
};

static void keep_line(void *ctx, const char *text)
{
	struct lines *l = ctx;

	if (l->n < 64)
		snprintf(l->text[l->n++], sizeof(l->text[0]), "%s", text);
}

static void test_stats__lines_fit_the_width(void **state)
{
	cli_stats *s = NULL;
	struct lines l = { .n = 0 };
	int bars = 0;

	(void)state;
	assert_int_equal(cli_stats_new(&s, 0, T2025, T2025 + 3 * 3600, CLI_STATS_BY_HOUR, 3), 0);
	for (int i = 0; i < 8; i++)
		add(s,
		    record(i < 6 ? "2025-01-01 00:10:00 [UTC+0000]"
				 : "2025-01-01 02:10:00 [UTC+0000]",
			   "x@y.test", "r@t",
			   "\x1b]0;title\x07 a subject far longer than any terminal is wide, and "
			   "then some more words to pass eighty columns",
			   "accept"));
	assert_int_equal(cli_stats_finish(s), 0);
	cli_stats_lines(s, 60, 1, keep_line, &l);
	for (size_t i = 0; i < l.n; i++) {
		assert_true(cli_display_width(l.text[i]) <= 60);
		assert_null(strchr(l.text[i], '\x1b'));
		if (!strncmp(l.text[i], "2025-01-01 ", 11))
			bars++;
	}
	assert_int_equal(bars, 3);
	assert_string_equal(l.text[0], "Smart Search, 2025-01-01 00:00 to 2025-01-01 03:00 UTC");
	assert_string_equal(l.text[1], "8 messages, per hour");
	/* 60 columns less the label (16), the count (1), two spaces and one spare: 40 cells. */
	assert_int_equal(cli_display_width(l.text[3]), 16 + 1 + 1 + 1 + 40);
	assert_string_equal(l.text[4], "2025-01-01 01:00 0");
	assert_int_equal(cli_display_width(l.text[5]), 16 + 1 + 1 + 1 + 14); /* 2/6 of 40 */
	l.n = 0;
	cli_stats_lines(s, 0, 0, keep_line, &l);
	/* A pipe: laid out for 80 columns, nothing cut, ASCII only. */
	assert_int_equal(cli_display_width(l.text[3]), 16 + 1 + 1 + 1 + 60);
	for (size_t i = 0; i < l.n; i++)
		for (const char *p = l.text[i]; *p; p++)
			assert_true((unsigned char)*p < 0x80);
	cli_stats_free(s);
}

static void test_stats__an_empty_window_says_so(void **state)
{
	cli_stats *s = NULL;
	struct lines l = { .n = 0 };

	(void)state;
	assert_int_equal(cli_stats_new(&s, 1, T2025, T2025 + 86400, CLI_STATS_BY_AUTO, 10), 0);
	assert_int_equal(cli_stats_finish(s), 0);
	cli_stats_lines(s, 80, 1, keep_line, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.text[0], "Quarantine, 2025-01-01 00:00 to 2025-01-02 00:00 UTC");
	assert_string_equal(l.text[1], "No messages in this window.");
	cli_stats_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats__buckets_are_utc_hours_and_days),
		cmocka_unit_test(test_stats__window_limits),
		cmocka_unit_test(test_stats__share_rounds_half_up_in_tenths),
		cmocka_unit_test(test_stats__bars_in_eighths_and_hashes),
		cmocka_unit_test(test_stats__cut_with_an_ellipsis),
		cmocka_unit_test(test_stats__counts_records),
		cmocka_unit_test(test_stats__lines_fit_the_width),
		cmocka_unit_test(test_stats__an_empty_window_says_so),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
