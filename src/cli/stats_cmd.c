/*
 * The stats command: reads the Smart Search trace or the quarantine of a window as it streams
 * (one request, or libpps's walk with --all), counts it (stats.c) and prints it (stats_out.c).
 */
#include "cli/stats_cmd.h"

#include <jansson.h>
#include <stdio.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/exit.h"
#include "cli/walk.h"
#include "util/timeutil.h"

#include "util/banned.h"

/* The most records one answer holds, asked when limit= is not given. */
#define ONE_ANSWER_SMARTSEARCH 10000
#define ONE_ANSWER_QUARANTINE  1000

/* Counting state shared by the record callbacks. */
struct counting {
	cli_stats *s;
	size_t n;     /* records of the current request or walk */
	json_t *last; /* the last record of a single request, for the cap probe */
	FILE *err;    /* where progress goes (a terminal), or NULL */
	int nomem;
};

static int count_record(void *arg, json_t *rec)
{
	struct counting *c = arg;

	c->n++;
	json_decref(c->last);
	c->last = json_incref(rec);
	if (cli_stats_add(c->s, rec)) {
		c->nomem = 1;
		return -1;
	}
	return 0;
}

static int count_walked(void *arg, json_t *rec, int64_t t)
{
	struct counting *c = arg;

	(void)t;
	c->n++;
	if (cli_stats_add(c->s, rec)) {
		c->nomem = 1;
		return -1;
	}
	return 0;
}

/* After each page of a walk on a terminal: how far it got, on one stderr line. */
static int progress(void *arg, const char *position, const pps_walk_result *sofar)
{
	struct counting *c = arg;
	char when[32] = "-";

	(void)position;
	if (sofar->records)
		tu_format_utc(sofar->reached, when, sizeof(when));
	fprintf(c->err, "\r\033[K%llu records counted, reached %s UTC", c->s->total, when);
	fflush(c->err);
	return 0;
}

/* Whether the bars may use Unicode: not --ascii, not TERM=dumb, a UTF-8 locale. */
static int want_unicode(const cli_stats_req *r)
{
	const char *term = getenv("TERM");
	const char *cur = setlocale(LC_CTYPE, NULL);
	char *saved = cur ? strdup(cur) : NULL;
	int utf8;

	if (r->ascii == PPS_FLAG_TRUE || (term && !strcmp(term, "dumb"))) {
		free(saved);
		return 0;
	}
	utf8 = setlocale(LC_CTYPE, "") && !strcmp(nl_langinfo(CODESET), "UTF-8");
	setlocale(LC_CTYPE, saved ? saved : "C");
	free(saved);
	return utf8;
}

/*
 * One search (a Smart Search, or one folder of the quarantine) counted into c: one request,
 * or the whole window with --all. Returns a pps_code; *overfull the crowded second of a walk.
 */
static int count_search(cli_ctx *ctx, cli_search *s, struct counting *c, long cap,
			int64_t *overfull)
{
	int rc;

	c->n = 0;
	if (ctx->jobs.all) {
		pps_walk_options o = PPS_WALK_OPTIONS_INIT;
		pps_walk_result res = PPS_WALK_RESULT_INIT;

		o.server_cap = ctx->jobs.server_cap;
		o.limit = cap;
		o.record = count_walked;
		o.ctx = c;
		o.page_done = c->err ? progress : NULL;
		rc = s->quarantine ? pps_quarantine_walk(ctx->client, &s->qs, &o, &res)
				   : pps_smartsearch_walk(ctx->client, &s->ss, &o, &res);
		if (c->err) {
			fputs("\r\033[K", c->err);
			fflush(c->err);
		}
		if (rc == PPS_EINCOMPLETE)
			*overfull = res.overfull_at;
	} else {
		pps_visitor v = PPS_VISITOR_INIT;
		long asked = s->quarantine ? s->qs.limit : s->ss.count;

		v.record = count_record;
		v.ctx = c;
		rc = s->quarantine ? pps_quarantine_search_each(ctx->client, &s->qs, &v)
				   : pps_smartsearch_each(ctx->client, &s->ss, &v);
		if (rc == PPS_OK && c->last)
			cli_search_probe_last(ctx, s, asked, c->n, c->last,
					      s->quarantine ? s->qs.folder : NULL);
		json_decref(c->last);
		c->last = NULL;
	}
	if (c->nomem)
		rc = PPS_ENOMEM;
	return rc;
}

/* The usage errors of the arguments together; one line, 1 when there is one. */
static int check_args(cli_ctx *ctx, const cli_args *a, int quarantine)
{
	static const char *const trace_only[] = { "action", "virus", "attachment", "host", NULL };
	cli_format f = ctx->render.format;

	if (f == CLI_FMT_RAW || f == CLI_FMT_TSV || f == CLI_FMT_MARKDOWN) {
		cli_errorf(ctx, "stats prints a chart (-o table), json, ndjson or csv: not -o %s",
			   f == CLI_FMT_RAW   ? "raw"
			   : f == CLI_FMT_TSV ? "tsv"
					      : "markdown");
		return 1;
	}
	if (ctx->render.fields) {
		cli_errorf(ctx, "--fields does not apply to stats: its output has fixed fields");
		return 1;
	}
	if (!quarantine)
		return 0;
	for (size_t i = 0; trace_only[i]; i++)
		if (a->value[cli_args_index(a, trace_only[i])]) {
			cli_errorf(ctx,
				   "%s= filters the Smart Search trace: it does not go with "
				   "folder_name",
				   trace_only[i]);
			return 1;
		}
	if (!cli_args_get(a, "sender") && !cli_args_get(a, "recipient") &&
	    !cli_args_get(a, "subject")) {
		cli_errorf(ctx, "folder_name needs one of sender, recipient, subject (as "
				"quarantine-messages-list)");
		return 1;
	}
	return 0;
}

