/* Unit tests of the operations' pure pieces: client options, response and records parsing,
 * quarantine action bodies and messages, end-user bodies, and the checks made before sending. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "lib/internal.h"

/* On failure, shows the client's last error (libgit2's cl_git_pass habit). */
#define expect_code(c, expr, want)                                               \
	do {                                                                     \
		int rc_ = (expr);                                                \
		if (rc_ != (want))                                               \
			fail_msg("%s: got %d, want %d (%s)", #expr, rc_, (want), \
				 pps_client_last_error(c)->message);             \
	} while (0)

static int log_lines;

static void count_log(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
	log_lines++;
}

/* A client aimed at a port nobody listens on: a request that leaked out would fail as ENET. */
static int setup(void **state)
{
	pps_client_options o = PPS_CLIENT_OPTIONS_INIT;
	pps_client *c = NULL;
	char err[256];

	o.url = "https://127.0.0.1:1/";
	o.username = "admin";
	o.password = "admin-pass";
	o.retries = PPS_RETRIES_NONE;
	o.log = count_log;
	if (pps_global_init() != 0 || pps_client_new(&c, &o, err, sizeof(err)) != 0)
		return -1;
	log_lines = 0;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	pps_client_free(*state);
	pps_global_cleanup();
	return 0;
}

static pps_response *response(const char *body, const char *ctype)
{
	pps_response *r = pps__response_new();

	assert_non_null(r);
	r->status = 200;
	r->body = strdup(body);
	r->body_len = strlen(body);
	r->content_type = ctype ? strdup(ctype) : NULL;
	return r;
}

static void test_ops__client_new_checks_options(void **state)
{
	pps_client_options o = PPS_CLIENT_OPTIONS_INIT;
	pps_client *c = (pps_client *)1;
	char err[256];

	(void)state;
	assert_int_equal(pps_client_new(&c, NULL, err, sizeof(err)), PPS_EUSAGE);
	assert_null(c);
	o.url = "ftp://h";
	assert_int_equal(pps_client_new(&c, &o, err, sizeof(err)), PPS_EUSAGE);
	assert_non_null(strstr(err, "https://"));
	assert_int_equal(pps_client_new(&c, &o, NULL, 0), PPS_EUSAGE);
	o.url = "https://h:10000";
	o.timeout_ms = -1;
	assert_int_equal(pps_client_new(&c, &o, err, sizeof(err)), PPS_EUSAGE);
	o.timeout_ms = 0;
	o.retries = -2;
	assert_int_equal(pps_client_new(&c, &o, err, sizeof(err)), PPS_EUSAGE);
	/* Zeroed options are the defaults: 3 retries, not none. */
	pps_client_options_init(&o, PPS_CLIENT_OPTIONS_VERSION);
	o.url = "https://h:10000";
	assert_int_equal(pps_client_new(&c, &o, err, sizeof(err)), PPS_OK);
	assert_string_equal(c->base, "https://h:10000/rest/v1");
	assert_int_equal(c->timeout_ms, 60000);
	assert_int_equal(c->retries, 3);
	assert_int_equal(c->retry_base_ms, 500);
	assert_string_equal(c->user_agent, "pps/" PPS_VERSION);
	assert_int_equal(pps_client_connections(c), 0);
	assert_string_equal(pps_client_last_error(c)->message, "");
	pps_client_free(c);
	o.retries = PPS_RETRIES_NONE;
	assert_int_equal(pps_client_new(&c, &o, err, sizeof(err)), PPS_OK);
	assert_int_equal(c->retries, 0);
	pps_client_free(c);
	o.retries = 7;
	assert_int_equal(pps_client_new(&c, &o, err, sizeof(err)), PPS_OK);
	assert_int_equal(c->retries, 7);
	pps_client_free(c);
	pps_client_free(NULL);
	pps_response_free(NULL);
}

static int count_record(void *ctx, json_t *rec)
{
	(void)rec;
	++*(size_t *)ctx;
	return 0;
}

