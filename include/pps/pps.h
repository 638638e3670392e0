/*
 * libpps: a client for the Proofpoint Protection Server (PPS) REST API.
 * The only header a user of the library includes. Calls return 0 or a negative pps_code;
 * the detail of the last failure is kept in the client handle (pps_client_last_error()).
 * The library never prints and never exits.
 *
 * Conventions, the same for every call:
 * - Results come back through an out-parameter named out, placed first; *out is NULL on
 *   failure. What a call hands out belongs to the caller and is freed with the matching
 *   _free (pps_response_free, pps_client_free; free() for strings), which accepts NULL.
 * - Records are jansson objects (json_t). A buffered call's records are owned by its response.
 *   A record handed to a pps_record_fn is lent for the duration of the callback: read it, or
 *   keep it with json_incref() and later json_decref(). pps.pc lists jansson as required.
 * - Every options and request struct starts with a version: initialize it with its _INIT
 *   macro (or its _init function) and then set the fields you need. A struct of a version
 *   this library does not know, or of version 0 (zeroed), is refused with PPS_EUSAGE; a later
 *   1.x/2.x library only adds fields at the end, and reads an older version as it was.
 * - Threads: a client is not shareable. Use one client per thread (any number of clients may
 *   work in parallel once pps_global_init() has returned); a client may move to another
 *   thread while no call on it runs. pps_code_name, pps_operation_info, pps_qaction_name and
 *   the pps_time_* functions keep no state and may be called from any thread.
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

/*
 * The initializer of a versioned struct: its version, every other field zero. Designated in C,
 * so that -Wmissing-field-initializers stays quiet; positional in C++.
 */
#ifdef __cplusplus
#define PPS__VERSIONED(v) \
	{                 \
		(v)       \
	}
#else
#define PPS__VERSIONED(v)      \
	{                      \
		.version = (v) \
	}
#endif

/* jansson's value type: records are jansson objects (see the conventions above). */
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
	PPS_EUNKNOWN = -11,
	PPS_ECANCELED = -12, /* a callback (record, body or request) asked to stop */
	/*
	 * A walk or a follow went through, but a second held more records than the server returns
	 * in one answer: some of that second's records are missing (the second is named in
	 * pps_walk_result.overfull_at, or in a PPS_FOLLOW_OVERFULL event).
	 */
	PPS_EINCOMPLETE = -13
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
 * (before threads start) and pps_global_cleanup() once after the last is freed.
 * Returns 0 or PPS_ENOMEM.
 */
PPS_EXTERN int pps_global_init(void);
PPS_EXTERN void pps_global_cleanup(void);

/* ---- The operations and their request lines ---- */

typedef enum pps_op {
	PPS_OP_NONE = 0,
	PPS_OP_HEALTH,		    /* GET /pss/health */
	PPS_OP_SMARTSEARCH,	    /* GET /pss/filter */
	PPS_OP_QUARANTINE_SEARCH,   /* GET /quarantine */
	PPS_OP_QUARANTINE_DOWNLOAD, /* GET /quarantine?guid= */
	PPS_OP_QUARANTINE_ACTION,   /* POST /quarantine */
	PPS_OP_ENDUSER_GET,	    /* GET /enduser/{email|uid} */
	PPS_OP_ENDUSER_CREATE,	    /* POST /enduser/{email} */
	PPS_OP_ENDUSER_MODIFY,	    /* PUT /enduser/{email|uid} */
	PPS_OP_ENDUSER_DELETE	    /* DELETE /enduser/{email|uid} */
} pps_op;

/* The path below a server's URL that every operation's path is below. */
#define PPS_API_BASE "/rest/v1"

typedef struct pps_op_info {
	const char *method; /* "GET" */
	const char *path;   /* below /rest/v1, placeholders in braces: "/enduser/{email|uid}" */
	const char *module; /* the managed module the API role needs: "pss", "Quarantine" */
} pps_op_info;

/* The request line of an operation (static, never freed), or NULL for an unknown one. */
PPS_EXTERN const pps_op_info *pps_operation_info(pps_op op);

/* ---- Requests as they go out: seen before sending, or instead of sending ---- */

/* One HTTP request built by an operation; lent to a pps_request_fn for the callback's duration. */
typedef struct pps_request pps_request;

