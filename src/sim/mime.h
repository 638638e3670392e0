/*
 * The raw text of a seeded or live message, as real mail looks: a Received chain, DKIM and
 * Authentication-Results, multipart/alternative text and HTML with links (some rewritten by URL
 * Defense), attachments whose bytes are what their names say (or, for bad mail, are not).
 * Built with GMime behind this header (mime*.c are its door); every choice comes from the PRNG
 * handed in, so the same seed gives the same bytes.
 */
#ifndef PPS_SIM_MIME_H
#define PPS_SIM_MIME_H

#include <stdint.h>

#include "sim/seed_gen.h"
#include "util/buf.h"

/* What the records already say of the message; the headers agree with it. */
struct sim_mail {
	enum kind k;
	int outbound;	     /* sent from inside to the outside */
	int64_t epoch;	     /* the record's date: the Date header */
	const char *from;    /* the envelope sender and From's address */
	const char *rcpts;   /* comma list: To */
	const char *subject; /* Subject, as is */
	const char *mid;     /* Message-ID without angles */
	const char *qid;     /* the sendmail queue ID of the receiving hop */
	const char *ip;	     /* the sending host's address (the first external hop) */
	const char *host;    /* and its name */
	const char *attach;  /* comma list of attachment names ("" for none) */
};

/* The message into b (reset first), CRLF line ends. 0, or -1 when out of memory. */
int sim_mime_build(ppsbuf *b, rng *r, const struct sim_mail *m);

#endif