/* Feeds body whole to a records parser; the number of records delivered in *n. */
static int parse_records(pps_client *c, const char *body, const char *key, pps__record_check check,
			 size_t *n)
{
	pps_visitor v = { .version = PPS_VISITOR_VERSION, .record = count_record, .ctx = n };
	pps__records *p = NULL;
	pps__sink sink;
	int rc;

	*n = 0;
	assert_int_equal(pps__records_new(&p, c, key, check, &v), PPS_OK);
	sink = pps__records_sink(p);
	rc = sink.write(sink.ctx, body, strlen(body));
	if (rc == PPS_OK)
		rc = pps__records_finish(p);
	pps__records_free(p);
	return rc;
}

static void test_ops__records_shapes(void **state)
{
	static const struct {
		const char *body;
		int code;
		int count;
		const char *msg;
	} cases[] = {
		{ "{}", PPS_OK, 0, NULL },
		{ "{\"result\":null}", PPS_OK, 0, NULL },
		{ "{\"result\":[]}", PPS_OK, 0, NULL },
		{ "{\"result\":[{\"GUID\":\"g\"},{}]}", PPS_OK, 2, NULL },
		{ "{\"result\":{}}", PPS_EPROTO, 0, "response field 'result' is not an array" },
		{ "{\"result\":\"x\"}", PPS_EPROTO, 0, "response field 'result' is not an array" },
		{ "{\"result\":[{},1]}", PPS_EPROTO, 0, "non-object at index 1" },
		{ "[{}]", PPS_EPROTO, 0, "response is not a JSON object" },
		{ "\"x\"", PPS_EPROTO, 0, "response is not a JSON object" },
		{ "", PPS_EPROTO, 0, "response is empty" },
		{ "{\"result\":[}", PPS_EPROTO, 0, "not valid JSON in record 1" },
		{ "{\"result\":[{}]", PPS_EPROTO, 1, "response ends" },
		{ "{\"result\":[{}]}x", PPS_EPROTO, 1, "not valid JSON" },
	};
	pps_client *c = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = 0;
		int rc = parse_records(c, cases[i].body, "result", NULL, &n);

		if (rc != cases[i].code)
			fail_msg("%s: got %d (%s)", cases[i].body, rc, c->err.message);
		if (cases[i].code == PPS_OK && (int)n != cases[i].count)
			fail_msg("%s: %zu records, want %d", cases[i].body, n, cases[i].count);
		if (rc != PPS_OK && cases[i].msg && !strstr(c->err.message, cases[i].msg))
			fail_msg("%s: message '%s' lacks '%s'", cases[i].body, c->err.message,
				 cases[i].msg);
	}
}

static void test_ops__body_with_nul_is_not_json(void **state)
{
	pps_client *c = *state;
	pps_response *r = response("{}", NULL);

	r->body[1] = '\0';
	expect_code(c, pps__response_parse_json(c, r), PPS_EPROTO);
	pps_response_free(r);
}

static void test_ops__quarantine_sizes_as_strings_or_numbers(void **state)
{
	pps_client *c = *state;
	size_t n = 0;

	expect_code(c,
		    parse_records(c,
				  "{\"count\":3,\"records\":[{\"size\":\"6496\",\"spamscore\":"
				  "\"100\"},{\"size\":23104551,\"spamscore\":0},{}]}",
				  "records", pps__quarantine_check_record, &n),
		    PPS_OK);
	assert_int_equal(n, 3);
	expect_code(c,
		    parse_records(c, "{\"records\":[{\"size\":1},{\"spamscore\":{\"v\":1}}]}",
				  "records", pps__quarantine_check_record, &n),
		    PPS_EPROTO);
	assert_int_equal(n, 1);
	assert_string_equal(c->err.message,
			    "record 1: 'spamscore' is neither a string nor a number");
}

static void check_body(pps_client *c, const pps_quarantine_action_req *req, const char *want)
{
	json_t *body = NULL;
	char *text;

	expect_code(c, pps__quarantine_action_body(c, req, &body), PPS_OK);
	text = json_dumps(body, JSON_COMPACT);
	assert_string_equal(text, want);
	free(text);
	json_decref(body);
}

