/*
 * The entry of the search jobs (see walk.h): one request with the probe of a capped answer,
 * or --all (walkall.c) or --follow (follow.c) with SIGINT/SIGTERM caught; and the checks of
 * their flags.
 */
#include "cli/walk.h"

#include <jansson.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/walkpriv.h"
#include "util/buf.h"
#include "util/timeutil.h"

#include "util/banned.h"

/* Answers at least this long may have been cut by a server cap nobody told us about. */
#define CAP_SUSPECT 1000

static void on_stop(int sig)
{
	(void)sig;
	cli_walk_stop = 1;
}

/* ---- one request, and the probe of a capped answer --------------------------------------- */

static pps_instant at(int64_t epoch, int offset_min)
{
	pps_instant t = { epoch, offset_min, 1 };

	return t;
}

/* One record of s in [from, to] (to excluded for Smart Search): is there one? */
static int fetch_one(cli_ctx *ctx, const cli_search *s, int64_t from, int64_t to,
		     pps_response **out)
{
	if (!s->quarantine) {
		pps_smartsearch_req r = s->ss;

		r.start = at(from, s->ss.start.offset_min);
		r.end = at(to, s->ss.start.offset_min);
		r.count = 1;
		return pps_smartsearch(out, ctx->client, &r);
	} else {
		pps_quarantine_search_req r = s->qs;

		r.start = at(from, 0);
		r.end = at(to, 0);
		r.limit = 1;
		return pps_quarantine_search(out, ctx->client, &r);
	}
}

/*
 * After an answer of got records to a request for asked, the oldest at oldest: when it may have
 * been cut (as long as asked, or at least CAP_SUSPECT or the configured cap), asks once for one
 * record older than the oldest shown, and warns when there is one. Never changes the exit
 * status; an answer as long as a limit= the user gave is what the user asked for.
 */
static void probe_more(cli_ctx *ctx, const cli_search *s, long asked, size_t got, int64_t oldest,
		       const char *folder)
{
	long cap = ctx->jobs.server_cap;
	int64_t from, to;
	int has_to;
	pps_response *resp = NULL;
	char when[32];

	if (got == 0 || ctx->quiet || ctx->dry_run)
		return;
	if ((long)got >= asked && ctx->jobs.limit_given)
		return;
	if ((long)got < asked && !(cap > 0 ? (long)got >= cap : got >= CAP_SUSPECT))
		return;
	cli_walk_window_of(s, &from, &to, &has_to);
	if (oldest <= from)
		return;
	/* Strictly older than the oldest shown: [from, oldest) on either API. */
	if (fetch_one(ctx, s, from, s->quarantine ? oldest - 1 : oldest, &resp) != PPS_OK)
		return; /* the answer stands; a failed probe is not worth an error */
	if (json_array_size(resp->records) > 0) {
		tu_format_utc(oldest, when, sizeof(when));
		cli_errorf(
			ctx,
			"%s%s%sshowing %zu record%s: more match before %s UTC; use --all to fetch "
			"the whole window%s",
			folder ? "folder '" : "", folder ? folder : "", folder ? "': " : "", got,
			got == 1 ? "" : "s", when,
			(long)got >= asked ? " (or a higher limit=)" : "");
	}
	pps_response_free(resp);
}

void cli_search_probe(cli_ctx *ctx, const cli_search *s, long asked, const json_t *records,
		      const char *folder)
{
	size_t got = json_array_size(records);
	int64_t oldest;

	if (got && !pps_record_time(&oldest, CLI_SEARCH_OP(s->quarantine),
				    json_array_get(records, got - 1)))
		probe_more(ctx, s, asked, got, oldest, folder);
}

void cli_search_probe_last(cli_ctx *ctx, const cli_search *s, long asked, size_t got,
			   const json_t *last, const char *folder)
{
	int64_t oldest;

	if (got && last && !pps_record_time(&oldest, CLI_SEARCH_OP(s->quarantine), last))
		probe_more(ctx, s, asked, got, oldest, folder);
}

/*
 * One streamed request: the visitor cli_print_stream gives is tapped to count the records and
 * keep the last one (as a value or as its text), for the probe afterwards.
 */
struct tap {
	const pps_visitor *inner;
	cli_search *s;
	size_t n;
	json_t *last;
	ppsbuf last_text;
};

/* cli_print_stream hands its request over as const: this carries the tap through. */
struct tap_ref {
	struct tap *tap;
};

static int tap_record(void *p, json_t *rec)
{
	struct tap *t = p;

	t->n++;
	json_decref(t->last);
	t->last = json_incref(rec);
	return t->inner->record(t->inner->ctx, rec);
}

static int tap_text(void *p, const char *json, size_t len)
{
	struct tap *t = p;

	if (!t->inner->record)
		t->n++;
	ppsbuf_reset(&t->last_text);
	if (ppsbuf_add(&t->last_text, json, len) < 0)
		return -1;
	return t->inner->record_text(t->inner->ctx, json, len);
}

static int tap_body(void *p, const char *data, size_t len)
{
	struct tap *t = p;

	return t->inner->body(t->inner->ctx, data, len);
}

static int tap_parsed(void *p)
{
	struct tap *t = p;

	return t->inner->parsed(t->inner->ctx);
}

static int run_tapped(cli_ctx *ctx, const void *req, const pps_visitor *v)
{
	struct tap *t = ((const struct tap_ref *)req)->tap;
	pps_visitor w = { .version = PPS_VISITOR_VERSION, .ctx = t };

	t->inner = v;
	w.record = v->record ? tap_record : NULL;
	w.record_text = v->record_text ? tap_text : NULL;
	w.body = v->body ? tap_body : NULL;
	w.parsed = v->parsed ? tap_parsed : NULL;
	if (t->s->quarantine)
		return pps_quarantine_search_each(ctx->client, &t->s->qs, &w);
	return pps_smartsearch_each(ctx->client, &t->s->ss, &w);
}

