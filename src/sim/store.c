/*
 * The emulator's store: every SQL statement of pps-sim, one SQLite connection per thread,
 * statements prepared once per connection, bound parameters only. No HTTP and no matching rules.
 */
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <jansson.h>
#include <sqlite3.h>

#include "sim/match.h"
#include "sim/store.h"
#include "util/buf.h"
#include "util/timeutil.h"

#include "util/banned.h"

#define SCHEMA_VERSION	  "1"
#define PBKDF2_ITERATIONS 10000
#define SALT_LEN	  16
#define HASH_LEN	  32
#define AUTH_CACHE_SLOTS  64
#define BUSY_TIMEOUT_MS	  10000
/*
 * Page cache per connection. A bulk transaction (seeding a million records) gets a large one so
 * that index pages are not spilled to the WAL again and again; it is given back at its end.
 */
#define NORMAL_CACHE_KIB "65536"
#define BULK_CACHE_KIB	 "4194304"
/* Above these, an address query walks the time index instead of sorting the matches. */
#define WANT_MAX_ADDRS 4000
#define WANT_MAX_ROWS  50000

static const char *const schema_sql =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS account(name TEXT PRIMARY KEY, salt BLOB NOT NULL,"
	" iterations INTEGER NOT NULL, hash BLOB NOT NULL, modules INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS folder(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" type TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS msg(id INTEGER PRIMARY KEY, guid TEXT NOT NULL UNIQUE,"
	" epoch INTEGER NOT NULL, sender TEXT NOT NULL, rcpts TEXT NOT NULL, qid TEXT NOT NULL,"
	" sid TEXT NOT NULL, hdr_mid TEXT NOT NULL, host TEXT NOT NULL, ip TEXT NOT NULL,"
	" action TEXT NOT NULL, virus TEXT NOT NULL, attach TEXT NOT NULL, terms TEXT NOT NULL,"
	" record TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS msg_epoch ON msg(epoch);"
	"CREATE TABLE IF NOT EXISTS addr(id INTEGER PRIMARY KEY, address TEXT NOT NULL UNIQUE);"
	"CREATE TABLE IF NOT EXISTS msg_addr(addr_id INTEGER NOT NULL, role INTEGER NOT NULL,"
	" epoch INTEGER NOT NULL, msg_id INTEGER NOT NULL,"
	" PRIMARY KEY(addr_id, role, epoch, msg_id)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS qmsg(id INTEGER PRIMARY KEY, guid TEXT NOT NULL UNIQUE,"
	" localguid TEXT NOT NULL UNIQUE, folder_id INTEGER NOT NULL REFERENCES folder(id),"
	" sender TEXT NOT NULL, rcpts TEXT NOT NULL, subject TEXT NOT NULL, date INTEGER NOT NULL,"
	" spamscore TEXT NOT NULL, host_ip TEXT NOT NULL, messageid TEXT NOT NULL,"
	" processingserver TEXT NOT NULL, raw BLOB NOT NULL, status TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS qmsg_folder ON qmsg(folder_id, date);"
	"CREATE TABLE IF NOT EXISTS outbox(id INTEGER PRIMARY KEY, entry TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS enduser(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE,"
	" uid TEXT NOT NULL, profile TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS enduser_uid ON enduser(uid);";

#define MSG_COLS                                                                             \
	"SELECT id, epoch, guid, sender, rcpts, qid, sid, hdr_mid, host, ip, action, virus," \
	" attach, terms, record FROM msg "
#define Q_COLS                                                                                    \
	"SELECT q.id, q.guid, q.localguid, f.name, f.type, q.sender, q.rcpts, q.subject, q.date," \
	" q.spamscore, q.host_ip, q.messageid, q.processingserver, q.status, length(q.raw)"       \
	" FROM qmsg q JOIN folder f ON f.id = q.folder_id "

enum stmt_id {
	ST_BEGIN_WRITE,
	ST_CACHE_BULK,
	ST_CACHE_NORMAL,
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
	ST_MSG_BY_TIME,
	ST_WANT_CLEAR,
	ST_WANT_ADD,
	ST_MA_BY_WANT,
	ST_Q_PUT,
	ST_Q_SCAN,
	ST_Q_BY_LG,
	ST_Q_RAW,
	ST_Q_MOVE,
	ST_Q_DEL,
	ST_Q_STATUS,
	ST_OUT_INS,
	ST_OUT_SCAN,
	ST_USER_PUT,
	ST_USER_GET,
	ST_USER_DEL,
	ST__COUNT
};

static const char *const stmt_sql[ST__COUNT] = {
	[ST_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[ST_CACHE_BULK] = "PRAGMA cache_size=-" BULK_CACHE_KIB,
	[ST_CACHE_NORMAL] = "PRAGMA cache_size=-" NORMAL_CACHE_KIB,
	[ST_BEGIN_READ] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_DEL] = "DELETE FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2)"
			" ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[ST_ACCT_PUT] = "INSERT INTO account(name, salt, iterations, hash, modules)"
			" VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(name) DO UPDATE SET"
			" salt = excluded.salt, iterations = excluded.iterations,"
			" hash = excluded.hash, modules = excluded.modules",
	[ST_ACCT_GET] = "SELECT salt, iterations, hash, modules FROM account WHERE name = ?1",
	[ST_ACCT_NAMES] = "SELECT name FROM account ORDER BY name",
	[ST_FOLDER_PUT] = "INSERT INTO folder(name, type) VALUES(?1, ?2)"
			  " ON CONFLICT(name) DO UPDATE SET type = excluded.type",
	[ST_FOLDER_GET] = "SELECT id, type FROM folder WHERE name = ?1",
	[ST_MSG_OLD] = "SELECT id, epoch, sender, rcpts FROM msg WHERE guid = ?1",
	[ST_MSG_DEL] = "DELETE FROM msg WHERE id = ?1",
	[ST_MA_DEL] = "DELETE FROM msg_addr WHERE addr_id = ?1 AND role = ?2 AND epoch = ?3"
		      " AND msg_id = ?4",
	[ST_MSG_INS] = "INSERT INTO msg(guid, epoch, sender, rcpts, qid, sid, hdr_mid, host, ip,"
		       " action, virus, attach, terms, record)"
		       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[ST_ADDR_FIND] = "SELECT id FROM addr WHERE address = ?1",
	[ST_ADDR_INS] = "INSERT INTO addr(address) VALUES(?1)",
	[ST_MA_INS] = "INSERT OR IGNORE INTO msg_addr(addr_id, role, epoch, msg_id)"
		      " VALUES(?1, ?2, ?3, ?4)",
	[ST_ADDR_ALL] = "SELECT id, address FROM addr",
	[ST_ADDR_COUNTS] = "SELECT addr_id, role, count(*) FROM msg_addr GROUP BY addr_id, role",
	[ST_MSG_BY_ID] = MSG_COLS "WHERE id = ?1",
	[ST_MSG_BY_GUID] = MSG_COLS "WHERE guid = ?1 AND epoch >= ?2 AND epoch < ?3",
	[ST_MSG_BY_TIME] = MSG_COLS "WHERE epoch >= ?2 AND epoch < ?3 ORDER BY epoch DESC, id DESC",
	[ST_WANT_CLEAR] = "DELETE FROM temp.want",
	[ST_WANT_ADD] = "INSERT OR IGNORE INTO temp.want(id) VALUES(?1)",
	[ST_MA_BY_WANT] = "SELECT msg_id FROM msg_addr WHERE addr_id IN (SELECT id FROM temp.want)"
			  " AND role = ?1 AND epoch >= ?2 AND epoch < ?3"
			  " ORDER BY epoch DESC, msg_id DESC",
	[ST_Q_PUT] = "INSERT INTO qmsg(guid, localguid, folder_id, sender, rcpts, subject, date,"
		     " spamscore, host_ip, messageid, processingserver, raw, status)"
		     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
		     " ON CONFLICT(guid) DO UPDATE SET localguid = excluded.localguid,"
		     " folder_id = excluded.folder_id, sender = excluded.sender,"
		     " rcpts = excluded.rcpts, subject = excluded.subject, date = excluded.date,"
		     " spamscore = excluded.spamscore, host_ip = excluded.host_ip,"
		     " messageid = excluded.messageid,"
		     " processingserver = excluded.processingserver, raw = excluded.raw,"
		     " status = excluded.status",
	[ST_Q_SCAN] = Q_COLS "WHERE q.folder_id = ?1 AND q.date >= ?2 AND q.date <= ?3"
			     " ORDER BY q.date DESC, q.id DESC",
	[ST_Q_BY_LG] = Q_COLS "WHERE q.localguid = ?1",
	[ST_Q_RAW] = "SELECT raw FROM qmsg WHERE guid = ?1",
	[ST_Q_MOVE] = "UPDATE qmsg SET folder_id = ?2 WHERE id = ?1",
	[ST_Q_DEL] = "DELETE FROM qmsg WHERE id = ?1",
	[ST_Q_STATUS] = "UPDATE qmsg SET status = ?2 WHERE id = ?1",
	[ST_OUT_INS] = "INSERT INTO outbox(entry) VALUES(?1)",
	[ST_OUT_SCAN] = "SELECT id, entry FROM outbox WHERE id > ?1 ORDER BY id",
	[ST_USER_PUT] = "INSERT INTO enduser(email, uid, profile) VALUES(?1, ?2, ?3)"
			" ON CONFLICT(email) DO UPDATE SET uid = excluded.uid,"
			" profile = excluded.profile",
	[ST_USER_GET] = "SELECT profile FROM enduser WHERE email = ?1 OR uid = ?2"
			" ORDER BY email = ?1 DESC, id LIMIT 1",
	[ST_USER_DEL] = "DELETE FROM enduser WHERE id = (SELECT id FROM enduser"
			" WHERE email = ?1 OR uid = ?2 ORDER BY email = ?1 DESC, id LIMIT 1)",
};

/* One thread's connection. */
struct conn {
	sim_store *st;
	sqlite3 *db;
	sqlite3_stmt *stmt[ST__COUNT];
	sim_analyzer *analyzer;
	int dict_dirty;	 /* the address dictionary changed inside the open transaction */
	int64_t dict_n0; /* its highest id before the transaction */
	int bulk;	 /* inside sim_store_begin's transaction, with the large cache */
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
	pthread_key_t key;
	pthread_mutex_t mu; /* guards conns, dict, auth */
	struct conn *conns;
	struct addr_dict dict;
	struct auth_entry auth[AUTH_CACHE_SLOTS];
	size_t auth_next;
	unsigned char dummy_salt[SALT_LEN];
	unsigned char dummy_hash[HASH_LEN];
};

static void db_complain(struct conn *c, const char *what)
{
	fprintf(stderr, "pps-sim: store: %s: %s\n", what, sqlite3_errmsg(c->db));
}

static void conn_free(struct conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(c->stmt[i]);
	sqlite3_close(c->db);
	sim_analyzer_free(c->analyzer);
	free(c);
}

/* Thread exit: the thread's connection goes away with it. */
static void conn_release(void *p)
{
	struct conn *c = p;
	sim_store *st = c->st;

	pthread_mutex_lock(&st->mu);
	for (struct conn **pp = &st->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	pthread_mutex_unlock(&st->mu);
	conn_free(c);
}

static int exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "pps-sim: store: %s\n", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static struct conn *conn_open(sim_store *st)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->st = st;
	if (sqlite3_open_v2(st->path, &c->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	/*
	 * Large pages suit kilobyte-sized records (no effect once the file exists). WAL: readers
	 * never block the writer, and a kill -9 never corrupts the file.
	 */
	if (exec_sql(c->db,
		     "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		     " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
		     " PRAGMA cache_size=-" NORMAL_CACHE_KIB ";"
		     " CREATE TEMP TABLE IF NOT EXISTS want(id INTEGER PRIMARY KEY);") < 0)
		goto fail;
	return c;
fail:
	if (c->db)
		fprintf(stderr, "pps-sim: store: %s: %s\n", st->path, sqlite3_errmsg(c->db));
	conn_free(c);
	return NULL;
}

/* The calling thread's connection, opened on first use. */
static struct conn *conn_get(sim_store *st)
{
	struct conn *c = pthread_getspecific(st->key);

	if (c)
		return c;
	c = conn_open(st);
	if (!c)
		return NULL;
	if (pthread_setspecific(st->key, c) != 0) {
		conn_free(c);
		return NULL;
	}
	pthread_mutex_lock(&st->mu);
	c->next = st->conns;
	st->conns = c;
	pthread_mutex_unlock(&st->mu);
	return c;
}

static sqlite3_stmt *stmt(struct conn *c, enum stmt_id id)
{
	if (!c->stmt[id] && sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
					       &c->stmt[id], NULL) != SQLITE_OK) {
		db_complain(c, stmt_sql[id]);
		return NULL;
	}
	return c->stmt[id];
}

/* Runs a statement with no parameters and no rows. 0 or -1. */
static int step_plain(struct conn *c, enum stmt_id id)
{
	sqlite3_stmt *s = stmt(c, id);
	int rc;

	if (!s)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		db_complain(c, stmt_sql[id]);
		return -1;
	}
	return 0;
}

/* Steps a bound statement expected to finish without rows, then resets it. 0 or -1. */
static int step_done(struct conn *c, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		db_complain(c, sqlite3_sql(s));
		return -1;
	}
	return 0;
}

static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

/* ---------------------------------------------------------------- address dictionary */

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static void dict_clear(struct addr_dict *d)
{
	for (size_t i = 0; i <= d->n && d->addr; i++)
		free(d->addr[i]);
	free(d->addr);
	free(d->count[0]);
	free(d->count[1]);
	free(d->slots);
	memset(d, 0, sizeof(*d));
}

static int64_t dict_find(const struct addr_dict *d, const char *address)
{
	size_t mask, i;

	if (!d->nslots)
		return 0;
	mask = d->nslots - 1;
	for (i = str_hash(address) & mask; d->slots[i]; i = (i + 1) & mask)
		if (strcmp(d->addr[d->slots[i]], address) == 0)
			return d->slots[i];
	return 0;
}

static void dict_slot_put(struct addr_dict *d, int64_t id)
{
	size_t mask = d->nslots - 1, i;

	for (i = str_hash(d->addr[id]) & mask; d->slots[i]; i = (i + 1) & mask)
		;
	d->slots[i] = id;
}

/* Makes room for ids up to id and keeps the hash at most half full. 0 or -1. */
static int dict_reserve(struct addr_dict *d, size_t id)
{
	if (id >= d->alloc) {
		size_t na = d->alloc ? d->alloc : 1024;

		while (na <= id)
			na *= 2;
		char **a = realloc(d->addr, na * sizeof(*a));
		if (!a)
			return -1;
		d->addr = a;
		for (int r = 0; r < 2; r++) {
			uint32_t *cnt = realloc(d->count[r], na * sizeof(*cnt));
			if (!cnt)
				return -1;
			d->count[r] = cnt;
		}
		memset(d->addr + d->alloc, 0, (na - d->alloc) * sizeof(*d->addr));
		memset(d->count[0] + d->alloc, 0, (na - d->alloc) * sizeof(uint32_t));
		memset(d->count[1] + d->alloc, 0, (na - d->alloc) * sizeof(uint32_t));
		d->alloc = na;
	}
	if ((id + 1) * 2 > d->nslots) {
		size_t ns = d->nslots ? d->nslots * 2 : 2048;

		while ((id + 1) * 2 > ns)
			ns *= 2;
		int64_t *slots = calloc(ns, sizeof(*slots));
		if (!slots)
			return -1;
		free(d->slots);
		d->slots = slots;
		d->nslots = ns;
		for (size_t i = 1; i <= d->n; i++)
			if (d->addr[i])
				dict_slot_put(d, (int64_t)i);
	}
	return 0;
}

static int dict_set(struct addr_dict *d, int64_t id, const char *address)
{
	char *copy;

	if (id <= 0 || dict_reserve(d, (size_t)id) < 0)
		return -1;
	copy = strdup(address);
	if (!copy)
		return -1;
	free(d->addr[id]);
	d->addr[id] = copy;
	if ((size_t)id > d->n)
		d->n = (size_t)id;
	dict_slot_put(d, id);
	return 0;
}

/* Loads the dictionary from the database; the caller holds st->mu. 0 or -1. */
static int dict_load(struct conn *c, struct addr_dict *d)
{
	sqlite3_stmt *s;
	int rc, ret = -1;

	if (d->loaded)
		return 0;
	dict_clear(d);
	s = stmt(c, ST_ADDR_ALL);
	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (dict_set(d, sqlite3_column_int64(s, 0), col_text(s, 1)) < 0)
			goto done;
	if (rc != SQLITE_DONE)
		goto done;
	sqlite3_reset(s);
	s = stmt(c, ST_ADDR_COUNTS);
	if (!s)
		goto done;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		int role = sqlite3_column_int(s, 1);

		if (id > 0 && (size_t)id <= d->n && (role == 0 || role == 1))
			d->count[role][id] = (uint32_t)sqlite3_column_int64(s, 2);
	}
	if (rc != SQLITE_DONE)
		goto done;
	d->loaded = 1;
	ret = 0;
done:
	if (s)
		sqlite3_reset(s);
	if (ret < 0) {
		db_complain(c, "loading addresses");
		dict_clear(d);
	}
	return ret;
}

