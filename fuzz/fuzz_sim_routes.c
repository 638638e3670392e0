/*
 * Fuzzes the emulator's route handlers with arbitrary query strings and JSON bodies, on a store
 * loaded once with the test fixture. The first byte picks the route; for GET routes the rest is
 * a query string (k=v&k=v), for the others the first line is the path tail and the rest the body.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/fixture.h"
#include "sim/sim.h"
#include "sim/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sim_ctx ctx;

static void setup(void)
{
	char dir[] = "/tmp/pps-fuzz-routes.XXXXXX";
	char path[512], err[512];
	const char *fixtures = getenv("PPS_FIXTURES");

	if (!mkdtemp(dir) || sim_store_open(&ctx.store, dir, err, sizeof(err)) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/basic.json", fixtures ? fixtures : "tests/fixtures");
	if (sim_fixture_load(ctx.store, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_sim_routes: %s\n", err);
		abort();
	}
	ctx.max_count = 1000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		const char *method;
		sim_route_fn fn;
		int query;
	} routes[] = {
		{ "GET", route_pss_filter_get, 1 },    { "GET", route_quarantine_get, 1 },
		{ "POST", route_quarantine_post, 0 },  { "GET", route_enduser_get, 0 },
		{ "POST", route_enduser_post, 0 },     { "PUT", route_enduser_put, 0 },
		{ "DELETE", route_enduser_delete, 0 }, { "GET", route_outbox_get, 1 },
	};
	static const sim_account acct = { .name = "admin", .modules = SIM_MOD_ALL };
	sim_param params[32];
	sim_request req = { 0 };
	sim_response resp = { 0 };
	size_t np = 0, r;
	char *text, *p;

	if (size < 1 || size > 65536)
		return 0;
	if (!ctx.store)
		setup();
	r = data[0] % (sizeof(routes) / sizeof(routes[0]));
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	req.method = routes[r].method;
	req.path = "/rest/v1/fuzz";
	req.account = &acct;
	req.ctx = &ctx;
	req.body = "";
	if (routes[r].query) {
		for (p = text; p && np < 32;) {
			char *amp = strchr(p, '&'), *eq;
			if (amp)
				*amp = '\0';
			eq = strchr(p, '=');
			if (eq) {
				*eq = '\0';
				params[np].key = p;
				params[np].value = eq + 1;
				np++;
			}
			p = amp ? amp + 1 : NULL;
		}
		req.params = params;
		req.nparams = np;
	} else {
		char *nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		req.tail = *text ? text : "x@example.com";
		req.body = nl ? nl + 1 : "";
		req.body_len = strlen(req.body);
	}
	routes[r].fn(&req, &resp);
	if (resp.status < 100 || resp.status > 599)
		abort();
	free(resp.body);
	free(text);
	return 0;
}
