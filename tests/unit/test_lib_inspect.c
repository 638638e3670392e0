/*
 * Unit tests of the message inspection (src/lib/inspect/) over the hand-written messages of
 * tests/fixtures/inspect/: headers and their flags, hops, authentication results, links and
 * URL Defense, attachments and their flags, the streaming inspector and its callback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inspect_helpers.h"
#include "pps/pps.h"
#include "util/sha256.h"

static json_t *inspect_fixture(const char *name)
{
	size_t len = 0;
	char *data = ti_fixture(name, &len);
	json_t *out = NULL;

	if (!data)
		fail_msg("no fixture '%s'", name);
	assert_int_equal(pps_inspect_buffer(&out, data, len, NULL), PPS_OK);
	assert_non_null(out);
	free(data);
	return out;
}

static json_t *header_flag(json_t *r, const char *flag)
{
	return ti_find(json_object_get(json_object_get(r, "headers"), "flags"), "flag", flag);
}

static void test_inspect__urldefense_v1_v2_v3(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(pps_urldefense_decode(
				 &out, "https://urldefense.proofpoint.com/v2/url?u=https-3A__"
				       "example.com_a-2Db_c-3Fx-3D1-26y-3D2&d=DwMFaQ&c=abc&e="),
			 1);
	assert_string_equal(out, "https://example.com/a-b/c?x=1&y=2");
	free(out);
	assert_int_equal(pps_urldefense_decode(&out, "https://urldefense.proofpoint.com/v1/url?u="
						     "http://www.bouncycastle.org/&k=oIvRg1%2BdG"),
			 1);
	assert_string_equal(out, "http://www.bouncycastle.org/");
	free(out);
	/* One '*' per byte of the base64url tail: "Kw" is '+'. */
	assert_int_equal(pps_urldefense_decode(&out, "https://urldefense.com/v3/__https://google."
						     "com:443/search?q=a*test&gs=ps__;Kw!!-612Flbf0"
						     "JvQ3kNJkRi5Jg!Ue6tQudNKaShHg93$"),
			 1);
	assert_string_equal(out, "https://google.com:443/search?q=a+test&gs=ps");
	free(out);
	/* "**" and a length letter: a run of that many characters ('A' is 2, 'B' is 3). */
	assert_int_equal(pps_urldefense_decode(&out, "https://urldefense.com/v3/__https://ex.com/"
						     "p?a=1**Ab=2*__;JiYm!!x$"),
			 1);
	assert_string_equal(out, "https://ex.com/p?a=1&&b=2&");
	free(out);
	/* Multi-byte characters count as one. */
	assert_int_equal(pps_urldefense_decode(&out, "https://urldefense.com/v3/__https://ex.com/"
						     "caf*__;w6k!!x$"),
			 1);
	assert_string_equal(out, "https://ex.com/caf\xc3\xa9");
	free(out);
	assert_int_equal(pps_urldefense_decode(&out, "https://example.com/v2/url?u=x"), 0);
	assert_null(out);
	/* Fewer bytes than placeholders: not decodable, not a crash. */
	assert_int_equal(pps_urldefense_decode(&out, "https://urldefense.com/v3/__https://a/"
						     "***__;Kw!!x$"),
			 0);
	assert_null(out);
	assert_int_equal(pps_urldefense_decode(NULL, "x"), PPS_EUSAGE);
}

static void test_inspect__headers_decoded_and_flagged(void **state)
{
	json_t *r = inspect_fixture("phish.eml"), *f;

	(void)state;
	/* RFC 2047 in two charsets, one subject. */
	assert_string_equal(ti_str(r, "headers", "subject", "value", NULL),
			    "Your account est bloqu\xc3\xa9");
	assert_string_equal(ti_str(r, "headers", "subject", "raw", NULL),
			    "=?UTF-8?B?WW91ciBhY2NvdW50?= =?ISO-8859-1?Q?_est_bloqu=E9?=");
	assert_string_equal(ti_str(r, "headers", "date", "utc", NULL), "2026-12-01T09:58:00Z");
	assert_string_equal(ti_str(r, "headers", "message_id", "value", NULL),
			    "abc123@evil.example");
	f = header_flag(r, "display_name_address");
	assert_non_null(f);
	assert_string_equal(ti_str(f, "detail", NULL), "service@paypal.example");
	f = header_flag(r, "reply_to_domain");
	assert_non_null(f);
	assert_string_equal(ti_str(f, "detail", NULL), "other.example");
	assert_non_null(header_flag(r, "return_path_domain"));
	assert_null(header_flag(r, "mixed_script_subject"));
	json_decref(r);

	r = inspect_fixture("mixed_script.eml");
	assert_non_null(header_flag(r, "mixed_script_subject"));
	assert_non_null(header_flag(r, "mixed_script_name"));
	assert_null(header_flag(r, "display_name_address"));
	json_decref(r);
}

