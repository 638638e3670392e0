/*
 * Quarantined messages: adding, the folder search (filtered in SQL with match.c's rules, so
 * that only the rows returned are read out), lookups by localguid or guid, moves and deletes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/store/internal.h"
#include "util/buf.h"

#include "util/banned.h"

/* The recipients, one a line, as the store keeps them; malloc'd or NULL. */
static char *join_lines(const char *const *items, size_t n)
{
	ppsbuf b = PPSBUF_INIT;

	if (ppsbuf_adds(&b, "") < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if ((i && ppsbuf_addch(&b, '\n') < 0) ||
		    ppsbuf_adds(&b, items[i] ? items[i] : "") < 0) {
			ppsbuf_release(&b);
			return NULL;
		}
	}
	return ppsbuf_detach(&b, NULL);
}

static int index_one(struct conn *c, const char *address, int role, int64_t folder_id, int64_t date,
		     int64_t id)
{
	sqlite3_stmt *s = store_stmt(c, ST_QA_INS);
	char key[320];

	/* An address too long for a key is never matched exactly; nothing to index. */
	if (!address || !sim_qaddr_key(address, key, sizeof(key)) || !key[0])
		return 0;
	if (!s || store_bind_text(s, 1, key) < 0 || sqlite3_bind_int(s, 2, role) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, folder_id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, date) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 5, id) != SQLITE_OK)
		return -1;
	return store_step_done(c, s);
}

/* (Re)builds the address rows of a message just put. 0 or -1. */
static int index_addresses(struct conn *c, const sim_qmsg *m, int64_t folder_id)
{
	sqlite3_stmt *s = store_stmt(c, ST_Q_ID);
	int64_t id = 0;
	int rc;

	if (!s || store_bind_text(s, 1, m->guid) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return -1;
	s = store_stmt(c, ST_QA_CLEAR);
	if (!s || sqlite3_bind_int64(s, 1, id) != SQLITE_OK || store_step_done(c, s) < 0 ||
	    index_one(c, m->from, SIM_ROLE_SENDER, folder_id, m->date, id) < 0)
		return -1;
	for (size_t i = 0; m->rcpts && i < m->nrcpts; i++)
		if (index_one(c, m->rcpts[i], SIM_ROLE_RCPT, folder_id, m->date, id) < 0)
			return -1;
	return 0;
}

int sim_store_add_quarantine(sim_store *st, const sim_qmsg *m)
{
	struct conn *c = store_conn(st);
	char *rcpts = NULL;
	sqlite3_stmt *s;
	int64_t folder_id = 0;
	int ret = -1, own = 0, began = 0;

	if (!c || !m->guid || !m->localguid || !m->folder || !*m->guid || !*m->localguid ||
	    !m->status)
		return -1;
	if (store_folder_get(c, m->folder, &folder_id, NULL, 0) != 1) {
		fprintf(stderr, "pps-sim: store: unknown folder '%s'\n", m->folder);
		return -1;
	}
	rcpts = join_lines(m->rcpts, m->rcpts ? m->nrcpts : 0);
	if (!rcpts || store_wtx_begin(c, &own) < 0)
		goto done;
	began = 1;
	s = store_stmt(c, ST_Q_PUT);
	if (!rcpts || !s || store_bind_text(s, 1, m->guid) < 0 ||
	    store_bind_text(s, 2, m->localguid) < 0 ||
	    sqlite3_bind_int64(s, 3, folder_id) != SQLITE_OK ||
	    store_bind_text(s, 4, m->from) < 0 || store_bind_text(s, 5, rcpts) < 0 ||
	    store_bind_text(s, 6, m->subject) < 0 ||
	    sqlite3_bind_int64(s, 7, m->date) != SQLITE_OK ||
	    store_bind_text(s, 8, m->spamscore) < 0 || store_bind_text(s, 9, m->host_ip) < 0 ||
	    store_bind_text(s, 10, m->messageid) < 0 ||
	    store_bind_text(s, 11, m->processingserver) < 0 ||
	    sqlite3_bind_blob64(s, 12, m->raw ? m->raw : "", m->raw ? m->raw_len : 0,
				SQLITE_TRANSIENT) != SQLITE_OK ||
	    store_bind_text(s, 13, m->status) < 0 || store_step_done(c, s) < 0)
		goto done;
	ret = index_addresses(c, m, folder_id);
done:
	if (began)
		ret = store_wtx_end(c, own, ret);
	free(rcpts);
	return ret;
}

static int emit_qrow(sqlite3_stmt *s, sim_qrow_cb cb, void *arg)
{
	sim_qrow r;

	r.id = sqlite3_column_int64(s, 0);
	r.guid = store_col_text(s, 1);
	r.localguid = store_col_text(s, 2);
	r.folder = store_col_text(s, 3);
	r.folder_type = store_col_text(s, 4);
	r.from = store_col_text(s, 5);
	r.rcpts = store_col_text(s, 6);
	r.subject = store_col_text(s, 7);
	r.date = sqlite3_column_int64(s, 8);
	r.spamscore = store_col_text(s, 9);
	r.host_ip = store_col_text(s, 10);
	r.messageid = store_col_text(s, 11);
	r.processingserver = store_col_text(s, 12);
	r.status = store_col_text(s, 13);
	r.size = sqlite3_column_int64(s, 14);
	return cb(arg, &r);
}

static int bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (!v)
		return sqlite3_bind_null(s, i) == SQLITE_OK ? 0 : -1;
	return store_bind_text(s, i, v);
}

