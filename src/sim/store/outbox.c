/* The outbox: what the quarantine actions sent on, as JSON text the route handlers wrote. */
#include <stdlib.h>

#include "sim/store/internal.h"

#include "util/banned.h"

int sim_store_outbox_add(sim_store *st, const char *text, int64_t *id)
{
	struct conn *c = store_conn(st);
	sqlite3_stmt *s;
	int ret = -1;

	if (!c || !text || !(s = store_stmt(c, ST_OUT_INS)) || store_bind_text(s, 1, text) < 0)
		goto done;
	if (store_step_done(c, s) < 0)
		goto done;
	if (id)
		*id = sqlite3_last_insert_rowid(c->db);
	ret = 0;
done:
	return ret;
}

int sim_store_outbox_scan(sim_store *st, int64_t since,
			  int (*cb)(void *arg, int64_t id, const char *entry), void *arg)
{
	struct conn *c = store_conn(st);
	sqlite3_stmt *s;
	int rc, go = 1, ret = -1;

	if (!c || !(s = store_stmt(c, ST_OUT_SCAN)) || sqlite3_bind_int64(s, 1, since) != SQLITE_OK)
		return -1;
	while (go > 0 && (rc = sqlite3_step(s)) == SQLITE_ROW)
		go = cb(arg, sqlite3_column_int64(s, 0), store_col_text(s, 1));
	if (go < 0)
		goto done;
	if (go > 0 && rc != SQLITE_DONE) {
		store_complain(c, "reading the outbox");
		goto done;
	}
	ret = 0;
done:
	sqlite3_reset(s);
	return ret;
}
