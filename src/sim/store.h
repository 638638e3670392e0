/*
 * The emulator's store: SQLite in WAL mode in the state directory. Every SQL statement of
 * pps-sim lives in store.c, prepared once per connection, with bound parameters only.
 * A store is shared by all server threads; each thread gets its own connection inside store.c.
 */
#ifndef PPS_SIM_STORE_H
#define PPS_SIM_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

typedef struct sim_store sim_store;

/* Opens (creating when needed) <dir>/pps-sim.db. Returns 0, or -1 with a reason in err. */
int sim_store_open(sim_store **out, const char *dir, char *err, size_t errlen);
void sim_store_close(sim_store *st);

/* Groups many inserts into one transaction (seeding, fixtures). Return 0 or -1. */
int sim_store_begin(sim_store *st);
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
 * Adds a Smart Search record. record is the complete record as /pss/filter returns it (the API's
 * field names; every field present; "Date" already in the wire form
 * "YYYY-MM-DD hh:mm:ss [UTC-0600]"); epoch is its instant. The record is borrowed.
 * A record with the GUID of a stored one replaces it.
 */
int sim_store_add_message(sim_store *st, const struct json_t *record, int64_t epoch);

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
	const char *spamscore; /* a string, as on-premise servers send it */
	const char *host_ip;
	const char *messageid;
	const char *processingserver;
	const char *raw; /* the full RFC 5322 text; size is raw_len */
	size_t raw_len;
} sim_qmsg;

/* Adds or replaces (by guid) a quarantined message. */
int sim_store_add_quarantine(sim_store *st, const sim_qmsg *m);

/* Adds or replaces (by email) an end-user profile; the profile (borrowed) has the seed's fields. */
int sim_store_add_user(sim_store *st, const struct json_t *profile);

/* A key/value note in the store, e.g. what was seeded. value NULL when absent. */
int sim_store_get_meta(sim_store *st, const char *key, char *value, size_t len);
int sim_store_set_meta(sim_store *st, const char *key, const char *value);

#endif
