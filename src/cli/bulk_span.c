/*
 * What every part of a bulk run reads and writes of its entries: their folder, the messages
 * they keep, and the spans of a batch (their GUIDs joined, their outcome set). Sends nothing,
 * writes no file.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/bulk_run.h"
#include "util/buf.h"

#include "util/banned.h"

/* Stores a copy of text as a message; returns 1 + its index, or 0 when out of memory. */
size_t cli_bulk_keep_message(struct run *r, const char *text)
{
	if (cli_strlist_add_raw(&r->msgs, text ? text : "", text ? strlen(text) : 0))
		return 0;
	return r->msgs.n;
}

const char *cli_bulk_folder_of(const struct run *r, size_t i)
{
	return r->list.v[i].folder ? r->list.v[i].folder : r->folder_arg;
}

/* Sets the outcome of every entry of span s. */
void cli_bulk_set_span(struct run *r, const cli_span *s, enum outcome o, size_t msg, int status)
{
	const struct group *g = &r->groups[s->group];

	for (size_t k = s->first; k < s->first + s->count; k++) {
		size_t i = g->idx[k];

		r->out[i] = o;
		r->msg[i] = msg;
		r->status[i] = status;
	}
}

char *cli_bulk_span_join(const struct run *r, const cli_span *s)
{
	const struct group *g = &r->groups[s->group];
	ppsbuf b = PPSBUF_INIT;

	for (size_t k = s->first; k < s->first + s->count; k++) {
		if ((k > s->first && ppsbuf_addch(&b, ',')) ||
		    ppsbuf_adds(&b, r->list.v[g->idx[k]].guid)) {
			ppsbuf_release(&b);
			return NULL;
		}
	}
	return ppsbuf_detach(&b, NULL);
}

const char *cli_bulk_span_first(const struct run *r, const cli_span *s)
{
	return r->list.v[r->groups[s->group].idx[s->first]].guid;
}