/*
 * Forgets the addresses of a rolled-back transaction: those with ids above the highest id
 * before it (the transaction held the write lock, so nobody else added any meanwhile). Row
 * counts stay as they were: they only choose a query strategy.
 */
static void dict_undo(struct conn *c)
{
	sim_store *st = c->st;
	struct addr_dict *d = &st->dict;

	if (!c->dict_dirty)
		return;
	c->dict_dirty = 0;
	pthread_mutex_lock(&st->mu);
	if (d->loaded && c->dict_n0 >= 0 && (size_t)c->dict_n0 < d->n) {
		for (size_t i = (size_t)c->dict_n0 + 1; i <= d->n; i++) {
			free(d->addr[i]);
			d->addr[i] = NULL;
			d->count[0][i] = 0;
			d->count[1][i] = 0;
		}
		d->n = (size_t)c->dict_n0;
		memset(d->slots, 0, d->nslots * sizeof(*d->slots));
		for (size_t i = 1; i <= d->n; i++)
			if (d->addr[i])
				dict_slot_put(d, (int64_t)i);
	}
	pthread_mutex_unlock(&st->mu);
}

/* ---------------------------------------------------------------- open, close, transactions */

static char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static int ensure_dir(const char *dir)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

int sim_store_open(sim_store **out, const char *dir, char *err, size_t errlen)
{
	sim_store *st = NULL;
	struct conn *c;
	char version[32];
	int rc, ret = -1;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (ensure_dir(dir) < 0) {
		snprintf(err, errlen, "cannot create state directory '%s': %s", dir,
			 strerror(errno));
		free(st);
		return -1;
	}
	if (pthread_key_create(&st->key, conn_release) != 0) {
		snprintf(err, errlen, "cannot create a thread key");
		free(st);
		return -1;
	}
	pthread_mutex_init(&st->mu, NULL);
	st->path = path_join(dir, "pps-sim.db");
	if (!st->path) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if (gnutls_rnd(GNUTLS_RND_NONCE, st->dummy_salt, sizeof(st->dummy_salt)) < 0 ||
	    gnutls_rnd(GNUTLS_RND_NONCE, st->dummy_hash, sizeof(st->dummy_hash)) < 0) {
		snprintf(err, errlen, "no random numbers");
		goto done;
	}
	c = conn_get(st);
	if (!c) {
		snprintf(err, errlen, "cannot open '%s'", st->path);
		goto done;
	}
	if (exec_sql(c->db, "BEGIN IMMEDIATE") < 0) {
		snprintf(err, errlen, "cannot lock '%s': %s", st->path, sqlite3_errmsg(c->db));
		goto done;
	}
	if (exec_sql(c->db, schema_sql) < 0) {
		snprintf(err, errlen, "cannot create the schema in '%s': %s", st->path,
			 sqlite3_errmsg(c->db));
		exec_sql(c->db, "ROLLBACK");
		goto done;
	}
	rc = sim_store_get_meta(st, "schema_version", version, sizeof(version));
	if (rc == 0 && version[0] == '\0')
		rc = sim_store_set_meta(st, "schema_version", SCHEMA_VERSION);
	else if (rc == 0 && strcmp(version, SCHEMA_VERSION) != 0) {
		snprintf(err, errlen, "'%s' has schema version %s, expected %s", st->path, version,
			 SCHEMA_VERSION);
		exec_sql(c->db, "ROLLBACK");
		goto done;
	}
	if (rc < 0 || exec_sql(c->db, "COMMIT") < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", st->path, sqlite3_errmsg(c->db));
		exec_sql(c->db, "ROLLBACK");
		goto done;
	}
	/* Reading the address dictionary now spares the first address query a cold start. */
	pthread_mutex_lock(&st->mu);
	rc = dict_load(c, &st->dict);
	pthread_mutex_unlock(&st->mu);
	if (rc < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", st->path, sqlite3_errmsg(c->db));
		goto done;
	}
	*out = st;
	st = NULL;
	ret = 0;
done:
	if (st)
		sim_store_close(st);
	return ret;
}

