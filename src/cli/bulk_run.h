/*
 * The state of one bulk run, shared by the files of the bulk action alone (bulk.c plans and runs
 * the batches, bulk_send.c sends each, bulk_entries.c reads and checks the entries, bulk_report.c
 * writes the journal, the report and the counts). Not for other commands.
 */
#ifndef PPS_CLI_BULK_RUN_H
#define PPS_CLI_BULK_RUN_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/bulk.h"
#include "cli/cli.h"
#include "cli/guidlist.h"
#include "cli/journal.h"
#include "cli/lists.h"

/*
 * After this many batches in a row get no usable answer (not sent, throttled to the end, answer
 * lost, 5xx) the server is taken for gone: the rest is not sent.
 */
#define FAILS_TO_STOP 3

enum outcome { OUT_PENDING, OUT_DONE, OUT_INVALID, OUT_REFUSED, OUT_UNKNOWN, OUT_NOT_SENT };

/* The outcomes' names, by enum outcome (a pending entry was not sent). */
extern const char *const cli_bulk_outcome_name[];

/* The GUIDs of one folder, as indexes of their (first) entries. */
struct group {
	const char *folder; /* borrowed from an entry or the arguments */
	size_t *idx;
	size_t n;
	size_t alloc;
};

struct run {
	cli_ctx *ctx;
	const cli_args *args;
	const char *folder_arg; /* folder_name, or NULL */
	cli_guidlist list;
	enum outcome *out; /* per entry */
	size_t *msg;	   /* per entry: 1 + index in msgs, or 0 */
	int *status;	   /* per entry: the exit status its failure stands for */
	cli_strlist msgs;  /* the messages entries point to */
	struct group *groups;
	size_t ngroups;
	size_t unique; /* distinct valid GUIDs: the messages to act on */
	size_t invalid;
	size_t requests;
	size_t failed_requests;
	json_t *batches; /* -o json: one object per request sent */
	int stop_status; /* the exit status of the failure that stopped the run */
	int write_failed;
	int stdout_failed;   /* standard output could not be written: the run stops */
	int verbose_batches; /* name batches in messages: several, a list read, a split */
	int isolating;	     /* split refused batches */
	int split;	     /* the last span was refused whole and split */
	/* The journal (--report) and what earlier runs did. */
	cli_journal journal;
	int have_journal;
	cli_jstates given;	/* the journal or report lines given as input */
	long next_batch;	/* the id of the next batch */
	long *batch_id;		/* per entry: the batch it was sent in, or 0 */
	unsigned char *written; /* per entry: its outcome line is in the journal */
	unsigned char *earlier; /* per entry: enum cli_jstate of an earlier run (not sent) */
	size_t earlier_done;	/* messages done by an earlier run */
	size_t earlier_unknown; /* messages unknown since an earlier run, not sent again */
	size_t retried;		/* unknown messages sent again (--retry-unknown) */
	/* The audit trail (audit.h): the last request's answer, and an outcome not recorded. */
	long last_http;
	char *last_message;
	int audit_lost;
};

enum step { STEP_NEXT, STEP_STOP_AUTH, STEP_STOP_NET, STEP_FATAL };

/* bulk.c: a copy of text kept as a message; returns 1 + its index, or 0 (memory). */
size_t cli_bulk_keep_message(struct run *r, const char *text);
/* Entry i's folder: its own, else folder_name. */
const char *cli_bulk_folder_of(const struct run *r, size_t i);
/* The first GUID of span s. */
const char *cli_bulk_span_first(const struct run *r, const cli_span *s);
/* bulk_send.c: sets the outcome of every entry of span s. */
void cli_bulk_set_span(struct run *r, const cli_span *s, enum outcome o, size_t msg, int status);
/* Span s's GUIDs joined with commas (malloc'd), or NULL (memory). */
char *cli_bulk_span_join(const struct run *r, const cli_span *s);
/*
 * Sends span s as the run's next batch between its journal lines: the intent, fsync'd before the
 * request leaves, and after the answer the entries' outcomes (or a split: refused whole, its
 * halves queued). A journal that cannot be written stops the run (STEP_FATAL).
 */
