/*
 * The emulator's matching rules: Smart Search partial addresses and the subject analyzer
 * (stop words, Snowball English stemming), and the quarantine search's simpler matchers.
 * libstemmer is used here only. Pure functions apart from the analyzer's stemmer state.
 */
#ifndef PPS_SIM_MATCH_H
#define PPS_SIM_MATCH_H

#include <stddef.h>

/* A compiled Smart Search address pattern (env_from, env_rcpt). */
typedef struct sim_addr_pattern sim_addr_pattern;

/* Compiles a pattern; returns NULL only when out of memory. A lone "@" matches nothing. */
sim_addr_pattern *sim_addr_pattern_new(const char *pattern);
void sim_addr_pattern_free(sim_addr_pattern *p);
/*
 * 1 when the address matches the pattern (case-insensitive), else 0. address may be a comma list
 * (the Recipients field): then any address of it counts.
 */
int sim_addr_match(const sim_addr_pattern *p, const char *address);

/* The subject analyzer; not thread-safe: one per thread, or guarded by the caller. */
typedef struct sim_analyzer sim_analyzer;

sim_analyzer *sim_analyzer_new(void);
void sim_analyzer_free(sim_analyzer *a);
/*
 * Analyzes text: lowercase, split into words, drop stop words, stem. Returns a malloc'd string
 * of the terms each preceded and followed by one space (" i go parti "), or NULL when out of
 * memory. With query != 0 a trailing '*' on a word is kept (a prefix term, not stemmed).
 */
char *sim_analyze(sim_analyzer *a, const char *text, int query);
/*
 * 1 when every term of the analyzed query is among the analyzed subject's terms (a term ending
 * in '*' as a prefix). A query without terms (empty, or stop words only) matches nothing.
 */
int sim_subject_match(const char *analyzed_query, const char *analyzed_subject);

/* Quarantine search: sender/recipient equals, "foo*" starts with, "*foo" ends with, or a domain. */
int sim_qaddr_match(const char *pattern, const char *address);
/*
 * The key of an address for an index of exact quarantine matches: trimmed (and unbracketed)
 * and lowercased as sim_qaddr_match compares. 0 when it does not fit len.
 */
int sim_qaddr_key(const char *address, char *key, size_t len);
/* 1 when the pattern matches exactly the addresses of one key (no '*', an '@' not first); the
 * key is filled. Such a pattern matches an address iff their keys are equal. */
int sim_qaddr_exact(const char *pattern, char *key, size_t len);
/* Quarantine search: subject "Loan*" starts with, "*Loan" ends with, "*Loan*" or "Loan" contains. */
int sim_qsubject_match(const char *pattern, const char *subject);
/* virus, attach: any of the comma-separated patterns (with '*') matches any comma-separated value. */
int sim_list_match(const char *patterns, const char *values);

#endif
