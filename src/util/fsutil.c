/* The missing folders above a path (fsutil.h); never creates or touches the path itself. */
#include "fsutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

/* Makes the folder dir unless a folder (or a link to one) is there; 0 or -1 with errno. */
static int make_one(const char *dir, mode_t mode)
{
	struct stat st;

	if (mkdir(dir, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	if (stat(dir, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int fs_make_parents(const char *path, mode_t mode, char *failed, size_t failedlen)
{
	char *copy = strdup(path ? path : "");
	char *p;
	int rc = 0, saved;

	if (failed && failedlen)
		failed[0] = '\0';
	if (!copy) {
		errno = ENOMEM;
		return -1;
	}
	if (!*copy) {
		free(copy);
		return 0;
	}
	/* Each prefix that ends before a '/', the root excepted. */
	for (p = strchr(copy + 1, '/'); p && !rc; p = strchr(p + 1, '/')) {
		if (p[-1] == '/')
			continue;
		*p = '\0';
		rc = make_one(copy, mode);
		if (rc && failed && failedlen)
			snprintf(failed, failedlen, "%s", copy);
		*p = '/';
	}
	saved = errno;
	free(copy);
	errno = saved;
	return rc;
}

int fs_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}
