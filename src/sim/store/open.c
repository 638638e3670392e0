/*
 * Opening and closing the store, the schema version, transactions and the meta table.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "sim/store/internal.h"

#include "util/banned.h"

/*
 * A bulk transaction (seeding) gets a large page cache so that index pages are not spilled to
 * the WAL again and again; it is given back at its end.
 */
#define BULK_CACHE_KIB "4194304"

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
	if (pthread_key_create(&st->key, store_conn_release) != 0) {
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

int sim_store_begin_bulk(sim_store *st)
{
	struct conn *c = store_conn(st);

	if (sim_store_begin(st) < 0)
		return -1;
	c->bulk = 1;
	return store_exec(c->db, "PRAGMA cache_size=-" BULK_CACHE_KIB);
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
	return 0;
}

int sim_store_rollback(sim_store *st)
{
	struct conn *c = store_conn(st);
	int rc;

	if (!c)
		return -1;
	rc = sqlite3_get_autocommit(c->db) ? 0 : store_step_plain(c, ST_ROLLBACK);
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
