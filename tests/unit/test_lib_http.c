/* Unit tests of src/lib/http.c's pure pieces: URL joining, query escaping, curl error mapping,
 * the retry decision and the backoff delay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "lib/internal.h"

static void check_base(const char *url, const char *want, const char *host, long port)
{
	char *base = NULL, *h = NULL, err[256] = "";
	long p = 0;

	if (pps__http_base_url(url, &base, &h, &p, err, sizeof(err)) != PPS_OK)
		fail_msg("%s: %s", url, err);
	assert_string_equal(base, want);
	assert_string_equal(h, host);
	assert_int_equal(p, port);
	free(base);
	free(h);
}

static void check_bad_base(const char *url, const char *reason_part)
{
	char *base = NULL, *h = NULL, err[256] = "";
	long p = 0;

	assert_int_equal(pps__http_base_url(url, &base, &h, &p, err, sizeof(err)), PPS_EUSAGE);
	assert_null(base);
	assert_null(h);
	if (!strstr(err, reason_part))
		fail_msg("%s: reason '%s' lacks '%s'", url ? url : "(null)", err, reason_part);
}

static void test_http__base_url_joins_one_slash(void **state)
{
	(void)state;
	check_base("https://pps.example.com:10000", "https://pps.example.com:10000/rest/v1",
		   "pps.example.com", 10000);
	check_base("https://pps.example.com:10000/", "https://pps.example.com:10000/rest/v1",
		   "pps.example.com", 10000);
	check_base("https://pps.example.com:10000///", "https://pps.example.com:10000/rest/v1",
		   "pps.example.com", 10000);
	check_base("HTTPS://127.0.0.1", "HTTPS://127.0.0.1/rest/v1", "127.0.0.1", 443);
	check_base("http://h/prefix/", "http://h/prefix/rest/v1", "h", 80);
	check_base("https://h:10000/rest/v1/", "https://h:10000/rest/v1", "h", 10000);
	check_base("https://[::1]:10000", "https://[::1]:10000/rest/v1", "[::1]", 10000);
}

static void test_http__base_url_refuses_bad_urls(void **state)
{
	(void)state;
	check_bad_base(NULL, "no server url");
	check_bad_base("", "no server url");
	check_bad_base("ftp://h", "must start with https://");
	check_bad_base("pps.example.com:10000", "must start with https://");
	check_bad_base("https://", "no valid host");
	check_bad_base("https://admin:secret@h:10000", "credentials");
	check_bad_base("https://h:10000?x=1", "query or fragment");
	check_bad_base("https://h:10000/#top", "query or fragment");
	check_bad_base("https://h :10000", "spaces or control");
	check_bad_base("https://h\r\nX: y", "spaces or control");
}

/* A URL's secrets (credentials, query, fragment) never reach the message that quotes it. */
static void test_http__base_url_errors_hide_secrets(void **state)
{
	(void)state;
	check_bad_base("https://h:10000/?password=s3cret", "url 'https://h:10000/?***' must not");
	check_bad_base("https://h:10000/p#s3cret", "url 'https://h:10000/p#***' must not");
	check_bad_base("ftp://u:s3cret@h/?k=s3cret#s3cret", "url 'ftp://***@h/?***#***' must");
	check_bad_base("https://h:99999/?password=s3cret", "url 'https://h:99999/?***' has no");
}

static void check_query(const pps__query *q, const char *want)
{
	ppsbuf b = PPSBUF_INIT;

	assert_int_equal(pps__http_build_url(&b, "https://h/rest/v1", "/pss/filter", q), 0);
	assert_string_equal(b.buf, want);
	ppsbuf_release(&b);
}

static void test_http__query_matches_the_recorded_request(void **state)
{
	pps__query q = { 0 };

	(void)state;
	pps__query_add(&q, "action", "accept");
	pps__query_add(&q, "from", "2021-02-08T08:12:30-0500");
	pps__query_add(&q, "to", NULL);
	pps__query_add(&q, "count", "100");
	check_query(&q, "https://h/rest/v1/pss/filter?action=accept&from=2021-02-08T08%3A12%3A30-"
			"0500&count=100");
}

