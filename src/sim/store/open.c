/*
 * Opening and closing the store, the schema version, transactions and the meta table.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "sim/store/internal.h"

#include "util/banned.h"

/*
 * A bulk transaction (seeding) gets a larger page cache so that index pages are not spilled to
 * the WAL again and again; it is given back at its end. The seed inserts in time order and
 * every key but the address links is led by the time, so 256 MiB holds what is hot even for
 * 1,000,000 messages (4 GiB used to, and kept the process at 1.7 GB).
 */
#define BULK_CACHE_KIB "262144"

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

/*
 * Takes the state directory for this store: a second pps-sim on it would write the same
 * database and answer from a stale address dictionary. The lock is held on the directory
 * itself, so deleting any file in it (the pid file beside it, the database) does not release
 * it; it goes with the process, also on kill -9. 0, or -1 with err set.
 */
static int lock_dir(sim_store *st, const char *dir, char *err, size_t errlen)
{
	st->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dir_fd < 0) {
		snprintf(err, errlen, "cannot open the state directory '%s': %s", dir,
			 strerror(errno));
		return -1;
	}
	if (flock(st->dir_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK)
		snprintf(err, errlen,
			 "the store in '%s' is in use by another pps-sim: give another --state-dir",
			 dir);
	else
		snprintf(err, errlen, "cannot lock the state directory '%s': %s", dir,
			 strerror(errno));
	close(st->dir_fd);
	st->dir_fd = -1;
	return -1;
}

/*
 * A seed into an empty store writes without a journal (see sim_store_begin_bulk); the marker
 * file says one was under way. If it is still there, the seed was interrupted and the file may
 * be anything: it goes, and the store starts empty (accounts and fixtures come from the
 * command line again).
 */
static int discard_interrupted(sim_store *st)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	struct stat sb;

	if (stat(st->marker, &sb) < 0)
		return 0;
	fprintf(stderr, "pps-sim: store: a seed was interrupted: starting with an empty store\n");
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char *p = malloc(strlen(st->path) + 5);

		if (!p)
			return -1;
		snprintf(p, strlen(st->path) + 5, "%s%s", st->path, suffixes[i]);
		if (unlink(p) < 0 && errno != ENOENT) {
			free(p);
			return -1;
		}
		free(p);
	}
	return unlink(st->marker) < 0 && errno != ENOENT ? -1 : 0;
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
	st->dir_fd = -1;
	if (ensure_dir(dir) < 0) {
		snprintf(err, errlen, "cannot create state directory '%s': %s", dir,
			 strerror(errno));
		free(st);
		return -1;
	}
	if (pthread_key_create(&st->key, store_conn_release) != 0) {
		snprintf(err, errlen, "cannot create a thread key");
		free(st);
		return -1;
	}
	pthread_mutex_init(&st->mu, NULL);
	if (lock_dir(st, dir, err, errlen) < 0)
		goto done;
	st->path = path_join(dir, "pps-sim.db");
	st->marker = path_join(dir, "pps-sim.db.seeding");
	if (!st->path || !st->marker) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	if (discard_interrupted(st) < 0) {
		snprintf(err, errlen, "cannot remove the store of an interrupted seed '%s': %s",
			 st->path, strerror(errno));
		goto done;
	}
	if (gnutls_rnd(GNUTLS_RND_NONCE, st->dummy_salt, sizeof(st->dummy_salt)) < 0 ||
	    gnutls_rnd(GNUTLS_RND_NONCE, st->dummy_hash, sizeof(st->dummy_hash)) < 0) {
		snprintf(err, errlen, "no random numbers");
		goto done;
	}
	c = store_conn(st);
	if (!c) {
		snprintf(err, errlen, "cannot open '%s'", st->path);
		goto done;
	}
	if (store_exec(c->db, "BEGIN IMMEDIATE") < 0) {
		snprintf(err, errlen, "cannot lock '%s': %s", st->path, sqlite3_errmsg(c->db));
		goto done;
	}
	if (store_exec(c->db, store_schema_sql) < 0 || store_exec(c->db, store_index_sql) < 0) {
		snprintf(err, errlen, "cannot create the schema in '%s': %s", st->path,
			 sqlite3_errmsg(c->db));
		store_exec(c->db, "ROLLBACK");
		goto done;
	}
	rc = sim_store_get_meta(st, "schema_version", version, sizeof(version));
	if (rc == 0 && version[0] == '\0')
		rc = sim_store_set_meta(st, "schema_version", SCHEMA_VERSION);
	else if (rc == 0 && strcmp(version, SCHEMA_VERSION) != 0) {
		snprintf(err, errlen, "'%s' has schema version %s, expected %s", st->path, version,
			 SCHEMA_VERSION);
		store_exec(c->db, "ROLLBACK");
		goto done;
	}
	if (rc < 0 || store_exec(c->db, "COMMIT") < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", st->path, sqlite3_errmsg(c->db));
		store_exec(c->db, "ROLLBACK");
		goto done;
	}
	/* Reading the address dictionary now spares the first address query a cold start. */
	pthread_mutex_lock(&st->mu);
	rc = store_dict_load(c, &st->dict);
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
		store_conn_free(c);
	}
	store_dict_clear(&st->dict);
	pthread_mutex_destroy(&st->mu);
	free(st->path);
	free(st->marker);
	/* Last, after SQLite has let go of every file in the directory. */
	if (st->dir_fd >= 0)
		close(st->dir_fd);
	free(st);
}

int sim_store_begin(sim_store *st)
{
	struct conn *c = store_conn(st);

	if (!c || store_step_plain(c, ST_BEGIN_WRITE) < 0)
		return -1;
	c->dict_dirty = 0;
	return 0;
}