void sim_store_close(sim_store *st)
{
	struct conn *c, *next;

	if (!st)
		return;
	/* Deleting the key first means no thread-exit destructor runs for it afterwards. */
	pthread_key_delete(st->key);
	for (c = st->conns; c; c = next) {
		next = c->next;
		conn_free(c);
	}
	dict_clear(&st->dict);
	pthread_mutex_destroy(&st->mu);
	free(st->path);
	free(st);
}

int sim_store_begin(sim_store *st)
{
	struct conn *c = conn_get(st);

	if (!c || step_plain(c, ST_BEGIN_WRITE) < 0)
		return -1;
	c->dict_dirty = 0;
	c->bulk = 1;
	return step_plain(c, ST_CACHE_BULK);
}

/* Gives the bulk transaction's cache back. */
static void end_bulk(struct conn *c)
{
	if (!c->bulk)
		return;
	c->bulk = 0;
	step_plain(c, ST_CACHE_NORMAL);
	sqlite3_db_release_memory(c->db);
	/* The pages SQLite freed stay in the C library's heap unless they are handed back: a
	 * seeded store would otherwise keep the bulk cache resident (1.8 GB after 1,000,000). */
	malloc_trim(0);
}

int sim_store_commit(sim_store *st)
{
	struct conn *c = conn_get(st);

	if (!c || step_plain(c, ST_COMMIT) < 0)
		return -1;
	c->dict_dirty = 0;
	end_bulk(c);
	return 0;
}

