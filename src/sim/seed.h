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

#endif