int sim_store_scan_quarantine(sim_store *st, const sim_qscan *q, sim_qrow_cb cb, void *arg)
{
	struct conn *c = store_conn(st);
	sqlite3_stmt *s;
	int64_t folder_id;
	int rc, go = 1, found, ret = -1, role = -1;
	char key[320];

	if (!c)
		return -1;
	found = store_folder_get(c, q->folder, &folder_id, NULL, 0);
	if (found <= 0)
		return found;
	/* An exact sender or recipient finds its few rows by the index; patterns that match many
	 * walk the folder newest first and stop at the limit. */
	if (q->from && sim_qaddr_exact(q->from, key, sizeof(key)))
		role = SIM_ROLE_SENDER;
	else if (q->rcpt && sim_qaddr_exact(q->rcpt, key, sizeof(key)))
		role = SIM_ROLE_RCPT;
	s = store_stmt(c, role >= 0 ? ST_Q_SCAN_ADDR : ST_Q_SCAN);
	if (!s || sqlite3_bind_int64(s, 1, folder_id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, q->start) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, q->end) != SQLITE_OK || bind_opt(s, 4, q->from) < 0 ||
	    bind_opt(s, 5, q->rcpt) < 0 || bind_opt(s, 6, q->subject) < 0 ||
	    sqlite3_bind_int64(s, 7, q->limit) != SQLITE_OK ||
	    (role >= 0 &&
	     (store_bind_text(s, 8, key) < 0 || sqlite3_bind_int(s, 9, role) != SQLITE_OK))) {
		if (s)
			sqlite3_reset(s);
		return -1;
	}
	while (go > 0 && (rc = sqlite3_step(s)) == SQLITE_ROW)
		go = emit_qrow(s, cb, arg);
	if (go < 0)
		goto done;
	if (go > 0 && rc != SQLITE_DONE) {
		store_complain(c, "scanning a folder");
		goto done;
	}
	ret = 1;
done:
	sqlite3_reset(s);
	return ret;
}

/* Steps a bound statement that finds at most one message, hands it to cb. 1, 0, -1. */
static int step_one(struct conn *c, sqlite3_stmt *s, sim_qrow_cb cb, void *arg)
{
	int rc = sqlite3_step(s), ret = -1;

	if (rc == SQLITE_ROW)
		ret = emit_qrow(s, cb, arg) < 0 ? -1 : 1;
	else if (rc == SQLITE_DONE)
		ret = 0;
	else
		store_complain(c, "reading a quarantined message");
	sqlite3_reset(s);
	return ret;
}

/* Looks a message up with a one-key statement. 1, 0, -1. */
static int lookup(struct conn *c, enum stmt_id id, const char *key, sim_qrow_cb cb, void *arg)
{
	sqlite3_stmt *s;

	if (!(s = store_stmt(c, id)) || store_bind_text(s, 1, key) < 0)
		return -1;
	return step_one(c, s, cb, arg);
}

int sim_store_quarantine_by_id(sim_store *st, int64_t id, sim_qrow_cb cb, void *arg)
{
	struct conn *c = store_conn(st);
	sqlite3_stmt *s;

	if (!c || !(s = store_stmt(c, ST_Q_BY_ID)) || sqlite3_bind_int64(s, 1, id) != SQLITE_OK)
		return -1;
	return step_one(c, s, cb, arg);
}

int sim_store_quarantine_lookup(sim_store *st, const char *localguid_or_guid, sim_qrow_cb cb,
				void *arg)
{
	struct conn *c = store_conn(st);
	int rc;

	if (!c)
		return -1;
	rc = lookup(c, ST_Q_BY_LG, localguid_or_guid, cb, arg);
	if (rc == 0)
		rc = lookup(c, ST_Q_BY_GUID, localguid_or_guid, cb, arg);
	return rc;
}

int sim_store_quarantine_raw(sim_store *st, const char *guid, char **out, size_t *len)
{
	struct conn *c = store_conn(st);
	sqlite3_stmt *s;
	int rc, ret = -1;

	*out = NULL;
	*len = 0;
	if (!c || !(s = store_stmt(c, ST_Q_RAW)) || store_bind_text(s, 1, guid) < 0)
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
		store_complain(c, "reading a raw message");
	}
	sqlite3_reset(s);
	return ret;
}

int sim_store_quarantine_move(sim_store *st, int64_t id, const char *folder)
{
	struct conn *c = store_conn(st);
	int64_t folder_id;
	sqlite3_stmt *s;

	if (!c || store_folder_get(c, folder, &folder_id, NULL, 0) != 1)
		return -1;
	s = store_stmt(c, ST_Q_MOVE);
	if (!s || sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, folder_id) != SQLITE_OK)
		return -1;
	return store_step_done(c, s);
}

int sim_store_quarantine_delete(sim_store *st, int64_t id)
{
	struct conn *c = store_conn(st);
	sqlite3_stmt *s;

	if (!c || !(s = store_stmt(c, ST_Q_DEL)) || sqlite3_bind_int64(s, 1, id) != SQLITE_OK)
		return -1;
	return store_step_done(c, s);
}

int sim_store_quarantine_set_status(sim_store *st, int64_t id, const char *status)
{
	struct conn *c = store_conn(st);
	sqlite3_stmt *s;

	if (!c || !(s = store_stmt(c, ST_Q_STATUS)) || sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    store_bind_text(s, 2, status) < 0)
		return -1;
	return store_step_done(c, s);
}

int sim_store_qscan_plan(sim_store *st, char *buf, size_t len)
{
	struct conn *c = store_conn(st);
	ppsbuf out = PPSBUF_INIT;
	int ret = -1;

	if (c && len && store_plan_of(c, ST_Q_SCAN, &out) == 0 &&
	    store_plan_of(c, ST_Q_SCAN_ADDR, &out) == 0 && out.len < len) {
		memcpy(buf, out.buf, out.len + 1);
		ret = 0;
	}
	ppsbuf_release(&out);
	return ret;
}
