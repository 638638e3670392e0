/*
 * The urls section: each URL once, in order of first appearance, with every place it was
 * found, its host (GLib's GUri), URL Defense links decoded and the anchor text of a link that
 * names another host. The text part is scanned by a GRegex; HTML links come from html.c.
 */
#include <string.h>

#include "lib/inspect/inspect_int.h"

#include "util/banned.h"

/* The host of url, lower-case (g_free'd), or NULL; a bare "www.x" is read as http. */
static char *host_of(const char *url)
{
	GUri *uri;
	char *host = NULL;

	if (!g_ascii_strncasecmp(url, "www.", 4)) {
		char *full = g_strconcat("http://", url, NULL);

		host = host_of(full);
		g_free(full);
		return host;
	}
	uri = g_uri_parse(url,
			  G_URI_FLAGS_PARSE_RELAXED | G_URI_FLAGS_ENCODED_PATH |
				  G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_ENCODED_FRAGMENT,
			  NULL);
	if (uri) {
		const char *h = g_uri_get_host(uri);

		if (h && *h)
			host = g_ascii_strdown(h, -1);
		g_uri_unref(uri);
	}
	return host;
}

/* The host an anchor's text names (a URL or a bare domain), g_free'd, or NULL. */
static char *anchor_host(const char *text)
{
	char *t = g_strstrip(g_strdup(text)), *host = NULL;

	if (*t && !strpbrk(t, " \t\r\n") && strchr(t, '.')) {
		if (strstr(t, "://"))
			host = host_of(t);
		else {
			char *full = g_strconcat("http://", t, NULL);

			host = host_of(full);
			g_free(full);
		}
	}
	g_free(t);
	return host;
}

static int same_host(const char *a, const char *b)
{
	if (!g_ascii_strncasecmp(a, "www.", 4))
		a += 4;
	if (!g_ascii_strncasecmp(b, "www.", 4))
		b += 4;
	return !g_ascii_strcasecmp(a, b);
}

static int is_ip(const char *host)
{
	char *h = g_strdup(host);
	int ip;

	if (h[0] == '[') {
		h[strcspn(h, "]")] = '\0';
		ip = g_hostname_is_ip_address(h + 1);
	} else {
		ip = g_hostname_is_ip_address(h);
	}
	g_free(h);
	return ip;
}

static void flag_once(json_t *flags, const char *flag)
{
	size_t i;
	json_t *f;

	json_array_foreach(flags, i, f) if (!strcmp(json_string_value(f), flag)) return;
	json_array_append_new(flags, json_string(flag));
}

static void found_in_add(json_t *e, const char *where)
{
	json_t *list = json_object_get(e, "found_in"), *w;
	size_t i;

	json_array_foreach(list, i, w) if (!strcmp(json_string_value(w), where)) return;
	json_array_append_new(list, json_string(where));
}

static json_t *entry_new(const char *url, const char *rewritten)
{
	json_t *e = json_object(), *flags = json_array();
	char *host = host_of(url);

	json_object_set_new(e, "url", json_string(url));
	json_object_set_new(e, "found_in", json_array());
	json_object_set_new(e, "anchor_text", json_null());
	pps__insp_set(e, "host", pps__insp_str(host));
	pps__insp_set(e, "rewritten_from", rewritten ? json_string(rewritten) : NULL);
	if (rewritten)
		json_array_append_new(flags, json_string("urldefense"));
	if (host && is_ip(host))
		json_array_append_new(flags, json_string("ip_host"));
	if (host && (!strncmp(host, "xn--", 4) || strstr(host, ".xn--")))
		json_array_append_new(flags, json_string("punycode"));
	json_object_set_new(e, "flags", flags);
	g_free(host);
	return e;
}

static int scheme_ok(const char *u)
{
	return !g_ascii_strncasecmp(u, "http://", 7) || !g_ascii_strncasecmp(u, "https://", 8) ||
	       !g_ascii_strncasecmp(u, "ftp://", 6) || !g_ascii_strncasecmp(u, "www.", 4);
}