/* Counts every folder (or the trace) into c. Returns the exit status; *overfull as above. */
static int count_all(cli_ctx *ctx, cli_stats_req *r, const cli_strlist *folders, struct counting *c,
		     int64_t *overfull)
{
	int quarantine = folders->n > 0, status = CLI_EXIT_OK;
	long limit = ctx->jobs.limit_given ? r->ss.count : 0;
	size_t parts = quarantine ? folders->n : 1, failed = 0;

	for (size_t p = 0; p < parts; p++) {
		cli_search s;
		int rc;
		char what[300];
		/* limit= is a total over every folder. */
		long left = limit ? limit - (long)c->s->total : 0;

		if (limit && left <= 0)
			break;
		cli_search_init(&s, quarantine);
		s.ss = r->ss;
		s.ss.count = left ? left : ONE_ANSWER_SMARTSEARCH;
		if (quarantine) {
			s.qs.sender = r->ss.env_from;
			s.qs.recipient = r->ss.env_rcpt;
			s.qs.subject = r->ss.subject;
			s.qs.start = r->ss.start;
			s.qs.end = r->ss.end;
			s.qs.folder = folders->items[p];
			s.qs.limit = left ? left : ONE_ANSWER_QUARANTINE;
		}
		rc = count_search(ctx, &s, c, left, overfull);
		snprintf(what, sizeof(what), "folder '%s'", quarantine ? folders->items[p] : "");
		if (rc == PPS_ENOMEM) {
			cli_errorf(ctx, "out of memory");
			return CLI_EXIT_FAILURE;
		}
		if (rc && rc != PPS_EINCOMPLETE) {
			failed++;
			status = cli_report(ctx, rc, quarantine && parts > 1 ? what : NULL);
			if (!quarantine || rc == PPS_EAUTH || rc == PPS_EPERM)
				return status;
		}
	}
	/* Every folder failed: nothing to show. */
	if (failed == parts)
		return status;
	return status ? -status : CLI_EXIT_OK;
}

int cmd_stats(cli_ctx *ctx, const cli_args *a)
{
	size_t field = 0;
	const cli_strlist *folders = cli_args_list(a, CLI_ARG_LIST, &field);
	cli_strlist none = { 0 };
	cli_stats_req r;
	cli_stats *s = NULL;
	struct counting c = { 0 };
	int64_t start, end, overfull = 0;
	cli_stats_by by = CLI_STATS_BY_AUTO;
	int status, rc;

	memset(&r, 0, sizeof(r));
	pps_smartsearch_req_init(&r.ss, PPS_SMARTSEARCH_REQ_VERSION);
	cli_args_bind(a, &r);
	if (!folders || !cli_args_get(a, "folder_name"))
		folders = &none;
	if (check_args(ctx, a, folders->n > 0))
		return CLI_EXIT_USAGE;
	for (size_t d = 0; d < a->dups.n; d++)
		cli_errorf(ctx,
			   "warning: folder '%s' named more than once in folder_name: counted once",
			   a->dups.items[d]);
	if (r.by)
		by = !strcmp(r.by, "hour") ? CLI_STATS_BY_HOUR : CLI_STATS_BY_DAY;
	start = r.ss.start.epoch;
	end = r.ss.end.set ? r.ss.end.epoch : (int64_t)time(NULL);
	if (!r.ss.end.set) {
		r.ss.end.epoch = end;
		r.ss.end.set = 1;
	}
	rc = cli_stats_new(&s, folders->n > 0, start, end, by,
			   r.top > 0 ? (size_t)r.top : CLI_STATS_TOP_DEFAULT);
	if (rc == -2) {
		if (end <= start)
			cli_errorf(ctx,
				   "invalid window '%s' to '%s': end_time is not after start_time",
				   cli_args_get(a, "start_time"),
				   cli_args_get(a, "end_time") ? cli_args_get(a, "end_time")
							       : "now");
		else
			cli_errorf(ctx,
				   "invalid window for by=%s: more than %d bars; use %sa shorter "
				   "window",
				   cli_stats_step(by, start, end) == 3600 ? "hour" : "day",
				   CLI_STATS_MAX_BUCKETS,
				   cli_stats_step(by, start, end) == 3600 ? "by=day or " : "");
		return CLI_EXIT_USAGE;
	}
	if (rc) {
		cli_errorf(ctx, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	c.s = s;
	c.err = ctx->err_tty && !ctx->quiet && !ctx->dry_run ? ctx->err : NULL;
	status = count_all(ctx, &r, folders, &c, &overfull);
	if (status > 0)
		goto done;
	/* A failed folder among others: the rest is shown, the status stays. */
	status = -status;
	if (ctx->dry_run)
		goto done;
	if (cli_stats_finish(s) || cli_stats_print(ctx, s, want_unicode(&r))) {
		cli_errorf(ctx, "cannot write to standard output");
		status = CLI_EXIT_FAILURE;
		goto done;
	}
	if (overfull)
		status = cli_walk_warn_incomplete(ctx, overfull, NULL);
done:
	cli_stats_free(s);
	return status;
}
