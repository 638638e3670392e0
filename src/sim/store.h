/*
 * The emulator's store: SQLite in WAL mode in the state directory. Every SQL statement of
 * pps-sim lives in src/sim/store/ (the text in schema.c), prepared once per connection, with
 * bound parameters only. A store is shared by all server threads; each thread gets its own
 * connection. The store keeps text and numbers; the API's JSON shapes are the routes' business.
 */
#ifndef PPS_SIM_STORE_H
#define PPS_SIM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/account.h"

typedef struct sim_store sim_store;

/* Opens (creating when needed) <dir>/pps-sim.db. Returns 0, or -1 with a reason in err. */
int sim_store_open(sim_store **out, const char *dir, char *err, size_t errlen);
void sim_store_close(sim_store *st);

/* Groups writes into one transaction. Return 0 or -1. */
int sim_store_begin(sim_store *st);
/* The same for many inserts (fixtures): a large page cache until the end. */
int sim_store_begin_bulk(sim_store *st);
/*
 * The same for the seed: into an empty store with no other connection, it writes without a
 * journal (each page once); a rollback then undoes nothing, and a store whose seed did not
 * commit is discarded at the next open.
 */
int sim_store_begin_seed(sim_store *st);
int sim_store_commit(sim_store *st);
int sim_store_rollback(sim_store *st);

/* Adds or replaces an account; the password is stored salted and hashed (PBKDF2). */
int sim_store_put_account(sim_store *st, const char *name, const char *password, unsigned modules);
/* Checks a name and password in constant time; fills *out. Returns 1 (valid), 0 (invalid), -1. */
int sim_store_check_account(sim_store *st, const char *name, const char *password,
			    sim_account *out);
/* Account names, comma-separated, into buf. Returns 0 or -1. */
int sim_store_account_names(sim_store *st, char *buf, size_t len);

/* Folder types. */
#define SIM_FOLDER_SPAM	 "spam"
#define SIM_FOLDER_VIRUS "virus"
#define SIM_FOLDER_DLP	 "dlp"

/* Adds a quarantine folder, or changes its type. */
int sim_store_put_folder(sim_store *st, const char *name, const char *type);

/*
 * A Smart Search record to store: the values the store indexes, as they are in the record, and
 * the record's complete JSON text as /pss/filter returns it. All borrowed.
 */
typedef struct sim_msg_in {
	const char *guid; /* required */
	int64_t epoch;
	const char *sender;
	const char *rcpts; /* comma, semicolon or space separated */
	const char *qid;
	const char *sid;
	const char *message_id; /* with or without angle brackets */
	const char *host;
	const char *ip;
	const char *action;
	const char *virus;
	const char *attach;
	const char *subject;
	const char *record; /* the JSON text; record_len bytes */
	size_t record_len;
} sim_msg_in;

/* Adds a Smart Search record; one with the GUID of a stored one replaces it. 0 or -1. */
int sim_store_put_message(sim_store *st, const sim_msg_in *m);

/* A quarantined message. */
typedef struct sim_qmsg {
	const char *guid;      /* required, unique */
	const char *localguid; /* required, unique: folder_id:table_id:dbase_id or a cloud GUID */
	const char *folder;    /* required, an existing folder */
	const char *from;
	const char *const *rcpts;
	size_t nrcpts;
	const char *subject;
	int64_t date;	       /* epoch seconds */
	const char *spamscore; /* a number in text */
	const char *host_ip;
	const char *messageid;
	const char *processingserver;
	const char *raw; /* the full RFC 5322 text; size is raw_len */
	size_t raw_len;
	const char *status; /* the messagestatus as JSON text (see sim_qstatus_initial) */
} sim_qmsg;

/* Adds or replaces (by guid) a quarantined message. */
int sim_store_add_quarantine(sim_store *st, const sim_qmsg *m);

/* Adds or replaces (by email, case-insensitive) an end-user profile text. 0 or -1. */
int sim_store_put_user(sim_store *st, const char *email, const char *uid, const char *profile);

/* A key/value note in the store, e.g. what was seeded. value NULL when absent. */
int sim_store_get_meta(sim_store *st, const char *key, char *value, size_t len);
int sim_store_set_meta(sim_store *st, const char *key, const char *value);

/*
 * Queries for the route handlers (added by the store's implementer). Strings in the rows below
 * are borrowed and valid only during the callback.
 */

/* A Smart Search record as a scan sees it: the indexed columns and the stored JSON text. */
typedef struct sim_msg_row {
	int64_t id;
	int64_t epoch;
	const char *guid;
	const char *sender; /* lowercased envelope sender */
	const char *rcpts;  /* lowercased recipients, comma-separated */
	const char *qid;
	const char *sid;
	const char *hdr_mid; /* the Message-ID without angle brackets */
	const char *host;    /* lowercased Sender_Host */
	const char *ip;	     /* lowercased Sender_IP_Address */
	const char *action;  /* Final_Action */
	const char *virus;   /* Virus_Names */
	const char *attach;  /* Attachment_Names */
	const char *terms;   /* the analyzed subject (sim_analyze with query 0) */
	const char *record;  /* the compact JSON record */
	size_t record_len;
} sim_msg_row;

