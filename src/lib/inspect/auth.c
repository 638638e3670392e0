/*
 * The auth section: every Authentication-Results field (RFC 8601) split into its authserv-id
 * and its method results (spf, dkim per signature, dmarc, arc), and Received-SPF (RFC 7208
 * §9.1). The verdicts at the top are the topmost field's, the one the receiving side added.
 */
#include <string.h>

#include "lib/inspect/inspect_int.h"

#include "util/banned.h"

/* A field's value unfolded, comments removed; the first "p=" word of a comment kept in *policy. */
static char *strip_comments(const char *v, char **policy)
{
	GString *out = g_string_new(NULL);
	int level = 0, quoted = 0;
	const char *p, *cstart = NULL;

	for (p = v; *p; p++) {
		if (*p == '\\' && p[1] && (level || quoted)) {
			if (!level)
				g_string_append_len(out, p, 2);
			p++;
			continue;
		}
		if (!level && *p == '"')
			quoted = !quoted;
		if (!quoted && *p == '(') {
			if (!level++)
				cstart = p + 1;
			continue;
		}
		if (!quoted && level && *p == ')') {
			if (!--level && policy && !*policy && cstart &&
			    !g_ascii_strncasecmp(cstart, "p=", 2))
				*policy = g_strndup(cstart + 2, strcspn(cstart + 2, " )"));
			continue;
		}
		if (!level)
			g_string_append_c(out, (*p == '\r' || *p == '\n' || *p == '\t') ? ' ' : *p);
	}
	return g_string_free(out, FALSE);
}

/* The value of "name=value" in the words, quotes removed (g_free'd), or NULL. */
static char *prop(char **words, const char *name)
{
	size_t n = strlen(name);

	for (; *words; words++) {
		if (!g_ascii_strncasecmp(*words, name, n) && (*words)[n] == '=') {
			char *v = g_strdup(*words + n + 1);
			size_t len = strlen(v);

			if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
				memmove(v, v + 1, len - 2);
				v[len - 2] = '\0';
			}
			return v;
		}
	}
	return NULL;
}

static void set_owned(json_t *o, const char *key, char *value)
{
	pps__insp_set(o, key, value ? pps__insp_str(value) : NULL);
	g_free(value);
}

/* One "method=result props..." clause into the field's object r. */
static void clause(json_t *r, char *text, const char *policy)
{
	char **words = g_strsplit_set(g_strstrip(text), " ", -1);
	char *eq, *method, *result;
	json_t *o;

	if (!words[0] || !(eq = strchr(words[0], '='))) {
		g_strfreev(words);
		return;
	}
	method = g_ascii_strdown(words[0], eq - words[0]);
	method[strcspn(method, "/")] = '\0';
	result = g_ascii_strdown(eq + 1, -1);
	o = json_object();
	json_object_set_new(o, "result", pps__insp_str(result));
	if (!strcmp(method, "spf") && json_is_null(json_object_get(r, "spf"))) {
		set_owned(o, "smtp_mailfrom", prop(words + 1, "smtp.mailfrom"));
		json_object_set(r, "spf", o);
	} else if (!strcmp(method, "dkim")) {
		char *d = prop(words + 1, "header.d");

		if (!d) {
			char *i = prop(words + 1, "header.i");
			char *at = i ? strrchr(i, '@') : NULL;

			d = at ? g_strdup(at + 1) : NULL;
			g_free(i);
		}
		set_owned(o, "d", d);
		set_owned(o, "s", prop(words + 1, "header.s"));
		json_array_append(json_object_get(r, "dkim"), o);
	} else if (!strcmp(method, "dmarc") && json_is_null(json_object_get(r, "dmarc"))) {
		char *pol = prop(words + 1, "policy.dmarc");

		set_owned(o, "header_from", prop(words + 1, "header.from"));
		if (!pol && policy)
			pol = g_ascii_strdown(policy, -1);
		set_owned(o, "policy", pol);
		json_object_set(r, "dmarc", o);
	} else if (!strcmp(method, "arc") && json_is_null(json_object_get(r, "arc"))) {
		json_object_set(r, "arc", o);
	}
	json_decref(o);
	g_free(method);
	g_free(result);
	g_strfreev(words);
}

