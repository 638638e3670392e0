/* Unit tests of src/sim/reqlog.c: what the request log keeps of a secret. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "sim/reqlog.h"
#include "sim/sim.h"

/* Logs one request and reads back its entry's field ("query" or "body"); malloc'd or NULL
 * for null. */
static char *logged(const char *query, const char *body, const char *field)
{
	sim_ctx ctx = { 0 };
	sim_request req = { 0 };
	sim_response resp = { 0 };
	sim_reqlog_entry e = { .method = "POST", .path = "/rest/v1/enduser/x", .status = 200 };
	json_t *doc, *v;
	char *out = NULL;

	ctx.reqlog = sim_reqlog_new(4);
	assert_non_null(ctx.reqlog);
	e.query = query;
	e.body = body;
	e.body_len = body ? strlen(body) : 0;
	sim_reqlog_add(ctx.reqlog, &e);
	req.method = "GET";
	req.ctx = &ctx;
	route_sim_requests_get(&req, &resp);
	assert_int_equal(resp.status, 200);
	doc = json_loads(resp.body, 0, NULL);
	assert_non_null(doc);
	v = json_object_get(json_array_get(json_object_get(doc, "records"), 0), field);
	if (json_is_string(v))
		out = strdup(json_string_value(v));
	json_decref(doc);
	free(resp.body);
	sim_reqlog_free(ctx.reqlog);
	return out;
}

static void test_sim_reqlog__secret_names_in_the_query(void **state)
{
	static const char *const names[] = {
		"password",
		"passwd",
		"pass",
		"pwd",
		"secret",
		"token",
		"key",
		"apikey",
		"API_KEY",
		"auth",
		"X-Auth",
		"credential",
		"Credentials",
		"pass%77ord",
		"pass%2577ord",
		"PASSWORD",
		"client_secret",
		"access%5Ftoken",
		"attributes.password",
		"session",
		"p%61ssword",
		"a+password",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char q[128], want[128], *got;

		snprintf(q, sizeof(q), "subject=kept&%s=hunter2&x=1", names[i]);
		snprintf(want, sizeof(want), "subject=kept&%s=(redacted)&x=1", names[i]);
		got = logged(q, NULL, "query");
		assert_non_null(got);
		if (strcmp(got, want) != 0)
			fail_msg("%s: logged as '%s'", names[i], got);
		free(got);
	}
}

static void test_sim_reqlog__secret_keys_at_any_depth(void **state)
{
	char *got;

	(void)state;
	got = logged(
		NULL,
		"{\"firstname\":\"kept\",\"attributes\":{\"password\":\"h1\",\"list\":[{"
		"\"secret\":\"h2\"},{\"a\":{\"b\":{\"apiKey\":\"h3\"}}}]},"
		"\"attributes.password\":\"h4\",\"pass%77ord\":\"h5\",\"PassWd\":{\"x\":\"h6\"}}",
		"body");
	assert_non_null(got);
	if (strstr(got, "\"h") || !strstr(got, "kept"))
		fail_msg("logged as '%s'", got);
	free(got);
}

static void test_sim_reqlog__other_bodies(void **state)
{
	char *got;

	(void)state;
	/* A form body or broken JSON that mentions a secret goes whole. */
	got = logged(NULL, "password=hunter2&a=1", "body");
	assert_string_equal(got, "(redacted)");
	free(got);
	got = logged(NULL, "{\"password\": \"hunter2\"", "body");
	assert_string_equal(got, "(redacted)");
	free(got);
	/* Anything else is kept as sent, byte for byte. */
	got = logged(NULL, "{\"action\":\"move\",  \"folder\":\"Quarantine\"}", "body");
	assert_string_equal(got, "{\"action\":\"move\",  \"folder\":\"Quarantine\"}");
	free(got);
	got = logged("from=a%40b&count=5", NULL, "query");
	assert_string_equal(got, "from=a%40b&count=5");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_reqlog__secret_names_in_the_query),
		cmocka_unit_test(test_sim_reqlog__secret_keys_at_any_depth),
		cmocka_unit_test(test_sim_reqlog__other_bodies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
