/*
 * libpps's URLs: the user's server URL checked and joined with /rest/v1, a query escaped and
 * built, a URL redacted for messages (never a password, a query or a fragment shown).
 */
#include "lib/http_int.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

int pps__http_has_prefix_nocase(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!s[i] || ch != prefix[i])
			return 0;
	}
	return 1;
}

/*
 * url for messages: the credentials of "scheme://user:password@host" shown as "***@", and a
 * query or fragment (which may carry a token or a password) as "?***" and "#***".
 */
static void redact_url(const char *url, char *out, size_t len)
{
	const char *auth = strstr(url, "://"), *end, *at, *rest;
	size_t path;

	auth = auth ? auth + 3 : url;
	end = auth + strcspn(auth, "/?#");
	at = memchr(auth, '@', (size_t)(end - auth));
	while (at && memchr(at + 1, '@', (size_t)(end - at - 1)))
		at = memchr(at + 1, '@', (size_t)(end - at - 1));
	rest = at ? at : auth;
	path = strcspn(rest, "?#");
	snprintf(out, len, "%.*s%s%.*s%s%s", (int)(auth - url), url, at ? "***" : "", (int)path,
		 rest, strchr(rest + path, '?') ? "?***" : "",
		 strchr(rest + path, '#') ? "#***" : "");
}

/*
 * text (libcurl's words, which may quote a proxy URL whole) with each word that holds
 * credentials, a query or a fragment redacted as by redact_url(), into out.
 */
void pps__http_redact_words(const char *text, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	while (*text && o + 1 < len) {
		size_t n = strcspn(text, " '\"");
		char word[CURL_ERROR_SIZE], shown[CURL_ERROR_SIZE + 16];

		if (n && n < sizeof(word) && strpbrk(text, "@?#") &&
		    (size_t)(strpbrk(text, "@?#") - text) < n) {
			memcpy(word, text, n);
			word[n] = '\0';
			redact_url(word, shown, sizeof(shown));
		} else {
			snprintf(shown, sizeof(shown), "%.*s", (int)(n ? n : 1), text);
			if (!n)
				n = 1;
		}
		o += (size_t)snprintf(out + o, len - o, "%s", shown);
		if (o >= len)
			o = len - 1;
		text += n;
	}
}

/* The URL's text: a scheme of ours, no spaces or control characters. PPS_OK or PPS_EUSAGE. */
static int check_text(const char *url, const char *shown, char *err, size_t errlen)
{
	if (!pps__http_has_prefix_nocase(url, "http://") &&
	    !pps__http_has_prefix_nocase(url, "https://")) {
		snprintf(err, errlen, "url '%s' must start with https:// or http://", shown);
		return PPS_EUSAGE;
	}
	for (const char *s = url; *s; s++) {
		if ((unsigned char)*s <= 0x20 || *s == 0x7f) {
			snprintf(err, errlen, "url must not contain spaces or control characters");
			return PPS_EUSAGE;
		}
	}
	return PPS_OK;
}

/*
 * The URL's parts as libcurl reads them: a host (into *h) and a port (into *p, the scheme's
 * default when none is given), no credentials, query or fragment. Both curl_free()d by the
 * caller. PPS_OK or PPS_EUSAGE.
 */
static int check_parts(CURLU *u, const char *url, const char *shown, char **h, char **p, char *err,
		       size_t errlen)
{
	char *part = NULL;
	int ret = PPS_EUSAGE;

	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, h, 0) != CURLUE_OK || !*h || !**h) {
		snprintf(err, errlen, "url '%s' has no valid host", shown);
		goto done;
	}
	/* Credentials in the URL would end up in logs and messages: they have options of their own.
	 */
	if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK) {
		snprintf(err, errlen, "url must not hold credentials: give the user name apart");
		goto done;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK) {
		snprintf(err, errlen, "url '%s' must not have a query or fragment", shown);
		goto done;
	}
	if (curl_url_get(u, CURLUPART_PORT, p, CURLU_DEFAULT_PORT) != CURLUE_OK || !*p) {
		snprintf(err, errlen, "url '%s' has no valid port", shown);
		goto done;
	}
	ret = PPS_OK;
