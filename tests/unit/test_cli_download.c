/* Unit tests of src/cli/download.c in a fresh temporary directory: naming, refusal, atomicity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/download.h"
#include "helpers.h"

/* A message with NULs and CRLFs: it must come back byte for byte. */
static const char msg[] = "From: a@b.c\r\nSubject: x\r\n\r\nbody\0with\0nuls\xff\xfe\r\n";
#define MSG_LEN (sizeof(msg) - 1)

struct fx {
	char dir[64];
	char old_cwd[4096];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	if (!th_tmpdir(fx->dir, sizeof(fx->dir), "download") ||
	    !getcwd(fx->old_cwd, sizeof(fx->old_cwd))) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

/* Removes the directory and what the tests put in it (one level of subdirectories). */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			remove_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	if (chdir(fx->old_cwd) != 0)
		return -1;
	remove_tree(fx->dir);
	free(fx);
	return 0;
}

/* Number of entries in dir; fails the test if any is a leftover temporary (".name.XXXXXX"). */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_name[0] == '.')
			fail_msg("temporary file '%s' left in %s", e->d_name, dir);
		n++;
	}
	closedir(d);
	return n;
}

static void assert_file(const char *path, const char *data, size_t len)
{
	char buf[4096];
	struct stat st;
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(n, len);
	assert_memory_equal(buf, data, len);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

static void test_download__default_name_in_current_dir(void **state)
{
	struct fx *fx = *state;
	char path[256], err[256];

	assert_int_equal(chdir(fx->dir), 0);
	assert_int_equal(cli_download_save(NULL, "g4fsnj_sTLMk9hECaJwmmxwP6lQkr5k7", msg, MSG_LEN,
					   0, path, sizeof(path), err, sizeof(err)),
			 0);
	assert_string_equal(path, "./g4fsnj_sTLMk9hECaJwmmxwP6lQkr5k7.eml");
	assert_file("g4fsnj_sTLMk9hECaJwmmxwP6lQkr5k7.eml", msg, MSG_LEN);
	assert_int_equal(
		cli_download_save("", "other", msg, 4, 0, path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(path, "./other.eml");
	assert_file("other.eml", msg, 4);
	assert_int_equal(entries("."), 2);
}

static void test_download__directory_target(void **state)
{
	struct fx *fx = *state;
	char path[256], want[256], err[256], slashed[128];

	assert_int_equal(cli_download_save(fx->dir, "abc", msg, MSG_LEN, 0, path, sizeof(path), err,
					   sizeof(err)),
			 0);
	snprintf(want, sizeof(want), "%s/abc.eml", fx->dir);
	assert_string_equal(path, want);
	assert_file(want, msg, MSG_LEN);

	snprintf(slashed, sizeof(slashed), "%s//", fx->dir);
	assert_int_equal(cli_download_save(slashed, "def", msg, MSG_LEN, 0, path, sizeof(path), err,
					   sizeof(err)),
			 0);
	snprintf(want, sizeof(want), "%s/def.eml", fx->dir);
	assert_string_equal(path, want);
	assert_file(want, msg, MSG_LEN);
	assert_int_equal(entries(fx->dir), 2);
}

static void test_download__explicit_file_path(void **state)
{
	struct fx *fx = *state;
	char path[256], out[256], err[256];

	snprintf(out, sizeof(out), "%s/custom name.txt", fx->dir);
	/* The guid does not name the file, so it is not checked. */
	assert_int_equal(cli_download_save(out, "../x", msg, MSG_LEN, 0, path, sizeof(path), err,
					   sizeof(err)),
			 0);
	assert_string_equal(path, out);
	assert_file(out, msg, MSG_LEN);

	assert_int_equal(chdir(fx->dir), 0);
	assert_int_equal(cli_download_save("plain.eml", "g", msg, 3, 0, path, sizeof(path), err,
					   sizeof(err)),
			 0);
	assert_string_equal(path, "plain.eml");
	assert_file("plain.eml", msg, 3);
	assert_int_equal(entries(fx->dir), 2);
}

static void test_download__refuses_to_overwrite(void **state)
{
	struct fx *fx = *state;
	char path[256], out[256], err[256], want[512];

	snprintf(out, sizeof(out), "%s/m.eml", fx->dir);
	assert_int_equal(cli_download_save(out, "g", "first", 5, 0, path, sizeof(path), err,
					   sizeof(err)),
			 0);
	assert_int_equal(cli_download_save(out, "g", "second", 6, 0, path, sizeof(path), err,
					   sizeof(err)),
			 -1);
	snprintf(want, sizeof(want), "'%s' exists: use force=true to overwrite", out);
	assert_string_equal(err, want);
	assert_file(out, "first", 5);

	assert_int_equal(cli_download_save(fx->dir, "m", "third", 5, 0, path, sizeof(path), err,
					   sizeof(err)),
			 -1);
	assert_string_equal(err, want);
	assert_file(out, "first", 5);
	assert_int_equal(entries(fx->dir), 1);
}

static void test_download__force_replaces(void **state)
{
	struct fx *fx = *state;
	char path[256], out[256], err[256];

	snprintf(out, sizeof(out), "%s/m.eml", fx->dir);
	assert_int_equal(cli_download_save(out, "g", "first version", 13, 0, path, sizeof(path),
					   err, sizeof(err)),
			 0);
	assert_int_equal(chmod(out, 0644), 0);
	assert_int_equal(cli_download_save(out, "g", "second", 6, 1, path, sizeof(path), err,
					   sizeof(err)),
			 0);
	assert_file(out, "second", 6);
	assert_int_equal(entries(fx->dir), 1);
}

static void test_download__does_not_follow_a_dangling_link(void **state)
{
	struct fx *fx = *state;
	char path[256], link_path[256], target[256], err[256];
	struct stat st;

	snprintf(link_path, sizeof(link_path), "%s/link.eml", fx->dir);
	snprintf(target, sizeof(target), "%s/elsewhere", fx->dir);
	assert_int_equal(symlink(target, link_path), 0);
	assert_int_equal(cli_download_save(link_path, "g", msg, MSG_LEN, 0, path, sizeof(path), err,
					   sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "exists: use force=true to overwrite"));
	assert_int_equal(lstat(target, &st), -1);
	assert_int_equal(entries(fx->dir), 1);
}

static void test_download__unsafe_guids(void **state)
{
	static const char *const bad[] = { "",	      ".",     "..",	     "a/b",
					   "a\\b",    "\x01x", "tab\t",	     "-rf",
					   ".hidden", "a\x7f", "/etc/passwd" };
	struct fx *fx = *state;
	char path[256], err[512], long_guid[CLI_DOWNLOAD_GUID_MAX + 2];

	(void)fx;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (cli_download_save(fx->dir, bad[i], msg, MSG_LEN, 0, path, sizeof(path), err,
				      sizeof(err)) != -1)
			fail_msg("accepted guid '%s'", bad[i]);
		assert_non_null(strstr(err, "unsafe guid '"));
		assert_non_null(strstr(err, "' for a file name"));
	}
	assert_int_equal(cli_download_save(fx->dir, "a/b", msg, MSG_LEN, 0, path, sizeof(path), err,
					   sizeof(err)),
			 -1);
	assert_string_equal(err, "unsafe guid 'a/b' for a file name");
	assert_int_equal(cli_download_check_guid("\x1b[2Jx", err, sizeof(err)), -1);
	assert_string_equal(err, "unsafe guid '\\x1b[2Jx' for a file name");
	assert_int_equal(cli_download_check_guid(NULL, err, sizeof(err)), -1);

	memset(long_guid, 'a', sizeof(long_guid) - 1);
	long_guid[sizeof(long_guid) - 1] = '\0';
	assert_int_equal(cli_download_check_guid(long_guid, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "...' for a file name"));
	long_guid[CLI_DOWNLOAD_GUID_MAX] = '\0';
	assert_int_equal(cli_download_check_guid(long_guid, err, sizeof(err)), 0);
	assert_int_equal(cli_download_check_guid("6:6:239", err, sizeof(err)), 0);
	assert_int_equal(
		cli_download_check_guid("72wWvWN8qIx-jclF-uv6feVwEFDkkidM", err, sizeof(err)), 0);
	assert_int_equal(entries(fx->dir), 0);
}

/* Missing folders of out= are made 0700; one that cannot be made is named, nothing is left. */
static void test_download__missing_folders_are_made(void **state)
{
	struct fx *fx = *state;
	char path[256], out[256], err[512];
	struct stat st;

	snprintf(out, sizeof(out), "%s/new/m.eml", fx->dir);
	assert_int_equal(cli_download_save(out, "g", msg, MSG_LEN, 0, path, sizeof(path), err,
					   sizeof(err)),
			 0);
	assert_file(out, msg, MSG_LEN);
	snprintf(out, sizeof(out), "%s/new", fx->dir);
	assert_int_equal(stat(out, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(out, sizeof(out), "%s/dir/", fx->dir);
	assert_int_equal(cli_download_save(out, "g", msg, MSG_LEN, 0, path, sizeof(path), err,
					   sizeof(err)),
			 0);
	assert_non_null(strstr(path, "/dir/g.eml"));
	snprintf(out, sizeof(out), "%s/new/m.eml/x.eml", fx->dir);
	assert_int_equal(cli_download_save(out, "g", msg, MSG_LEN, 0, path, sizeof(path), err,
					   sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "cannot create the folder"));
	assert_non_null(strstr(err, "new/m.eml': Not a directory"));
	assert_int_equal(entries(fx->dir), 2);
}

/* A write that fails half way (the file size limit stands in for a full disk). */
static void test_download__failed_write_leaves_nothing(void **state)
{
	struct fx *fx = *state;
	char path[256], out[256], err[512], big[8192];
	struct rlimit old, lim;
	void (*old_handler)(int);
	int rc_plain, rc_force;

	memset(big, 'x', sizeof(big));
	snprintf(out, sizeof(out), "%s/m.eml", fx->dir);
	assert_int_equal(
		cli_download_save(out, "g", "kept", 4, 0, path, sizeof(path), err, sizeof(err)), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	old_handler = signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = 1024;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc_force = cli_download_save(out, "g", big, sizeof(big), 1, path, sizeof(path), err,
				     sizeof(err));
	rc_plain = cli_download_save(fx->dir, "new", big, sizeof(big), 0, path, sizeof(path), err,
				     sizeof(err));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, old_handler);

	assert_int_equal(rc_force, -1);
	assert_int_equal(rc_plain, -1);
	assert_non_null(strstr(err, "cannot write"));
	assert_file(out, "kept", 4);
	assert_int_equal(entries(fx->dir), 1);
}

static void test_download__to_standard_output(void **state)
{
	struct fx *fx = *state;
	char path[256], file[256], err[256];
	int saved, fd;

	snprintf(file, sizeof(file), "%s/stdout", fx->dir);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stdout);
	saved = dup(1);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 1), 1);
	close(fd);
	assert_int_equal(cli_download_save("-", "ignored", msg, MSG_LEN, 0, path, sizeof(path), err,
					   sizeof(err)),
			 0);
	fflush(stdout);
	assert_int_equal(dup2(saved, 1), 1);
	close(saved);
	assert_string_equal(path, "-");
	assert_file(file, msg, MSG_LEN);
	assert_int_equal(entries(fx->dir), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_download__default_name_in_current_dir, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_download__directory_target, setup, teardown),
		cmocka_unit_test_setup_teardown(test_download__explicit_file_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_download__refuses_to_overwrite, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_download__force_replaces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_download__does_not_follow_a_dangling_link,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_download__unsafe_guids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_download__missing_folders_are_made, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_download__failed_write_leaves_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_download__to_standard_output, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
