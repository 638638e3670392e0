/* Unit tests of the walk's pure pieces: record identity and time, the position a walk resumes
 * from (encoded, decoded, refused), the options' versions, and the dedup of the boundary second
 * from one page to the next. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "lib/internal.h"
#include "lib/walk.h"

static void test_walk__record_id_and_time(void **state)
{
	json_t *ss = json_pack("{ss ss}", "GUID", "g1", "Date", "2020-05-20 14:13:02 [UTC-0600]");
	json_t *q = json_pack("{ss ss ss}", "localguid", "", "guid", "qg", "date",
			      "2020-05-20 20:13:02");
	json_t *bad = json_pack("{ss}", "Date", "yesterday");
	int64_t t = 0, u = 0;

	(void)state;
	assert_string_equal(pps_record_id(PPS_OP_SMARTSEARCH, ss), "g1");
	assert_string_equal(pps_record_id(PPS_OP_QUARANTINE_SEARCH, q), "qg");
	assert_null(pps_record_id(PPS_OP_QUARANTINE_SEARCH, ss));
	assert_int_equal(pps_record_time(&t, PPS_OP_SMARTSEARCH, ss), PPS_OK);
	assert_int_equal(pps_record_time(&u, PPS_OP_QUARANTINE_SEARCH, q), PPS_OK);
	assert_int_equal(t, 1590005582); /* 14:13:02 at -0600 is 20:13:02 UTC */
	assert_int_equal(u, t);
	assert_int_equal(pps_record_time(&t, PPS_OP_SMARTSEARCH, bad), PPS_EPROTO);
	assert_int_equal(pps_record_time(&t, PPS_OP_QUARANTINE_SEARCH, ss), PPS_EPROTO);
	json_decref(ss);
	json_decref(q);
	json_decref(bad);
}

static void test_walk__position_round_trip(void **state)
{
	struct pps__walkpos a, b;
	char *text = NULL, *again = NULL;

	(void)state;
	assert_int_equal(pps__walkpos_init(&a), PPS_OK);
	assert_int_equal(pps__walkpos_init(&b), PPS_OK);
	a.to = 1700000101;
	a.has_to = 1;
	a.bound = 1700000100;
	a.has_bound = 1;
	json_object_set_new(a.seen, "g1", json_integer(1700000100));
	json_object_set_new(a.seen, "g2", json_integer(1700000100));
	assert_int_equal(pps__walkpos_encode(&a, &text), PPS_OK);
	assert_int_equal(pps__walkpos_decode(&b, text), PPS_OK);
	assert_int_equal(b.to, a.to);
	assert_int_equal(b.has_to, 1);
	assert_int_equal(b.bound, a.bound);
	assert_int_equal(b.has_bound, 1);
	assert_int_equal(b.done, 0);
	assert_int_equal(json_object_size(b.seen), 2);
	assert_int_equal(pps__walkpos_encode(&b, &again), PPS_OK);
	assert_string_equal(text, again);
	/* Not a position: refused, never half read. */
	assert_int_equal(pps__walkpos_decode(&b, "not json"), PPS_EUSAGE);
	assert_int_equal(pps__walkpos_decode(&b, "{\"to\":1}"), PPS_EUSAGE);
	assert_int_equal(pps__walkpos_decode(&b, "{\"to\":1,\"bound\":1,\"seen\":{\"g\":\"x\"}}"),
			 PPS_EUSAGE);
	free(text);
	free(again);
	pps__walkpos_release(&a);
	pps__walkpos_release(&b);
}

static void test_walk__options_versions(void **state)
{
	pps_walk_options w = PPS_WALK_OPTIONS_INIT;
	pps_follow_options f;
	pps_walk_result r;

	(void)state;
	assert_int_equal(w.version, PPS_WALK_OPTIONS_VERSION);
	assert_int_equal(pps_walk_options_init(&w, 99), PPS_EUSAGE);
	assert_int_equal(pps_follow_options_init(&f, PPS_FOLLOW_OPTIONS_VERSION), PPS_OK);
	assert_int_equal(f.version, PPS_FOLLOW_OPTIONS_VERSION);
	assert_null(f.record);
	assert_int_equal(pps_walk_result_init(&r, PPS_WALK_RESULT_VERSION), PPS_OK);
	assert_true(r.newest == INT64_MIN);
	assert_int_equal(r.server_time, -1);
}

static int count(void *ctx, json_t *rec, int64_t t)
{
	(void)rec;
	(void)t;
	++*(int *)ctx;
	return 0;
}

