/* Unit tests of a list change's pure pieces: the entries PPS takes, a profile's list read, the
 * merge that keeps every other entry in its order, and the check that a read shows a change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "lib/enduser_list.h"
#include "lib/internal.h"

static void test_lists__entries_taken(void **state)
{
	static const char *const good[] = {
		"user@example.com",	 "@example.com",
		"example.com",		 "first.last+tag@sub.example.co.uk",
		"xn--bcher-kva.example", "o'neil@example.com"
	};
	char why[160];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (pps_list_entry_check(good[i], why, sizeof(why)) != PPS_OK)
			fail_msg("'%s' refused: %s", good[i], why);
}

static void test_lists__entries_refused(void **state)
{
	static const struct {
		const char *entry, *why;
	} bad[] = {
		{ "", "empty" },
		{ "not an address", "space" },
		{ "a@b@example.com", "more than one" },
		{ "localhost", "with a dot" },
		{ "a,b@example.com", "comma" },
		{ "user@", "empty" },
		{ "@", "empty" },
		{ ".a@example.com", "starts or ends with a dot" },
		{ "a..b@example.com", "two dots" },
		{ "user@exa_mple.com", "only letters" },
		{ "user@-example.com", "hyphen" },
		{ "example.com.", "dot" },
		{ "b\xc3\xbc"
		  "cher.example",
		  "xn--" },
		{ "a\"b@example.com", "character" },
	};
	char why[160];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (pps_list_entry_check(bad[i].entry, why, sizeof(why)) != PPS_EUSAGE)
			fail_msg("'%s' taken", bad[i].entry);
		if (!strstr(why, bad[i].why))
			fail_msg("'%s': reason '%s' lacks '%s'", bad[i].entry, why, bad[i].why);
	}
	assert_int_equal(pps_list_entry_check(NULL, NULL, 0), PPS_EUSAGE);
}

static void test_lists__read_forms(void **state)
{
	json_t *p = json_pack("{s:[s,s], s:s, s:n, s:i, s:[s,i]}", "blocklist", "a.test", "b.test",
			      "safelist", "x.test, y.test ,z.test", "alias", "type", 1, "groups",
			      "g", 2);
	json_t *l = NULL;

	(void)state;
	assert_int_equal(pps__list_read(&l, p, "blocklist"), 0);
	assert_int_equal(json_array_size(l), 2);
	json_decref(l);
	assert_int_equal(pps__list_read(&l, p, "safelist"), 0);
	assert_int_equal(json_array_size(l), 3);
	assert_string_equal(json_string_value(json_array_get(l, 1)), "y.test");
	json_decref(l);
	assert_int_equal(pps__list_read(&l, p, "alias"), 0); /* null: empty */
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
	assert_int_equal(pps__list_read(&l, p, "missing"), 0);
	assert_int_equal(json_array_size(l), 0);
	json_decref(l);
	assert_int_equal(pps__list_read(&l, p, "type"), -1);
	assert_null(l);
	assert_int_equal(pps__list_read(&l, p, "groups"), -1);
	json_decref(p);
}

static void test_lists__merge_keeps_order(void **state)
{
	json_t *cur =
		json_pack("[s,s,s,s]", "one.test", "Two@Example.com", "three.test", "four.test");
	const char *add[] = { "two@example.com", "five.test", "FIVE.test", "six.test" };
	const char *rm[] = { "THREE.test", "six.test", "absent.test" };
	json_t *out = NULL, *want = json_pack("[s,s,s,s]", "one.test", "Two@Example.com",
					      "four.test", "five.test");

	(void)state;
	assert_int_equal(pps__list_merge(&out, cur, add, 4, rm, 3), 0);
	if (!json_equal(out, want)) {
		char *s = json_dumps(out, 0);

		fail_msg("merged %s", s);
	}
	assert_true(pps__list_shows(out, add, 4, rm, 3));
	assert_false(pps__list_shows(cur, add, 4, rm, 3));
	assert_true(pps__list_equal(out, want));
	assert_false(pps__list_equal(out, cur));
	json_decref(out);
	/* Nothing to change: the merge is the list itself. */
	assert_int_equal(pps__list_merge(&out, cur, add, 1, rm + 2, 1), 0);
	assert_true(pps__list_equal(out, cur));
	json_decref(out);
	json_decref(cur);
	json_decref(want);
}

static void test_lists__change_refused_before_sending(void **state)
{
	pps_client_options o = PPS_CLIENT_OPTIONS_INIT;
	pps_list_change ch = PPS_LIST_CHANGE_INIT;
	pps_list_result *res = (pps_list_result *)1;
	pps_client *c = NULL;
	const char *add[] = { "ok.test", "bad entry" };

	(void)state;
	o.url = "https://127.0.0.1:9";
	assert_int_equal(pps_client_new(&c, &o, NULL, 0), PPS_OK);
	ch.email = "u@example.com";
	ch.list = PPS_LIST_BLOCKLIST;
	ch.add = add;
	ch.nadd = 2;
	assert_int_equal(pps_enduser_list_change(&res, c, &ch), PPS_EUSAGE);
	assert_null(res);
	assert_string_equal(pps_client_last_error(c)->message,
			    "invalid entry 'bad entry': the entry holds a space or a control "
			    "character");
	ch.nadd = 1;
	ch.list = (pps_enduser_list)9;
	assert_int_equal(pps_enduser_list_change(&res, c, &ch), PPS_EUSAGE);
	ch.list = PPS_LIST_SAFELIST;
	ch.email = NULL;
	assert_int_equal(pps_enduser_list_change(&res, c, &ch), PPS_EUSAGE);
	ch.version = 0;
	assert_int_equal(pps_enduser_list_change(&res, c, &ch), PPS_EUSAGE);
	assert_int_equal(pps_list_change_init(&ch, PPS_LIST_CHANGE_VERSION), PPS_OK);
	assert_int_equal(ch.version, PPS_LIST_CHANGE_VERSION);
	assert_null(ch.add);
	pps_list_result_free(NULL);
	pps_client_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists__entries_taken),
		cmocka_unit_test(test_lists__entries_refused),
		cmocka_unit_test(test_lists__read_forms),
		cmocka_unit_test(test_lists__merge_keeps_order),
		cmocka_unit_test(test_lists__change_refused_before_sending),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
