/* Unit tests of src/cli/sanitize.c and src/cli/suggest.c: visible escapes, JSON hardening, the
 * CSV formula rule, lossy UTF-8, raw text for a terminal, edit distance and suggestions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/sanitize.h"
#include "cli/suggest.h"

static void check(const char *in, size_t n, const char *keep, const char *want, size_t want_w)
{
	ppsbuf b = PPSBUF_INIT;
	size_t w = 0;

	assert_int_equal(cli_sanitize(&b, in, n, keep, &w), 0);
	assert_string_equal(b.buf, want);
	assert_int_equal(w, want_w);
	assert_int_equal(cli_needs_sanitize(in, n, keep), strcmp(in, want) != 0 || strlen(in) != n);
	ppsbuf_release(&b);
}

static void test_sanitize__controls_are_written_visibly(void **state)
{
	(void)state;
	check("plain", 5, NULL, "plain", 5);
	check("a\x1b[2Jb", 6, NULL, "a\\x1b[2Jb", 9);
	check("osc\x1b]52;c;eA==\x07", 15, NULL, "osc\\x1b]52;c;eA==\\x07", 21);
	check("c1\xc2\x9b"
	      "31m",
	      7, NULL, "c1\\x9b31m", 9);
	check("rlo\xe2\x80\xae"
	      "exe",
	      9, NULL, "rlo\\u202eexe", 12);
	check("lrm\xe2\x80\x8e isolate\xe2\x81\xa6", 17, NULL, "lrm\\u200e isolate\\u2066", 23);
	check("nul\0x", 5, NULL, "nul\\x00x", 8);
	check("tab\tnl\n", 7, "\t\n", "tab\tnl\n", 5);
	check("tab\tnl\n", 7, NULL, "tab\\x09nl\\x0a", 13);
	check("bad\xff", 4, NULL, "bad\xef\xbf\xbd", 4);
	check("caf\xc3\xa9 \xe6\xbc\xa2", 9, NULL, "caf\xc3\xa9 \xe6\xbc\xa2", 7);
	check("back\\slash", 10, NULL, "back\\slash", 10);
}

static void test_sanitize__json_harden_escapes_c1_and_bidi_only(void **state)
{
	ppsbuf b = PPSBUF_INIT;

	(void)state;
	ppsbuf_adds(&b, "{\"k\":");
	ppsbuf_adds(&b, "\"a\xc2\x9b"
			"b\xe2\x80\xae"
			"c\xe2\x80\xa8"
			"d\x7f"
			"e caf\xc3\xa9\"}\n");
	assert_int_equal(cli_json_harden(&b, 5), 0);
	assert_string_equal(b.buf, "{\"k\":\"a\\u009bb\\u202ec\\u2028d\\u007fe caf\xc3\xa9\"}\n");
	ppsbuf_reset(&b);
	ppsbuf_adds(&b, "{\n  \"ok\": \"caf\xc3\xa9\"\n}");
	assert_int_equal(cli_json_harden(&b, 0), 0);
	assert_string_equal(b.buf, "{\n  \"ok\": \"caf\xc3\xa9\"\n}");
	ppsbuf_release(&b);
}

static void test_sanitize__csv_formula_triggers(void **state)
{
	(void)state;
	assert_true(cli_csv_is_formula("=1+1", 4));
	assert_true(cli_csv_is_formula("+cmd", 4));
	assert_true(cli_csv_is_formula("-2", 2));
	assert_true(cli_csv_is_formula("@SUM(A1)", 8));
	assert_true(cli_csv_is_formula("\tx", 2));
	assert_true(cli_csv_is_formula("\rx", 2));
	assert_false(cli_csv_is_formula("a=1", 3));
	assert_false(cli_csv_is_formula("", 0));
	assert_false(cli_csv_is_formula("'=1", 3));
}

static void test_sanitize__raw_text_for_a_terminal(void **state)
{
	ppsbuf b = PPSBUF_INIT;
	const char raw[] = "Subject: hi\r\n\r\n\x1b[2JPay\r now\xe2\x80\xae\r\n";

	(void)state;
	assert_int_equal(cli_sanitize_text(&b, raw, sizeof(raw) - 1), 0);
	assert_string_equal(b.buf, "Subject: hi\n\n\\x1b[2JPay\\x0d now\\u202e\n");
	ppsbuf_reset(&b);
	assert_int_equal(cli_utf8_lossy(&b, "a\xff\xc3\xa9\x1b", 5), 0);
	assert_string_equal(b.buf, "a\xef\xbf\xbd\xc3\xa9\x1b");
	ppsbuf_release(&b);
}

static void test_suggest__edit_distance(void **state)
{
	(void)state;
	assert_int_equal(cli_edit_distance("", ""), 0);
	assert_int_equal(cli_edit_distance("abc", ""), 3);
	assert_int_equal(cli_edit_distance("smart-serch", "smart-search"), 1);
	assert_int_equal(cli_edit_distance("horus", "hours"), 1);
	assert_int_equal(cli_edit_distance("JSON", "json"), 0);
	assert_int_equal(cli_edit_distance("local-guid", "local_guid"), 0);
	assert_int_equal(cli_edit_distance("kitten", "sitting"), 3);
}

static void test_suggest__only_close_names(void **state)
{
	static const char *const names[] = { "accept", "continue", "discard", "redirect",
					     "reject", "retry",	   NULL };
	cli_suggestion s = CLI_SUGGESTION_INIT;

	(void)state;
	assert_string_equal(cli_suggest_choice("acept", names), "; did you mean 'accept'?");
	assert_string_equal(cli_suggest_choice("retyr", names), "; did you mean 'retry'?");
	assert_string_equal(cli_suggest_choice("deliver", names), "");
	assert_string_equal(cli_suggest_choice("accept", names), "");
	assert_string_equal(cli_suggest_choice("x", names), "");
	cli_suggest_consider(&s, "recipent", "recipient");
	cli_suggest_consider(&s, "recipent", "sender");
	assert_string_equal(cli_suggest_result(&s, "recipent"), "recipient");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize__controls_are_written_visibly),
		cmocka_unit_test(test_sanitize__json_harden_escapes_c1_and_bidi_only),
		cmocka_unit_test(test_sanitize__csv_formula_triggers),
		cmocka_unit_test(test_sanitize__raw_text_for_a_terminal),
		cmocka_unit_test(test_suggest__edit_distance),
		cmocka_unit_test(test_suggest__only_close_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
