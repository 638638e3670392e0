/*
 * Proofpoint URL Defense links back to the URLs they wrap: v1 and v2
 * (urldefense.proofpoint.com/v1|v2/url?u=...) and v3 (urldefense.com/v3/__URL__;BYTES!...).
 * Percent-decoding and base64 are GLib's; only the rewriting scheme is spelled out here.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/inspect/inspect_int.h"

#include "util/banned.h"

/* The end of a query parameter's value: the first of the stops, else the string's end. */
static const char *value_end(const char *v, const char *const *stops)
{
	const char *end = v + strlen(v);

	for (; *stops; stops++) {
		const char *s = strstr(v, *stops);

		if (s && s < end)
			end = s;
	}
	return end;
}

/* Percent-decodes s[0..len) (g_free'd); the text as it is when it holds a bad escape. */
static char *unquote(const char *s, size_t len)
{
	char *copy = g_strndup(s, len);
	char *dec = g_uri_unescape_string(copy, NULL);

	if (!dec)
		return copy;
	g_free(copy);
	return dec;
}

/* "&amp;" back to "&": the links were often copied out of HTML still escaped. */
static void amp_unescape(char *s)
{
	char *r = s, *w = s;

	while (*r) {
		if (!strncmp(r, "&amp;", 5)) {
			*w++ = '&';
			r += 5;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

static char *decode_v1(const char *rest)
{
	static const char *const stops[] = { "&k=", "&amp;k=", NULL };
	const char *u = strstr(rest, "u=");
	char *url;

	if (!u)
		return NULL;
	u += 2;
	url = unquote(u, (size_t)(value_end(u, stops) - u));
	amp_unescape(url);
	return url;
}

static char *decode_v2(const char *rest)
{
	static const char *const stops[] = { "&d=", "&c=", "&amp;d=", "&amp;c=", NULL };
	const char *u = strstr(rest, "u=");
	char *enc, *p, *url;

	if (!u)
		return NULL;
	u += 2;
	enc = g_strndup(u, (size_t)(value_end(u, stops) - u));
	for (p = enc; *p; p++) {
		if (*p == '-')
			*p = '%';
		else if (*p == '_')
			*p = '/';
	}
	url = unquote(enc, strlen(enc));
	g_free(enc);
	amp_unescape(url);
	return url;
}

/* The run length a v3 "**X" token names: A=2 ... Z=27, a=28 ... z=53, 0=54 ... 9=63, - 64, _ 65. */
static int run_length(char c)
{
	static const char runs[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const char *p = c ? strchr(runs, c) : NULL;

	return p ? (int)(p - runs) + 2 : -1;
}

/* The characters (UTF-8) of the base64url bytes of a v3 link, g_free'd; NULL when bad. */
static char *v3_bytes(const char *enc, size_t len)
{
	GString *b64 = g_string_new_len(enc, (gssize)len);
	guchar *raw;
	gsize n, i;
	char *text;

	for (i = 0; i < b64->len; i++) {
		if (b64->str[i] == '-')
			b64->str[i] = '+';
		else if (b64->str[i] == '_')
			b64->str[i] = '/';
	}
	while (b64->len % 4)
		g_string_append_c(b64, '=');
	raw = g_base64_decode(b64->str, &n);
	g_string_free(b64, TRUE);
	text = g_strndup((const char *)raw, n);
	g_free(raw);
	if (strlen(text) != n || !g_utf8_validate(text, -1, NULL)) {
		g_free(text);
		return NULL;
	}
	return text;
}

static char *decode_v3(const char *rest)
{
	const char *start = strstr(rest, "__"), *mid, *bang;
	char *url = NULL, *bytes = NULL;
	const char *p, *b;
	GString *out;

	if (!start || !(mid = strstr(start + 2, "__;")))
		return NULL;
	bang = strchr(mid + 3, '!');
	if (!bang)
		bang = mid + 3 + strlen(mid + 3);
	url = unquote(start + 2, (size_t)(mid - start - 2));
	bytes = v3_bytes(mid + 3, (size_t)(bang - mid - 3));
	if (!bytes) {
		g_free(url);
		return NULL;
	}
	out = g_string_new(NULL);
	b = bytes;
	for (p = url; *p; p++) {
		int run = 1;

		if (*p != '*') {
			g_string_append_c(out, *p);
			continue;
		}
		if (p[1] == '*') {
			run = run_length(p[2]);
			if (run < 0)
				goto bad;
			p += 2;
		}
		for (; run > 0; run--) {
			const char *next;

			if (!*b)
				goto bad;
			next = g_utf8_next_char(b);
			g_string_append_len(out, b, next - b);
			b = next;
		}
	}
	g_free(url);
	g_free(bytes);
	return g_string_free(out, FALSE);
bad:
	g_free(url);
	g_free(bytes);
	g_string_free(out, TRUE);
	return NULL;
}

/* After "http(s)://", the version of a URL Defense link and where its path goes on; 0 when not. */
static int version_of(const char *url, const char **rest)
{
	static const struct {
		const char *prefix;
		int version;
	} forms[] = {
		{ "urldefense.proofpoint.com/v1/", 1 },
		{ "urldefense.proofpoint.com/v2/", 2 },
		{ "urldefense.com/v3/", 3 },
		{ "urldefense.proofpoint.com/v3/", 3 },
	};
	size_t i;

	if (!g_ascii_strncasecmp(url, "https://", 8))
		url += 8;
	else if (!g_ascii_strncasecmp(url, "http://", 7))
		url += 7;
	else
		return 0;
	for (i = 0; i < G_N_ELEMENTS(forms); i++) {
		size_t n = strlen(forms[i].prefix);

		if (!g_ascii_strncasecmp(url, forms[i].prefix, n)) {
			*rest = url + n - 1;
			return forms[i].version;
		}
	}
	return 0;
}

/* The wrapped URL (g_free'd) of a URL Defense link, or NULL. */
char *pps__urldefense_decode(const char *url)
{
	const char *rest = NULL;
	char *dec = NULL;

	switch (url ? version_of(url, &rest) : 0) {
	case 1:
		dec = decode_v1(rest);
		break;
	case 2:
		dec = decode_v2(rest);
		break;
	case 3:
		dec = decode_v3(rest);
		break;
	default:
		return NULL;
	}
	if (dec && (!*dec || !g_utf8_validate(dec, -1, NULL))) {
		g_free(dec);
		dec = NULL;
	}
	return dec;
}

int pps_urldefense_decode(char **out, const char *url)
{
	char *dec;

	if (!out)
		return PPS_EUSAGE;
	*out = NULL;
	dec = pps__urldefense_decode(url);
	if (!dec)
		return 0;
	*out = strdup(dec);
	g_free(dec);
	return *out ? 1 : PPS_ENOMEM;
}
