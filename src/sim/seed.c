/*
 * pps-sim --seed N and --flow: the seed's run in one transaction (folders, end users, messages)
 * and the live generator. The data is made in seed_message.c and seed_people.c; no SQL here.
 */
#include "sim/seed.h"
#include "sim/seed_gen.h"
#include "sim/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

/* Whether the store was seeded: 0 with the same n (want), -1 with another one or when it cannot
 * be read (the reason in err), 1 when it was not. */
static int seeded_before(sim_store *st, const char *want, char *err, size_t errlen)
{
	char have[64];

	if (sim_store_get_meta(st, "seed", have, sizeof(have))) {
		snprintf(err, errlen, "seed: cannot read the store");
		return -1;
	}
	if (!*have)
		return 1;
	if (strcmp(have, want) == 0)
		return 0;
	snprintf(err, errlen,
		 "seed: the store was seeded with %s, not %s: use another state directory", have,
		 want);
	return -1;
}

static int add_folders(sim_store *st, char *err, size_t errlen)
{
	for (size_t f = 0; f < SIM_SEED_NFOLDERS; f++) {
		if (sim_store_put_folder(st, sim_seed_folders[f].name, sim_seed_folders[f].type)) {
			snprintf(err, errlen, "seed: cannot add folder '%s'",
				 sim_seed_folders[f].name);
			return -1;
		}
	}
	return 0;
}

int sim_seed(sim_store *st, long n, int64_t now, char *err, size_t errlen)
{
	struct seeder *sd = NULL;
	char want[32];
	int in_tx = 0, rc;

	if (n < 0) {
		snprintf(err, errlen, "seed: invalid count %ld: expected 0 or more", n);
		return -1;
	}
	snprintf(want, sizeof(want), "%ld", n);
	rc = seeded_before(st, want, err, errlen);
	if (rc <= 0)
		return rc;
	rc = -1;
	sd = sim_seeder_new(st, n, now);
	if (!sd) {
		snprintf(err, errlen, "seed: out of memory");
		return -1;
	}
	if (sim_store_begin_seed(st)) {
		snprintf(err, errlen, "seed: cannot begin a store transaction");
		goto done;
	}
	in_tx = 1;
	if (add_folders(st, err, errlen))
		goto done;
	if (sim_seeder_users(sd)) {
		snprintf(err, errlen, "seed: cannot add the end users");
		goto done;
	}
	if (sim_seeder_run(sd, sim_seeder_add, sim_seeder_build_mail) < 0) {
		snprintf(err, errlen, "seed: cannot add the messages");
		goto done;
	}
	if (sim_store_set_meta(st, "seed", want) || sim_store_commit(st)) {
		snprintf(err, errlen, "seed: cannot commit the seeded data");
		goto done;
	}
	in_tx = 0;
	rc = 0;
done:
	if (in_tx)
		sim_store_rollback(st);
	sim_seeder_free(sd);
	return rc;
}

struct sim_live {
	struct seeder *sd;
};

sim_live *sim_live_new(sim_store *st, long n, uint64_t seed)
{
	sim_live *lv = calloc(1, sizeof(*lv));

	if (!lv)
		return NULL;
	/* The pools of names and addresses of the seed n, so that the same people get mail. */
	lv->sd = sim_seeder_new(st, n > 0 ? n : 1, 0);
	if (!lv->sd) {
		free(lv);
		return NULL;
	}
	lv->sd->live = 1;
	lv->sd->r.s = seed;
	return lv;
}

void sim_live_free(sim_live *lv)
{
	if (!lv)
		return;
	sim_seeder_free(lv->sd);
	free(lv);
}

int sim_live_folders(sim_store *st)
{
	for (size_t f = 0; f < SIM_SEED_NFOLDERS; f++)
		if (sim_store_put_folder(st, sim_seed_folders[f].name, sim_seed_folders[f].type))
			return -1;
	return 0;
}

int sim_live_add(sim_live *lv, int64_t epoch, long seq)
{
	lv->sd->now = epoch;
	return sim_seeder_add(lv->sd, seq, 0, epoch);
}
