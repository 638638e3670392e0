/* Unit tests of src/sim/fixture.c: tests/fixtures/basic.json into a temporary store, the
 * conversions of the format, and bad fixtures that must leave the store unchanged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "sim/fixture.h"
#include "sim/record.h"
#include "sim/store.h"
#include "util/timeutil.h"
#include "helpers.h"

struct env {
	char dir[64];
	sim_store *st;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	char err[256];

	assert_non_null(e);
	assert_non_null(th_tmpdir(e->dir, sizeof(e->dir), "test-fixture"));
	if (sim_store_open(&e->st, e->dir, err, sizeof(err)))
		fail_msg("sim_store_open: %s", err);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	DIR *d;
	struct dirent *de;

	sim_store_close(e->st);
	d = opendir(e->dir);
	if (d) {
		while ((de = readdir(d)) != NULL) {
			char path[512];

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", e->dir, de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(e->dir);
	free(e);
	return 0;
}

static const char *basic_path(void)
{
	static char path[1024];
	const char *dir = getenv("PPS_FIXTURES");

	snprintf(path, sizeof(path), "%s/basic.json", dir ? dir : "tests/fixtures");
	return path;
}

static void load_basic(sim_store *st)
{
	char err[512] = "";

	if (sim_fixture_load(st, basic_path(), err, sizeof(err)))
		fail_msg("loading basic.json: %s", err);
}

static void load_text_ok(sim_store *st, const char *text)
{
	char err[512] = "";

	if (sim_fixture_load_text(st, text, strlen(text), "t.json", err, sizeof(err)))
		fail_msg("%s", err);
}

/* A digest of every stored Smart Search record: count and the records in scan order. */
struct collect {
	size_t count;
	json_t *records; /* array; owned */
	int64_t last_epoch;
};

static int collect_cb(void *arg, const sim_msg_row *row)
{
	struct collect *c = arg;
	json_t *rec = json_loadb(row->record, row->record_len, 0, NULL);

	assert_non_null(rec);
	assert_int_equal(json_object_set_new(rec, "_epoch", json_integer(row->epoch)), 0);
	assert_int_equal(json_array_append_new(c->records, rec), 0);
	c->count++;
	c->last_epoch = row->epoch;
	return 1;
}

static json_t *all_records(sim_store *st, const char *guid)
{
	sim_msg_scan scan = { 0 };
	struct collect c = { 0 };

	scan.from = INT64_MIN;
	scan.to = INT64_MAX;
	scan.guid = guid;
	c.records = json_array();
	assert_int_equal(sim_store_scan_messages(st, &scan, collect_cb, &c), 0);
	return c.records;
}

static json_t *one_record(sim_store *st, const char *guid, int64_t *epoch)
{
	json_t *all = all_records(st, guid);
	json_t *rec;

	if (json_array_size(all) != 1)
		fail_msg("%zu records of GUID %s", json_array_size(all), guid);
	rec = json_incref(json_array_get(all, 0));
	json_decref(all);
	*epoch = json_integer_value(json_object_get(rec, "_epoch"));
	json_object_del(rec, "_epoch");
	return rec;
}

static const char spec_record[] =
	"{\"Rule_ID\":\"system\",\"Disposition_Action\":\"\",\"Sendmail_Action\":\"\","
	"\"Attachment_Names\":\"\",\"Recipients\":\"user@example.com\",\"SendmailRaw_Log\":\"\","
	"\"GUID\":\"9rLtu31xs8H24NF8KcRw-S6EihtLK-y_\",\"Date\":\"2020-05-20 14:13:02 [UTC-0600]\","
	"\"Raw_Log\":\"\",\"Sender_Host\":\"localhost\",\"Module_ID\":\"access\","
	"\"Sender_IP_Address\":\"127.0.0.1\",\"Quarantine_Folder\":\"\",\"QID\":\"u8P6D24m919880\","
	"\"Quarantine_Rule\":\"\",\"Duration\":\"0.124094999905240\",\"Spam_Score\":\"\","
	"\"country\":\"**\",\"TLS\":\"\",\"Policy_Routes\":\"allow_relay,firewallsafe,"
	"internalnet\","
	"\"current_folder\":\"\",\"FID\":\"8lLtu31xs8H24NF8McYw-S6EidtLK-y_\","
	"\"module_rules\":[\"access.system\"],\"PE_Recipients\":\"\",\"Virus_Names\":\"\","
	"\"Sendmail_Errorcode\":\"\",\"FQIN\":\"example.com-10000_instance1\","
	"\"SMIME_Recipients\":\"\",\"Agent\":\"example.com\",\"Subject\":\"Cron <pps@user> "
	"/opt/proofpoint/pps8.0.1.1446/admin/tools/dbutil.sh -optimize -db msgqueue\","
	"\"Final_Rule\":\"access.system\",\"Suborg\":\"\",\"SMIME_Recipients_Signed\":\"\","
	"\"Message_Encrypted\":\"\",\"Message_Split\":\"\",\"Disposition_SmtpProfile\":\"\","
	"\"Sendmail_To\":\"\",\"Sendmail_Stat\":\"\",\"SID\":\"25nnq08028\","
	"\"Message_ID\":\"<551609250613.u8P6D1l3019878@user.example.com>\","
	"\"Final_Action\":\"accept\",\"Sender\":\"root@user.example.com\","
	"\"Sendmail_To_Stat\":\"\",\"Message_Size\":\"1142\"}";