static void test_ops__action_body_leaves_unset_keys_out(void **state)
{
	pps_client *c = *state;
	pps_quarantine_action_req req = PPS_QUARANTINE_ACTION_REQ_INIT;

	req.action = PPS_QA_RELEASE;
	req.folder = "Quarantine";
	req.localguid = "6:6:239,6:6:4";
	req.scan = PPS_FLAG_FALSE;
	check_body(
		c, &req,
		"{\"action\":\"release\",\"folder\":\"Quarantine\",\"localguid\":\"6:6:239,6:6:4\","
		"\"scan\":\"f\"}");
	assert_int_equal(pps_quarantine_action_req_init(&req, PPS_QUARANTINE_ACTION_REQ_VERSION),
			 0);
	req.action = PPS_QA_FORWARD;
	req.folder = "HIPAA";
	req.localguid = "4:2:6";
	req.to = "a@b.c,d@e.f";
	req.subject = "Fwd \"x\"";
	req.appendoldsubject = PPS_FLAG_TRUE;
	req.envelope_from = "me@x.y";
	req.header_from = "Me <me@x.y>";
	req.deletedfolder = "Deleted Incidents";
	req.comment = "see attached\n";
	check_body(c, &req,
		   "{\"action\":\"forward\",\"folder\":\"HIPAA\",\"localguid\":\"4:2:6\","
		   "\"deletedfolder\":\"Deleted Incidents\",\"subject\":\"Fwd \\\"x\\\"\","
		   "\"appendoldsubject\":\"t\",\"from\":\"me@x.y\",\"headerfrom\":\"Me <me@x.y>\","
		   "\"to\":\"a@b.c,d@e.f\",\"comment\":\"see attached\\n\"}");
	assert_int_equal(pps_quarantine_action_req_init(&req, PPS_QUARANTINE_ACTION_REQ_VERSION),
			 0);
	req.action = PPS_QA_MOVE;
	req.folder = "Quarantine";
	req.localguid = "1:2:3";
	req.targetfolder = "Spam";
	check_body(c, &req,
		   "{\"action\":\"move\",\"folder\":\"Quarantine\",\"localguid\":\"1:2:3\","
		   "\"targetfolder\":\"Spam\"}");
}

static void test_ops__action_body_requires_its_arguments(void **state)
{
	pps_client *c = *state;
	pps_quarantine_action_req req = PPS_QUARANTINE_ACTION_REQ_INIT;
	json_t *body = NULL;

	req.action = PPS_QA_DELETE;
	req.localguid = "1:2:3";
	expect_code(c, pps__quarantine_action_body(c, &req, &body), PPS_EUSAGE);
	assert_string_equal(c->err.message, "a folder is required to delete");
	req.folder = "Quarantine";
	req.localguid = "";
	expect_code(c, pps__quarantine_action_body(c, &req, &body), PPS_EUSAGE);
	req.localguid = "1:2:3";
	req.action = PPS_QA_MOVE;
	expect_code(c, pps__quarantine_action_body(c, &req, &body), PPS_EUSAGE);
	assert_string_equal(c->err.message, "a target folder is required to move");
	req.action = PPS_QA_FORWARD;
	expect_code(c, pps__quarantine_action_body(c, &req, &body), PPS_EUSAGE);
	assert_string_equal(c->err.message, "a recipient is required to forward");
	req.action = (pps_qaction)42;
	expect_code(c, pps__quarantine_action_body(c, &req, &body), PPS_EUSAGE);
	req.action = PPS_QA_DELETE;
	req.comment = "bad \xff utf-8";
	expect_code(c, pps__quarantine_action_body(c, &req, &body), PPS_EUSAGE);
	assert_null(body);
	/* Nothing left the client for any of them. */
	expect_code(c, pps_quarantine_action(&(pps_response *){ NULL }, c, &req), PPS_EUSAGE);
	assert_int_equal(log_lines, 0);
}

static void check_message(pps_qaction action, const char *body, const char *ctype, const char *want)
{
	pps_response *r = response(body, ctype);
	char *got;

	if (*body == '{')
		r->json = json_loads(body, 0, NULL);
	got = pps__quarantine_action_message(action, "14:14:7", r);
	assert_string_equal(got, want);
	free(got);
	pps_response_free(r);
}

