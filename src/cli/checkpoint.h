/*
 * The checkpoint file of --follow and --all: how far a job got, written atomically (a
 * temporary file, fsync, rename) so that a job killed at any moment resumes from a whole one.
 * It knows its job (the command, a digest of the filters, the window) and refuses another's.
 */
#ifndef PPS_CLI_CHECKPOINT_H
#define PPS_CLI_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

struct json_t;

typedef struct cli_checkpoint {
	int resumed; /* 1: read from an existing file */
	/* --follow: every record older than high_water - the overlap has been printed. */
	int64_t high_water;
	/* --follow: the ids of every record printed since kept_from are in seen. */
	int64_t kept_from;
	/* --follow: id -> instant of the records printed within the overlap and the late sweep;
	 * --all: the ids printed in the boundary second. Owned. */
	struct json_t *seen;
	/* --all: the walk's next request ends at `to` (has_to 0: open), `bound` is the second
	 * whose ids are in seen (has_bound 0: none); done 1 when the walk was finished. */
	int64_t to, bound;
	int has_to, has_bound, done;
	size_t part;		    /* --all: the folder being walked (quarantine) */
	size_t parts;		    /* --all: how many folders the job walks */
	unsigned long long printed; /* records printed so far, over every run */
	int64_t overfull;	    /* --all: a second found crowded past the cap (0: none) */
	/* The job, set by the caller before load and save. */
	char digest[65];       /* of the command and its filters (cli_walk_digest) */
	int64_t from, end;     /* --all: the window [from, end] (has_end 0: open); --follow: from
				  is the start the first run was given, kept across runs */
	int has_end;	       /* --all */
	int follow;	       /* 1: a --follow checkpoint (the window is from alone) */
	const char *cluster;   /* several clusters: whose position this is; NULL: one cluster */
	long long output_size; /* --output: the file's length when saved; -1: not kept */
} cli_checkpoint;

/* Initialises an empty checkpoint whose high water is high_water. 0, or -1 out of memory. */
int cli_checkpoint_init(cli_checkpoint *cp, int64_t high_water);
void cli_checkpoint_release(cli_checkpoint *cp);

/*
 * Reads path into cp when it exists (cp->resumed = 1 when it holds a position for
 * cp->cluster); a missing file leaves cp as it is. job names what wrote it ("smart-search
 * --follow"); a file of another job, of other filters (cp->digest) or of another window
 * (cp->from, cp->end), a hand-edited position outside the window, or a path that is not a
 * regular file is refused. Returns 0, -1 for a file of another job or position, or -2 for one
 * that cannot be read (a symlink, not a regular file, not JSON), with a one-line reason in err.
 */
int cli_checkpoint_load(cli_checkpoint *cp, const char *path, const char *job, char *err,
			size_t errlen);
/*
 * Writes cp to path atomically (with cp->cluster set, only that cluster's position changes).
 * A symlink or anything but a regular file at path is refused. Returns 0, or -1 with a
 * one-line reason in err.
 */
int cli_checkpoint_save(const cli_checkpoint *cp, const char *path, const char *job, char *err,
			size_t errlen);
/* Forgets the --follow ids of records older than before. */
void cli_checkpoint_prune(cli_checkpoint *cp, int64_t before);

#endif
