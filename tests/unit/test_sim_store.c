/* Unit tests of src/sim/store.c: accounts, meta, folders, records, persistence across reopen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>

#include "sim/record.h"
#include "sim/store.h"
#include "helpers.h"

struct fx {
	char dir[64];
	sim_store *st;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	if (!f)
		return -1;
	if (!th_tmpdir(f->dir, sizeof(f->dir), "store") ||
	    sim_store_open(&f->st, f->dir, err, sizeof(err)) < 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	sim_store_close(f->st);
	if (th_rmtree(f->dir) != 0)
		return -1;
	free(f);
	return 0;
}

static void reopen(struct fx *f)
{
	char err[256];

	sim_store_close(f->st);
	f->st = NULL;
	assert_int_equal(sim_store_open(&f->st, f->dir, err, sizeof(err)), 0);
}

static json_t *record(const char *guid, const char *sender, const char *rcpts, const char *subj)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}", "GUID", guid,
			 "Sender", sender, "Recipients", rcpts, "Subject", subj, "QID", "q1", "SID",
			 "s1", "Message_ID", "<m1@x>", "Final_Action", "accept", "Sender_Host",
			 "Host.Example", "module_rules", "access.system");
}

static int collect(void *arg, const sim_msg_row *row)
{
	json_t *arr = arg;

	json_array_append_new(arr, json_string(row->guid));
	return 1;
}

static int match_example(void *arg, const char *address)
{
	(void)arg;
	return strstr(address, "example") != NULL;
}

static void test_store__accounts_verify_and_reject(void **state)
{
	struct fx *f = *state;
	sim_account acct;
	char names[256];

	assert_int_equal(sim_store_put_account(f->st, "admin", "admin-pass", SIM_MOD_ALL), 0);
	assert_int_equal(sim_store_put_account(f->st, "pssonly", "p", SIM_MOD_PSS), 0);
	assert_int_equal(sim_store_check_account(f->st, "admin", "admin-pass", &acct), 1);
	assert_string_equal(acct.name, "admin");
	assert_int_equal(acct.modules, SIM_MOD_ALL);
	/* the cached path gives the same answer */
	assert_int_equal(sim_store_check_account(f->st, "admin", "admin-pass", &acct), 1);
	assert_int_equal(sim_store_check_account(f->st, "admin", "admin-pas", &acct), 0);
	assert_int_equal(acct.modules, 0);
	assert_int_equal(sim_store_check_account(f->st, "nobody", "admin-pass", &acct), 0);
	assert_int_equal(sim_store_account_names(f->st, names, sizeof(names)), 0);
	assert_string_equal(names, "admin,pssonly");
	/* a changed password must not be served from the cache */
	assert_int_equal(sim_store_put_account(f->st, "admin", "new-pass", SIM_MOD_PSS), 0);
	assert_int_equal(sim_store_check_account(f->st, "admin", "admin-pass", &acct), 0);
	assert_int_equal(sim_store_check_account(f->st, "admin", "new-pass", &acct), 1);
	assert_int_equal(acct.modules, SIM_MOD_PSS);
	reopen(f);
	assert_int_equal(sim_store_check_account(f->st, "admin", "new-pass", &acct), 1);
}

