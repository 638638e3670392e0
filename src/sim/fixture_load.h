/*
 * What the fixture loader's files share (fixture.c, fixture_values.c, fixture_mail.c,
 * fixture_people.c): the loader's state, its error line and the conversions of JSON values.
 */
#ifndef PPS_SIM_FIXTURE_LOAD_H
#define PPS_SIM_FIXTURE_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sim/store.h"

/* One load: the store (inside the caller's transaction) and where its one error line goes. */
struct sim_loader {
	sim_store *st;
	const char *name;
	char *err;
	size_t errlen;
};

/* Writes "name: section[index]: message" (or "name: message" without a section); returns -1. */
int sim_fixture_fail(struct sim_loader *ld, const char *section, size_t index, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Whether key is one of the n names of list. */
int sim_fixture_in_list(const char *key, const char *const *list, size_t n);
#define IN_LIST(key, list) sim_fixture_in_list((key), (list), sizeof(list) / sizeof((list)[0]))

/* A string field (borrowed), or NULL when absent; *bad is set when present but not a string. */
const char *sim_fixture_str(const json_t *obj, const char *key, int *bad);
/* A string, or a number written as a string, into buf; 0, or -1 when of another type. */
int sim_fixture_scalar(const json_t *v, char *buf, size_t len);
/* A comma list from a string or an array of strings; a new string, or NULL (*bad set when of
 * the wrong type, not when out of memory). */
char *sim_fixture_join(const json_t *v, int *bad);
/* Splits a comma list in place into at most max trimmed, non-empty items; their count. */
size_t sim_fixture_split(char *s, const char **items, size_t max);
/* Whether v is an array of strings. */
int sim_fixture_is_string_list(const json_t *v);

/*
 * A message date: ISO-8601 (no zone = UTC) or the wire form "YYYY-MM-DD hh:mm:ss [UTC-0600]".
 * The instant and the offset east of UTC in minutes; 0 or -1.
 */
int sim_fixture_date(const char *s, int64_t *epoch, int *offset_min);
/* "YYYY-MM-DD hh:mm:ss [UTC+0000]" of an instant at a given offset. 0 or -1. */
int sim_fixture_wire_date(int64_t epoch, int offset_min, char *buf, size_t len);

/* The sections of a fixture, each an array already checked to be one. 0, or -1 after fail. */
int sim_fixture_accounts(struct sim_loader *ld, json_t *arr); /* fixture_people.c */
int sim_fixture_users(struct sim_loader *ld, json_t *arr);
int sim_fixture_folders(struct sim_loader *ld, json_t *arr); /* fixture_mail.c */
int sim_fixture_messages(struct sim_loader *ld, json_t *arr);
int sim_fixture_quarantine(struct sim_loader *ld, json_t *arr);

#endif
