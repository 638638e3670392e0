/*
 * The counts of pps stats (stats.h): per UTC hour or day and per value of each list, kept in
 * jansson objects used as maps while records stream in; the top lists sorted at the end.
 */
#include "cli/stats.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "pps/pps.h"

#include "util/banned.h"

static const char *const list_titles[CLI_STATS_NLISTS] = {
	"senders", "sender domains", "recipients", "subjects", "final actions", "folders",
};
static const char *const list_keys[CLI_STATS_NLISTS] = {
	"senders", "sender_domains", "recipients", "subjects", "final_actions", "folders",
};

const char *cli_stats_list_title(cli_stats_list l)
{
	return list_titles[l];
}

const char *cli_stats_list_key(cli_stats_list l)
{
	return list_keys[l];
}

int cli_stats_has_list(const cli_stats *s, cli_stats_list l)
{
	if (l == CLI_STATS_ACTIONS)
		return !s->quarantine;
	if (l == CLI_STATS_FOLDERS)
		return s->quarantine;
	return 1;
}

int64_t cli_stats_floor(int64_t t, int64_t step)
{
	int64_t q = t / step;

	if (t % step < 0)
		q--;
	return q * step;
}

int64_t cli_stats_step(cli_stats_by by, int64_t start, int64_t end)
{
	if (by == CLI_STATS_BY_HOUR)
		return 3600;
	if (by == CLI_STATS_BY_DAY)
		return 86400;
	return end - start <= (int64_t)CLI_STATS_AUTO_HOURS * 3600 ? 3600 : 86400;
}

size_t cli_stats_nbuckets(int64_t start, int64_t last, int64_t step)
{
	if (last < start)
		return 0;
	return (size_t)((cli_stats_floor(last, step) - cli_stats_floor(start, step)) / step + 1);
}

unsigned cli_stats_share_tenths(unsigned long long count, unsigned long long total)
{
	if (total == 0)
		return 0;
	/* count <= total in every use; the products stay far below 2^64 for any real count. */
	return (unsigned)((count * 2000ULL + total) / (2ULL * total));
}

int cli_stats_new(cli_stats **out, int quarantine, int64_t start, int64_t end, cli_stats_by by,
		  size_t top)
{
	cli_stats *s;
	int64_t step = cli_stats_step(by, start, end);
	int64_t last = quarantine ? end : end - 1;
	size_t n;

	*out = NULL;
	if (end < start || (end == start && !quarantine))
		return -2;
	n = cli_stats_nbuckets(start, last, step);
	if (n == 0 || n > CLI_STATS_MAX_BUCKETS)
		return -2;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->quarantine = quarantine;
	s->start = start;
	s->end = end;
	s->step = step;
	s->by = step == 3600 ? CLI_STATS_BY_HOUR : CLI_STATS_BY_DAY;
	s->first = cli_stats_floor(start, step);
	s->nbuckets = n;
	s->top = top;
	s->source = quarantine ? "Quarantine" : "Smart Search";
	s->buckets = calloc(n, sizeof(*s->buckets));
	if (!s->buckets)
		goto fail;
	for (int l = 0; l < CLI_STATS_NLISTS; l++) {
		s->maps[l] = json_object();
		if (!s->maps[l])
			goto fail;
	}
	*out = s;
	return 0;
fail:
	cli_stats_free(s);
	return -1;
}

void cli_stats_free(cli_stats *s)
{
	if (!s)
		return;
	for (int l = 0; l < CLI_STATS_NLISTS; l++) {
		free(s->tops[l].items);
		json_decref(s->maps[l]);
	}
	free(s->buckets);
	free(s);
}

/* One more of the value v (n bytes) in list l. 0 or -1. */
static int bump(cli_stats *s, cli_stats_list l, const char *v, size_t n)
{
	json_t *c = json_object_getn(s->maps[l], v, n);

	if (c)
		return json_integer_set(c, json_integer_value(c) + 1);
	return json_object_setn_new(s->maps[l], v, n, json_integer(1));
}

/* A string member, or NULL. */
static const json_t *text_of(const json_t *rec, const char *name)
{
	const json_t *v = json_object_get(rec, name);

	return json_is_string(v) ? v : NULL;
}

static int bump_text(cli_stats *s, cli_stats_list l, const json_t *v)
{
	return v ? bump(s, l, json_string_value(v), json_string_length(v)) : 0;
}