/* 1 when the store holds no mail yet and this is its only connection. */
static int fresh_and_alone(struct conn *c)
{
	sqlite3_stmt *s = NULL;
	int empty = 0;

	if (c->st->conns != c || c->next)
		return 0;
	if (sqlite3_prepare_v2(c->db, store_stmt_sql[ST_ANY_MAIL], -1, &s, NULL) == SQLITE_OK)
		empty = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	return empty;
}

/*
 * A bulk load into an empty store (the seed at first start) writes the pages once, without a
 * journal: in WAL mode they would go to the WAL and then again to the database, and that
 * second copy was half the time of seeding 1,000,000 messages. A marker file stands in for the
 * journal: if the process dies before the commit, the next start discards the store.
 */
static int begin_unjournaled(struct conn *c)
{
	int fd = open(c->st->marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (fsync(fd) < 0) {
		close(fd);
		unlink(c->st->marker);
		return -1;
	}
	close(fd);
	if (store_exec(c->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF") < 0) {
		unlink(c->st->marker);
		return -1;
	}
	c->unjournaled = 1;
	return 0;
}

/* Back to WAL after an unjournaled load: the data is made durable, then the marker goes. */
static int end_unjournaled(struct conn *c)
{
	int fd, rc = 0;

	if (!c->unjournaled)
		return 0;
	c->unjournaled = 0;
	if (store_exec(c->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL") < 0)
		return -1;
	fd = open(c->st->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = -1;
	if (fd >= 0)
		close(fd);
	if (rc == 0 && unlink(c->st->marker) < 0 && errno != ENOENT)
		rc = -1;
	return rc;
}

static int begin_bulk(sim_store *st, int may_skip_journal)
{
	struct conn *c = store_conn(st);

	if (!c)
		return -1;
	if (may_skip_journal && fresh_and_alone(c) && begin_unjournaled(c) < 0)
		return -1;
	if (sim_store_begin(st) < 0)
		return -1;
	c->bulk = 1;
	return store_exec(c->db, "PRAGMA cache_size=-" BULK_CACHE_KIB);
}

int sim_store_begin_bulk(sim_store *st)
{
	return begin_bulk(st, 0);
}

int sim_store_begin_seed(sim_store *st)
{
	return begin_bulk(st, 1);
}

/* Gives the bulk transaction's cache back. */
static void end_bulk(struct conn *c)
{
	if (!c->bulk)
		return;
	c->bulk = 0;
	store_exec(c->db, "PRAGMA cache_size=-" NORMAL_CACHE_KIB);
	sqlite3_db_release_memory(c->db);
	/* The pages SQLite freed stay in the C library's heap unless they are handed back: a
	 * seeded store would otherwise keep the bulk cache resident (1.8 GB after 1,000,000). */
	malloc_trim(0);
}

int sim_store_commit(sim_store *st)
{
	struct conn *c = store_conn(st);

	if (!c || store_step_plain(c, ST_COMMIT) < 0)
		return -1;
	c->dict_dirty = 0;
	end_bulk(c);
	return end_unjournaled(c);
}

int sim_store_rollback(sim_store *st)
{
	struct conn *c = store_conn(st);
	int rc;

	if (!c)
		return -1;
	rc = sqlite3_get_autocommit(c->db) ? 0 : store_step_plain(c, ST_ROLLBACK);
	/* Without a journal nothing was undone: the marker stays, and the next start discards
	 * the store. */
	if (c->unjournaled) {
		c->unjournaled = 0;
		end_bulk(c);
		return -1;
	}
	/* Addresses added in the undone transaction must leave the in-memory dictionary too. */
	store_dict_undo(c);
	end_bulk(c);
	return rc;
}

/*
 * Starts a write transaction unless the caller has one; *own says whether it is ours.
 * wtx_end commits ours on success and undoes it on failure; a failure inside the caller's
 * transaction is the caller's to roll back.
 */
int store_wtx_begin(struct conn *c, int *own)
{
	*own = sqlite3_get_autocommit(c->db);
	if (*own) {
		c->dict_dirty = 0;
		return store_step_plain(c, ST_BEGIN_WRITE);
	}
	return 0;
}

int store_wtx_end(struct conn *c, int own, int rc)
{
	if (!own)
		return rc;
	if (rc == 0 && store_step_plain(c, ST_COMMIT) == 0) {
		c->dict_dirty = 0;
		return 0;
	}
	if (!sqlite3_get_autocommit(c->db))
		store_step_plain(c, ST_ROLLBACK);
	store_dict_undo(c);
	return -1;
}

/* ---------------------------------------------------------------- meta */

/* Fills value ("" when absent). 0 or -1. */
int sim_store_get_meta(sim_store *st, const char *key, char *value, size_t len)
{
	struct conn *c = store_conn(st);
	sqlite3_stmt *s;
	int rc, ret = -1;

	if (len)
		value[0] = '\0';
	if (!c || !(s = store_stmt(c, ST_META_GET)) || store_bind_text(s, 1, key) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		snprintf(value, len, "%s", store_col_text(s, 0));
		ret = 0;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		store_complain(c, "reading meta");
	}
	sqlite3_reset(s);
	return ret;
}

/* Sets a key; value NULL removes it. 0 or -1. */
int sim_store_set_meta(sim_store *st, const char *key, const char *value)
{
	struct conn *c = store_conn(st);
	sqlite3_stmt *s;

	if (!c)
		return -1;
	s = store_stmt(c, value ? ST_META_SET : ST_META_DEL);
	if (!s || store_bind_text(s, 1, key) < 0 || (value && store_bind_text(s, 2, value) < 0))
		return -1;
	return store_step_done(c, s);
}
