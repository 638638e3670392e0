/*
 * Prints finished stats: the chart of stats_view.c for table and wide, the numbers as one JSON
 * object for json and ndjson, rows for csv (docs/output.md). Message-derived text is escaped.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/render.h"
#include "cli/sanitize.h"
#include "cli/stats_cmd.h"
#include "cli/stats_view.h"
#include "util/buf.h"
#include "util/timeutil.h"

#include "util/banned.h"

/* "2025-01-01T00:00:00Z" */
static void iso(int64_t t, char *buf, size_t len)
{
	char f[32];

	tu_format_utc(t, f, sizeof(f));
	snprintf(buf, len, "%.10sT%.8sZ", f, f + 11);
}

static const char *by_name(const cli_stats *s)
{
	return s->by == CLI_STATS_BY_HOUR ? "hour" : "day";
}

/* ---- the chart ---------------------------------------------------------------------------- */

struct text_out {
	FILE *f;
	int failed;
};

static void put_line(void *ctx, const char *text)
{
	struct text_out *t = ctx;

	if (fputs(text, t->f) == EOF || fputc('\n', t->f) == EOF)
		t->failed = 1;
}

static int print_text(cli_ctx *ctx, const cli_stats *s, int unicode)
{
	struct text_out t = { ctx->out, 0 };

	cli_stats_lines(s, ctx->render.width, unicode, put_line, &t);
	return fflush(ctx->out) || t.failed ? -1 : 0;
}

/* ---- json --------------------------------------------------------------------------------- */

static json_t *share_of(unsigned long long count, unsigned long long total)
{
	return json_real(cli_stats_share_tenths(count, total) / 10.0);
}

