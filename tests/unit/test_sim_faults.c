/* Unit tests of src/sim/faults.c: the --faults grammar, its refusals, and repeatable draws. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sim/faults.h"

static void test_sim_faults__empty_spec_injects_nothing(void **state)
{
	sim_fault_spec s;
	char err[256] = "";

	(void)state;
	assert_int_equal(sim_fault_spec_parse(&s, "", err, sizeof(err)), 0);
	assert_false(sim_fault_spec_active(&s));
	assert_int_equal(s.seed, 1);
	assert_int_equal(s.authfail_after, -1);
	assert_int_equal(s.error_status, 500);
}

static void test_sim_faults__parses_every_item(void **state)
{
	sim_fault_spec s;
	char err[256] = "";

	(void)state;
	assert_int_equal(sim_fault_spec_parse(&s,
					      "latency=300ms:0.5,error=0.2:503,throttle=0.1:2,"
					      "reset=0.05,truncate=0.06,garbage=0.07,html=0.08,"
					      "ctype=0.09,authfail_after=3,seed=42",
					      err, sizeof(err)),
			 0);
	assert_string_equal(err, "");
	assert_int_equal(s.latency_ms, 300);
	assert_true(s.latency_share == 0.5);
	assert_true(s.error_share == 0.2);
	assert_int_equal(s.error_status, 503);
	assert_true(s.throttle_share == 0.1);
	assert_int_equal(s.throttle_retry_after, 2);
	assert_true(s.reset_share == 0.05);
	assert_true(s.truncate_share == 0.06);
	assert_true(s.garbage_share == 0.07);
	assert_true(s.html_share == 0.08);
	assert_true(s.ctype_share == 0.09);
	assert_int_equal(s.authfail_after, 3);
	assert_int_equal(s.seed, 42);
	assert_true(sim_fault_spec_active(&s));
}

static void test_sim_faults__durations_and_defaults(void **state)
{
	sim_fault_spec s;
	char err[256];

	(void)state;
	assert_int_equal(sim_fault_spec_parse(&s, "latency=2s", err, sizeof(err)), 0);
	assert_int_equal(s.latency_ms, 2000);
	assert_true(s.latency_share == 1.0);
	assert_int_equal(sim_fault_spec_parse(&s, "latency=150", err, sizeof(err)), 0);
	assert_int_equal(s.latency_ms, 150);
	assert_int_equal(sim_fault_spec_parse(&s, "error=1", err, sizeof(err)), 0);
	assert_int_equal(s.error_status, 500);
	assert_int_equal(sim_fault_spec_parse(&s, "throttle=0.5", err, sizeof(err)), 0);
	assert_int_equal(s.throttle_retry_after, 1);
	assert_int_equal(sim_fault_spec_parse(&s, "authfail_after=0", err, sizeof(err)), 0);
	assert_int_equal(s.authfail_after, 0);
	assert_true(sim_fault_spec_active(&s));
}

static void test_sim_faults__refuses_bad_items(void **state)
{
	static const struct {
		const char *spec;
		const char *needle;
	} cases[] = {
		{ "bogus=1", "unknown fault" },
		{ "error", "expected name=value" },
		{ "error=1.5", "share" },
		{ "error=-0.1", "share" },
		{ "error=abc", "share" },
		{ "error=", "share" },
		{ "error=0.5:404", "status must be 500 to 599" },
		{ "error=0.5:600", "status must be 500 to 599" },
		{ "throttle=0.5:x", "Retry-After" },
		{ "throttle=0.5:-1", "Retry-After" },
		{ "latency=fast", "duration" },
		{ "latency=ms", "duration" },
		{ "latency=10m", "duration" },
		{ "latency=601s", "duration" },
		{ "latency=10ms:2", "share" },
		{ "authfail_after=-1", "number of requests" },
		{ "seed=-3", "non-negative" },
		{ "seed=12x", "non-negative" },
		{ "reset=0.1,reset=0.2", "given twice" },
		{ "reset=0.1,,html=0.1", "empty item" },
		{ "reset=0.1,", "empty item" },
		{ "nan=1", "unknown fault" },
		{ "garbage=nan", "share" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sim_fault_spec s;
		char err[256] = "";

		if (sim_fault_spec_parse(&s, cases[i].spec, err, sizeof(err)) != -1 ||
		    !strstr(err, cases[i].needle)) {
			fprintf(stderr, "spec '%s' gave '%s'\n", cases[i].spec, err);
			fail();
		}
		/* A refused spec leaves nothing half-applied. */
		assert_false(sim_fault_spec_active(&s));
	}
}

