/*
 * Smart Search records: adding one (with its address links) and the scans that find candidates
 * for a query, newest first. The matching rules themselves are the route's (match.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/store/internal.h"
#include "util/buf.h"

#include "util/banned.h"

static const char *nz(const char *s)
{
	return s ? s : "";
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
	store_lower(b.buf);
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
	sqlite3_stmt *s = store_stmt(c, ST_ADDR_FIND);
	int rc;

	if (!s || store_bind_text(s, 1, address) < 0)
		return -1;
	rc = sqlite3_step(s);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_complain(c, "finding an address");
		return -1;
	}
	if (*id)
		return 0;
	s = store_stmt(c, ST_ADDR_INS);
	if (!s || store_bind_text(s, 1, address) < 0 || store_step_done(c, s) < 0)
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
	ret = store_dict_load(c, d);
	id = ret < 0 ? 0 : store_dict_find(d, address);
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
		ret = store_dict_set(d, id, address);
		pthread_mutex_unlock(&st->mu);
		if (ret < 0)
			return -1;
		ret = -1;
	}
	if (!id)
		return 0;
	s = store_stmt(c, delta > 0 ? ST_MA_INS : ST_MA_DEL);
	if (!s || sqlite3_bind_int64(s, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, role) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, epoch) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, msg_id) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_complain(c, "linking an address");
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
	sqlite3_stmt *s = store_stmt(c, ST_MSG_OLD), *del;
	int64_t id, epoch;
	char *sender = NULL, *rcpts = NULL;
	int rc, ret = -1;

	if (!s || store_bind_text(s, 1, guid) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		store_complain(c, "reading a record");
		sqlite3_reset(s);
		return -1;
	}
	id = sqlite3_column_int64(s, 0);
	epoch = sqlite3_column_int64(s, 1);
	sender = strdup(store_col_text(s, 2));
	rcpts = strdup(store_col_text(s, 3));
	sqlite3_reset(s);
	if (!sender || !rcpts || addr_link_all(c, sender, rcpts, epoch, id, -1) < 0)
		goto done;
	del = store_stmt(c, ST_MSG_DEL);
	if (!del || sqlite3_bind_int64(del, 1, id) != SQLITE_OK || store_step_done(c, del) < 0)
		goto done;
	ret = 0;
done:
	free(sender);
	free(rcpts);
	return ret;
}

int sim_store_put_message(sim_store *st, const sim_msg_in *m)
{
	struct conn *c = store_conn(st);
	char *sender = NULL, *rcpts = NULL, *mid = NULL, *host = NULL, *ip = NULL, *terms = NULL;
	sqlite3_stmt *s;
	int64_t id;
	int own = 0, began = 0, rc = -1;

	if (!c || !m->guid || !*m->guid || !m->record)
		return -1;
	if (!c->analyzer && !(c->analyzer = sim_analyzer_new()))
		return -1;
	sender = strdup(nz(m->sender));
	rcpts = norm_rcpts(nz(m->rcpts));
	mid = strip_angles(nz(m->message_id));
	host = strdup(nz(m->host));
	ip = strdup(nz(m->ip));
	terms = sim_analyze(c->analyzer, nz(m->subject), 0);
	if (!sender || !rcpts || !mid || !host || !ip || !terms)
		goto done;
	store_lower(sender);
	store_lower(host);
	store_lower(ip);
	if (store_wtx_begin(c, &own) < 0)
		goto done;
	began = 1;
	if (remove_message(c, m->guid) < 0)
		goto done;
	s = store_stmt(c, ST_MSG_INS);
	if (!s || store_bind_text(s, 1, m->guid) < 0 ||
	    sqlite3_bind_int64(s, 2, m->epoch) != SQLITE_OK || store_bind_text(s, 3, sender) < 0 ||
	    store_bind_text(s, 4, rcpts) < 0 || store_bind_text(s, 5, m->qid) < 0 ||
	    store_bind_text(s, 6, m->sid) < 0 || store_bind_text(s, 7, mid) < 0 ||
	    store_bind_text(s, 8, host) < 0 || store_bind_text(s, 9, ip) < 0 ||
	    store_bind_text(s, 10, m->action) < 0 || store_bind_text(s, 11, m->virus) < 0 ||
	    store_bind_text(s, 12, m->attach) < 0 || store_bind_text(s, 13, terms) < 0 ||
	    sqlite3_bind_text64(s, 14, m->record, m->record_len, SQLITE_STATIC, SQLITE_UTF8) !=
		    SQLITE_OK ||
	    store_step_done(c, s) < 0)
		goto done;
	id = sqlite3_last_insert_rowid(c->db);
	if (addr_link_all(c, sender, rcpts, m->epoch, id, 1) < 0)
		goto done;
	rc = 0;
done:
	if (began)
		rc = store_wtx_end(c, own, rc);
	free(sender);
	free(rcpts);
	free(mid);
	free(host);
	free(ip);
	free(terms);
	return rc;
}

/* ---------------------------------------------------------------- Smart Search scans */

