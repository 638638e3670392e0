/*
 * pps-sim's HTTP(S) server: the libmicrohttpd daemon, the route table, Basic auth and managed
 * modules, body limits and injected faults. Its files (server*.c) are the only users of
 * libmicrohttpd; this header shows none of it.
 */
#ifndef PPS_SIM_SERVER_H
#define PPS_SIM_SERVER_H

#include <stddef.h>
#include <sys/socket.h>

#include "sim/faults.h"
#include "sim/sim.h"

/* The largest request body accepted; a larger one answers 413. */
#define SIM_MAX_BODY (1024u * 1024u)

typedef struct sim_server sim_server;

typedef struct sim_server_config {
	struct sockaddr *addr;	      /* AF_INET or AF_INET6; port 0 picks a free one */
	int listen_fd;		      /* a socket already bound to addr and listening, or -1 */
	char *cert_pem;		      /* NULL: plain HTTP */
	char *key_pem;		      /* with cert_pem */
	unsigned threads;	      /* size of the thread pool, at least 1 */
	unsigned timeout_secs;	      /* idle connections are closed after this */
	int verbose;		      /* one log line per request on stderr */
	unsigned max_connections;     /* 0: 3000; the fd limit must allow for them */
	unsigned deadline_secs;	      /* a request's head and body must arrive within; 0: 15 */
	unsigned head_secs;	      /* a request's head must arrive within; 0: 5 (at most
					 deadline_secs) */
	unsigned max_per_address;     /* connections from one address at once; 0: no limit */
	unsigned accept_rate;	      /* new connections a second from one address (bursts of
					 twice that); 0: no limit */
	unsigned login_throttle;      /* failed logins per address and account a minute before
					 the password is no longer checked (ten times that per
					 address; per account from anywhere, the 401s are
					 delayed); 0: off */
	const sim_fault_spec *faults; /* NULL or an inactive spec: no faults */
	sim_ctx *ctx;		      /* borrowed; must outlive the server */
} sim_server_config;

/*
 * Binds and starts serving (libmicrohttpd's options take the pointers as non-const; they are
 * only read), serving in the daemon's own threads. Returns 0 and *out, or -1 with a
 * one-line reason in err. Signals should be blocked in the calling thread beforehand so that
 * the server's threads inherit the mask.
 */
int sim_server_start(sim_server **out, const sim_server_config *cfg, char *err, size_t errlen);

/* The port actually bound. */
unsigned sim_server_port(const sim_server *srv);

/* Stops serving, waits for the threads and frees the server. Accepts NULL. */
void sim_server_stop(sim_server *srv);

#endif
