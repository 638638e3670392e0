/*
 * The address dictionary: every distinct address of the Smart Search records in memory, with
 * a hash index and row counts, so that a partial-address query finds its addresses without SQL.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/store/internal.h"

#include "util/banned.h"

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

void store_dict_clear(struct addr_dict *d)
{
	for (size_t i = 0; i <= d->n && d->addr; i++)
		free(d->addr[i]);
	free(d->addr);
	free(d->count[0]);
	free(d->count[1]);
	free(d->slots);
	memset(d, 0, sizeof(*d));
}

int64_t store_dict_find(const struct addr_dict *d, const char *address)
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

int store_dict_set(struct addr_dict *d, int64_t id, const char *address)
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
int store_dict_load(struct conn *c, struct addr_dict *d)
{
	sqlite3_stmt *s;
	int rc, ret = -1;

	if (d->loaded)
		return 0;
	store_dict_clear(d);
	s = store_stmt(c, ST_ADDR_ALL);
	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (store_dict_set(d, sqlite3_column_int64(s, 0), store_col_text(s, 1)) < 0)
			goto done;
	if (rc != SQLITE_DONE)
		goto done;
	sqlite3_reset(s);
	s = store_stmt(c, ST_ADDR_COUNTS);
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
		store_complain(c, "loading addresses");
		store_dict_clear(d);
	}
	return ret;
}

/*
 * Forgets the addresses of a rolled-back transaction: those with ids above the highest id
 * before it (the transaction held the write lock, so nobody else added any meanwhile). Row
 * counts stay as they were: they only choose a query strategy.
 */
void store_dict_undo(struct conn *c)
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
