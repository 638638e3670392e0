/*
 * Unit tests of src/cli/guidlist.c, the line parser of local_guid lists: every shape of entry
 * (bare, quoted, BOM, CR, comments, comma lists, records, garbage), folders and duplicates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/guidlist.h"

static void parse(cli_guidlist *l, const char *text)
{
	assert_int_equal(cli_guidlist_parse(l, text, strlen(text)), 0);
}

static void test_guidlist__guid_shapes(void **state)
{
	(void)state;
	assert_true(cli_guid_valid("4:2:6"));
	assert_true(cli_guid_valid("1234567890:0:99"));
	assert_true(cli_guid_valid("g4fsnj_sTLMk9hECaJwmmxwP6lQkr5k7"));
	assert_true(cli_guid_valid("72wWvWN8qIx-jclF-uv6feVwEFDkkidM"));
	assert_false(cli_guid_valid(""));
	assert_false(cli_guid_valid("4:2"));
	assert_false(cli_guid_valid("4:2:6:1"));
	assert_false(cli_guid_valid("4::6"));
	assert_false(cli_guid_valid("12345678901:2:6"));
	assert_false(cli_guid_valid("4:2:6 "));
	assert_false(cli_guid_valid("g4fsnj sTLMk9hECaJwmmxwP6lQkr5k7"));
}

/* Any token the server could know goes out: short ones too; white space, commas, control bytes
 * and more than the server's 128 bytes are mistakes. */
static void test_guidlist__any_token_up_to_the_server_length(void **state)
{
	char long_guid[CLI_GUID_MAX + 2];

	(void)state;
	assert_true(cli_guid_valid("a"));
	assert_true(cli_guid_valid("short_word"));
	assert_true(cli_guid_valid("abc123"));
	assert_true(cli_guid_valid("g4fsnj_sTLMk9hECaJwmm+P6lQkr5k7="));
	assert_true(cli_guid_valid("x:y"));
	assert_false(cli_guid_valid("abc,def"));
	assert_false(cli_guid_valid("abc\tdef"));
	assert_false(cli_guid_valid("abc\x01"));
	assert_false(cli_guid_valid("abc\x7f"));
	assert_false(cli_guid_valid("caf\xe9"));
	assert_false(cli_guid_valid(" abc"));
	assert_false(cli_guid_valid("\"4:2:6"));
	assert_false(cli_guid_valid("[\"abc\"]"));
	memset(long_guid, 'g', CLI_GUID_MAX);
	long_guid[CLI_GUID_MAX] = '\0';
	assert_true(cli_guid_valid(long_guid));
	long_guid[CLI_GUID_MAX] = 'g';
	long_guid[CLI_GUID_MAX + 1] = '\0';
	assert_false(cli_guid_valid(long_guid));
}

/* BOM, spaces, CR and one pair of quotes go; blank lines and comments add nothing. */
static void test_guidlist__bare_lines_are_cleaned(void **state)
{
	cli_guidlist l = CLI_GUIDLIST_INIT;

	(void)state;
	parse(&l, "\xEF\xBB\xBF"
		  "4:2:6\r\n"
		  "\n"
		  "   \t\n"
		  "# a comment\n"
		  "  # an indented comment\n"
		  "  \"6:6:4\"  \n"
		  "'6:6:239'\n"
		  "\" 6:6:300 \"\n");
	assert_int_equal(l.n, 4);
	assert_int_equal(l.v[0].line, 1);
	assert_string_equal(l.v[0].guid, "4:2:6");
	assert_null(l.v[0].why);
	assert_int_equal(l.v[1].line, 6);
	assert_string_equal(l.v[1].guid, "6:6:4");
	assert_string_equal(l.v[1].text, "\"6:6:4\"");
	assert_null(l.v[1].why);
	assert_string_equal(l.v[2].guid, "6:6:239");
	assert_string_equal(l.v[3].guid, "6:6:300");
	assert_int_equal(l.v[3].line, 8);
	for (size_t i = 0; i < l.n; i++) {
		assert_null(l.v[i].folder);
		assert_int_equal(l.v[i].record, 0);
	}
	cli_guidlist_release(&l);
}

