/* Edit distance between two short words, for "did you mean". Pure; no PPS knowledge. */
#ifndef PPS_UTIL_EDITDIST_H
#define PPS_UTIL_EDITDIST_H

#include <stddef.h>

/* Longer words are not compared: ed_distance returns (size_t)-1 for them. */
#define ED_MAX_WORD 64

/*
 * Optimal-string-alignment distance between a and b: an adjacent transposition (horus, hours)
 * is one edit; ASCII case-insensitive, '-' equal to '_'.
 */
size_t ed_distance(const char *a, const char *b);

#endif