static void test_sim_faults__error_message_names_the_item(void **state)
{
	sim_fault_spec s;
	char err[256] = "";

	(void)state;
	assert_int_equal(sim_fault_spec_parse(&s, "reset=0.1,error=2:503", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid --faults item 'error=2:503': the share must be a number "
				 "from 0 to 1");
}

/* Draws n decisions for spec and encodes them as one string for comparison. */
static void draw_sequence(const char *spec, int n, char *out, size_t len)
{
	sim_fault_spec s;
	sim_faults f;
	char err[256];
	size_t pos = 0;

	assert_int_equal(sim_fault_spec_parse(&s, spec, err, sizeof(err)), 0);
	assert_int_equal(sim_faults_init(&f, &s), 0);
	for (int i = 0; i < n && pos + 8 < len; i++) {
		sim_fault_draw d;

		sim_faults_draw(&f, &d);
		assert_int_equal(d.request, (unsigned long)i + 1);
		pos += (size_t)snprintf(out + pos, len - pos, "%d%d%c", (int)d.before, (int)d.after,
					d.latency_ms ? 'L' : '-');
	}
	sim_faults_release(&f);
}

static void test_sim_faults__draws_repeat_for_a_seed(void **state)
{
	const char *spec = "latency=1ms:0.5,error=0.2,throttle=0.2,reset=0.1,truncate=0.1,"
			   "garbage=0.1,html=0.1,ctype=0.1,seed=7";
	char a[2048], b[2048], c[2048];

	(void)state;
	draw_sequence(spec, 200, a, sizeof(a));
	draw_sequence(spec, 200, b, sizeof(b));
	assert_string_equal(a, b);
	draw_sequence("latency=1ms:0.5,error=0.2,throttle=0.2,reset=0.1,truncate=0.1,"
		      "garbage=0.1,html=0.1,ctype=0.1,seed=8",
		      200, c, sizeof(c));
	assert_string_not_equal(a, c);
	/* Every kind of outcome turns up in 200 draws at these shares. */
	for (const char *p = "12"; *p; p++)
		assert_non_null(strchr(a, *p));
	assert_non_null(strchr(a, 'L'));
	assert_non_null(strchr(a, '-'));
}

static void test_sim_faults__shares_of_one_and_zero(void **state)
{
	sim_fault_spec s;
	sim_faults f;
	char err[256];
	sim_fault_draw d;

	(void)state;
	assert_int_equal(sim_fault_spec_parse(&s, "error=1:503,reset=0", err, sizeof(err)), 0);
	assert_int_equal(sim_faults_init(&f, &s), 0);
	for (int i = 0; i < 1000; i++) {
		sim_faults_draw(&f, &d);
		assert_int_equal(d.before, SIM_FAULT_ERROR);
		assert_int_equal(d.after, SIM_FAULT_KEEP);
		assert_int_equal(d.latency_ms, 0);
	}
	sim_faults_release(&f);
}

static void test_sim_faults__authfail_after_counts_requests(void **state)
{
	sim_fault_spec s;
	sim_faults f;
	char err[256];
	sim_fault_draw d;

	(void)state;
	assert_int_equal(sim_fault_spec_parse(&s, "authfail_after=3", err, sizeof(err)), 0);
	assert_int_equal(sim_faults_init(&f, &s), 0);
	for (int i = 1; i <= 6; i++) {
		sim_faults_draw(&f, &d);
		assert_int_equal(d.before, i <= 3 ? SIM_FAULT_PASS : SIM_FAULT_AUTHFAIL);
	}
	sim_faults_release(&f);
}

static void test_sim_faults__shares_are_roughly_honoured(void **state)
{
	sim_fault_spec s;
	sim_faults f;
	char err[256];
	int errors = 0, throttles = 0;

	(void)state;
	assert_int_equal(
		sim_fault_spec_parse(&s, "error=0.3,throttle=0.5,seed=99", err, sizeof(err)), 0);
	assert_int_equal(sim_faults_init(&f, &s), 0);
	for (int i = 0; i < 10000; i++) {
		sim_fault_draw d;

		sim_faults_draw(&f, &d);
		errors += d.before == SIM_FAULT_ERROR;
		throttles += d.before == SIM_FAULT_THROTTLE;
	}
	sim_faults_release(&f);
	/* 3000 expected; throttle only where error missed: 0.7 * 0.5 * 10000 = 3500. */
	assert_in_range(errors, 2700, 3300);
	assert_in_range(throttles, 3200, 3800);
}

static void test_sim_faults__interleave_arms_and_takes(void **state)
{
	sim_fault_spec spec;
	sim_faults f;
	sim_fault_draw d;
	char err[256];

	(void)state;
	assert_int_equal(sim_fault_spec_parse(&spec, "interleave=1", err, sizeof(err)), 0);
	assert_true(spec.interleave_share == 1.0);
	assert_true(sim_fault_spec_active(&spec));
	assert_int_equal(sim_fault_spec_parse(&spec, "interleave=2", err, sizeof(err)), -1);
	assert_int_equal(sim_fault_spec_parse(&spec, "interleave=1", err, sizeof(err)), 0);
	assert_int_equal(sim_faults_init(&f, &spec), 0);
	sim_faults_draw(&f, &d);
	assert_true(d.interleave);
	assert_int_equal(d.before, SIM_FAULT_PASS);
	assert_int_equal(sim_faults_take(&f, "a@example.com", 1), 0); /* not armed */
	sim_faults_arm(&f, "a@example.com");
	sim_faults_arm(&f, "a@example.com"); /* once */
	sim_faults_arm(&f, "b@example.com");
	sim_faults_arm(&f, "e@example.com");
	assert_int_equal(sim_faults_take(&f, "a@example.com", 1), 1);
	assert_int_equal(sim_faults_take(&f, "a@example.com", 1), 0); /* taken */
	assert_int_equal(sim_faults_take(&f, "e@example.com", 0), 0); /* not drawn: disarmed */
	assert_int_equal(sim_faults_take(&f, "e@example.com", 1), 0);
	assert_int_equal(sim_faults_take(&f, "b@example.com", 1), 2);
	for (int i = 0; i < 200; i++)
		sim_faults_arm(&f, i % 2 ? "c@example.com" : "d@example.com");
	sim_faults_release(&f);
	/* Without interleave, a seed draws the other faults as it always did. */
	assert_int_equal(sim_fault_spec_parse(&spec, "error=0.5", err, sizeof(err)), 0);
	assert_int_equal(sim_faults_init(&f, &spec), 0);
	sim_faults_draw(&f, &d);
	assert_false(d.interleave);
	sim_faults_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_faults__empty_spec_injects_nothing),
		cmocka_unit_test(test_sim_faults__parses_every_item),
		cmocka_unit_test(test_sim_faults__durations_and_defaults),
		cmocka_unit_test(test_sim_faults__refuses_bad_items),
		cmocka_unit_test(test_sim_faults__error_message_names_the_item),
		cmocka_unit_test(test_sim_faults__draws_repeat_for_a_seed),
		cmocka_unit_test(test_sim_faults__shares_of_one_and_zero),
		cmocka_unit_test(test_sim_faults__authfail_after_counts_requests),
		cmocka_unit_test(test_sim_faults__shares_are_roughly_honoured),
		cmocka_unit_test(test_sim_faults__interleave_arms_and_takes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
