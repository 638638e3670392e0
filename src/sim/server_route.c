/*
 * pps-sim's server: the route table (method, path, module, handler), one 404 and one 405 for
 * what matches none, the managed modules, and the handler's call with its query checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/server_int.h"
#include "sim/text.h"

#include "util/banned.h"

/* One route: a method, a path (ending in '*' for a prefix whose rest is the tail), a module. */
struct sim_route {
	const char *method;
	const char *path;
	unsigned module; /* SIM_MOD_* bit, 0: any authenticated account */
	sim_route_fn fn;
};

static const struct sim_route routes[] = {
	{ "GET", "/rest/v1/pss/health", SIM_MOD_PSS, route_pss_health_get },
	{ "GET", "/rest/v1/pss/filter", SIM_MOD_PSS, route_pss_filter_get },
	{ "GET", "/rest/v1/quarantine", SIM_MOD_QUARANTINE, route_quarantine_get },
	{ "POST", "/rest/v1/quarantine", SIM_MOD_QUARANTINE, route_quarantine_post },
	{ "GET", "/rest/v1/enduser/*", SIM_MOD_ENDUSER, route_enduser_get },
	{ "POST", "/rest/v1/enduser/*", SIM_MOD_ENDUSER, route_enduser_post },
	{ "PUT", "/rest/v1/enduser/*", SIM_MOD_ENDUSER, route_enduser_put },
	{ "DELETE", "/rest/v1/enduser/*", SIM_MOD_ENDUSER, route_enduser_delete },
	{ "GET", "/rest/v1/sim/outbox", SIM_MOD_ALL, route_outbox_get },
	{ "GET", "/rest/v1/sim/requests", SIM_MOD_ALL, route_sim_requests_get },
	{ "DELETE", "/rest/v1/sim/requests", SIM_MOD_ALL, route_sim_requests_delete },
	{ "POST", "/rest/v1/sim/messages", SIM_MOD_ALL, route_sim_messages_post },
};

/* The managed modules' names as the real server spells them. */
static const char *module_name(unsigned bit)
{
	switch (bit) {
	case SIM_MOD_PSS:
		return "pss";
	case SIM_MOD_QUARANTINE:
		return "Quarantine";
	case SIM_MOD_ENDUSER:
		return "enduser";
	default:
		return "pss, Quarantine and enduser";
	}
}

/* Matches path against a route pattern; sets *tail for '*' patterns. */
static int path_matches(const char *pattern, const char *path, const char **tail)
{
	size_t n = strlen(pattern);

	*tail = NULL;
	if (n && pattern[n - 1] == '*') {
		/* An empty rest names nothing. */
		if (strncmp(pattern, path, n - 1) != 0 || !path[n - 1])
			return 0;
		*tail = path + n - 1;
		return 1;
	}
	return strcmp(pattern, path) == 0;
}

/* Collected query parameters: a small array on the stack, the heap only past it. */
#define PARAMS_INLINE 32

struct params {
	sim_param inline_[PARAMS_INLINE];
	sim_param *v;
	size_t n, alloc;
	int oom;
};

static char empty_value[] = "";

static enum MHD_Result add_param(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct params *p = cls;
	sim_param *slot;

	(void)kind;
	if (p->n == p->alloc) {
		size_t alloc = p->alloc * 2;
		sim_param *v = malloc(alloc * sizeof(*v));

		if (!v) {
			p->oom = 1;
			return MHD_NO;
		}
		memcpy(v, p->v, p->n * sizeof(*v));
		if (p->v != p->inline_)
			free(p->v);
		p->v = v;
		p->alloc = alloc;
	}
	slot = &p->v[p->n++];
	/*
	 * libmicrohttpd keeps the decoded strings in the connection's memory until the request
	 * completes; the handlers only read them (sim_request.params is const), so they are
	 * borrowed, not copied.
	 */
	memcpy(&slot->key, &key, sizeof(slot->key));
	if (value)
		memcpy(&slot->value, &value, sizeof(slot->value));
	else
		slot->value = empty_value;
	return MHD_YES;
}

/* /rest/v1/sim/ (the emulator's own routes: the outbox, the request log) is for accounts
 * with every module, as the real server's administrators; 1 when acct may not, resp set. */