/* The domain of a sender: after its last '@', ASCII lower-cased; none when nothing follows. */
static int bump_domain(cli_stats *s, const json_t *sender)
{
	const char *v, *at = NULL;
	size_t n;
	char small[256], *d;
	int rc;

	if (!sender)
		return 0;
	v = json_string_value(sender);
	n = json_string_length(sender);
	for (size_t i = 0; i < n; i++)
		if (v[i] == '@')
			at = v + i;
	if (!at || at + 1 == v + n)
		return 0;
	n = (size_t)(v + n - at - 1);
	d = n <= sizeof(small) ? small : malloc(n);
	if (!d)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = at[1 + i];

		d[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	rc = bump(s, CLI_STATS_DOMAINS, d, n);
	if (d != small)
		free(d);
	return rc;
}

/* One recipient (n bytes, blanks around it dropped), once per record (seen). 0 or -1. */
static int bump_rcpt(cli_stats *s, json_t *seen, const char *v, size_t n)
{
	while (n && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (!n || json_object_getn(seen, v, n))
		return 0;
	if (json_object_setn_new(seen, v, n, json_true()))
		return -1;
	return bump(s, CLI_STATS_RECIPIENTS, v, n);
}

/* The recipients: an array of strings, or a string of them separated by commas. */
static int bump_rcpts(cli_stats *s, const json_t *r)
{
	json_t *seen;
	int rc = 0;

	if (!json_is_array(r) && !json_is_string(r))
		return 0;
	seen = json_object();
	if (!seen)
		return -1;
	if (json_is_array(r)) {
		for (size_t i = 0; i < json_array_size(r) && !rc; i++) {
			const json_t *e = json_array_get(r, i);

			if (json_is_string(e))
				rc = bump_rcpt(s, seen, json_string_value(e),
					       json_string_length(e));
		}
	} else {
		const char *v = json_string_value(r), *end = v + json_string_length(r);

		while (!rc) {
			const char *comma = memchr(v, ',', (size_t)(end - v));
			const char *stop = comma ? comma : end;

			rc = bump_rcpt(s, seen, v, (size_t)(stop - v));
			if (!comma)
				break;
			v = comma + 1;
		}
	}
	json_decref(seen);
	return rc;
}

int cli_stats_add(cli_stats *s, const json_t *rec)
{
	int q = s->quarantine;
	const json_t *sender = text_of(rec, q ? "from" : "Sender");
	int64_t t;

	s->total++;
	if (pps_record_time(&t, q ? PPS_OP_QUARANTINE_SEARCH : PPS_OP_SMARTSEARCH, rec) == 0 &&
	    t >= s->first && (t - s->first) / s->step < (int64_t)s->nbuckets)
		s->buckets[(t - s->first) / s->step]++;
	else
		s->outside++;
	if (bump_text(s, CLI_STATS_SENDERS, sender) || bump_domain(s, sender) ||
	    bump_rcpts(s, json_object_get(rec, q ? "rcpts" : "Recipients")) ||
	    bump_text(s, CLI_STATS_SUBJECTS, text_of(rec, q ? "subject" : "Subject")))
		return -1;
	if (q)
		return bump_text(s, CLI_STATS_FOLDERS, text_of(rec, "folder"));
	return bump_text(s, CLI_STATS_ACTIONS, text_of(rec, "Final_Action"));
}

static int entry_cmp(const void *a, const void *b)
{
	const cli_stats_entry *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = memcmp(x->value, y->value, n);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Sorts every value of list l and keeps the first s->top. 0 or -1. */
static int make_top(cli_stats *s, cli_stats_list l)
{
	cli_stats_top *t = &s->tops[l];
	size_t n = json_object_size(s->maps[l]), i = 0;
	void *it;

	t->distinct = n;
	if (n == 0)
		return 0;
	t->items = malloc(n * sizeof(*t->items));
	if (!t->items)
		return -1;
	for (it = json_object_iter(s->maps[l]); it; it = json_object_iter_next(s->maps[l], it)) {
		t->items[i].value = json_object_iter_key(it);
		t->items[i].len = json_object_iter_key_len(it);
		t->items[i].count =
			(unsigned long long)json_integer_value(json_object_iter_value(it));
		i++;
	}
	qsort(t->items, n, sizeof(*t->items), entry_cmp);
	t->n = n < s->top ? n : s->top;
	return 0;
}

int cli_stats_finish(cli_stats *s)
{
	if (s->finished)
		return 0;
	s->finished = 1;
	for (int l = 0; l < CLI_STATS_NLISTS; l++)
		if (cli_stats_has_list(s, (cli_stats_list)l) && make_top(s, (cli_stats_list)l))
			return -1;
	return 0;
}