int sim_store_rollback(sim_store *st)
{
	struct conn *c = conn_get(st);
	int rc;

	if (!c)
		return -1;
	rc = sqlite3_get_autocommit(c->db) ? 0 : step_plain(c, ST_ROLLBACK);
	/* Addresses added in the undone transaction must leave the in-memory dictionary too. */
	dict_undo(c);
	end_bulk(c);
	return rc;
}

/*
 * Starts a write transaction unless the caller has one; *own says whether it is ours.
 * wtx_end commits ours on success and undoes it on failure; a failure inside the caller's
 * transaction is the caller's to roll back.
 */
static int wtx_begin(struct conn *c, int *own)
{
	*own = sqlite3_get_autocommit(c->db);
	if (*own) {
		c->dict_dirty = 0;
		return step_plain(c, ST_BEGIN_WRITE);
	}
	return 0;
}

static int wtx_end(struct conn *c, int own, int rc)
{
	if (!own)
		return rc;
	if (rc == 0 && step_plain(c, ST_COMMIT) == 0) {
		c->dict_dirty = 0;
		return 0;
	}
	if (!sqlite3_get_autocommit(c->db))
		step_plain(c, ST_ROLLBACK);
	dict_undo(c);
	return -1;
}

/* ---------------------------------------------------------------- meta */

/* Fills value ("" when absent). 0 or -1. */
int sim_store_get_meta(sim_store *st, const char *key, char *value, size_t len)
{
	struct conn *c = conn_get(st);
	sqlite3_stmt *s;
	int rc, ret = -1;

	if (len)
		value[0] = '\0';
	if (!c || !(s = stmt(c, ST_META_GET)) || bind_text(s, 1, key) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		snprintf(value, len, "%s", col_text(s, 0));
		ret = 0;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		db_complain(c, "reading meta");
	}
	sqlite3_reset(s);
	return ret;
}

/* Sets a key; value NULL removes it. 0 or -1. */
int sim_store_set_meta(sim_store *st, const char *key, const char *value)
{
	struct conn *c = conn_get(st);
	sqlite3_stmt *s;

	if (!c)
		return -1;
	s = stmt(c, value ? ST_META_SET : ST_META_DEL);
	if (!s || bind_text(s, 1, key) < 0 || (value && bind_text(s, 2, value) < 0))
		return -1;
	return step_done(c, s);
}

/* ---------------------------------------------------------------- accounts */

static int pbkdf2(const char *password, const unsigned char *salt, unsigned iterations,
		  unsigned char *out)
{
	size_t plen = strlen(password);
	unsigned char *pw = malloc(plen + 1);
	unsigned char saltcopy[SALT_LEN];
	gnutls_datum_t key, sd;
	int rc;

	if (!pw)
		return -1;
	/* gnutls_datum_t wants writable pointers; hand it copies rather than cast const away. */
	memcpy(pw, password, plen + 1);
	memcpy(saltcopy, salt, SALT_LEN);
	key.data = pw;
	key.size = (unsigned)plen;
	sd.data = saltcopy;
	sd.size = SALT_LEN;
	rc = gnutls_pbkdf2(GNUTLS_MAC_SHA256, &key, &sd, iterations, out, HASH_LEN);
	gnutls_memset(pw, 0, plen);
	free(pw);
	return rc < 0 ? -1 : 0;
}

/* Compares without an early exit so that the time taken does not depend on the contents. */
static int ct_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
	unsigned char diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

int sim_store_put_account(sim_store *st, const char *name, const char *password, unsigned modules)
{
	struct conn *c = conn_get(st);
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	sqlite3_stmt *s;

	if (!c || gnutls_rnd(GNUTLS_RND_NONCE, salt, sizeof(salt)) < 0 ||
	    pbkdf2(password, salt, PBKDF2_ITERATIONS, hash) < 0)
		return -1;
	s = stmt(c, ST_ACCT_PUT);
	if (!s || bind_text(s, 1, name) < 0 ||
	    sqlite3_bind_blob(s, 2, salt, SALT_LEN, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int(s, 3, PBKDF2_ITERATIONS) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 4, hash, HASH_LEN, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 5, (sqlite3_int64)modules) != SQLITE_OK)
		return -1;
	return step_done(c, s);
}

/* The cached verification of (name, digest of password) for this stored salt and hash. */
static int auth_cached(sim_store *st, const char *name, const unsigned char *digest,
		       const unsigned char *salt, const unsigned char *hash)
{
	int hit = 0;

	pthread_mutex_lock(&st->mu);
	for (size_t i = 0; i < AUTH_CACHE_SLOTS; i++) {
		const struct auth_entry *e = &st->auth[i];

		if (e->used && strcmp(e->name, name) == 0 &&
		    ct_equal(e->pwdigest, digest, HASH_LEN) &&
		    memcmp(e->salt, salt, SALT_LEN) == 0 && memcmp(e->hash, hash, HASH_LEN) == 0)
			hit = 1;
	}
	pthread_mutex_unlock(&st->mu);
	return hit;
}

static void auth_remember(sim_store *st, const char *name, const unsigned char *digest,
			  const unsigned char *salt, const unsigned char *hash)
{
	struct auth_entry *e;

	pthread_mutex_lock(&st->mu);
	e = &st->auth[st->auth_next];
	st->auth_next = (st->auth_next + 1) % AUTH_CACHE_SLOTS;
	snprintf(e->name, sizeof(e->name), "%s", name);
	memcpy(e->pwdigest, digest, HASH_LEN);
	memcpy(e->salt, salt, SALT_LEN);
	memcpy(e->hash, hash, HASH_LEN);
	e->used = 1;
	pthread_mutex_unlock(&st->mu);
}