static void test_http__query_escapes_everything_reserved(void **state)
{
	pps__query q = { 0 };

	(void)state;
	pps__query_add(&q, "subject", "I'm going +to a:party");
	pps__query_add(&q, "env_from", "a&b=c@d.e");
	pps__query_add(&q, "qid", "x\r\nHost: evil");
	pps__query_add(&q, "host", "caf\xc3\xa9/#?");
	pps__query_add(&q, "sid", "");
	check_query(&q, "https://h/rest/v1/pss/filter"
			"?subject=I%27m%20going%20%2Bto%20a%3Aparty"
			"&env_from=a%26b%3Dc%40d.e"
			"&qid=x%0D%0AHost%3A%20evil"
			"&host=caf%C3%A9%2F%23%3F"
			"&sid=");
}

static void test_http__query_cannot_carry_a_nul(void **state)
{
	static const char with_nul[] = "ab\0cd";
	pps__query q = { 0 };

	(void)state;
	/* A C string ends at its NUL: what follows can never reach the URL. */
	pps__query_add(&q, "guid", with_nul);
	check_query(&q, "https://h/rest/v1/pss/filter?guid=ab");
}

static void test_http__path_segment_keeps_at_only_when_asked(void **state)
{
	ppsbuf b = PPSBUF_INIT;

	(void)state;
	assert_int_equal(pps__http_escape(&b, "demo.user@example.com", 1), 0);
	assert_string_equal(b.buf, "demo.user@example.com");
	ppsbuf_reset(&b);
	assert_int_equal(pps__http_escape(&b, "../a/b c%40?@", 1), 0);
	assert_string_equal(b.buf, "..%2Fa%2Fb%20c%2540%3F@");
	ppsbuf_reset(&b);
	assert_int_equal(pps__http_escape(&b, "a@b", 0), 0);
	assert_string_equal(b.buf, "a%40b");
	ppsbuf_release(&b);
}

static void test_http__curl_errors_map_to_codes(void **state)
{
	static const struct {
		CURLcode rc;
		int code;
	} cases[] = {
		{ CURLE_OK, PPS_OK },
		{ CURLE_COULDNT_CONNECT, PPS_ENET },
		{ CURLE_COULDNT_RESOLVE_HOST, PPS_ENET },
		{ CURLE_COULDNT_RESOLVE_PROXY, PPS_ENET },
		{ CURLE_OPERATION_TIMEDOUT, PPS_ENET },
		{ CURLE_RECV_ERROR, PPS_ENET },
		{ CURLE_SEND_ERROR, PPS_ENET },
		{ CURLE_GOT_NOTHING, PPS_ENET },
		{ CURLE_PROXY, PPS_ENET },
		{ CURLE_PEER_FAILED_VERIFICATION, PPS_ETLS },
		{ CURLE_SSL_CONNECT_ERROR, PPS_ETLS },
		{ CURLE_SSL_CACERT_BADFILE, PPS_ETLS },
		{ CURLE_SSL_CERTPROBLEM, PPS_ETLS },
		{ CURLE_PARTIAL_FILE, PPS_EPROTO },
		{ CURLE_WEIRD_SERVER_REPLY, PPS_EPROTO },
		{ CURLE_FILESIZE_EXCEEDED, PPS_EPROTO },
		{ CURLE_OUT_OF_MEMORY, PPS_ENOMEM },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (pps__http_code_from_curl((int)cases[i].rc) != cases[i].code)
			fail_msg("curl code %d: got %d, want %d", (int)cases[i].rc,
				 pps__http_code_from_curl((int)cases[i].rc), cases[i].code);
	}
}

