/* The seed's vocabulary (seed_words.c): word lists, the quarantine folders and the final rules. */
#ifndef PPS_SIM_SEED_WORDS_H
#define PPS_SIM_SEED_WORDS_H

#include <stddef.h>

/* A list of words and its length. */
typedef struct sim_wordlist {
	const char *const *w;
	size_t n;
} sim_wordlist;

/* The word lists names, subjects and addresses are drawn from; their order is the data's. */
struct sim_seed_vocab {
	sim_wordlist first_names, last_names, roles, dom_stems, dom_suffixes, tlds;
	sim_wordlist countries, departments, months, days, topics, prizes, services;
	sim_wordlist ham_subjects, spam_subjects, phish_subjects, virus_subjects, dlp_subjects;
	sim_wordlist attachments, bad_attachments, viruses;
};
extern const struct sim_seed_vocab sim_seed_words;

/* The quarantine folders the seed creates; folder ids in localguids are index + 1. */
enum {
	F_QUARANTINE,
	F_SPAM,
	F_PHISH,
	F_MALWARE,
	F_VIRUS,
	F_BULK,
	F_DELETED,
	F_HIPAA,
	F_PCI,
	F_GLBA,
	F_DELETED_INCIDENTS,
	SIM_SEED_NFOLDERS
};
struct sim_seed_folder {
	const char *name, *type;
};
extern const struct sim_seed_folder sim_seed_folders[SIM_SEED_NFOLDERS];

/* The final rules ("module.rule") of the seed's dispositions. */
enum {
	R_NONE,
	R_SAFE,
	R_RETRY,
	R_REJECT,
	R_REDIRECT,
	R_DEFINITE,
	R_PHISH,
	R_VIRUS,
	R_HIPAA,
	R_PCI,
	R_GLBA,
	SIM_SEED_NRULES
};
extern const char *const sim_seed_rules[SIM_SEED_NRULES];

#endif