static void test_fixture__basic_spec_record(void **state)
{
	struct env *e = *state;
	json_t *want = json_loads(spec_record, 0, NULL);
	json_t *rec;
	int64_t epoch;
	char *text;

	load_basic(e->st);
	rec = one_record(e->st, "9rLtu31xs8H24NF8KcRw-S6EihtLK-y_", &epoch);
	assert_non_null(want);
	assert_true(json_equal(rec, want));
	assert_int_equal(json_object_size(rec), 44);
	assert_int_equal(epoch, tu_mkutc(2020, 5, 20, 20, 13, 2));
	/* The fields come in the API's order. */
	text = json_dumps(rec, JSON_COMPACT);
	assert_non_null(text);
	assert_memory_equal(text, "{\"Rule_ID\":\"system\",\"Disposition_Action\"", 40);
	free(text);
	json_decref(rec);
	json_decref(want);
}

static void test_fixture__basic_accounts_folders_users(void **state)
{
	struct env *e = *state;
	sim_account acc;
	char names[512], type[16];
	json_t *u = NULL;

	load_basic(e->st);
	assert_int_equal(sim_store_account_names(e->st, names, sizeof(names)), 0);
	assert_non_null(strstr(names, "admin"));
	assert_non_null(strstr(names, "noenduser"));
	assert_int_equal(sim_store_check_account(e->st, "admin", "admin-pass", &acc), 1);
	assert_int_equal(acc.modules, SIM_MOD_ALL);
	assert_int_equal(sim_store_check_account(e->st, "pssonly", "pssonly-pass", &acc), 1);
	assert_int_equal(acc.modules, SIM_MOD_PSS);
	assert_int_equal(sim_store_check_account(e->st, "quaronly", "quaronly-pass", &acc), 1);
	assert_int_equal(acc.modules, SIM_MOD_QUARANTINE);
	assert_int_equal(sim_store_check_account(e->st, "noenduser", "noenduser-pass", &acc), 1);
	assert_int_equal(acc.modules, SIM_MOD_PSS | SIM_MOD_QUARANTINE);
	assert_int_equal(sim_store_check_account(e->st, "admin", "wrong", &acc), 0);

	assert_int_equal(sim_store_folder_type(e->st, "Quarantine", type, sizeof(type)), 1);
	assert_string_equal(type, "spam");
	assert_int_equal(sim_store_folder_type(e->st, "Virus", type, sizeof(type)), 1);
	assert_string_equal(type, "virus");
	assert_int_equal(sim_store_folder_type(e->st, "Deleted Incidents", type, sizeof(type)), 1);
	assert_string_equal(type, "dlp");
	assert_int_equal(sim_store_folder_type(e->st, "Nope", type, sizeof(type)), 0);

	assert_int_equal(sim_user_get(e->st, "demo.user", &u), 1);
	assert_string_equal(json_string_value(json_object_get(u, "email")),
			    "demo.user@example.com");
	assert_string_equal(json_string_value(json_object_get(u, "firstname")), "Demo");
	assert_string_equal(json_string_value(json_array_get(json_object_get(u, "groups"), 0)),
			    "staff");
	/* Defaults are filled. */
	assert_true(json_is_array(json_object_get(u, "safelist")));
	assert_true(json_is_object(json_object_get(u, "attributes")));
	assert_non_null(json_object_get(u, "lastsignon"));
	json_decref(u);
	assert_int_equal(sim_user_get(e->st, "lists@example.com", &u), 1);
	assert_int_equal(json_integer_value(json_object_get(u, "type")), 1);
	json_decref(u);
}