PPS_EXTERN const char *pps_request_method(const pps_request *req);
/* The full URL, query included, percent-encoded exactly as it is sent. */
PPS_EXTERN const char *pps_request_url(const pps_request *req);
/* The JSON body, or NULL when the request has none. */
PPS_EXTERN const char *pps_request_body(const pps_request *req);

typedef enum pps_request_format {
	/* "METHOD URL" and, when there is a body, a space and the body: one line, no newline. */
	PPS_REQUEST_TEXT,
	/*
	 * A curl command for a POSIX shell, on one line with no newline, that sends the same
	 * request: method, URL, the Accept and Content-Type headers, the body, and --cacert,
	 * --insecure, --proxy or --noproxy as the client is configured. Credentials are written
	 * as -u "$PPS_USERNAME:$PPS_PASSWORD" for the shell to fill in: never the password.
	 */
	PPS_REQUEST_CURL
} pps_request_format;

/* Writes req in a format into *out (malloc'd; free() it). 0, PPS_EUSAGE or PPS_ENOMEM. */
PPS_EXTERN int pps_request_format_new(char **out, const pps_request *req,
				      pps_request_format format);

/*
 * Called with each request an operation builds, just before it is sent (or instead of sending
 * it, with dry_run). Return 0 to go on; anything else stops the operation, which then returns
 * PPS_ECANCELED having sent nothing more.
 */
typedef int (*pps_request_fn)(void *ctx, const pps_request *req);

/* Called with one line (no newline) per request when options.log is set; never sees a password. */
typedef void (*pps_log_fn)(void *ctx, const char *line);

/* options.retries: no retries at all. (0 means the default.) */
#define PPS_RETRIES_NONE (-1)

/*
 * Everything a client needs; strings are copied by pps_client_new(). The zero of every field
 * but the version is its default, so PPS_CLIENT_OPTIONS_INIT and pps_client_options_init()
 * mean: 60 s timeout, 3 retries, 500 ms first backoff, certificates verified.
 */
#define PPS_CLIENT_OPTIONS_VERSION 1
typedef struct pps_client_options {
	unsigned int version;	/* PPS_CLIENT_OPTIONS_VERSION */
	const char *url;	/* https://host:10000; "/rest/v1" is appended */
	const char *username;	/* HTTP Basic user */
	const char *password;	/* HTTP Basic password */
	const char *cacert;	/* PEM file of trusted CAs, or NULL for the system store */
	int insecure;		/* 1: do not verify the certificate or host name */
	const char *proxy;	/* proxy URL, or NULL to honour the environment */
	int no_proxy;		/* 1: never use a proxy */
	long timeout_ms;	/* whole-request timeout; 0 means 60 s */
	int retries;		/* retries of a GET (network error, 429, 5xx); 0 means 3 */
	long retry_base_ms;	/* first backoff delay; 0 means 500 ms */
	const char *user_agent; /* NULL means "pps/<version>" */
	pps_log_fn log;		/* optional request log: method, URL, status, timing */
	void *log_ctx;
	pps_request_fn on_request; /* optional: sees each request before it is sent */
	void *request_ctx;
	/*
	 * 1: send nothing. Each request goes to on_request only, and every operation returns
	 * PPS_OK with an empty result (status 0, no records, no message). url may be NULL:
	 * request URLs are then relative ("/rest/v1/pss/filter?...").
	 */
	int dry_run;
} pps_client_options;

#define PPS_CLIENT_OPTIONS_INIT PPS__VERSIONED(PPS_CLIENT_OPTIONS_VERSION)

/* Sets every option to its default for version (PPS_CLIENT_OPTIONS_VERSION); 0 or PPS_EUSAGE. */
PPS_EXTERN int pps_client_options_init(pps_client_options *opts, unsigned int version);

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
 * The server's clock: the Date header of the last answer that carried one, in Unix seconds,
 * or -1 when no answer has carried one yet. A job that polls for new records (a follow)
 * computes its windows from it rather than from the local clock.
 */
PPS_EXTERN int64_t pps_client_server_time(const pps_client *client);

/*
 * The answer of a buffered call. Owned by the caller and freed with pps_response_free(),
 * which releases everything in it (json and records are each an owned reference).
 */
