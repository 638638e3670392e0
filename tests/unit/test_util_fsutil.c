/* Unit tests of src/util/fsutil.c: the missing folders above a path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"

static char base[] = "/tmp/pps-fsutil.XXXXXX";

static int mode_of(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return -1;
	return (int)(st.st_mode & 0777);
}

static void at(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", base, rel);
}

static void test_fsutil__makes_every_missing_folder_not_the_file(void **state)
{
	char path[256], dir[256], failed[256];

	(void)state;
	at(path, sizeof(path), "a/b/c/file.ck");
	assert_int_equal(fs_make_parents(path, 0700, failed, sizeof(failed)), 0);
	at(dir, sizeof(dir), "a");
	assert_int_equal(mode_of(dir), 0700);
	at(dir, sizeof(dir), "a/b/c");
	assert_int_equal(mode_of(dir), 0700);
	assert_int_equal(access(path, F_OK), -1);
	/* Again: every folder is there, nothing changes. */
	assert_int_equal(fs_make_parents(path, 0700, failed, sizeof(failed)), 0);
	/* A trailing slash names a folder: it is made too. */
	at(path, sizeof(path), "d//e/");
	assert_int_equal(fs_make_parents(path, 0700, failed, sizeof(failed)), 0);
	at(dir, sizeof(dir), "d/e");
	assert_int_equal(mode_of(dir), 0700);
	/* A bare name and an empty path need nothing. */
	assert_int_equal(fs_make_parents("name", 0700, failed, sizeof(failed)), 0);
	assert_int_equal(fs_make_parents("", 0700, failed, sizeof(failed)), 0);
}

static void test_fsutil__names_the_folder_it_cannot_make(void **state)
{
	char path[256], file[256], failed[256];
	FILE *f;

	(void)state;
	at(file, sizeof(file), "plain");
	f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	at(path, sizeof(path), "plain/x/y.ck");
	assert_int_equal(fs_make_parents(path, 0700, failed, sizeof(failed)), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_string_equal(failed, file);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fsutil__makes_every_missing_folder_not_the_file),
		cmocka_unit_test(test_fsutil__names_the_folder_it_cannot_make),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