/* Anything else is kept as an invalid entry with its line and text, never dropped. */
static void test_guidlist__garbage_is_invalid_by_line(void **state)
{
	cli_guidlist l = CLI_GUIDLIST_INIT;

	(void)state;
	parse(&l, "4:2:6\ngarbage !!\n\"6:6:4\n[\"1:2:3\"]\n4:2:6 # trailing\n");
	assert_int_equal(l.n, 5);
	assert_null(l.v[0].why);
	for (size_t i = 1; i < 5; i++) {
		assert_non_null(l.v[i].why);
		assert_int_equal(l.v[i].line, i + 1);
	}
	assert_string_equal(l.v[1].text, "garbage !!");
	assert_string_equal(l.v[2].text, "\"6:6:4");
	cli_guidlist_release(&l);
}

/* A line may still be a comma list; every item is an entry of that line. */
static void test_guidlist__comma_lists(void **state)
{
	cli_guidlist l = CLI_GUIDLIST_INIT;

	(void)state;
	parse(&l, "4:2:6, 4:2:7 ,\"4:2:8\"\n5:3:12,,x y\n");
	assert_int_equal(l.n, 6);
	assert_string_equal(l.v[0].guid, "4:2:6");
	assert_string_equal(l.v[1].guid, "4:2:7");
	assert_string_equal(l.v[2].guid, "4:2:8");
	assert_int_equal(l.v[2].line, 1);
	assert_null(l.v[3].why);
	assert_int_equal(l.v[3].line, 2);
	assert_non_null(l.v[4].why); /* the empty item */
	assert_non_null(l.v[5].why); /* x y */
	cli_guidlist_release(&l);
}

/* Records: localguid and folder as the listing prints them; guid alone for a cloud store. */
static void test_guidlist__records(void **state)
{
	cli_guidlist l = CLI_GUIDLIST_INIT;

	(void)state;
	parse(&l, "{\"folder\":\"Phish\",\"guid\":\"lR_SjEF1Llfn9gML8YZzpVPUukjXQcPO\","
		  "\"localguid\":\"6:6:239\",\"rcpts\":[\"a@b.c\"]}\r\n"
		  "  {\"guid\":\"72wWvWN8qIx-jclF-uv6feVwEFDkkidM\",\"folder\":\"TestQ\"}\n"
		  "{\"localguid\":\"6:6:4\"}\n"
		  "{\"localguid\":\"6:6:5\",\"folder\":null}\n"
		  "{\"input\":{\"line\":3},\"localguid\":\"4:2:6\",\"folder\":\"HIPAA\","
		  "\"outcome\":\"refused\"}\n");
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0].guid, "6:6:239");
	assert_string_equal(l.v[0].folder, "Phish");
	assert_int_equal(l.v[0].record, 1);
	assert_null(l.v[0].why);
	assert_string_equal(l.v[1].guid, "72wWvWN8qIx-jclF-uv6feVwEFDkkidM");
	assert_string_equal(l.v[1].folder, "TestQ");
	assert_string_equal(l.v[2].guid, "6:6:4");
	assert_null(l.v[2].folder);
	assert_null(l.v[3].folder);
	assert_null(l.v[3].why);
	/* A --report line is a record too. */
	assert_string_equal(l.v[4].guid, "4:2:6");
	assert_string_equal(l.v[4].folder, "HIPAA");
	cli_guidlist_release(&l);
}

