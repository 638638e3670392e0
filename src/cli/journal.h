/*
 * The journal of a bulk run (--report FILE): one NDJSON file, appended to and fsync'd, that says
 * which batches left and what came back, so that a run that dies is resumed, never repeated;
 * the signals that end a run between batches. docs/output.md describes the lines.
 */
#ifndef PPS_CLI_JOURNAL_H
#define PPS_CLI_JOURNAL_H

#include <stddef.h>

struct json_t;
struct cli_command;
struct cli_args;

/* What a journal (or a report fed back as input) says of one message. */
enum cli_jstate {
	CLI_JSTATE_NONE,    /* never sent, or certainly not carried out: send it */
	CLI_JSTATE_UNKNOWN, /* sent, the answer lost (or no answer journaled): check it first */
	CLI_JSTATE_DONE	    /* carried out: never send it again */
};

/*
 * The fold of journal lines into one state per (cluster, folder, GUID). Lines are added in the
 * order they were written, then cli_jstates_finish() folds them; zeroed or CLI_JSTATES_INIT.
 */
typedef struct cli_jstates {
	struct cli_jslot *v;
	size_t n;
	size_t alloc;
	size_t seq;
	long max_batch; /* the highest batch id seen, or 0 */
} cli_jstates;

#define CLI_JSTATES_INIT         \
	{                        \
		NULL, 0, 0, 0, 0 \
	}

void cli_jstates_release(cli_jstates *st);
/*
 * Adds one line (a parsed JSON object; anything else is ignored) when it is a journal or report
 * line of action: an intent (its batch's GUIDs were sent), a split (its batch refused whole and
 * sent again in parts), an outcome (done, unknown, or another: not carried out). A report line
 * without an "event" field counts as an outcome. Returns 0 or -1 (memory).
 */
int cli_jstates_add(cli_jstates *st, const struct json_t *line, const char *action);
/* Parses text[0..len) as JSON and adds it; a line that is no JSON object is ignored. 0 or -1. */
int cli_jstates_add_text(cli_jstates *st, const char *text, size_t len, const char *action);
/*
 * Folds the lines added: per message, done stays done; an intent with no outcome of its batch
 * is unknown; a later intent replaces an unknown (--retry-unknown). Returns 0 or -1 (memory).
 */
int cli_jstates_finish(cli_jstates *st);
/*
 * The state of GUID in folder on cluster (NULL: no cluster named). A line without a cluster,
 * or a run without one, matches any: a journal never lets a message be sent twice.
 */
enum cli_jstate cli_jstates_get(const cli_jstates *st, const char *cluster, const char *folder,
				const char *guid);

/* An open journal. */
typedef struct cli_journal {
	int fd;		     /* -1 when none is open */
	const char *path;    /* borrowed */
	const char *cluster; /* borrowed; tagged on every line, or NULL */
	int resumed;	     /* the file held an earlier run's journal of this job */
	int write_errno;     /* the first write failure, or 0 */
	long next_batch;     /* the id of the next batch */
	cli_jstates states;  /* what the earlier runs in the file did */
} cli_journal;

/*
 * A JSON string of s (a new reference; NULL for NULL or out of memory): text that is not UTF-8
 * (a Latin-1 input line, a server's plain body) gets U+FFFD for each bad byte, so that a line
 * can always be written.
 */
struct json_t *cli_journal_string(const char *s);

/*
 * The job of a run, as a digest of the command and every argument but local_guid (64 hex
 * digits and a NUL into hex) and an object naming them (a new reference into *args_out, or
 * NULL when out of memory).
 */
void cli_journal_job(char hex[65], struct json_t **args_out, const struct cli_command *cmd,
		     const struct cli_args *args);

/*
 * Opens path as the journal of job (action's) on cluster, before anything is sent: created with
 * mode 0600 (O_EXCL), never through a symbolic link (O_NOFOLLOW), only a regular file. A file that
 * holds an earlier journal of the same job is resumed (its torn last line cut off) and its states
 * read; any other non-empty file is refused, never overwritten. start (an object; "event", "job"
 * and "cluster" are set here) is written and fsync'd to prove that the file takes writes. With
 * readonly, a missing file is no error and nothing is written (--dry-run). Returns 0, or the exit
 * status with a one-line reason in err (2: the file cannot be the journal; 1: it cannot be
 * written).
 */
int cli_journal_open(cli_journal *j, const char *path, const char *job, const char *action,
		     const char *cluster, struct json_t *start, int readonly, char *err,
		     size_t errlen);
/*
 * Appends the lines (objects; "cluster" is set on each) and, with sync, fsyncs. After a failure
 * nothing more is written and -1 is returned (write_errno says why). 0 or -1.
 */
int cli_journal_write(cli_journal *j, struct json_t *const *lines, size_t n, int sync);
/* Closes the journal; -1 when closing reported a write error. */
int cli_journal_close(cli_journal *j);

/*
 * The signals that end a run (HUP, INT, PIPE, TERM) are caught from cli_stop_begin() to the
 * matching cli_stop_end() (calls nest): a run stops between batches. SIGPIPE is ignored and a
 * failed write to standard output stops the run instead. A signal the caller ignores stays
 * ignored.
 */
void cli_stop_begin(void);
void cli_stop_end(void);
/* The signal that asked the run to stop, or 0. */
int cli_stop_signal(void);
/* Asks the run to stop as a signal would (standard output closed). */
void cli_stop_request(int sig);

#endif