static void test_inspect__received_chain_with_delays(void **state)
{
	json_t *r = inspect_fixture("phish.eml");
	json_t *hops = json_object_get(r, "received");

	(void)state;
	assert_int_equal(json_array_size(hops), 3);
	assert_string_equal(ti_str(json_array_get(hops, 0), "by", NULL), "mail.corp.example");
	assert_string_equal(ti_str(json_array_get(hops, 1), "from", NULL),
			    "relay.evil.example [203.0.113.5]");
	assert_string_equal(ti_str(json_array_get(hops, 1), "for", NULL), "<alice@corp.example>");
	assert_string_equal(ti_str(json_array_get(hops, 2), "time", NULL), "2026-12-01T09:59:00Z");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(hops, 0), "delay")), 20);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(hops, 1), "delay")), 70);
	assert_true(json_is_null(json_object_get(json_array_get(hops, 2), "delay")));
	assert_true(json_is_true(json_object_get(json_array_get(hops, 1), "first_external")));
	assert_true(json_is_false(json_object_get(json_array_get(hops, 0), "first_external")));
	assert_true(json_is_false(json_object_get(json_array_get(hops, 2), "first_external")));
	json_decref(r);
}

static void test_inspect__auth_results_dkim_pass_and_fail(void **state)
{
	json_t *r = inspect_fixture("phish.eml");
	json_t *auth = json_object_get(r, "auth"), *dkim = json_object_get(auth, "dkim");

	(void)state;
	assert_string_equal(ti_str(auth, "spf", NULL), "softfail");
	assert_string_equal(ti_str(auth, "dmarc", NULL), "fail");
	assert_string_equal(ti_str(auth, "arc", NULL), "none");
	assert_int_equal(json_array_size(dkim), 2);
	assert_string_equal(ti_str(json_array_get(dkim, 0), "result", NULL), "pass");
	assert_string_equal(ti_str(json_array_get(dkim, 0), "d", NULL), "evil.example");
	assert_string_equal(ti_str(json_array_get(dkim, 0), "s", NULL), "s1");
	assert_string_equal(ti_str(json_array_get(dkim, 1), "result", NULL), "fail");
	assert_string_equal(ti_str(json_array_get(dkim, 1), "d", NULL), "paypal.example");
	{
		json_t *res = json_array_get(json_object_get(auth, "results"), 0);

		assert_string_equal(ti_str(res, "authserv_id", NULL), "mx2.corp.example");
		assert_string_equal(ti_str(res, "dmarc", "policy", NULL), "reject");
		assert_string_equal(ti_str(res, "dmarc", "header_from", NULL), "paypal.example");
		assert_string_equal(ti_str(res, "spf", "smtp_mailfrom", NULL),
				    "bounce@mailer.evil.example");
	}
	assert_string_equal(ti_str(auth, "received_spf", "result", NULL), "softfail");
	json_decref(r);
}

