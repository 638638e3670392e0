/*
 * Small helpers of the inspection: warnings said once, strings made valid UTF-8 before they
 * enter the result, the domain of an address. Nothing here reads the message itself.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/inspect/inspect_int.h"

#include "util/banned.h"

void pps__insp_set(json_t *obj, const char *key, json_t *value)
{
	json_object_set_new(obj, key, value ? value : json_null());
}

void pps__insp_warn(pps__insp *st, const char *code, const char *fmt, ...)
{
	char msg[256];
	char *key;
	json_t *w;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	key = g_strdup_printf("%s\n%s", code, msg);
	if (g_hash_table_contains(st->warned, key)) {
		g_free(key);
		return;
	}
	if (g_hash_table_size(st->warned) >= PPS__INSP_WARNINGS) {
		g_free(key);
		if (!st->warn_limit_hit) {
			st->warn_limit_hit = 1;
			w = json_pack("{s:s, s:s}", "code", "truncated", "message",
				      "more warnings were left out");
			json_array_append_new(st->warnings, w);
		}
		return;
	}
	g_hash_table_add(st->warned, key);
	w = json_object();
	json_object_set_new(w, "code", json_string(code));
	json_object_set_new(w, "message", pps__insp_str(msg));
	json_array_append_new(st->warnings, w);
}

char *pps__insp_utf8_dup(const char *s, size_t len, size_t max)
{
	char *valid;
	const char *end;

	if (g_utf8_validate_len(s, len, &end))
		valid = g_strndup(s, len);
	else
		valid = g_utf8_make_valid(s, (gssize)len);
	if (strlen(valid) > max) {
		/* Cut on a character boundary. */
		char *cut = g_utf8_find_prev_char(valid, valid + max + 1);

		if (cut)
			*cut = '\0';
	}
	return valid;
}

json_t *pps__insp_string(const char *s, size_t len)
{
	json_t *j;
	const char *end;
	char *valid;

	if (g_utf8_validate_len(s, len, &end))
		return json_stringn(s, len);
	valid = g_utf8_make_valid(s, (gssize)len);
	j = json_string(valid);
	g_free(valid);
	return j;
}

json_t *pps__insp_str(const char *s)
{
	return s ? pps__insp_string(s, strlen(s)) : json_null();
}

char *pps__insp_domain_of(const char *address)
{
	const char *at;

	if (!address)
		return NULL;
	at = strrchr(address, '@');
	if (!at || !at[1])
		return NULL;
	return g_ascii_strdown(at + 1, -1);
}
