/*
 * The live mail flow (--flow) and POST /rest/v1/sim/messages. The flow adds messages with the
 * seed's distributions every tick, in one transaction per tick, dated by the server's clock;
 * with --flow-late a share of them is held back and indexed a while after its date, as a busy
 * PPS indexes late. No SQL here.
 */
#include "sim/flow.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "sim/clock.h"
#include "sim/fixture.h"
#include "sim/seed.h"
#include "sim/sim.h"

#include "util/banned.h"

#define TICK_MS 100
#define SEQ_KEY "flow_seq"

/* A message dated at t, held back until it is indexed late. */
struct late {
	int64_t t;
	long seq;
};

struct sim_flow {
	sim_store *st;
	double per_tick;
	double late_share; /* 0..1 of the messages indexed late_s seconds after their date */
	long late_s;
	struct late *held; /* oldest first; [held_head, held_n) are waiting */
	size_t held_head, held_n, held_alloc;
	sim_live *live;
	uint64_t rnd; /* for the number of messages per tick */
	long seq;     /* live messages added so far, ever (kept in the store's meta) */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stopping;
};

static double uniform(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

/* Messages in the next tick: Poisson with the tick's mean, so that some ticks bring several. */
static long draw_count(sim_flow *fl)
{
	double lambda = fl->per_tick, p = 1.0, limit;
	long k = 0;

	if (lambda > 30)
		return (long)(lambda + sqrt(lambda) * (uniform(&fl->rnd) * 2 - 1) + 0.5);
	limit = exp(-lambda);
	do {
		k++;
		p *= uniform(&fl->rnd);
	} while (p > limit);
	return k - 1;
}

/* Holds a message back for late indexing. 0, or -1 out of memory. */
static int hold(sim_flow *fl, int64_t t, long seq)
{
	if (fl->held_head > 0 && fl->held_head == fl->held_n)
		fl->held_head = fl->held_n = 0;
	if (fl->held_n == fl->held_alloc) {
		size_t na = fl->held_alloc ? fl->held_alloc * 2 : 256;
		struct late *nv;

		if (fl->held_head > 0) {
			/* Move the waiting ones to the front before growing. */
			memmove(fl->held, fl->held + fl->held_head,
				(fl->held_n - fl->held_head) * sizeof(*fl->held));
			fl->held_n -= fl->held_head;
			fl->held_head = 0;
		}
		if (fl->held_n == fl->held_alloc) {
			nv = realloc(fl->held, na * sizeof(*nv));
			if (!nv)
				return -1;
			fl->held = nv;
			fl->held_alloc = na;
		}
	}
	fl->held[fl->held_n].t = t;
	fl->held[fl->held_n].seq = seq;
	fl->held_n++;
	return 0;
}

static int tick(sim_flow *fl)
{
	long n = draw_count(fl);
	char seq[32];
	int64_t now = sim_clock_now();
	size_t head = fl->held_head;

	if (n <= 0 && (head == fl->held_n || fl->held[head].t + fl->late_s > now))
		return 0;
	if (n < 0)
		n = 0;
	if (sim_store_begin(fl->st) < 0)
		return -1;
	/* The late ones whose time has come, then this tick's own. */
	for (; head < fl->held_n && fl->held[head].t + fl->late_s <= now; head++)
		if (sim_live_add(fl->live, fl->held[head].t, fl->held[head].seq) < 0)
			goto fail;
	fl->held_head = head; /* hold() below may move what waits */
	for (long i = 0; i < n; i++) {
		if (fl->late_share > 0 && uniform(&fl->rnd) < fl->late_share) {
			if (hold(fl, now, fl->seq + i) < 0)
				goto fail;
		} else if (sim_live_add(fl->live, now, fl->seq + i) < 0) {
			goto fail;
		}
	}
	snprintf(seq, sizeof(seq), "%ld", fl->seq + n);
	if (sim_store_set_meta(fl->st, SEQ_KEY, seq) < 0 || sim_store_commit(fl->st) < 0)
		goto fail;
	fl->seq += n;
	return 0;
fail:
	sim_store_rollback(fl->st);
	return -1;
}

static void *run(void *arg)
{
	sim_flow *fl = arg;
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	pthread_mutex_lock(&fl->lock);
	while (!fl->stopping) {
		until.tv_nsec += TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!fl->stopping &&
		       pthread_cond_timedwait(&fl->cond, &fl->lock, &until) != ETIMEDOUT)
			;
		if (fl->stopping)
			break;
		pthread_mutex_unlock(&fl->lock);
		if (tick(fl) < 0)
			fprintf(stderr,
				"pps-sim: flow: cannot add messages (the store is busy?)\n");
		pthread_mutex_lock(&fl->lock);
	}
	pthread_mutex_unlock(&fl->lock);
	return NULL;
}

