/* Quarantine folders and their module types. */
#include <stdio.h>

#include "sim/store/internal.h"

#include "util/banned.h"

int sim_store_put_folder(sim_store *st, const char *name, const char *type)
{
	struct conn *c = store_conn(st);
	sqlite3_stmt *s;

	if (!c || !(s = store_stmt(c, ST_FOLDER_PUT)) || store_bind_text(s, 1, name) < 0 ||
	    store_bind_text(s, 2, type) < 0)
		return -1;
	return store_step_done(c, s);
}

int store_folder_get(struct conn *c, const char *name, int64_t *id, char *type, size_t len)
{
	sqlite3_stmt *s = store_stmt(c, ST_FOLDER_GET);
	int rc, ret = -1;

	if (!s || store_bind_text(s, 1, name) < 0)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (id)
			*id = sqlite3_column_int64(s, 0);
		if (type)
			snprintf(type, len, "%s", store_col_text(s, 1));
		ret = 1;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		store_complain(c, "reading a folder");
	}
	sqlite3_reset(s);
	return ret;
}

int sim_store_folder_type(sim_store *st, const char *name, char *type, size_t len)
{
	struct conn *c = store_conn(st);

	return c ? store_folder_get(c, name, NULL, type, len) : -1;
}
