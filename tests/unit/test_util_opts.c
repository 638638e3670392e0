/* Unit tests of src/util/opts.c: each kind binds its target, every refusal names the option. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/opts.h"

struct target {
	const char *name;
	long n;
	int flag, pick, calls;
};

static const char *const picks[] = { "one", "two", "three", NULL };

static int even(const char *value, void *t, char *why, size_t len)
{
	struct target *x = t;

	if (strlen(value) % 2) {
		snprintf(why, len, "odd length");
		return -1;
	}
	x->calls++;
	return 0;
}

#define T struct target
static const opt_spec specs[] = {
	OPT_STRING_AT("--name", T, name, "S", "a name"),
	OPT_LONG_AT("--n", T, n, 1, 9, "N", "a digit"),
	OPT_BOOL_AT("--flag", "-f", T, flag, "a flag"),
	OPT_CHOICE_AT("--pick", T, pick, picks, "P", "one of"),
	OPT_CALL_AT("--even", 0, even, "E", "even"),
	OPT_STOP("--help", "-h", OPT_HELP, "help"),
	OPT_STOP("--version", NULL, OPT_VERSION, "version"),
	OPT_TABLE_END,
};
#undef T

static int parse(struct target *t, char *err, size_t len, int argc, ...)
{
	static char prog[] = "prog";
	char *argv[16] = { prog };
	va_list ap;

	va_start(ap, argc);
	for (int i = 1; i < argc; i++)
		argv[i] = (char *)(uintptr_t)va_arg(ap, const char *);
	va_end(ap);
	err[0] = '\0';
	return opt_parse(specs, t, argc, argv, err, len);
}

static void test_opts__each_kind_binds(void **state)
{
	struct target t = { 0 };
	char err[256];

	(void)state;
	assert_int_equal(parse(&t, err, sizeof(err), 9, "--name", "x", "--n=7", "-f", "--pick",
			       "three", "--even", "ab"),
			 0);
	assert_string_equal(t.name, "x");
	assert_int_equal(t.n, 7);
	assert_int_equal(t.flag, 1);
	assert_int_equal(t.pick, 2);
	assert_int_equal(t.calls, 1);
	assert_int_equal(parse(&t, err, sizeof(err), 2, "-h"), OPT_STOP_HELP);
	assert_int_equal(parse(&t, err, sizeof(err), 2, "--version"), OPT_STOP_VERSION);
}

static void test_opts__refusals_name_the_option(void **state)
{
	static const struct {
		const char *a, *b, *err;
	} cases[] = {
		{ "--bogus", NULL, "unknown option '--bogus'" },
		{ "--n", "10", "invalid --n '10': expected a number from 1 to 9" },
		{ "--n", "", "invalid --n '': expected a number from 1 to 9" },
		{ "--n", "3x", "invalid --n '3x': expected a number from 1 to 9" },
		{ "--n", NULL, "option '--n' needs a value" },
		{ "--flag=1", NULL, "option '--flag' takes no value" },
		{ "--pick", "four", "invalid --pick 'four': expected one, two or three" },
		{ "--even", "abc", "invalid --even 'abc': odd length" },
	};
	struct target t = { 0 };
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int argc = cases[i].b ? 3 : 2;

		assert_int_equal(parse(&t, err, sizeof(err), argc, cases[i].a, cases[i].b), -1);
		assert_string_equal(err, cases[i].err);
	}
}

/* One option at a time (a program that reads its options among other words): found by name or
 * alias, bound as opt_parse binds, refused in its words; subject and expect reword a refusal. */
static void test_opts__bind_one(void **state)
{
	struct target t = { 0 };
	const opt_spec *n = opt_find(specs, "--n=4", 3), *f = opt_find(specs, "-f", 2);
	opt_spec worded;
	char err[256];

	(void)state;
	assert_non_null(n);
	assert_non_null(f);
	assert_null(opt_find(specs, "--nope", 6));
	assert_null(opt_find(specs, "--na", 4));
	assert_true(opt_takes_value(n));
	assert_false(opt_takes_value(f));
	assert_int_equal(opt_bind_one(n, &t, "5", err, sizeof(err)), 0);
	assert_int_equal(t.n, 5);
	assert_int_equal(opt_bind_one(f, &t, NULL, err, sizeof(err)), 0);
	assert_int_equal(t.flag, 1);
	assert_int_equal(opt_bind_one(n, &t, "0", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid --n '0': expected a number from 1 to 9");
	assert_int_equal(t.n, 5);
	worded = *n;
	worded.subject = "digit count";
	worded.expect = "expected one digit (1 to 9)";
	assert_int_equal(opt_bind_one(&worded, &t, "12", err, sizeof(err)), -1);
	assert_string_equal(err, "invalid digit count '12': expected one digit (1 to 9)");
	assert_int_equal(opt_bind_one(opt_find(specs, "--even", 6), &t, "abc", err, sizeof(err)),
			 -1);
	assert_string_equal(err, "invalid --even 'abc': odd length");
}

static void test_opts__help_from_the_table(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	opt_synopsis(f, specs, 40, 4);
	opt_help(f, specs, 16);
	fclose(f);
	assert_non_null(strstr(text, "[--name S] [--n N] [--flag]\n    [--pick P]"));
	assert_non_null(strstr(text, "  -f, --flag    a flag\n"));
	assert_non_null(strstr(text, "  --pick P      one of\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opts__each_kind_binds),
		cmocka_unit_test(test_opts__refusals_name_the_option),
		cmocka_unit_test(test_opts__bind_one),
		cmocka_unit_test(test_opts__help_from_the_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