void pps__insp_url_add(pps__insp *st, const char *url, size_t len, const char *where,
		       const char *anchor)
{
	char *u, *dec;
	const char *key;
	json_t *e;

	while (len && g_ascii_isspace(*url)) {
		url++;
		len--;
	}
	while (len && g_ascii_isspace(url[len - 1]))
		len--;
	if (!len || len > PPS__INSP_URL_MAX)
		return;
	u = pps__insp_utf8_dup(url, len, PPS__INSP_URL_MAX);
	g_strdelimit(u, "\r\n\t", ' ');
	if (!scheme_ok(u) || strchr(u, ' ')) {
		g_free(u);
		return;
	}
	dec = pps__urldefense_decode(u);
	key = dec ? dec : u;
	e = g_hash_table_lookup(st->url_index, key);
	if (!e) {
		if (json_array_size(st->urls) >= PPS__INSP_URLS) {
			pps__insp_warn(st, "truncated", "more than %u URLs: the rest were left out",
				       PPS__INSP_URLS);
			goto done;
		}
		e = entry_new(key, dec ? u : NULL);
		json_array_append_new(st->urls, e);
		g_hash_table_insert(st->url_index, g_strdup(key), e);
	}
	found_in_add(e, where);
	if (anchor && json_is_null(json_object_get(e, "anchor_text"))) {
		char *ah = anchor_host(anchor);
		const char *host = json_string_value(json_object_get(e, "host"));

		if (ah && host && !same_host(ah, host)) {
			char *a = pps__insp_utf8_dup(anchor, strlen(anchor), 1024);

			json_object_set_new(e, "anchor_text", json_string(g_strstrip(a)));
			flag_once(json_object_get(e, "flags"), "anchor_host_mismatch");
			g_free(a);
		}
		g_free(ah);
	}
done:
	g_free(dec);
	g_free(u);
}

void pps__insp_urls_scan(pps__insp *st, const char *text, size_t len, const char *where)
{
	static GRegex *re;
	static gsize once;
	GMatchInfo *mi = NULL;

	if (g_once_init_enter(&once)) {
		re = g_regex_new("(?:https?|ftp)://[^\\s<>\"'`\\x{0}-\\x{1f}\\x{7f}]+|"
				 "\\bwww\\.[a-z0-9-]+\\.[^\\s<>\"'`\\x{0}-\\x{1f}\\x{7f}]+",
				 G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
		g_once_init_leave(&once, 1);
	}
	if (!re || !len)
		return;
	g_regex_match_full(re, text, (gssize)len, 0, 0, &mi, NULL);
	while (g_match_info_matches(mi)) {
		gint s, e;

		if (g_match_info_fetch_pos(mi, 0, &s, &e) && e > s) {
			const char *u = text + s;
			size_t n = (size_t)(e - s);

			/* Punctuation that ends a sentence is not the URL's. */
			while (n && strchr(".,;:!?>]}'\"", u[n - 1]))
				n--;
			if (n && u[n - 1] == ')' && !memchr(u, '(', n))
				n--;
			pps__insp_url_add(st, u, n, where, NULL);
		}
		g_match_info_next(mi, NULL);
	}
	g_match_info_free(mi);
}

void pps__insp_urls_header(pps__insp *st, GMimeHeaderList *hl)
{
	static const char *const names[] = { "List-Unsubscribe", "List-Subscribe", "List-Help",
					     "List-Archive", NULL };
	const char *const *name;

	for (name = names; *name; name++) {
		GMimeHeader *h = g_mime_header_list_get_header(hl, *name);
		const char *v = h ? g_mime_header_get_raw_value(h) : NULL;
		char where[64];

		if (!v)
			continue;
		g_snprintf(where, sizeof(where), "header:%s", *name);
		while ((v = strchr(v, '<'))) {
			const char *end = strchr(++v, '>');

			if (!end)
				break;
			/* A folded field may break a long URL over lines: its white space goes. */
			char *u = g_strndup(v, (size_t)(end - v)), *r, *w;

			for (r = w = u; *r; r++)
				if (!g_ascii_isspace(*r))
					*w++ = *r;
			*w = '\0';
			pps__insp_url_add(st, u, strlen(u), where, NULL);
			g_free(u);
			v = end + 1;
		}
	}
}