static void test_store__meta_roundtrip_and_persist(void **state)
{
	struct fx *f = *state;
	char v[64];

	assert_int_equal(sim_store_get_meta(f->st, "seeded", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(sim_store_set_meta(f->st, "seeded", "1000"), 0);
	reopen(f);
	assert_int_equal(sim_store_get_meta(f->st, "seeded", v, sizeof(v)), 0);
	assert_string_equal(v, "1000");
	assert_int_equal(sim_store_get_meta(f->st, "schema_version", v, sizeof(v)), 0);
	assert_string_equal(v, "3");
}

static void test_store__messages_by_address_and_time(void **state)
{
	struct fx *f = *state;
	sim_msg_scan scan = { .from = INT64_MIN, .to = INT64_MAX };
	json_t *r, *got = json_array();

	assert_int_equal(sim_store_begin(f->st), 0);
	for (int i = 0; i < 50; i++) {
		char guid[32];

		snprintf(guid, sizeof(guid), "g%02d", i);
		r = record(guid, i % 2 ? "User@Example.com" : "other@abc.com",
			   "a@b.c, x@example.org", "hello");
		assert_int_equal(sim_record_add(f->st, r, 1000 + i), 0);
		json_decref(r);
	}
	assert_int_equal(sim_store_commit(f->st), 0);
	scan.addr_pred = match_example;
	scan.addr_role = SIM_ROLE_SENDER;
	assert_int_equal(sim_store_scan_messages(f->st, &scan, collect, got), 0);
	assert_int_equal(json_array_size(got), 25);
	assert_string_equal(json_string_value(json_array_get(got, 0)), "g49");
	json_array_clear(got);
	scan.addr_role = SIM_ROLE_RCPT;
	scan.from = 1010;
	scan.to = 1020;
	assert_int_equal(sim_store_scan_messages(f->st, &scan, collect, got), 0);
	assert_int_equal(json_array_size(got), 10);
	assert_string_equal(json_string_value(json_array_get(got, 0)), "g19");
	assert_string_equal(json_string_value(json_array_get(got, 9)), "g10");
	json_decref(got);
}

static void test_store__replacing_a_guid_keeps_one_record(void **state)
{
	struct fx *f = *state;
	sim_msg_scan scan = { .from = INT64_MIN, .to = INT64_MAX };
	json_t *r, *got = json_array();

	r = record("same", "a@example.com", "b@b.b", "one");
	assert_int_equal(sim_record_add(f->st, r, 10), 0);
	json_decref(r);
	r = record("same", "c@abc.com", "b@b.b", "two");
	assert_int_equal(sim_record_add(f->st, r, 20), 0);
	json_decref(r);
	scan.addr_pred = match_example;
	assert_int_equal(sim_store_scan_messages(f->st, &scan, collect, got), 0);
	assert_int_equal(json_array_size(got), 0);
	scan.addr_pred = NULL;
	assert_int_equal(sim_store_scan_messages(f->st, &scan, collect, got), 0);
	assert_int_equal(json_array_size(got), 1);
	json_decref(got);
}

static void test_store__rollback_forgets_addresses(void **state)
{
	struct fx *f = *state;
	sim_msg_scan scan = { .from = INT64_MIN, .to = INT64_MAX, .addr_pred = match_example };
	json_t *r, *got = json_array();

	assert_int_equal(sim_store_begin(f->st), 0);
	r = record("gone", "a@example.com", "b@b.b", "one");
	assert_int_equal(sim_record_add(f->st, r, 10), 0);
	json_decref(r);
	assert_int_equal(sim_store_rollback(f->st), 0);
	r = record("again", "a@example.com", "b@b.b", "one");
	assert_int_equal(sim_record_add(f->st, r, 9), 0);
	json_decref(r);
	r = record("kept", "z@example.com", "b@b.b", "one");
	assert_int_equal(sim_record_add(f->st, r, 11), 0);
	json_decref(r);
	assert_int_equal(sim_store_scan_messages(f->st, &scan, collect, got), 0);
	assert_int_equal(json_array_size(got), 2);
	assert_string_equal(json_string_value(json_array_get(got, 0)), "kept");
	assert_string_equal(json_string_value(json_array_get(got, 1)), "again");
	reopen(f);
	json_array_clear(got);
	assert_int_equal(sim_store_scan_messages(f->st, &scan, collect, got), 0);
	assert_int_equal(json_array_size(got), 2);
	json_decref(got);
}

static void *thread_check(void *arg)
{
	sim_store *st = arg;
	sim_account acct;
	long ok = 0;

	for (int i = 0; i < 5; i++)
		ok += sim_store_check_account(st, "admin", "admin-pass", &acct) == 1;
	return (void *)ok;
}

static void test_store__threads_get_their_own_connection(void **state)
{
	struct fx *f = *state;
	pthread_t t[4];
	void *ok;

	assert_int_equal(sim_store_put_account(f->st, "admin", "admin-pass", SIM_MOD_ALL), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, thread_check, f->st), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], &ok), 0);
		assert_int_equal((long)ok, 5);
	}
}

static void test_store__folders_and_quarantine(void **state)
{
	struct fx *f = *state;
	const char *rcpts[] = { "foo@bar.com" };
	sim_qmsg m = { .guid = "G1",
		       .localguid = "6:6:239",
		       .folder = "Quarantine",
		       .from = "john@doe.com",
		       .rcpts = rcpts,
		       .nrcpts = 1,
		       .subject = "Loan",
		       .date = 1579118400,
		       .spamscore = "100",
		       .raw = "Subject: Loan\r\n\r\nhi\r\n",
		       .raw_len = 21,
		       .status = "[]" };
	char type[16], *raw;
	size_t len;

	assert_int_equal(sim_store_add_quarantine(f->st, &m), -1);
	assert_int_equal(sim_store_put_folder(f->st, "Quarantine", SIM_FOLDER_SPAM), 0);
	assert_int_equal(sim_store_add_quarantine(f->st, &m), 0);
	assert_int_equal(sim_store_folder_type(f->st, "Quarantine", type, sizeof(type)), 1);
	assert_string_equal(type, "spam");
	assert_int_equal(sim_store_folder_type(f->st, "Nope", type, sizeof(type)), 0);
	reopen(f);
	assert_int_equal(sim_store_quarantine_raw(f->st, "G1", &raw, &len), 1);
	assert_int_equal(len, 21);
	assert_memory_equal(raw, m.raw, 21);
	free(raw);
	assert_int_equal(sim_store_quarantine_raw(f->st, "G2", &raw, &len), 0);
}

