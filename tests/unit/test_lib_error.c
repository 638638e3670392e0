/* Unit tests of src/lib/error.c: code names, status mapping, the error detail in the handle and
 * the server's own text of every kind of error body. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/internal.h"

static void test_error__code_names(void **state)
{
	(void)state;
	assert_string_equal(pps_code_name(PPS_OK), "ok");
	assert_string_equal(pps_code_name(PPS_EUSAGE), "usage");
	assert_string_equal(pps_code_name(PPS_ETLS), "tls");
	assert_string_equal(pps_code_name(PPS_EREJECTED), "rejected");
	assert_string_equal(pps_code_name(-99), "unknown");
}

static void test_error__status_maps_to_codes(void **state)
{
	static const struct {
		long status;
		int code;
	} cases[] = {
		{ 200, PPS_OK },	{ 202, PPS_OK },	{ 204, PPS_OK },
		{ 400, PPS_EREJECTED }, { 405, PPS_EREJECTED }, { 409, PPS_EREJECTED },
		{ 413, PPS_EREJECTED }, { 422, PPS_EREJECTED }, { 418, PPS_EREJECTED },
		{ 401, PPS_EAUTH },	{ 403, PPS_EPERM },	{ 404, PPS_ENOTFOUND },
		{ 429, PPS_ESERVER },	{ 500, PPS_ESERVER },	{ 503, PPS_ESERVER },
		{ 599, PPS_ESERVER },	{ 302, PPS_EPROTO },	{ 101, PPS_EPROTO },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (pps__error_from_status(cases[i].status) != cases[i].code)
			fail_msg("status %ld: got %d, want %d", cases[i].status,
				 pps__error_from_status(cases[i].status), cases[i].code);
	}
	assert_string_equal(pps__error_reason(503), "service unavailable");
	assert_string_equal(pps__error_reason(404), "not found");
	assert_string_equal(pps__error_reason(299), "");
}

static void test_error__set_and_reset(void **state)
{
	pps_client c;

	(void)state;
	memset(&c, 0, sizeof(c));
	pps__error_reset(&c);
	assert_int_equal(pps_client_last_error(&c)->code, PPS_OK);
	assert_string_equal(pps_client_last_error(&c)->message, "");
	assert_null(pps_client_last_error(&c)->server_message);
	assert_int_equal(pps__error_set(&c, PPS_ESERVER, 503, "server answered %d\r\nx\ty", 503),
			 PPS_ESERVER);
	pps__error_take_server_message(&c, strdup("busy"));
	assert_string_equal(c.err.message, "server answered 503??x y");
	assert_int_equal(c.err.http_status, 503);
	assert_string_equal(c.err.server_message, "busy");
	pps__error_reset(&c);
	assert_int_equal(c.err.code, PPS_OK);
	assert_int_equal(c.err.http_status, 0);
	assert_null(c.err.server_message);
	assert_string_equal(c.err.message, "");
}

/* Checks the server message of a body; want NULL means none. */
static void check(const char *body, const char *ctype, const char *want)
{
	char *got = pps__error_server_message(body, body ? strlen(body) : 0, ctype);

	if (!want && got)
		fail_msg("body %s: want no message, got '%s'", body, got);
	if (want && !got)
		fail_msg("body %s: want '%s', got none", body, want);
	if (want)
		assert_string_equal(got, want);
	free(got);
}

static void test_error__json_bodies(void **state)
{
	(void)state;
	check("{\"status\":400,\"errors\":{\"invalidarguments\":[{\"error\":\"User already "
	      "exists\"}]}}",
	      "application/json", "User already exists");
	check("{\"status\":404,\"errors\":{\"invalidarguments\":[{\"error\":\"User not found\"},"
	      "{\"error\":\"second\"}]}}",
	      "application/json;charset=UTF-8", "User not found");
	/* The reference crashes on these; we fall back in order. */
	check("{\"status\":400,\"errors\":{\"invalidarguments\":[]},\"message\":\"bad folder\"}",
	      "application/json", "bad folder");
	check("{\"status\":400,\"errors\":{}}", "application/json", NULL);
	check("{\"errors\":{\"invalidarguments\":[{}]},\"error\":\"nope\"}", "application/json",
	      "nope");
	check("{\"errors\":{\"invalidarguments\":[\"text\"]},\"error\":\"nope\"}", NULL, "nope");
	check("{\"errors\":{\"invalidarguments\":null},\"status\":\"Forbidden\"}", NULL,
	      "Forbidden");
	check("{\"errors\":\"flat\",\"message\":7,\"error\":{\"x\":1},\"status\":\"s\"}",
	      "application/json", "s");
	check("{\"message\":\"  two\\nlines  \"}", "application/json", "two");
	check("[1,2]", "application/json", NULL);
	check("{\"status\":500}", "application/json", NULL);
}

static void test_error__text_bodies(void **state)
{
	(void)state;
	check("Invalid argument: targetfolder\n", "text/plain; charset=utf-8",
	      "Invalid argument: targetfolder");
	check("\r\n\n  No message found.  \r\nsecond line", "text/plain", "No message found.");
	check("a\x1b[31mb\tc\x7f", "text/plain", "a?[31mb c?");
	check("", "text/plain", NULL);
	check(" \n\t\n", "text/plain", NULL);
	/* Declared JSON but not JSON: the text is still the server's message. */
	check("{oops", "application/json", "{oops");
	check("plain, no type", NULL, "plain, no type");
}

static void test_error__long_text_is_cut_on_a_character(void **state)
{
	char body[1001], *got;

	(void)state;
	memset(body, 'a', 1000);
	body[1000] = '\0';
	got = pps__error_server_message(body, 1000, "text/plain");
	assert_non_null(got);
	assert_int_equal(strlen(got), PPS__SERVER_MESSAGE_MAX);
	free(got);
	/* 2-byte characters from an odd start: the cut must not split one. */
	body[0] = 'x';
	for (size_t i = 1; i + 1 < 1000; i += 2) {
		body[i] = '\xc3';
		body[i + 1] = '\xa9';
	}
	body[999] = '\0';
	got = pps__error_server_message(body, 999, "text/plain");
	assert_non_null(got);
	assert_int_equal(strlen(got), PPS__SERVER_MESSAGE_MAX - 1);
	assert_int_equal((unsigned char)got[strlen(got) - 1], 0xa9);
	free(got);
}

static void test_error__nul_in_text_is_shown(void **state)
{
	static const char body[] = "ab\0cd\n";
	char *got;

	(void)state;
	got = pps__error_server_message(body, sizeof(body) - 1, "text/plain");
	assert_string_equal(got, "ab?cd");
	free(got);
}

static void test_error__html_title(void **state)
{
	(void)state;
	check("<html><head><TITLE>503 Service Unavailable</TITLE></head><body>x</body></html>",
	      "text/html", "503 Service Unavailable");
	check("<!DOCTYPE html>\n<html><head><title class=\"t\">\n  Bad\n  Gateway\n</title>", NULL,
	      "Bad   Gateway");
	check("<html><body>no title</body></html>", "text/html; charset=iso-8859-1", NULL);
	check("<html><title>unterminated", "text/html", "unterminated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error__code_names),
		cmocka_unit_test(test_error__status_maps_to_codes),
		cmocka_unit_test(test_error__set_and_reset),
		cmocka_unit_test(test_error__json_bodies),
		cmocka_unit_test(test_error__text_bodies),
		cmocka_unit_test(test_error__long_text_is_cut_on_a_character),
		cmocka_unit_test(test_error__nul_in_text_is_shown),
		cmocka_unit_test(test_error__html_title),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