done:
	curl_free(part);
	return ret;
}

/* url without its trailing slashes and /rest/v1, then "/rest/v1"; malloc'd or NULL. */
static char *join_base(const char *url)
{
	size_t len = strlen(url);
	char *joined;

	while (len > 0 && url[len - 1] == '/')
		len--;
	/* A URL that already ends in /rest/v1 is the base itself. */
	if (len >= 8 && !memcmp(url + len - 8, "/rest/v1", 8))
		len -= 8;
	joined = malloc(len + sizeof("/rest/v1"));
	if (!joined)
		return NULL;
	memcpy(joined, url, len);
	memcpy(joined + len, "/rest/v1", sizeof("/rest/v1"));
	return joined;
}

int pps__http_base_url(const char *url, char **base, char **host, long *port, char *err,
		       size_t errlen)
{
	char shown[512];
	CURLU *u = NULL;
	char *h = NULL, *p = NULL, *joined = NULL;
	int ret = PPS_EUSAGE;

	*base = NULL;
	*host = NULL;
	*port = 0;
	if (!url || !*url) {
		snprintf(err, errlen, "no server url given");
		goto done;
	}
	redact_url(url, shown, sizeof(shown));
	ret = check_text(url, shown, err, errlen);
	if (ret < 0)
		goto done;
	u = curl_url();
	if (!u) {
		ret = PPS_ENOMEM;
		goto done;
	}
	ret = check_parts(u, url, shown, &h, &p, err, errlen);
	if (ret < 0)
		goto done;
	joined = join_base(url);
	*host = joined ? strdup(h) : NULL;
	if (!*host) {
		ret = PPS_ENOMEM;
		goto done;
	}
	*port = strtol(p, NULL, 10);
	*base = joined;
	joined = NULL;
	ret = PPS_OK;
done:
	free(joined);
	curl_free(p);
	curl_free(h);
	curl_url_cleanup(u);
	return ret;
}

void pps__query_add(pps__query *q, const char *name, const char *value)
{
	assert(q->n < PPS__QUERY_MAX);
	if (!value || q->n >= PPS__QUERY_MAX)
		return;
	q->p[q->n].name = name;
	q->p[q->n].value = value;
	q->n++;
}

int pps__http_escape(ppsbuf *out, const char *s, int keep_at)
{
	size_t len = strlen(s);
	char *esc;
	int ret = PPS_OK;

	if (len == 0)
		return PPS_OK;
	if (len > INT_MAX)
		return PPS_ENOMEM;
	esc = curl_easy_escape(NULL, s, (int)len);
	if (!esc)
		return PPS_ENOMEM;
	for (const char *p = esc; *p && ret == PPS_OK; p++) {
		/* '@' is allowed in a path segment (RFC 3986 pchar); the reference sends it raw. */
		if (keep_at && p[0] == '%' && p[1] == '4' && p[2] == '0') {
			ret = ppsbuf_addch(out, '@') < 0 ? PPS_ENOMEM : PPS_OK;
			p += 2;
		} else {
			ret = ppsbuf_addch(out, *p) < 0 ? PPS_ENOMEM : PPS_OK;
		}
	}
	curl_free(esc);
	return ret;
}

int pps__http_build_url(ppsbuf *out, const char *base, const char *path, const pps__query *q)
{
	if (ppsbuf_adds(out, base) < 0 || ppsbuf_adds(out, path) < 0)
		return PPS_ENOMEM;
	for (size_t i = 0; q && i < q->n; i++) {
		if (ppsbuf_addch(out, i ? '&' : '?') < 0 ||
		    pps__http_escape(out, q->p[i].name, 0) < 0 || ppsbuf_addch(out, '=') < 0 ||
		    pps__http_escape(out, q->p[i].value, 0) < 0)
			return PPS_ENOMEM;
	}
	return PPS_OK;
}
