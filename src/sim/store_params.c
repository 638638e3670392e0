/* Time parameters of the route handlers: ISO-8601 through util/timeutil, and the unescaped '+'. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/store.h"
#include "util/timeutil.h"

#include "util/banned.h"

/* 1 when s is HH, HHMM or HH:MM. */
static int looks_like_offset(const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && !(i == 2 && s[i] == ':'))
			return 0;
	return n == 2 || n == 4 || (n == 5 && s[2] == ':');
}

int sim_parse_when(const char *s, int64_t *epoch)
{
	int offset, has_time, rc;
	char *copy, *sp;

	if (tu_parse_iso8601(s, epoch, &offset, &has_time) == 0)
		return 0;
	/* A query string's unescaped '+' decodes to a space: put it back before the offset. */
	sp = strrchr(s, ' ');
	if (!sp || !strchr(s, ':') || sp < strchr(s, ':') || !looks_like_offset(sp + 1))
		return -1;
	copy = strdup(s);
	if (!copy)
		return -1;
	copy[sp - s] = '+';
	rc = tu_parse_iso8601(copy, epoch, &offset, &has_time);
	free(copy);
	return rc == 0 ? 0 : -1;
}
