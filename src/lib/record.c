/*
 * The identity and the time of a record (see pps.h): what a walk orders and deduplicates by.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "lib/internal.h"
#include "util/timeutil.h"

#include "util/banned.h"

const char *pps_record_id(pps_op op, const json_t *record)
{
	const char *id;

	if (op != PPS_OP_QUARANTINE_SEARCH)
		return json_string_value(json_object_get(record, "GUID"));
	id = json_string_value(json_object_get(record, "localguid"));
	if (!id || !*id)
		id = json_string_value(json_object_get(record, "guid"));
	return id;
}

int pps_record_time(int64_t *out, pps_op op, const json_t *record)
{
	int quarantine = op == PPS_OP_QUARANTINE_SEARCH;
	const char *s = json_string_value(json_object_get(record, quarantine ? "date" : "Date"));
	char iso[40];
	int offset, has_time;
	size_t len;

	if (!s || !out)
		return PPS_EPROTO;
	len = strlen(s);
	/* "2020-05-20 14:13:02 [UTC-0600]" becomes "2020-05-20 14:13:02-0600". */
	if (len == 30 && s[19] == ' ' && !strncmp(s + 20, "[UTC", 4) && s[29] == ']') {
		snprintf(iso, sizeof(iso), "%.19s%.5s", s, s + 24);
		s = iso;
	}
	return tu_parse_iso8601(s, out, &offset, &has_time) ? PPS_EPROTO : PPS_OK;
}
