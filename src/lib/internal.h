/*
 * Declarations shared by the files of libpps and its unit tests; never installed or exported.
 * Names are pps__<module>_<verb>. Nothing here mentions libcurl: only http*.c include it.
 */
#ifndef PPS_LIB_INTERNAL_H
#define PPS_LIB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "pps/pps.h"
#include "util/buf.h"

/* The largest body a buffered call reads; more is a bad response (an untrusted body is bounded). */
#define PPS__BODY_CAP ((size_t)1 << 30)
/* The largest body of an answer that is one JSON object (a health, a profile, an action's status). */
#define PPS__OBJECT_CAP ((size_t)16 << 20)
/* The most of an error answer's body kept (for the server's message); the rest is read and dropped.
 */
#define PPS__ERROR_BODY_CAP ((size_t)1 << 20)
/* A streamed record (or any single value around the records) larger than this is a bad response. */
#define PPS__RECORD_CAP ((size_t)64 << 20)
/*
 * The longest single value (a string, a number) of an answer; one longer stops the answer at
 * this many bytes, named, rather than being read until --timeout.
 */
#define PPS__VALUE_CAP ((size_t)16 << 20)
/* How deep values may nest inside a record. */
#define PPS__RECORD_DEPTH 64
/* An internal result: with dry_run, the request was handed to on_request and not sent. */
#define PPS__NOT_SENT 1
/* The longest one-line message kept in the handle, and the longest server text quoted. */
#define PPS__MSG_MAX		512
#define PPS__SERVER_MESSAGE_MAX 300
/* Defaults of pps_client_options. */
#define PPS__DEFAULT_TIMEOUT_MS	   60000L
#define PPS__DEFAULT_RETRIES	   3
#define PPS__DEFAULT_RETRY_BASE_MS 500L
#define PPS__RETRY_MAX_DELAY_MS	   30000L
#define PPS__RETRY_AFTER_MAX_MS	   60000L

/* The transport state of http.c (the curl handle and its header lists). */
struct pps__http;

struct pps_client {
	char *base; /* the user's URL, trailing slashes removed, plus "/rest/v1" */
	char *host; /* the URL's host, for messages */
	long port;  /* the URL's port (the scheme's default when none is given) */
	char *username;
	char *password; /* wiped before it is freed */
	char *cacert;
	char *proxy;
	char *user_agent;
	int insecure;
	int no_proxy;
	long timeout_ms;
	int retries;
	long retry_base_ms;
	pps_log_fn log;
	void *log_ctx;
	pps_request_fn on_request;
	void *request_ctx;
	int dry_run;
	long connections;	/* TCP connections opened so far */
	long last_status;	/* the HTTP status of the last answer, 0 when none */
	int64_t server_time;	/* the last answer's Date header, Unix seconds; -1 when none */
	uint32_t rng;		/* jitter of the retry backoff; per client, not global */
	struct pps__http *http; /* owned, see http.c */
	pps_error err;		/* err.message is msg, err.server_message is server_message */
	char msg[PPS__MSG_MAX];
	char *server_message;		  /* owned */
	char unknown_cause[PPS__MSG_MAX]; /* why the outcome of the last PPS_EUNKNOWN is unknown */
};

/* error.c: the error detail kept in the handle. */
/* Clears the last error: code PPS_OK, status 0, message "", no server message. */
void pps__error_reset(pps_client *c);
/* Records an error (message is printf-style, made one line) and returns code. */
/*
 * 0 when a struct's version (of type, e.g. "pps_smartsearch_req") is one this library knows
 * (1..current), else PPS_EUSAGE with the reason set in c.
 */
