/* Text checks of pps-sim: UTF-8 validity (utf8proc) and escaping for log lines. */
#ifndef PPS_SIM_TEXT_H
#define PPS_SIM_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* 1 when s[0..n) is valid UTF-8 without NUL, else 0. */
int sim_utf8_valid(const char *s, size_t n);
/* A malloc'd copy of s[0..n) with each byte that is not part of valid UTF-8 (and each NUL)
 * replaced by U+FFFD; NULL when out of memory. */
char *sim_utf8_scrub(const char *s, size_t n);
/* Writes s to f with control characters, DEL and backslash as \xNN, so that a request cannot
 * forge or break a log line. */
void sim_log_escaped(FILE *f, const char *s);

#endif
