/*
 * What the files of the store share: the connection per thread, the statement table, the
 * address dictionary and the helpers around SQLite. Included by the files of src/sim/store/ only.
 */
#ifndef PPS_SIM_STORE_INTERNAL_H
#define PPS_SIM_STORE_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include <sqlite3.h>

#include "sim/match.h"
#include "sim/store.h"

#define SCHEMA_VERSION	  "3"
#define PBKDF2_ITERATIONS 10000
#define SALT_LEN	  16
#define HASH_LEN	  32
#define AUTH_CACHE_SLOTS  64
#define BUSY_TIMEOUT_MS	  10000
/* Page cache per connection (KiB). */
#define NORMAL_CACHE_KIB "65536"
/* Above these, an address query walks the time index instead of sorting the matches. */
#define WANT_MAX_ADDRS 4000
#define WANT_MAX_ROWS  50000

/* The schema (schema.c); the indexes that a bulk load builds at its end come separately. */
extern const char *const store_schema_sql;
extern const char *const store_index_sql;
extern const char *const store_drop_index_sql;

enum stmt_id {
	ST_BEGIN_WRITE,
	ST_BEGIN_READ,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_META_GET,
	ST_META_DEL,
	ST_META_SET,
	ST_ACCT_PUT,
	ST_ACCT_GET,
	ST_ACCT_NAMES,
	ST_FOLDER_PUT,
	ST_FOLDER_GET,
	ST_MSG_OLD,
	ST_MSG_DEL,
	ST_MA_DEL,
	ST_MSG_INS,
	ST_ADDR_FIND,
	ST_ADDR_INS,
	ST_MA_INS,
	ST_ADDR_ALL,
	ST_ADDR_COUNTS,
	ST_MSG_BY_ID,
	ST_MSG_BY_GUID,
	ST_MSG_BY_QID,
	ST_MSG_BY_SID,
	ST_MSG_BY_MID,
	ST_MSG_BY_TIME,
	ST_WANT_CLEAR,
	ST_WANT_ADD,
	ST_MA_BY_WANT,
	ST_Q_PUT,
	ST_Q_SCAN,
	ST_Q_SCAN_ADDR,
	ST_QA_INS,
	ST_QA_CLEAR,
	ST_Q_ID,
	ST_Q_BY_LG,
	ST_Q_BY_GUID,
	ST_Q_BY_ID,
	ST_Q_RAW,
	ST_Q_MOVE,
	ST_Q_DEL,
	ST_Q_STATUS,
	ST_OUT_INS,
	ST_OUT_SCAN,
	ST_USER_PUT,
	ST_USER_GET,
	ST_USER_DEL,
	ST_ANY_MAIL,
	ST__COUNT
};

/* The SQL of each statement (schema.c). */
extern const char *const store_stmt_sql[ST__COUNT];

/* One thread's connection. */
struct conn {
	sim_store *st;
	sqlite3 *db;
	sqlite3_stmt *stmt[ST__COUNT];
	sim_analyzer *analyzer;
	int dict_dirty;	 /* the address dictionary changed inside the open transaction */
	int64_t dict_n0; /* its highest id before the transaction */
	int bulk;	 /* inside sim_store_begin_bulk's transaction */
	int unjournaled; /* that transaction writes without a journal (an empty store) */
	struct conn *next;
};

/* The distinct addresses of Smart Search records, by id, with a hash index and counts. */
struct addr_dict {
	int loaded;
	char **addr;	    /* [id], NULL where no address */
	uint32_t *count[2]; /* [role][id]: rows in msg_addr */
	size_t n;	    /* highest id */
	size_t alloc;
	int64_t *slots; /* open addressing: ids, 0 = empty */
	size_t nslots;	/* a power of two */
};

struct auth_entry {
	char name[128];
	unsigned char pwdigest[HASH_LEN];
	unsigned char salt[SALT_LEN];
	unsigned char hash[HASH_LEN];
	int used;
};

struct sim_store {
	char *path;
	char *marker; /* exists while an unjournaled bulk load is under way */
	int dir_fd;   /* the state directory, locked (flock) while the store is open */
	pthread_key_t key;
	pthread_mutex_t mu; /* guards conns, dict, auth */
	struct conn *conns;
	struct addr_dict dict;
	struct auth_entry auth[AUTH_CACHE_SLOTS];
	size_t auth_next;
	unsigned char dummy_salt[SALT_LEN];
	unsigned char dummy_hash[HASH_LEN];
};

/* conn.c: connections and statement helpers. */
void store_complain(struct conn *c, const char *what);
int store_exec(sqlite3 *db, const char *sql);
/* The calling thread's connection, opened on first use; NULL on failure. */
struct conn *store_conn(sim_store *st);
void store_conn_free(struct conn *c);
void store_conn_release(void *p);
sqlite3_stmt *store_stmt(struct conn *c, enum stmt_id id);
/* Runs a statement with no parameters and no rows. 0 or -1. */
int store_step_plain(struct conn *c, enum stmt_id id);
/* Steps a bound statement expected to finish without rows, then resets it. 0 or -1. */
int store_step_done(struct conn *c, sqlite3_stmt *s);
int store_bind_text(sqlite3_stmt *s, int i, const char *v);
const char *store_col_text(sqlite3_stmt *s, int i);
void store_lower(char *s);

/* open.c: a write transaction unless the caller has one (*own); wtx_end commits or undoes. */
int store_wtx_begin(struct conn *c, int *own);
int store_wtx_end(struct conn *c, int own, int rc);

/* addrdict.c; the caller holds st->mu for all but store_dict_undo. */
void store_dict_clear(struct addr_dict *d);
int64_t store_dict_find(const struct addr_dict *d, const char *address);
int store_dict_set(struct addr_dict *d, int64_t id, const char *address);
int store_dict_load(struct conn *c, struct addr_dict *d);
void store_dict_undo(struct conn *c);

/* messages.c: appends EXPLAIN QUERY PLAN of a statement to out, a step a line. 0 or -1. */
struct ppsbuf;
int store_plan_of(struct conn *c, enum stmt_id id, struct ppsbuf *out);

/* folders.c: the id and type of a folder. 1 found, 0 unknown, -1 error. */
int store_folder_get(struct conn *c, const char *name, int64_t *id, char *type, size_t len);

#endif
