/* Unit tests of src/sim/guard.c: the accept rate by address and the failed-login rules (per
 * address and account, not per connection). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sim/guard.h"

static void test_sim_guard__accept_rate_is_per_address(void **state)
{
	sim_guard *g = sim_guard_new(0, 10);
	int let_in = 0;

	(void)state;
	assert_non_null(g);
	/* A burst of twice the rate, then nothing more in the same instant. */
	for (int i = 0; i < 100; i++)
		let_in += sim_guard_accept(g, "127.0.0.2", 100.0);
	assert_int_equal(let_in, 20);
	/* Another address is not held back by the first. */
	assert_true(sim_guard_accept(g, "127.0.0.1", 100.0));
	/* Half a second later: five more tokens. */
	let_in = 0;
	for (int i = 0; i < 100; i++)
		let_in += sim_guard_accept(g, "127.0.0.2", 100.5);
	assert_int_equal(let_in, 5);
	sim_guard_free(g);
}

static void test_sim_guard__accept_rate_off(void **state)
{
	sim_guard *g = sim_guard_new(0, 0);

	(void)state;
	for (int i = 0; i < 10000; i++)
		assert_true(sim_guard_accept(g, "127.0.0.2", 1.0));
	sim_guard_free(g);
}

/* n attempts at time t that all fail; how many were checked. */
static int guess(sim_guard *g, const char *addr, const char *user, int n, double t)
{
	int checked = 0;

	for (int i = 0; i < n; i++)
		if (sim_guard_login_begin(g, addr, user, t) == 0) {
			sim_guard_login_failed(g, user, t);
			checked++;
		}
	return checked;
}

static void test_sim_guard__parallel_guesses_are_not_checked(void **state)
{
	sim_guard *g = sim_guard_new(5, 0);

	(void)state;
	/* 200 guesses in one instant (200 connections): the limit, then one. */
	assert_int_equal(guess(g, "127.0.0.2", "admin", 200, 10.0), 6);
	/* Waiting is told in whole seconds, at least one. */
	assert_int_equal(sim_guard_login_begin(g, "127.0.0.2", "admin", 10.0), 1);
	/* The spacing doubles: 250 ms after the 6th, then 500 ms after the 7th. */
	assert_int_equal(guess(g, "127.0.0.2", "admin", 50, 10.2), 0);
	assert_int_equal(guess(g, "127.0.0.2", "admin", 50, 10.26), 1);
	assert_int_equal(guess(g, "127.0.0.2", "admin", 50, 10.7), 0);
	assert_int_equal(guess(g, "127.0.0.2", "admin", 50, 10.77), 1);
	sim_guard_free(g);
}

static void test_sim_guard__other_address_and_account_are_not_held(void **state)
{
	sim_guard *g = sim_guard_new(5, 0);

	(void)state;
	guess(g, "127.0.0.2", "admin", 200, 10.0);
	/* The right password from another address is checked at once. */
	assert_int_equal(sim_guard_login_begin(g, "127.0.0.3", "admin", 10.0), 0);
	sim_guard_login_ok(g, "127.0.0.3", "admin");
	/* Another account from the guessing address is checked. */
	assert_int_equal(sim_guard_login_begin(g, "127.0.0.2", "pssonly", 10.0), 0);
	sim_guard_login_ok(g, "127.0.0.2", "pssonly");
	/* A new window forgets the old failures. */
	assert_int_equal(guess(g, "127.0.0.2", "admin", 200, 10.0 + SIM_GUARD_WINDOW), 6);
	sim_guard_free(g);
}

static void test_sim_guard__an_address_is_held_over_all_accounts(void **state)
{
	sim_guard *g = sim_guard_new(2, 0);
	char user[32];
	int checked = 0;

	(void)state;
	/* One guess for each of 100 accounts: the address's own limit (10 x 2) holds. */
	for (int i = 0; i < 100; i++) {
		snprintf(user, sizeof(user), "user%d", i);
		checked += guess(g, "127.0.0.2", user, 1, 5.0);
	}
	assert_int_equal(checked, 21);
	sim_guard_free(g);
}

static void test_sim_guard__success_forgets_and_failures_delay(void **state)
{
	sim_guard *g = sim_guard_new(3, 0);

	(void)state;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sim_guard_login_begin(g, "a", "admin", 1.0), 0);
		assert_int_equal(sim_guard_login_failed(g, "admin", 1.0), 0);
	}
	/* The account's 4th failure, from anywhere, delays its 401. */
	assert_int_equal(sim_guard_login_begin(g, "b", "admin", 1.0), 0);
	assert_int_equal(sim_guard_login_failed(g, "admin", 1.0), 250);
	/* A success from "a" forgets the account's and the pair's failures. */
	assert_int_equal(sim_guard_login_begin(g, "a", "admin", 1.0), 0);
	sim_guard_login_ok(g, "a", "admin");
	assert_int_equal(guess(g, "a", "admin", 10, 2.0), 4);
	/* A store failure is not counted. */
	assert_int_equal(sim_guard_login_begin(g, "c", "admin", 3.0), 0);
	sim_guard_login_cancel(g, "c", "admin");
	assert_int_equal(guess(g, "c", "admin", 10, 3.0), 4);
	sim_guard_free(g);
}

static void test_sim_guard__off(void **state)
{
	sim_guard *g = sim_guard_new(0, 0);

	(void)state;
	assert_int_equal(guess(g, "127.0.0.2", "admin", 1000, 1.0), 1000);
	sim_guard_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_guard__accept_rate_is_per_address),
		cmocka_unit_test(test_sim_guard__accept_rate_off),
		cmocka_unit_test(test_sim_guard__parallel_guesses_are_not_checked),
		cmocka_unit_test(test_sim_guard__other_address_and_account_are_not_held),
		cmocka_unit_test(test_sim_guard__an_address_is_held_over_all_accounts),
		cmocka_unit_test(test_sim_guard__success_forgets_and_failures_delay),
		cmocka_unit_test(test_sim_guard__off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
