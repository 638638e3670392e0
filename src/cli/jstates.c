/*
 * What journal lines say was done: intents, splits and outcomes folded into one state per
 * message, so that a rerun never sends again what may have been carried out. Pure: no I/O.
 */
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/journal.h"
#include "util/buf.h"

#include "util/banned.h"

enum jev { EV_INTENT, EV_DONE, EV_UNKNOWN, EV_OTHER };

struct cli_jslot {
	char *key;     /* folder \x1f GUID */
	char *cluster; /* or NULL */
	size_t seq;
	long batch; /* or -1 */
	int ev;	    /* enum jev; after the fold, enum cli_jstate */
};

void cli_jstates_release(cli_jstates *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->v[i].key);
		free(st->v[i].cluster);
	}
	free(st->v);
	memset(st, 0, sizeof(*st));
}

static char *make_key(const char *folder, const char *guid)
{
	ppsbuf b = PPSBUF_INIT;

	if (ppsbuf_adds(&b, folder) || ppsbuf_addch(&b, '\x1f') || ppsbuf_adds(&b, guid)) {
		ppsbuf_release(&b);
		return NULL;
	}
	return ppsbuf_detach(&b, NULL);
}

static int add_event(cli_jstates *st, const char *cluster, const char *folder, const char *guid,
		     long batch, int ev)
{
	struct cli_jslot *s;

	if (st->n == st->alloc) {
		size_t na = st->alloc ? st->alloc * 2 : 256;
		struct cli_jslot *nv = realloc(st->v, na * sizeof(*nv));

		if (!nv)
			return -1;
		st->v = nv;
		st->alloc = na;
	}
	s = &st->v[st->n];
	s->key = make_key(folder, guid);
	s->cluster = cluster ? strdup(cluster) : NULL;
	if (!s->key || (cluster && !s->cluster)) {
		free(s->key);
		free(s->cluster);
		return -1;
	}
	s->seq = st->seq++;
	s->batch = batch;
	s->ev = ev;
	st->n++;
	if (batch > st->max_batch)
		st->max_batch = batch;
	return 0;
}