/* {"window": {...}, "total", "outside", "buckets": [...], "top": {...}}; a new reference. */
static json_t *stats_json(const cli_stats *s)
{
	char a[32], b[32];
	json_t *o, *buckets, *top;

	iso(s->start, a, sizeof(a));
	iso(s->end, b, sizeof(b));
	o = json_pack("{s{ssssss} sI sI s[] s{}}", "window", "start", a, "end", b, "by", by_name(s),
		      "total", (json_int_t)s->total, "outside", (json_int_t)s->outside, "buckets",
		      "top");
	if (!o)
		return NULL;
	buckets = json_object_get(o, "buckets");
	top = json_object_get(o, "top");
	for (size_t i = 0; i < s->nbuckets; i++) {
		iso(s->first + (int64_t)i * s->step, a, sizeof(a));
		if (json_array_append_new(buckets, json_pack("{sssI}", "start", a, "count",
							     (json_int_t)s->buckets[i])))
			goto fail;
	}
	for (int l = 0; l < CLI_STATS_NLISTS; l++) {
		const cli_stats_top *t = &s->tops[l];
		json_t *list;

		if (!cli_stats_has_list(s, (cli_stats_list)l))
			continue;
		list = json_array();
		if (json_object_set_new(top, cli_stats_list_key((cli_stats_list)l), list))
			goto fail;
		for (size_t i = 0; i < t->n; i++)
			if (json_array_append_new(
				    list, json_pack("{s:s%,s:I,s:o}", "value", t->items[i].value,
						    t->items[i].len, "count",
						    (json_int_t)t->items[i].count, "share",
						    share_of(t->items[i].count, s->total))))
				goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

static int print_json(cli_ctx *ctx, const cli_stats *s)
{
	json_t *o = stats_json(s);
	size_t flags = (ctx->render.format == CLI_FMT_NDJSON ? JSON_COMPACT : JSON_INDENT(2)) |
		       JSON_REAL_PRECISION(15);
	ppsbuf b = PPSBUF_INIT;
	char *text = NULL;
	int rc = -1;

	if (!o)
		return -1;
	/* --jq runs its filter on the object; shares are then jq's numbers. */
	if (ctx->render.jq) {
		rc = cli_print_object(ctx, o) ? -1 : 0;
		goto done;
	}
	text = json_dumps(o, flags);
	if (!text || ppsbuf_adds(&b, text) || cli_json_harden(&b, 0) || ppsbuf_addch(&b, '\n'))
		goto done;
	if (fwrite(b.buf, 1, b.len, ctx->out) == b.len && fflush(ctx->out) == 0)
		rc = 0;
done:
	free(text);
	ppsbuf_release(&b);
	json_decref(o);
	return rc;
}

/* ---- csv ---------------------------------------------------------------------------------- */

/* One cell: guarded and escaped unless --csv-raw, quoted per RFC 4180, then sep. */
static int csv_cell(ppsbuf *line, const cli_ctx *ctx, const char *v, size_t n, const char *sep)
{
	ppsbuf safe = PPSBUF_INIT;
	char *q;
	int rc = -1;

	if (ctx->render.csv_raw) {
		if (ppsbuf_add(&safe, v, n))
			goto done;
	} else if ((cli_csv_is_formula(v, n) && ppsbuf_addch(&safe, '\'')) ||
		   cli_sanitize(&safe, v, n, "\t\r\n", NULL)) {
		goto done;
	}
	q = cli_csv_field(safe.buf);
	if (q && ppsbuf_adds(line, q) == 0 && ppsbuf_adds(line, sep) == 0)
		rc = 0;
	free(q);
done:
	ppsbuf_release(&safe);
	return rc;
}

/* The rest of a row: ",count,share" and the line end. */
static int csv_end(ppsbuf *line, const cli_ctx *ctx, unsigned long long count,
		   unsigned long long total)
{
	unsigned share = cli_stats_share_tenths(count, total);

	return ppsbuf_addf(line, "%llu,%u.%u%s", count, share / 10, share % 10,
			   ctx->render.csv_crlf ? "\r\n" : "\n");
}

static int print_csv(cli_ctx *ctx, const cli_stats *s)
{
	ppsbuf line = PPSBUF_INIT;
	const char *eol = ctx->render.csv_crlf ? "\r\n" : "\n";
	char when[32];
	int rc = -1;

	if (!ctx->render.no_headers && ppsbuf_addf(&line, "list,value,count,share%s", eol))
		goto done;
	if (ppsbuf_adds(&line, "total,,") || csv_end(&line, ctx, s->total, s->total))
		goto done;
	if (s->outside &&
	    (ppsbuf_adds(&line, "outside,,") || csv_end(&line, ctx, s->outside, s->total)))
		goto done;
	for (size_t i = 0; i < s->nbuckets; i++) {
		iso(s->first + (int64_t)i * s->step, when, sizeof(when));
		if (ppsbuf_addf(&line, "%s,%s,", by_name(s), when) ||
		    csv_end(&line, ctx, s->buckets[i], s->total))
			goto done;
	}
	for (int l = 0; l < CLI_STATS_NLISTS; l++) {
		const cli_stats_top *t = &s->tops[l];

		if (!cli_stats_has_list(s, (cli_stats_list)l))
			continue;
		for (size_t i = 0; i < t->n; i++)
			if (ppsbuf_addf(&line, "%s,", cli_stats_list_key((cli_stats_list)l)) ||
			    csv_cell(&line, ctx, t->items[i].value, t->items[i].len, ",") ||
			    csv_end(&line, ctx, t->items[i].count, s->total))
				goto done;
	}
	if (fwrite(line.buf, 1, line.len, ctx->out) == line.len && fflush(ctx->out) == 0)
		rc = 0;
done:
	ppsbuf_release(&line);
	return rc;
}

int cli_stats_print(cli_ctx *ctx, const cli_stats *s, int unicode)
{
	switch (ctx->render.format) {
	case CLI_FMT_JSON:
	case CLI_FMT_NDJSON:
		return print_json(ctx, s);
	case CLI_FMT_CSV:
		return print_csv(ctx, s);
	default:
		return print_text(ctx, s, unicode);
	}
}
