/*
 * Helpers shared by the unit tests: a private temporary folder under $TMPDIR (or /tmp) and its
 * removal, without a shell. Header-only: each test executable includes it once.
 */
#ifndef PPS_TEST_HELPERS_H
#define PPS_TEST_HELPERS_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes the template "$TMPDIR/pps-<name>.XXXXXX" (or under /tmp) into buf. Returns buf or NULL. */
static inline char *th_template(char *buf, size_t len, const char *name)
{
	const char *base = getenv("TMPDIR");
	int n;

	if (!base || !*base)
		base = "/tmp";
	n = snprintf(buf, len, "%s/pps-%s.XXXXXX", base, name);
	return n < 0 || (size_t)n >= len ? NULL : buf;
}

/* Makes a new folder from th_template (mode 0700) into buf. Returns buf or NULL. */
static inline char *th_tmpdir(char *buf, size_t len, const char *name)
{
	return th_template(buf, len, name) ? mkdtemp(buf) : NULL;
}

/* Makes a new empty file from th_template into buf. Returns its descriptor or -1. */
static inline int th_tmpfile(char *buf, size_t len, const char *name)
{
	return th_template(buf, len, name) ? mkstemp(buf) : -1;
}

/* Removes the folder dir and all it holds (a symlink is removed, never followed). 0 or -1. */
static inline int th_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st) != 0 || (S_ISDIR(st.st_mode) ? th_rmtree(path) : unlink(path)))
			rc = -1;
	}
	closedir(d);
	return rmdir(dir) || rc ? -1 : 0;
}

#endif