static void flow_free(sim_flow *fl)
{
	sim_live_free(fl->live);
	free(fl->held);
	pthread_cond_destroy(&fl->cond);
	pthread_mutex_destroy(&fl->lock);
	free(fl);
}

int sim_flow_start(sim_flow **out, sim_store *st, const sim_flow_config *cfg, char *err,
		   size_t errlen)
{
	sim_flow *fl = calloc(1, sizeof(*fl));
	pthread_condattr_t attr;
	char have[32], seeded[32];
	struct timespec ts;

	*out = NULL;
	if (!fl) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&fl->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&fl->cond, &attr);
	pthread_condattr_destroy(&attr);
	fl->st = st;
	fl->per_tick = (double)cfg->per_second * TICK_MS / 1000.0;
	fl->late_share = (double)cfg->late_percent / 100.0;
	fl->late_s = cfg->late_seconds;
	clock_gettime(CLOCK_REALTIME, &ts);
	fl->rnd = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
	if (sim_store_get_meta(st, SEQ_KEY, have, sizeof(have)) < 0 ||
	    sim_store_get_meta(st, "seed", seeded, sizeof(seeded)) < 0) {
		snprintf(err, errlen, "flow: cannot read the store");
		goto fail;
	}
	fl->seq = strtol(have, NULL, 10);
	fl->live = sim_live_new(st, strtol(seeded, NULL, 10), fl->rnd * 0x2545F4914F6CDD1DULL);
	if (!fl->live) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (sim_store_begin(st) < 0 || sim_live_folders(st) < 0 || sim_store_commit(st) < 0) {
		sim_store_rollback(st);
		snprintf(err, errlen, "flow: cannot add the quarantine folders");
		goto fail;
	}
	if (pthread_create(&fl->thread, NULL, run, fl) != 0) {
		snprintf(err, errlen, "flow: cannot start a thread");
		goto fail;
	}
	*out = fl;
	return 0;
fail:
	flow_free(fl);
	return -1;
}

void sim_flow_stop(sim_flow *fl)
{
	if (!fl)
		return;
	pthread_mutex_lock(&fl->lock);
	fl->stopping = 1;
	pthread_cond_broadcast(&fl->cond);
	pthread_mutex_unlock(&fl->lock);
	pthread_join(fl->thread, NULL);
	flow_free(fl);
}

/*
 * POST /rest/v1/sim/messages: a fixture document (docs/sim-fixture.md) without "accounts";
 * all of it is added or nothing. 200 {"added":{"messages":N,"quarantine":N,...}}.
 */
void route_sim_messages_post(const sim_request *req, sim_response *resp)
{
	static const char *const sections[] = { "folders", "messages", "quarantine", "users" };
	char err[512];
	json_t *body = json_loadb(req->body ? req->body : "", req->body_len, 0, NULL), *added;

	if (!json_is_object(body)) {
		json_decref(body);
		sim_respond_error(resp, 400, "invalid JSON body: expected a fixture object");
		return;
	}
	if (sim_fixture_inject(req->ctx->store, req->body, req->body_len, err, sizeof(err)) < 0) {
		json_decref(body);
		sim_respond_error(resp, 400, "%s", err);
		return;
	}
	added = json_object();
	for (size_t i = 0; added && i < sizeof(sections) / sizeof(sections[0]); i++)
		json_object_set_new(added, sections[i],
				    json_integer((json_int_t)json_array_size(
					    json_object_get(body, sections[i]))));
	json_decref(body);
	sim_respond_json(resp, 200, json_pack("{s:o}", "added", added));
}