static void test_http__only_safe_requests_are_retried(void **state)
{
	static const struct {
		const char *method;
		long status;
		CURLcode rc;
		int retry;
	} cases[] = {
		{ "GET", 503, CURLE_OK, 1 },
		{ "GET", 500, CURLE_OK, 1 },
		{ "GET", 429, CURLE_OK, 1 },
		{ "HEAD", 502, CURLE_OK, 1 },
		{ "GET", 200, CURLE_OK, 0 },
		{ "GET", 400, CURLE_OK, 0 },
		{ "GET", 401, CURLE_OK, 0 },
		{ "GET", 404, CURLE_OK, 0 },
		{ "GET", 0, CURLE_COULDNT_CONNECT, 1 },
		{ "GET", 0, CURLE_OPERATION_TIMEDOUT, 1 },
		{ "GET", 0, CURLE_RECV_ERROR, 1 },
		{ "GET", 0, CURLE_SEND_ERROR, 1 },
		{ "GET", 0, CURLE_GOT_NOTHING, 1 },
		{ "GET", 0, CURLE_PEER_FAILED_VERIFICATION, 0 },
		{ "GET", 0, CURLE_COULDNT_RESOLVE_HOST, 0 },
		{ "GET", 200, CURLE_PARTIAL_FILE, 1 },
		{ "POST", 202, CURLE_PARTIAL_FILE, 0 },
		/* A release or forward must never happen twice. */
		{ "POST", 503, CURLE_OK, 0 },
		{ "POST", 429, CURLE_OK, 0 },
		{ "PUT", 500, CURLE_OK, 0 },
		{ "DELETE", 502, CURLE_OK, 0 },
		{ "POST", 0, CURLE_RECV_ERROR, 0 },
		{ "POST", 0, CURLE_SEND_ERROR, 0 },
		{ "POST", 0, CURLE_OPERATION_TIMEDOUT, 0 },
		{ "POST", 0, CURLE_GOT_NOTHING, 0 },
		{ "DELETE", 0, CURLE_RECV_ERROR, 0 },
		/* Refused: nothing was sent, so even a POST may go again. */
		{ "POST", 0, CURLE_COULDNT_CONNECT, 1 },
		{ "PUT", 0, CURLE_COULDNT_CONNECT, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = pps__http_may_retry(cases[i].method, cases[i].status, (int)cases[i].rc);

		if (got != cases[i].retry)
			fail_msg("%s %ld curl %d: retry %d, want %d", cases[i].method,
				 cases[i].status, (int)cases[i].rc, got, cases[i].retry);
	}
}

static void test_http__backoff_doubles_with_bounded_jitter(void **state)
{
	(void)state;
	assert_int_equal(pps__http_retry_delay_ms(500, 0, 503, -1, 0), 500);
	assert_int_equal(pps__http_retry_delay_ms(500, 1, 503, -1, 0), 1000);
	assert_int_equal(pps__http_retry_delay_ms(500, 2, 0, -1, 0), 2000);
	assert_int_equal(pps__http_retry_delay_ms(500, 20, 0, -1, 0), 30000);
	assert_int_equal(pps__http_retry_delay_ms(500, 20, 0, -1, 12345), 30000);
	for (uint32_t j = 0; j < 2000; j += 7) {
		long d = pps__http_retry_delay_ms(500, 1, 500, -1, j * 2654435761u);

		assert_in_range(d, 1000, 1100);
	}
}

static void test_http__retry_after_is_honoured_and_capped(void **state)
{
	(void)state;
	assert_int_equal(pps__http_retry_delay_ms(500, 0, 503, 5, 0), 5000);
	assert_int_equal(pps__http_retry_delay_ms(500, 2, 429, 1, 0), 1000);
	assert_int_equal(pps__http_retry_delay_ms(500, 0, 429, 120, 0), 60000);
	assert_int_equal(pps__http_retry_delay_ms(500, 0, 503, 0, 0), 0);
	/* Only 429 and 503 carry a meaningful Retry-After. */
	assert_int_equal(pps__http_retry_delay_ms(500, 0, 500, 5, 0), 500);
	assert_int_equal(pps__http_retry_delay_ms(500, 0, 0, 5, 0), 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http__base_url_joins_one_slash),
		cmocka_unit_test(test_http__base_url_errors_hide_secrets),
		cmocka_unit_test(test_http__base_url_refuses_bad_urls),
		cmocka_unit_test(test_http__query_matches_the_recorded_request),
		cmocka_unit_test(test_http__query_escapes_everything_reserved),
		cmocka_unit_test(test_http__query_cannot_carry_a_nul),
		cmocka_unit_test(test_http__path_segment_keeps_at_only_when_asked),
		cmocka_unit_test(test_http__curl_errors_map_to_codes),
		cmocka_unit_test(test_http__only_safe_requests_are_retried),
		cmocka_unit_test(test_http__backoff_doubles_with_bounded_jitter),
		cmocka_unit_test(test_http__retry_after_is_honoured_and_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
