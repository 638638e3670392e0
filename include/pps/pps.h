/*
 * libpps: a client for the Proofpoint Protection Server (PPS) REST API.
 * The only header a user of the library includes. Calls return 0 or a negative pps_code;
 * the detail of the last failure is kept in the client handle (pps_client_last_error()).
 * The library never prints and never exits.
 */
#ifndef PPS_PPS_H
#define PPS_PPS_H

#include <stddef.h>
#include <stdint.h>

#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PPS_EXTERN __attribute__((visibility("default")))
#else
#define PPS_EXTERN
#endif

/* jansson's value type; records are handed out as borrowed jansson values. */
struct json_t;

/* Result codes: 0 is success, failures are negative. */
typedef enum pps_code {
	PPS_OK = 0,
	PPS_EUSAGE = -1,    /* bad argument from the caller; nothing was sent */
	PPS_ENET = -2,	    /* could not connect, reset, timeout, proxy failure */
	PPS_ETLS = -3,	    /* certificate or TLS handshake failure */
	PPS_EAUTH = -4,	    /* 401: bad or missing credentials */
	PPS_EPERM = -5,	    /* 403: the account's role lacks a managed module */
	PPS_ENOTFOUND = -6, /* 404 */
	PPS_ESERVER = -7,   /* 5xx, or 429 after the retries were used up */
	PPS_EPROTO = -8,    /* malformed, truncated or unexpected response */
	PPS_ENOMEM = -9,    /* out of memory */
	PPS_EREJECTED =
		-10, /* the server refused the request as invalid (400, 405, 409, 413, 422) */
	/*
	 * A request that changes something (POST, PUT, DELETE) went out and its answer was lost
	 * (connection closed, reset or timed out, body cut short): the server may have carried it
	 * out. libpps never sends such a request again, and neither should the caller without
	 * checking first.
	 */
	PPS_EUNKNOWN = -11
} pps_code;

/* The detail of the last failure; every public call on a client resets it. */
typedef struct pps_error {
	int code;		    /* a pps_code, PPS_OK when the last call succeeded */
	long http_status;	    /* 0 when no HTTP response was received */
	const char *message;	    /* one line, lower-case, no full stop; never NULL */
	const char *server_message; /* the server's own text (plain body or JSON error), or NULL */
	long retry_after_ms;	    /* the Retry-After of a 429 or 503 answer in ms, 0 when none */
} pps_error;

/* A short constant name for a code ("usage", "network", "tls", "auth", ...). */
PPS_EXTERN const char *pps_code_name(int code);

/*
 * Process-wide set-up of libcurl. Call pps_global_init() once before any client is created
 * and pps_global_cleanup() once after the last is freed. Returns 0 or PPS_ENOMEM.
 */
PPS_EXTERN int pps_global_init(void);
PPS_EXTERN void pps_global_cleanup(void);

/* Called with one line (no newline) per request when options.log is set; never sees a password. */
typedef void (*pps_log_fn)(void *ctx, const char *line);

/* Everything a client needs; strings are copied by pps_client_new(). */
typedef struct pps_client_options {
	const char *url;	/* https://host:10000; "/rest/v1" is appended */
	const char *username;	/* HTTP Basic user */
	const char *password;	/* HTTP Basic password */
	const char *cacert;	/* PEM file of trusted CAs, or NULL for the system store */
	int insecure;		/* 1: do not verify the certificate or host name */
	const char *proxy;	/* proxy URL, or NULL to honour the environment */
	int no_proxy;		/* 1: never use a proxy */
	long timeout_ms;	/* whole-request timeout; 0 means 60 s */
	int retries;		/* retries for GET on network errors, 429 and 5xx; -1 means 3 */
	long retry_base_ms;	/* first backoff delay; 0 means 500 ms */
	const char *user_agent; /* NULL means "pps/<version>" */
	pps_log_fn log;		/* optional request log: method, URL, status, timing */
	void *log_ctx;
} pps_client_options;

typedef struct pps_client pps_client;

/*
 * Creates a client. On success *out owns a client freed with pps_client_free().
 * Returns 0, PPS_EUSAGE (no URL, bad URL scheme) or PPS_ENOMEM; on failure *out is NULL
 * and, when err is not NULL, a one-line reason is written into err (errlen bytes).
 */
PPS_EXTERN int pps_client_new(pps_client **out, const pps_client_options *opts, char *err,
			      size_t errlen);
PPS_EXTERN void pps_client_free(pps_client *client);

/* The last call's error detail; borrowed, valid until the next call on this client. */
PPS_EXTERN const pps_error *pps_client_last_error(const pps_client *client);

/* Number of TCP connections the client has opened so far (connection reuse is observable). */
PPS_EXTERN long pps_client_connections(const pps_client *client);

/*
 * A parsed response. Owned by the caller, freed with pps_response_free().
 * records is borrowed from json: the array of records of a search (Smart Search "result",
 * quarantine "records"; an end-user profile is wrapped in a one-element array), or NULL.
 */
