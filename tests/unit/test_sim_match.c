/* Unit tests of src/sim/match.c: the seed's partial-address examples, the subject analyzer, the
 * quarantine matchers and the list matcher. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/match.h"

static int addr(const char *pattern, const char *address)
{
	sim_addr_pattern *p = sim_addr_pattern_new(pattern);
	int r;

	assert_non_null(p);
	r = sim_addr_match(p, address);
	sim_addr_pattern_free(p);
	return r;
}

static void test_match__addr_ten_ways_to_find_a_b_at_c_d(void **state)
{
	static const char *const patterns[] = { "a.b",	"a.b*", "a.b@", "a.b@*", "*@c.d",
						"@c.d", "a.*@", "a*@",	"@*.d",	 "@*d" };

	(void)state;
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		if (!addr(patterns[i], "a.b@c.d"))
			fail_msg("'%s' does not find a.b@c.d", patterns[i]);
	}
}

static void test_match__addr_bare_word_is_a_whole_field(void **state)
{
	(void)state;
	assert_false(addr("a.b", "xa.b@c.d"));
	assert_false(addr("a.b", "a.bc@c.d"));
	assert_true(addr("c.d", "a.b@c.d"));
	assert_true(addr("a.b@c.d", "a.b@c.d"));
	assert_false(addr("c", "a.b@c.d"));
	assert_false(addr("b@c.d", "a.b@c.d"));
	assert_false(addr("a.b@c", "a.b@c.d"));
	assert_true(addr("*a.b", "xa.b@c.d"));
	assert_false(addr("a.b*", "xa.b@c.d"));
}

static const char *const example_addrs[] = { "example.user@abc.com", "user.example@abc.com",
					     "example@abc.com",	     "user@example.com",
					     "user@example.org",     "someone@other.net" };

static void test_match__addr_star_example_star(void **state)
{
	/* Expected results for *example* and @*example*, in the order of example_addrs. */
	static const int any[] = { 1, 1, 1, 1, 1, 0 };
	static const int dom[] = { 0, 0, 0, 1, 1, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(example_addrs) / sizeof(example_addrs[0]); i++) {
		if (addr("*example*", example_addrs[i]) != any[i])
			fail_msg("*example* on %s", example_addrs[i]);
		if (addr("@*example*", example_addrs[i]) != dom[i])
			fail_msg("@*example* on %s", example_addrs[i]);
	}
}

static void test_match__addr_lone_at_and_empty_find_nothing(void **state)
{
	(void)state;
	assert_false(addr("@", "a.b@c.d"));
	assert_false(addr(" @ ", "a.b@c.d"));
	assert_false(addr("", "a.b@c.d"));
	assert_false(addr("@", "@"));
	assert_true(addr("*", "a.b@c.d"));
	assert_true(addr("*@*", "a.b@c.d"));
}

static void test_match__addr_is_case_insensitive(void **state)
{
	(void)state;
	assert_true(addr("A.B@C.D", "a.b@c.d"));
	assert_true(addr("a.b", "A.B@C.D"));
	assert_true(addr("@*EXAMPLE*", "User@Example.Org"));
	assert_true(addr("root@USER.example.COM", "root@user.example.com"));
}

static void test_match__addr_sides_and_lists(void **state)
{
	(void)state;
	assert_true(addr("root@", "root@user.example.com"));
	assert_false(addr("roo@", "root@user.example.com"));
	assert_true(addr("@user.example.com", "root@user.example.com"));
	assert_false(addr("@example.com", "root@user.example.com"));
	assert_true(addr("@*example.com", "root@user.example.com"));
	assert_true(addr("user.example.com", "root@user.example.com"));
	/* A comma list of addresses (the Recipients field) matches when any address does. */
	assert_true(addr("second@", "first@multi.test,second@multi.test"));
	assert_true(addr("first", "first@multi.test, second@multi.test"));
	assert_false(addr("third", "first@multi.test,second@multi.test"));
	/* Angle brackets and an address without a domain. */
	assert_true(addr("a.b", "<a.b@c.d>"));
	assert_true(addr("mailer-daemon", "MAILER-DAEMON"));
	assert_false(addr("*@c.d", "a.b"));
	assert_false(addr("a.b", ""));
}