static void test_inspect__urls_once_with_where_and_rewrites(void **state)
{
	json_t *r = inspect_fixture("phish.eml");
	json_t *urls = json_object_get(r, "urls"), *u;

	(void)state;
	u = ti_find(urls, "url", "https://evil.example/unsub?id=1");
	assert_non_null(u);
	assert_true(ti_has(json_object_get(u, "found_in"), "header:List-Unsubscribe"));
	assert_true(ti_has(json_object_get(u, "found_in"), "html:href"));
	u = ti_find(urls, "url",
		    "http://links.mkt3337.com/ctt?kn=3&ms=MzQ3OTg3MDQS1&r="
		    "MzkxNzk3NDkwMDA0S0&b=0&j=MTMwMjA1ODYzNQS2&mt=1&rt=0");
	assert_non_null(u);
	assert_non_null(strstr(ti_str(u, "rewritten_from", NULL), "urldefense.proofpoint.com/v2/"));
	assert_true(ti_has(json_object_get(u, "flags"), "urldefense"));
	u = ti_find(urls, "url", "https://google.com:443/search?q=a+test&gs=ps");
	assert_non_null(u);
	assert_non_null(strstr(ti_str(u, "rewritten_from", NULL), "urldefense.com/v3/__"));
	assert_non_null(ti_find(urls, "url", "http://www.bouncycastle.org/"));
	u = ti_find(urls, "url", "https://login.evil.example/paypal");
	assert_non_null(u);
	assert_string_equal(ti_str(u, "anchor_text", NULL), "https://www.paypal.example/signin");
	assert_true(ti_has(json_object_get(u, "flags"), "anchor_host_mismatch"));
	u = ti_find(urls, "url", "https://track.evil.example/p.gif");
	assert_non_null(u);
	assert_true(ti_has(json_object_get(u, "found_in"), "html:src"));
	u = ti_find(urls, "url", "https://collect.evil.example/post");
	assert_non_null(u);
	assert_true(ti_has(json_object_get(u, "found_in"), "html:form"));
	/* A script's text is no link; a mailto is no URL. */
	assert_null(ti_find(urls, "url", "https://script.example/"));
	assert_null(ti_find(urls, "url", "mailto:unsub@evil.example"));
	json_decref(r);
}

static void test_inspect__attachments_hashed_and_flagged(void **state)
{
	json_t *r = inspect_fixture("phish.eml");
	json_t *atts = json_object_get(r, "attachments"), *a;
	static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << "
				  "/Root 1 0 R >>\n%%EOF\n";
	char hex[65];

	(void)state;
	assert_int_equal(json_array_size(atts), 2);
	a = ti_find(atts, "filename", "statement.pdf");
	assert_non_null(a);
	assert_string_equal(ti_str(a, "declared_type", NULL), "application/octet-stream");
	assert_string_equal(ti_str(a, "detected_type", NULL), "application/pdf");
	assert_true(ti_has(json_object_get(a, "flags"), "type_mismatch"));
	sha256_hex(pdf, sizeof(pdf) - 1, hex);
	assert_string_equal(ti_str(a, "sha256", NULL), hex);
	assert_int_equal(json_integer_value(json_object_get(a, "size")), sizeof(pdf) - 1);
	assert_string_equal(ti_str(a, "path", NULL), "2");
	a = ti_find(atts, "filename", "invoice.pdf.exe");
	assert_non_null(a);
	assert_true(ti_has(json_object_get(a, "flags"), "double_extension"));
	assert_true(ti_has(json_object_get(a, "flags"), "executable"));
	assert_false(ti_has(json_object_get(a, "flags"), "macro_capable"));
	/* The body is the text part, not an attachment. */
	assert_string_equal(ti_str(r, "body", "type", NULL), "text/plain");
	assert_int_equal(json_array_size(json_object_get(r, "warnings")), 0);
	json_decref(r);
}

static void test_inspect__docm_is_macro_capable(void **state)
{
	json_t *r = inspect_fixture("docm.eml");
	json_t *a = json_array_get(json_object_get(r, "attachments"), 0);

	(void)state;
	assert_string_equal(ti_str(a, "filename", NULL), "review.docm");
	assert_string_equal(ti_str(a, "detected_type", NULL),
			    "application/vnd.ms-word.document.macroEnabled.12");
	assert_true(ti_has(json_object_get(a, "flags"), "macro_capable"));
	assert_false(ti_has(json_object_get(a, "flags"), "type_mismatch"));
	json_decref(r);
}

static void test_inspect__nested_message(void **state)
{
	json_t *r = inspect_fixture("nested.eml");
	json_t *atts = json_object_get(r, "attachments"), *a;

	(void)state;
	a = ti_find(atts, "filename", "original.eml");
	assert_non_null(a);
	assert_string_equal(ti_str(a, "declared_type", NULL), "message/rfc822");
	assert_true(ti_has(json_object_get(a, "flags"), "nested_message"));
	a = ti_find(atts, "filename", "a.zip");
	assert_non_null(a);
	assert_string_equal(ti_str(a, "path", NULL), "2.2");
	assert_true(ti_has(json_object_get(a, "flags"), "nested_message"));
	assert_non_null(
		ti_find(json_object_get(r, "urls"), "url", "http://files.evil.example/a.zip"));
	assert_string_equal(ti_str(r, "body", "text", NULL), "See the attached message.");
	json_decref(r);
}

