/* The growable buffer of buf.h. Knows nothing of PPS; never prints. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

char ppsbuf_empty[1];

void ppsbuf_init(ppsbuf *b, size_t cap)
{
	b->buf = ppsbuf_empty;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void ppsbuf_release(ppsbuf *b)
{
	if (b->alloc)
		free(b->buf);
	ppsbuf_init(b, b->cap);
}

void ppsbuf_reset(ppsbuf *b)
{
	if (b->alloc)
		b->buf[0] = '\0';
	b->len = 0;
}

char *ppsbuf_detach(ppsbuf *b, size_t *len)
{
	char *out;

	if (len)
		*len = b->len;
	if (b->alloc) {
		out = b->buf;
	} else {
		out = malloc(1);
		if (out)
			out[0] = '\0';
	}
	ppsbuf_init(b, b->cap);
	return out;
}

int ppsbuf_grow(ppsbuf *b, size_t extra)
{
	size_t need, alloc;
	char *p;

	if (extra > (size_t)-1 - b->len - 1)
		return -1;
	need = b->len + extra;
	if (b->cap && need > b->cap)
		return -1;
	if (need + 1 <= b->alloc)
		return 0;
	alloc = b->alloc ? b->alloc : 64;
	while (alloc < need + 1)
		alloc = alloc > (size_t)-1 / 2 ? need + 1 : alloc * 2;
	p = realloc(b->alloc ? b->buf : NULL, alloc);
	if (!p)
		return -1;
	if (!b->alloc)
		p[0] = '\0';
	b->buf = p;
	b->alloc = alloc;
	return 0;
}

int ppsbuf_add(ppsbuf *b, const void *data, size_t len)
{
	if (ppsbuf_grow(b, len) < 0)
		return -1;
	if (len)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return 0;
}

int ppsbuf_adds(ppsbuf *b, const char *s)
{
	return ppsbuf_add(b, s, strlen(s));
}

int ppsbuf_addch(ppsbuf *b, char c)
{
	return ppsbuf_add(b, &c, 1);
}

int ppsbuf_vaddf(ppsbuf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->buf + b->len, b->alloc ? b->alloc - b->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return -1;
	if (b->cap && (size_t)n > b->cap - b->len) {
		if (b->alloc)
			b->buf[b->len] = '\0';
		return -1;
	}
	if ((size_t)n >= (b->alloc ? b->alloc - b->len : 0)) {
		if (ppsbuf_grow(b, (size_t)n) < 0)
			return -1;
		n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
		if (n < 0)
			return -1;
	}
	b->len += (size_t)n;
	return 0;
}

int ppsbuf_addf(ppsbuf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ppsbuf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void ppsbuf_setlen(ppsbuf *b, size_t len)
{
	if (len > b->len)
		return;
	b->len = len;
	if (b->alloc)
		b->buf[len] = '\0';
}
