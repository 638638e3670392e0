/*
 * The store's schema and the text of every statement of pps-sim: SQL is written here and
 * nowhere else. Bound parameters only.
 */
#include "sim/store/internal.h"

#include "util/banned.h"

const char *const store_schema_sql =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS account(name TEXT PRIMARY KEY, salt BLOB NOT NULL,"
	" iterations INTEGER NOT NULL, hash BLOB NOT NULL, modules INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS folder(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	" type TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS msg(id INTEGER PRIMARY KEY, guid TEXT NOT NULL UNIQUE,"
	" epoch INTEGER NOT NULL, sender TEXT NOT NULL, rcpts TEXT NOT NULL, qid TEXT NOT NULL,"
	" sid TEXT NOT NULL, hdr_mid TEXT NOT NULL, host TEXT NOT NULL, ip TEXT NOT NULL,"
	" action TEXT NOT NULL, virus TEXT NOT NULL, attach TEXT NOT NULL, terms TEXT NOT NULL,"
	" record TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS addr(id INTEGER PRIMARY KEY, address TEXT NOT NULL UNIQUE);"
	"CREATE TABLE IF NOT EXISTS msg_addr(addr_id INTEGER NOT NULL, role INTEGER NOT NULL,"
	" epoch INTEGER NOT NULL, msg_id INTEGER NOT NULL,"
	" PRIMARY KEY(addr_id, role, epoch, msg_id)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS qmsg(id INTEGER PRIMARY KEY, guid TEXT NOT NULL UNIQUE,"
	" localguid TEXT NOT NULL UNIQUE, folder_id INTEGER NOT NULL REFERENCES folder(id),"
	" sender TEXT NOT NULL, rcpts TEXT NOT NULL, subject TEXT NOT NULL, date INTEGER NOT NULL,"
	" spamscore TEXT NOT NULL, host_ip TEXT NOT NULL, messageid TEXT NOT NULL,"
	" processingserver TEXT NOT NULL, raw BLOB NOT NULL, status TEXT NOT NULL);"
	/* The senders and recipients of quarantined messages by exact address (sim_qaddr_key). */
	"CREATE TABLE IF NOT EXISTS qaddr(address TEXT NOT NULL, role INTEGER NOT NULL,"
	" folder_id INTEGER NOT NULL, date INTEGER NOT NULL, qmsg_id INTEGER NOT NULL,"
	" PRIMARY KEY(address, role, folder_id, date, qmsg_id)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS qaddr_msg ON qaddr(qmsg_id);"
	"CREATE TRIGGER IF NOT EXISTS qmsg_gone AFTER DELETE ON qmsg BEGIN"
	" DELETE FROM qaddr WHERE qmsg_id = old.id; END;"
	"CREATE TRIGGER IF NOT EXISTS qmsg_moved AFTER UPDATE OF folder_id ON qmsg BEGIN"
	" UPDATE qaddr SET folder_id = new.folder_id WHERE qmsg_id = old.id; END;"
	"CREATE TABLE IF NOT EXISTS outbox(id INTEGER PRIMARY KEY, entry TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS enduser(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE,"
	" uid TEXT NOT NULL, profile TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS enduser_uid ON enduser(uid);";

/*
 * The indexes of the two big tables. A bulk load drops them and builds them once at its end
 * (sorting once is much cheaper than keeping five B-trees in order row by row).
 */
const char *const store_index_sql =
	"CREATE INDEX IF NOT EXISTS msg_epoch ON msg(epoch);"
	"CREATE INDEX IF NOT EXISTS msg_qid ON msg(qid);"
	"CREATE INDEX IF NOT EXISTS msg_sid ON msg(sid);"
	"CREATE INDEX IF NOT EXISTS msg_hdr_mid ON msg(hdr_mid);"
	"CREATE INDEX IF NOT EXISTS qmsg_folder ON qmsg(folder_id, date);";
const char *const store_drop_index_sql =
	"DROP INDEX IF EXISTS msg_epoch; DROP INDEX IF EXISTS msg_qid; DROP INDEX IF EXISTS "
	"msg_sid;"
	" DROP INDEX IF EXISTS msg_hdr_mid; DROP INDEX IF EXISTS qmsg_folder;";

#define MSG_COLS                                                                             \
	"SELECT id, epoch, guid, sender, rcpts, qid, sid, hdr_mid, host, ip, action, virus," \
	" attach, terms, record FROM msg "
#define Q_COLS                                                                                    \
	"SELECT q.id, q.guid, q.localguid, f.name, f.type, q.sender, q.rcpts, q.subject, q.date," \
	" q.spamscore, q.host_ip, q.messageid, q.processingserver, q.status, length(q.raw)"       \
	" FROM qmsg q JOIN folder f ON f.id = q.folder_id "

const char *const store_stmt_sql[ST__COUNT] = {
	[ST_BEGIN_WRITE] = "BEGIN IMMEDIATE",
	[ST_BEGIN_READ] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_DEL] = "DELETE FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT INTO meta(key, value) VALUES(?1, ?2)"
			" ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[ST_ACCT_PUT] = "INSERT INTO account(name, salt, iterations, hash, modules)"
			" VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(name) DO UPDATE SET"
			" salt = excluded.salt, iterations = excluded.iterations,"
			" hash = excluded.hash, modules = excluded.modules",
	[ST_ACCT_GET] = "SELECT salt, iterations, hash, modules FROM account WHERE name = ?1",
	[ST_ACCT_NAMES] = "SELECT name FROM account ORDER BY name",
	[ST_FOLDER_PUT] = "INSERT INTO folder(name, type) VALUES(?1, ?2)"
			  " ON CONFLICT(name) DO UPDATE SET type = excluded.type",
	[ST_FOLDER_GET] = "SELECT id, type FROM folder WHERE name = ?1",
	[ST_MSG_OLD] = "SELECT id, epoch, sender, rcpts FROM msg WHERE guid = ?1",
	[ST_MSG_DEL] = "DELETE FROM msg WHERE id = ?1",
	[ST_MA_DEL] = "DELETE FROM msg_addr WHERE addr_id = ?1 AND role = ?2 AND epoch = ?3"
		      " AND msg_id = ?4",
	[ST_MSG_INS] = "INSERT INTO msg(guid, epoch, sender, rcpts, qid, sid, hdr_mid, host, ip,"
		       " action, virus, attach, terms, record)"
		       " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[ST_ADDR_FIND] = "SELECT id FROM addr WHERE address = ?1",
	[ST_ADDR_INS] = "INSERT INTO addr(address) VALUES(?1)",
	[ST_MA_INS] = "INSERT OR IGNORE INTO msg_addr(addr_id, role, epoch, msg_id)"
		      " VALUES(?1, ?2, ?3, ?4)",
	[ST_ADDR_ALL] = "SELECT id, address FROM addr",
	[ST_ADDR_COUNTS] = "SELECT addr_id, role, count(*) FROM msg_addr GROUP BY addr_id, role",
	[ST_MSG_BY_ID] = MSG_COLS "WHERE id = ?1",
	[ST_MSG_BY_GUID] = MSG_COLS "WHERE guid = ?1 AND epoch >= ?2 AND epoch < ?3",
	[ST_MSG_BY_QID] = MSG_COLS "WHERE qid = ?1 AND epoch >= ?2 AND epoch < ?3"
				   " ORDER BY epoch DESC, id DESC",
	[ST_MSG_BY_SID] = MSG_COLS "WHERE sid = ?1 AND epoch >= ?2 AND epoch < ?3"
				   " ORDER BY epoch DESC, id DESC",
	[ST_MSG_BY_MID] = MSG_COLS "WHERE hdr_mid = ?1 AND epoch >= ?2 AND epoch < ?3"
				   " ORDER BY epoch DESC, id DESC",
	[ST_MSG_BY_TIME] = MSG_COLS "WHERE epoch >= ?2 AND epoch < ?3 ORDER BY epoch DESC, id DESC",
	[ST_WANT_CLEAR] = "DELETE FROM temp.want",
	[ST_WANT_ADD] = "INSERT OR IGNORE INTO temp.want(id) VALUES(?1)",
	[ST_MA_BY_WANT] = "SELECT msg_id FROM msg_addr WHERE addr_id IN (SELECT id FROM temp.want)"
			  " AND role = ?1 AND epoch >= ?2 AND epoch < ?3"
			  " ORDER BY epoch DESC, msg_id DESC",
	[ST_Q_PUT] = "INSERT INTO qmsg(guid, localguid, folder_id, sender, rcpts, subject, date,"
		     " spamscore, host_ip, messageid, processingserver, raw, status)"
		     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
		     " ON CONFLICT(guid) DO UPDATE SET localguid = excluded.localguid,"
		     " folder_id = excluded.folder_id, sender = excluded.sender,"
		     " rcpts = excluded.rcpts, subject = excluded.subject, date = excluded.date,"
		     " spamscore = excluded.spamscore, host_ip = excluded.host_ip,"
		     " messageid = excluded.messageid,"
		     " processingserver = excluded.processingserver, raw = excluded.raw,"
		     " status = excluded.status",
	/* The matchers are SQL functions (conn.c), so rows are filtered before any is read out. */
	[ST_Q_SCAN] = Q_COLS "WHERE q.folder_id = ?1 AND q.date >= ?2 AND q.date <= ?3"
			     " AND (?4 IS NULL OR sim_qaddr(?4, q.sender))"
			     " AND (?5 IS NULL OR sim_qaddr_any(?5, q.rcpts))"
			     " AND (?6 IS NULL OR sim_qsubject(?6, q.subject))"
			     " ORDER BY q.date DESC, q.id DESC LIMIT ?7",
	/* An exact sender or recipient: its index rows first, then the same filters. */
	[ST_Q_SCAN_ADDR] = Q_COLS "WHERE q.id IN (SELECT qmsg_id FROM qaddr WHERE address = ?8"
				  " AND role = ?9 AND folder_id = ?1 AND date >= ?2 AND date <= ?3)"
				  " AND (?4 IS NULL OR sim_qaddr(?4, q.sender))"
				  " AND (?5 IS NULL OR sim_qaddr_any(?5, q.rcpts))"
				  " AND (?6 IS NULL OR sim_qsubject(?6, q.subject))"
				  " ORDER BY q.date DESC, q.id DESC LIMIT ?7",
	[ST_QA_INS] = "INSERT OR IGNORE INTO qaddr(address, role, folder_id, date, qmsg_id)"
		      " VALUES(?1, ?2, ?3, ?4, ?5)",
	[ST_QA_CLEAR] = "DELETE FROM qaddr WHERE qmsg_id = ?1",
	[ST_Q_ID] = "SELECT id FROM qmsg WHERE guid = ?1",
	[ST_Q_BY_LG] = Q_COLS "WHERE q.localguid = ?1",
	[ST_Q_BY_GUID] = Q_COLS "WHERE q.guid = ?1",
	[ST_Q_BY_ID] = Q_COLS "WHERE q.id = ?1",
	[ST_Q_RAW] = "SELECT raw FROM qmsg WHERE guid = ?1",
	[ST_Q_MOVE] = "UPDATE qmsg SET folder_id = ?2 WHERE id = ?1",
	[ST_Q_DEL] = "DELETE FROM qmsg WHERE id = ?1",
	[ST_Q_STATUS] = "UPDATE qmsg SET status = ?2 WHERE id = ?1",
	[ST_OUT_INS] = "INSERT INTO outbox(entry) VALUES(?1)",
	[ST_OUT_SCAN] = "SELECT id, entry FROM outbox WHERE id > ?1 ORDER BY id",
	[ST_USER_PUT] = "INSERT INTO enduser(email, uid, profile) VALUES(?1, ?2, ?3)"
			" ON CONFLICT(email) DO UPDATE SET uid = excluded.uid,"
			" profile = excluded.profile",
	[ST_USER_GET] = "SELECT profile FROM enduser WHERE email = ?1 OR uid = ?2"
			" ORDER BY email = ?1 DESC, id LIMIT 1",
	[ST_ANY_MAIL] = "SELECT 1 FROM msg UNION ALL SELECT 1 FROM qmsg LIMIT 1",
	[ST_USER_DEL] = "DELETE FROM enduser WHERE id = (SELECT id FROM enduser"
			" WHERE email = ?1 OR uid = ?2 ORDER BY email = ?1 DESC, id LIMIT 1)",
};
