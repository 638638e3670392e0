/*
 * A growable byte buffer in the manner of git's strbuf: buf is never NULL and always
 * NUL-terminated; an optional cap bounds growth so an untrusted body cannot grow without end.
 */
#ifndef PPS_UTIL_BUF_H
#define PPS_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct ppsbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t cap; /* 0: no cap; else the largest len allowed */
} ppsbuf;

extern char ppsbuf_empty[];
#define PPSBUF_INIT                   \
	{                             \
		ppsbuf_empty, 0, 0, 0 \
	}

void ppsbuf_init(ppsbuf *b, size_t cap);
void ppsbuf_release(ppsbuf *b);
/* Empties the buffer, keeping its memory. */
void ppsbuf_reset(ppsbuf *b);
/* Hands the memory over to the caller (free() it); the buffer is empty afterwards. */
char *ppsbuf_detach(ppsbuf *b, size_t *len);

/* All return 0, or -1 on allocation failure or when the cap would be passed (buffer unchanged). */
int ppsbuf_grow(ppsbuf *b, size_t extra);
int ppsbuf_add(ppsbuf *b, const void *data, size_t len);
int ppsbuf_adds(ppsbuf *b, const char *s);
int ppsbuf_addch(ppsbuf *b, char c);
int ppsbuf_addf(ppsbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ppsbuf_vaddf(ppsbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Shortens to len (len <= b->len). */
void ppsbuf_setlen(ppsbuf *b, size_t len);

#endif