static void test_ops__action_messages_and_fallbacks(void **state)
{
	(void)state;
	check_message(PPS_QA_RELEASE,
		      "Request sent. Message 14:14:7 will be released momentarily\n", "text/plain",
		      "Request sent. Message 14:14:7 will be released momentarily");
	check_message(PPS_QA_RELEASE, "", NULL,
		      "Request sent. Message 14:14:7 will be released momentarily");
	check_message(PPS_QA_RESUBMIT, "  \n", "text/plain",
		      "Request sent. Message 14:14:7 will be resubmitted momentarily");
	check_message(PPS_QA_FORWARD, "", NULL,
		      "Request sent. Message 14:14:7 will be forwarded momentarily");
	check_message(PPS_QA_MOVE, "{\"status\":\"Successfully moved message 14:14:7\"}",
		      "application/json", "Successfully moved message 14:14:7");
	check_message(PPS_QA_MOVE, "{}", "application/json", "Successfully moved message 14:14:7");
	check_message(PPS_QA_DELETE, "{\"status\":200}", "application/json",
		      "Successfully deleted message 14:14:7");
	check_message(PPS_QA_DELETE, "", NULL, "Successfully deleted message 14:14:7");
}

static void check_user_body(pps_client *c, const char *fields, const char *attrs, const char *want)
{
	json_t *body = NULL;
	char *text;

	expect_code(c, pps__enduser_body(c, fields, attrs, &body), PPS_OK);
	text = json_dumps(body, JSON_COMPACT);
	assert_string_equal(text, want);
	free(text);
	json_decref(body);
}

static void test_ops__enduser_body(void **state)
{
	pps_client *c = *state;
	json_t *body = NULL;

	check_user_body(c, NULL, NULL, "{}");
	check_user_body(c, "{\"firstname\":\"Demo\",\"addgroup\":\"sales\"}", NULL,
			"{\"firstname\":\"Demo\",\"addgroup\":\"sales\"}");
	check_user_body(c, "{\"firstname\":\"Demo\"}", "{\"dept\":\"x\"}",
			"{\"firstname\":\"Demo\",\"attributes\":{\"dept\":\"x\"}}");
	check_user_body(c, "{\"attributes\":{\"a\":1}}", "{\"b\":2}", "{\"attributes\":{\"b\":2}}");
	check_user_body(c, NULL, "{}", "{\"attributes\":{}}");
	expect_code(c, pps__enduser_body(c, "firstname=x", NULL, &body), PPS_EUSAGE);
	assert_non_null(strstr(c->err.message, "invalid fields: "));
	expect_code(c, pps__enduser_body(c, "[1]", NULL, &body), PPS_EUSAGE);
	assert_string_equal(c->err.message, "invalid fields: expected a JSON object");
	expect_code(c, pps__enduser_body(c, "{}", "{\"a\":", &body), PPS_EUSAGE);
	assert_non_null(strstr(c->err.message, "invalid attributes: "));
	expect_code(c, pps__enduser_body(c, "{\"a\":1,\"a\":2}", NULL, &body), PPS_EUSAGE);
	assert_null(body);
}

static void test_ops__checks_before_sending(void **state)
{
	pps_client *c = *state;
	pps_response *r = (pps_response *)1;
	pps_quarantine_search_req q = PPS_QUARANTINE_SEARCH_REQ_INIT;
	pps_smartsearch_req s = PPS_SMARTSEARCH_REQ_INIT;

	q.start.set = 1;
	q.end.set = 1;
	q.sender = "";
	expect_code(c, pps_quarantine_search(&r, c, &q), PPS_EUSAGE);
	assert_null(r);
	assert_string_equal(c->err.message,
			    "a quarantine search needs a sender, a recipient or a subject");
	q.subject = "Loan";
	q.limit = -5;
	expect_code(c, pps_quarantine_search(&r, c, &q), PPS_EUSAGE);
	expect_code(c, pps_quarantine_download(&r, c, ""), PPS_EUSAGE);
	expect_code(c, pps_quarantine_download(&r, c, NULL), PPS_EUSAGE);
	expect_code(c, pps_smartsearch(&r, c, &s), PPS_EUSAGE);
	expect_code(c,
		    pps_enduser_create(&r, c,
				       &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION,
							   .email = "no-at-sign" }),
		    PPS_EUSAGE);
	assert_non_null(strstr(c->err.message, "'no-at-sign'"));
	expect_code(c,
		    pps_enduser_create(&r, c,
				       &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION,
							   .email = "a@b.c",
							   .fields_json = "{bad" }),
		    PPS_EUSAGE);
	expect_code(c,
		    pps_enduser_modify(&r, c,
				       &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION,
							   .uid = "uid",
							   .attributes_json = "[]" }),
		    PPS_EUSAGE);
	expect_code(c,
		    pps_enduser_get(&r, c,
				    &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION,
							.uid = "" }),
		    PPS_EUSAGE);
	expect_code(c, pps_enduser_delete(&r, c, &(pps_enduser_req)PPS_ENDUSER_REQ_INIT),
		    PPS_EUSAGE);
	assert_null(r);
	assert_int_equal(log_lines, 0);
	assert_int_equal(pps_client_connections(c), 0);
}