int sim_store_check_account(sim_store *st, const char *name, const char *password, sim_account *out)
{
	struct conn *c = conn_get(st);
	unsigned char salt[SALT_LEN], hash[HASH_LEN], got[HASH_LEN], digest[HASH_LEN];
	unsigned iterations = PBKDF2_ITERATIONS;
	unsigned modules = 0;
	int known = 0, rc, ret = -1;
	sqlite3_stmt *s;

	memset(out, 0, sizeof(*out));
	memcpy(salt, st->dummy_salt, SALT_LEN);
	memcpy(hash, st->dummy_hash, HASH_LEN);
	if (!c || !(s = stmt(c, ST_ACCT_GET)) || bind_text(s, 1, name) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 0) == SALT_LEN &&
	    sqlite3_column_bytes(s, 2) == HASH_LEN && strlen(name) < sizeof(out->name)) {
		memcpy(salt, sqlite3_column_blob(s, 0), SALT_LEN);
		iterations = (unsigned)sqlite3_column_int(s, 1);
		memcpy(hash, sqlite3_column_blob(s, 2), HASH_LEN);
		modules = (unsigned)sqlite3_column_int(s, 3);
		known = 1;
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_complain(c, "reading an account");
		sqlite3_reset(s);
		return -1;
	}
	sqlite3_reset(s);
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, password, strlen(password), digest) < 0)
		return -1;
	if (known && auth_cached(st, name, digest, salt, hash)) {
		ret = 1;
		goto done;
	}
	/* An unknown name costs the same PBKDF2 as a known one, against the dummy hash. */
	if (pbkdf2(password, salt, iterations, got) < 0)
		return -1;
	ret = ct_equal(got, hash, HASH_LEN) & known;
	if (ret)
		auth_remember(st, name, digest, salt, hash);
done:
	if (ret == 1) {
		snprintf(out->name, sizeof(out->name), "%s", name);
		out->modules = modules;
	}
	return ret;
}

int sim_store_account_names(sim_store *st, char *buf, size_t len)
{
	struct conn *c = conn_get(st);
	ppsbuf names = PPSBUF_INIT;
	sqlite3_stmt *s;
	int rc, ret = -1;

	if (len)
		buf[0] = '\0';
	if (!c || !(s = stmt(c, ST_ACCT_NAMES)))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((names.len && ppsbuf_addch(&names, ',') < 0) ||
		    ppsbuf_adds(&names, col_text(s, 0)) < 0)
			goto done;
	if (rc != SQLITE_DONE) {
		db_complain(c, "listing accounts");
		goto done;
	}
	if (names.len >= len)
		goto done;
	memcpy(buf, names.buf, names.len + 1);
	ret = 0;
done:
	sqlite3_reset(s);
	ppsbuf_release(&names);
	return ret;
}

/* ---------------------------------------------------------------- folders */

int sim_store_put_folder(sim_store *st, const char *name, const char *type)
{
	struct conn *c = conn_get(st);
	sqlite3_stmt *s;

	if (!c || !(s = stmt(c, ST_FOLDER_PUT)) || bind_text(s, 1, name) < 0 ||
	    bind_text(s, 2, type) < 0)
		return -1;
	return step_done(c, s);
}

/* The id and type of a folder. 1 found, 0 unknown, -1 error. */
static int folder_get(struct conn *c, const char *name, int64_t *id, char *type, size_t len)
{
	sqlite3_stmt *s = stmt(c, ST_FOLDER_GET);
	int rc, ret = -1;

	if (!s || bind_text(s, 1, name) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (id)
			*id = sqlite3_column_int64(s, 0);
		if (type)
			snprintf(type, len, "%s", col_text(s, 1));
		ret = 1;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		db_complain(c, "reading a folder");
	}
	sqlite3_reset(s);
	return ret;
}

int sim_store_folder_type(sim_store *st, const char *name, char *type, size_t len)
{
	struct conn *c = conn_get(st);

	return c ? folder_get(c, name, NULL, type, len) : -1;
}

/* ---------------------------------------------------------------- Smart Search records */

static const char *rec_str(const json_t *record, const char *key)
{
	const char *v = json_string_value(json_object_get(record, key));

	return v ? v : "";
}

static void lower_in_place(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* The recipients, trimmed and lowercased, joined by commas; malloc'd or NULL. */
static char *norm_rcpts(const char *list)
{
	ppsbuf b = PPSBUF_INIT;
	const char *p = list;

	while (*p) {
		const char *start, *end;

		while (*p == ',' || *p == ';' || isspace((unsigned char)*p))
			p++;
		start = p;
		while (*p && *p != ',' && *p != ';' && !isspace((unsigned char)*p))
			p++;
		end = p;
		if (end > start && ((b.len && ppsbuf_addch(&b, ',') < 0) ||
				    ppsbuf_add(&b, start, (size_t)(end - start)) < 0)) {
			ppsbuf_release(&b);
			return NULL;
		}
	}
	lower_in_place(b.buf);
	return ppsbuf_detach(&b, NULL);
}

/* The Message-ID without its angle brackets; malloc'd or NULL. */
static char *strip_angles(const char *mid)
{
	size_t n = strlen(mid);
	char *out;

	if (n >= 2 && mid[0] == '<' && mid[n - 1] == '>') {
		mid++;
		n -= 2;
	}
	out = malloc(n + 1);
	if (out) {
		memcpy(out, mid, n);
		out[n] = '\0';
	}
	return out;
}

/* The id of an address in the table, inserting it when absent. 0 or -1. */
static int addr_lookup(struct conn *c, const char *address, int64_t *id)
{
	sqlite3_stmt *s = stmt(c, ST_ADDR_FIND);
	int rc;

	if (!s || bind_text(s, 1, address) < 0)
		return -1;
	rc = sqlite3_step(s);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_complain(c, "finding an address");
		return -1;
	}
	if (*id)
		return 0;
	s = stmt(c, ST_ADDR_INS);
	if (!s || bind_text(s, 1, address) < 0 || step_done(c, s) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(c->db);
	return 0;
}

/* Adds or removes (delta -1) one msg_addr row and keeps the dictionary in step. 0 or -1. */
static int addr_link(struct conn *c, const char *address, int role, int64_t epoch, int64_t msg_id,
		     int delta)
{
	sim_store *st = c->st;
	struct addr_dict *d = &st->dict;
	int64_t id;
	int ret = -1;
	sqlite3_stmt *s;

	if (!*address)
		return 0;
	pthread_mutex_lock(&st->mu);
	ret = dict_load(c, d);
	id = ret < 0 ? 0 : dict_find(d, address);
	pthread_mutex_unlock(&st->mu);
	if (ret < 0)
		return -1;
	ret = -1;
	if (!id && delta > 0) {
		/* New to the dictionary; the table may still have it (the writer sees it all). */
		if (addr_lookup(c, address, &id) < 0)
			return -1;
		pthread_mutex_lock(&st->mu);
		if (!c->dict_dirty) {
			c->dict_dirty = 1;
			c->dict_n0 = (int64_t)d->n;
		}
		ret = dict_set(d, id, address);
		pthread_mutex_unlock(&st->mu);
		if (ret < 0)
			return -1;
		ret = -1;
	}
	if (!id)
		return 0;
	s = stmt(c, delta > 0 ? ST_MA_INS : ST_MA_DEL);
	if (!s || sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, role) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, epoch) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, msg_id) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) != SQLITE_DONE) {
		db_complain(c, "linking an address");
		goto done;
	}
	if (sqlite3_changes(c->db) > 0) {
		pthread_mutex_lock(&st->mu);
		if (d->loaded && (size_t)id <= d->n) {
			if (delta > 0)
				d->count[role][id]++;
			else if (d->count[role][id])
				d->count[role][id]--;
		}
		pthread_mutex_unlock(&st->mu);
	}
	ret = 0;
done:
	sqlite3_reset(s);
	return ret;
}