/* Fills a row from a statement of MSG_COLS and calls cb. */
static int emit_msg(sqlite3_stmt *s, sim_msg_cb cb, void *arg)
{
	sim_msg_row r;

	r.id = sqlite3_column_int64(s, 0);
	r.epoch = sqlite3_column_int64(s, 1);
	r.guid = store_col_text(s, 2);
	r.sender = store_col_text(s, 3);
	r.rcpts = store_col_text(s, 4);
	r.qid = store_col_text(s, 5);
	r.sid = store_col_text(s, 6);
	r.hdr_mid = store_col_text(s, 7);
	r.host = store_col_text(s, 8);
	r.ip = store_col_text(s, 9);
	r.action = store_col_text(s, 10);
	r.virus = store_col_text(s, 11);
	r.attach = store_col_text(s, 12);
	r.terms = store_col_text(s, 13);
	r.record = store_col_text(s, 14);
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
		store_complain(c, "scanning records");
		ret = -1;
	}
	sqlite3_reset(s);
	return ret;
}

/* Emits the record of a msg id. 1 go on, 0 stop, -1 error. */
static int emit_msg_id(struct conn *c, int64_t id, sim_msg_cb cb, void *arg)
{
	sqlite3_stmt *s = store_stmt(c, ST_MSG_BY_ID);
	int rc, go = 1;

	if (!s || sqlite3_bind_int64(s, 1, id) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		go = emit_msg(s, cb, arg);
	else if (rc != SQLITE_DONE) {
		store_complain(c, "reading a record");
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
	if (store_dict_load(c, d) < 0)
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
	add = store_stmt(c, ST_WANT_ADD);
	if (!add || store_step_plain(c, ST_WANT_CLEAR) < 0)
		goto done;
	for (size_t i = 1; i < set.n; i++) {
		if (!addr_set_has(&set, (int64_t)i))
			continue;
		if (sqlite3_bind_int64(add, 1, (int64_t)i) != SQLITE_OK ||
		    store_step_done(c, add) < 0)
			goto done;
	}
	s = store_stmt(c, ST_MA_BY_WANT);
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
		store_complain(c, "scanning addresses");
		goto done;
	}
	ret = 0;
done:
	if (s)
		sqlite3_reset(s);
	free(set.bits);
	return ret;
}

/*
 * The statement for an exact key of the scan, the most selective first (each has an index), or
 * 0 when the scan has none; *key its value.
 */
static enum stmt_id exact_key(const sim_msg_scan *scan, const char **key)
{
	const char *unused;

	if (!key)
		key = &unused;
	if ((*key = scan->guid))
		return ST_MSG_BY_GUID;
	if ((*key = scan->hdr_mid))
		return ST_MSG_BY_MID;
	if ((*key = scan->qid))
		return ST_MSG_BY_QID;
	if ((*key = scan->sid))
		return ST_MSG_BY_SID;
	return 0;
}

int sim_store_scan_messages(sim_store *st, const sim_msg_scan *scan, sim_msg_cb cb, void *arg)
{
	struct conn *c = store_conn(st);
	sqlite3_stmt *s = NULL;
	int own, ret = -1;

	if (!c)
		return -1;
	/* One read snapshot for the whole scan, unless the caller already holds a transaction. */
	own = sqlite3_get_autocommit(c->db);
	if (own && store_step_plain(c, ST_BEGIN_READ) < 0)
		return -1;
	if (exact_key(scan, NULL)) {
		const char *key;
		enum stmt_id id = exact_key(scan, &key);

		s = store_stmt(c, id);
		if (!s || store_bind_text(s, 1, key) < 0)
			goto done;
	} else {
		if (scan->addr_pred) {
			ret = scan_by_addr(c, scan, cb, arg);
			if (ret <= 0)
				goto done;
			ret = -1;
		}
		/* Many matching addresses are frequent: newest first by time finds them soon. */
		s = store_stmt(c, ST_MSG_BY_TIME);
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
		store_step_plain(c, ST_COMMIT);
	return ret;
}

/* Appends the plan of one statement, a step a line. 0 or -1. */
int store_plan_of(struct conn *c, enum stmt_id id, ppsbuf *out)
{
	sqlite3_stmt *s = NULL;
	ppsbuf sql = PPSBUF_INIT;
	int rc, ret = -1;

	if (ppsbuf_addf(&sql, "EXPLAIN QUERY PLAN %s", store_stmt_sql[id]) < 0 ||
	    sqlite3_prepare_v2(c->db, sql.buf, -1, &s, NULL) != SQLITE_OK)
		goto done;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (ppsbuf_addf(out, "%s\n", store_col_text(s, 3)) < 0)
			goto done;
	ret = rc == SQLITE_DONE ? 0 : -1;
done:
	sqlite3_finalize(s);
	ppsbuf_release(&sql);
	return ret;
}

int sim_store_scan_plan(sim_store *st, const sim_msg_scan *scan, char *buf, size_t len)
{
	struct conn *c = store_conn(st);
	ppsbuf out = PPSBUF_INIT;
	enum stmt_id id;
	int ret = -1;

	if (!c || !len)
		return -1;
	id = exact_key(scan, NULL);
	if (id) {
		if (store_plan_of(c, id, &out) < 0)
			goto done;
	} else {
		/* An address scan runs one of two plans, depending on how many rows match. */
		if (scan->addr_pred && store_plan_of(c, ST_MA_BY_WANT, &out) < 0)
			goto done;
		if ((scan->addr_pred && store_plan_of(c, ST_MSG_BY_ID, &out) < 0) ||
		    store_plan_of(c, ST_MSG_BY_TIME, &out) < 0)
			goto done;
	}
	if (out.len >= len)
		goto done;
	memcpy(buf, out.buf, out.len + 1);
	ret = 0;
done:
	ppsbuf_release(&out);
	return ret;
}
