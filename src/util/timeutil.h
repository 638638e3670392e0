/* Calendar arithmetic and ISO-8601 parsing in UTC, free of the TZ environment. No PPS knowledge. */
#ifndef PPS_UTIL_TIMEUTIL_H
#define PPS_UTIL_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t tu_days_from_civil(int64_t y, int m, int d);
/* Seconds since the epoch of a UTC calendar time. */
int64_t tu_mkutc(int64_t y, int mon, int day, int hour, int min, int sec);
/* Splits epoch seconds into a UTC calendar time. */
void tu_civil(int64_t epoch, int64_t *y, int *mon, int *day, int *hour, int *min, int *sec);

/*
 * Parses ISO-8601: YYYY-MM-DD, YYYY-MM-DDThh:mm, YYYY-MM-DDThh:mm:ss[.fff], with 'T' or one
 * space between date and time, and an optional zone Z, +HH, +HHMM or +HH:MM (no zone = UTC).
 * The whole string must be consumed. Returns 0 and fills the outputs (offset in minutes east of
 * UTC, has_time 0 for a date alone), or -1 for anything else, including impossible dates.
 */
int tu_parse_iso8601(const char *s, int64_t *epoch, int *offset_min, int *has_time);
/* The same, writing why a text was refused into why (len bytes; why may be NULL). */
int tu_parse_iso8601_why(const char *s, int64_t *epoch, int *offset_min, int *has_time, char *why,
			 size_t len);

/* Writes "YYYY-MM-DD hh:mm:ss" (UTC) into buf (at least 20 bytes). Returns 0 or -1. */
int tu_format_utc(int64_t epoch, char *buf, size_t len);

#endif
