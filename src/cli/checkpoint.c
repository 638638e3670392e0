/*
 * The checkpoint file of --follow and --all (see checkpoint.h). JSON through jansson; written
 * to a temporary file beside the target, fsync'd, renamed over it, and the folder fsync'd.
 */
#include "cli/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/timeutil.h"

#include "util/banned.h"

#define CHECKPOINT_FORMAT 1

int cli_checkpoint_init(cli_checkpoint *cp, int64_t high_water)
{
	memset(cp, 0, sizeof(*cp));
	cp->high_water = high_water;
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

int cli_checkpoint_load(cli_checkpoint *cp, const char *path, const char *job, char *err,
			size_t errlen)
{
	json_error_t je;
	json_t *root, *seen;
	const char *key;
	json_t *v;
	int64_t n;
	int ret = -1;

	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, errlen, "cannot read checkpoint '%s': %s", path, je.text);
		return -1;
	}
	if (get_int(root, "pps_checkpoint", &n) || n != CHECKPOINT_FORMAT) {
		snprintf(err, errlen, "'%s' is not a pps checkpoint (format %d)", path,
			 CHECKPOINT_FORMAT);
		goto done;
	}
	v = json_object_get(root, "job");
	if (!json_is_string(v) || strcmp(json_string_value(v), job) != 0) {
		snprintf(err, errlen, "checkpoint '%s' belongs to '%s', not to '%s'", path,
			 json_is_string(v) ? json_string_value(v) : "?", job);
		goto done;
	}
	seen = json_object_get(root, "seen");
	if (get_int(root, "high_water", &cp->high_water) || get_int(root, "to", &cp->to) ||
	    get_int(root, "bound", &cp->bound) || !json_is_object(seen)) {
		snprintf(err, errlen, "checkpoint '%s' is damaged: remove it to start over", path);
		goto done;
	}
	cp->has_to = json_is_true(json_object_get(root, "has_to"));
	cp->has_bound = json_is_true(json_object_get(root, "has_bound"));
	cp->done = json_is_true(json_object_get(root, "done"));
	if (!get_int(root, "part", &n) && n >= 0)
		cp->part = (size_t)n;
	if (!get_int(root, "printed", &n) && n > 0)
		cp->printed = (unsigned long long)n;
	json_object_clear(cp->seen);
	json_object_foreach(seen, key, v)
	{
		if (!json_is_integer(v) || json_object_set(cp->seen, key, v)) {
			snprintf(err, errlen, "checkpoint '%s' is damaged: remove it to start over",
				 path);
			goto done;
		}
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
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

int cli_checkpoint_save(const cli_checkpoint *cp, const char *path, const char *job, char *err,
			size_t errlen)
{
	char tmp[4096], when[32];
	json_t *root;
	char *text = NULL;
	FILE *f = NULL;
	int fd = -1, ret = -1;
	size_t len;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "checkpoint path '%s' is too long", path);
		return -1;
	}
	tu_format_utc(cp->high_water, when, sizeof(when));
	root = json_pack("{si ss ss sI sI sb sI sb sb sI sI sO}", "pps_checkpoint",
			 CHECKPOINT_FORMAT, "job", job, "high_water_utc", when, "high_water",
			 (json_int_t)cp->high_water, "to", (json_int_t)cp->to, "has_to", cp->has_to,
			 "bound", (json_int_t)cp->bound, "has_bound", cp->has_bound, "done",
			 cp->done, "part", (json_int_t)cp->part, "printed", (json_int_t)cp->printed,
			 "seen", cp->seen);
	if (root)
		text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(root);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	len = strlen(text);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "cannot write checkpoint '%s': %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto done;
	}
	if (fwrite(text, 1, len, f) != len || fputc('\n', f) == EOF || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		snprintf(err, errlen, "cannot write checkpoint '%s': %s", tmp, strerror(errno));
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
