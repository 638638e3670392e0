/*
 * The journal of a bulk run: opened safely before anything is sent, read back to resume (the
 * fold of its lines is jstates.c's), appended to with fsync; and the signals that stop a run
 * between batches. Sends nothing.
 */
#include "cli/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/sanitize.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/sha256.h"

#include "util/banned.h"

/* ------------------------------------------------------------------ the job */

static const char *str_of(const json_t *obj, const char *name)
{
	const json_t *v = json_object_get(obj, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *cli_journal_string(const char *s)
{
	ppsbuf b = PPSBUF_INIT;
	json_t *v;

	if (!s)
		return NULL;
	v = json_string(s);
	if (v || cli_utf8_lossy(&b, s, strlen(s)))
		goto done;
	v = json_string(b.buf);
done:
	ppsbuf_release(&b);
	return v;
}

void cli_journal_job(char hex[65], json_t **args_out, const cli_command *cmd, const cli_args *args)
{
	json_t *obj = json_object();
	ppsbuf raw = PPSBUF_INIT;
	int bad = ppsbuf_adds(&raw, cmd->name) || ppsbuf_addch(&raw, '\0');

	/* The digest is of the bytes as given (NUL-separated), the object a readable copy. */
	for (size_t i = 0; cmd->args[i].name; i++) {
		if (!strcmp(cmd->args[i].name, "local_guid") || !args->value[i])
			continue;
		bad |= ppsbuf_adds(&raw, cmd->args[i].name) || ppsbuf_addch(&raw, '\0') ||
		       ppsbuf_adds(&raw, args->value[i]) || ppsbuf_addch(&raw, '\0');
		if (obj && json_object_set_new(obj, cmd->args[i].name,
					       cli_journal_string(args->value[i]))) {
			json_decref(obj);
			obj = NULL;
		}
	}
	/* Out of memory: a digest no journal holds, so that nothing is resumed by mistake. */
	if (bad)
		memset(hex, '0', 64), hex[64] = '\0';
	else
		sha256_hex(raw.buf, raw.len, hex);
	ppsbuf_release(&raw);
	*args_out = obj;
}

/* ------------------------------------------------------------------ the file */

static int read_all(int fd, ppsbuf *b)
{
	char chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (ppsbuf_add(b, chunk, (size_t)n)) {
			errno = ENOMEM;
			return -1;
		}
	}
}

/* A non-empty file that is no journal: refused, never overwritten. Returns 2. */
static int no_journal(const cli_journal *j, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "the report '%s' is not empty and holds no journal: pps never overwrites a file; "
		 "give a new --report file (a report of an older pps is input: local_guid=@%s)",
		 j->path, j->path);
	return 2;
}

/*
 * Reads an earlier journal in text[0..len): the first line must be the start of job; every
 * complete line is folded into j->states. *keep is set to the length of the complete lines (a
 * torn last line, from a kill during a write, is cut off). Returns 0 or the exit status.
 */
static int read_journal(cli_journal *j, const char *text, size_t len, const char *job,
			const char *action, size_t *keep, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	size_t lineno = 0;

	*keep = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		json_t *line;

		if (!nl)
			break; /* torn: cut off */
		lineno++;
		line = json_loadb(p, (size_t)(nl - p), 0, NULL);
		if (lineno == 1) {
			const char *ev = line ? str_of(line, "event") : NULL;
			const char *jb = line ? str_of(line, "job") : NULL;
			const char *cmd = line ? str_of(line, "command") : NULL;

			if (!ev || strcmp(ev, "start") != 0 || !jb) {
				json_decref(line);
				return no_journal(j, err, errlen);
			}
			if (strcmp(jb, job) != 0) {
				snprintf(err, errlen,
					 "the report '%s' is the journal of another job (%s with "
					 "other arguments): give a new --report file, or the "
					 "command that wrote it",
					 j->path, cmd ? cmd : "another command");
				json_decref(line);
				return 2;
			}
		}
		if (!json_is_object(line)) {
			json_decref(line);
			snprintf(err, errlen,
				 "the journal '%s' is damaged at line %zu (not a JSON object): "
				 "check it by hand; pps does not guess what was sent",
				 j->path, lineno);
			return 2;
		}
		if (cli_jstates_add(&j->states, line, action)) {
			json_decref(line);
			snprintf(err, errlen, "out of memory");
			return 1;
		}
		json_decref(line);
		p = nl + 1;
		*keep = (size_t)(p - text);
	}
	if (lineno == 0 && len) {
		return no_journal(j, err, errlen);
	}
	if (cli_jstates_finish(&j->states)) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	return 0;
}

