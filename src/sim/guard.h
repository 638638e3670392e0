/*
 * pps-sim's guards keyed by a client's address: how fast one address may open connections,
 * and how many failed logins an address, an account and the two together may have in a minute.
 * Pure bookkeeping under one mutex; no libmicrohttpd, no clock of its own (the caller passes
 * the time), so that the rules can be tested alone.
 */
#ifndef PPS_SIM_GUARD_H
#define PPS_SIM_GUARD_H

/* The counting window of failed logins, in seconds. */
#define SIM_GUARD_WINDOW 60

typedef struct sim_guard sim_guard;

/*
 * login_limit: failed logins a window for one address and account together, and for one
 * account from anywhere; ten times that for one address; 0 turns the login rules off.
 * accept_rate: new connections a second from one address, with bursts of twice that; 0 turns
 * it off. NULL when out of memory.
 */
sim_guard *sim_guard_new(unsigned login_limit, unsigned accept_rate);
void sim_guard_free(sim_guard *g);

/* Times are seconds on one monotonic clock, any origin. */

/* A connection from addr at time now: 1 let in, 0 refused. */
int sim_guard_accept(sim_guard *g, const char *addr, double now);

/*
 * Before the password of user from addr is checked: 0 to check it, or the seconds to wait
 * (then the password must not be checked at all). Past the limit of failures (of addr with
 * user, or of addr alone), checks are spaced, 250 ms after the first failure past it, doubling
 * up to 4 s: however many connections guess side by side, no more passwords are checked than
 * that. An attempt let through counts as a failure until sim_guard_login_ok or _cancel says
 * otherwise, so checks running side by side cannot pass the spacing together.
 */
long sim_guard_login_begin(sim_guard *g, const char *addr, const char *user, double now);

/* The check failed: counts it against user from anywhere; the delay in ms before its 401
 * (past the limit, doubling from 250 ms up to 4 s); 0 none. */
long sim_guard_login_failed(sim_guard *g, const char *user, double now);

/* The check succeeded: forgets the failures of user (from addr and in all) and takes this
 * attempt off addr's count. */
void sim_guard_login_ok(sim_guard *g, const char *addr, const char *user);

/* The check could not be made (the store failed): the attempt is not counted. */
void sim_guard_login_cancel(sim_guard *g, const char *addr, const char *user);

#endif