static void test_ops__every_call_resets_the_error(void **state)
{
	pps_client *c = *state;
	pps_response *r = NULL;

	expect_code(c,
		    pps_enduser_get(&r, c,
				    &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION,
							.uid = "" }),
		    PPS_EUSAGE);
	assert_int_equal(c->err.code, PPS_EUSAGE);
	/* The next call fails differently (the port is closed): no trace of the first. */
	expect_code(c,
		    pps_enduser_get(&r, c,
				    &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION,
							.uid = "demo.user" }),
		    PPS_ENET);
	assert_string_equal(c->err.message, "connection refused by 127.0.0.1 port 1");
	assert_int_equal(c->err.http_status, 0);
	assert_null(c->err.server_message);
	assert_int_equal(log_lines, 1);
}

/* A struct of version 0 (zeroed) or of a version this library does not know is refused. */
static void test_ops__versions_are_checked(void **state)
{
	pps_client *c = *state;
	pps_response *r = NULL;
	pps_smartsearch_req s;
	pps_quarantine_search_req q;
	pps_enduser_req u;
	pps_client_options o;
	pps_client *other = NULL;
	char err[256];

	memset(&s, 0, sizeof(s));
	s.start.set = 1;
	expect_code(c, pps_smartsearch(&r, c, &s), PPS_EUSAGE);
	assert_string_equal(c->err.message, "pps_smartsearch_req has version 0: initialize it "
					    "with its _INIT macro or _init function");
	s.version = PPS_SMARTSEARCH_REQ_VERSION + 1;
	expect_code(c, pps_smartsearch(&r, c, &s), PPS_EUSAGE);
	assert_non_null(strstr(c->err.message, "newer than this libpps knows"));
	assert_int_equal(pps_quarantine_search_req_init(&q, 0), PPS_EUSAGE);
	assert_int_equal(pps_quarantine_search_req_init(&q, 99), PPS_EUSAGE);
	assert_int_equal(pps_quarantine_search_req_init(&q, PPS_QUARANTINE_SEARCH_REQ_VERSION), 0);
	assert_int_equal(q.version, PPS_QUARANTINE_SEARCH_REQ_VERSION);
	assert_null(q.sender);
	q.version = 0;
	q.subject = "x";
	q.start.set = q.end.set = 1;
	expect_code(c, pps_quarantine_search(&r, c, &q), PPS_EUSAGE);
	memset(&u, 0, sizeof(u));
	u.email = "a@b.c";
	expect_code(c, pps_enduser_get(&r, c, &u), PPS_EUSAGE);
	assert_non_null(strstr(c->err.message, "pps_enduser_req has version 0"));
	memset(&o, 0, sizeof(o));
	o.url = "https://127.0.0.1:1";
	assert_int_equal(pps_client_new(&other, &o, err, sizeof(err)), PPS_EUSAGE);
	assert_null(other);
	assert_non_null(strstr(err, "PPS_CLIENT_OPTIONS_INIT"));
	assert_int_equal(pps_client_options_init(&o, PPS_CLIENT_OPTIONS_VERSION), 0);
	o.url = "https://127.0.0.1:1";
	assert_int_equal(pps_client_new(&other, &o, err, sizeof(err)), 0);
	pps_client_free(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops__client_new_checks_options),
		cmocka_unit_test_setup_teardown(test_ops__records_shapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ops__body_with_nul_is_not_json, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ops__quarantine_sizes_as_strings_or_numbers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_ops__versions_are_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ops__action_body_leaves_unset_keys_out, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ops__action_body_requires_its_arguments, setup,
						teardown),
		cmocka_unit_test(test_ops__action_messages_and_fallbacks),
		cmocka_unit_test_setup_teardown(test_ops__enduser_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ops__checks_before_sending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ops__every_call_resets_the_error, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
