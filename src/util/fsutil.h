/* File-system helpers with no PPS knowledge: the missing folders above a path, a whole write. */
#ifndef PPS_UTIL_FSUTIL_H
#define PPS_UTIL_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Creates the folders above path that do not exist yet (never path itself; "a/b/" makes a
 * and a/b), each with mode (less the umask). An existing folder, or a symbolic link to one,
 * is left as it is. Returns 0, or -1 with errno set and the folder that could not be made
 * (or that is not a folder) copied into failed (failedlen bytes, NUL-terminated).
 */
int fs_make_parents(const char *path, mode_t mode, char *failed, size_t failedlen);

/*
 * Writes all n bytes of p to fd, again after EINTR and a short write. 0, or -1 with errno set
 * (EIO when write returned 0).
 */
int fs_write_all(int fd, const void *p, size_t n);

#endif