/* Links (or unlinks) the sender and every recipient of a record. 0 or -1. */
static int addr_link_all(struct conn *c, const char *sender, const char *rcpts, int64_t epoch,
			 int64_t msg_id, int delta)
{
	const char *p = rcpts;
	char one[512];

	if (addr_link(c, sender, SIM_ROLE_SENDER, epoch, msg_id, delta) < 0)
		return -1;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);

		if (n && n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			if (addr_link(c, one, SIM_ROLE_RCPT, epoch, msg_id, delta) < 0)
				return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Removes the record of a guid, if any. 0 or -1. */
static int remove_message(struct conn *c, const char *guid)
{
	sqlite3_stmt *s = stmt(c, ST_MSG_OLD), *del;
	int64_t id, epoch;
	char *sender = NULL, *rcpts = NULL;
	int rc, ret = -1;

	if (!s || bind_text(s, 1, guid) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		db_complain(c, "reading a record");
		sqlite3_reset(s);
		return -1;
	}
	id = sqlite3_column_int64(s, 0);
	epoch = sqlite3_column_int64(s, 1);
	sender = strdup(col_text(s, 2));
	rcpts = strdup(col_text(s, 3));
	sqlite3_reset(s);
	if (!sender || !rcpts || addr_link_all(c, sender, rcpts, epoch, id, -1) < 0)
		goto done;
	del = stmt(c, ST_MSG_DEL);
	if (!del || sqlite3_bind_int64(del, 1, id) != SQLITE_OK || step_done(c, del) < 0)
		goto done;
	ret = 0;
done:
	free(sender);
	free(rcpts);
	return ret;
}

int sim_store_add_message(sim_store *st, const json_t *record, int64_t epoch)
{
	struct conn *c = conn_get(st);
	char *sender = NULL, *rcpts = NULL, *mid = NULL, *host = NULL, *ip = NULL, *terms = NULL;
	char *text = NULL;
	const char *guid;
	sqlite3_stmt *s;
	int64_t id;
	int own = 0, began = 0, rc = -1;

	if (!c || !json_is_object(record))
		return -1;
	guid = rec_str(record, "GUID");
	if (!*guid)
		return -1;
	if (!c->analyzer && !(c->analyzer = sim_analyzer_new()))
		return -1;
	sender = strdup(rec_str(record, "Sender"));
	rcpts = norm_rcpts(rec_str(record, "Recipients"));
	mid = strip_angles(rec_str(record, "Message_ID"));
	host = strdup(rec_str(record, "Sender_Host"));
	ip = strdup(rec_str(record, "Sender_IP_Address"));
	terms = sim_analyze(c->analyzer, rec_str(record, "Subject"), 0);
	text = json_dumps(record, JSON_COMPACT);
	if (!sender || !rcpts || !mid || !host || !ip || !terms || !text)
		goto done;
	lower_in_place(sender);
	lower_in_place(host);
	lower_in_place(ip);
	if (wtx_begin(c, &own) < 0)
		goto done;
	began = 1;
	if (remove_message(c, guid) < 0)
		goto done;
	s = stmt(c, ST_MSG_INS);
	if (!s || bind_text(s, 1, guid) < 0 || sqlite3_bind_int64(s, 2, epoch) != SQLITE_OK ||
	    bind_text(s, 3, sender) < 0 || bind_text(s, 4, rcpts) < 0 ||
	    bind_text(s, 5, rec_str(record, "QID")) < 0 ||
	    bind_text(s, 6, rec_str(record, "SID")) < 0 || bind_text(s, 7, mid) < 0 ||
	    bind_text(s, 8, host) < 0 || bind_text(s, 9, ip) < 0 ||
	    bind_text(s, 10, rec_str(record, "Final_Action")) < 0 ||
	    bind_text(s, 11, rec_str(record, "Virus_Names")) < 0 ||
	    bind_text(s, 12, rec_str(record, "Attachment_Names")) < 0 ||
	    bind_text(s, 13, terms) < 0 || bind_text(s, 14, text) < 0 || step_done(c, s) < 0)
		goto done;
	id = sqlite3_last_insert_rowid(c->db);
	if (addr_link_all(c, sender, rcpts, epoch, id, 1) < 0)
		goto done;
	rc = 0;
done:
	if (began)
		rc = wtx_end(c, own, rc);
	free(sender);
	free(rcpts);
	free(mid);
	free(host);
	free(ip);
	free(terms);
	free(text);
	return rc;
}

/* ---------------------------------------------------------------- Smart Search scans */

/* Fills a row from a statement of MSG_COLS and calls cb. */
static int emit_msg(sqlite3_stmt *s, sim_msg_cb cb, void *arg)
{
	sim_msg_row r;

	r.id = sqlite3_column_int64(s, 0);
	r.epoch = sqlite3_column_int64(s, 1);
	r.guid = col_text(s, 2);
	r.sender = col_text(s, 3);
	r.rcpts = col_text(s, 4);
	r.qid = col_text(s, 5);
	r.sid = col_text(s, 6);
	r.hdr_mid = col_text(s, 7);
	r.host = col_text(s, 8);
	r.ip = col_text(s, 9);
	r.action = col_text(s, 10);
	r.virus = col_text(s, 11);
	r.attach = col_text(s, 12);
	r.terms = col_text(s, 13);
	r.record = col_text(s, 14);
	r.record_len = (size_t)sqlite3_column_bytes(s, 14);
	return cb(arg, &r);
}

/* Runs a bound MSG_COLS statement, calling cb per row until it stops. 0 or -1. */
static int run_msg_stmt(struct conn *c, sqlite3_stmt *s, sim_msg_cb cb, void *arg)
{
	int rc, go = 1, ret = 0;

	while (go > 0 && (rc = sqlite3_step(s)) == SQLITE_ROW)
		go = emit_msg(s, cb, arg);
	if (go < 0)
		ret = -1;
	else if (go > 0 && rc != SQLITE_DONE) {
		db_complain(c, "scanning records");
		ret = -1;
	}
	sqlite3_reset(s);
	return ret;
}

/* Emits the record of a msg id. 1 go on, 0 stop, -1 error. */
static int emit_msg_id(struct conn *c, int64_t id, sim_msg_cb cb, void *arg)
{
	sqlite3_stmt *s = stmt(c, ST_MSG_BY_ID);
	int rc, go = 1;

	if (!s || sqlite3_bind_int64(s, 1, id) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		go = emit_msg(s, cb, arg);
	else if (rc != SQLITE_DONE) {
		db_complain(c, "reading a record");
		go = -1;
	}
	sqlite3_reset(s);
	return go;
}

/* The set of address ids for which the predicate holds, with their total row count. */
struct addr_set {
	unsigned char *bits;
	size_t n; /* highest id + 1 */
	size_t naddrs;
	uint64_t rows;
};

static int addr_set_build(struct conn *c, const sim_msg_scan *scan, struct addr_set *set)
{
	sim_store *st = c->st;
	struct addr_dict *d = &st->dict;
	int ret = -1;

	memset(set, 0, sizeof(*set));
	pthread_mutex_lock(&st->mu);
	if (dict_load(c, d) < 0)
		goto done;
	set->n = d->n + 1;
	set->bits = calloc(set->n / 8 + 1, 1);
	if (!set->bits)
		goto done;
	for (size_t i = 1; i <= d->n; i++) {
		if (d->addr[i] && scan->addr_pred(scan->addr_arg, d->addr[i])) {
			set->bits[i / 8] |= (unsigned char)(1u << (i % 8));
			set->naddrs++;
			set->rows += d->count[scan->addr_role][i];
		}
	}
	ret = 0;
done:
	pthread_mutex_unlock(&st->mu);
	return ret;
}

static int addr_set_has(const struct addr_set *set, int64_t id)
{
	return id > 0 && (size_t)id < set->n && (set->bits[id / 8] & (1u << (id % 8)));
}

static int bind_window(sqlite3_stmt *s, int first, const sim_msg_scan *scan)
{
	return sqlite3_bind_int64(s, first, scan->from) == SQLITE_OK &&
			       sqlite3_bind_int64(s, first + 1, scan->to) == SQLITE_OK
		       ? 0
		       : -1;
}

/*
 * Scans by address when the matching addresses have few rows: their rows are sorted newest
 * first. Returns 1 when there are too many (the caller walks the time index instead), else 0
 * or -1.
 */
static int scan_by_addr(struct conn *c, const sim_msg_scan *scan, sim_msg_cb cb, void *arg)
{
	struct addr_set set;
	sqlite3_stmt *s = NULL, *add;
	int64_t last = -1;
	int rc, go = 1, ret = -1;

	if (addr_set_build(c, scan, &set) < 0)
		goto done;
	if (set.rows == 0 || set.naddrs > WANT_MAX_ADDRS || set.rows > WANT_MAX_ROWS) {
		ret = set.rows == 0 ? 0 : 1;
		goto done;
	}
	add = stmt(c, ST_WANT_ADD);
	if (!add || step_plain(c, ST_WANT_CLEAR) < 0)
		goto done;
	for (size_t i = 1; i < set.n; i++) {
		if (!addr_set_has(&set, (int64_t)i))
			continue;
		if (sqlite3_bind_int64(add, 1, (int64_t)i) != SQLITE_OK || step_done(c, add) < 0)
			goto done;
	}
	s = stmt(c, ST_MA_BY_WANT);
	if (!s || sqlite3_bind_int(s, 1, scan->addr_role) != SQLITE_OK ||
	    bind_window(s, 2, scan) < 0)
		goto done;
	while (go > 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);

		/* Rows of one message are adjacent (same epoch, same id): emit it once. */
		if (id == last)
			continue;
		last = id;
		go = emit_msg_id(c, id, cb, arg);
	}
	if (go < 0)
		goto done;
	if (go > 0 && rc != SQLITE_DONE) {
		db_complain(c, "scanning addresses");
		goto done;
	}
	ret = 0;
done:
	if (s)
		sqlite3_reset(s);
	free(set.bits);
	return ret;
}

int sim_store_scan_messages(sim_store *st, const sim_msg_scan *scan, sim_msg_cb cb, void *arg)
{
	struct conn *c = conn_get(st);
	sqlite3_stmt *s = NULL;
	int own, ret = -1;

	if (!c)
		return -1;
	/* One read snapshot for the whole scan, unless the caller already holds a transaction. */
	own = sqlite3_get_autocommit(c->db);
	if (own && step_plain(c, ST_BEGIN_READ) < 0)
		return -1;
	if (scan->guid) {
		s = stmt(c, ST_MSG_BY_GUID);
		if (!s || bind_text(s, 1, scan->guid) < 0)
			goto done;
	} else {
		if (scan->addr_pred) {
			ret = scan_by_addr(c, scan, cb, arg);
			if (ret <= 0)
				goto done;
			ret = -1;
		}
		/* Many matching addresses are frequent: newest first by time finds them soon. */
		s = stmt(c, ST_MSG_BY_TIME);
		if (!s)
			goto done;
	}
	if (bind_window(s, 2, scan) < 0) {
		sqlite3_reset(s);
		goto done;
	}
	ret = run_msg_stmt(c, s, cb, arg);
done:
	if (own)
		step_plain(c, ST_COMMIT);
	return ret;
}

/* ---------------------------------------------------------------- quarantine */

static char *json_text_of_list(const char *const *items, size_t n)
{
	json_t *arr = json_array();
	char *text = NULL;

	if (!arr)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (json_array_append_new(arr, json_string(items[i] ? items[i] : "")) < 0)
			goto done;
	text = json_dumps(arr, JSON_COMPACT);
done:
	json_decref(arr);
	return text;
}

/* The messagestatus of a new message: one "New" entry dated like the message. */
static char *initial_status(int64_t date)
{
	char when[32], *text = NULL;
	json_t *status;

	if (tu_format_utc(date, when, sizeof(when)) < 0)
		return NULL;
	status = json_pack("[{s:s, s:s, s:i, s:s, s:s, s:i}]", "user", "", "comment", "", "id", 0,
			   "date", when, "statusdesc", "New", "status", 0);
	if (status)
		text = json_dumps(status, JSON_COMPACT);
	json_decref(status);
	return text;
}

int sim_store_add_quarantine(sim_store *st, const sim_qmsg *m)
{
	struct conn *c = conn_get(st);
	char *rcpts = NULL, *status = NULL;
	sqlite3_stmt *s;
	int64_t folder_id = 0;
	int ret = -1;

	if (!c || !m->guid || !m->localguid || !m->folder || !*m->guid || !*m->localguid)
		return -1;
	if (folder_get(c, m->folder, &folder_id, NULL, 0) != 1) {
		fprintf(stderr, "pps-sim: store: unknown folder '%s'\n", m->folder);
		return -1;
	}
	rcpts = json_text_of_list(m->rcpts, m->rcpts ? m->nrcpts : 0);
	status = initial_status(m->date);
	s = stmt(c, ST_Q_PUT);
	if (!rcpts || !status || !s || bind_text(s, 1, m->guid) < 0 ||
	    bind_text(s, 2, m->localguid) < 0 || sqlite3_bind_int64(s, 3, folder_id) != SQLITE_OK ||
	    bind_text(s, 4, m->from) < 0 || bind_text(s, 5, rcpts) < 0 ||
	    bind_text(s, 6, m->subject) < 0 || sqlite3_bind_int64(s, 7, m->date) != SQLITE_OK ||
	    bind_text(s, 8, m->spamscore) < 0 || bind_text(s, 9, m->host_ip) < 0 ||
	    bind_text(s, 10, m->messageid) < 0 || bind_text(s, 11, m->processingserver) < 0 ||
	    sqlite3_bind_blob64(s, 12, m->raw ? m->raw : "", m->raw ? m->raw_len : 0,
				SQLITE_TRANSIENT) != SQLITE_OK ||
	    bind_text(s, 13, status) < 0)
		goto done;
	ret = step_done(c, s);
done:
	free(rcpts);
	free(status);
	return ret;
}

static int emit_qrow(sqlite3_stmt *s, sim_qrow_cb cb, void *arg)
{
	sim_qrow r;

	r.id = sqlite3_column_int64(s, 0);
	r.guid = col_text(s, 1);
	r.localguid = col_text(s, 2);
	r.folder = col_text(s, 3);
	r.folder_type = col_text(s, 4);
	r.from = col_text(s, 5);
	r.rcpts = col_text(s, 6);
	r.subject = col_text(s, 7);
	r.date = sqlite3_column_int64(s, 8);
	r.spamscore = col_text(s, 9);
	r.host_ip = col_text(s, 10);
	r.messageid = col_text(s, 11);
	r.processingserver = col_text(s, 12);
	r.status = col_text(s, 13);
	r.size = sqlite3_column_int64(s, 14);
	return cb(arg, &r);
}

int sim_store_scan_quarantine(sim_store *st, const char *folder, int64_t start, int64_t end,
			      sim_qrow_cb cb, void *arg)
{
	struct conn *c = conn_get(st);
	sqlite3_stmt *s;
	int64_t folder_id;
	int rc, go = 1, found, ret = -1;

	if (!c)
		return -1;
	found = folder_get(c, folder, &folder_id, NULL, 0);
	if (found <= 0)
		return found;
	s = stmt(c, ST_Q_SCAN);
	if (!s || sqlite3_bind_int64(s, 1, folder_id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, start) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, end) != SQLITE_OK)
		return -1;
	while (go > 0 && (rc = sqlite3_step(s)) == SQLITE_ROW)
		go = emit_qrow(s, cb, arg);
	if (go < 0)
		goto done;
	if (go > 0 && rc != SQLITE_DONE) {
		db_complain(c, "scanning a folder");
		goto done;
	}
	ret = 0;
done:
	sqlite3_reset(s);
	return ret;
}

