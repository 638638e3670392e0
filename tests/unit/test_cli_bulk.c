/*
 * Unit tests of the batch splitter of src/cli/bulk.c: batches never cross folders, come out in
 * input order, and a refused batch splits in halves, first half first, down to single GUIDs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/bulk.h"

static void expect_span(cli_batcher *b, size_t group, size_t first, size_t count, size_t batch)
{
	cli_span s;

	assert_int_equal(cli_batcher_next(b, &s), 1);
	assert_int_equal(s.group, group);
	assert_int_equal(s.first, first);
	assert_int_equal(s.count, count);
	assert_int_equal(s.batch, batch);
}

/* 45 GUIDs of one folder and 20 of another in batches of 20: 3 + 1 batches, in order. */
static void test_bulk__batches_per_folder(void **state)
{
	const size_t sizes[] = { 45, 20 };
	cli_batcher b;
	cli_span s;

	(void)state;
	assert_int_equal(cli_batcher_init(&b, sizes, 2, 20), 0);
	assert_int_equal(b.planned, 4);
	assert_int_equal(cli_batcher_pending(&b), 65);
	expect_span(&b, 0, 0, 20, 1);
	expect_span(&b, 0, 20, 20, 2);
	expect_span(&b, 0, 40, 5, 3);
	expect_span(&b, 1, 0, 20, 4);
	assert_int_equal(cli_batcher_next(&b, &s), 0);
	assert_int_equal(cli_batcher_pending(&b), 0);
	cli_batcher_release(&b);
}

static void test_bulk__empty_and_tiny_plans(void **state)
{
	const size_t sizes[] = { 0, 1, 0 };
	cli_batcher b;
	cli_span s;

	(void)state;
	assert_int_equal(cli_batcher_init(&b, sizes, 3, 100), 0);
	assert_int_equal(b.planned, 1);
	expect_span(&b, 1, 0, 1, 1);
	assert_int_equal(cli_batcher_next(&b, &s), 0);
	cli_batcher_release(&b);
	assert_int_equal(cli_batcher_init(&b, NULL, 0, 100), 0);
	assert_int_equal(cli_batcher_next(&b, &s), 0);
	cli_batcher_release(&b);
}

/* Splitting a refused batch of 5 with one bad GUID at index 3 isolates it in 3 more requests. */
static void test_bulk__split_isolates_one_guid(void **state)
{
	const size_t sizes[] = { 5, 2 };
	cli_batcher b;
	cli_span s;
	int bad_seen = 0, sent = 0, done = 0;

	(void)state;
	assert_int_equal(cli_batcher_init(&b, sizes, 2, 5), 0);
	while (cli_batcher_next(&b, &s)) {
		int refused = s.group == 0 && s.first <= 3 && 3 < s.first + s.count;

		sent++;
		if (!refused) {
			done += (int)s.count;
			continue;
		}
		if (s.count == 1) {
			assert_int_equal(s.first, 3);
			bad_seen++;
			continue;
		}
		assert_int_equal(cli_batcher_split(&b, &s), 0);
	}
	assert_int_equal(bad_seen, 1);
	assert_int_equal(done, 6);
	/* [0,5) refused, [0,2) done, [2,5) refused, [2,3) done, [3,5) refused, [3] [4], [5..7) */
	assert_int_equal(sent, 8);
	cli_batcher_release(&b);
}

/* The halves come next, first half first, before later batches; they keep the batch number. */
static void test_bulk__halves_come_first(void **state)
{
	const size_t sizes[] = { 7 };
	cli_batcher b;
	cli_span s;

	(void)state;
	assert_int_equal(cli_batcher_init(&b, sizes, 1, 4), 0);
	expect_span(&b, 0, 0, 4, 1);
	s.group = 0;
	s.first = 0;
	s.count = 4;
	s.batch = 1;
	assert_int_equal(cli_batcher_split(&b, &s), 0);
	assert_int_equal(cli_batcher_pending(&b), 7);
	expect_span(&b, 0, 0, 2, 1);
	expect_span(&b, 0, 2, 2, 1);
	expect_span(&b, 0, 4, 3, 2);
	/* An odd count: the second half takes the extra one. */
	s.first = 4;
	s.count = 3;
	s.batch = 2;
	assert_int_equal(cli_batcher_split(&b, &s), 0);
	expect_span(&b, 0, 4, 1, 2);
	expect_span(&b, 0, 5, 2, 2);
	/* A single GUID cannot be split. */
	s.count = 1;
	assert_int_equal(cli_batcher_split(&b, &s), -1);
	assert_int_equal(cli_batcher_next(&b, &s), 0);
	cli_batcher_release(&b);
}

/* Every GUID refused: isolation ends after 2n - 1 requests, each GUID alone exactly once. */
static void test_bulk__split_everything_is_bounded(void **state)
{
	const size_t sizes[] = { 100 };
	unsigned char seen[100] = { 0 };
	cli_batcher b;
	cli_span s;
	int sent = 0;

	(void)state;
	assert_int_equal(cli_batcher_init(&b, sizes, 1, 100), 0);
	while (cli_batcher_next(&b, &s)) {
		sent++;
		if (s.count == 1)
			seen[s.first]++;
		else
			assert_int_equal(cli_batcher_split(&b, &s), 0);
	}
	assert_int_equal(sent, 199);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(seen[i], 1);
	cli_batcher_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bulk__batches_per_folder),
		cmocka_unit_test(test_bulk__empty_and_tiny_plans),
		cmocka_unit_test(test_bulk__split_isolates_one_guid),
		cmocka_unit_test(test_bulk__halves_come_first),
		cmocka_unit_test(test_bulk__split_everything_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
