/*
 * --extract DIR (inspect_extract.h): each attachment streams into a hidden temporary file made
 * by mkstemp in DIR, is synced, then linked under its safe name (link never replaces a file;
 * a name taken gets " (2)", " (3)"...) and the temporary name removed.
 */
#include "cli/inspect_extract.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/sanitize.h"
#include "util/buf.h"
#include "util/fsutil.h"

#include "util/banned.h"

/* The names tried before giving up on a taken one: "name (2)" to "name (N)". */
#define EXTRACT_TRIES 1000

struct cli_extract {
	char *dir;
	FILE *notes;
	FILE *err;
	int fd;		 /* the temporary file of the attachment being written, or -1 */
	size_t index;	 /* its index */
	int broken;	 /* writing it failed: the rest of its pieces are dropped */
	ppsbuf tmp;	 /* its temporary path */
	json_t *written; /* index (as text) -> the path written */
	size_t failures;
};

/* "pps: " + the line with the message-derived parts escaped. */
static void say(FILE *f, const char *prefix, const char *text)
{
	ppsbuf b = PPSBUF_INIT;

	if (!f)
		return;
	if (ppsbuf_adds(&b, prefix) == 0 && cli_sanitize(&b, text, strlen(text), NULL, NULL) == 0)
		fprintf(f, "%s\n", b.buf);
	ppsbuf_release(&b);
}

int cli_extract_new(cli_extract **out, const char *dir, FILE *notes, FILE *err)
{
	cli_extract *x = calloc(1, sizeof(*x));
	ppsbuf path = PPSBUF_INIT;
	char failed[4096];
	struct stat st;

	*out = NULL;
	if (x)
		x->fd = -1; /* no temporary file open yet: a failure below closes nothing */
	if (!x || !(x->dir = strdup(dir)) || !(x->written = json_object()) ||
	    ppsbuf_addf(&path, "%s/", dir) < 0) {
		fprintf(err, "pps: out of memory\n");
		goto fail;
	}
	if (fs_make_parents(path.buf, 0700, failed, sizeof(failed)) < 0) {
		ppsbuf_reset(&path);
		ppsbuf_addf(&path, "pps: cannot make folder '%s': %s", failed, strerror(errno));
		say(err, "", path.buf);
		goto fail;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK | X_OK) != 0) {
		ppsbuf_reset(&path);
		ppsbuf_addf(&path, "pps: cannot extract into '%s': %s", dir,
			    errno ? strerror(errno) : "not a folder");
		say(err, "", path.buf);
		goto fail;
	}
	x->notes = notes;
	x->err = err;
	x->fd = -1;
	x->index = (size_t)-1;
	ppsbuf_release(&path);
	*out = x;
	return 0;
fail:
	ppsbuf_release(&path);
	cli_extract_free(x);
	return -1;
}

static void fail_attachment(cli_extract *x, const char *what)
{
	ppsbuf b = PPSBUF_INIT;

	ppsbuf_addf(&b, "pps: cannot extract attachment %zu into '%s': %s: %s", x->index + 1,
		    x->dir, what, strerror(errno));
	say(x->err, "", b.buf);
	ppsbuf_release(&b);
	x->broken = 1;
	x->failures++;
	if (x->fd >= 0) {
		close(x->fd);
		unlink(x->tmp.buf);
		x->fd = -1;
	}
}

static int open_tmp(cli_extract *x, size_t index)
{
	x->index = index;
	x->broken = 0;
	ppsbuf_reset(&x->tmp);
	if (ppsbuf_addf(&x->tmp, "%s/.pps-extract-XXXXXX", x->dir) < 0) {
		errno = ENOMEM;
		fail_attachment(x, "a temporary file");
		return -1;
	}
	x->fd = mkstemp(x->tmp.buf); /* mode 0600, O_EXCL */
	if (x->fd < 0 || fchmod(x->fd, 0600) != 0) {
		fail_attachment(x, "a temporary file");
		return -1;
	}
	return 0;
}