/*
 * bulk_audit.c: span s's intent in the audit file, before it is sent: -1 when it cannot be
 * written (said on stderr; the span is then not_sent and the run stops). Then its outcome,
 * after the answer (r->split: refused whole): -1 when it cannot be written (said;
 * r->audit_lost is set and the run exits 8).
 */
struct cli_audit_id;
int cli_bulk_audit_intent(struct run *r, const cli_span *s, struct cli_audit_id *id);
int cli_bulk_audit_outcome(struct run *r, const cli_span *s, const struct cli_audit_id *id);

enum step cli_bulk_send_span(struct run *r, cli_batcher *b, pps_quarantine_action_req *req,
			     const cli_span *s, int *net_fails);

/*
 * bulk_entries.c, in the order a run calls them; each returns 0 or an exit status after its
 * message (build_groups: 0 or -1 on memory). load_entries returns CLI_BULK_EMPTY when the input
 * read from stdin or a file held no entry (said): the run ends there with 0.
 */
#define CLI_BULK_EMPTY (-1)
int cli_bulk_load_entries(struct run *r);
int cli_bulk_check_forms(struct run *r);
int cli_bulk_check_folders(struct run *r);
/* Groups what is to be sent; what an earlier run did (the journal, the input) is left out. */
int cli_bulk_build_groups(struct run *r);
void cli_bulk_report_invalid(struct run *r);
/* Names what an earlier run did on stderr: each unknown message, to be checked. */
void cli_bulk_report_earlier(struct run *r);
/* 1 to go on, 0 when a terminal's confirmation was refused. */
int cli_bulk_confirmed(struct run *r);

/* bulk_report.c: opens --report as the journal (journal.h). 0 or an exit status. */
int cli_bulk_open_journal(struct run *r);
/*
 * The journal's lines, each call fsync'd; 0, or -1 after saying once that the journal cannot be
 * written (the run stops): the outcomes of the entries known before sending (invalid, by an
 * earlier run); of every entry not journaled yet; of entries idx[0..n); a batch's intent or
 * split line; the run's end line.
 */
int cli_bulk_journal_known(struct run *r);
int cli_bulk_journal_rest(struct run *r);
int cli_bulk_journal_lines(struct run *r, const size_t *idx, size_t n);
int cli_bulk_journal_batch(struct run *r, const cli_span *s, long id, const char *event,
			   long http_status, const char *message);
void cli_bulk_journal_end(struct run *r, int status, const size_t count[6]);
/*
 * The answer line of batch id: the server's whole text (http_status, message), written once
 * when the entries' lines carry it cut short. 0, or -1 when the journal failed.
 */
int cli_bulk_journal_answer(struct run *r, long id, long http_status, const char *message);
/*
 * The server's answer to a batch of n GUIDs as an entry's line and the screen say it: the
 * batch's GUID list (joined, as sent) in text replaced with "<n GUIDs of batch id>"; text
 * itself when it does not hold the list or n < 2. malloc'd, or NULL (memory).
 */
char *cli_bulk_short_answer(const char *text, const char *joined, size_t n, long id);
/* The outcome line of every entry to f (-o ndjson). 0 or -1. */
int cli_bulk_write_report(const struct run *r, FILE *f);
/* Counts the entries per enum outcome. */
void cli_bulk_totals(const struct run *r, size_t count[6]);
/* -o json: the one document. 0 or -1. */
int cli_bulk_print_document(struct run *r, const size_t count[6]);
/* The exit status (docs/exit-codes.md, Bulk actions). */
int cli_bulk_final_status(const struct run *r, const size_t count[6]);
/* The one-line count on stderr; after a stop, the line naming the first GUID not sent. */
void cli_bulk_summary(const struct run *r, const size_t count[6]);
void cli_bulk_not_sent_line(const struct run *r, const cli_batcher *b, const char *why);

#endif