typedef struct pps_response {
	long status; /* HTTP status; 0 with dry_run */
	char *body;  /* the body verbatim, NUL-terminated (may hold NULs: use body_len) */
	size_t body_len;
	char *content_type;  /* the Content-Type header, or NULL */
	struct json_t *json; /* the parsed object of health and the end-user calls, else NULL */
	/*
	 * The records, an array of objects: Smart Search "result", quarantine "records", an
	 * end-user profile as a one-element array (empty when the server sent no body); or NULL.
	 */
	struct json_t *records;
	char *message; /* a quarantine action's (or a deletion's) status text, or NULL */
} pps_response;

PPS_EXTERN void pps_response_free(pps_response *resp);

/* ---- Streaming ---- */

/*
 * Receives one record (a JSON object) as soon as it is complete, while the response is still
 * arriving. The record is lent: json_incref() it to keep it. Return 0 to go on; anything else
 * stops the transfer and the call returns PPS_ECANCELED.
 */
typedef int (*pps_record_fn)(void *ctx, struct json_t *record);
/* Receives the body's bytes verbatim as they arrive. Return 0 to go on, else stop as above. */
typedef int (*pps_body_fn)(void *ctx, const char *data, size_t len);

/*
 * What a streaming call does with a 2xx answer; either callback may be NULL. Memory stays
 * bounded by one record plus buffers, whatever the number of records. The body is parsed and
 * checked as it arrives: a malformed or truncated one fails the call with PPS_EPROTO after the
 * records before the fault were delivered, never as if the result were complete. A transfer
 * that has delivered anything is not retried.
 */
#define PPS_VISITOR_VERSION 1
typedef struct pps_visitor {
	unsigned int version; /* PPS_VISITOR_VERSION */
	pps_record_fn record;
	pps_body_fn body;
	void *ctx;
	/*
	 * Optional: called each time the bytes received so far have been parsed and their records
	 * delivered, before the next bytes are awaited: the moment to flush buffered output, so
	 * that a reader sees each record without waiting for the rest. Return 0 to go on.
	 */
	int (*parsed)(void *ctx);
	/*
	 * Optional: each record as compact JSON text (len bytes, not NUL-terminated, valid for the
	 * call), written as it is parsed without building a jansson value: the cheap way to pass
	 * records on (NDJSON, an export). Numbers keep the server's spelling. Called after record
	 * when both are set. Return 0 to go on, else stop as above.
	 */
	int (*record_text)(void *ctx, const char *json, size_t len);
} pps_visitor;

#define PPS_VISITOR_INIT PPS__VERSIONED(PPS_VISITOR_VERSION)
/* Empties a visitor for version (PPS_VISITOR_VERSION); 0 or PPS_EUSAGE. */
PPS_EXTERN int pps_visitor_init(pps_visitor *visitor, unsigned int version);

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
/*
 * pps_time_parse, and when the text is refused, why in words into why (len bytes; one line
 * without "invalid ..."): "month 13 is not 1 to 12", "unknown unit 'horus'; did you mean
 * 'hours'?". why may be NULL. Returns 0 or PPS_EUSAGE.
 */
PPS_EXTERN int pps_time_parse_why(pps_instant *out, const char *text, int64_t now, char *why,
				  size_t len);

/* Formats for the wire. Both write a NUL-terminated string into buf and return 0 or PPS_EUSAGE. */
/* Smart Search: YYYY-MM-DDThh:mm:ss+HHMM in the instant's own offset. */
PPS_EXTERN int pps_time_format_filter(const pps_instant *t, char *buf, size_t len);
/* Quarantine: YYYY-MM-DD hh:mm:ss in UTC. */
PPS_EXTERN int pps_time_format_quarantine(const pps_instant *t, char *buf, size_t len);

/* A yes/no field whose zero means "not given" (left out of the request). */
typedef enum pps_flag { PPS_FLAG_UNSET = 0, PPS_FLAG_FALSE, PPS_FLAG_TRUE } pps_flag;

/* GET /pss/health: the health object in (*out)->json. */
PPS_EXTERN int pps_health(pps_response **out, pps_client *client);

