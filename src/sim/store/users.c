/* End-user profiles: the profile text by email (lowercased) and uid. */
#include <stdlib.h>
#include <string.h>

#include "sim/store/internal.h"

#include "util/banned.h"

int sim_store_put_user(sim_store *st, const char *email, const char *uid, const char *profile)
{
	struct conn *c = store_conn(st);
	char *lower = NULL;
	sqlite3_stmt *s;
	int ret = -1;

	if (!c || !email || !*email || !profile)
		return -1;
	lower = strdup(email);
	if (!lower)
		return -1;
	store_lower(lower);
	s = store_stmt(c, ST_USER_PUT);
	if (!s || store_bind_text(s, 1, lower) < 0 || store_bind_text(s, 2, uid) < 0 ||
	    store_bind_text(s, 3, profile) < 0)
		goto done;
	ret = store_step_done(c, s);
done:
	free(lower);
	return ret;
}

int sim_store_get_user(sim_store *st, const char *email_or_uid, char **out)
{
	struct conn *c = store_conn(st);
	char *email = strdup(email_or_uid);
	sqlite3_stmt *s;
	int rc, ret = -1;

	*out = NULL;
	if (!c || !email || !(s = store_stmt(c, ST_USER_GET)))
		goto done;
	store_lower(email);
	if (store_bind_text(s, 1, email) < 0 || store_bind_text(s, 2, email_or_uid) < 0)
		goto done;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = strdup(store_col_text(s, 0));
		ret = *out ? 1 : -1;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		store_complain(c, "reading a user");
	}
	sqlite3_reset(s);
done:
	free(email);
	return ret;
}

int sim_store_delete_user(sim_store *st, const char *email_or_uid)
{
	struct conn *c = store_conn(st);
	char *email = strdup(email_or_uid);
	sqlite3_stmt *s;
	int ret = -1;

	if (!c || !email || !(s = store_stmt(c, ST_USER_DEL)))
		goto done;
	store_lower(email);
	if (store_bind_text(s, 1, email) < 0 || store_bind_text(s, 2, email_or_uid) < 0 ||
	    store_step_done(c, s) < 0)
		goto done;
	ret = sqlite3_changes(c->db) > 0 ? 1 : 0;
done:
	free(email);
	return ret;
}
