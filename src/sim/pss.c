/*
 * /pss/health and /pss/filter (Smart Search): parameter checks, the matching rules of match.c
 * applied to the store's candidates, and the answer built from the stored JSON texts. No SQL here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "sim/match.h"
#include "sim/sim.h"
#include "sim/store.h"
#include "util/buf.h"

#include "util/banned.h"

#define SIM_PSS_VERSION "8.16.2"
#define DEFAULT_COUNT	100

void route_pss_health_get(const sim_request *req, sim_response *resp)
{
	(void)req;
	sim_respond_json(resp, 200,
			 json_pack("{s:s, s:s, s:s}", "status", "ok", "version", SIM_PSS_VERSION,
				   "product", "Proofpoint Protection Server"));
}

/* One Smart Search query: the parameters, compiled. */
struct filter {
	const char *action;
	sim_addr_pattern *env_from;
	sim_addr_pattern *env_rcpt;
	char *subject; /* analyzed */
	const char *virus;
	const char *attach;
	const char *host;
	const char *qid;
	const char *sid;
	const char *guid;
	char *hdr_mid; /* without angle brackets */
	int64_t from;
	int64_t to;
	long count;
	long found;
	ppsbuf out;
};

static const char *const actions[] = { "accept",   "continue", "discard",
				       "redirect", "reject",   "retry" };

/* A parameter's value, NULL when absent or empty (an empty filter filters nothing). */
static const char *param(const sim_request *req, const char *key)
{
	const char *v = sim_param_get(req, key);

	return v && *v ? v : NULL;
}

static int valid_action(const char *a)
{
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(a, actions[i]) == 0)
			return 1;
	return 0;
}

static int any_rcpt_matches(const sim_addr_pattern *p, const char *rcpts)
{
	char one[512];

	while (*rcpts) {
		const char *comma = strchr(rcpts, ',');
		size_t n = comma ? (size_t)(comma - rcpts) : strlen(rcpts);

		if (n && n < sizeof(one)) {
			memcpy(one, rcpts, n);
			one[n] = '\0';
			if (sim_addr_match(p, one))
				return 1;
		}
		rcpts += n;
		if (*rcpts == ',')
			rcpts++;
	}
	return 0;
}

static int row_matches(const struct filter *f, const sim_msg_row *r)
{
	if (r->epoch < f->from || r->epoch >= f->to)
		return 0;
	if (f->action && strcmp(f->action, r->action) != 0)
		return 0;
	if (f->guid && strcmp(f->guid, r->guid) != 0)
		return 0;
	if (f->qid && strcmp(f->qid, r->qid) != 0)
		return 0;
	if (f->sid && strcmp(f->sid, r->sid) != 0)
		return 0;
	if (f->hdr_mid && strcmp(f->hdr_mid, r->hdr_mid) != 0)
		return 0;
	if (f->host && strcasecmp(f->host, r->host) != 0 && strcasecmp(f->host, r->ip) != 0)
		return 0;
	if (f->env_from && !sim_addr_match(f->env_from, r->sender))
		return 0;
	if (f->env_rcpt && !any_rcpt_matches(f->env_rcpt, r->rcpts))
		return 0;
	if (f->virus && !sim_list_match(f->virus, r->virus))
		return 0;
	if (f->attach && !sim_list_match(f->attach, r->attach))
		return 0;
	if (f->subject && !sim_subject_match(f->subject, r->terms))
		return 0;
	return 1;
}

static int collect(void *arg, const sim_msg_row *r)
{
	struct filter *f = arg;

	if (!row_matches(f, r))
		return 1;
	if ((f->found && ppsbuf_addch(&f->out, ',') < 0) ||
	    ppsbuf_add(&f->out, r->record, r->record_len) < 0)
		return -1;
	f->found++;
	return f->found < f->count;
}

static int addr_pred(void *arg, const char *address)
{
	return sim_addr_match(arg, address);
}

/* Strips the angle brackets of a Message-ID; malloc'd or NULL. */
static char *bare_mid(const char *mid)
{
	size_t n = strlen(mid);

	if (n >= 2 && mid[0] == '<' && mid[n - 1] == '>')
		return strndup(mid + 1, n - 2);
	return strdup(mid);
}