/* Opens path safely: no symbolic link, no FIFO (which would block), a regular file. */
static int open_file(cli_journal *j, int readonly, char *err, size_t errlen)
{
	int flags = (readonly ? O_RDONLY : O_RDWR | O_APPEND) | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	struct stat st;

	char folder[4096];

	/* The folders a new journal goes into are made (0700, as the journal's own mode). */
	if (!readonly && fs_make_parents(j->path, 0700, folder, sizeof(folder))) {
		snprintf(err, errlen, "cannot create the folder '%s' of the report '%s': %s",
			 folder, j->path, strerror(errno));
		return 1;
	}
	/* A new journal is created exclusively; an existing one (to resume) is opened as it is. */
	j->fd = readonly ? -1 : open(j->path, flags | O_CREAT | O_EXCL, 0600);
	if (j->fd < 0 && (readonly || errno == EEXIST))
		j->fd = open(j->path, flags);
	if (j->fd < 0) {
		if (readonly && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot use the report '%s': %s", j->path,
			 errno == ELOOP ? "it is a symbolic link (the journal is never written "
					  "through one)"
					: strerror(errno));
		return 2;
	}
	if (fstat(j->fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen,
			 "cannot use the report '%s': not a regular file (the journal "
			 "must be a file that can be read back and synced)",
			 j->path);
		return 2;
	}
	if (!readonly) {
		/* Two runs of one job at once would each send what the other has not journaled. */
		struct flock lk;

		memset(&lk, 0, sizeof(lk));
		lk.l_type = F_WRLCK;
		lk.l_whence = SEEK_SET;
		if (fcntl(j->fd, F_SETLK, &lk) < 0) {
			snprintf(err, errlen,
				 "the report '%s' is the journal of a run still going (it is "
				 "locked): wait for it to end, or give another --report file",
				 j->path);
			return 2;
		}
	}
	flags = fcntl(j->fd, F_GETFL);
	if (flags < 0 || fcntl(j->fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		snprintf(err, errlen, "cannot use the report '%s': %s", j->path, strerror(errno));
		return 2;
	}
	return 0;
}

int cli_journal_open(cli_journal *j, const char *path, const char *job, const char *action,
		     const char *cluster, json_t *start, int readonly, char *err, size_t errlen)
{
	ppsbuf text = PPSBUF_INIT;
	size_t keep = 0;
	int rc;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->path = path;
	j->cluster = cluster;
	rc = open_file(j, readonly, err, errlen);
	if (rc || j->fd < 0)
		goto done;
	if (read_all(j->fd, &text)) {
		snprintf(err, errlen, "cannot read the report '%s': %s", path, strerror(errno));
		rc = 2;
		goto done;
	}
	if (text.len) {
		rc = read_journal(j, text.buf, text.len, job, action, &keep, err, errlen);
		if (rc)
			goto done;
		j->resumed = 1;
	}
	j->next_batch = j->states.max_batch + 1;
	if (readonly)
		goto done;
	if (keep < text.len && ftruncate(j->fd, (off_t)keep)) {
		snprintf(err, errlen, "cannot cut the torn last line of '%s': %s", path,
			 strerror(errno));
		rc = 1;
		goto done;
	}
	if (json_object_set_new(start, "event", json_string("start")) ||
	    json_object_set_new(start, "job", json_string(job))) {
		snprintf(err, errlen, "out of memory");
		rc = 1;
		goto done;
	}
	/* The start line proves that the file takes writes, before anything is sent. */
	if (cli_journal_write(j, &start, 1, 1)) {
		snprintf(err, errlen, "cannot write the report '%s': %s; nothing was sent", path,
			 strerror(j->write_errno));
		/* Leave the file as it was: a torn first line would block every later run. */
		if (ftruncate(j->fd, (off_t)keep)) {
			/* Nothing more can be done about it; the error above stands. */
		}
		rc = 1;
	}
done:
	ppsbuf_release(&text);
	if (rc) {
		if (j->fd >= 0)
			close(j->fd);
		j->fd = -1;
		cli_jstates_release(&j->states);
	}
	return rc;
}

int cli_journal_write(cli_journal *j, json_t *const *lines, size_t n, int sync)
{
	ppsbuf b = PPSBUF_INIT;
	int rc = 0;

	if (j->fd < 0 || j->write_errno)
		return -1;
	for (size_t i = 0; i < n && !rc; i++) {
		char *s;

		if (j->cluster &&
		    json_object_set_new(lines[i], "cluster", cli_journal_string(j->cluster)))
			rc = -1;
		s = rc ? NULL : json_dumps(lines[i], JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (!s || ppsbuf_adds(&b, s) || ppsbuf_addch(&b, '\n'))
			rc = -1;
		free(s);
	}
	if (rc) {
		j->write_errno = ENOMEM;
	} else if (fs_write_all(j->fd, b.buf, b.len) || (sync && fsync(j->fd))) {
		j->write_errno = errno ? errno : EIO;
		rc = -1;
	}
	ppsbuf_release(&b);
	return rc;
}

int cli_journal_close(cli_journal *j)
{
	int rc = 0;

	if (j->fd >= 0 && close(j->fd))
		rc = -1;
	j->fd = -1;
	cli_jstates_release(&j->states);
	return rc;
}

/* ------------------------------------------------------------------ stopping */

static volatile sig_atomic_t stop_sig;
static int stop_depth;
static const int stop_signals[] = { SIGHUP, SIGINT, SIGPIPE, SIGTERM };
#define NSTOP (sizeof(stop_signals) / sizeof(stop_signals[0]))
static struct sigaction stop_saved[NSTOP];

static void on_stop(int sig)
{
	stop_sig = sig;
}

void cli_stop_begin(void)
{
	struct sigaction sa;

	if (stop_depth++)
		return;
	stop_sig = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < NSTOP; i++) {
		/* SIGPIPE: the failed write says it (EPIPE), libcurl's sockets too. */
		struct sigaction ign = sa;

		ign.sa_handler = SIG_IGN;
		sigaction(stop_signals[i], stop_signals[i] == SIGPIPE ? &ign : &sa, &stop_saved[i]);
		/* A signal the caller chose to ignore (a background job, nohup) stays ignored. */
		if (stop_saved[i].sa_handler == SIG_IGN)
			sigaction(stop_signals[i], &stop_saved[i], NULL);
	}
}

void cli_stop_end(void)
{
	if (!stop_depth || --stop_depth)
		return;
	for (size_t i = 0; i < NSTOP; i++)
		sigaction(stop_signals[i], &stop_saved[i], NULL);
}

int cli_stop_signal(void)
{
	return stop_sig;
}

void cli_stop_request(int sig)
{
	stop_sig = sig;
}