/* The name to write under: the sanitised filename, else attachment-N.bin. */
static void base_name(ppsbuf *b, const json_t *meta, size_t index)
{
	const char *name = json_string_value(json_object_get(meta, "filename"));
	size_t n = name ? strlen(name) : 0;

	if (!name || n == 0 || n > 200 || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..") || cli_needs_sanitize(name, n, NULL)) {
		ppsbuf_addf(b, "attachment-%zu.bin", index + 1);
		return;
	}
	/* A leading dot would hide the file (and .profile is no name to leave around). */
	if (name[0] == '.')
		ppsbuf_addch(b, '_');
	ppsbuf_adds(b, name[0] == '.' ? name + 1 : name);
}

/* Links the finished temporary file under base (or "base (k).ext"); the path in path. */
static int link_free_name(cli_extract *x, const char *base, ppsbuf *path)
{
	const char *dot = strrchr(base, '.');
	size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);

	for (int k = 1; k <= EXTRACT_TRIES; k++) {
		ppsbuf_reset(path);
		if (k == 1)
			ppsbuf_addf(path, "%s/%s", x->dir, base);
		else
			ppsbuf_addf(path, "%s/%.*s (%d)%s", x->dir, (int)stem, base, k,
				    base + stem);
		if (link(x->tmp.buf, path->buf) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

static void finish(cli_extract *x, const json_t *meta)
{
	ppsbuf base = PPSBUF_INIT, path = PPSBUF_INIT, line = PPSBUF_INIT;
	char key[32];

	if (fsync(x->fd) != 0 || close(x->fd) != 0) {
		x->fd = -1;
		unlink(x->tmp.buf);
		errno = errno ? errno : EIO;
		fail_attachment(x, "writing it");
		goto done;
	}
	x->fd = -1;
	/* A part cut by the decoded size limit has no hashes: half a file is no attachment. */
	if (!json_is_string(json_object_get(meta, "sha256"))) {
		unlink(x->tmp.buf);
		ppsbuf_addf(&line, "pps: attachment %zu not extracted: the inspection cut it short",
			    x->index + 1);
		say(x->err, "", line.buf);
		x->failures++;
		goto done;
	}
	base_name(&base, meta, x->index);
	if (link_free_name(x, base.buf, &path) != 0) {
		unlink(x->tmp.buf);
		fail_attachment(x, "naming it");
		goto done;
	}
	unlink(x->tmp.buf);
	snprintf(key, sizeof(key), "%zu", x->index);
	json_object_set_new(x->written, key, json_string(path.buf));
	ppsbuf_addf(&line, "extracted '%s' (%lld bytes)", path.buf,
		    (long long)json_integer_value(json_object_get(meta, "size")));
	say(x->notes, "", line.buf);
done:
	ppsbuf_release(&base);
	ppsbuf_release(&path);
	ppsbuf_release(&line);
}

int cli_extract_piece(void *ctx, size_t index, const void *data, size_t len, const json_t *meta)
{
	cli_extract *x = ctx;
	const char *p = data;

	if (x->fd < 0 && (x->index != index || !x->broken) && open_tmp(x, index) < 0)
		return 0;
	if (x->broken)
		return 0;
	while (len > 0) {
		ssize_t n = write(x->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fail_attachment(x, "writing it");
			return 0;
		}
		p += n;
		len -= (size_t)n;
	}
	if (!data)
		finish(x, meta);
	return 0;
}

size_t cli_extract_done(cli_extract *x, json_t *inspection)
{
	json_t *atts = json_object_get(inspection, "attachments");
	const char *key;
	json_t *path;
	size_t failures = x->failures;

	json_object_foreach(x->written, key, path)
	{
		json_t *a = json_array_get(atts, (size_t)strtoul(key, NULL, 10));

		if (json_is_object(a))
			json_object_set(a, "extracted", path);
	}
	json_object_clear(x->written);
	if (x->fd >= 0) {
		/* An attachment the inspection never finished (it stopped): not written. */
		close(x->fd);
		unlink(x->tmp.buf);
		x->fd = -1;
	}
	x->failures = 0;
	x->broken = 0;
	x->index = (size_t)-1;
	return failures;
}

void cli_extract_free(cli_extract *x)
{
	if (!x)
		return;
	if (x->fd >= 0) {
		close(x->fd);
		unlink(x->tmp.buf);
	}
	json_decref(x->written);
	ppsbuf_release(&x->tmp);
	free(x->dir);
	free(x);
}
