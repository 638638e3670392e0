/*
 * The pure pieces of a list change (enduser_merge.c): an entry checked, a profile's list
 * read, the merge. No requests here; enduser_list.c sends them.
 */
#ifndef PPS_LIB_ENDUSER_LIST_H
#define PPS_LIB_ENDUSER_LIST_H

#include <stddef.h>

#include <jansson.h>

/*
 * The list named field of a profile as a new array of strings in *out: missing or null is
 * empty, a comma list in one string is split. 0, or -1 when it holds anything else.
 */
int pps__list_read(json_t **out, const json_t *profile, const char *field);

/* 1 when list (an array of strings) holds entry, compared case-insensitively. */
int pps__list_has(const json_t *list, const char *entry);

/* 1 when a and b (arrays of strings) are the same entries in the same order (case ignored). */
int pps__list_equal(const json_t *a, const json_t *b);

/*
 * The merge: *out is current with the entries of add it lacks appended (in the order given,
 * once each) and those of remove taken out, everything else kept in its order. An entry in
 * both add and remove is removed. 0, or -1 when out of memory.
 */
int pps__list_merge(json_t **out, const json_t *current, const char *const *add, size_t nadd,
		    const char *const *remove, size_t nremove);

/*
 * 1 when list shows the change: every entry of add (not also in remove) is there and no entry
 * of remove is.
 */
int pps__list_shows(const json_t *list, const char *const *add, size_t nadd,
		    const char *const *remove, size_t nremove);

#endif