int sim_store_quarantine_by_localguid(sim_store *st, const char *localguid, sim_qrow_cb cb,
				      void *arg)
{
	struct conn *c = conn_get(st);
	sqlite3_stmt *s;
	int rc, ret = -1;

	if (!c || !(s = stmt(c, ST_Q_BY_LG)) || bind_text(s, 1, localguid) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		ret = emit_qrow(s, cb, arg) < 0 ? -1 : 1;
	else if (rc == SQLITE_DONE)
		ret = 0;
	else
		db_complain(c, "reading a quarantined message");
	sqlite3_reset(s);
	return ret;
}

int sim_store_quarantine_raw(sim_store *st, const char *guid, char **out, size_t *len)
{
	struct conn *c = conn_get(st);
	sqlite3_stmt *s;
	int rc, ret = -1;

	*out = NULL;
	*len = 0;
	if (!c || !(s = stmt(c, ST_Q_RAW)) || bind_text(s, 1, guid) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(s, 0);
		const void *data = sqlite3_column_blob(s, 0);
		char *copy = malloc(n + 1);

		if (copy) {
			if (n)
				memcpy(copy, data, n);
			copy[n] = '\0';
			*out = copy;
			*len = n;
			ret = 1;
		}
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		db_complain(c, "reading a raw message");
	}
	sqlite3_reset(s);
	return ret;
}

int sim_store_quarantine_move(sim_store *st, int64_t id, const char *folder)
{
	struct conn *c = conn_get(st);
	int64_t folder_id;
	sqlite3_stmt *s;

	if (!c || folder_get(c, folder, &folder_id, NULL, 0) != 1)
		return -1;
	s = stmt(c, ST_Q_MOVE);
	if (!s || sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, folder_id) != SQLITE_OK)
		return -1;
	return step_done(c, s);
}

