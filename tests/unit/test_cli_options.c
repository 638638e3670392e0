/*
 * Unit tests of src/cli/options.c: every entry of pps's global option table binds its own target,
 * in each spelling pps takes (--name value, --name=value, -o value, -ovalue), and the defaults
 * are told apart from given values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/options.h"

/* A value each option takes (flags none). */
static const char *sample(const opt_spec *o)
{
	static char number[32];

	if (!opt_takes_value(o))
		return NULL;
	if (!strcmp(o->name, "--output"))
		return "json";
	if (!strcmp(o->name, "--color"))
		return "never";
	if (!strcmp(o->name, "--fields"))
		return "a,b";
	if (!strcmp(o->name, "--max-download"))
		return "2K";
	if (o->kind == OPT_LONG) {
		snprintf(number, sizeof(number), "%ld", o->max);
		return number;
	}
	return "x";
}

static int parse(cli_globals *g, int argc, char **argv)
{
	int k = 1;
	int r = cli_global_parse(g, argc, argv, &k);

	return r == 1 ? k : -r;
}

/* Each option changes cli_globals, at a target no other option of the table shares. */
static void test_options__every_entry_binds_its_target(void **state)
{
	static char prog[] = "pps";
	size_t n = 0;

	(void)state;
	for (const opt_spec *o = cli_global_opts; o->name; o++, n++) {
		cli_globals before, g;
		char name[64], value[64];
		char *argv[] = { prog, name, value, NULL };
		const char *v = sample(o);

		snprintf(name, sizeof(name), "%s", o->name);
		snprintf(value, sizeof(value), "%s", v ? v : "");
		cli_globals_init(&before);
		cli_globals_init(&g);
		assert_int_equal(parse(&g, v ? 3 : 2, argv), v ? 3 : 2);
		assert_true(memcmp(&before, &g, sizeof(g)) != 0);
		for (const opt_spec *p = cli_global_opts; p < o; p++)
			assert_true(p->offset != o->offset);
	}
	assert_true(n >= 30);
}

static void test_options__the_spellings(void **state)
{
	static char prog[] = "pps", o1[] = "-ojson", o2[] = "--output=csv", o3[] = "-o",
		    v3[] = "ndjson", t1[] = "--timeout=7", q[] = "-q", vq[] = "-vq",
		    pw[] = "--password", cmd[] = "health", ins[] = "--insecure=1";
	cli_globals g;

	(void)state;
	cli_globals_init(&g);
	assert_int_equal(parse(&g, 2, (char *[]){ prog, o1, NULL }), 2);
	assert_string_equal(g.cfg.output, "json");
	assert_int_equal(parse(&g, 2, (char *[]){ prog, o2, NULL }), 2);
	assert_string_equal(g.cfg.output, "csv");
	assert_int_equal(parse(&g, 3, (char *[]){ prog, o3, v3, NULL }), 3);
	assert_string_equal(g.cfg.output, "ndjson");
	assert_int_equal(parse(&g, 2, (char *[]){ prog, t1, NULL }), 2);
	assert_int_equal(g.cfg.timeout, 7);
	assert_int_equal(parse(&g, 2, (char *[]){ prog, q, NULL }), 2);
	assert_int_equal(g.quiet, 1);
	/* Not global options: a bundle, a command word. */
	assert_int_equal(parse(&g, 2, (char *[]){ prog, vq, NULL }), 0);
	assert_int_equal(parse(&g, 2, (char *[]){ prog, cmd, NULL }), 0);
	/* Refused (the message is on stderr): --password, a value for a flag, a bad value. */
	assert_int_equal(parse(&g, 2, (char *[]){ prog, pw, NULL }), 1);
	assert_int_equal(parse(&g, 2, (char *[]){ prog, ins, NULL }), 1);
	assert_int_equal(parse(&g, 2, (char *[]){ prog, o3, NULL }), 1);
}

/* --interval and --overlap given are told from their defaults, which finish fills in. */
static void test_options__given_or_default(void **state)
{
	static char prog[] = "pps", i[] = "--interval", v[] = "5";
	cli_globals g;

	(void)state;
	cli_globals_init(&g);
	cli_globals_finish(&g);
	assert_int_equal(g.interval_given, 0);
	assert_int_equal(g.overlap_given, 0);
	assert_int_equal(g.jobs.interval, 30);
	assert_true(g.jobs.overlap > 0);
	cli_globals_init(&g);
	assert_int_equal(parse(&g, 3, (char *[]){ prog, i, v, NULL }), 3);
	cli_globals_finish(&g);
	assert_int_equal(g.interval_given, 1);
	assert_int_equal(g.jobs.interval, 5);
	assert_int_equal(g.overlap_given, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options__every_entry_binds_its_target),
		cmocka_unit_test(test_options__the_spellings),
		cmocka_unit_test(test_options__given_or_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