/* A seed writes an empty store without a journal; when it does not commit, the store goes. */
static void test_store__interrupted_seed_is_discarded(void **state)
{
	struct fx *f = *state;
	char v[64], marker[128];
	FILE *m;

	assert_int_equal(sim_store_set_meta(f->st, "kept", "yes"), 0);
	assert_int_equal(sim_store_begin_seed(f->st), 0);
	assert_int_equal(sim_store_set_meta(f->st, "seed", "10"), 0);
	assert_int_equal(sim_store_commit(f->st), 0);
	reopen(f);
	assert_int_equal(sim_store_get_meta(f->st, "seed", v, sizeof(v)), 0);
	assert_string_equal(v, "10");
	/* A marker left behind stands for a seed that died before its commit. */
	snprintf(marker, sizeof(marker), "%s/pps-sim.db.seeding", f->dir);
	m = fopen(marker, "w");
	assert_non_null(m);
	fclose(m);
	reopen(f);
	assert_int_equal(sim_store_get_meta(f->st, "seed", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(sim_store_get_meta(f->st, "kept", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(access(marker, F_OK), -1);
}

static int any_address(void *arg, const char *address)
{
	(void)arg;
	(void)address;
	return 1;
}

/* A plan must not walk a whole table: every step on msg, msg_addr or qmsg is a SEARCH by a
 * key ("SCAN msg", "SCAN msg_addr", "SCAN q" are full scans; SQLite 3.36 and later). */
static void assert_no_full_scan(const char *plan, const char *what)
{
	const char *line = plan;

	while (*line) {
		size_t n = strcspn(line, "\n");

		if (strncmp(line, "SCAN msg", 8) == 0 || strncmp(line, "SCAN qmsg", 9) == 0 ||
		    strncmp(line, "SCAN q ", 7) == 0) {
			fprintf(stderr, "%s scans a table:\n%s", what, plan);
			fail();
		}
		line += n + (line[n] == '\n');
	}
}

/*
 * EXPLAIN QUERY PLAN of the statement each Smart Search filter leads to (as pss.c sets up the
 * scan): the exact keys use their indexes, addresses the address table, the rest the time
 * index; the quarantine search its folder and date index.
 */
static void test_store__no_filter_scans_the_table(void **state)
{
	struct fx *f = *state;
	static const char *const timed[] = { "from/to", "subject", "action",
					     "virus",	"attach",  "host" };
	char plan[8192];
	sim_msg_scan scan;

	for (size_t i = 0; i < sizeof(timed) / sizeof(timed[0]); i++) {
		memset(&scan, 0, sizeof(scan));
		scan.from = 0;
		scan.to = 100;
		assert_int_equal(sim_store_scan_plan(f->st, &scan, plan, sizeof(plan)), 0);
		assert_non_null(strstr(plan, "msg_epoch"));
		assert_no_full_scan(plan, timed[i]);
	}
	for (int role = 0; role < 2; role++) {
		memset(&scan, 0, sizeof(scan));
		scan.addr_pred = any_address;
		scan.addr_role = role;
		assert_int_equal(sim_store_scan_plan(f->st, &scan, plan, sizeof(plan)), 0);
		assert_non_null(strstr(plan, "msg_addr"));
		assert_no_full_scan(plan, role ? "env_rcpt" : "env_from");
	}
	{
		static const char *const keys[] = { "guid", "hdr_mid", "qid", "sid" };
		static const char *const index[] = { "sqlite_autoindex_msg_1", "msg_hdr_mid",
						     "msg_qid", "msg_sid" };

		for (size_t i = 0; i < 4; i++) {
			memset(&scan, 0, sizeof(scan));
			*(i == 0   ? &scan.guid
			  : i == 1 ? &scan.hdr_mid
			  : i == 2 ? &scan.qid
				   : &scan.sid) = "x";
			assert_int_equal(sim_store_scan_plan(f->st, &scan, plan, sizeof(plan)), 0);
			if (!strstr(plan, index[i])) {
				fprintf(stderr, "%s does not use %s:\n%s", keys[i], index[i], plan);
				fail();
			}
			assert_no_full_scan(plan, keys[i]);
		}
	}
	assert_int_equal(sim_store_qscan_plan(f->st, plan, sizeof(plan)), 0);
	assert_non_null(strstr(plan, "qmsg_folder"));
	assert_no_full_scan(plan, "quarantine search");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store__accounts_verify_and_reject, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store__meta_roundtrip_and_persist, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store__messages_by_address_and_time, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store__replacing_a_guid_keeps_one_record,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_store__rollback_forgets_addresses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store__threads_get_their_own_connection, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store__folders_and_quarantine, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store__no_filter_scans_the_table, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_store__interrupted_seed_is_discarded, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
