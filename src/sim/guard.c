/*
 * Address-keyed guards (guard.h): token buckets of new connections and windows of failed
 * logins, in two fixed tables. A key's slot is found by a salted hash and a short probe, so a
 * client cannot aim its keys at another's slot to push that one out.
 */
#include "sim/guard.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "util/banned.h"

#define SLOTS	   4096
#define PROBE	   8
#define KEY_LEN	   200
#define FIRST_MS   250
#define MAX_MS	   4000 /* the spacing of checks, past the limit: 250 ms doubling to 4 s */
#define ADDR_TIMES 10	/* an address may fail this many times the limit, over all accounts */

struct slot {
	char key[KEY_LEN]; /* "" unused */
	double a;	   /* accept: tokens; login: failures */
	double b;	   /* accept: time of the last refill; login: start of the window */
	double c;	   /* login: no check before this time */
};

struct sim_guard {
	pthread_mutex_t mu;
	unsigned login_limit;
	double rate, burst;
	uint64_t salt;
	struct slot accepts[SLOTS];
	struct slot logins[SLOTS];
};

sim_guard *sim_guard_new(unsigned login_limit, unsigned accept_rate)
{
	sim_guard *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	if (getrandom(&g->salt, sizeof(g->salt), 0) != (ssize_t)sizeof(g->salt))
		g->salt = (uint64_t)time(NULL) * 6364136223846793005u ^ (uint64_t)getpid();
	g->login_limit = login_limit;
	g->rate = accept_rate;
	g->burst = 2.0 * accept_rate;
	pthread_mutex_init(&g->mu, NULL);
	return g;
}

void sim_guard_free(sim_guard *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->mu);
	free(g);
}

static uint64_t hash(const sim_guard *g, const char *key)
{
	uint64_t h = 1469598103934665603u ^ g->salt;

	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211u;
	return h ^ (h >> 29);
}

/*
 * The slot of key in table: its own, else a free or stale one (stale(slot) true), else the one
 * with the oldest b, which is taken over. *fresh says the slot was not key's. Lock held.
 */
static struct slot *find(sim_guard *g, struct slot *table, const char *key,
			 int (*stale)(const struct slot *, double), double now, int *fresh)
{
	uint64_t h = hash(g, key);
	struct slot *pick = NULL;

	for (unsigned i = 0; i < PROBE; i++) {
		struct slot *s = &table[(h + i) % SLOTS];

		if (strcmp(s->key, key) == 0) {
			*fresh = 0;
			return s;
		}
		if (!pick || (pick->key[0] && (!s->key[0] || stale(s, now) || s->b < pick->b)))
			pick = s;
	}
	*fresh = 1;
	snprintf(pick->key, sizeof(pick->key), "%s", key);
	return pick;
}

static int accept_stale(const struct slot *s, double now)
{
	(void)s;
	(void)now;
	return 0; /* the oldest refill goes first */
}

int sim_guard_accept(sim_guard *g, const char *addr, double now)
{
	struct slot *s;
	int fresh, ok;

	if (!g || g->rate <= 0)
		return 1;
	pthread_mutex_lock(&g->mu);
	s = find(g, g->accepts, addr, accept_stale, now, &fresh);
	if (fresh) {
		s->a = g->burst;
	} else {
		s->a += (now - s->b) * g->rate;
		if (s->a > g->burst)
			s->a = g->burst;
	}
	s->b = now;
	ok = s->a >= 1.0;
	if (ok)
		s->a -= 1.0;
	pthread_mutex_unlock(&g->mu);
	return ok;
}

static int login_stale(const struct slot *s, double now)
{
	return now - s->b >= SIM_GUARD_WINDOW;
}

/* key's slot in the login table, or NULL; never takes one. Lock held. */
static struct slot *lookup(sim_guard *g, const char *key)
{
	uint64_t h = hash(g, key);

	for (unsigned i = 0; i < PROBE; i++) {
		struct slot *s = &g->logins[(h + i) % SLOTS];

		if (strcmp(s->key, key) == 0)
			return s;
	}
	return NULL;
}

/* key's slot in the current window, taken (and emptied) when it has none. Lock held. */
static struct slot *login_slot(sim_guard *g, const char *key, double now)
{
	int fresh;
	struct slot *s = find(g, g->logins, key, login_stale, now, &fresh);

