/* Unit tests of the list commands' input: entry= as a comma list, standard input as plain lines
 * for one user or records for many, grouped per user, each entry once, refused with its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/user_lists.h"

static FILE *text_file(const char *text)
{
	FILE *f = tmpfile();

	assert_non_null(f);
	fputs(text, f);
	rewind(f);
	return f;
}

static void test_user_lists__comma_list(void **state)
{
	cli_ulist_input in;
	char err[256] = "";

	(void)state;
	assert_int_equal(cli_ulist_input_read(&in, "u@example.com", NULL,
					      " a.test , @b.test,A.TEST,c@d.test", NULL, err,
					      sizeof(err)),
			 0);
	assert_int_equal(in.n, 1);
	assert_string_equal(cli_ulist_user_id(&in.v[0]), "u@example.com");
	assert_int_equal(in.v[0].n, 3); /* A.TEST is a.test */
	assert_string_equal(in.v[0].entries[1], "@b.test");
	cli_ulist_input_release(&in);
	assert_int_equal(cli_ulist_input_read(&in, NULL, "jdoe", "a.test", NULL, err, sizeof(err)),
			 0);
	assert_string_equal(cli_ulist_user_id(&in.v[0]), "jdoe");
	cli_ulist_input_release(&in);
	assert_int_equal(cli_ulist_input_read(&in, NULL, NULL, "a.test", NULL, err, sizeof(err)),
			 2);
	assert_string_equal(err, "Please specify an email or uid");
	cli_ulist_input_release(&in);
	assert_int_equal(cli_ulist_input_read(&in, "u@example.com", NULL, "a.test,,b.test", NULL,
					      err, sizeof(err)),
			 2);
	assert_string_equal(err, "invalid entry '': the entry is empty");
	cli_ulist_input_release(&in);
}

static void test_user_lists__stdin_records_grouped(void **state)
{
	FILE *f = text_file("# users\n"
			    "{\"email\":\"a@example.com\",\"entry\":\"x.test\"}\r\n"
			    "\n"
			    "{\"email\":\"b@example.com\",\"entry\":[\"y.test\",\"z.test\"]}\n"
			    "{\"email\":\"A@EXAMPLE.COM\",\"entry\":\"w.test, x.test\"}\n"
			    "{\"uid\":\"cuser\",\"entry\":\"v.test\"}\n");
	cli_ulist_input in;
	char err[256] = "";

	(void)state;
	assert_int_equal(cli_ulist_input_read(&in, NULL, NULL, "-", f, err, sizeof(err)), 0);
	assert_int_equal(in.n, 3);
	assert_int_equal(in.v[0].n, 2);
	assert_string_equal(in.v[0].entries[1], "w.test");
	assert_int_equal(in.v[1].n, 2);
	assert_string_equal(cli_ulist_user_id(&in.v[2]), "cuser");
	cli_ulist_input_release(&in);
	fclose(f);
}

static void test_user_lists__stdin_refusals_name_the_line(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "a.test\n", "line 1 is a plain entry but no user is named" },
		{ "{\"email\":\"a@example.com\",\"entry\":\"x.test\"}\n{\"entry\":\"y.test\"}\n",
		  "invalid record (line 2): it names no \"email\" or \"uid\"" },
		{ "{\"email\":\"a@example.com\",\"entry\":1}\n", "invalid record (line 1)" },
		{ "{\"email\":\"a@example.com\",\"entry\":\"bad entry\"}\n",
		  "invalid entry 'bad entry' (line 1)" },
		{ "{not json\n", "invalid record (line 1)" },
		{ "\n# nothing\n", "the input held no entries" },
	};
	cli_ulist_input in;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = text_file(cases[i].text);

		err[0] = '\0';
		assert_int_equal(cli_ulist_input_read(&in, NULL, NULL, "-", f, err, sizeof(err)),
				 2);
		if (!strstr(err, cases[i].err))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].err);
		cli_ulist_input_release(&in);
		fclose(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_lists__comma_list),
		cmocka_unit_test(test_user_lists__stdin_records_grouped),
		cmocka_unit_test(test_user_lists__stdin_refusals_name_the_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