/* Options of another version are refused before anything is sent; a dry run walks nothing. */
static void test_walk__refused_options_and_dry_run(void **state)
{
	pps_client_options co = PPS_CLIENT_OPTIONS_INIT;
	pps_client *c = NULL;
	pps_walk_options w = PPS_WALK_OPTIONS_INIT;
	pps_walk_result r = PPS_WALK_RESULT_INIT;
	pps_smartsearch_req req = PPS_SMARTSEARCH_REQ_INIT;
	char err[256];
	int n = 0;

	(void)state;
	co.dry_run = 1;
	assert_int_equal(pps_client_new(&c, &co, err, sizeof(err)), PPS_OK);
	req.start.epoch = 1700000000;
	req.start.set = 1;
	w.record = count;
	w.ctx = &n;
	w.version = 99;
	assert_int_equal(pps_smartsearch_walk(c, &req, &w, &r), PPS_EUSAGE);
	w.version = PPS_WALK_OPTIONS_VERSION;
	w.position = "{\"to\":1}";
	assert_int_equal(pps_smartsearch_walk(c, &req, &w, &r), PPS_EUSAGE);
	w.position = NULL;
	assert_int_equal(pps_smartsearch_walk(c, &req, &w, &r), PPS_OK);
	assert_int_equal(r.done, 1);
	assert_int_equal(n, 0);
	assert_int_equal(pps_smartsearch_walk(NULL, &req, &w, &r), PPS_EUSAGE);
	pps_client_free(c);
}

static int take(void *ctx, json_t *rec, int64_t t)
{
	json_t *got = ctx;

	(void)t;
	return json_array_append(got, json_object_get(rec, "GUID"));
}

static json_t *page(const char *spec)
{
	json_t *a = json_array();
	char guid[16], date[32];
	int sec;
	const char *p = spec;
	int n;

	/* "a:09 b:08": GUID and the second of 2024-01-01 00:00:SS */
	while (sscanf(p, " %15[^:]:%d%n", guid, &sec, &n) == 2) {
		snprintf(date, sizeof(date), "2024-01-01 00:00:%02d [UTC+0000]", sec);
		json_array_append_new(a, json_pack("{ss ss}", "GUID", guid, "Date", date));
		p += n;
	}
	return a;
}

/* Page 2 starts at page 1's oldest second again: its records given already are skipped. */
static void test_walk__boundary_second_dedup(void **state)
{
	struct pps__walkpos pos;
	struct pps__walk w;
	pps_smartsearch_req req = PPS_SMARTSEARCH_REQ_INIT;
	json_t *got = json_array(), *p1 = page("a:10 b:09 c:09"), *p2 = page("b:09 c:09 d:09 e:08");
	size_t fresh = 0;
	int64_t newest, oldest;

	(void)state;
	assert_int_equal(pps__walkpos_init(&pos), PPS_OK);
	pps__walk_setup(&w, NULL, &req, NULL, &pos, 0);
	w.emit = take;
	w.ctx = got;
	assert_int_equal(pps__walk_emit_page(&w, p1, &fresh, &newest, &oldest), PPS_OK);
	assert_int_equal(fresh, 3);
	assert_int_equal(newest - oldest, 1);
	assert_int_equal(pps__walk_remember_bound(&w, p1, oldest), PPS_OK);
	/* b and c of the boundary second, a of the second the next request still reaches */
	assert_int_equal(json_object_size(pos.seen), 3);
	assert_int_equal(pos.bound, oldest);
	fresh = 0;
	assert_int_equal(pps__walk_emit_page(&w, p2, &fresh, &newest, &oldest), PPS_OK);
	assert_int_equal(fresh, 2);
	assert_int_equal(json_array_size(got), 5);
	assert_string_equal(json_string_value(json_array_get(got, 3)), "d");
	assert_string_equal(json_string_value(json_array_get(got, 4)), "e");
	/* The total cap: one more page gives nothing past it. */
	w.total_cap = 5;
	fresh = 0;
	assert_int_equal(pps__walk_emit_page(&w, p2, &fresh, &newest, &oldest), PPS_OK);
	assert_int_equal(fresh, 0);
	json_decref(got);
	json_decref(p1);
	json_decref(p2);
	pps__walkpos_release(&pos);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk__record_id_and_time),
		cmocka_unit_test(test_walk__position_round_trip),
		cmocka_unit_test(test_walk__options_versions),
		cmocka_unit_test(test_walk__refused_options_and_dry_run),
		cmocka_unit_test(test_walk__boundary_second_dedup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
