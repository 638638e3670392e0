/*
 * What the records parser's files (records*.c, and only they) share: the parser's state.
 * yajl goes no further.
 */
#ifndef PPS_LIB_RECORDS_INT_H
#define PPS_LIB_RECORDS_INT_H

#include <stddef.h>

#include <jansson.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

#include "lib/internal.h"

enum state {
	ST_START,   /* before the top-level object */
	ST_TOP,	    /* in the top-level object, between members */
	ST_LIST_AT, /* after the records key: its value comes next */
	ST_LIST,    /* in the records array, between records */
	ST_RECORD,  /* inside a record */
	ST_SKIP,    /* inside a member of the top object that is not the records */
	ST_DONE	    /* the top-level object has ended */
};

struct pps__records {
	pps_client *c;
	yajl_handle y;
	const char *key;
	pps__record_check check;
	pps_visitor v;
	enum state st;
	size_t skip;			      /* ST_SKIP: open containers of the skipped value */
	json_t *stack[PPS__RECORD_DEPTH + 1]; /* stack[0] is the record being built */
	size_t depth;
	ppsbuf pending; /* the key of the next value in the object on top of the stack */
	int build;	/* records are built as jansson values (a record callback or a check) */
	yajl_gen gen;	/* records are written as compact text (a record_text callback), or NULL */
	size_t index;	/* records delivered */
	size_t weight;	/* bytes of the record being built (an estimate of its memory) */
	size_t limit;	/* records the request asked for; one more is a bad response (0: none) */
	ppsbuf hold;	/* an unfinished token (string, number, word) kept back from yajl */
	int in_str;	/* the bytes scanned last end inside a string ... */
	int esc;	/* ... right after its backslash */
	size_t fed;	/* bytes fed to yajl in all */
	int code;	/* the error that stopped the parser, 0 while none */
	int delivered;	/* anything (a record or body bytes) reached the caller */
};

/* records_feed.c: the body's bytes, whole tokens at a time, into yajl (a pps__sink's write). */
int pps__records_feed(void *ctx, const char *data, size_t len);

#endif