static void test_inspect__bad_charset_and_boundaries_warn(void **state)
{
	json_t *r = inspect_fixture("badcharset.eml"), *w;
	const char *text;

	(void)state;
	w = ti_find(json_object_get(r, "warnings"), "code", "bad_charset");
	assert_non_null(w);
	text = ti_str(r, "body", "text", NULL);
	assert_non_null(text);
	/* The bytes that are not UTF-8 became U+FFFD. */
	assert_non_null(strstr(text, "\xef\xbf\xbd"));
	assert_non_null(ti_find(json_object_get(r, "urls"), "url", "http://bad.example/x"));
	/* KOI8-R decoded; the unknown charset's word kept as readable text. */
	assert_non_null(strstr(ti_str(r, "headers", "subject", "value", NULL),
			       "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82"));
	json_decref(r);

	r = inspect_fixture("broken_boundary.eml");
	assert_non_null(ti_find(json_object_get(r, "warnings"), "code", "bad_boundary"));
	assert_string_equal(ti_str(r, "headers", "subject", "value", NULL), "broken");
	json_decref(r);
	r = inspect_fixture("no_boundary.eml");
	assert_non_null(ti_find(json_object_get(r, "warnings"), "code", "bad_boundary"));
	json_decref(r);
}

static void test_inspect__filenames_decoded_and_sanitised(void **state)
{
	json_t *r = inspect_fixture("names.eml");
	json_t *atts = json_object_get(r, "attachments");

	(void)state;
	assert_int_equal(json_array_size(atts), 3);
	/* RFC 2231 and RFC 2047 decoded; no '/' and no bidi override is left. */
	assert_string_equal(ti_str(json_array_get(atts, 0), "filename", NULL),
			    "r\xc3\xa9sum\xc3\xa9.pdf");
	assert_string_equal(ti_str(json_array_get(atts, 1), "filename", NULL), ".._.._etc_passwd");
	assert_string_equal(ti_str(json_array_get(atts, 2), "filename", NULL), "invoice_fdp.exe");
	assert_true(ti_has(json_object_get(json_array_get(atts, 2), "flags"), "executable"));
	json_decref(r);
}

/* What the attachment callback saw. */
struct seen {
	size_t bytes[4];
	int metas;
	size_t stop_at; /* stop on the first piece of this index (SIZE_MAX: never) */
	char sha256[65];
};

static int on_attachment(void *ctx, size_t index, const void *data, size_t len, const json_t *meta)
{
	struct seen *s = ctx;

	(void)data;
	if (index == s->stop_at)
		return 1;
	if (index < 4)
		s->bytes[index] += len;
	if (meta) {
		assert_null(data);
		s->metas++;
		if (index == 0)
			snprintf(s->sha256, sizeof(s->sha256), "%s",
				 json_string_value(json_object_get(meta, "sha256")));
	}
	return 0;
}

static void test_inspect__streamed_equals_buffer_and_callback(void **state)
{
	size_t len = 0, i;
	char *data = ti_fixture("phish.eml", &len);
	pps_inspect_options o = PPS_INSPECT_OPTIONS_INIT;
	struct seen s = { { 0 }, 0, SIZE_MAX, "" };
	pps_inspector *in = NULL;
	json_t *a = NULL, *b = NULL;

	(void)state;
	assert_non_null(data);
	o.attachment = on_attachment;
	o.ctx = &s;
	assert_int_equal(pps_inspect_buffer(&a, data, len, &o), PPS_OK);
	assert_int_equal(s.metas, 2);
	assert_int_equal(s.bytes[0],
			 json_integer_value(json_object_get(
				 json_array_get(json_object_get(a, "attachments"), 0), "size")));
	assert_string_equal(s.sha256, ti_str(json_array_get(json_object_get(a, "attachments"), 0),
					     "sha256", NULL));
	assert_int_equal(pps_inspector_new(&in, NULL), PPS_OK);
	for (i = 0; i < len; i += 7)
		assert_int_equal(pps_inspector_feed(in, data + i, len - i < 7 ? len - i : 7), 0);
	assert_int_equal(pps_inspector_finish(&b, in), PPS_OK);
	assert_true(json_equal(a, b));
	/* Spent. */
	assert_int_equal(pps_inspector_feed(in, "x", 1), PPS_EUSAGE);
	pps_inspector_free(in);
	json_decref(b);
	json_decref(a);
	a = NULL;
	s.stop_at = 1;
	assert_int_equal(pps_inspect_buffer(&a, data, len, &o), PPS_ECANCELED);
	assert_null(a);
	free(data);
}