static void test_guidlist__bad_records_are_invalid(void **state)
{
	cli_guidlist l = CLI_GUIDLIST_INIT;

	(void)state;
	parse(&l, "{\"localguid\": \n"
		  "{\"subject\":\"no guid\"}\n"
		  "{\"localguid\":42,\"folder\":\"Q\"}\n"
		  "{\"localguid\":\"garbage !!\",\"folder\":\"Q\"}\n"
		  "{\"localguid\":\"4:2:6\",\"folder\":7}\n"
		  "{\"localguid\":\"4:2:6\",\"localguid\":\"4:2:7\"}\n");
	assert_int_equal(l.n, 6);
	for (size_t i = 0; i < l.n; i++) {
		assert_non_null(l.v[i].why);
		assert_int_equal(l.v[i].record, 1);
		assert_int_equal(l.v[i].line, i + 1);
	}
	assert_null(l.v[0].guid);
	assert_string_equal(l.v[3].guid, "garbage !!");
	cli_guidlist_release(&l);
}

/* A bare GUID takes the folder of a record with the same GUID; else it is invalid. */
static void test_guidlist__folders_from_records(void **state)
{
	cli_guidlist l = CLI_GUIDLIST_INIT;

	(void)state;
	parse(&l, "6:6:4\n{\"localguid\":\"6:6:4\",\"folder\":\"Quarantine\"}\n9:9:9\n");
	assert_int_equal(cli_guidlist_resolve_folders(&l), 0);
	assert_string_equal(l.v[0].folder, "Quarantine");
	assert_null(l.v[0].why);
	assert_null(l.v[2].folder);
	assert_non_null(l.v[2].why);
	cli_guidlist_release(&l);
}

/* Duplicates are the same GUID in the same folder; the first one stays. */
static void test_guidlist__duplicates(void **state)
{
	cli_guidlist l = CLI_GUIDLIST_INIT;

	(void)state;
	parse(&l, "4:2:6\n{\"localguid\":\"4:2:6\",\"folder\":\"Q\"}\n4:2:7\n\"4:2:6\"\n"
		  "{\"localguid\":\"4:2:6\",\"folder\":\"P\"}\ngarbage !!\ngarbage !!\n");
	assert_int_equal(cli_guidlist_mark_duplicates(&l, "Q"), 0);
	assert_int_equal(l.v[0].dup_of, 0);
	assert_int_equal(l.v[1].dup_of, 1); /* folder_name Q is the bare GUID's folder */
	assert_int_equal(l.v[2].dup_of, 0);
	assert_int_equal(l.v[3].dup_of, 1);
	assert_int_equal(l.v[4].dup_of, 0); /* another folder */
	assert_int_equal(l.v[5].dup_of, 0); /* invalid entries are never duplicates */
	assert_int_equal(l.v[6].dup_of, 0);
	cli_guidlist_release(&l);
}

static void test_guidlist__many_duplicates_keep_the_first(void **state)
{
	cli_guidlist l = CLI_GUIDLIST_INIT;
	char line[32];
	size_t dups = 0;

	(void)state;
	for (int i = 0; i < 3000; i++) {
		snprintf(line, sizeof(line), "1:1:%d", (i * 7) % 1000);
		assert_int_equal(cli_guidlist_parse_line(&l, line, strlen(line), (size_t)i + 1), 0);
	}
	assert_int_equal(cli_guidlist_mark_duplicates(&l, "F"), 0);
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].dup_of) {
			dups++;
			assert_true(l.v[i].dup_of - 1 < i);
			assert_string_equal(l.v[l.v[i].dup_of - 1].guid, l.v[i].guid);
			assert_int_equal(l.v[l.v[i].dup_of - 1].dup_of, 0);
		}
	}
	assert_int_equal(dups, 2000);
	cli_guidlist_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guidlist__guid_shapes),
		cmocka_unit_test(test_guidlist__any_token_up_to_the_server_length),
		cmocka_unit_test(test_guidlist__bare_lines_are_cleaned),
		cmocka_unit_test(test_guidlist__garbage_is_invalid_by_line),
		cmocka_unit_test(test_guidlist__comma_lists),
		cmocka_unit_test(test_guidlist__records),
		cmocka_unit_test(test_guidlist__bad_records_are_invalid),
		cmocka_unit_test(test_guidlist__folders_from_records),
		cmocka_unit_test(test_guidlist__duplicates),
		cmocka_unit_test(test_guidlist__many_duplicates_keep_the_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
