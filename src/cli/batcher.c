/*
 * The batch splitter of bulk actions: batches per folder in input order, a refused batch split
 * in halves (batcher.h). Pure: no I/O.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/batcher.h"

#include "util/banned.h"

static int push_span(cli_batcher *b, const cli_span *s)
{
	if (b->n == b->alloc) {
		size_t na = b->alloc ? b->alloc * 2 : 16;
		cli_span *ns = realloc(b->stack, na * sizeof(*ns));

		if (!ns)
			return -1;
		b->stack = ns;
		b->alloc = na;
	}
	b->stack[b->n++] = *s;
	return 0;
}

int cli_batcher_init(cli_batcher *b, const size_t *sizes, size_t ngroups, size_t batch)
{
	size_t k;

	memset(b, 0, sizeof(*b));
	if (batch == 0)
		batch = 1;
	for (size_t g = 0; g < ngroups; g++)
		b->planned += (sizes[g] + batch - 1) / batch;
	/* The stack holds the plan backwards, so that batches come out in input order. */
	k = b->planned;
	for (size_t g = ngroups; g-- > 0;) {
		size_t nb = (sizes[g] + batch - 1) / batch;

		for (size_t i = nb; i-- > 0;) {
			cli_span s = { g, i * batch, 0, k-- };

			s.count = sizes[g] - s.first < batch ? sizes[g] - s.first : batch;
			if (push_span(b, &s))
				return -1;
		}
	}
	return 0;
}

void cli_batcher_release(cli_batcher *b)
{
	free(b->stack);
	memset(b, 0, sizeof(*b));
}

int cli_batcher_next(cli_batcher *b, cli_span *out)
{
	if (!b->n)
		return 0;
	*out = b->stack[--b->n];
	return 1;
}

int cli_batcher_split(cli_batcher *b, const cli_span *s)
{
	cli_span first = *s, second = *s;

	if (s->count < 2)
		return -1;
	first.count = s->count / 2;
	second.first = s->first + first.count;
	second.count = s->count - first.count;
	if (push_span(b, &second))
		return -1;
	return push_span(b, &first);
}

size_t cli_batcher_pending(const cli_batcher *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n; i++)
		n += b->stack[i].count;
	return n;
}