static int refuse_sim_route(const char *url, const sim_account *acct, sim_response *resp)
{
	if (!starts_with(url, SIM_PREFIX) || (acct->modules & SIM_MOD_ALL) == SIM_MOD_ALL)
		return 0;
	sim_respond_error(resp, 403,
			  "the account '%s' is not an administrator: %s is for "
			  "administrators only",
			  acct->name, SIM_PREFIX);
	return 1;
}

/* Finds the route; on no match fills a 404 or 405 (with allow) and returns NULL. */
static const struct sim_route *find_route(const char *method, const char *url, const char **tail,
					  sim_response *resp, char *allow, size_t allowlen)
{
	size_t pos = 0;

	allow[0] = '\0';
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const char *t;

		if (!path_matches(routes[i].path, url, &t))
			continue;
		if (strcmp(routes[i].method, method) == 0) {
			*tail = t;
			return &routes[i];
		}
		pos += (size_t)snprintf(allow + pos, pos < allowlen ? allowlen - pos : 0, "%s%s",
					pos ? ", " : "", routes[i].method);
	}
	if (allow[0])
		sim_respond_error(resp, 405, "method '%s' is not allowed on '%s'", method, url);
	else
		sim_respond_error(resp, 404, "no such resource: '%s'", url);
	return NULL;
}

/* The first parameter that a handler must not see, with why; NULL when all are fine, "" when
 * the fault is not one parameter's. */
static const char *bad_param(const struct params *p, const char **why)
{
	if (p->n > MAX_PARAMS) {
		*why = "too many query parameters";
		return "";
	}
	for (size_t i = 0; i < p->n; i++) {
		const char *k = p->v[i].key, *v = p->v[i].value;
		size_t vn = strlen(v);

		if (!sim_utf8_valid(k, strlen(k))) {
			*why = "a parameter name is not valid UTF-8";
			return "";
		}
		if (!sim_utf8_valid(v, vn)) {
			*why = "not valid UTF-8";
			return k;
		}
		if (vn > MAX_VALUE) {
			*why = "longer than 4096 bytes";
			return k;
		}
	}
	return NULL;
}

void sim_srv_run_handler(struct MHD_Connection *conn, sim_server *srv, const struct sim_route *rt,
			 const char *method, const char *url, const char *tail,
			 const struct req_state *st, const sim_account *acct, sim_response *resp)
{
	struct params p = { .n = 0, .alloc = PARAMS_INLINE };
	sim_request req = { 0 };

	const char *bad, *why = NULL;

	p.v = p.inline_;
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_param, &p);
	if (p.oom) {
		sim_respond_error(resp, 500, "out of memory");
		goto done;
	}
	bad = bad_param(&p, &why);
	if (bad && *bad)
		sim_respond_error(resp, 400, "Invalid argument: %s: %s", bad, why);
	else if (bad)
		sim_respond_error(resp, 400, "%s (at most %d, each at most %d bytes)", why,
				  MAX_PARAMS, MAX_VALUE);
	if (bad)
		goto done;
	req.method = method;
	req.path = url;
	req.tail = tail;
	req.params = p.v;
	req.nparams = p.n;
	req.body = st ? st->body.buf : empty_value;
	req.body_len = st ? st->body.len : 0;
	req.account = acct;
	req.ctx = srv->ctx;
	req.other_admin = st ? st->other_admin : 0;
	rt->fn(&req, resp);
	if (resp->status == 0)
		sim_respond_error(resp, 500, "the handler of %s %s gave no answer", method, url);
done:
	if (p.v != p.inline_)
		free(p.v);
}

const struct sim_route *sim_srv_route(const char *method, const char *url, const sim_account *acct,
				      const char **tail, sim_response *resp,
				      struct extra_header *hdr)
{
	const struct sim_route *rt;

	if (refuse_sim_route(url, acct, resp))
		return NULL;
	rt = find_route(method, url, tail, resp, hdr->text, sizeof(hdr->text));
	if (!rt) {
		if (resp->status == 405) {
			hdr->name = MHD_HTTP_HEADER_ALLOW;
			hdr->value = hdr->text;
		}
		return NULL;
	}
	if (rt->module && (acct->modules & rt->module) != rt->module) {
		sim_respond_error(resp, 403, "the account '%s' has no managed module '%s'",
				  acct->name, module_name(rt->module));
		return NULL;
	}
	return rt;
}