static int run_once(cli_ctx *ctx, cli_search *s)
{
	struct tap t = { NULL, s, 0, NULL, PPSBUF_INIT };
	struct tap_ref ref = { &t };
	long asked = s->quarantine ? s->qs.limit : s->ss.count;
	int64_t oldest;
	int rc;

	rc = cli_print_stream(ctx, run_tapped, &ref);
	if (rc == CLI_EXIT_OK && t.n > 0) {
		json_t *last = t.last ? json_incref(t.last)
				      : json_loadb(t.last_text.buf, t.last_text.len, 0, NULL);

		if (last && !pps_record_time(&oldest, CLI_SEARCH_OP(s->quarantine), last))
			probe_more(ctx, s, asked > 0 ? asked : 100, t.n, oldest, NULL);
		json_decref(last);
	}
	json_decref(t.last);
	ppsbuf_release(&t.last_text);
	return rc;
}

int cli_time_from_now(const char *text)
{
	pps_instant a, b;
	int64_t now = (int64_t)time(NULL);

	return text && pps_time_parse(&a, text, now) == PPS_OK &&
	       pps_time_parse(&b, text, now + 1) == PPS_OK && b.epoch == a.epoch + 1;
}

int cli_jobs_check(const cli_ctx *ctx, const cli_args *a, int interval_given, int overlap_given,
		   char *err, size_t errlen)
{
	const struct cli_jobs *j = &ctx->jobs;
	const char *flag = j->all ? "--all" : "--follow";
	int search = !strcmp(ctx->cmd->name, "smart-search") ||
		     !strcmp(ctx->cmd->name, "quarantine-messages-list");
	int stats = !strcmp(ctx->cmd->name, "stats");
	int end = cli_command_arg_index(ctx->cmd, "end_time");
	int guid = cli_command_arg_index(ctx->cmd, "guid");
	cli_format fmt = ctx->render.format;

	if (!j->all && !j->follow) {
		if (j->checkpoint)
			snprintf(err, errlen, "--checkpoint needs --all or --follow");
		else if (interval_given)
			snprintf(err, errlen, "--interval needs --follow");
		else if (overlap_given)
			snprintf(err, errlen, "--overlap needs --follow");
		else if (j->output)
			snprintf(err, errlen, "--output-file needs --all or --follow");
		else
			return 0;
		return -1;
	}
	if (stats) {
		if (j->follow || j->checkpoint || j->output)
			snprintf(err, errlen,
				 "stats counts a window once: --follow, --checkpoint and "
				 "--output-file do not apply");
		else if (fmt == CLI_FMT_RAW)
			snprintf(
				err, errlen,
				"stats prints a chart (-o table), json, ndjson or csv: not -o raw");
		else
			return 0;
		return -1;
	}
	if (!search)
		snprintf(err, errlen,
			 "%s works with smart-search%s quarantine-messages-list%s only", flag,
			 j->all ? "," : " and", j->all ? " and stats" : "");
	else if (j->all && j->follow)
		snprintf(err, errlen,
			 "--all and --follow do not go together: --follow prints the window from "
			 "start_time first");
	else if (j->follow && ctx->dry_run)
		snprintf(err, errlen,
			 "--follow polls until it is stopped: --dry-run and --curl print one "
			 "request; leave out --follow to see the first poll's");
	else if (interval_given && !j->follow)
		snprintf(err, errlen, "--interval needs --follow");
	else if (overlap_given && !j->follow)
		snprintf(err, errlen, "--overlap needs --follow");
	else if (guid >= 0 && a->value[guid] && !strcmp(ctx->cmd->name, "quarantine-messages-list"))
		snprintf(err, errlen, "guid= fetches one message: %s does not apply", flag);
	else if (j->follow && end >= 0 && a->given[end])
		snprintf(err, errlen, "--follow has no end: leave out end_time");
	else if (fmt == CLI_FMT_RAW)
		snprintf(err, errlen, "%s prints records: -o raw shows one answer as it came",
			 flag);
	else if (j->follow && fmt == CLI_FMT_JSON)
		snprintf(err, errlen, "--follow prints a stream: use -o ndjson (or csv, table)");
	else if (j->all && j->checkpoint && fmt != CLI_FMT_NDJSON)
		snprintf(err, errlen,
			 "--all --checkpoint resumes a stream: use -o ndjson, and append to the "
			 "output of the run it continues");
	else
		return 0;
	return -1;
}

int cli_search_run(cli_ctx *ctx, cli_search *s, const char *const *folders, size_t nfolders)
{
	struct sigaction sa, old_int, old_term;
	int status;

	if (!ctx->jobs.all && !ctx->jobs.follow) {
		if (s->quarantine)
			s->qs.folder = nfolders ? folders[0] : NULL;
		return run_once(ctx, s);
	}
	/* An interrupt ends the job between two records, with stdout and the checkpoint whole. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	cli_walk_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (old_int.sa_handler == SIG_IGN)
		sigaction(SIGINT, &old_int, NULL);
	if (old_term.sa_handler == SIG_IGN)
		sigaction(SIGTERM, &old_term, NULL);
	status = ctx->jobs.follow ? cli_follow_run(ctx, s, folders, nfolders)
				  : cli_all_run(ctx, s, folders, nfolders);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return status;
}