int sim_store_quarantine_delete(sim_store *st, int64_t id)
{
	struct conn *c = conn_get(st);
	sqlite3_stmt *s;

	if (!c || !(s = stmt(c, ST_Q_DEL)) || sqlite3_bind_int64(s, 1, id) != SQLITE_OK)
		return -1;
	return step_done(c, s);
}

int sim_store_quarantine_set_status(sim_store *st, int64_t id, const char *status)
{
	struct conn *c = conn_get(st);
	sqlite3_stmt *s;

	if (!c || !(s = stmt(c, ST_Q_STATUS)) || sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    bind_text(s, 2, status) < 0)
		return -1;
	return step_done(c, s);
}

/* ---------------------------------------------------------------- outbox */

int sim_store_outbox_add(sim_store *st, const json_t *entry, int64_t *id)
{
	struct conn *c = conn_get(st);
	char *text = json_dumps(entry, JSON_COMPACT);
	sqlite3_stmt *s;
	int ret = -1;

	if (!c || !text || !(s = stmt(c, ST_OUT_INS)) || bind_text(s, 1, text) < 0)
		goto done;
	if (step_done(c, s) < 0)
		goto done;
	if (id)
		*id = sqlite3_last_insert_rowid(c->db);
	ret = 0;
done:
	free(text);
	return ret;
}

int sim_store_outbox_scan(sim_store *st, int64_t since,
			  int (*cb)(void *arg, int64_t id, const char *entry), void *arg)
{
	struct conn *c = conn_get(st);
	sqlite3_stmt *s;
	int rc, go = 1, ret = -1;

	if (!c || !(s = stmt(c, ST_OUT_SCAN)) || sqlite3_bind_int64(s, 1, since) != SQLITE_OK)
		return -1;
	while (go > 0 && (rc = sqlite3_step(s)) == SQLITE_ROW)
		go = cb(arg, sqlite3_column_int64(s, 0), col_text(s, 1));
	if (go < 0)
		goto done;
	if (go > 0 && rc != SQLITE_DONE) {
		db_complain(c, "reading the outbox");
		goto done;
	}
	ret = 0;
done:
	sqlite3_reset(s);
	return ret;
}

/* ---------------------------------------------------------------- end users */

int sim_store_add_user(sim_store *st, const json_t *profile)
{
	struct conn *c = conn_get(st);
	char *email = NULL, *text = NULL;
	sqlite3_stmt *s;
	int ret = -1;

	if (!c || !json_is_object(profile))
		return -1;
	email = strdup(rec_str(profile, "email"));
	text = json_dumps(profile, JSON_COMPACT);
	if (!email || !*email || !text)
		goto done;
	lower_in_place(email);
	s = stmt(c, ST_USER_PUT);
	if (!s || bind_text(s, 1, email) < 0 || bind_text(s, 2, rec_str(profile, "uid")) < 0 ||
	    bind_text(s, 3, text) < 0)
		goto done;
	ret = step_done(c, s);
done:
	free(email);
	free(text);
	return ret;
}

int sim_store_get_user(sim_store *st, const char *email_or_uid, json_t **out)
{
	struct conn *c = conn_get(st);
	char *email = strdup(email_or_uid);
	sqlite3_stmt *s;
	int rc, ret = -1;

	*out = NULL;
	if (!c || !email || !(s = stmt(c, ST_USER_GET)))
		goto done;
	lower_in_place(email);
	if (bind_text(s, 1, email) < 0 || bind_text(s, 2, email_or_uid) < 0)
		goto done;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = json_loads(col_text(s, 0), 0, NULL);
		ret = *out ? 1 : -1;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		db_complain(c, "reading a user");
	}
	sqlite3_reset(s);
done:
	free(email);
	return ret;
}

int sim_store_delete_user(sim_store *st, const char *email_or_uid)
{
	struct conn *c = conn_get(st);
	char *email = strdup(email_or_uid);
	sqlite3_stmt *s;
	int ret = -1;

	if (!c || !email || !(s = stmt(c, ST_USER_DEL)))
		goto done;
	lower_in_place(email);
	if (bind_text(s, 1, email) < 0 || bind_text(s, 2, email_or_uid) < 0 || step_done(c, s) < 0)
		goto done;
	ret = sqlite3_changes(c->db) > 0 ? 1 : 0;
done:
	free(email);
	return ret;
}
