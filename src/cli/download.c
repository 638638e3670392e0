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
#include "util/fsutil.h"

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

/* A download being saved: its temporary file and where it goes (download.h). */
struct cli_download {
	ppsbuf dir, path, tmp;
	int fd;	     /* the temporary file, or -1 */
	FILE *spool; /* out=-: an unlinked file the message waits in until it is whole */
	int force;
	size_t len;
};

void cli_download_abort(cli_download *d)
{
	if (!d)
		return;
	if (d->fd >= 0) {
		close(d->fd);
		unlink(d->tmp.buf);
	}
	if (d->spool)
		fclose(d->spool);
	ppsbuf_release(&d->dir);
	ppsbuf_release(&d->path);
	ppsbuf_release(&d->tmp);
	free(d);
}

int cli_download_open(cli_download **out, const char *target, const char *guid, int force,
		      char *err, size_t errlen)
{
	cli_download *d = calloc(1, sizeof(*d));
	ppsbuf name = PPSBUF_INIT;
	struct stat st;
	char folder[4096];
	int rc = -1;

	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!d) {
		SAY("out of memory");
		return -1;
	}
	d->fd = -1;
	d->force = force;
	ppsbuf_init(&d->dir, 0);
	ppsbuf_init(&d->path, 0);
	ppsbuf_init(&d->tmp, 0);
	if (target && strcmp(target, "-") == 0) {
		/* Standard output gets the message only once it is whole and checked. */
		d->spool = tmpfile();
		if (!d->spool)
			SAY("cannot create a temporary file: %s", strerror(errno));
		rc = d->spool ? 0 : -1;
		goto done;
	}
	/* The folders out= names are made (0700): out=DIR/ makes DIR, out=DIR/FILE its DIR. */
	if (target && *target && fs_make_parents(target, 0700, folder, sizeof(folder)) < 0) {
		SAY("cannot create the folder '%s': %s", folder, strerror(errno));
		goto done;
	}
	if (target_of(target, guid, &d->path, &d->dir, &name, err, errlen) < 0)
		goto done;
	if (ppsbuf_addf(&d->tmp, "%s/.%s.XXXXXX", strcmp(d->dir.buf, "/") ? d->dir.buf : "",
			name.buf) < 0) {
		SAY("out of memory");
		goto done;
	}
	if (!force && lstat(d->path.buf, &st) == 0) {
		SAY("'%s' exists: use force=true to overwrite", d->path.buf);
		goto done;
	}
	d->fd = mkstemp(d->tmp.buf);
	if (d->fd < 0) {
		SAY("cannot create a file in '%s': %s", d->dir.buf, strerror(errno));
		goto done;
	}
	if (fchmod(d->fd, 0600) < 0) {
		SAY("cannot write '%s': %s", d->tmp.buf, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	ppsbuf_release(&name);
	if (rc < 0)
		cli_download_abort(d);
	else
		*out = d;
	return rc;
}

int cli_download_write(cli_download *d, const char *data, size_t len, char *err, size_t errlen)
{
	if (d->spool ? (len && fwrite(data, 1, len, d->spool) != len)
		     : fs_write_all(d->fd, data, len) < 0) {
		SAY("cannot write '%s': %s", d->spool ? "a temporary file" : d->tmp.buf,
		    strerror(errno));
		return -1;
	}
	d->len += len;
	return 0;
}

size_t cli_download_size(const cli_download *d)
{
	return d->len;
}

/* out=-: the spooled message copied to standard output. */
static int commit_stdout(cli_download *d, char *err, size_t errlen)
{
	char buf[65536];
	size_t n;

	if (fflush(d->spool) != 0 || fseek(d->spool, 0, SEEK_SET) != 0) {
		SAY("cannot read a temporary file: %s", strerror(errno));
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), d->spool)) > 0) {
		if (fwrite(buf, 1, n, stdout) != n)
			break;
	}
	if (ferror(d->spool)) {
		SAY("cannot read a temporary file: %s", strerror(errno));
		return -1;
	}
	if (ferror(stdout) || fflush(stdout) != 0) {
		SAY("cannot write to standard output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int cli_download_commit(cli_download *d, char *path_out, size_t path_len, char *err, size_t errlen)
{
	int fd = d->fd, rc = -1;

	if (err && errlen)
		err[0] = '\0';
	if (d->spool) {
		rc = commit_stdout(d, err, errlen);
		if (rc == 0 && path_out && path_len)
			snprintf(path_out, path_len, "-");
		cli_download_abort(d);
		return rc;
	}
	d->fd = -1;
	if (fsync(fd) < 0) {
		SAY("cannot write '%s': %s", d->tmp.buf, strerror(errno));
		close(fd);
		goto done;
	}
	if (close(fd) < 0) {
		SAY("cannot write '%s': %s", d->tmp.buf, strerror(errno));
		goto done;
	}
	if (d->force) {
		if (rename(d->tmp.buf, d->path.buf) < 0) {
			SAY("cannot save '%s': %s", d->path.buf, strerror(errno));
			goto done;
		}
	} else if (link(d->tmp.buf, d->path.buf) < 0) {
		if (errno == EEXIST)
			SAY("'%s' exists: use force=true to overwrite", d->path.buf);
		else
			SAY("cannot save '%s': %s", d->path.buf, strerror(errno));
		goto done;
	}
	sync_dir(d->dir.buf);
	if (path_out && path_len)
		snprintf(path_out, path_len, "%s", d->path.buf);
	rc = 0;
done:
	if (rc < 0 || !d->force)
		unlink(d->tmp.buf);
	cli_download_abort(d);
	return rc;
}

int cli_download_save(const char *out, const char *guid, const char *data, size_t len, int force,
		      char *path_out, size_t path_len, char *err, size_t errlen)
{
	cli_download *d = NULL;

	if (cli_download_open(&d, out, guid, force, err, errlen) < 0)
		return -1;
	if (cli_download_write(d, data, len, err, errlen) < 0) {
		cli_download_abort(d);
		return -1;
	}
	return cli_download_commit(d, path_out, path_len, err, errlen);
}
