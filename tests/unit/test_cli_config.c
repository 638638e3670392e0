/*
 * Unit tests of src/cli/config.c: flags > environment > config file profile > defaults,
 * profiles, the refusal of a password file readable by others, password files and stdin.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/config.h"
#include "helpers.h"

/* A fake environment: pairs of name, value. */
static const char *env_table[32];
static char dir[64];
static char path[256];
static char err[1024];

static const char *fake_env(const char *name)
{
	for (size_t i = 0; env_table[i]; i += 2)
		if (strcmp(env_table[i], name) == 0)
			return env_table[i + 1];
	return NULL;
}

static void set_env(const char *const *pairs)
{
	size_t i = 0;

	memset(env_table, 0, sizeof(env_table));
	for (; pairs && pairs[i]; i++)
		env_table[i] = pairs[i];
}

static void write_file(const char *p, const char *text, mode_t mode)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
}

static int setup(void **state)
{
	(void)state;
	if (!th_tmpdir(dir, sizeof(dir), "test-config"))
		return -1;
	snprintf(path, sizeof(path), "%s/config", dir);
	set_env(NULL);
	return 0;
}

static int teardown(void **state)
{
	char p[300];

	(void)state;
	unlink(path);
	snprintf(p, sizeof(p), "%s/pw", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/pps/config", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/pps", dir);
	rmdir(p);
	rmdir(dir);
	return 0;
}

static int load(cli_settings *s, const cli_config_flags *f, FILE *in)
{
	err[0] = '\0';
	return cli_config_load(s, f, fake_env, in, err, sizeof(err));
}

static void test_config__defaults_without_anything(void **state)
{
	cli_config_flags f;
	cli_settings s;

	(void)state;
	cli_config_flags_init(&f);
	assert_int_equal(load(&s, &f, stdin), 0);
	assert_null(s.url);
	assert_int_equal(s.timeout, 60);
	assert_int_equal(s.retries, 3);
	assert_int_equal(s.insecure, 0);
	assert_string_equal(s.profile, "default");
	assert_int_equal(cli_settings_check(&s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "PPS_URL"));
	cli_settings_release(&s);
}

static void test_config__flags_beat_env_beat_file(void **state)
{
	const char *env[] = { "PPS_URL", "https://env:10000", "PPS_USERNAME", "envuser", NULL };
	cli_config_flags f;
	cli_settings s;

	(void)state;
	write_file(path,
		   "[default]\nurl = https://file:10000\nusername = fileuser\ncacert = /file.pem\n"
		   "timeout = 5\nretries = 1\noutput = json\n",
		   0644);
	set_env(env);
	cli_config_flags_init(&f);
	f.config = path;
	f.url = "https://flag:10000";
	f.retries = 0;
	assert_int_equal(load(&s, &f, stdin), 0);
	assert_string_equal(s.url, "https://flag:10000");
	assert_string_equal(s.username, "envuser");
	assert_string_equal(s.cacert, "/file.pem");
	assert_int_equal(s.timeout, 5);
	assert_int_equal(s.retries, 0);
	assert_string_equal(s.output, "json");
	cli_settings_release(&s);
}

static void test_config__profiles(void **state)
{
	const char *env[] = { "PPS_PROFILE", "lab", NULL };
	cli_config_flags f;
	cli_settings s;

	(void)state;
	write_file(path,
		   "[default]\nurl = https://prod:10000\n\n[lab]\nurl = https://lab:10000\n"
		   "insecure = true\n",
		   0600);
	cli_config_flags_init(&f);
	f.config = path;
	assert_int_equal(load(&s, &f, stdin), 0);
	assert_string_equal(s.url, "https://prod:10000");
	assert_int_equal(s.insecure, 0);
	cli_settings_release(&s);

	set_env(env);
	assert_int_equal(load(&s, &f, stdin), 0);
	assert_string_equal(s.url, "https://lab:10000");
	assert_int_equal(s.insecure, 1);
	assert_string_equal(s.profile, "lab");
	cli_settings_release(&s);

	f.profile = "nosuch";
	assert_int_equal(load(&s, &f, stdin), -1);
	assert_non_null(strstr(err, "no profile 'nosuch'"));
}