typedef struct pps_response {
	long status; /* HTTP status */
	char *body;  /* the body verbatim, NUL-terminated (may hold NULs: use body_len) */
	size_t body_len;
	char *content_type;	/* the Content-Type header, or NULL */
	struct json_t *json;	/* the parsed body when it is JSON, else NULL; owned */
	struct json_t *records; /* borrowed from json, see above */
	char *message;		/* a quarantine action's status text, or NULL */
} pps_response;

PPS_EXTERN void pps_response_free(pps_response *resp);

/* An instant as the user gave it: seconds since the epoch and the UTC offset to show it in. */
typedef struct pps_instant {
	int64_t epoch;
	int offset_min; /* offset east of UTC in minutes (-0500 is -300) */
	int set;	/* 0: not given */
} pps_instant;

/*
 * Parses "<number> <unit>" with an optional "ago" (seconds, minutes, hours, days, weeks, months,
 * years; singular, plural, abbreviations), "now", "today", "yesterday", and ISO-8601
 * (2020-01-25T10:00:00Z, with offsets, date-only) relative to now (epoch seconds).
 * Relative times are in UTC. Returns 0 or PPS_EUSAGE.
 */
PPS_EXTERN int pps_time_parse(pps_instant *out, const char *text, int64_t now);

/* Formats for the wire. Both write a NUL-terminated string into buf and return 0 or PPS_EUSAGE. */
/* Smart Search: YYYY-MM-DDThh:mm:ss+HHMM in the instant's own offset. */
PPS_EXTERN int pps_time_format_filter(const pps_instant *t, char *buf, size_t len);
/* Quarantine: YYYY-MM-DD hh:mm:ss in UTC. */
PPS_EXTERN int pps_time_format_quarantine(const pps_instant *t, char *buf, size_t len);

/* GET /pss/health */
PPS_EXTERN int pps_health(pps_client *client, pps_response **out);

/* GET /pss/filter. NULL strings and unset instants are left out of the query; count 0 = 100. */
typedef struct pps_smartsearch_req {
	const char *action;
	pps_instant from; /* required */
	pps_instant to;
	const char *virus;
	const char *env_from;
	const char *env_rcpt;
	const char *attach;
	const char *qid;
	const char *host;
	const char *sid;
	const char *subject;
	const char *guid;
	const char *hdr_mid;
	long count;
} pps_smartsearch_req;

PPS_EXTERN int pps_smartsearch(pps_client *client, const pps_smartsearch_req *req,
			       pps_response **out);

/* GET /quarantine, one folder. At least one of from, rcpt, subject is required. */
typedef struct pps_quarantine_search_req {
	const char *from;
	const char *rcpt;
	const char *subject;
	pps_instant startdate; /* required */
	pps_instant enddate;   /* required */
	const char *folder;    /* NULL means "Quarantine" */
	long limit;	       /* 0 means 100 */
} pps_quarantine_search_req;

PPS_EXTERN int pps_quarantine_search(pps_client *client, const pps_quarantine_search_req *req,
				     pps_response **out);

/* GET /quarantine?guid=G: the raw message, byte-exact, in (*out)->body. 404 is PPS_ENOTFOUND. */
PPS_EXTERN int pps_quarantine_download(pps_client *client, const char *guid, pps_response **out);

/* POST /quarantine. NULL fields are left out of the body. Never retried. */
typedef enum pps_qaction {
	PPS_QA_RELEASE,
	PPS_QA_RESUBMIT,
	PPS_QA_FORWARD,
	PPS_QA_MOVE,
	PPS_QA_DELETE
} pps_qaction;

typedef struct pps_quarantine_action_req {
	pps_qaction action;
	const char *folder;    /* required */
	const char *localguid; /* required, a comma list */
	const char *scan;      /* "t" or "f" (release) */
	const char *brandtemplate;
	const char *securitypolicy;
	const char *deletedfolder;
	const char *targetfolder; /* required for move */
	const char *subject;
	const char *appendoldsubject; /* "t" or "f" (forward) */
	const char *from;
	const char *headerfrom;
	const char *to; /* required for forward, a comma list */
	const char *comment;
} pps_quarantine_action_req;

/* On success (*out)->message holds the server's status text (or the documented fallback). */
PPS_EXTERN int pps_quarantine_action(pps_client *client, const pps_quarantine_action_req *req,
				     pps_response **out);

/*
 * /enduser/{id}: id is an email address or a uid. fields_json and attributes_json are JSON
 * object texts or NULL; the body is fields' keys at top level plus "attributes" when given.
 * A bad JSON text is PPS_EUSAGE and nothing is sent. The profile is (*out)->json and
 * (*out)->records is a one-element array holding it (empty when the server sent no body).
 */
PPS_EXTERN int pps_enduser_get(pps_client *client, const char *id, pps_response **out);
PPS_EXTERN int pps_enduser_create(pps_client *client, const char *email, const char *fields_json,
				  const char *attributes_json, pps_response **out);
PPS_EXTERN int pps_enduser_modify(pps_client *client, const char *id, const char *fields_json,
				  const char *attributes_json, pps_response **out);
PPS_EXTERN int pps_enduser_delete(pps_client *client, const char *id, pps_response **out);

#ifdef __cplusplus
}
#endif

#endif
