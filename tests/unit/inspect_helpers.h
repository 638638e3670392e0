/*
 * Helpers of the inspection tests: reading a fixture of tests/fixtures/inspect/, inspecting
 * it, and finding members of the result. Header-only: each test executable includes it once.
 */
#ifndef PPS_TEST_INSPECT_HELPERS_H
#define PPS_TEST_INSPECT_HELPERS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pps/pps.h"

/* The bytes of tests/fixtures/inspect/<name> (malloc'd), their length in *len; NULL if absent. */
static inline char *ti_fixture(const char *name, size_t *len)
{
	const char *dir = getenv("PPS_FIXTURES");
	char path[4096];
	FILE *f;
	char *buf = NULL;
	long n;

	snprintf(path, sizeof(path), "%s/inspect/%s", dir ? dir : "tests/fixtures", name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* The element of the array arr whose member key is the string value, or NULL. */
static inline json_t *ti_find(json_t *arr, const char *key, const char *value)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
	{
		const char *v = json_string_value(json_object_get(e, key));

		if (v && !strcmp(v, value))
			return e;
	}
	return NULL;
}

/* 1 when the array of strings arr holds s. */
static inline int ti_has(json_t *arr, const char *s)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i,
			   e) if (json_is_string(e) && !strcmp(json_string_value(e), s)) return 1;
	return 0;
}

/* The string at a path of object members ("headers", "subject", "value", NULL), or NULL. */
static inline const char *ti_str(json_t *j, ...)
{
	va_list ap;
	const char *k;

	va_start(ap, j);
	while (j && (k = va_arg(ap, const char *)))
		j = json_object_get(j, k);
	va_end(ap);
	return json_string_value(j);
}

#endif
