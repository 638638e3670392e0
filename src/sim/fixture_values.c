/*
 * The fixture loader's shared pieces: its one error line and the conversions of JSON values
 * (strings, numbers, lists, dates) into the store's text. No store calls here.
 */
#include "sim/fixture_load.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/timeutil.h"

#include "util/banned.h"

int sim_fixture_fail(struct sim_loader *ld, const char *section, size_t index, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (section)
		snprintf(ld->err, ld->errlen, "%s: %s[%zu]: %s", ld->name, section, index, msg);
	else
		snprintf(ld->err, ld->errlen, "%s: %s", ld->name, msg);
	return -1;
}

int sim_fixture_in_list(const char *key, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, list[i]) == 0)
			return 1;
	return 0;
}

/* A string field, or NULL when absent; *bad is set when present but not a string. */
const char *sim_fixture_str(const json_t *obj, const char *key, int *bad)
{
	const json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

/* A string, or a number written as a string, into buf; 0, or -1 when of another type. */
int sim_fixture_scalar(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.15g", json_real_value(v));
	else
		return -1;
	return 0;
}

/*
 * Parses a message date: ISO-8601 (no zone = UTC) or the wire form
 * "YYYY-MM-DD hh:mm:ss [UTC-0600]". Gives the instant and the offset east of UTC in minutes.
 */
int sim_fixture_date(const char *s, int64_t *epoch, int *offset_min)
{
	size_t len = strlen(s);
	int has_time;

	if (len == 30 && s[19] == ' ' && strncmp(s + 20, "[UTC", 4) == 0 && s[29] == ']' &&
	    (s[24] == '+' || s[24] == '-')) {
		char day[20], zone[6];
		int64_t local;
		int off, unused;
		char *end;
		long hhmm;

		memcpy(day, s, 19);
		day[19] = '\0';
		memcpy(zone, s + 25, 4);
		zone[4] = '\0';
		for (int i = 0; i < 4; i++)
			if (zone[i] < '0' || zone[i] > '9')
				return -1;
		if (tu_parse_iso8601(day, &local, &unused, &has_time) || !has_time)
			return -1;
		hhmm = strtol(zone, &end, 10);
		if (hhmm % 100 >= 60 || hhmm / 100 > 23)
			return -1;
		off = (int)(hhmm / 100 * 60 + hhmm % 100);
		if (s[24] == '-')
			off = -off;
		*epoch = local - (int64_t)off * 60;
		*offset_min = off;
		return 0;
	}
	return tu_parse_iso8601(s, epoch, offset_min, &has_time);
}

/* "YYYY-MM-DD hh:mm:ss [UTC+0000]" of an instant at a given offset. */
int sim_fixture_wire_date(int64_t epoch, int offset_min, char *buf, size_t len)
{
	char local[32];
	int a = offset_min < 0 ? -offset_min : offset_min;

	if (tu_format_utc(epoch + (int64_t)offset_min * 60, local, sizeof(local)))
		return -1;
	snprintf(buf, len, "%s [UTC%c%02d%02d]", local, offset_min < 0 ? '-' : '+', a / 60, a % 60);
	return 0;
}

/* A comma list from a string or an array of strings; a new string, or NULL (*bad set). */
char *sim_fixture_join(const json_t *v, int *bad)
{
	ppsbuf b = PPSBUF_INIT;
	size_t i;
	const json_t *item;

	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (!json_is_array(v)) {
		*bad = 1;
		return NULL;
	}
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item)) {
			*bad = 1;
			ppsbuf_release(&b);
			return NULL;
		}
		if ((i && ppsbuf_addch(&b, ',')) || ppsbuf_adds(&b, json_string_value(item))) {
			ppsbuf_release(&b);
			return NULL;
		}
	}
	return ppsbuf_detach(&b, NULL);
}

/* Splits a comma list in place into trimmed, non-empty items. */
size_t sim_fixture_split(char *s, const char **items, size_t max)
{
	size_t n = 0;

	while (s && n < max) {
		char *comma = strchr(s, ',');
		char *end;

		if (comma)
			*comma = '\0';
		while (*s == ' ')
			s++;
		end = s + strlen(s);
		while (end > s && end[-1] == ' ')
			*--end = '\0';
		if (*s)
			items[n++] = s;
		s = comma ? comma + 1 : NULL;
	}
	return n;
}

int sim_fixture_is_string_list(const json_t *v)
{
	size_t i;
	const json_t *item;

	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item))
			return 0;
	}
	return 1;
}