static void test_match__addr_glob_backtracks(void **state)
{
	char longaddr[900];

	(void)state;
	assert_true(addr("a*b*c@", "axxbyyc@d.e"));
	assert_false(addr("a*b*c@", "axxbyyd@d.e"));
	assert_true(addr("*aab@", "aaab@x.y"));
	assert_true(addr("**a**@", "a@x.y"));
	/* Many stars against a long near-miss stays a plain no. */
	memset(longaddr, 'a', sizeof(longaddr) - 1);
	longaddr[sizeof(longaddr) - 1] = '\0';
	assert_false(addr("*a*a*a*a*a*a*a*a*a*a*b", longaddr));
}

static char *analyze(sim_analyzer *a, const char *text, int query)
{
	char *s = sim_analyze(a, text, query);

	assert_non_null(s);
	return s;
}

static void expect_analysis(sim_analyzer *a, const char *text, int query, const char *want)
{
	char *s = analyze(a, text, query);

	if (strcmp(s, want) != 0)
		fail_msg("'%s' analyzed to '%s', want '%s'", text, s, want);
	free(s);
}

static void test_match__analyzer_party(void **state)
{
	sim_analyzer *a = sim_analyzer_new();

	(void)state;
	assert_non_null(a);
	expect_analysis(a, "I'm going to a party", 0, " i go parti ");
	expect_analysis(a, "I\xe2\x80\x99m going to a party", 0, " i go parti ");
	expect_analysis(a, "Parties and events this weekend", 0, " parti event weekend ");
	expect_analysis(a, "The invoice is in the mail", 0, " invoic mail ");
	expect_analysis(a, "Re: Re: lunch plans", 0, " re re lunch plan ");
	expect_analysis(a, "Invoice INV-2020-0042 for May", 0, " invoic inv 2020 0042 may ");
	expect_analysis(a, "the party's over", 0, " parti over ");
	expect_analysis(a, "O'Brien", 0, " obrien ");
	sim_analyzer_free(a);
}

static void test_match__analyzer_stop_words_only(void **state)
{
	sim_analyzer *a = sim_analyzer_new();
	char *q, *s;

	(void)state;
	assert_non_null(a);
	expect_analysis(a, "to be or not to be", 0, " ");
	expect_analysis(a, "", 0, " ");
	expect_analysis(a, "  ,;  ", 1, " ");
	q = analyze(a, "The", 1);
	s = analyze(a, "The invoice is in the mail", 0);
	/* A query of stop words only matches nothing. */
	assert_false(sim_subject_match(q, s));
	free(q);
	free(s);
	sim_analyzer_free(a);
}

static void test_match__analyzer_utf8(void **state)
{
	sim_analyzer *a = sim_analyzer_new();
	char *q, *s;

	(void)state;
	assert_non_null(a);
	/* Latin-1 capitals are folded; dashes and other punctuation split words. */
	expect_analysis(a, "CAF\xc3\x89 \xe2\x80\x93 Caf\xc3\xa9", 0, " caf\xc3\xa9 caf\xc3\xa9 ");
	s = analyze(a, "Caf\xc3\xa9 r\xc3\xa9sum\xc3\xa9 f\xc3\xbcr J\xc3\xbcrgen", 0);
	q = analyze(a, "CAF\xc3\x89 J\xc3\x9cRGEN", 1);
	assert_true(sim_subject_match(q, s));
	free(q);
	free(s);
	sim_analyzer_free(a);
}

static int subject_matches(sim_analyzer *a, const char *query, const char *subject)
{
	char *q = analyze(a, query, 1);
	char *s = analyze(a, subject, 0);
	int r = sim_subject_match(q, s);

	free(q);
	free(s);
	return r;
}

static void test_match__subject_match(void **state)
{
	sim_analyzer *a = sim_analyzer_new();

	(void)state;
	assert_non_null(a);
	assert_true(subject_matches(a, "party", "I'm going to a party"));
	assert_true(subject_matches(a, "parties", "I'm going to a party"));
	assert_true(subject_matches(a, "party", "Parties and events this weekend"));
	assert_true(subject_matches(a, "I'm going to a party", "I'm going to a party"));
	assert_true(subject_matches(a, "going party", "PARTY: going?"));
	assert_true(subject_matches(a, "the invoices", "The invoice is in the mail"));
	assert_false(subject_matches(a, "party invoice", "I'm going to a party"));
	assert_false(subject_matches(a, "weekend", "I'm going to a party"));
	assert_false(subject_matches(a, "par", "I'm going to a party"));
	sim_analyzer_free(a);
}