	if (fresh || login_stale(s, now)) {
		s->a = 0;
		s->b = now;
		s->c = 0;
	}
	return s;
}

/* The spacing in ms after the fails-th failure against limit: none up to the limit, then
 * doubling from 250 ms up to 4 s. */
static long spacing_ms(double fails, double limit)
{
	long ms = FIRST_MS;

	if (fails <= limit)
		return 0;
	for (double i = limit + 1; i < fails && ms < MAX_MS; i++)
		ms *= 2;
	return ms < MAX_MS ? ms : MAX_MS;
}

/* "p:ADDR USER", "i:ADDR", "a:USER" (a user name is cut to fit; it only picks a slot). */
static void key_pair(char *out, const char *addr, const char *user)
{
	snprintf(out, KEY_LEN, "p:%.60s %.130s", addr, user);
}

static void key_addr(char *out, const char *addr)
{
	snprintf(out, KEY_LEN, "i:%.60s", addr);
}

static void key_user(char *out, const char *user)
{
	snprintf(out, KEY_LEN, "a:%.190s", user);
}

/* Seconds (at least 1) until key's next check, 0 when it may be checked now. Lock held. */
static long must_wait(sim_guard *g, const char *key, double now)
{
	const struct slot *s = lookup(g, key);

	if (!s || login_stale(s, now) || now >= s->c)
		return 0;
	return (long)(s->c - now) + 1;
}

/* Counts an attempt against key and sets when the next may be checked. Lock held. */
static void count(sim_guard *g, const char *key, double limit, double now)
{
	struct slot *s = login_slot(g, key, now);

	s->a++;
	s->c = now + (double)spacing_ms(s->a, limit) / 1e3;
}

long sim_guard_login_begin(sim_guard *g, const char *addr, const char *user, double now)
{
	char pair[KEY_LEN], ip[KEY_LEN];
	long wait, w;

	if (!g || !g->login_limit)
		return 0;
	key_pair(pair, addr, user);
	key_addr(ip, addr);
	pthread_mutex_lock(&g->mu);
	wait = must_wait(g, pair, now);
	if ((w = must_wait(g, ip, now)) > wait)
		wait = w;
	if (!wait) {
		/* Counted as failed until it succeeds: checks running side by side cannot pass
		 * the spacing together. */
		count(g, pair, g->login_limit, now);
		count(g, ip, (double)g->login_limit * ADDR_TIMES, now);
	}
	pthread_mutex_unlock(&g->mu);
	return wait;
}

long sim_guard_login_failed(sim_guard *g, const char *user, double now)
{
	char key[KEY_LEN];
	double fails;

	if (!g || !g->login_limit)
		return 0;
	key_user(key, user);
	pthread_mutex_lock(&g->mu);
	fails = ++login_slot(g, key, now)->a;
	pthread_mutex_unlock(&g->mu);
	return spacing_ms(fails, g->login_limit);
}

/* Takes one attempt off key's count (and its spacing), if it has a slot. Lock held. */
static void uncount(sim_guard *g, const char *key)
{
	struct slot *s = lookup(g, key);

	if (s && s->a >= 1) {
		s->a--;
		s->c = 0;
	}
}

void sim_guard_login_cancel(sim_guard *g, const char *addr, const char *user)
{
	char key[KEY_LEN];

	if (!g || !g->login_limit)
		return;
	pthread_mutex_lock(&g->mu);
	key_pair(key, addr, user);
	uncount(g, key);
	key_addr(key, addr);
	uncount(g, key);
	pthread_mutex_unlock(&g->mu);
}

void sim_guard_login_ok(sim_guard *g, const char *addr, const char *user)
{
	char key[KEY_LEN];
	struct slot *s;

	if (!g || !g->login_limit)
		return;
	pthread_mutex_lock(&g->mu);
	key_pair(key, addr, user);
	if ((s = lookup(g, key)))
		s->a = s->c = 0;
	key_user(key, user);
	if ((s = lookup(g, key)))
		s->a = s->c = 0;
	/* The address's count keeps its failures, not this success. */
	key_addr(key, addr);
	uncount(g, key);
	pthread_mutex_unlock(&g->mu);
}
