/*
 * The checkpoint file of --follow and --all (see checkpoint.h). JSON through jansson; written
 * to a new temporary file beside the target (O_EXCL), fsync'd, renamed over it, and the folder
 * fsync'd. Never follows a symlink and never writes over anything but a regular file.
 */
#include "cli/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/timeutil.h"

#include "util/banned.h"

#define CHECKPOINT_FORMAT 2
/* A --follow high water this far past this machine's clock was not written by pps. */
#define FUTURE_SLACK_S (7 * 86400)

int cli_checkpoint_init(cli_checkpoint *cp, int64_t high_water)
{
	memset(cp, 0, sizeof(*cp));
	cp->high_water = high_water;
	cp->output_size = -1;
	cp->seen = json_object();
	return cp->seen ? 0 : -1;
}

void cli_checkpoint_release(cli_checkpoint *cp)
{
	json_decref(cp->seen);
	cp->seen = NULL;
}

static int get_int(const json_t *obj, const char *key, int64_t *out)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return -1;
	*out = json_integer_value(v);
	return 0;
}

/*
 * The JSON at path: 1 with *out owned, 0 when there is no file, -1 with a reason in err (a
 * symlink, not a regular file, unreadable, not JSON).
 */
static int read_root(const char *path, json_t **out, char *err, size_t errlen)
{
	json_error_t je;
	struct stat st;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0) {
		snprintf(err, errlen, "cannot read checkpoint '%s': %s", path,
			 errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "checkpoint '%s' is not a regular file", path);
		close(fd);
		return -1;
	}
	*out = json_loadfd(fd, JSON_REJECT_DUPLICATES, &je);
	close(fd);
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		snprintf(err, errlen, "cannot read checkpoint '%s': %s", path, je.text);
		return -1;
	}
	return 1;
}

static void window_text(int64_t from, int64_t end, int has_end, char *buf, size_t len)
{
	char a[32], b[32] = "open";

	tu_format_utc(from, a, sizeof(a));
	if (has_end)
		tu_format_utc(end, b, sizeof(b));
	snprintf(buf, len, "%s UTC to %s%s", a, b, has_end ? " UTC" : "");
}

/* The job, the filters and the window of the file against cp's. 0, or -1 with err. */
static int check_job(cli_checkpoint *cp, const json_t *root, const char *path, const char *job,
		     char *err, size_t errlen)
{
	const json_t *v = json_object_get(root, "job"), *win = json_object_get(root, "window");
	int64_t n, from = 0, end = 0;
	int has_end;
	char want[96], have[96];

	if (get_int(root, "pps_checkpoint", &n) || n != CHECKPOINT_FORMAT) {
		snprintf(err, errlen,
			 "'%s' is not a pps checkpoint of this version (format %d): remove it to "
			 "start over",
			 path, CHECKPOINT_FORMAT);
		return -1;
	}
	if (!json_is_string(v) || strcmp(json_string_value(v), job) != 0) {
		snprintf(err, errlen, "checkpoint '%s' belongs to '%s', not to '%s'", path,
			 json_is_string(v) ? json_string_value(v) : "?", job);
		return -1;
	}
	v = json_object_get(root, "digest");
	if (!json_is_string(v) || strcmp(json_string_value(v), cp->digest) != 0) {
		snprintf(err, errlen,
			 "checkpoint '%s' belongs to a search with other filters: use another file "
			 "for this one, or remove it to start over",
			 path);
		return -1;
	}
	if (get_int(win, "from", &from)) {
		snprintf(err, errlen, "checkpoint '%s' is damaged: remove it to start over", path);
		return -1;
	}
	has_end = !get_int(win, "end", &end);
	if (cp->follow) {
		cp->from = from; /* the start the first run was given holds for every run */
	} else if (from != cp->from || has_end != cp->has_end || (has_end && end != cp->end)) {
		window_text(from, end, has_end, have, sizeof(have));
		window_text(cp->from, cp->end, cp->has_end, want, sizeof(want));
		snprintf(err, errlen,
			 "checkpoint '%s' is of the window %s, not %s: to resume give the same "
			 "start_time and end_time (absolute times), or remove it to start over",
			 path, have, want);
		return -1;
	}
	if (!get_int(root, "output_size", &n) && n >= 0)
		cp->output_size = n;
	return 0;
}

/* Whether a position read from the file lies within the job's window (a hand edit may not). */
static int position_fits(const cli_checkpoint *cp)
{
	int64_t last = cp->has_end ? cp->end + 1 : INT64_MAX;

	if (cp->follow)
		return cp->high_water >= cp->from &&
		       cp->high_water <= (int64_t)time(NULL) + FUTURE_SLACK_S;
	if (cp->has_to && (cp->to < cp->from || cp->to > last))
		return 0;
	if (cp->has_bound && (cp->bound < cp->from || cp->bound > last))
		return 0;
	return cp->part <= cp->parts;
}

static int read_position(cli_checkpoint *cp, const json_t *pos)
{
	json_t *seen = json_object_get(pos, "seen"), *v;
	const char *key;
	int64_t part, printed;

	if (get_int(pos, "high_water", &cp->high_water) || get_int(pos, "to", &cp->to) ||
	    get_int(pos, "bound", &cp->bound) || !json_is_object(seen))
		return -1;
	if (get_int(pos, "kept_from", &cp->kept_from))
		cp->kept_from = cp->high_water;
	cp->has_to = json_is_true(json_object_get(pos, "has_to"));
	cp->has_bound = json_is_true(json_object_get(pos, "has_bound"));
	cp->done = json_is_true(json_object_get(pos, "done"));
	if (get_int(pos, "part", &part) || part < 0 || get_int(pos, "printed", &printed) ||
	    printed < 0)
		return -1;
	cp->part = (size_t)part;
	cp->printed = (unsigned long long)printed;
	if (get_int(pos, "overfull", &cp->overfull))
		cp->overfull = 0;
	json_object_clear(cp->seen);
	json_object_foreach(seen, key, v)
	{
		if (!json_is_integer(v) || json_object_set(cp->seen, key, v))
			return -1;
	}
	return 0;
}