int pps__version_check(pps_client *c, const char *type, unsigned int version, unsigned int current);
int pps__error_set(pps_client *c, int code, long http_status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * Records PPS_EUNKNOWN: a request that changes something went out and its answer was lost.
 * The message names what (e.g. "the release of 1:2:3") and c->unknown_cause. Returns the code.
 */
int pps__error_unknown(pps_client *c, long http_status, const char *what);
/* Hands over a malloc'd server text (or NULL) to the handle. */
void pps__error_take_server_message(pps_client *c, char *text);
/* The pps_code of an HTTP status: 0 for 2xx (see the mapping in error.c). */
int pps__error_from_status(long status);
/* The lower-case reason phrase of a status ("service unavailable"), or "" when unknown. */
const char *pps__error_reason(long status);
/*
 * The server's own text in an error body, malloc'd, or NULL when there is none (or no memory):
 * JSON errors.invalidarguments[0].error, else message, else error, else a string status;
 * an HTML page's <title>; else a text body's first line. One line, trimmed, control
 * characters replaced, at most PPS__SERVER_MESSAGE_MAX bytes (cut on a UTF-8 boundary).
 */
char *pps__error_server_message(const char *body, size_t len, const char *content_type);
/* The first line of s[0..len), trimmed and made safe as above, at most max bytes; or NULL. */
char *pps__error_first_line(const char *s, size_t len, size_t max);

/* A query string: names and values are borrowed; a NULL value leaves the pair out. */
#define PPS__QUERY_MAX 16
typedef struct pps__query {
	size_t n;
	struct {
		const char *name;
		const char *value;
	} p[PPS__QUERY_MAX];
} pps__query;

void pps__query_add(pps__query *q, const char *name, const char *value);

/* A request as it goes out (pps_request of pps.h). */
struct pps_request {
	const pps_client *client;
	const char *method;
	const char *url;  /* borrowed from the sender */
	const char *body; /* NUL-terminated, or NULL */
};

/* request.c holds its accessors and formats (text, curl); http.c builds and shows it. */

/* ops.c: the request line of every operation, the one table of methods, paths and modules. */
const char *pps__op_method(pps_op op);
const char *pps__op_path(pps_op op);

/* Where the body of a 2xx answer goes while it arrives. */
typedef struct pps__sink {
	/* Takes the next bytes: 0, or a negative pps_code (detail set in the handle) to stop. */
	int (*write)(void *ctx, const char *data, size_t len);
	/* Forgets an attempt before the next one: 0, or -1 when it cannot (it delivered data). */
	int (*restart)(void *ctx);
	void *ctx;
} pps__sink;

/* The head of a 2xx answer, and its body when no sink took it (see pps__http_send). */
typedef struct pps__answer {
	long status;
	char *content_type; /* owned, or NULL */
	ppsbuf body;	    /* capped at body.cap when the caller set it, else PPS__BODY_CAP */
} pps__answer;

#define PPS__ANSWER_INIT             \
	{                            \
		0, NULL, PPSBUF_INIT \
	}
void pps__answer_release(pps__answer *a);

/* http*.c: the one place that talks to libcurl (http.c, http_url.c, http_retry.c,
 * http_describe.c, joined by http_int.h). */
/*
 * Checks the user's URL (http:// or https://, a host, no credentials, query or fragment) and
 * joins "/rest/v1" with one slash. On success *base and *host are malloc'd. Returns 0,
 * PPS_EUSAGE (reason in err) or PPS_ENOMEM.
 */
int pps__http_base_url(const char *url, char **base, char **host, long *port, char *err,
		       size_t errlen);
/* Creates and configures the client's curl handle from its options. 0 or PPS_ENOMEM. */
int pps__http_open(pps_client *c);
void pps__http_close(pps_client *c);
/* Appends s percent-encoded (everything but A-Z a-z 0-9 - . _ ~; '@' too unless keep_at). */
int pps__http_escape(ppsbuf *out, const char *s, int keep_at);
/* base + path + "?" + escaped name=value pairs joined by '&'. 0 or PPS_ENOMEM. */
int pps__http_build_url(ppsbuf *out, const char *base, const char *path, const pps__query *q);
/*
 * Sends one request (path below the base, already escaped; body NULL or NUL-terminated) and
 * reads the answer, retrying as the policy allows. The request is first shown to on_request;
 * with dry_run it is not sent and PPS__NOT_SENT is returned. On a 2xx returns 0: *out holds
 * the status and content type, and the body went to sink (or, when sink is NULL, into
 * out->body). Otherwise a negative pps_code with the detail in the handle (the server's text
 * of an error body in server_message).
 */
int pps__http_send(pps_client *c, const char *method, const char *path, const pps__query *q,
		   const char *body, const pps__sink *sink, pps__answer *out);
/* The pps_code of a libcurl result (a CURLcode value). */
int pps__http_code_from_curl(int curl_code);
/*
 * Whether a failed attempt may be repeated: GET and HEAD on a network failure (refused,
 * reset, timeout, nothing received), 429 or 5xx; any other method only when the connection
 * was never made (refused, host not resolved). curl_code 0 means an HTTP answer of status.
 */
int pps__http_may_retry(const char *method, long status, int curl_code);
/*
 * The delay before retry number attempt (0-based): base * 2^attempt plus up to 10 % jitter
 * (jitter is any random number), capped at 30 s; a Retry-After of retry_after_s seconds
 * (-1 when absent) on a 429 or 503 is used instead, capped at 60 s.
 */
long pps__http_retry_delay_ms(long base_ms, int attempt, long status, long retry_after_s,
			      uint32_t jitter);

/* records*.c: the streaming parser of a records array (libyajl); knows no transport. */
typedef struct pps__records pps__records;
/* A check of each record before it is delivered: 0 or PPS_EPROTO with the detail set. */
typedef int (*pps__record_check)(pps_client *c, const struct json_t *record, size_t index);
/*
 * A parser of {"<key>": [ {record}, ... ], ...} that hands each record to v as soon as it is
 * complete. check may be NULL. 0 or PPS_ENOMEM.
 */
int pps__records_new(pps__records **out, pps_client *c, const char *key, pps__record_check check,
		     const pps_visitor *v);
void pps__records_free(pps__records *p);
/* The sink that feeds the parser (and the visitor's body callback). */
pps__sink pps__records_sink(pps__records *p);
/* The body has ended: 0, or PPS_EPROTO when it is incomplete or not what was expected. */
int pps__records_finish(pps__records *p);
/* The number of records delivered so far. */
size_t pps__records_count(const pps__records *p);
/* Records the request asked for (0: no limit): one more fails the parse with PPS_EPROTO. */
void pps__records_limit(pps__records *p, size_t limit);

/* response.c: turning answers into responses; knows no transport. */
pps_response *pps__response_new(void);
/* A response holding the answer's status, body and content type (taken over). 0 or ENOMEM. */
int pps__response_from_answer(pps_client *c, pps__answer *a, pps_response **out);
/* An empty response (dry_run): status 0, empty body. 0 or PPS_ENOMEM. */
int pps__response_empty(pps_client *c, pps_response **out);
/* Parses resp's body as JSON into resp->json. 0, or PPS_EPROTO / PPS_ENOMEM with the detail. */
int pps__response_parse_json(pps_client *c, pps_response *resp);
/* Like pps__response_parse_json and requires a JSON object. */
int pps__response_parse_object(pps_client *c, pps_response *resp);

/* search.c: GET with a records stream, and its buffered form. */
/* limit: the records the query asked for (more is PPS_EPROTO); 0 when it sets none. */
int pps__search_each(pps_client *c, const char *path, const pps__query *q, const char *key,
		     size_t limit, pps__record_check check, const pps_visitor *v);
/* The buffered form: records and body gathered from pps__search_each. */
typedef int (*pps__each_fn)(pps_client *c, const void *req, const pps_visitor *v);
int pps__search_buffered(pps_response **out, pps_client *c, const void *req, pps__each_fn each);

/* quarantine.c: the pure pieces of the actions and the search. */
/* Checks the request and builds the JSON body (a new reference in *out). 0 or PPS_EUSAGE. */
int pps__quarantine_action_body(pps_client *c, const pps_quarantine_action_req *req,
				struct json_t **out);
/*
 * The message of a successful action, malloc'd: the JSON status, else the text body trimmed,
 * else the documented sentence for the action and its ids. NULL only when out of memory.
 */
char *pps__quarantine_action_message(pps_qaction action, const char *localguid,
				     const pps_response *resp);
/* Checks that a record's size and spamscore are strings, numbers or null. 0 or PPS_EPROTO. */
int pps__quarantine_check_record(pps_client *c, const struct json_t *record, size_t index);

/* enduser.c: builds the body of create/modify (a new reference in *out). 0 or PPS_EUSAGE. */
int pps__enduser_body(pps_client *c, const char *fields_json, const char *attributes_json,
		      struct json_t **out);

#endif