enum { SIM_ROLE_SENDER = 0, SIM_ROLE_RCPT = 1 };

/* What narrows a scan. The callback must still check every condition itself. */
typedef struct sim_msg_scan {
	int64_t from; /* inclusive; INT64_MIN for none */
	int64_t to;   /* exclusive; INT64_MAX for none */
	/* exact keys (NULL = unset); the store may narrow by them */
	const char *guid;
	const char *hdr_mid; /* without angle brackets */
	const char *qid;
	const char *sid;
	/* when set: the store may narrow to messages with an address of addr_role it accepts */
	int (*addr_pred)(void *arg, const char *address);
	void *addr_arg;
	int addr_role;
} sim_msg_scan;

/* 1 to go on, 0 to stop, -1 on error (the scan then returns -1). */
typedef int (*sim_msg_cb)(void *arg, const sim_msg_row *row);

/* Calls cb for candidate records newest first, each once, inside one read snapshot. 0 or -1. */
int sim_store_scan_messages(sim_store *st, const sim_msg_scan *scan, sim_msg_cb cb, void *arg);

/* A quarantined message as a scan or lookup sees it. */
typedef struct sim_qrow {
	int64_t id;
	const char *guid;
	const char *localguid;
	const char *folder;
	const char *folder_type;
	const char *from;
	const char *rcpts; /* the recipients, one per line */
	const char *subject;
	int64_t date;
	const char *spamscore;
	const char *host_ip;
	const char *messageid;
	const char *processingserver;
	const char *status; /* the messagestatus JSON array text */
	int64_t size;	    /* bytes of the raw message */
} sim_qrow;

typedef int (*sim_qrow_cb)(void *arg, const sim_qrow *row);

/* The type of a folder into type (at least 8 bytes). 1 found, 0 unknown, -1 error. */
int sim_store_folder_type(sim_store *st, const char *name, char *type, size_t len);
/* What a quarantine search asks for; the store filters with match.c's rules before any row
 * reaches the callback. */
typedef struct sim_qscan {
	const char *folder;
	int64_t start, end;  /* start <= date <= end */
	const char *from;    /* NULL: any (sim_qaddr_match) */
	const char *rcpt;    /* NULL: any; any recipient may match */
	const char *subject; /* NULL: any (sim_qsubject_match) */
	long limit;
} sim_qscan;

/* The matching messages newest first, at most limit, until cb returns 0. 1, 0 unknown folder,
 * or -1. */
int sim_store_scan_quarantine(sim_store *st, const sim_qscan *q, sim_qrow_cb cb, void *arg);
/* The message of a localguid, or else of a guid: cb is called once when found. 1 found,
 * 0 unknown, -1 error. */
int sim_store_quarantine_lookup(sim_store *st, const char *localguid_or_guid, sim_qrow_cb cb,
				void *arg);
/* The message of a row id (sim_qrow.id). 1 found, 0 unknown, -1 error. */
int sim_store_quarantine_by_id(sim_store *st, int64_t id, sim_qrow_cb cb, void *arg);
/* The raw message of a guid, malloc'd into *out (NUL-terminated). 1 found, 0 unknown, -1. */
int sim_store_quarantine_raw(sim_store *st, const char *guid, char **out, size_t *len);
/* Moves a message (by row id) to a folder. 0 or -1. */
int sim_store_quarantine_move(sim_store *st, int64_t id, const char *folder);
/* Removes a message (by row id). 0 or -1. */
int sim_store_quarantine_delete(sim_store *st, int64_t id);
/* Replaces the messagestatus JSON array text of a message. 0 or -1. */
int sim_store_quarantine_set_status(sim_store *st, int64_t id, const char *status);

/* Appends an outbox entry (a JSON object's text); its id into *id. 0 or -1. */
int sim_store_outbox_add(sim_store *st, const char *entry, int64_t *id);
/* Outbox entries with id > since in id order: cb(arg, id, JSON text). 0 or -1. */
int sim_store_outbox_scan(sim_store *st, int64_t since,
			  int (*cb)(void *arg, int64_t id, const char *entry), void *arg);

/* The profile text of an email (case-insensitive) or uid, malloc'd into *out. 1, 0, -1. */
int sim_store_get_user(sim_store *st, const char *email_or_uid, char **out);
/* Removes the user of an email (case-insensitive) or uid. 1 removed, 0 unknown, -1. */
int sim_store_delete_user(sim_store *st, const char *email_or_uid);

/*
 * Parses a time parameter of the route handlers (store_params.c): ISO-8601 with Z, +HHMM or
 * +HH:MM (no zone = UTC), also "YYYY-MM-DD hh:mm:ss"; a '+' that arrived as a space because a
 * client did not escape it ("2021-02-08T08:12:30 0500") is taken as '+'. 0 or -1.
 */
int sim_parse_when(const char *s, int64_t *epoch);

/* The query plan (EXPLAIN QUERY PLAN, one step a line) of the statements a Smart Search scan
 * would run, into buf. 0 or -1. For the tests that no filter scans the whole table. */
int sim_store_scan_plan(sim_store *st, const sim_msg_scan *scan, char *buf, size_t len);
/* The same for the quarantine search. */
int sim_store_qscan_plan(sim_store *st, char *buf, size_t len);

#endif
