/*
 * Accounts: passwords salted and hashed with PBKDF2 (GnuTLS), checked in constant time, with a
 * small cache of verified (name, password digest) pairs so that a keep-alive client pays once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "sim/store/internal.h"
#include "util/buf.h"

#include "util/banned.h"

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
	struct conn *c = store_conn(st);
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	sqlite3_stmt *s;

	if (!c || gnutls_rnd(GNUTLS_RND_NONCE, salt, sizeof(salt)) < 0 ||
	    pbkdf2(password, salt, PBKDF2_ITERATIONS, hash) < 0)
		return -1;
	s = store_stmt(c, ST_ACCT_PUT);
	if (!s || store_bind_text(s, 1, name) < 0 ||
	    sqlite3_bind_blob(s, 2, salt, SALT_LEN, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int(s, 3, PBKDF2_ITERATIONS) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 4, hash, HASH_LEN, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 5, (sqlite3_int64)modules) != SQLITE_OK)
		return -1;
	return store_step_done(c, s);
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
	struct conn *c = store_conn(st);
	unsigned char salt[SALT_LEN], hash[HASH_LEN], got[HASH_LEN], digest[HASH_LEN];
	unsigned iterations = PBKDF2_ITERATIONS;
	unsigned modules = 0;
	int known = 0, rc, ret = -1;
	sqlite3_stmt *s;

	memset(out, 0, sizeof(*out));
	memcpy(salt, st->dummy_salt, SALT_LEN);
	memcpy(hash, st->dummy_hash, HASH_LEN);
	if (!c || !(s = store_stmt(c, ST_ACCT_GET)) || store_bind_text(s, 1, name) < 0)
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
		store_complain(c, "reading an account");
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
	struct conn *c = store_conn(st);
	ppsbuf names = PPSBUF_INIT;
	sqlite3_stmt *s;
	int rc, ret = -1;

	if (len)
		buf[0] = '\0';
	if (!c || !(s = store_stmt(c, ST_ACCT_NAMES)))
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((names.len && ppsbuf_addch(&names, ',') < 0) ||
		    ppsbuf_adds(&names, store_col_text(s, 0)) < 0)
			goto done;
	if (rc != SQLITE_DONE) {
		store_complain(c, "listing accounts");
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
