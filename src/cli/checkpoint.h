/*
 * The checkpoint file of --follow and --all: how far a job got, written atomically (a
 * temporary file, fsync, rename) so that a job killed at any moment resumes from a whole one.
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
	/* --follow: id -> instant of the records printed within the overlap;
	 * --all: the ids printed in the boundary second. Owned. */
	struct json_t *seen;
	/* --all: the walk's next request ends at `to` (has_to 0: open), `bound` is the second
	 * whose ids are in seen (has_bound 0: none); done 1 when the walk was finished. */
	int64_t to, bound;
	int has_to, has_bound, done;
	size_t part;		    /* --all: the folder being walked (quarantine) */
	unsigned long long printed; /* records printed so far, over every run */
} cli_checkpoint;

/* Initialises an empty checkpoint whose high water is high_water. 0, or -1 out of memory. */
int cli_checkpoint_init(cli_checkpoint *cp, int64_t high_water);
void cli_checkpoint_release(cli_checkpoint *cp);

/*
 * Reads path into cp when it exists (cp->resumed = 1); a missing file leaves cp as it is.
 * job names what wrote it ("smart-search --follow"); a file of another job is refused.
 * Returns 0, or -1 with a one-line reason in err.
 */
int cli_checkpoint_load(cli_checkpoint *cp, const char *path, const char *job, char *err,
			size_t errlen);
/* Writes cp to path atomically. Returns 0, or -1 with a one-line reason in err. */
int cli_checkpoint_save(const cli_checkpoint *cp, const char *path, const char *job, char *err,
			size_t errlen);
/* Forgets the --follow ids of records older than before. */
void cli_checkpoint_prune(cli_checkpoint *cp, int64_t before);

#endif
