/*
 * Draws finished stats (stats.h) as lines of text for a width: headline, bar chart, top lists.
 * Knows no stdio and no terminal: every line goes to the caller's callback.
 */
#include "cli/stats_view.h"

#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "cli/sanitize.h"
#include "util/timeutil.h"

#include "util/banned.h"

/* U+258F LEFT ONE EIGHTH BLOCK .. U+2589 LEFT SEVEN EIGHTHS BLOCK, then U+2588 FULL BLOCK. */
static const char *const eighths[8] = { "",	  "\u258f", "\u258e", "\u258d",
					"\u258c", "\u258b", "\u258a", "\u2589" };
#define FULL_BLOCK "\u2588"

int cli_stats_bar(ppsbuf *b, unsigned long long count, unsigned long long max, size_t cells,
		  int unicode)
{
	unsigned long long parts = unicode ? 8 : 1, units, full;
	size_t used;

	if (count == 0 || max == 0 || cells == 0)
		return 0;
	if (count > max)
		count = max;
	/* count * cells * parts / max, rounded half up, in 128-bit-free steps for any real count. */
	units = (2 * count * cells * parts + max) / (2 * max);
	if (units == 0)
		units = 1;
	full = units / parts;
	for (unsigned long long i = 0; i < full; i++)
		if (ppsbuf_adds(b, unicode ? FULL_BLOCK : "#"))
			return -1;
	used = (size_t)full;
	if (unicode && units % parts) {
		if (ppsbuf_adds(b, eighths[units % parts]))
			return -1;
		used++;
	}
	return (int)used;
}

int cli_stats_cut(ppsbuf *b, const char *s, size_t n, size_t width, int unicode)
{
	const char *ell = unicode ? "\u2026" : "...";
	size_t ellw = unicode ? 1 : 3, w = 0, keep = 0, i = 0;

	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(n - i), &cp);
		int cw;

		if (k <= 0) {
			k = 1;
			cp = 0xfffd;
		}
		cw = utf8proc_charwidth(cp);
		if (cw < 0)
			cw = 0;
		w += (size_t)cw;
		i += (size_t)k;
		/* The longest head that still leaves room for the ellipsis. */
		if (width && w + ellw <= width)
			keep = i;
	}
	if (!width || w <= width)
		return ppsbuf_add(b, s, n);
	if (width < ellw)
		return 0;
	if (ppsbuf_add(b, s, keep) || ppsbuf_adds(b, ell))
		return -1;
	return 0;
}

struct out {
	void (*line)(void *ctx, const char *text);
	void *ctx;
	size_t width; /* 0: no cutting */
	int unicode;
	ppsbuf cut;
	int nomem;
};

/* Gives the line in b to the callback, cut to the width. */
static void emit(struct out *o, ppsbuf *b)
{
	ppsbuf_reset(&o->cut);
	if (cli_stats_cut(&o->cut, b->buf, b->len, o->width, o->unicode)) {
		o->nomem = 1;
		return;
	}
	o->line(o->ctx, o->cut.buf);
	ppsbuf_reset(b);
}

static size_t digits(unsigned long long n)
{
	size_t d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* "2025-01-01 13:00" (hours) or "2025-01-01" (days). */
static void label_of(const cli_stats *s, int64_t t, char *buf, size_t len)
{
	char full[32];

	tu_format_utc(t, full, sizeof(full));
	snprintf(buf, len, "%.*s", s->by == CLI_STATS_BY_HOUR ? 16 : 10, full);
}

static void headline(struct out *o, const cli_stats *s, ppsbuf *b)
{
	char from[32], to[32];

	tu_format_utc(s->start, from, sizeof(from));
	tu_format_utc(s->end, to, sizeof(to));
	ppsbuf_addf(b, "%s, %.16s to %.16s UTC", s->source, from, to);
	emit(o, b);
	if (s->total == 0) {
		ppsbuf_adds(b, "No messages in this window.");
		emit(o, b);
		return;
	}
	ppsbuf_addf(b, "%llu message%s, per %s", s->total, s->total == 1 ? "" : "s",
		    s->by == CLI_STATS_BY_HOUR ? "hour" : "day");
	if (s->outside)
		ppsbuf_addf(b, " (%llu dated outside the chart)", s->outside);
	emit(o, b);
}

static void chart(struct out *o, const cli_stats *s, ppsbuf *b, size_t layout)
{
	unsigned long long max = 0;
	size_t cw, lw = s->by == CLI_STATS_BY_HOUR ? 16 : 10, bar;

	for (size_t i = 0; i < s->nbuckets; i++)
		if (s->buckets[i] > max)
			max = s->buckets[i];
	cw = digits(max);
	/* label, space, count, space, bar, and one column spare. */
	bar = layout > lw + cw + 3 ? layout - lw - cw - 3 : 1;
	for (size_t i = 0; i < s->nbuckets; i++) {
		char label[32];

		label_of(s, s->first + (int64_t)i * s->step, label, sizeof(label));
		ppsbuf_addf(b, "%s %*llu", label, (int)cw, s->buckets[i]);
		if (s->buckets[i] && (ppsbuf_addch(b, ' ') ||
				      cli_stats_bar(b, s->buckets[i], max, bar, o->unicode) < 0))
			o->nomem = 1;
		emit(o, b);
	}
}

static void top_list(struct out *o, const cli_stats *s, cli_stats_list l, ppsbuf *b)
{
	const cli_stats_top *t = &s->tops[l];
	size_t cw = digits(t->n ? t->items[0].count : 0);

	if (!t->distinct) {
		ppsbuf_addf(b, "Top %s: none", cli_stats_list_title(l));
		emit(o, b);
		return;
	}
	ppsbuf_addf(b, "Top %s (%zu distinct)", cli_stats_list_title(l), t->distinct);
	emit(o, b);
	for (size_t i = 0; i < t->n; i++) {
		unsigned share = cli_stats_share_tenths(t->items[i].count, s->total);

		ppsbuf_addf(b, "  %*llu %3u.%u%%  ", (int)cw, t->items[i].count, share / 10,
			    share % 10);
		if (t->items[i].len == 0)
			ppsbuf_adds(b, "(empty)");
		else if (cli_sanitize(b, t->items[i].value, t->items[i].len, NULL, NULL))
			o->nomem = 1;
		emit(o, b);
	}
}

void cli_stats_lines(const cli_stats *s, int width, int unicode,
		     void (*line)(void *ctx, const char *text), void *ctx)
{
	struct out o = { line, ctx, width > 0 ? (size_t)width : 0, unicode, PPSBUF_INIT, 0 };
	ppsbuf b = PPSBUF_INIT;
	size_t layout = width > 0 ? (size_t)width : CLI_STATS_DEFAULT_WIDTH;

	if (layout < CLI_STATS_MIN_WIDTH)
		layout = CLI_STATS_MIN_WIDTH;
	headline(&o, s, &b);
	if (s->total) {
		line(ctx, "");
		chart(&o, s, &b, layout);
		for (int l = 0; l < CLI_STATS_NLISTS; l++) {
			if (!cli_stats_has_list(s, (cli_stats_list)l))
				continue;
			line(ctx, "");
			top_list(&o, s, (cli_stats_list)l, &b);
		}
	}
	ppsbuf_release(&b);
	ppsbuf_release(&o.cut);
}