static void test_inspect__options_and_empty(void **state)
{
	pps_inspect_options o = PPS_INSPECT_OPTIONS_INIT;
	json_t *r = NULL;

	(void)state;
	assert_int_equal(pps_inspect_options_init(&o, 0), PPS_EUSAGE);
	assert_int_equal(pps_inspect_options_init(&o, PPS_INSPECT_OPTIONS_VERSION), PPS_OK);
	o.version = 99;
	assert_int_equal(pps_inspect_buffer(&r, "x", 1, &o), PPS_EUSAGE);
	assert_null(r);
	assert_int_equal(pps_inspect_buffer(&r, "", 0, NULL), PPS_OK);
	assert_non_null(ti_find(json_object_get(r, "warnings"), "code", "empty"));
	assert_true(json_is_array(json_object_get(r, "urls")));
	assert_true(json_is_array(json_object_get(r, "attachments")));
	assert_true(json_is_null(json_object_get(r, "body")));
	json_decref(r);
	/* Not a message at all: headers that are not headers, a result all the same. */
	assert_int_equal(pps_inspect_buffer(&r, "\x01\x02\xff\n\n\xfe", 6, NULL), PPS_OK);
	assert_true(json_is_object(r));
	json_decref(r);
}

/* A URL seen plain first, then wrapped by URL Defense: one entry that keeps the wrapped form. */
static void test_inspect__plain_then_rewritten_keeps_the_rewrite(void **state)
{
	static const char msg[] = "From: a@example.com\r\nTo: b@example.com\r\nSubject: s\r\n"
				  "Content-Type: text/plain\r\n\r\n"
				  "See http://example.com/a and then "
				  "https://urldefense.proofpoint.com/v2/"
				  "url?u=http-3A__example.com_a&d=D&c=C&r=R&m=M&s=S&e= "
				  "again.\r\n";
	json_t *r = NULL, *urls, *e;

	(void)state;
	assert_int_equal(pps_inspect_buffer(&r, msg, sizeof(msg) - 1, NULL), PPS_OK);
	urls = json_object_get(r, "urls");
	assert_int_equal(json_array_size(urls), 1);
	e = json_array_get(urls, 0);
	assert_string_equal(json_string_value(json_object_get(e, "url")), "http://example.com/a");
	assert_non_null(json_string_value(json_object_get(e, "rewritten_from")));
	assert_non_null(strstr(json_string_value(json_object_get(e, "rewritten_from")),
			       "urldefense.proofpoint.com/v2/url"));
	assert_true(ti_has(json_object_get(e, "flags"), "urldefense"));
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inspect__urldefense_v1_v2_v3),
		cmocka_unit_test(test_inspect__headers_decoded_and_flagged),
		cmocka_unit_test(test_inspect__received_chain_with_delays),
		cmocka_unit_test(test_inspect__auth_results_dkim_pass_and_fail),
		cmocka_unit_test(test_inspect__urls_once_with_where_and_rewrites),
		cmocka_unit_test(test_inspect__attachments_hashed_and_flagged),
		cmocka_unit_test(test_inspect__docm_is_macro_capable),
		cmocka_unit_test(test_inspect__nested_message),
		cmocka_unit_test(test_inspect__bad_charset_and_boundaries_warn),
		cmocka_unit_test(test_inspect__filenames_decoded_and_sanitised),
		cmocka_unit_test(test_inspect__streamed_equals_buffer_and_callback),
		cmocka_unit_test(test_inspect__options_and_empty),
		cmocka_unit_test(test_inspect__plain_then_rewritten_keeps_the_rewrite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
