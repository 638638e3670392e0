/*
 * Unit tests of the inspection on hostile messages, generated here (none is kept in the tree):
 * 1,000 levels of nesting, 100,000 parts, a 40 MiB base64 attachment, broken boundaries,
 * invalid charsets, a 50 MiB message; and each limit of pps_inspect_options reached and named.
 * Each gives a result with its warning, in bounded time (a quadratic path would not).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "inspect_helpers.h"
#include "pps/pps.h"
#include "util/buf.h"
#include "util/sha256.h"

/* Seconds any one of these may take, sanitizers included. */
#define TIME_BOUND 60.0

#define HEAD "From: a@example.com\r\nTo: b@example.com\r\nMIME-Version: 1.0\r\n"

/* 57 bytes and their base64: one line of an attachment. */
static const char block[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU";
static const char block64[] =
	"MDEyMzQ1Njc4OWFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJDREVGR0hJSktMTU5PUFFSU1RV\r\n";

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Inspects b with o (or the defaults), within the time bound; the result. */
static json_t *inspect_timed(ppsbuf *b, const pps_inspect_options *o, const char *what)
{
	json_t *r = NULL;
	double t0 = now(), dt;

	assert_int_equal(pps_inspect_buffer(&r, b->buf, b->len, o), PPS_OK);
	dt = now() - t0;
	print_message("%s: %zu bytes in %.2f s\n", what, b->len, dt);
	assert_true(dt < TIME_BOUND);
	assert_non_null(r);
	return r;
}

static json_t *warning(json_t *r, const char *code)
{
	return ti_find(json_object_get(r, "warnings"), "code", code);
}

static void test_inspect_limits__nesting_1000_levels(void **state)
{
	ppsbuf b = PPSBUF_INIT;
	json_t *r;
	int i;

	(void)state;
	ppsbuf_adds(&b, HEAD
		    "Subject: nested\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
	for (i = 1; i < 1000; i++)
		ppsbuf_addf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n",
			    i - 1, i);
	ppsbuf_addf(&b, "--b999\r\nContent-Type: text/plain\r\n\r\ndeep\r\n");
	for (i = 999; i >= 0; i--)
		ppsbuf_addf(&b, "--b%d--\r\n", i);
	r = inspect_timed(&b, NULL, "1,000 levels");
	assert_non_null(warning(r, "depth_limit"));
	assert_string_equal(ti_str(r, "headers", "subject", "value", NULL), "nested");
	json_decref(r);
	ppsbuf_release(&b);
}

static void test_inspect_limits__100000_parts(void **state)
{
	ppsbuf b = PPSBUF_INIT;
	json_t *r;
	int i;

	(void)state;
	ppsbuf_adds(&b,
		    HEAD "Subject: parts\r\nContent-Type: multipart/mixed; boundary=\"p\"\r\n\r\n");
	for (i = 0; i < 100000; i++)
		ppsbuf_addf(
			&b,
			"--p\r\nContent-Type: application/octet-stream; name=\"f%d\"\r\n\r\nx\r\n",
			i);
	ppsbuf_adds(&b, "--p--\r\n");
	r = inspect_timed(&b, NULL, "100,000 parts");
	assert_non_null(warning(r, "part_limit"));
	/* The walk stopped at the limit: at most max_parts attachments. */
	assert_true(json_array_size(json_object_get(r, "attachments")) <= 10000);
	assert_true(json_array_size(json_object_get(r, "attachments")) >= 9000);
	json_decref(r);
	ppsbuf_release(&b);
}

static void test_inspect_limits__40_mib_base64_attachment(void **state)
{
	const size_t blocks = ((size_t)40 << 20) / (sizeof(block) - 1);
	ppsbuf b = PPSBUF_INIT;
	sha256_ctx c;
	char hex[65];
	json_t *r, *a;
	size_t i;

	(void)state;
	ppsbuf_adds(&b, HEAD "Subject: big\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
			     "--b\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
			     "--b\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\n"
			     "Content-Transfer-Encoding: base64\r\n\r\n");
	sha256_init(&c);
	for (i = 0; i < blocks; i++) {
		ppsbuf_add(&b, block64, sizeof(block64) - 1);
		sha256_update(&c, block, sizeof(block) - 1);
	}
	sha256_final_hex(&c, hex);
	ppsbuf_adds(&b, "--b--\r\n");
	r = inspect_timed(&b, NULL, "40 MiB base64");
	a = json_array_get(json_object_get(r, "attachments"), 0);
	assert_int_equal(json_integer_value(json_object_get(a, "size")),
			 blocks * (sizeof(block) - 1));
	assert_string_equal(ti_str(a, "sha256", NULL), hex);
	/* Hashed whole, and named: no mail service carries a part of 40 MiB. */
	assert_int_equal(json_array_size(json_object_get(r, "warnings")), 1);
	assert_non_null(ti_find(json_object_get(r, "warnings"), "code", "large_part"));
	json_decref(r);
	ppsbuf_release(&b);
}

static void test_inspect_limits__broken_boundaries(void **state)
{
	ppsbuf b = PPSBUF_INIT;
	json_t *r;
	int i;

	(void)state;
	ppsbuf_adds(&b, HEAD
		    "Subject: broken\r\nContent-Type: multipart/mixed; boundary=\"abc\"\r\n\r\n");
	for (i = 0; i < 2000; i++)
		ppsbuf_adds(&b,
			    "--abc\r\nContent-Type: multipart/alternative; boundary=\"ab\"\r\n\r\n"
			    "--ab\r\nContent-Type: text/plain\r\n\r\nx\r\n--abcd\r\n--a\r\n");
	ppsbuf_adds(&b, "--abc\r\nContent-Type: multipart/mixed\r\n\r\nno boundary\r\n");
	r = inspect_timed(&b, NULL, "broken boundaries");
	assert_non_null(warning(r, "bad_boundary"));
	json_decref(r);
	ppsbuf_release(&b);
}

static void test_inspect_limits__invalid_charsets(void **state)
{
	ppsbuf b = PPSBUF_INIT;
	json_t *r;
	const char *text;
	int i;

	(void)state;
	ppsbuf_adds(&b, HEAD "Subject: =?x-bogus?B?SGVsbG8=?= =?utf-8?Q?=FF=FE?=\r\n"
			     "Content-Type: multipart/mixed; boundary=\"c\"\r\n\r\n"
			     "--c\r\nContent-Type: text/plain; charset=\"x-nope\"\r\n\r\n"
			     "\xff\xfe\xc3\x28 body\r\n");
	for (i = 0; i < 5000; i++)
		ppsbuf_addf(
			&b,
			"--c\r\nContent-Type: text/plain; charset=\"x-nope-%d\"\r\n"
			"Content-Disposition: attachment; filename*=bogus''%%FF%%FE%d.txt\r\n\r\n"
			"\xff\xfe\xc3\x28 bytes\r\n",
			i, i);
	ppsbuf_adds(&b, "--c--\r\n");
	r = inspect_timed(&b, NULL, "invalid charsets");
	assert_non_null(warning(r, "bad_charset"));
	text = ti_str(r, "body", "text", NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "\xef\xbf\xbd"));
	/* The result serialises: every string is valid UTF-8. */
	{
		char *s = json_dumps(r, JSON_COMPACT);

		assert_non_null(s);
		free(s);
	}
	json_decref(r);
	ppsbuf_release(&b);
}

