/*
 * Unit tests of the streaming records parser (records.c): recorded answers fed with a chunk
 * boundary at every byte give exactly the records jansson reads from the whole body; a body cut
 * at any byte fails and never delivers a record it did not receive whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "lib/internal.h"

struct seen {
	json_t *records; /* every record delivered, in order */
	int stop_after;	 /* >0: the callback asks to stop after this many */
	json_t *texts;	 /* every record_text, parsed back, in order (when not NULL) */
	size_t limit;	 /* records asked for (pps__records_limit), 0: none */
};

static int collect(void *ctx, json_t *rec)
{
	struct seen *s = ctx;

	assert_int_equal(json_array_append(s->records, rec), 0);
	return s->stop_after > 0 && (int)json_array_size(s->records) >= s->stop_after;
}

/* record_text: the compact text must be one JSON object, equal to the record built alongside. */
static int collect_text(void *ctx, const char *json, size_t len)
{
	struct seen *s = ctx;
	json_t *v = json_loadb(json, len, 0, NULL);

	assert_non_null(v);
	assert_true(json_is_object(v));
	assert_null(memchr(json, '\n', len));
	assert_int_equal(json_array_append_new(s->texts, v), 0);
	return 0;
}

static char *slurp(const char *name, size_t *len)
{
	const char *dir = getenv("PPS_FIXTURES");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/recorded/%s", dir ? dir : "tests/fixtures", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static pps_client *client(void)
{
	pps_client_options o = PPS_CLIENT_OPTIONS_INIT;
	pps_client *c = NULL;

	o.dry_run = 1;
	assert_int_equal(pps_client_new(&c, &o, NULL, 0), PPS_OK);
	return c;
}

/*
 * Feeds body in pieces (cut at each offset of cuts, ncuts of them) then ends it; the records in
 * s. Returns the parser's result.
 */
static int feed(pps_client *c, const char *key, const char *body, size_t len, const size_t *cuts,
		size_t ncuts, struct seen *s)
{
	pps_visitor v = { .version = PPS_VISITOR_VERSION,
			  .record = collect,
			  .ctx = s,
			  .record_text = s->texts ? collect_text : NULL };
	pps__records *p = NULL;
	pps__sink sink;
	size_t at = 0;
	int rc = PPS_OK;

	json_array_clear(s->records);
	if (s->texts)
		json_array_clear(s->texts);
	assert_int_equal(pps__records_new(&p, c, key, NULL, &v), PPS_OK);
	pps__records_limit(p, s->limit);
	sink = pps__records_sink(p);
	for (size_t i = 0; i <= ncuts && rc == PPS_OK; i++) {
		size_t end = i < ncuts ? cuts[i] : len;

		rc = sink.write(sink.ctx, body + at, end - at);
		at = end;
	}
	if (rc == PPS_OK)
		rc = pps__records_finish(p);
	pps__records_free(p);
	return rc;
}

/* The records of body read whole by jansson. */
static json_t *expected(const char *body, size_t len, const char *key)
{
	json_t *doc = json_loadb(body, len, 0, NULL);
	json_t *list;

	assert_non_null(doc);
	list = json_incref(json_object_get(doc, key));
	json_decref(doc);
	assert_true(json_is_array(list));
	return list;
}

static void every_boundary(const char *file, const char *key)
{
	pps_client *c = client();
	size_t len = 0, n;
	char *body = slurp(file, &len);
	json_t *want = expected(body, len, key);
	struct seen s = { json_array(), 0, json_array(), 0 };
	size_t *all = malloc(len * sizeof(*all));

	assert_non_null(all);
	n = json_array_size(want);
	assert_true(n >= 2);
	/* One boundary, at every byte. */
	for (size_t k = 0; k <= len; k++) {
		int rc = feed(c, key, body, len, &k, 1, &s);

		if (rc != PPS_OK)
			fail_msg("%s cut at %zu: %s", file, k, pps_client_last_error(c)->message);
		if (!json_equal(s.records, want))
			fail_msg("%s cut at %zu: other records", file, k);
		if (!json_equal(s.texts, want))
			fail_msg("%s cut at %zu: other record texts", file, k);
	}
	/* A boundary after every byte: one byte per chunk. */
	for (size_t k = 0; k < len; k++)
		all[k] = k;
	assert_int_equal(feed(c, key, body, len, all, len, &s), PPS_OK);
	assert_true(json_equal(s.records, want));
	/* A body that ends early, at every byte: an error, and only whole records delivered. */
	for (size_t k = 0; k < len; k++) {
		int rc;

		/* Trailing white space is no loss. */
		if (strspn(body + k, " \r\n\t") == len - k)
			continue;
		rc = feed(c, key, body, k, NULL, 0, &s);
		if (rc != PPS_EPROTO)
			fail_msg("%s ending at %zu: got %d", file, k, rc);
		assert_true(json_array_size(s.records) <= n);
		for (size_t i = 0; i < json_array_size(s.records); i++)
			assert_true(
				json_equal(json_array_get(s.records, i), json_array_get(want, i)));
	}
	free(all);
	json_decref(s.records);
	json_decref(s.texts);
	json_decref(want);
	free(body);
	pps_client_free(c);
}

static void test_records__smartsearch_at_every_boundary(void **state)
{
	(void)state;
	every_boundary("pss_filter.json", "result");
}

static void test_records__quarantine_at_every_boundary(void **state)
{
	(void)state;
	every_boundary("quarantine_search.json", "records");
}

/* A record cut in the middle of the 3rd: two delivered, then the error. */
static void test_records__cut_in_the_third_record(void **state)
{
	const char *body = "{\"result\":[{\"n\":1},{\"n\":2},{\"n\":3,\"subject\":\"cut he";
	pps_client *c = client();
	struct seen s = { json_array(), 0, NULL, 0 };

	(void)state;
	assert_int_equal(feed(c, "result", body, strlen(body), NULL, 0, &s), PPS_EPROTO);
	assert_int_equal(json_array_size(s.records), 2);
	assert_non_null(strstr(pps_client_last_error(c)->message, "inside record 3"));
	json_decref(s.records);
	pps_client_free(c);
}

/* Values outside the records are skipped whatever their shape; numbers keep their kind. */
static void test_records__other_members_and_values(void **state)
{
	const char *body = "{\"meta\":{\"a\":[1,{\"b\":null}],\"result\":[]},\"count\":2,"
			   "\"result\":[{\"i\":-12,\"r\":1.5e3,\"t\":true,\"f\":false,\"z\":null,"
			   "\"o\":{\"l\":[[],{}]},\"big\":123456789012345678901234}],\"x\":\"y\"}";
	pps_client *c = client();
	struct seen s = { json_array(), 0, NULL, 0 };
	json_t *r;

	(void)state;
	assert_int_equal(feed(c, "result", body, strlen(body), NULL, 0, &s), PPS_OK);
	assert_int_equal(json_array_size(s.records), 1);
	r = json_array_get(s.records, 0);
	assert_true(json_is_integer(json_object_get(r, "i")));
	assert_int_equal(json_integer_value(json_object_get(r, "i")), -12);
	assert_true(json_is_real(json_object_get(r, "r")));
	assert_true(json_is_true(json_object_get(r, "t")));
	assert_true(json_is_null(json_object_get(r, "z")));
	assert_true(json_is_real(json_object_get(r, "big")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(r, "o"), "l")), 2);
	json_decref(s.records);
	pps_client_free(c);
}

