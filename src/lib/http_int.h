/*
 * What the transport's files (http*.c, and only they) share: the curl handle of a client, one
 * attempt's sink and outcome, and the steps between them. libcurl goes no further.
 */
#ifndef PPS_LIB_HTTP_INT_H
#define PPS_LIB_HTTP_INT_H

#include <stddef.h>

#include <curl/curl.h>

#include "lib/internal.h"

/* The body of the request in flight, handed to libcurl by on_read(). */
struct upload {
	const char *data;
	size_t len;
	size_t pos;
};

struct pps__http {
	CURL *curl;
	struct curl_slist *hdr_plain; /* headers of a request without a body */
	struct curl_slist *hdr_body;  /* headers of a request with a JSON body */
	struct upload up;
	char errbuf[CURL_ERROR_SIZE];
};

/* Where the write callback puts one attempt's body. */
struct sink {
	pps_client *c;
	const pps__sink *to; /* a 2xx body goes here; NULL: into body */
	ppsbuf body;	     /* a 2xx body without a sink (capped), or an error body (capped) */
	size_t cap;	     /* the most of a 2xx body kept without a sink */
	int known;	     /* the status below has been read */
	long status;
	int code; /* the error that stopped the transfer from the write side, or 0 */
};

/* The outcome of one attempt. */
struct attempt {
	CURLcode rc;
	long status;
	long os_errno;
	long request_size;  /* bytes of request head sent; 0 when nothing left */
	long retry_after_s; /* -1 when the server sent none */
	curl_off_t time_us;
	char *content_type; /* malloc'd or NULL */
};

/* http_url.c */
/* Whether s starts with prefix (lower-case), ignoring the case of s. */
int pps__http_has_prefix_nocase(const char *s, const char *prefix);
/*
 * text (libcurl's words, which may quote a proxy URL whole) with each word that holds
 * credentials, a query or a fragment redacted ("***@", "?***", "#***"), into out.
 */
void pps__http_redact_words(const char *text, char *out, size_t len);

/* http_describe.c */
/* The one-line description of a failed transfer, cause first, into out; returns its code. */
int pps__http_describe(pps_client *c, const struct attempt *a, const struct sink *s, char *out,
		       size_t len);

/* http_retry.c */
int pps__http_idempotent(const char *method);
/*
 * Whether a failed attempt may have reached the server whole: its request head went out (and
 * with it the body, which libcurl sends right after), or libcurl wanted to send it again.
 */
int pps__http_may_have_arrived(const struct attempt *a);
/*
 * The wait before the attempt after a (number attempt, 0-based, ended in code); -1 when there
 * is none: the policy forbids it, the sink cannot start again, or the server asks for a wait
 * longer than the timeout (its Retry-After, then in *too_long).
 */
long pps__http_next_wait(pps_client *c, const char *method, const pps__sink *to,
			 const struct attempt *a, int code, int attempt, long *too_long);
/* Sleeps ms milliseconds, signals or not. */
void pps__http_sleep_ms(long ms);

#endif