static void test_inspect_limits__50_mib_message(void **state)
{
	ppsbuf b = PPSBUF_INIT;
	json_t *r;
	int i;

	(void)state;
	ppsbuf_adds(&b,
		    HEAD "Subject: fifty\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
			 "--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
	for (i = 0; i < 20000; i++)
		ppsbuf_addf(&b, "line %d see https://example.com/p/%d\r\n", i, i % 100);
	ppsbuf_adds(&b, "--m\r\nContent-Type: text/html; charset=utf-8\r\n\r\n");
	for (i = 0; i < 20000; i++)
		ppsbuf_addf(&b, "<p><a href=\"https://ex%d.example/x\">link</a></p>\r\n", i % 500);
	for (i = 0; b.len < ((size_t)50 << 20); i++) {
		size_t k;

		ppsbuf_addf(&b,
			    "--m\r\nContent-Type: application/pdf; name=\"d%d.pdf\"\r\n"
			    "Content-Transfer-Encoding: base64\r\n\r\n",
			    i);
		for (k = 0; k < 4096; k++)
			ppsbuf_add(&b, block64, sizeof(block64) - 1);
	}
	ppsbuf_adds(&b, "--m--\r\n");
	r = inspect_timed(&b, NULL, "50 MiB message");
	assert_true(json_array_size(json_object_get(r, "attachments")) > 100);
	assert_true(json_array_size(json_object_get(r, "urls")) >= 600);
	assert_true(json_is_true(json_object_get(json_object_get(r, "body"), "truncated")));
	json_decref(r);
	ppsbuf_release(&b);
}

/* gumbo pays the depth on each tag: 300,000 nested elements would take minutes unbounded. */
static void test_inspect_limits__deep_and_wide_html(void **state)
{
	ppsbuf b = PPSBUF_INIT;
	json_t *r;
	int i;

	(void)state;
	ppsbuf_adds(&b, HEAD "Subject: html\r\nContent-Type: text/html\r\n\r\n");
	for (i = 0; i < 300000; i++)
		ppsbuf_adds(&b, "<div>");
	ppsbuf_adds(&b, "<a href=\"https://deep.example/\">x</a>");
	for (i = 0; i < 300000; i++)
		ppsbuf_adds(&b, "</div>");
	r = inspect_timed(&b, NULL, "300,000 nested elements");
	assert_non_null(warning(r, "depth_limit"));
	json_decref(r);

	ppsbuf_reset(&b);
	ppsbuf_adds(&b, HEAD "Subject: html\r\nContent-Type: text/html\r\n\r\n");
	for (i = 0; i < 500; i++)
		ppsbuf_adds(&b, "<div>");
	for (i = 0; i < 500000; i++)
		ppsbuf_adds(&b, "<b>x</b>");
	r = inspect_timed(&b, NULL, "500,000 elements 500 deep");
	assert_non_null(warning(r, "truncated"));
	assert_string_equal(ti_str(r, "body", "type", NULL), "text/html");
	json_decref(r);
	ppsbuf_release(&b);
}

/* GMime reads parameters in time that grows with their square: 20,000 took 2 s. */
static void test_inspect_limits__parameters_and_long_fields(void **state)
{
	ppsbuf b = PPSBUF_INIT;
	json_t *r;
	int i;

	(void)state;
	ppsbuf_adds(&b, HEAD "Subject: params\r\nContent-Type: text/plain");
	for (i = 0; i < 200000; i++)
		ppsbuf_addf(&b, "; p%d=v", i);
	ppsbuf_adds(&b, "\r\n\r\nbody\r\n");
	r = inspect_timed(&b, NULL, "200,000 parameters");
	assert_non_null(warning(r, "header_limit"));
	assert_string_equal(ti_str(r, "headers", "subject", "value", NULL), "params");
	json_decref(r);

	ppsbuf_reset(&b);
	ppsbuf_adds(&b, HEAD "Subject: long\r\nX-Long: ");
	for (i = 0; i < 300000; i++)
		ppsbuf_adds(&b, "abcdefgh\r\n ");
	ppsbuf_adds(&b, "end\r\n\r\nbody\r\n");
	r = inspect_timed(&b, NULL, "a field of 3 MB");
	assert_non_null(warning(r, "header_limit"));
	json_decref(r);
	ppsbuf_release(&b);
}

static void test_inspect_limits__each_option_named(void **state)
{
	pps_inspect_options o = PPS_INSPECT_OPTIONS_INIT;
	ppsbuf b = PPSBUF_INIT;
	json_t *r;
	int i;

	(void)state;
	ppsbuf_adds(&b, HEAD "Subject: limits\r\n");
	for (i = 0; i < 50; i++)
		ppsbuf_addf(&b, "X-Extra-%d: %d\r\n", i, i);
	ppsbuf_adds(&b, "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
			"--b\r\nContent-Type: text/plain\r\n\r\n");
	for (i = 0; i < 100; i++)
		ppsbuf_adds(&b, "All work and no play makes a dull message. ");
	ppsbuf_adds(&b, "\r\n--b\r\nContent-Type: application/octet-stream\r\n"
			"Content-Transfer-Encoding: base64\r\n\r\n");
	for (i = 0; i < 100; i++)
		ppsbuf_add(&b, block64, sizeof(block64) - 1);
	ppsbuf_adds(&b, "--b--\r\n");

	o.max_headers = 20;
	r = inspect_timed(&b, &o, "header limit");
	assert_non_null(warning(r, "header_limit"));
	json_decref(r);

	/* Many blocks under the bound each, over it together. */
	o.max_headers = 1;
	r = inspect_timed(&b, &o, "header fields in all");
	assert_non_null(warning(r, "header_limit"));
	json_decref(r);

	pps_inspect_options_init(&o, PPS_INSPECT_OPTIONS_VERSION);
	o.body_excerpt = 100;
	r = inspect_timed(&b, &o, "excerpt");
	assert_true(strlen(ti_str(r, "body", "text", NULL)) <= 100);
	assert_true(json_is_true(json_object_get(json_object_get(r, "body"), "truncated")));
	assert_true(json_integer_value(json_object_get(json_object_get(r, "body"), "length")) >
		    4000);
	json_decref(r);

	pps_inspect_options_init(&o, PPS_INSPECT_OPTIONS_VERSION);
	o.max_decoded = 5000;
	r = inspect_timed(&b, &o, "decoded limit");
	assert_non_null(warning(r, "decoded_limit"));
	/* A content read in part has no hashes: they would name another file. */
	assert_true(json_is_null(
		json_object_get(json_array_get(json_object_get(r, "attachments"), 0), "sha256")));
	json_decref(r);

	pps_inspect_options_init(&o, PPS_INSPECT_OPTIONS_VERSION);
	o.max_message = 4000;
	r = inspect_timed(&b, &o, "size limit");
	assert_non_null(warning(r, "size_limit"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "source"), "size")),
			 b.len);
	json_decref(r);

	pps_inspect_options_init(&o, PPS_INSPECT_OPTIONS_VERSION);
	o.max_parts = 1;
	r = inspect_timed(&b, &o, "part limit");
	assert_non_null(warning(r, "part_limit"));
	json_decref(r);
	ppsbuf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inspect_limits__nesting_1000_levels),
		cmocka_unit_test(test_inspect_limits__100000_parts),
		cmocka_unit_test(test_inspect_limits__40_mib_base64_attachment),
		cmocka_unit_test(test_inspect_limits__broken_boundaries),
		cmocka_unit_test(test_inspect_limits__invalid_charsets),
		cmocka_unit_test(test_inspect_limits__50_mib_message),
		cmocka_unit_test(test_inspect_limits__deep_and_wide_html),
		cmocka_unit_test(test_inspect_limits__parameters_and_long_fields),
		cmocka_unit_test(test_inspect_limits__each_option_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