/* The checked parameters: count, action, from and to. 0, or -1 with a 400 in resp. */
static int filter_check(const sim_request *req, struct filter *f, sim_response *resp)
{
	const char *v = sim_param_get(req, "count");

	if (v) {
		char *end;

		errno = 0;
		f->count = strtol(v, &end, 10);
		if (!*v || *end || errno || f->count <= 0) {
			sim_respond_error(resp, 400,
					  "Invalid argument: count: '%s' is not a positive integer",
					  v);
			return -1;
		}
	}
	if (req->ctx->max_count > 0 && f->count > req->ctx->max_count)
		f->count = req->ctx->max_count;
	v = sim_param_get(req, "action");
	if (v && !valid_action(v)) {
		sim_respond_error(resp, 400,
				  "Invalid argument: action: '%s' is not one of accept, continue,"
				  " discard, redirect, reject, retry",
				  v);
		return -1;
	}
	f->action = v;
	v = sim_param_get(req, "from");
	if (v && sim_parse_when(v, &f->from) < 0) {
		sim_respond_error(resp, 400, "Invalid argument: from: '%s' is not an ISO-8601 time",
				  v);
		return -1;
	}
	v = sim_param_get(req, "to");
	if (v && sim_parse_when(v, &f->to) < 0) {
		sim_respond_error(resp, 400, "Invalid argument: to: '%s' is not an ISO-8601 time",
				  v);
		return -1;
	}
	return 0;
}

/* The matching parameters, compiled (address patterns, the analyzed subject). 0, or -1 out of
 * memory. *an: the analyzer, the caller frees it. */
static int filter_compile(const sim_request *req, struct filter *f, sim_analyzer **an)
{
	const char *v;

	if ((v = param(req, "env_from")) && !(f->env_from = sim_addr_pattern_new(v)))
		return -1;
	if ((v = param(req, "env_rcpt")) && !(f->env_rcpt = sim_addr_pattern_new(v)))
		return -1;
	if ((v = param(req, "subject"))) {
		*an = sim_analyzer_new();
		if (!*an || !(f->subject = sim_analyze(*an, v, 1)))
			return -1;
	}
	if ((v = param(req, "hdr_mid")) && !(f->hdr_mid = bare_mid(v)))
		return -1;
	f->virus = param(req, "virus");
	f->attach = param(req, "attach");
	f->host = param(req, "host");
	f->qid = param(req, "qid");
	f->sid = param(req, "sid");
	f->guid = param(req, "guid");
	return 0;
}

/* What the store can narrow by itself; row_matches checks the rest. */
static void filter_scan(const struct filter *f, sim_msg_scan *scan)
{
	scan->from = f->from;
	scan->to = f->to;
	scan->guid = f->guid;
	scan->hdr_mid = f->hdr_mid;
	scan->qid = f->qid;
	scan->sid = f->sid;
	if (f->env_from) {
		scan->addr_pred = addr_pred;
		scan->addr_arg = f->env_from;
		scan->addr_role = SIM_ROLE_SENDER;
	} else if (f->env_rcpt) {
		scan->addr_pred = addr_pred;
		scan->addr_arg = f->env_rcpt;
		scan->addr_role = SIM_ROLE_RCPT;
	}
}

/* Scans the store into {"result":[...]} and answers it. */
static void filter_answer(const sim_request *req, struct filter *f, sim_response *resp)
{
	sim_msg_scan scan = { .from = INT64_MIN, .to = INT64_MAX };
	char *body;
	size_t len;

	filter_scan(f, &scan);
	if (ppsbuf_adds(&f->out, "{\"result\":[") < 0)
		goto oom;
	if (f->from < f->to && sim_store_scan_messages(req->ctx->store, &scan, collect, f) < 0) {
		sim_respond_error(resp, 500, "the store failed to answer");
		return;
	}
	if (ppsbuf_adds(&f->out, "]}") < 0)
		goto oom;
	body = ppsbuf_detach(&f->out, &len);
	resp->status = 200;
	resp->content_type = "application/json";
	free(resp->body);
	resp->body = body;
	resp->body_len = len;
	return;
oom:
	sim_respond_error(resp, 500, "out of memory");
}

void route_pss_filter_get(const sim_request *req, sim_response *resp)
{
	struct filter f = { .from = INT64_MIN, .to = INT64_MAX, .count = DEFAULT_COUNT };
	sim_analyzer *an = NULL;

	ppsbuf_init(&f.out, 0);
	if (filter_check(req, &f, resp) < 0)
		goto done;
	if (filter_compile(req, &f, &an) < 0)
		sim_respond_error(resp, 500, "out of memory");
	else
		filter_answer(req, &f, resp);
done:
	ppsbuf_release(&f.out);
	sim_addr_pattern_free(f.env_from);
	sim_addr_pattern_free(f.env_rcpt);
	sim_analyzer_free(an);
	free(f.subject);
	free(f.hdr_mid);
}