/* The callback stops the stream; nothing more is delivered. */
static void test_records__callback_stops(void **state)
{
	const char *body = "{\"result\":[{},{},{},{}]}";
	pps_client *c = client();
	struct seen s = { json_array(), 2, NULL, 0 };

	(void)state;
	assert_int_equal(feed(c, "result", body, strlen(body), NULL, 0, &s), PPS_ECANCELED);
	assert_int_equal(json_array_size(s.records), 2);
	json_decref(s.records);
	pps_client_free(c);
}

/* More records than the request asked for: those asked for are delivered, then the error. */
static void test_records__more_than_asked(void **state)
{
	const char *body = "{\"result\":[{\"n\":1},{\"n\":2},{\"n\":3},{\"n\":4},{\"n\":5}]}";
	pps_client *c = client();
	struct seen s = { json_array(), 0, NULL, 3 };

	(void)state;
	assert_int_equal(feed(c, "result", body, strlen(body), NULL, 0, &s), PPS_EPROTO);
	assert_int_equal(json_array_size(s.records), 3);
	assert_string_equal(pps_client_last_error(c)->message,
			    "the server sent more than the 3 records asked for");
	/* As many as asked for is no fault. */
	s.limit = 5;
	assert_int_equal(feed(c, "result", body, strlen(body), NULL, 0, &s), PPS_OK);
	assert_int_equal(json_array_size(s.records), 5);
	json_decref(s.records);
	pps_client_free(c);
}

