/*
 * Unit tests of the bulk run's pure parts: the batch splitter (batches never cross folders, come
 * out in input order, a refused batch splits in halves down to single GUIDs); the fold of journal
 * lines into what an earlier run did; one message named by localguid and GUID.
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
#include "cli/guidlist.h"
#include "cli/journal.h"

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

static void add(cli_jstates *st, const char *line)
{
	assert_int_equal(cli_jstates_add_text(st, line, strlen(line), "release"), 0);
}

#define INTENT(b, g)                                                                      \
	"{\"event\":\"intent\",\"batch\":" #b ",\"action\":\"release\",\"folder\":\"Q\"," \
	"\"localguids\":[\"" g "\"]}"
#define OUTCOME(b, g, o)                                                                          \
	"{\"event\":\"outcome\",\"localguid\":\"" g "\",\"folder\":\"Q\",\"action\":\"release\"," \
	"\"outcome\":\"" o "\",\"batch\":" #b "}"

/* What a journal says of each message, whatever the order its lines came in. */
static void test_bulk__journal_fold(void **state)
{
	cli_jstates st = CLI_JSTATES_INIT;

	(void)state;
	add(&st, "{\"event\":\"start\",\"job\":\"x\",\"action\":\"release\",\"folder\":\"Q\"}");
	add(&st, INTENT(1, "1:1:1")); /* killed: no outcome */
	add(&st, INTENT(2, "1:1:2"));
	add(&st, OUTCOME(2, "1:1:2", "done")); /* done */
	add(&st, INTENT(3, "1:1:3"));
	add(&st, OUTCOME(3, "1:1:3", "refused"));  /* refused: send again */
	add(&st, OUTCOME(4, "1:1:4", "unknown"));  /* unknown */
	add(&st, INTENT(5, "1:1:4"));		   /* --retry-unknown */
	add(&st, OUTCOME(5, "1:1:4", "done"));	   /* then done */
	add(&st, OUTCOME(6, "1:1:2", "not_sent")); /* done stays done */
	add(&st, INTENT(7, "1:1:5"));
	add(&st, "{\"event\":\"split\",\"batch\":7,\"action\":\"release\",\"folder\":\"Q\","
		 "\"localguids\":[\"1:1:5\"]}"); /* refused whole, split */
	add(&st, "{\"localguid\":\"1:1:6\",\"folder\":\"Q\",\"action\":\"release\","
		 "\"outcome\":\"done\"}"); /* a report line of old */
	add(&st, "{\"localguid\":\"1:1:7\",\"folder\":\"Q\",\"action\":\"delete\","
		 "\"outcome\":\"done\"}"); /* another action's */
	add(&st, "{\"event\":\"outcome\",\"localguid\":\"1:1:8\",\"folder\":\"Q\",\"action\":"
		 "\"release\",\"outcome\":\"done\",\"cluster\":\"east\"}");
	add(&st, "{\"localguid\": torn");
	assert_int_equal(cli_jstates_finish(&st), 0);
	assert_int_equal(cli_jstates_get(&st, NULL, "Q", "1:1:1"), CLI_JSTATE_UNKNOWN);
	assert_int_equal(cli_jstates_get(&st, NULL, "Q", "1:1:2"), CLI_JSTATE_DONE);
	assert_int_equal(cli_jstates_get(&st, NULL, "Q", "1:1:3"), CLI_JSTATE_NONE);
	assert_int_equal(cli_jstates_get(&st, NULL, "Q", "1:1:4"), CLI_JSTATE_DONE);
	assert_int_equal(cli_jstates_get(&st, NULL, "Q", "1:1:5"), CLI_JSTATE_NONE);
	assert_int_equal(cli_jstates_get(&st, NULL, "Q", "1:1:6"), CLI_JSTATE_DONE);
	assert_int_equal(cli_jstates_get(&st, NULL, "Q", "1:1:7"), CLI_JSTATE_NONE);
	assert_int_equal(cli_jstates_get(&st, NULL, "Other", "1:1:2"), CLI_JSTATE_NONE);
	/* A line of cluster east counts for east and for a run that names no cluster. */
	assert_int_equal(cli_jstates_get(&st, "east", "Q", "1:1:8"), CLI_JSTATE_DONE);
	assert_int_equal(cli_jstates_get(&st, NULL, "Q", "1:1:8"), CLI_JSTATE_DONE);
	assert_int_equal(cli_jstates_get(&st, "west", "Q", "1:1:8"), CLI_JSTATE_NONE);
	/* A line without a cluster counts for every cluster. */
	assert_int_equal(cli_jstates_get(&st, "west", "Q", "1:1:2"), CLI_JSTATE_DONE);
	assert_int_equal(st.max_batch, 7);
	cli_jstates_release(&st);
}

/* A journal's start, intent, split and end lines are no entries; its outcome lines are. */
static void test_bulk__journal_lines_as_input(void **state)
{
	cli_guidlist l = CLI_GUIDLIST_INIT;
	static const char text[] =
		"{\"event\":\"start\",\"job\":\"x\",\"action\":\"release\"}\n" INTENT(
			1, "1:1:1") "\n" OUTCOME(1, "1:1:1",
						 "done") "\n{\"event\":\"end\",\"status\":0}\n";

	(void)state;
	assert_int_equal(cli_guidlist_parse(&l, text, strlen(text)), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].guid, "1:1:1");
	assert_null(l.v[0].why);
	cli_guidlist_release(&l);
}

/* A GUID named beside the record that gives its localguid becomes that localguid. */
static void test_bulk__localguid_and_guid(void **state)
{
	cli_guidlist l = CLI_GUIDLIST_INIT;
	const char *onprem, *cloud;
	static const char text[] = "{\"localguid\":\"6:6:1\",\"guid\":\"Qg0000000000000000000001\","
				   "\"folder\":\"Q\"}\nQg0000000000000000000001\n6:6:2\n";
	static const char mixed[] = "6:6:3\nQg0000000000000000000004\n";

	(void)state;
	assert_int_equal(cli_guidlist_parse(&l, text, strlen(text)), 0);
	assert_int_equal(cli_guidlist_canonicalize(&l, &onprem, &cloud), 0);
	assert_string_equal(l.v[1].guid, "6:6:1");
	assert_string_equal(l.v[1].text, "Qg0000000000000000000001");
	assert_int_equal(cli_guidlist_mark_duplicates(&l, "Q"), 0);
	assert_int_equal(l.v[1].dup_of, 1);
	cli_guidlist_release(&l);
	/* Bare forms of both kinds: nothing tells whether two name one message. */
	assert_int_equal(cli_guidlist_parse(&l, mixed, strlen(mixed)), 0);
	assert_int_equal(cli_guidlist_canonicalize(&l, &onprem, &cloud), 1);
	assert_string_equal(onprem, "6:6:3");
	assert_string_equal(cloud, "Qg0000000000000000000004");
	cli_guidlist_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bulk__batches_per_folder),
		cmocka_unit_test(test_bulk__empty_and_tiny_plans),
		cmocka_unit_test(test_bulk__split_isolates_one_guid),
		cmocka_unit_test(test_bulk__halves_come_first),
		cmocka_unit_test(test_bulk__split_everything_is_bounded),
		cmocka_unit_test(test_bulk__journal_fold),
		cmocka_unit_test(test_bulk__journal_lines_as_input),
		cmocka_unit_test(test_bulk__localguid_and_guid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