struct qfound {
	int64_t size, date;
	char folder[64], from[64], rcpts[128], spamscore[16];
};

static int q_cb(void *arg, const sim_qrow *row)
{
	struct qfound *q = arg;

	q->size = row->size;
	q->date = row->date;
	snprintf(q->folder, sizeof(q->folder), "%s", row->folder);
	snprintf(q->from, sizeof(q->from), "%s", row->from);
	snprintf(q->rcpts, sizeof(q->rcpts), "%s", row->rcpts);
	snprintf(q->spamscore, sizeof(q->spamscore), "%s", row->spamscore);
	return 1;
}

static void test_fixture__basic_quarantine(void **state)
{
	struct env *e = *state;
	struct qfound q = { 0 };
	char *raw = NULL;
	size_t len = 0;

	load_basic(e->st);
	assert_int_equal(sim_store_quarantine_lookup(e->st, "6:6:239", q_cb, &q), 1);
	assert_int_equal(q.size, 6496);
	assert_int_equal(q.date, tu_mkutc(2020, 1, 15, 20, 0, 0));
	assert_string_equal(q.folder, "Quarantine");
	assert_string_equal(q.from, "john@doe.com");
	assert_string_equal(q.rcpts, "foo@bar.com");
	assert_string_equal(q.spamscore, "100");
	assert_int_equal(sim_store_quarantine_lookup(e->st, "6:6:4", q_cb, &q), 1);
	assert_int_equal(q.size, 6143);
	assert_int_equal(sim_store_quarantine_lookup(e->st, "4:2:6", q_cb, &q), 1);
	assert_string_equal(q.folder, "HIPAA");
	assert_int_equal(sim_store_quarantine_lookup(e->st, "72wWvWN8qIx-jclF-uv6feVwEFDkkidM",
						     q_cb, &q),
			 1);
	assert_string_equal(q.folder, "TestQ");
	assert_int_equal(
		sim_store_quarantine_raw(e->st, "72wWvWN8qIx-jclF-uv6feVwEFDkkidM", &raw, &len), 1);
	assert_int_equal(len, (size_t)q.size);
	assert_non_null(strstr(raw, "Subject: Lottery Winning 3\r\n"));
	free(raw);
	assert_int_equal(sim_store_quarantine_lookup(e->st, "9:9:9", q_cb, &q), 0);
}

static void test_fixture__load_twice_is_idempotent(void **state)
{
	struct env *e = *state;
	json_t *first, *second;
	char names1[512], names2[512];

	load_basic(e->st);
	first = all_records(e->st, NULL);
	assert_int_equal(sim_store_account_names(e->st, names1, sizeof(names1)), 0);
	load_basic(e->st);
	second = all_records(e->st, NULL);
	assert_int_equal(sim_store_account_names(e->st, names2, sizeof(names2)), 0);
	assert_true(json_array_size(first) > 30);
	assert_true(json_equal(first, second));
	assert_string_equal(names1, names2);
	json_decref(first);
	json_decref(second);
}