static json_t *results_parse(const char *raw)
{
	char *policy = NULL, *flat = strip_comments(raw, &policy);
	char **parts = g_strsplit(flat, ";", 64);
	json_t *r = json_object();
	char *id;
	size_t i;

	id = parts[0] ? g_strstrip(parts[0]) : NULL;
	if (id)
		id[strcspn(id, " ")] = '\0';
	json_object_set_new(r, "authserv_id", id && *id ? pps__insp_str(id) : json_null());
	json_object_set_new(r, "spf", json_null());
	json_object_set_new(r, "dkim", json_array());
	json_object_set_new(r, "dmarc", json_null());
	json_object_set_new(r, "arc", json_null());
	for (i = 1; parts[0] && parts[i]; i++)
		clause(r, parts[i], policy);
	g_strfreev(parts);
	g_free(flat);
	g_free(policy);
	return r;
}

static json_t *verdict(json_t *results, const char *method)
{
	json_t *top = json_array_get(results, 0);
	const char *v = json_string_value(json_object_get(json_object_get(top, method), "result"));

	return v ? json_string(v) : json_null();
}

static json_t *received_spf(const char *raw)
{
	json_t *o = json_object();
	char *flat = pps__insp_utf8_dup(raw, strlen(raw), PPS__INSP_VALUE_MAX);
	const char *p;
	size_t n;

	g_strdelimit(flat, "\r\n\t", ' ');
	g_strstrip(flat);
	for (p = flat, n = 0; p[n] && g_ascii_isalpha(p[n]); n++)
		;
	{
		char *result = n ? g_ascii_strdown(p, (gssize)n) : NULL;

		set_owned(o, "result", result);
	}
	json_object_set_new(o, "raw", pps__insp_str(flat));
	g_free(flat);
	return o;
}

json_t *pps__insp_auth(pps__insp *st, GMimeHeaderList *hl)
{
	int i, count = g_mime_header_list_get_count(hl);
	json_t *auth = json_object(), *results = json_array(), *rspf = NULL;
	size_t n = 0;

	for (i = 0; i < count && (size_t)i < st->o.max_headers; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		const char *name = g_mime_header_get_name(h);
		const char *raw = g_mime_header_get_raw_value(h);

		if (!raw)
			continue;
		if (!g_ascii_strcasecmp(name, "Authentication-Results") && n < PPS__INSP_HOPS) {
			char *v = pps__insp_utf8_dup(raw, strlen(raw), PPS__INSP_VALUE_MAX);
			json_t *r = results_parse(v);

			json_object_set_new(
				r, "raw",
				pps__insp_str(g_strstrip(g_strdelimit(v, "\r\n\t", ' '))));
			json_array_append_new(results, r);
			g_free(v);
			n++;
		} else if (!g_ascii_strcasecmp(name, "Received-SPF") && !rspf) {
			rspf = received_spf(raw);
		}
	}
	json_object_set_new(auth, "spf", verdict(results, "spf"));
	{
		json_t *dkim = json_array(), *top = json_array_get(results, 0), *d;
		size_t k;

		json_array_foreach(json_object_get(top, "dkim"), k, d)
		{
			json_t *one = json_object();

			json_object_set(one, "d", json_object_get(d, "d"));
			json_object_set(one, "s", json_object_get(d, "s"));
			json_object_set(one, "result", json_object_get(d, "result"));
			json_array_append_new(dkim, one);
		}
		json_object_set_new(auth, "dkim", dkim);
	}
	json_object_set_new(auth, "dmarc", verdict(results, "dmarc"));
	json_object_set_new(auth, "arc", verdict(results, "arc"));
	json_object_set_new(auth, "results", results);
	pps__insp_set(auth, "received_spf", rspf);
	return auth;
}
