/* Deterministic synthetic mail flow for pps-sim --seed N. */
#ifndef PPS_SIM_SEED_H
#define PPS_SIM_SEED_H

#include <stddef.h>
#include <stdint.h>

#include "sim/store.h"

/*
 * Adds n messages spread over the 7 days before now (epoch seconds), a quarantined share with
 * RFC 5322 bodies in folders of several module types, and a few hundred end users. The same n
 * gives the same data (dates relative to now). A store already seeded with n is left as it is.
 * Returns 0, or -1 with a one-line reason in err.
 */
int sim_seed(sim_store *st, long n, int64_t now, char *err, size_t errlen);

/*
 * Writes count messages of the seed seed (dates spread over the 7 days before now), every one
 * as the quarantine's raw text would be, to DIR/000000.eml and on (DIR made when missing).
 * Returns 0, or -1 with a one-line reason in err.
 */
int sim_seed_corpus(const char *dir, long seed, long count, int64_t now, char *err, size_t errlen);

/*
 * A live mail flow (--flow): messages with the seed's distributions dated as the caller says.
 * Not thread-safe; one per thread.
 */
typedef struct sim_live sim_live;

/* A generator with the people of the seed n (0: none seeded) drawing from seed; NULL when out
 * of memory. */
sim_live *sim_live_new(sim_store *st, long n, uint64_t seed);
void sim_live_free(sim_live *lv);
/* Adds the seed's quarantine folders (when missing) so that live messages can be filed. */
int sim_live_folders(sim_store *st);
/* Adds one message dated epoch; seq numbers it among every live message ever added (its
 * localguid is made from it). 0 or -1. */
int sim_live_add(sim_live *lv, int64_t epoch, long seq);

#endif