static void test_fixture__conversions(void **state)
{
	struct env *e = *state;
	json_t *rec, *all;
	int64_t epoch;
	const char *guid;

	load_text_ok(e->st,
		     "{\"messages\":[{\"GUID\":\"g1\",\"Date\":\"2020-05-11T08:15:00+05:30\","
		     "\"Recipients\":[\"a@x.test\",\"b@x.test\"],\"Message_Size\":1234},"
		     "{\"GUID\":\"g2\",\"Date\":\"2020-05-11 08:15:00 [UTC-0600]\"},"
		     "{\"Date\":\"2020-05-12T00:00:00Z\",\"Subject\":\"no guid\"}]}");
	rec = one_record(e->st, "g1", &epoch);
	assert_string_equal(json_string_value(json_object_get(rec, "Date")),
			    "2020-05-11 08:15:00 [UTC+0530]");
	assert_int_equal(epoch, tu_mkutc(2020, 5, 11, 2, 45, 0));
	assert_string_equal(json_string_value(json_object_get(rec, "Recipients")),
			    "a@x.test,b@x.test");
	assert_string_equal(json_string_value(json_object_get(rec, "Message_Size")), "1234");
	assert_string_equal(json_string_value(json_object_get(rec, "Sender")), "");
	assert_int_equal(json_array_size(json_object_get(rec, "module_rules")), 0);
	assert_true(json_is_array(json_object_get(rec, "module_rules")));
	assert_int_equal(json_object_size(rec), 44);
	json_decref(rec);
	rec = one_record(e->st, "g2", &epoch);
	assert_string_equal(json_string_value(json_object_get(rec, "Date")),
			    "2020-05-11 08:15:00 [UTC-0600]");
	assert_int_equal(epoch, tu_mkutc(2020, 5, 11, 14, 15, 0));
	json_decref(rec);

	/* A derived GUID: 32 characters, the same on a second load (no duplicate). */
	all = all_records(e->st, NULL);
	assert_int_equal(json_array_size(all), 3);
	guid = json_string_value(json_object_get(json_array_get(all, 0), "GUID"));
	assert_int_equal(strlen(guid), 32);
	load_text_ok(e->st,
		     "{\"messages\":[{\"GUID\":\"g1\",\"Date\":\"2020-05-11T08:15:00+05:30\","
		     "\"Recipients\":[\"a@x.test\",\"b@x.test\"],\"Message_Size\":1234},"
		     "{\"GUID\":\"g2\",\"Date\":\"2020-05-11 08:15:00 [UTC-0600]\"},"
		     "{\"Date\":\"2020-05-12T00:00:00Z\",\"Subject\":\"no guid\"}]}");
	json_decref(all);
	all = all_records(e->st, NULL);
	assert_int_equal(json_array_size(all), 3);
	json_decref(all);
}

static void test_fixture__quarantine_without_raw(void **state)
{
	struct env *e = *state;
	char *raw = NULL;
	size_t len = 0;
	struct qfound q = { 0 };

	load_text_ok(
		e->st,
		"{\"folders\":[{\"name\":\"Q\",\"type\":\"spam\"}],"
		"\"quarantine\":[{\"guid\":\"G1\",\"localguid\":\"1:1:1\",\"folder\":\"Q\","
		"\"from\":\"a@b.test\",\"rcpts\":\"c@d.test, e@f.test\",\"subject\":\"Hi\","
		"\"date\":\"2020-05-01 10:00:00\",\"spamscore\":87,\"messageid\":\"m1@b.test\"}]}");
	assert_int_equal(sim_store_quarantine_lookup(e->st, "1:1:1", q_cb, &q), 1);
	assert_string_equal(q.rcpts, "c@d.test\ne@f.test");
	assert_string_equal(q.spamscore, "87");
	assert_int_equal(sim_store_quarantine_raw(e->st, "G1", &raw, &len), 1);
	assert_int_equal(len, (size_t)q.size);
	assert_non_null(strstr(raw, "Subject: Hi\r\n"));
	assert_non_null(strstr(raw, "Message-ID: <m1@b.test>\r\n"));
	free(raw);
}