static void test_config__xdg_default_path(void **state)
{
	const char *env[] = { "XDG_CONFIG_HOME", dir, NULL };
	char p[300];
	cli_config_flags f;
	cli_settings s;

	(void)state;
	snprintf(p, sizeof(p), "%s/pps", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/pps/config", dir);
	write_file(p, "[default]\nusername = xdguser\n", 0600);
	set_env(env);
	cli_config_flags_init(&f);
	assert_int_equal(load(&s, &f, stdin), 0);
	assert_string_equal(s.username, "xdguser");
	assert_string_equal(s.config_path, p);
	cli_settings_release(&s);
}

static void test_config__named_file_must_exist(void **state)
{
	cli_config_flags f;
	cli_settings s;

	(void)state;
	cli_config_flags_init(&f);
	f.config = "/nonexistent/pps/config";
	assert_int_equal(load(&s, &f, stdin), -1);
	assert_non_null(strstr(err, "cannot open config file '/nonexistent/pps/config'"));
}

static void test_config__password_readable_by_others_is_refused(void **state)
{
	char want[600];
	cli_config_flags f;
	cli_settings s;

	(void)state;
	write_file(path, "[default]\nurl = https://x\npassword = s3cret\n", 0644);
	cli_config_flags_init(&f);
	f.config = path;
	assert_int_equal(load(&s, &f, stdin), -1);
	snprintf(want, sizeof(want),
		 "config file '%s' holds a password and is readable by others: run chmod 600 '%s'",
		 path, path);
	assert_string_equal(err, want);
	assert_null(strstr(err, "s3cret"));

	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(load(&s, &f, stdin), -1);

	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(load(&s, &f, stdin), 0);
	assert_string_equal(s.password, "s3cret");
	cli_settings_release(&s);
}

static void test_config__no_password_no_refusal(void **state)
{
	cli_config_flags f;
	cli_settings s;

	(void)state;
	write_file(path, "[default]\nurl = https://x\n", 0644);
	cli_config_flags_init(&f);
	f.config = path;
	assert_int_equal(load(&s, &f, stdin), 0);
	cli_settings_release(&s);
}

static void test_config__password_sources(void **state)
{
	const char *env[] = { "PPS_PASSWORD", "envpw", NULL };
	char pw[300];
	char text[] = "stdinpw\nsecond line\n";
	FILE *in;
	cli_config_flags f;
	cli_settings s;

	(void)state;
	snprintf(pw, sizeof(pw), "%s/pw", dir);
	write_file(pw, "filepw\r\nignored\n", 0600);
	write_file(path, "[default]\npassword = cfgpw\n", 0600);
	cli_config_flags_init(&f);
	f.config = path;
	assert_int_equal(load(&s, &f, stdin), 0);
	assert_string_equal(s.password, "cfgpw");
	cli_settings_release(&s);

	set_env(env);
	assert_int_equal(load(&s, &f, stdin), 0);
	assert_string_equal(s.password, "envpw");
	cli_settings_release(&s);

	f.password_file = pw;
	assert_int_equal(load(&s, &f, stdin), 0);
	assert_string_equal(s.password, "filepw");
	cli_settings_release(&s);

	f.password_file = NULL;
	f.password_stdin = 1;
	in = fmemopen(text, strlen(text), "r");
	assert_non_null(in);
	assert_int_equal(load(&s, &f, in), 0);
	fclose(in);
	assert_string_equal(s.password, "stdinpw");
	cli_settings_release(&s);
}

static void test_config__password_file_key(void **state)
{
	char pw[300], cfg[600];
	cli_config_flags f;
	cli_settings s;

	(void)state;
	snprintf(pw, sizeof(pw), "%s/pw", dir);
	write_file(pw, "frompwfile\n", 0600);
	snprintf(cfg, sizeof(cfg), "[default]\npassword_file = %s\n", pw);
	/* password_file names a file: the config itself holds no password and may be 0644. */
	write_file(path, cfg, 0644);
	cli_config_flags_init(&f);
	f.config = path;
	assert_int_equal(load(&s, &f, stdin), 0);
	assert_string_equal(s.password, "frompwfile");
	cli_settings_release(&s);
}

static void test_config__empty_password_file_is_refused(void **state)
{
	char pw[300];
	cli_config_flags f;
	cli_settings s;

	(void)state;
	snprintf(pw, sizeof(pw), "%s/pw", dir);
	write_file(pw, "\n", 0600);
	cli_config_flags_init(&f);
	f.password_file = pw;
	assert_int_equal(load(&s, &f, stdin), -1);
	assert_non_null(strstr(err, "no password in"));
}

/* A FIFO (or any file that is not regular) is refused at once: no wait for a writer. */
static void test_config__password_fifo_is_refused(void **state)
{
	char pw[300];
	cli_config_flags f;
	cli_settings s;

	(void)state;
	snprintf(pw, sizeof(pw), "%s/pw", dir);
	assert_int_equal(mkfifo(pw, 0600), 0);
	cli_config_flags_init(&f);
	f.password_file = pw;
	assert_int_equal(load(&s, &f, stdin), -1);
	assert_non_null(strstr(err, "is not a regular file"));
	unlink(pw);
	f.password_file = dir;
	assert_int_equal(load(&s, &f, stdin), -1);
	assert_non_null(strstr(err, "is not a regular file"));
}

static void test_config__bad_values(void **state)
{
	const char *env[] = { "PPS_INSECURE", "maybe", NULL };
	cli_config_flags f;
	cli_settings s;

	(void)state;
	write_file(path, "[default]\ntimeout = soon\n", 0600);
	cli_config_flags_init(&f);
	f.config = path;
	assert_int_equal(load(&s, &f, stdin), -1);
	assert_non_null(strstr(err, "invalid timeout 'soon'"));

	write_file(path, "[default]\ncolour = red\n", 0600);
	assert_int_equal(load(&s, &f, stdin), -1);
	assert_non_null(strstr(err, "unknown key 'colour'"));

	write_file(path, "[default]\n", 0600);
	set_env(env);
	assert_int_equal(load(&s, &f, stdin), -1);
	assert_non_null(strstr(err, "PPS_INSECURE"));
}

static void test_config__check_names_what_is_missing(void **state)
{
	char url[] = "https://x", user[] = "u", pass[] = "p";
	cli_settings s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.url = url;
	assert_int_equal(cli_settings_check(&s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "PPS_USERNAME"));
	s.username = user;
	assert_int_equal(cli_settings_check(&s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--password-file"));
	s.password = pass;
	assert_int_equal(cli_settings_check(&s, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config__defaults_without_anything, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config__flags_beat_env_beat_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config__profiles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__xdg_default_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__named_file_must_exist, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config__password_readable_by_others_is_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__no_password_no_refusal, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config__password_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__password_file_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__password_fifo_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config__empty_password_file_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_config__bad_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__check_names_what_is_missing, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
