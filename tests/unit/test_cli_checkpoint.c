/*
 * Unit tests of src/cli/checkpoint.c: a position saved and read back, the job it belongs to
 * (command, filters, window) and a hand-edited position checked, one position per cluster, and
 * the files it refuses to read or write (a symlink, a device).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "cli/checkpoint.h"

#define JOB "smart-search --all"

struct fx {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/ppsck.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/w.ck", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[160];

	unlink(f->path);
	snprintf(p, sizeof(p), "%s/link.ck", f->dir);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* An --all checkpoint of the window [1000, 5000] with filter digest d. */
static void job(cli_checkpoint *cp, const char *d)
{
	assert_int_equal(cli_checkpoint_init(cp, 0), 0);
	snprintf(cp->digest, sizeof(cp->digest), "%s", d);
	cp->from = 1000;
	cp->end = 5000;
	cp->has_end = 1;
	cp->parts = 1;
}

static void test_checkpoint__round_trip(void **state)
{
	struct fx *f = *state;
	cli_checkpoint a, b;
	char err[512];

	job(&a, "aa");
	a.to = 3000;
	a.has_to = 1;
	a.bound = 3000;
	a.has_bound = 1;
	a.printed = 42;
	json_object_set_new(a.seen, "g1", json_integer(3000));
	assert_int_equal(cli_checkpoint_save(&a, f->path, JOB, err, sizeof(err)), 0);
	job(&b, "aa");
	assert_int_equal(cli_checkpoint_load(&b, f->path, JOB, err, sizeof(err)), 0);
	assert_true(b.resumed);
	assert_int_equal(b.to, 3000);
	assert_int_equal(b.printed, 42);
	assert_non_null(json_object_get(b.seen, "g1"));
	cli_checkpoint_release(&a);
	cli_checkpoint_release(&b);
}

static void test_checkpoint__another_job_refused(void **state)
{
	struct fx *f = *state;
	cli_checkpoint a, b;
	char err[512];

	job(&a, "aa");
	assert_int_equal(cli_checkpoint_save(&a, f->path, JOB, err, sizeof(err)), 0);
	job(&b, "bb"); /* other filters */
	assert_int_equal(cli_checkpoint_load(&b, f->path, JOB, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "other filters"));
	cli_checkpoint_release(&b);
	job(&b, "aa"); /* the next day */
	b.from += 86400;
	b.end += 86400;
	assert_int_equal(cli_checkpoint_load(&b, f->path, JOB, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is of the window"));
	cli_checkpoint_release(&b);
	job(&b, "aa");
	assert_int_equal(
		cli_checkpoint_load(&b, f->path, "smart-search --follow", err, sizeof(err)), -1);
	cli_checkpoint_release(&b);
	/* A position outside the window, as a hand edit leaves it. */
	a.to = 999;
	a.has_to = 1;
	assert_int_equal(cli_checkpoint_save(&a, f->path, JOB, err, sizeof(err)), 0);
	job(&b, "aa");
	assert_int_equal(cli_checkpoint_load(&b, f->path, JOB, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "outside its job's window"));
	cli_checkpoint_release(&a);
	cli_checkpoint_release(&b);
}

static void test_checkpoint__one_position_per_cluster(void **state)
{
	struct fx *f = *state;
	cli_checkpoint a, b;
	char err[512];

	job(&a, "aa");
	a.cluster = "east";
	a.printed = 7;
	assert_int_equal(cli_checkpoint_save(&a, f->path, JOB, err, sizeof(err)), 0);
	a.cluster = "west";
	a.printed = 9;
	assert_int_equal(cli_checkpoint_save(&a, f->path, JOB, err, sizeof(err)), 0);
	job(&b, "aa");
	b.cluster = "east";
	assert_int_equal(cli_checkpoint_load(&b, f->path, JOB, err, sizeof(err)), 0);
	assert_int_equal(b.printed, 7);
	cli_checkpoint_release(&b);
	job(&b, "aa");
	b.cluster = "north"; /* no position yet: a fresh start */
	assert_int_equal(cli_checkpoint_load(&b, f->path, JOB, err, sizeof(err)), 0);
	assert_false(b.resumed);
	cli_checkpoint_release(&a);
	cli_checkpoint_release(&b);
}

static void test_checkpoint__no_symlink_no_device(void **state)
{
	struct fx *f = *state;
	cli_checkpoint a;
	char err[512], link[160];

	job(&a, "aa");
	snprintf(link, sizeof(link), "%s/link.ck", f->dir);
	assert_int_equal(symlink(f->path, link), 0);
	assert_int_equal(cli_checkpoint_save(&a, link, JOB, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "symbolic link"));
	assert_int_equal(access(f->path, F_OK), -1); /* nothing written through it */
	assert_int_equal(cli_checkpoint_load(&a, link, JOB, err, sizeof(err)), -2);
	assert_int_equal(cli_checkpoint_save(&a, "/dev/null", JOB, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
	cli_checkpoint_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_checkpoint__round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint__another_job_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint__one_position_per_cluster, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint__no_symlink_no_device, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