/* Escapes, numbers and words cut at every byte and fed byte by byte read as jansson reads them. */
static void test_records__tokens_cut_anywhere(void **state)
{
	const char *body = "{\"result\" : [ {\"s\":\"x\\\"y\\\\\",\"n\":-12.5e3,\"t\":true,"
			   "\"z\":null},{\"u\":\"\\u00e9\\\\\",\"k\":[1,22,333]}\n]}";
	size_t len = strlen(body), all[256];
	pps_client *c = client();
	struct seen s = { json_array(), 0, NULL, 0 };
	json_t *want = expected(body, len, "result");

	(void)state;
	assert_true(len < 256);
	for (size_t k = 0; k < len; k++) {
		all[k] = k;
		assert_int_equal(feed(c, "result", body, len, &k, 1, &s), PPS_OK);
		assert_true(json_equal(s.records, want));
	}
	assert_int_equal(feed(c, "result", body, len, all, len, &s), PPS_OK);
	assert_true(json_equal(s.records, want));
	json_decref(want);
	json_decref(s.records);
	pps_client_free(c);
}

/* body of n bytes: {"result":[{"s":"aaaa...a"}]} with a string of slen bytes (malloc'd). */
static char *long_string_body(size_t slen, size_t *n)
{
	static const char head[] = "{\"result\":[{\"s\":\"", tail[] = "\"}]}";
	char *body = malloc(sizeof(head) + slen + sizeof(tail));

	assert_non_null(body);
	memcpy(body, head, sizeof(head) - 1);
	memset(body + sizeof(head) - 1, 'a', slen);
	memcpy(body + sizeof(head) - 1 + slen, tail, sizeof(tail));
	*n = sizeof(head) - 1 + slen + sizeof(tail) - 1;
	return body;
}

/* Feeds body in pieces of step bytes. */
static int feed_steps(pps_client *c, const char *body, size_t len, size_t step, struct seen *s)
{
	size_t ncuts = len / step, *cuts = malloc((ncuts + 1) * sizeof(*cuts));
	int rc;

	assert_non_null(cuts);
	for (size_t i = 0; i < ncuts; i++)
		cuts[i] = (i + 1) * step;
	if (ncuts && cuts[ncuts - 1] == len)
		ncuts--;
	rc = feed(c, "result", body, len, cuts, ncuts, s);
	free(cuts);
	return rc;
}

/* A long string in small pieces is read whole; one past the cap stops at the cap, named. */
static void test_records__long_string_and_the_cap(void **state)
{
	pps_client *c = client();
	struct seen s = { json_array(), 0, NULL, 0 };
	size_t len = 0;
	char *body = long_string_body(PPS__VALUE_CAP - 16, &len);

	(void)state;
	assert_int_equal(feed_steps(c, body, len, 4096, &s), PPS_OK);
	assert_int_equal(json_array_size(s.records), 1);
	assert_int_equal(json_string_length(json_object_get(json_array_get(s.records, 0), "s")),
			 PPS__VALUE_CAP - 16);
	free(body);
	body = long_string_body(PPS__VALUE_CAP + 1, &len);
	assert_int_equal(feed_steps(c, body, len, 16384, &s), PPS_EPROTO);
	assert_int_equal(json_array_size(s.records), 0);
	assert_string_equal(pps_client_last_error(c)->message,
			    "response holds a string longer than 16 MiB (the cap)");
	free(body);
	json_decref(s.records);
	pps_client_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records__smartsearch_at_every_boundary),
		cmocka_unit_test(test_records__quarantine_at_every_boundary),
		cmocka_unit_test(test_records__cut_in_the_third_record),
		cmocka_unit_test(test_records__other_members_and_values),
		cmocka_unit_test(test_records__callback_stops),
		cmocka_unit_test(test_records__more_than_asked),
		cmocka_unit_test(test_records__tokens_cut_anywhere),
		cmocka_unit_test(test_records__long_string_and_the_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
