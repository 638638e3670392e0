/*
 * What --all (walkall.c) and --follow (follow.c) share around libpps's walk and follow
 * (pps_*_walk, pps_*_follow): the record sink walked records are printed through, the window
 * and the digest of a job, and its position in the checkpoint.
 */
#include "cli/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/checkpoint.h"
#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/walkpriv.h"
#include "util/buf.h"
#include "util/sha256.h"
#include "util/timeutil.h"

#include "util/banned.h"

volatile sig_atomic_t cli_walk_stop;

/* ---- the record sink: where walked records go ------------------------------------------ */

/*
 * Walked records go out as they come through render.c's stream (a table holds its rows to
 * measure them), or to ctx->collect for the merge of several clusters.
 */

int cli_sink_init(struct sink *k, cli_ctx *ctx)
{
	memset(k, 0, sizeof(*k));
	k->ctx = ctx;
	/* --dry-run and --curl print the requests only: no table, header or "No results found." */
	if (ctx->collect || ctx->dry_run)
		return 0;
	if (cli_render_begin(&k->r, ctx->out, &ctx->render, &ctx->cmd->out) < 0) {
		if (k->r)
			cli_render_abort(k->r);
		k->r = NULL;
		return -1;
	}
	return 0;
}

int cli_sink_add(struct sink *k, json_t *rec)
{
	k->n++;
	if (!k->r)
		return k->ctx->collect ? cli_collect_record(k->ctx, rec) : 0;
	/* Several clusters printed one after the other: each record says whose it is. */
	if (k->ctx->cluster &&
	    json_object_set_new(rec, "cluster", json_string(k->ctx->cluster)) != 0) {
		k->failed = 1;
		return -1;
	}
	if (cli_render_record(k->r, rec) < 0) {
		k->failed = 1;
		return -1;
	}
	return 0;
}

/* Pushes what was added out to stdout (and, for a regular file, to the disk). */
int cli_sink_flush(struct sink *k)
{
	struct stat st;

	if (!k->r)
		return 0;
	if (cli_render_flush(k->r) < 0) {
		k->failed = 1;
		return -1;
	}
	if (fstat(fileno(k->ctx->out), &st) == 0 && S_ISREG(st.st_mode))
		fsync(fileno(k->ctx->out));
	return 0;
}

/*
 * Ends the output: completed when the walk was whole, else left as far as it went (a json
 * document unclosed, as render.c's abort does). Returns the exit status of the printing.
 */
int cli_sink_end(struct sink *k, int whole)
{
	int rc = 0;

	if (k->r)
		rc = whole && !k->failed ? cli_render_end(k->r) : cli_render_abort(k->r);
	k->r = NULL;
	if (rc < 0 || k->failed) {
		cli_errorf(k->ctx, "cannot write to standard output");
		return CLI_EXIT_FAILURE;
	}
	return CLI_EXIT_OK;
}

/*
 * --follow: a table or markdown holds its rows until it ends, so each poll's new records are a
 * table of their own; CSV and NDJSON go on as one stream.
 */
int cli_sink_poll_done(struct sink *k)
{
	cli_format f = k->ctx->render.format;

	if (!k->r || k->n == 0 ||
	    (f != CLI_FMT_TABLE && f != CLI_FMT_WIDE && f != CLI_FMT_MARKDOWN))
		return cli_sink_flush(k);
	if (cli_sink_end(k, 1) != CLI_EXIT_OK)
		return -1;
	return cli_sink_init(k, k->ctx);
}

/* The window of a search as the user gave it. */
void cli_walk_window_of(const cli_search *s, int64_t *from, int64_t *to, int *has_to)
{
	const pps_instant *f = s->quarantine ? &s->qs.start : &s->ss.start;
	const pps_instant *t = s->quarantine ? &s->qs.end : &s->ss.end;

	*from = f->epoch;
	*has_to = t->set;
	*to = t->set ? t->epoch : 0;
}

/* The job name a checkpoint file carries: "smart-search --all". */
void cli_walk_job_name(const cli_ctx *ctx, char *buf, size_t len)
{
	snprintf(buf, len, "%s --%s", ctx->cmd->name, ctx->jobs.follow ? "follow" : "all");
}

