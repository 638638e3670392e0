/*
 * Saves a downloaded message atomically (download.h): a temporary file, fsync, link or rename.
 * Must never overwrite without force and never leave a partial or temporary file behind.
 */
#include "cli/download.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"

#include "util/banned.h"

/* The printable form of a refused GUID is cut after this many input bytes. */
#define SHOW_MAX 64

/* Writes the one-line reason when the caller gave room for it (err, errlen in scope). */
#define SAY(...)                                            \
	do {                                                \
		if (err && errlen)                          \
			snprintf(err, errlen, __VA_ARGS__); \
	} while (0)

/* s with bytes outside printable ASCII as \xHH, cut with "..." when long; into buf. */
static void printable(const char *s, char *buf, size_t len)
{
	size_t o = 0, i, n = strlen(s);

	for (i = 0; i < n && i < SHOW_MAX && o + 5 < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			buf[o++] = (char)c;
		} else {
			snprintf(buf + o, len - o, "\\x%02x", c);
			o += 4;
		}
	}
	if (i < n && o + 4 <= len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

int cli_download_check_guid(const char *guid, char *err, size_t errlen)
{
	char shown[SHOW_MAX * 4 + 8];
	size_t n = guid ? strlen(guid) : 0;
	int bad = n == 0 || n > CLI_DOWNLOAD_GUID_MAX || guid[0] == '.' || guid[0] == '-';

	for (size_t i = 0; i < n && !bad; i++) {
		unsigned char c = (unsigned char)guid[i];
		bad = c < 0x20 || c == 0x7f || c == '/' || c == '\\';
	}
	if (!bad)
		return 0;
	printable(guid ? guid : "", shown, sizeof(shown));
	SAY("unsafe guid '%s' for a file name", shown);
	return -1;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int save_stdout(const char *data, size_t len, char *err, size_t errlen)
{
	if ((len && fwrite(data, 1, len, stdout) != len) || fflush(stdout) != 0 || ferror(stdout)) {
		SAY("cannot write to standard output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The final path, its directory ("." when none) and its file name. A default or directory
 * target is named after the GUID; a file path is kept as the user wrote it.
 */
static int target_of(const char *out, const char *guid, ppsbuf *path, ppsbuf *dir, ppsbuf *name,
		     char *err, size_t errlen)
{
	struct stat st;
	const char *slash;
	int rc = 0;

	if (!out || !*out || (stat(out, &st) == 0 && S_ISDIR(st.st_mode))) {
		size_t n = out && *out ? strlen(out) : 0;

		if (cli_download_check_guid(guid, err, errlen) < 0)
			return -1;
		while (n > 1 && out[n - 1] == '/')
			n--;
		rc |= ppsbuf_add(dir, n ? out : ".", n ? n : 1);
		rc |= ppsbuf_addf(name, "%s.eml", guid);
		rc |= ppsbuf_addf(path, "%s%s", strcmp(dir->buf, "/") ? dir->buf : "", "/");
		rc |= ppsbuf_adds(path, name->buf);
	} else {
		slash = strrchr(out, '/');
		if (slash && slash[1] == '\0') {
			SAY("'%s' is not a directory", out);
			return -1;
		}
		rc |= ppsbuf_adds(path, out);
		if (!slash)
			rc |= ppsbuf_addch(dir, '.');
		else
			rc |= ppsbuf_add(dir, out, slash == out ? 1 : (size_t)(slash - out));
		rc |= ppsbuf_adds(name, slash ? slash + 1 : out);
	}
	if (rc) {
		SAY("out of memory");
		return -1;
	}
	return 0;
}

/* Makes the new directory entry durable; a failure here loses nothing already written. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int cli_download_save(const char *out, const char *guid, const char *data, size_t len, int force,
		      char *path_out, size_t path_len, char *err, size_t errlen)
{
	ppsbuf dir = PPSBUF_INIT, name = PPSBUF_INIT, path = PPSBUF_INIT, tmp = PPSBUF_INIT;
	struct stat st;
	int fd = -1, rc = -1, have_tmp = 0;

	if (err && errlen)
		err[0] = '\0';
	if (out && strcmp(out, "-") == 0) {
		rc = save_stdout(data, len, err, errlen);
		if (rc == 0 && path_out && path_len)
			snprintf(path_out, path_len, "-");
		return rc;
	}
	if (target_of(out, guid, &path, &dir, &name, err, errlen) < 0)
		goto done;
	if (ppsbuf_addf(&tmp, "%s/.%s.XXXXXX", strcmp(dir.buf, "/") ? dir.buf : "", name.buf) < 0) {
		SAY("out of memory");
		goto done;
	}
	if (!force && lstat(path.buf, &st) == 0) {
		SAY("'%s' exists: use force=true to overwrite", path.buf);
		goto done;
	}
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		SAY("cannot create a file in '%s': %s", dir.buf, strerror(errno));
		goto done;
	}
	have_tmp = 1;
	if (fchmod(fd, 0600) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		SAY("cannot write '%s': %s", tmp.buf, strerror(errno));
		goto done;
	}
	if (close(fd) < 0) {
		fd = -1;
		SAY("cannot write '%s': %s", tmp.buf, strerror(errno));
		goto done;
	}
	fd = -1;
	if (force) {
		if (rename(tmp.buf, path.buf) < 0) {
			SAY("cannot save '%s': %s", path.buf, strerror(errno));
			goto done;
		}
		have_tmp = 0;
	} else if (link(tmp.buf, path.buf) < 0) {
		if (errno == EEXIST)
			SAY("'%s' exists: use force=true to overwrite", path.buf);
		else
			SAY("cannot save '%s': %s", path.buf, strerror(errno));
		goto done;
	}
	sync_dir(dir.buf);
	if (path_out && path_len)
		snprintf(path_out, path_len, "%s", path.buf);
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	if (have_tmp)
		unlink(tmp.buf);
	ppsbuf_release(&dir);
	ppsbuf_release(&name);
	ppsbuf_release(&path);
	ppsbuf_release(&tmp);
	return rc;
}
