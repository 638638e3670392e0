/* Loads a JSON fixture (docs/sim-fixture.md) into the store. */
#ifndef PPS_SIM_FIXTURE_H
#define PPS_SIM_FIXTURE_H

#include <stddef.h>

#include "sim/store.h"

/*
 * Loads the fixture file at path into st in one transaction: all of it or nothing.
 * Returns 0, or -1 with a one-line reason (naming the file and the bad entry) in err.
 */
int sim_fixture_load(sim_store *st, const char *path, char *err, size_t errlen);

/* The same from a text in memory (for tests and fuzzing); name is used in messages. */
int sim_fixture_load_text(sim_store *st, const char *text, size_t len, const char *name, char *err,
			  size_t errlen);

/* The same for POST /rest/v1/sim/messages: a fixture text without "accounts"; name "body". */
int sim_fixture_inject(sim_store *st, const char *text, size_t len, char *err, size_t errlen);

#endif
