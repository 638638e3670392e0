/*
 * The store's connections: one SQLite connection per thread, statements prepared once per
 * connection, and the small helpers every file of the store uses.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/store/internal.h"

#include "util/banned.h"

void store_complain(struct conn *c, const char *what)
{
	fprintf(stderr, "pps-sim: store: %s: %s\n", what, sqlite3_errmsg(c->db));
}

void store_conn_free(struct conn *c)
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
void store_conn_release(void *p)
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
	store_conn_free(c);
}

int store_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "pps-sim: store: %s\n", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The quarantine search's matchers as SQL functions (match.c states the rules). */
static void fn_qaddr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *pat = sqlite3_value_text(argv[0]);
	const unsigned char *addr = sqlite3_value_text(argv[1]);

	(void)argc;
	sqlite3_result_int(ctx,
			   pat && addr && sim_qaddr_match((const char *)pat, (const char *)addr));
}

/* Any line of a newline-separated list (the recipients as the store keeps them). */
static void fn_qaddr_any(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *pat = sqlite3_value_text(argv[0]);
	const unsigned char *list = sqlite3_value_text(argv[1]);
	char one[512];
	int hit = 0;

	(void)argc;
	for (const char *p = (const char *)list; pat && p && *p && !hit;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n < sizeof(one)) {
			memcpy(one, p, n);
			one[n] = '\0';
			hit = sim_qaddr_match((const char *)pat, one);
		}
		p += n;
		if (*p)
			p++;
	}
	sqlite3_result_int(ctx, hit);
}

static void fn_qsubject(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *pat = sqlite3_value_text(argv[0]);
	const unsigned char *subject = sqlite3_value_text(argv[1]);

	(void)argc;
	sqlite3_result_int(ctx,
			   pat && subject &&
				   sim_qsubject_match((const char *)pat, (const char *)subject));
}

static int add_functions(sqlite3 *db)
{
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

	return sqlite3_create_function(db, "sim_qaddr", 2, flags, NULL, fn_qaddr, NULL, NULL) ==
				       SQLITE_OK &&
			       sqlite3_create_function(db, "sim_qaddr_any", 2, flags, NULL,
						       fn_qaddr_any, NULL, NULL) == SQLITE_OK &&
			       sqlite3_create_function(db, "sim_qsubject", 2, flags, NULL,
						       fn_qsubject, NULL, NULL) == SQLITE_OK
		       ? 0
		       : -1;
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
	if (add_functions(c->db) < 0)
		goto fail;
	/*
	 * Large pages suit kilobyte-sized records (no effect once the file exists). WAL: readers
	 * never block the writer, and a kill -9 never corrupts the file.
	 */
	if (store_exec(c->db,
		       "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
		       " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
		       " PRAGMA cache_size=-" NORMAL_CACHE_KIB ";"
		       " CREATE TEMP TABLE IF NOT EXISTS want(id INTEGER PRIMARY KEY);") < 0)
		goto fail;
	return c;
fail:
	if (c->db)
		fprintf(stderr, "pps-sim: store: %s: %s\n", st->path, sqlite3_errmsg(c->db));
	store_conn_free(c);
	return NULL;
}

/* The calling thread's connection, opened on first use. */
struct conn *store_conn(sim_store *st)
{
	struct conn *c = pthread_getspecific(st->key);

	if (c)
		return c;
	c = conn_open(st);
	if (!c)
		return NULL;
	if (pthread_setspecific(st->key, c) != 0) {
		store_conn_free(c);
		return NULL;
	}
	pthread_mutex_lock(&st->mu);
	c->next = st->conns;
	st->conns = c;
	pthread_mutex_unlock(&st->mu);
	return c;
}

sqlite3_stmt *store_stmt(struct conn *c, enum stmt_id id)
{
	if (!c->stmt[id] &&
	    sqlite3_prepare_v3(c->db, store_stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
			       &c->stmt[id], NULL) != SQLITE_OK) {
		store_complain(c, store_stmt_sql[id]);
		return NULL;
	}
	return c->stmt[id];
}

/* Runs a statement with no parameters and no rows. 0 or -1. */
int store_step_plain(struct conn *c, enum stmt_id id)
{
	sqlite3_stmt *s = store_stmt(c, id);
	int rc;

	if (!s)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_complain(c, store_stmt_sql[id]);
		return -1;
	}
	return 0;
}

/* Steps a bound statement expected to finish without rows, then resets it. 0 or -1. */
int store_step_done(struct conn *c, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_complain(c, sqlite3_sql(s));
		return -1;
	}
	return 0;
}

int store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	return sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}

const char *store_col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

void store_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}
