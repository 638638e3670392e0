/* Unit tests of src/sim/basic_auth.c: strict base64, the first ':', and no NUL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim/basic_auth.h"

static void expect(const char *header, enum sim_basic want, const char *user, const char *pass)
{
	char *u, *p;

	assert_int_equal(sim_basic_parse(header, &u, &p), want);
	if (want == SIM_BASIC_OK) {
		assert_string_equal(u, user);
		assert_string_equal(p, pass);
	} else {
		assert_null(u);
		assert_null(p);
	}
	free(u);
	free(p);
}

static void test_sim_basic_auth__valid(void **state)
{
	(void)state;
	expect("Basic YWRtaW46YWRtaW4tcGFzcw==", SIM_BASIC_OK, "admin", "admin-pass");
	expect("basic  YWRtaW46YWRtaW4tcGFzcw==  ", SIM_BASIC_OK, "admin", "admin-pass");
	/* The name ends at the first ':', the password may hold more. */
	expect("Basic YTpwOnNz", SIM_BASIC_OK, "a", "p:ss");
	expect("Basic YTo=", SIM_BASIC_OK, "a", "");
}

static void test_sim_basic_auth__nul_refused(void **state)
{
	(void)state;
	/* "admin:admin-pass\0junk" and "adm\0in:x" */
	expect("Basic YWRtaW46YWRtaW4tcGFzcwBqdW5r", SIM_BASIC_NUL, NULL, NULL);
	expect("Basic YWRtAGluOng=", SIM_BASIC_NUL, NULL, NULL);
}

static void test_sim_basic_auth__malformed(void **state)
{
	(void)state;
	expect(NULL, SIM_BASIC_NONE, NULL, NULL);
	expect("Bearer abc", SIM_BASIC_NONE, NULL, NULL);
	expect("Basicx YTpi", SIM_BASIC_NONE, NULL, NULL);
	expect("Basic YWRtaW4=", SIM_BASIC_MALFORMED, NULL, NULL);  /* no ':' */
	expect("Basic YTpi!", SIM_BASIC_MALFORMED, NULL, NULL);	    /* stray character */
	expect("Basic YTpiYw", SIM_BASIC_MALFORMED, NULL, NULL);    /* unpadded */
	expect("Basic YT=p", SIM_BASIC_MALFORMED, NULL, NULL);	    /* '=' inside */
	expect("Basic YTpi YTpi", SIM_BASIC_MALFORMED, NULL, NULL); /* two tokens */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_basic_auth__valid),
		cmocka_unit_test(test_sim_basic_auth__nul_refused),
		cmocka_unit_test(test_sim_basic_auth__malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
