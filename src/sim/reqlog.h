/*
 * pps-sim's request log: the last requests it answered, as received (raw path, raw query
 * string, body text), for tests that check what a client sent. Never the Authorization header;
 * the values of query parameters and JSON keys (at any depth) whose names suggest a secret
 * (password, passwd, pwd, secret, token, key, auth, credential..., in any case, after
 * percent-decoding) are replaced, and a body that is not JSON but mentions one is replaced
 * whole.
 */
#ifndef PPS_SIM_REQLOG_H
#define PPS_SIM_REQLOG_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim_reqlog sim_reqlog;

/* A log of the last cap requests (and at most SIM_REQLOG_MAX_BYTES of text); NULL when out of
 * memory. */
sim_reqlog *sim_reqlog_new(size_t cap);
void sim_reqlog_free(sim_reqlog *log);

#define SIM_REQLOG_MAX_BYTES (64u * 1024u * 1024u)

/* One answered request; everything is copied. query NULL: the target had no '?'. body NULL:
 * no body. account NULL: not authenticated. */
typedef struct sim_reqlog_entry {
	const char *account;
	const char *method;
	const char *path;
	const char *query;
	const char *body;
	size_t body_len;
	int status;
} sim_reqlog_entry;

void sim_reqlog_add(sim_reqlog *log, const sim_reqlog_entry *e);

#endif
