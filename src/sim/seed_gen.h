/*
 * What the seed's files share (seed.c, seed_people.c, seed_message.c, seed_text.c and
 * seed_batch.c): the generator's state, its PRNG and their entry points. Not for the rest of the
 * emulator.
 */
#ifndef PPS_SIM_SEED_GEN_H
#define PPS_SIM_SEED_GEN_H

#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "sim/record.h"
#include "sim/seed_words.h"
#include "sim/store.h"
#include "util/buf.h"

#define SEED_DOMAINS 200
#define SEED_SENDERS 3000
#define SEED_USERS   300
#define SEED_DEMO    8 /* quarantined messages for the demo in the last 24 hours */
#define SEED_WINDOW  (7 * 86400)
#define INTERNAL     "example.com"

/* SplitMix64: small, fast, and the same stream on every platform for the same n. */
typedef struct rng {
	uint64_t s;
} rng;

static inline uint64_t rng_next(rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* A number below n. */
static inline uint32_t below(rng *r, uint32_t n)
{
	return (uint32_t)((rng_next(r) >> 32) * n >> 32);
}

/* A word of a sim_wordlist. */
#define PICK(r, list) ((list).w[below((r), (uint32_t)(list).n)])

/* What happens to a message. */
enum kind { K_HAM, K_CONTINUE, K_RETRY, K_REJECT, K_REDIRECT, K_SPAM, K_PHISH, K_VIRUS, K_DLP };

/* The domain of an address (the address when it has no @). */
static inline const char *domain_of(const char *addr)
{
	const char *at = strchr(addr, '@');

	return at ? at + 1 : addr;
}

struct sim_seed_batch;
struct sim_mail;

/* Prebuilt pools and the reusable record: one allocation set for the whole run. */
struct seeder {
	sim_store *st;
	rng r;
	int64_t now;
	long n;
	char domains[SEED_DOMAINS][40];
	char senders[SEED_SENDERS][72];
	char users[SEED_USERS][64];
	const char *user_first[SEED_USERS];
	const char *user_last[SEED_USERS];
	json_t *rec;			/* the record, reused: its string values are set in place */
	json_t *val[SIM_NFIELDS];	/* borrowed from rec */
	json_t *rules[SIM_SEED_NRULES]; /* module_rules arrays by kind; owned */
	long dbase[SIM_SEED_NFOLDERS];	/* the next dbase_id of each folder */
	int live;			/* a --flow generator, not a seed */
	ppsbuf raw;			/* the body being built, reused */
	struct sim_seed_batch *batch; /* the seed's pipeline: messages go here, not to the store */
};

/* seed_message.c: the generator's state for the seed n at now; NULL when out of memory. */
struct seeder *sim_seeder_new(sim_store *st, long n, int64_t now);
void sim_seeder_free(struct seeder *sd);
/*
 * Builds message number i and hands it to sd->batch, or to the store when there is none; demo
 * messages land in Quarantine within the last 24 hours. A live message (sd->live) is dated at
 * and numbered i among all live messages ever made. 0 or -1.
 */
int sim_seeder_add(struct seeder *sd, long i, int demo, int64_t at);
/* The raw text of message i as the seed draws it (whatever its folder) into out, and nothing
 * to the store: what --write-corpus writes. 0 or -1. */
int sim_seeder_mail(struct seeder *sd, long i, ppsbuf *out);

/*
 * seed_text.c: the identifiers of a message, led by its time as PPS's are: a GUID and FID of 32
 * characters, a sendmail queue ID of 14 and a SID of 10 (seq numbers the message).
 */
void sim_seed_ids(rng *r, int64_t epoch, long seq, char guid[33], char fid[33], char qid[16],
		  char sid[12]);

/* seed_people.c: the address pools of senders and internal users, from the word lists. */
void sim_seeder_pools(struct seeder *sd);
/* The end users' profiles into the store. 0 or -1. */
int sim_seeder_users(struct seeder *sd);

/* The raw text of message m drawn from a PRNG seeded with seed (what sim_mime_build makes of
 * it) into out. 0 or -1. */
int sim_seeder_build_mail(ppsbuf *out, uint64_t seed, const struct sim_mail *m);
typedef int (*sim_seeder_mail_fn)(ppsbuf *out, uint64_t seed, const struct sim_mail *m);

/*
 * seed_batch.c: the raw text of the message being batched is built later by the pipeline from
 * seed and m (copied): its quarantined row is then added with no raw text, and its record's
 * Message_Size is SIM_SEED_SIZE_LATER until the text's length is known. 0 or -1.
 */
#define SIM_SEED_SIZE_LATER "-"
int sim_seed_batch_mail(struct sim_seed_batch *b, uint64_t seed, const struct sim_mail *m);
/* The quarantined part of the message being batched, then its record (which completes it).
 * 0 or -1. */
int sim_seed_batch_quarantine(struct sim_seed_batch *b, const sim_qmsg *m);
int sim_seed_batch_record(struct sim_seed_batch *b, const json_t *rec, int64_t epoch);
/* Builds message i (one of the demo's when demo) dated at (0: drawn) into sd's batch; 0 or -1. */
typedef int (*sim_seeder_add_fn)(struct seeder *sd, long i, int demo, int64_t at);
/*
 * Adds the seed's n messages, each drawn by add on the generator thread and its raw text, when
 * it has one, built by mail on any of the pipeline's threads; the caller holds the transaction.
 * (The builders are handed in so that the pipeline knows nothing of messages.)
 */
int sim_seeder_run(struct seeder *sd, sim_seeder_add_fn add, sim_seeder_mail_fn mail);

#endif