/* One filter into the digest's text: its name, its length and its value (NULL apart). */
static void digest_add(ppsbuf *b, const char *name, const char *v)
{
	char head[64];

	snprintf(head, sizeof(head), "%s:%ld:", name, v ? (long)strlen(v) : -1L);
	ppsbuf_add(b, head, strlen(head));
	if (v)
		ppsbuf_add(b, v, strlen(v));
}

void cli_walk_digest(const cli_ctx *ctx, const cli_search *s, const char *const *folders,
		     size_t nfolders, char hex[65])
{
	ppsbuf b = PPSBUF_INIT;
	const pps_smartsearch_req *q = &s->ss;

	digest_add(&b, "command", ctx->cmd->name);
	if (!s->quarantine) {
		const char *f[] = { q->action,	q->virus, q->env_from, q->env_rcpt,
				    q->attach,	q->qid,	  q->host,     q->sid,
				    q->subject, q->guid,  q->hdr_mid };

		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			digest_add(&b, "f", f[i]);
	} else {
		digest_add(&b, "from", s->qs.sender);
		digest_add(&b, "rcpt", s->qs.recipient);
		digest_add(&b, "subject", s->qs.subject);
		for (size_t i = 0; i < nfolders; i++)
			digest_add(&b, "folder", folders[i]);
	}
	/* limit= with --all is a total over every run: another limit is another job. */
	if (ctx->jobs.limit_given) {
		char n[32];

		snprintf(n, sizeof(n), "%ld", s->quarantine ? s->qs.limit : s->ss.count);
		digest_add(&b, "limit", n);
	}
	sha256_hex(b.buf, b.len, hex);
	ppsbuf_release(&b);
}

/*
 * The checkpoint file keeps the members of libpps's position (its "to", "bound", "seen", ...;
 * "from", "high_water", "kept_from" and "seen" for a follow) among its own, under the same
 * names, so that a file of pps 1.0 resumes; these two carry them across.
 */
int cli_walk_position(const cli_checkpoint *cp, int follow, char **out)
{
	json_t *o;

	if (follow)
		o = json_pack("{sI sI sI sO}", "from", (json_int_t)cp->from, "high_water",
			      (json_int_t)cp->high_water, "kept_from", (json_int_t)cp->kept_from,
			      "seen", cp->seen);
	else
		o = json_pack("{sI sb sI sb sb sO}", "to", (json_int_t)cp->to, "has_to", cp->has_to,
			      "bound", (json_int_t)cp->bound, "has_bound", cp->has_bound, "done",
			      cp->done, "seen", cp->seen);
	*out = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return *out ? 0 : -1;
}

static void take_int(const json_t *o, const char *key, int64_t *out)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		*out = json_integer_value(v);
}

int cli_walk_position_read(cli_checkpoint *cp, int follow, const char *text)
{
	json_t *o = json_loads(text, 0, NULL), *seen = json_object_get(o, "seen");
	int rc = -1;

	if (!json_is_object(seen))
		goto done;
	if (follow) {
		take_int(o, "from", &cp->from);
		take_int(o, "high_water", &cp->high_water);
		take_int(o, "kept_from", &cp->kept_from);
	} else {
		take_int(o, "to", &cp->to);
		take_int(o, "bound", &cp->bound);
		cp->has_to = json_is_true(json_object_get(o, "has_to"));
		cp->has_bound = json_is_true(json_object_get(o, "has_bound"));
		cp->done = json_is_true(json_object_get(o, "done"));
	}
	json_decref(cp->seen);
	cp->seen = json_incref(seen);
	rc = 0;
done:
	json_decref(o);
	return rc;
}

int cli_walk_stopped(void *unused)
{
	(void)unused;
	return cli_walk_stop;
}

void cli_search_init(cli_search *s, int quarantine)
{
	memset(s, 0, sizeof(*s));
	s->quarantine = quarantine;
	pps_smartsearch_req_init(&s->ss, PPS_SMARTSEARCH_REQ_VERSION);
	pps_quarantine_search_req_init(&s->qs, PPS_QUARANTINE_SEARCH_REQ_VERSION);
}