/* A fixture that defines things and then fails on its last entry. */
static void expect_failure(sim_store *st, const char *text, const char *want)
{
	char err[512] = "";

	assert_int_equal(
		sim_fixture_load_text(st, text, strlen(text), "bad.json", err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
}

#define GHOST_PREFIX                                                     \
	"{\"accounts\":[{\"username\":\"ghost\",\"password\":\"boo\"}]," \
	"\"folders\":[{\"name\":\"Ghost\",\"type\":\"spam\"}],"          \
	"\"messages\":[{\"GUID\":\"ghost-1\",\"Date\":\"2020-05-01T00:00:00Z\"}],"

static void assert_no_ghost(sim_store *st, size_t records, const char *names_before)
{
	sim_account acc;
	char type[16], names[512];
	json_t *all = all_records(st, NULL);
	json_t *u = NULL;

	assert_int_equal(json_array_size(all), records);
	json_decref(all);
	assert_int_equal(sim_store_check_account(st, "ghost", "boo", &acc), 0);
	assert_int_equal(sim_store_folder_type(st, "Ghost", type, sizeof(type)), 0);
	assert_int_equal(sim_user_get(st, "ghost@example.com", &u), 0);
	assert_int_equal(sim_store_account_names(st, names, sizeof(names)), 0);
	assert_string_equal(names, names_before);
}

static void test_fixture__errors_leave_store_unchanged(void **state)
{
	struct env *e = *state;
	char names[512];
	size_t n;
	json_t *all;

	load_basic(e->st);
	all = all_records(e->st, NULL);
	n = json_array_size(all);
	json_decref(all);
	assert_int_equal(sim_store_account_names(e->st, names, sizeof(names)), 0);

	expect_failure(e->st, GHOST_PREFIX "\"mesages\":[]}",
		       "bad.json: unknown top-level key 'mesages'");
	assert_no_ghost(e->st, n, names);
	expect_failure(e->st,
		       GHOST_PREFIX "\"users\":[{\"email\":\"ghost@example.com\"}],"
				    "\"quarantine\":[{\"guid\":\"x\",\"localguid\":\"1:2:3\","
				    "\"folder\":\"Ghost\",\"date\":\"2020-05-01 00:00:00\"},"
				    "{\"guid\":\"y\",\"localguid\":\"1:2:4\",\"folder\":\"Nope\","
				    "\"date\":\"2020-05-01 00:00:00\"}]}",
		       "bad.json: quarantine[1]: folder 'Nope' is not defined");
	assert_no_ghost(e->st, n, names);
	expect_failure(e->st,
		       GHOST_PREFIX
		       "\"users\":[{\"email\":\"ghost@example.com\"},{\"uid\":\"x\"}]}",
		       "bad.json: users[1]: email must be an address");
	assert_no_ghost(e->st, n, names);
	expect_failure(e->st,
		       "{\"accounts\":[{\"username\":\"ghost\",\"password\":\"boo\"}],"
		       "\"folders\":[{\"name\":\"Ghost\",\"type\":\"spam\"}],"
		       "\"messages\":[{\"GUID\":\"ghost-1\",\"Date\":\"2020-05-01T00:00:00Z\"},"
		       "{\"GUID\":\"ghost-2\",\"Date\":\"2020-13-01T00:00:00Z\"}]}",
		       "bad.json: messages[1]: bad Date '2020-13-01T00:00:00Z'");
	assert_no_ghost(e->st, n, names);
	expect_failure(e->st, "{\n  \"accounts\": [\n    {\"username\": \"ghost\",}\n  ]\n}\n",
		       "bad.json: line 3, column");
	assert_no_ghost(e->st, n, names);
}

static void test_fixture__entry_errors(void **state)
{
	struct env *e = *state;

	expect_failure(e->st, "[]", "bad.json: the top level is not an object");
	expect_failure(e->st, "{\"folders\":{}}", "bad.json: 'folders' is not an array");
	expect_failure(e->st, "{\"folders\":[{\"name\":\"X\",\"type\":\"mail\"}]}",
		       "bad.json: folders[0]: type of 'X' must be spam, virus or dlp");
	expect_failure(
		e->st,
		"{\"accounts\":[{\"username\":\"a\",\"password\":\"b\",\"modules\":\"pss,smtp\"}]}",
		"bad.json: accounts[0]: unknown module 'smtp'");
	expect_failure(e->st, "{\"accounts\":[{\"username\":\"a\"}]}",
		       "bad.json: accounts[0]: username and password");
	expect_failure(e->st,
		       "{\"messages\":[{\"Date\":\"2020-05-01T00:00:00Z\",\"Sendr\":\"x\"}]}",
		       "bad.json: messages[0]: unknown field 'Sendr'");
	expect_failure(e->st, "{\"messages\":[{\"Subject\":\"no date\"}]}",
		       "bad.json: messages[0]: Date is required");
	expect_failure(
		e->st,
		"{\"messages\":[{\"Date\":\"2020-05-01T00:00:00Z\",\"module_rules\":\"x\"}]}",
		"bad.json: messages[0]: module_rules has the wrong type");
	expect_failure(e->st, "{\"quarantine\":[{\"guid\":\"x\"}]}",
		       "bad.json: quarantine[0]: guid, localguid, folder and date are required");
	expect_failure(e->st, "{\"users\":[{\"email\":\"a@b.c\",\"type\":2}]}",
		       "bad.json: users[0]: type must be 0");
	expect_failure(e->st, "{\"folders\":[],\"folders\":[]}", "bad.json: line 1");
}

static void test_fixture__missing_file(void **state)
{
	struct env *e = *state;
	char err[512] = "";

	assert_int_equal(sim_fixture_load(e->st, "/nonexistent/x.json", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.json: cannot open"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fixture__basic_spec_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixture__basic_accounts_folders_users, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fixture__basic_quarantine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixture__load_twice_is_idempotent, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fixture__conversions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixture__quarantine_without_raw, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fixture__errors_leave_store_unchanged, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fixture__entry_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixture__missing_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