/* GET /pss/filter. NULL strings and unset instants are left out of the query; count 0 = 100. */
#define PPS_SMARTSEARCH_REQ_VERSION 1
typedef struct pps_smartsearch_req {
	unsigned int version; /* PPS_SMARTSEARCH_REQ_VERSION */
	const char *action;
	pps_instant start; /* required; the wire's "from" (inclusive) */
	pps_instant end;   /* the wire's "to" (exclusive) */
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

#define PPS_SMARTSEARCH_REQ_INIT PPS__VERSIONED(PPS_SMARTSEARCH_REQ_VERSION)
/* Empties a request for version (PPS_SMARTSEARCH_REQ_VERSION); 0 or PPS_EUSAGE. */
PPS_EXTERN int pps_smartsearch_req_init(pps_smartsearch_req *req, unsigned int version);

/* Streams the records of "result" to the visitor. */
PPS_EXTERN int pps_smartsearch_each(pps_client *client, const pps_smartsearch_req *req,
				    const pps_visitor *visitor);
/* Buffered, over pps_smartsearch_each: (*out)->records holds every record, (*out)->body the body. */
PPS_EXTERN int pps_smartsearch(pps_response **out, pps_client *client,
			       const pps_smartsearch_req *req);

/* GET /quarantine, one folder. At least one of from, rcpt, subject is required. */
#define PPS_QUARANTINE_SEARCH_REQ_VERSION 1
typedef struct pps_quarantine_search_req {
	unsigned int version;  /* PPS_QUARANTINE_SEARCH_REQ_VERSION */
	const char *sender;    /* the wire's "from" */
	const char *recipient; /* the wire's "rcpt" */
	const char *subject;
	pps_instant start;  /* required; the wire's "startdate" */
	pps_instant end;    /* required; the wire's "enddate" */
	const char *folder; /* NULL means "Quarantine" */
	long limit;	    /* 0 means 100 */
} pps_quarantine_search_req;

#define PPS_QUARANTINE_SEARCH_REQ_INIT PPS__VERSIONED(PPS_QUARANTINE_SEARCH_REQ_VERSION)
/* Empties a request for version (PPS_QUARANTINE_SEARCH_REQ_VERSION); 0 or PPS_EUSAGE. */
PPS_EXTERN int pps_quarantine_search_req_init(pps_quarantine_search_req *req, unsigned int version);

/* Streams the records of "records" to the visitor; size and spamscore are checked on each. */
PPS_EXTERN int pps_quarantine_search_each(pps_client *client, const pps_quarantine_search_req *req,
					  const pps_visitor *visitor);
/* Buffered, over pps_quarantine_search_each. */
PPS_EXTERN int pps_quarantine_search(pps_response **out, pps_client *client,
				     const pps_quarantine_search_req *req);

/* GET /quarantine?guid=G: the raw message, byte-exact, in (*out)->body. 404 is PPS_ENOTFOUND. */
PPS_EXTERN int pps_quarantine_download(pps_response **out, pps_client *client, const char *guid);
/*
 * The same message streamed: its bytes go to visitor->body as they arrive (then
 * visitor->parsed), none is kept, whatever the length; (*out) holds the status and the
 * Content-Type, with an empty body. A callback that returns non-zero stops the transfer
 * (PPS_ECANCELED): the way to bound a download. A transfer that delivered bytes is not retried.
 */
PPS_EXTERN int pps_quarantine_download_stream(pps_response **out, pps_client *client,
					      const char *guid, const pps_visitor *visitor);

/* POST /quarantine. NULL fields are left out of the body. Never retried. */
typedef enum pps_qaction {
	PPS_QA_RELEASE,
	PPS_QA_RESUBMIT,
	PPS_QA_FORWARD,
	PPS_QA_MOVE,
	PPS_QA_DELETE
} pps_qaction;

/* The wire name of an action ("release", ...), or NULL for a value out of range. */
PPS_EXTERN const char *pps_qaction_name(pps_qaction action);

#define PPS_QUARANTINE_ACTION_REQ_VERSION 1
typedef struct pps_quarantine_action_req {
	unsigned int version; /* PPS_QUARANTINE_ACTION_REQ_VERSION */
	pps_qaction action;
	const char *folder;    /* required */
	const char *localguid; /* required, a comma list */
	pps_flag scan;	       /* release: scan again with the DLP and Attachment Defense modules */
	const char *brandtemplate;
	const char *securitypolicy;
	const char *deletedfolder;
	const char *targetfolder; /* required for move */
	const char *subject;
	pps_flag appendoldsubject; /* forward */
	const char *envelope_from; /* forward: the wire's "from" */
	const char *header_from;   /* forward: the wire's "headerfrom" */
	const char *to;		   /* required for forward, a comma list */
	const char *comment;
} pps_quarantine_action_req;

#define PPS_QUARANTINE_ACTION_REQ_INIT PPS__VERSIONED(PPS_QUARANTINE_ACTION_REQ_VERSION)
/* Empties a request for version (PPS_QUARANTINE_ACTION_REQ_VERSION); 0 or PPS_EUSAGE. */
PPS_EXTERN int pps_quarantine_action_req_init(pps_quarantine_action_req *req, unsigned int version);

/* On success (*out)->message holds the server's status text (or the documented fallback). */
PPS_EXTERN int pps_quarantine_action(pps_response **out, pps_client *client,
				     const pps_quarantine_action_req *req);

/*
 * /enduser/{id}: id is the email when given, else the uid. fields_json and attributes_json are
 * JSON object texts or NULL; the body is the keys of fields at top level plus "attributes".
 * A bad JSON text is PPS_EUSAGE and nothing is sent. The profile is (*out)->json and
 * (*out)->records a one-element array holding it (empty when the server sent no body).
 */
#define PPS_ENDUSER_REQ_VERSION 1
typedef struct pps_enduser_req {
	unsigned int version; /* PPS_ENDUSER_REQ_VERSION */
	const char *email;
	const char *uid;
	const char *fields_json;     /* create and modify */
	const char *attributes_json; /* create and modify */
} pps_enduser_req;

#define PPS_ENDUSER_REQ_INIT PPS__VERSIONED(PPS_ENDUSER_REQ_VERSION)
/* Empties a request for version (PPS_ENDUSER_REQ_VERSION); 0 or PPS_EUSAGE. */
PPS_EXTERN int pps_enduser_req_init(pps_enduser_req *req, unsigned int version);

PPS_EXTERN int pps_enduser_get(pps_response **out, pps_client *client, const pps_enduser_req *req);
/* Needs the email. */
PPS_EXTERN int pps_enduser_create(pps_response **out, pps_client *client,
				  const pps_enduser_req *req);
PPS_EXTERN int pps_enduser_modify(pps_response **out, pps_client *client,
				  const pps_enduser_req *req);
PPS_EXTERN int pps_enduser_delete(pps_response **out, pps_client *client,
				  const pps_enduser_req *req);

/* ---- Records: identity and time ---- */

/*
 * The identity of a record of op (PPS_OP_SMARTSEARCH: "GUID"; PPS_OP_QUARANTINE_SEARCH:
 * "localguid", else "guid"), borrowed from the record; NULL when it has none.
 */
PPS_EXTERN const char *pps_record_id(pps_op op, const struct json_t *record);
/*
 * The time of a record of op (Smart Search "Date", quarantine "date", either spelling the
 * server uses) in *out as seconds since the epoch. 0, or PPS_EPROTO when it has no readable time.
 */
PPS_EXTERN int pps_record_time(int64_t *out, pps_op op, const struct json_t *record);

/* ---- Walks: a whole window past the server's cap ---- */

/*
 * A server caps every answer and answers newest first, so a walk reads a window page by page,
 * each page ending at the oldest second of the one before (included), the records of that
 * second told apart by their identity: every record once, newest first.
 */

/* Called with each record of a walk or a follow, in order, and its time. Nonzero stops. */
typedef int (*pps_walk_record_fn)(void *ctx, struct json_t *record, int64_t t);

/* What a walk found, filled as it goes. */
typedef struct pps_walk_result {
	unsigned int version;
	size_t records;	     /* records given to the visitor */
	int64_t reached;     /* the time of the last (oldest) of them */
	int done;	     /* 1: the window was read to its end (or to the limit) */
	int overfull;	     /* 1: a second held more records than one answer returns */
	int64_t overfull_at; /* that second */
	int64_t newest;	     /* the newest record of any answer; INT64_MIN when none */
	int64_t server_time; /* the Date of the walk's first answer; -1 when none */
	int64_t local_time;  /* this machine's clock when that answer came */
} pps_walk_result;

#define PPS_WALK_RESULT_VERSION 1
#define PPS_WALK_RESULT_INIT	PPS__VERSIONED(PPS_WALK_RESULT_VERSION)

/*
 * Called after each page that gave records, once they were all given: position is where the
 * walk stands (NUL-terminated, valid for the call), to store and pass back as
 * pps_walk_options.position to resume. Nonzero stops the walk (PPS_ECANCELED).
 */
typedef int (*pps_walk_page_fn)(void *ctx, const char *position, const pps_walk_result *sofar);

typedef struct pps_walk_options {
	unsigned int version;
	/* The count asked per request; 0: the most the API takes (10000, quarantine 1000). */
	long page;
	/* The server's cap on an answer when known; 0: unknown (a crowded second is probed). */
	long server_cap;
	/* Stop after this many records in all; 0: none. */
	long limit;
	pps_walk_record_fn record; /* required */
	pps_walk_page_fn page_done;
	/* Optional: polled between pages; nonzero ends the walk (PPS_OK, result.done 0). */
	int (*stop)(void *ctx);
	void *ctx;
	/* A position page_done gave, to go on from there; NULL: the window from its newest end. */
	const char *position;
} pps_walk_options;

#define PPS_WALK_OPTIONS_VERSION 1
#define PPS_WALK_OPTIONS_INIT	 PPS__VERSIONED(PPS_WALK_OPTIONS_VERSION)
/* Sets opts to its defaults for a version (PPS_WALK_OPTIONS_VERSION). 0 or PPS_EUSAGE. */
PPS_EXTERN int pps_walk_options_init(pps_walk_options *opts, unsigned int version);
PPS_EXTERN int pps_walk_result_init(pps_walk_result *res, unsigned int version);

/*
 * Walks the window [req->from, req->to) (no to: up to now) newest first; req->count is
 * ignored (opts->page, opts->limit). Returns PPS_OK, PPS_EINCOMPLETE when a second was
 * crowded past the cap (res->overfull_at; every other record was given), PPS_ECANCELED when a
 * callback stopped it, PPS_EUSAGE for a position of another walk, or the failure of a request
 * (the detail in the client). res (optional) says how far it got.
 */
PPS_EXTERN int pps_smartsearch_walk(pps_client *client, const pps_smartsearch_req *req,
				    const pps_walk_options *opts, pps_walk_result *res);
/* The same for [req->startdate, req->enddate] of one folder; req->limit is ignored. */
PPS_EXTERN int pps_quarantine_walk(pps_client *client, const pps_quarantine_search_req *req,
				   const pps_walk_options *opts, pps_walk_result *res);

/* ---- Follows: new records as they appear ---- */

/* What a follow tells as it goes (the caller words it). */
typedef enum pps_follow_event_type {
	/* The server's clock is off this machine's by more than 5 s (once): skew, start_moved. */
	PPS_FOLLOW_CLOCK = 1,
	/* A second held more records than one answer returns (once per second): second, folder. */
	PPS_FOLLOW_OVERFULL,
	/* late records, indexed up to latest s late, past the overlap, were given this poll. */
	PPS_FOLLOW_LATE,
	/* A poll failed and the follow goes on trying (once per outage): code, detail in client. */
	PPS_FOLLOW_OUTAGE,
	/* The server answers again after an outage. */
	PPS_FOLLOW_RECOVERED
} pps_follow_event_type;

typedef struct pps_follow_event {
	unsigned int version;
	pps_follow_event_type type;
	int64_t skew;	    /* CLOCK: this machine's clock minus the server's, in seconds */
	int start_moved;    /* CLOCK: the start was moved onto the server's clock */
	int64_t second;	    /* OVERFULL */
	const char *folder; /* OVERFULL: the folder when several are followed, else NULL */
	unsigned long late; /* LATE */
	int64_t latest;	    /* LATE: seconds */
	int code;	    /* OUTAGE: the pps_code */
} pps_follow_event;

typedef struct pps_follow_options {
	unsigned int version;
	long interval; /* seconds between polls once caught up; 0: 30 */
	/* Seconds each poll reads again, for records indexed late; 0: 300; PPS_FOLLOW_NO_OVERLAP. */
	long overlap;
	long server_cap; /* as pps_walk_options.server_cap */
	/* Quarantine: the folders followed together; none: req->folder. */
	const char *const *folders;
	size_t nfolders;
	/* 1: the start counts back from now: it moves onto the server's clock once known. */
	int start_from_now;
	pps_walk_record_fn record; /* required: the new records of a poll, oldest first */
	/*
	 * Called after each poll whose records were all given: position (NUL-terminated, valid for
	 * the call) to store and pass back as position to resume. Nonzero stops (PPS_ECANCELED).
	 */
	int (*poll_done)(void *ctx, const char *position);
	void (*event)(void *ctx, const pps_follow_event *ev); /* optional */
	/* Optional: polled between polls and during the waits; nonzero ends the follow. */
	int (*stop)(void *ctx);
	void *ctx;
	/* A position poll_done gave; NULL: from the request's start. */
	const char *position;
} pps_follow_options;

/* pps_follow_options.overlap: read nothing again. */
#define PPS_FOLLOW_NO_OVERLAP	   (-1)
#define PPS_FOLLOW_OPTIONS_VERSION 1
#define PPS_FOLLOW_OPTIONS_INIT	   PPS__VERSIONED(PPS_FOLLOW_OPTIONS_VERSION)
PPS_EXTERN int pps_follow_options_init(pps_follow_options *opts, unsigned int version);

/*
 * Follows the search from req->from (Smart Search) or req->startdate (quarantine) on the
 * server's clock until stop says so: each poll reads the last overlap seconds again and now and
 * then a band past it, never gives a record twice nor one older than the start, and backs off
 * (up to 300 s) while the server fails. Returns PPS_OK when stopped, PPS_EINCOMPLETE when
 * stopped after an OVERFULL event, PPS_ECANCELED when a callback stopped it, PPS_EUSAGE for a
 * bad position, or the failure it cannot outlast (401, 403, 404, a refused request).
 */
PPS_EXTERN int pps_smartsearch_follow(pps_client *client, const pps_smartsearch_req *req,
				      const pps_follow_options *opts);
PPS_EXTERN int pps_quarantine_follow(pps_client *client, const pps_quarantine_search_req *req,
				     const pps_follow_options *opts);

/* ---- End users' safe and block lists: read, merge, write, verify ---- */

typedef enum pps_enduser_list {
	PPS_LIST_SAFELIST = 1, /* the profile's "safelist" */
	PPS_LIST_BLOCKLIST     /* the profile's "blocklist" */
} pps_enduser_list;

/*
 * A change of one user's list that loses nothing another admin wrote meanwhile: GET the
 * profile, merge (add the entries missing, remove those asked, keep every other entry in its
 * order), PUT the list alone, GET again and check that the entries added are there and those
 * removed are gone; then, settle_ms later, GET once more, since another writer that read
 * before our PUT may land after it. When the user changed under us (an entry of ours missing
 * or back), read, merge and write again after a short randomized pause, at most max_attempts
 * writes. The PUT has no condition on the wire (PPS offers none) and lastmodified counts only
 * seconds, so it is the lists that are compared. Entries are an address (user@example.com),
 * @domain or a domain (example.com), ASCII (an internationalized domain in its xn-- form).
 */
#define PPS_LIST_CHANGE_VERSION 1
typedef struct pps_list_change {
	unsigned int version; /* PPS_LIST_CHANGE_VERSION */
	const char *email;    /* the user: email, else uid */
	const char *uid;
	pps_enduser_list list;
	const char *const *add; /* entries to add (compared case-insensitively), may be NULL */
	size_t nadd;
	const char *const *remove; /* entries to remove, may be NULL */
	size_t nremove;
	/* 1: read and merge only; nothing is written (so too with a client's dry_run). */
	int dry_run;
	unsigned int max_attempts; /* 0: 5 */
	long settle_ms; /* the wait before the second verifying read; 0: 200 ms; -1: no such read */
	/*
	 * Optional: called just before each PUT with the list about to be written (lent); nonzero
	 * stops the change before that PUT leaves (PPS_ECANCELED). Then after_write once the PUT is
	 * answered or failed: code 0, or the pps_code of the PUT (PPS_EUNKNOWN: the answer lost).
	 */
	int (*before_write)(void *ctx, const struct json_t *list, unsigned int attempt);
	void (*after_write)(void *ctx, int code, long http_status, unsigned int attempt);
	void *ctx;
} pps_list_change;

#define PPS_LIST_CHANGE_INIT PPS__VERSIONED(PPS_LIST_CHANGE_VERSION)
PPS_EXTERN int pps_list_change_init(pps_list_change *change, unsigned int version);

/* What a list change did; its arrays belong to it (pps_list_result_free). */
typedef struct pps_list_result {
	unsigned int version;
	struct json_t *before;	/* the list as first read (array of strings) */
	struct json_t *after;	/* the list as last read after the write (as intended: dry_run) */
	struct json_t *added;	/* the entries asked to be added that were missing (strings) */
	struct json_t *removed; /* the entries asked to be removed that were there */
	struct json_t *present; /* the entries asked to be added that were there already */
	struct json_t *absent;	/* the entries asked to be removed that were not there */
	unsigned int attempts;	/* writes made (0 when nothing needed writing or dry_run) */
	int changed;		/* 1: a PUT was answered and the change verified */
} pps_list_result;

/*
 * Returns 0 (nothing to change is 0 with changed 0: only the GET was sent), PPS_EUSAGE for a
 * bad change (an entry PPS would not take), PPS_EUNKNOWN when a PUT's answer was lost and a
 * read after it does not show the change, PPS_ECANCELED when before_write said so, the
 * failure of a request, or PPS_ESERVER with the detail in the client when the list would not
 * settle in max_attempts. *out is set on success and on a failure after the first read.
 */
PPS_EXTERN int pps_enduser_list_change(pps_list_result **out, pps_client *client,
				       const pps_list_change *change);
PPS_EXTERN void pps_list_result_free(pps_list_result *result);

/*
 * Checks one entry as PPS takes it in a safe or block list: an address, @domain or domain.
 * 0, or PPS_EUSAGE with the reason (one line, no subject) in why (len bytes; may be NULL).
 */
PPS_EXTERN int pps_list_entry_check(const char *entry, char *why, size_t len);

/* ---- Inspecting a message: MIME, headers, hops, authentication, links, attachments ---- */

/*
 * The inspection of one RFC 5322 message: a jansson object with the members headers,
 * received, auth, body, urls, attachments and warnings, documented in docs/output.md
 * ("Inspection"). Hostile input is the normal case: the limits below bound the work, each one
 * reached is named in warnings, and a malformed message gives a result with warnings, never a
 * failure. Failures are PPS_EUSAGE (bad options), PPS_ENOMEM and PPS_ECANCELED.
 */
#define PPS_INSPECT_OPTIONS_VERSION 1
typedef struct pps_inspect_options {
	unsigned int version;	  /* PPS_INSPECT_OPTIONS_VERSION */
	unsigned int max_depth;	  /* MIME nesting (message/rfc822 included); 0: 64 */
	unsigned int max_parts;	  /* parts over the whole message; 0: 10000 */
	unsigned int max_headers; /* header fields per part; 0: 1000 */
	size_t max_message;	  /* bytes of the message read, the rest cut; 0: 64 MiB */
	size_t max_decoded;	  /* decoded bytes over all parts; 0: 256 MiB */
	size_t body_excerpt;	  /* bytes of body text kept; 0: 4096 */
	/*
	 * Optional: each attachment's decoded bytes, in pieces as they are decoded; then once more
	 * with data NULL, len 0 and meta its finished member of "attachments" (hashes included).
	 * index counts the attachments from 0. Nonzero stops the inspection (PPS_ECANCELED).
	 */
	int (*attachment)(void *ctx, size_t index, const void *data, size_t len,
			  const struct json_t *meta);
	void *ctx;
} pps_inspect_options;

#define PPS_INSPECT_OPTIONS_INIT PPS__VERSIONED(PPS_INSPECT_OPTIONS_VERSION)
PPS_EXTERN int pps_inspect_options_init(pps_inspect_options *opts, unsigned int version);

/* A message inspected as it arrives: feed its bytes, then finish. opts NULL: the defaults. */
typedef struct pps_inspector pps_inspector;
PPS_EXTERN int pps_inspector_new(pps_inspector **out, const pps_inspect_options *opts);
PPS_EXTERN int pps_inspector_feed(pps_inspector *inspector, const void *data, size_t len);
/* The result (owned by the caller: json_decref). The inspector is spent afterwards. */
PPS_EXTERN int pps_inspector_finish(struct json_t **out, pps_inspector *inspector);
PPS_EXTERN void pps_inspector_free(pps_inspector *inspector);

/* One message in memory. */
PPS_EXTERN int pps_inspect_buffer(struct json_t **out, const void *data, size_t len,
				  const pps_inspect_options *opts);
/* GET /quarantine?guid=G streamed into an inspector (nothing written to disk). */
PPS_EXTERN int pps_quarantine_inspect(struct json_t **out, pps_client *client, const char *guid,
				      const pps_inspect_options *opts);
/*
 * A Proofpoint URL Defense link (v1 and v2 urldefense.proofpoint.com, v3 urldefense.com) as
 * the URL it wraps, in *out (malloc'd); 1 when url was such a link, 0 (and *out NULL) when not.
 */
PPS_EXTERN int pps_urldefense_decode(char **out, const char *url);

#ifdef __cplusplus
}
#endif

#endif