int cli_checkpoint_load(cli_checkpoint *cp, const char *path, const char *job, char *err,
			size_t errlen)
{
	json_t *root = NULL;
	const json_t *pos;
	int ret = -1, r = read_root(path, &root, err, errlen);

	if (r <= 0)
		return r < 0 ? -2 : 0;
	if (check_job(cp, root, path, job, err, errlen))
		goto done;
	pos = cp->cluster ? json_object_get(json_object_get(root, "clusters"), cp->cluster) : root;
	if (!pos) {
		ret = 0; /* this cluster has not saved a position yet */
		goto done;
	}
	if (read_position(cp, pos)) {
		snprintf(err, errlen, "checkpoint '%s' is damaged: remove it to start over", path);
		goto done;
	}
	if (!position_fits(cp)) {
		snprintf(err, errlen,
			 "checkpoint '%s' holds a position outside its job's window (edited?): "
			 "remove it to start over",
			 path);
		goto done;
	}
	cp->resumed = 1;
	ret = 0;
done:
	json_decref(root);
	return ret;
}

/* fsync of the folder holding path, so that the rename itself is on disk. */
static void sync_dir_of(const char *path)
{
	char *copy = strdup(path);
	int fd;

	if (!copy)
		return;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/* The file's document: the job, and cp's position at the top or under its cluster. */
static json_t *document(const cli_checkpoint *cp, const char *path, const char *job, char *err,
			size_t errlen)
{
	char when[32];
	json_t *root = NULL, *pos, *win, *clusters;

	tu_format_utc(cp->high_water, when, sizeof(when));
	pos = json_pack("{ss sI sI sI sb sI sb sb sI sI sO}", "high_water_utc", when, "high_water",
			(json_int_t)cp->high_water, "kept_from", (json_int_t)cp->kept_from, "to",
			(json_int_t)cp->to, "has_to", cp->has_to, "bound", (json_int_t)cp->bound,
			"has_bound", cp->has_bound, "done", cp->done, "part", (json_int_t)cp->part,
			"printed", (json_int_t)cp->printed, "seen", cp->seen);
	if (pos && cp->overfull &&
	    json_object_set_new(pos, "overfull", json_integer((json_int_t)cp->overfull))) {
		json_decref(pos);
		pos = NULL;
	}
	if (cp->cluster && read_root(path, &root, err, errlen) < 0) {
		json_decref(pos);
		return NULL;
	}
	if (!cp->cluster) {
		root = pos;
	} else {
		if (!root)
			root = json_object();
		clusters = json_object_get(root, "clusters");
		if (!json_is_object(clusters)) {
			clusters = json_object();
			json_object_set_new(root, "clusters", clusters);
		}
		if (!pos || json_object_set_new(clusters, cp->cluster, pos)) {
			json_decref(root);
			root = NULL;
		}
	}
	win = json_pack("{sI}", "from", (json_int_t)cp->from);
	if (win && !cp->follow && cp->has_end)
		json_object_set_new(win, "end", json_integer(cp->end));
	if (!root || !win ||
	    json_object_set_new(root, "pps_checkpoint", json_integer(CHECKPOINT_FORMAT)) ||
	    json_object_set_new(root, "job", json_string(job)) ||
	    json_object_set_new(root, "digest", json_string(cp->digest)) ||
	    json_object_set_new(root, "window", win) ||
	    (cp->output_size >= 0 &&
	     json_object_set_new(root, "output_size", json_integer(cp->output_size)))) {
		json_decref(root);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return root;
}

/* Refuses a path that is a symlink or not a regular file. 0, or -1 with err. */
static int target_ok(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return 0; /* created by the rename */
	if (S_ISLNK(st.st_mode))
		snprintf(err, errlen,
			 "checkpoint '%s' is a symbolic link: refusing to write through it", path);
	else if (!S_ISREG(st.st_mode))
		snprintf(err, errlen, "checkpoint '%s' is not a regular file", path);
	else
		return 0;
	return -1;
}

int cli_checkpoint_save(const cli_checkpoint *cp, const char *path, const char *job, char *err,
			size_t errlen)
{
	char tmp[4096];
	json_t *root;
	char *text = NULL;
	FILE *f = NULL;
	int fd, ret = -1;
	size_t len;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "checkpoint path '%s' is too long", path);
		return -1;
	}
	if (target_ok(path, err, errlen))
		return -1;
	root = document(cp, path, job, err, errlen);
	if (!root)
		return -1;
	text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	len = strlen(text);
	/* mkstemp: a new file of its own (O_CREAT | O_EXCL, 0600), never one someone planted. */
	fd = mkstemp(tmp);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "cannot write checkpoint '%s': %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		goto done;
	}
	if (fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		snprintf(err, errlen, "cannot write checkpoint '%s': %s", path, strerror(errno));
		fclose(f);
		unlink(tmp);
		goto done;
	}
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot write checkpoint '%s': %s", path, strerror(errno));
		unlink(tmp);
		goto done;
	}
	sync_dir_of(path);
	ret = 0;
done:
	free(text);
	return ret;
}

void cli_checkpoint_prune(cli_checkpoint *cp, int64_t before)
{
	const char *key;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(cp->seen, tmp, key, v)
	{
		if (json_integer_value(v) < before)
			json_object_del(cp->seen, key);
	}
}