static void test_match__subject_prefix_terms(void **state)
{
	sim_analyzer *a = sim_analyzer_new();

	(void)state;
	assert_non_null(a);
	expect_analysis(a, "Invo* mail", 1, " invo* mail ");
	expect_analysis(a, "inv*ce", 1, " inv ce ");
	assert_true(subject_matches(a, "invo*", "Invoice INV-2020-0042 for May"));
	assert_true(subject_matches(a, "par*", "I'm going to a party"));
	assert_true(subject_matches(a, "INV* 2020*", "Invoice INV-2020-0042 for May"));
	assert_false(subject_matches(a, "partyz*", "I'm going to a party"));
	assert_false(subject_matches(a, "invo* weekend", "Invoice INV-2020-0042 for May"));
	/* Without query mode the star is a separator. */
	expect_analysis(a, "invo*", 0, " invo ");
	sim_analyzer_free(a);
}

static void test_match__qaddr(void **state)
{
	(void)state;
	assert_true(sim_qaddr_match("john@doe.com", "john@doe.com"));
	assert_true(sim_qaddr_match("JOHN@DOE.COM", "john@doe.com"));
	assert_false(sim_qaddr_match("john@doe.co", "john@doe.com"));
	assert_true(sim_qaddr_match("john*", "john@doe.com"));
	assert_false(sim_qaddr_match("ohn*", "john@doe.com"));
	assert_true(sim_qaddr_match("*doe.com", "john@doe.com"));
	assert_false(sim_qaddr_match("*doe.co", "john@doe.com"));
	assert_true(sim_qaddr_match("*n@d*", "john@doe.com"));
	assert_true(sim_qaddr_match("bar.com", "foo@bar.com"));
	assert_true(sim_qaddr_match("@bar.com", "foo@BAR.com"));
	assert_false(sim_qaddr_match("bar.com", "foo@sub.bar.com"));
	assert_false(sim_qaddr_match("ar.com", "foo@bar.com"));
	assert_false(sim_qaddr_match("john", "john@doe.com"));
	assert_false(sim_qaddr_match("", "john@doe.com"));
	assert_false(sim_qaddr_match("@", "john@doe.com"));
}

static void test_match__qsubject(void **state)
{
	(void)state;
	assert_true(sim_qsubject_match("Loan*", "Loan offer"));
	assert_false(sim_qsubject_match("Loan*", "Cheap Loan"));
	assert_true(sim_qsubject_match("*Loan", "Cheap Loan"));
	assert_false(sim_qsubject_match("*Loan", "Loan offer"));
	assert_true(sim_qsubject_match("*Loan*", "Cheap Loans here"));
	assert_true(sim_qsubject_match("loan", "Cheap LOANS here"));
	assert_true(sim_qsubject_match("Loan", "Loan"));
	assert_false(sim_qsubject_match("Loan", "Lottery Winning 3"));
	assert_true(sim_qsubject_match("", "anything"));
}

static void test_match__list(void **state)
{
	(void)state;
	assert_true(sim_list_match("Eicar-Test-Signature", "Eicar-Test-Signature"));
	assert_true(sim_list_match("eicar*", "Eicar-Test-Signature"));
	assert_true(sim_list_match("W32/Mydoom, eicar-test-signature", "Eicar-Test-Signature"));
	assert_true(sim_list_match("macro.docm", "invoice.pdf,macro.docm"));
	assert_true(sim_list_match("*.DOCM", "invoice.pdf, macro.docm"));
	assert_true(sim_list_match("*.exe,*.pdf", "invoice.pdf,macro.docm"));
	assert_false(sim_list_match("invoice", "invoice.pdf,macro.docm"));
	assert_false(sim_list_match("*.exe", "invoice.pdf,macro.docm"));
	assert_false(sim_list_match("", "invoice.pdf"));
	assert_false(sim_list_match(" , ", "invoice.pdf"));
	assert_false(sim_list_match("*", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match__addr_ten_ways_to_find_a_b_at_c_d),
		cmocka_unit_test(test_match__addr_bare_word_is_a_whole_field),
		cmocka_unit_test(test_match__addr_star_example_star),
		cmocka_unit_test(test_match__addr_lone_at_and_empty_find_nothing),
		cmocka_unit_test(test_match__addr_is_case_insensitive),
		cmocka_unit_test(test_match__addr_sides_and_lists),
		cmocka_unit_test(test_match__addr_glob_backtracks),
		cmocka_unit_test(test_match__analyzer_party),
		cmocka_unit_test(test_match__analyzer_stop_words_only),
		cmocka_unit_test(test_match__analyzer_utf8),
		cmocka_unit_test(test_match__subject_match),
		cmocka_unit_test(test_match__subject_prefix_terms),
		cmocka_unit_test(test_match__qaddr),
		cmocka_unit_test(test_match__qsubject),
		cmocka_unit_test(test_match__list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
