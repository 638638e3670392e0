/*
 * Why a time argument was refused, in words: "month 13 is not 1 to 12", "unknown unit 'horus';
 * did you mean 'hours'?". Only explains; libpps's pps_time_parse decides what is valid.
 */
#ifndef PPS_CLI_TIMEHINT_H
#define PPS_CLI_TIMEHINT_H

#include <stddef.h>

/* Writes the reason text (one line, no "invalid ...") was refused into why (len bytes). */
void cli_time_why(const char *text, char *why, size_t len);

#endif