static const char *str_of(const json_t *obj, const char *name)
{
	const json_t *v = json_object_get(obj, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The GUIDs of an intent or split line, each as one event. */
static int add_batch_line(cli_jstates *st, const json_t *line, const char *cluster,
			  const char *folder, long batch, int ev)
{
	const json_t *guids = json_object_get(line, "localguids");
	const json_t *g;
	size_t i;

	json_array_foreach(guids, i, g)
	{
		if (json_is_string(g) &&
		    add_event(st, cluster, folder, json_string_value(g), batch, ev))
			return -1;
	}
	return 0;
}

int cli_jstates_add(cli_jstates *st, const json_t *line, const char *action)
{
	const char *event, *act, *folder, *cluster, *guid, *outcome;
	const json_t *b;
	long batch = -1;
	int ev;

	if (!json_is_object(line))
		return 0;
	act = str_of(line, "action");
	folder = str_of(line, "folder");
	if (!act || strcmp(act, action) != 0 || !folder)
		return 0;
	event = str_of(line, "event");
	cluster = str_of(line, "cluster");
	b = json_object_get(line, "batch");
	if (json_is_integer(b) && json_integer_value(b) > 0 && json_integer_value(b) < LONG_MAX)
		batch = (long)json_integer_value(b);
	if (event && strcmp(event, "intent") == 0)
		return batch > 0 ? add_batch_line(st, line, cluster, folder, batch, EV_INTENT) : 0;
	if (event && strcmp(event, "split") == 0)
		return batch > 0 ? add_batch_line(st, line, cluster, folder, batch, EV_OTHER) : 0;
	if (event && strcmp(event, "outcome") != 0)
		return 0;
	guid = str_of(line, "localguid");
	outcome = str_of(line, "outcome");
	if (!guid || !outcome)
		return 0;
	ev = !strcmp(outcome, "done")	   ? EV_DONE
	     : !strcmp(outcome, "unknown") ? EV_UNKNOWN
					   : EV_OTHER;
	return add_event(st, cluster, folder, guid, batch, ev);
}

int cli_jstates_add_text(cli_jstates *st, const char *text, size_t len, const char *action)
{
	json_t *line;
	int rc;

	while (len && (*text == ' ' || *text == '\t'))
		text++, len--;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3, len -= 3;
	if (!len || *text != '{')
		return 0;
	line = json_loadb(text, len, 0, NULL);
	rc = cli_jstates_add(st, line, action);
	json_decref(line);
	return rc;
}

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int by_key_cluster_seq(const void *pa, const void *pb)
{
	const struct cli_jslot *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);

	if (!c)
		c = cmp_str(a->cluster, b->cluster);
	if (c)
		return c;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

int cli_jstates_finish(cli_jstates *st)
{
	size_t out = 0;

	if (!st->n)
		return 0;
	qsort(st->v, st->n, sizeof(*st->v), by_key_cluster_seq);
	for (size_t i = 0; i < st->n;) {
		size_t k = i;
		int state = CLI_JSTATE_NONE, intent = 0;
		long ib = -1;

		/* One message on one cluster, its lines in the order they were written. */
		for (; k < st->n && !strcmp(st->v[k].key, st->v[i].key) &&
		       !cmp_str(st->v[k].cluster, st->v[i].cluster);
		     k++) {
			const struct cli_jslot *s = &st->v[k];

			if (state == CLI_JSTATE_DONE)
				continue;
			switch (s->ev) {
			case EV_INTENT:
				intent = 1;
				ib = s->batch;
				break;
			case EV_DONE:
				state = CLI_JSTATE_DONE;
				intent = 0;
				break;
			case EV_UNKNOWN:
				state = CLI_JSTATE_UNKNOWN;
				intent = 0;
				break;
			default:
				/* Refused, not sent, split: not carried out, if it answers the
				 * intent. */
				if (intent && s->batch == ib) {
					intent = 0;
					state = CLI_JSTATE_NONE;
				}
				break;
			}
		}
		if (intent && state != CLI_JSTATE_DONE)
			state = CLI_JSTATE_UNKNOWN;
		for (size_t m = i + 1; m < k; m++) {
			free(st->v[m].key);
			free(st->v[m].cluster);
		}
		st->v[out] = st->v[i];
		st->v[out].ev = state;
		out++;
		i = k;
	}
	st->n = out;
	return 0;
}

static int by_key(const void *pk, const void *pe)
{
	return strcmp(pk, ((const struct cli_jslot *)pe)->key);
}

enum cli_jstate cli_jstates_get(const cli_jstates *st, const char *cluster, const char *folder,
				const char *guid)
{
	char *key;
	const struct cli_jslot *hit;
	size_t lo, hi;
	int best = CLI_JSTATE_NONE;

	if (!st->n)
		return CLI_JSTATE_NONE;
	if (cluster) {
		/* A name that is not UTF-8 was written with U+FFFD: match every cluster instead. */
		json_t *probe = json_string(cluster);

		if (!probe)
			cluster = NULL;
		json_decref(probe);
	}
	key = make_key(folder, guid);
	if (!key)
		return CLI_JSTATE_UNKNOWN; /* never send what cannot be checked */
	hit = bsearch(key, st->v, st->n, sizeof(*st->v), by_key);
	if (!hit) {
		free(key);
		return CLI_JSTATE_NONE;
	}
	lo = hi = (size_t)(hit - st->v);
	while (lo > 0 && !strcmp(st->v[lo - 1].key, key))
		lo--;
	while (hi + 1 < st->n && !strcmp(st->v[hi + 1].key, key))
		hi++;
	for (size_t i = lo; i <= hi; i++) {
		const struct cli_jslot *s = &st->v[i];

		if (cluster && s->cluster && strcmp(cluster, s->cluster) != 0)
			continue;
		if (s->ev > best)
			best = s->ev;
	}
	free(key);
	return (enum cli_jstate)best;
}
