/*
 * pps-sim --faults: the fault specification, its parser, and the seeded per-request draws.
 * Pure: no libmicrohttpd, no I/O; server.c applies what a draw decides.
 */
#ifndef PPS_SIM_FAULTS_H
#define PPS_SIM_FAULTS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* What --faults SPEC asks for. Shares are probabilities in [0, 1]. */
typedef struct sim_fault_spec {
	long latency_ms;       /* latency=300ms[:share], also "2s" or a plain number of ms */
	double latency_share;  /* 1 when no share is given */
	double error_share;    /* error=share[:status] */
	int error_status;      /* 5xx, default 500 */
	double throttle_share; /* throttle=share[:seconds]: 429 with Retry-After */
	long throttle_retry_after;
	double reset_share;    /* reset=share: the connection is closed mid-body */
	double truncate_share; /* truncate=share: a complete response with half the body */
	double garbage_share;  /* garbage=share: 200 with a malformed JSON body */
	double html_share;     /* html=share: 502 with an HTML page */
	double ctype_share;    /* ctype=share: the right body as text/html */
	long authfail_after;   /* authfail_after=N: requests after the N-th answer 401; -1 off */
	/*
	 * interleave=share: after a GET of /enduser/X, the next PUT of X that draws it has another
	 * admin, who read X at the same moment, write X's lists right after it: the lists that PUT
	 * carried become the ones it replaced plus other-admin-N@example.net.
	 */
	double interleave_share;
	uint64_t seed; /* seed=N, default 1 */
} sim_fault_spec;

/* What happens to one request before its handler runs. */
enum sim_fault_before {
	SIM_FAULT_PASS = 0,
	SIM_FAULT_ERROR,    /* answer error_status */
	SIM_FAULT_THROTTLE, /* answer 429 with Retry-After */
	SIM_FAULT_AUTHFAIL, /* answer 401 */
};

/* What happens to the handler's response. */
enum sim_fault_after {
	SIM_FAULT_KEEP = 0,
	SIM_FAULT_RESET,
	SIM_FAULT_TRUNCATE,
	SIM_FAULT_GARBAGE,
	SIM_FAULT_HTML,
	SIM_FAULT_CTYPE,
};

/* The decision for one request. */
typedef struct sim_fault_draw {
	long latency_ms; /* 0: no delay */
	enum sim_fault_before before;
	enum sim_fault_after after;
	unsigned long request; /* 1 for the first faulted request */
	int interleave;	       /* a PUT of an end user read before meets another admin's write */
} sim_fault_draw;

/* The spec plus the PRNG and the request counter, shared by the server threads. */
typedef struct sim_faults {
	sim_fault_spec spec;
	pthread_mutex_t lock;
	uint64_t state;
	unsigned long requests;
	/* The users a GET armed for the interleave fault (their ids as requested), a ring. */
	char *armed[64];
	size_t next_armed;
	unsigned long interleaves; /* N of the last other-admin-N written */
} sim_faults;

/* A spec that injects nothing (seed 1, authfail_after -1). */
void sim_fault_spec_init(sim_fault_spec *spec);

/*
 * Parses a comma list of name=value items into *out (initialized first). An empty spec is
 * valid and injects nothing. Returns 0, or -1 with a one-line reason naming the bad item in err.
 */
int sim_fault_spec_parse(sim_fault_spec *out, const char *spec, char *err, size_t errlen);

/* 1 when the spec injects anything at all. */
int sim_fault_spec_active(const sim_fault_spec *spec);

/* Copies spec and seeds the PRNG; release with sim_faults_release. Returns 0 or -1. */
int sim_faults_init(sim_faults *f, const sim_fault_spec *spec);
void sim_faults_release(sim_faults *f);

/*
 * Draws the decision for the next request. Every request consumes the same number of draws
 * whatever their outcome, so one client's run is repeatable for a given seed. Thread-safe.
 */
void sim_faults_draw(sim_faults *f, sim_fault_draw *out);

/* Arms the interleave fault for the user id (after a GET of it). Thread-safe. */
void sim_faults_arm(sim_faults *f, const char *user);
/*
 * For a PUT of user: disarms it and, when it was armed and fire (the PUT's draw) is set,
 * returns N (1, 2, ...) of the other admin's entry other-admin-N@example.net; else 0.
 * Thread-safe.
 */
unsigned long sim_faults_take(sim_faults *f, const char *user, int fire);

#endif
