/*
 * Neutralises control characters, C1, line separators and bidi overrides for terminals, JSON
 * and spreadsheets (sanitize.h). Never drops information: what it hides it writes visibly.
 */
#include "cli/sanitize.h"

#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include "util/banned.h"

#define REPLACEMENT "\xef\xbf\xbd"

int cli_is_unsafe_cp(int32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
	       cp == 0x200f || cp == 0x061c;
}

static int kept(int32_t cp, const char *keep)
{
	return keep && cp > 0 && cp < 0x80 && strchr(keep, (int)cp) != NULL;
}

static size_t char_width(int32_t cp)
{
	int w = utf8proc_charwidth(cp);

	return w > 0 ? (size_t)w : 0;
}

int cli_sanitize(ppsbuf *b, const char *s, size_t n, const char *keep, size_t *width)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t w = 0;
	int rc = 0;

	while (p < end && !rc) {
		const unsigned char *run = p;
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;

		while (p < end && *p >= 0x20 && *p < 0x7f)
			p++;
		if (p > run) {
			rc = ppsbuf_add(b, run, (size_t)(p - run));
			w += (size_t)(p - run);
			continue;
		}
		k = utf8proc_iterate(p, end - p, &cp);
		if (k <= 0) {
			rc = ppsbuf_add(b, REPLACEMENT, 3);
			w++;
			p++;
		} else if (kept(cp, keep)) {
			rc = ppsbuf_addch(b, (char)cp);
			p += k;
		} else if (cli_is_unsafe_cp(cp)) {
			char esc[8];
			int m = cp <= 0xff ? snprintf(esc, sizeof(esc), "\\x%02x", (unsigned)cp)
					   : snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);

			rc = ppsbuf_add(b, esc, (size_t)m);
			w += (size_t)m;
			p += k;
		} else {
			rc = ppsbuf_add(b, p, (size_t)k);
			w += char_width(cp);
			p += k;
		}
	}
	if (width)
		*width += w;
	return rc;
}

int cli_needs_sanitize(const char *s, size_t n, const char *keep)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;

		if (*p >= 0x20 && *p < 0x7f) {
			p++;
			continue;
		}
		k = utf8proc_iterate(p, end - p, &cp);
		if (k <= 0 || (cli_is_unsafe_cp(cp) && !kept(cp, keep)))
			return 1;
		p += k;
	}
	return 0;
}

int cli_json_harden(ppsbuf *b, size_t from)
{
	ppsbuf tail = PPSBUF_INIT;
	const unsigned char *p, *end;
	int rc = 0;

	if (from >= b->len || !cli_needs_sanitize(b->buf + from, b->len - from, "\t\n\r "))
		return 0;
	p = (const unsigned char *)b->buf + from;
	end = (const unsigned char *)b->buf + b->len;
	while (p < end && !rc) {
		utf8proc_int32_t cp = *p;
		utf8proc_ssize_t k = *p < 0x80 ? 1 : utf8proc_iterate(p, end - p, &cp);

		if (k <= 0) {
			rc = ppsbuf_add(&tail, REPLACEMENT, 3);
			p++;
		} else if (cp >= 0x7f && cli_is_unsafe_cp(cp)) {
			rc = ppsbuf_addf(&tail, "\\u%04x", (unsigned)cp) < 0;
			p += k;
		} else {
			rc = ppsbuf_add(&tail, p, (size_t)k);
			p += k;
		}
	}
	if (!rc) {
		ppsbuf_setlen(b, from);
		rc = ppsbuf_add(b, tail.buf, tail.len);
	}
	ppsbuf_release(&tail);
	return rc ? -1 : 0;
}

int cli_utf8_lossy(ppsbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	int rc = 0;

	while (p < end && !rc) {
		utf8proc_int32_t cp = *p;
		utf8proc_ssize_t k = *p < 0x80 ? 1 : utf8proc_iterate(p, end - p, &cp);

		if (k <= 0) {
			rc = ppsbuf_add(b, REPLACEMENT, 3);
			p++;
		} else {
			rc = ppsbuf_add(b, p, (size_t)k);
			p += k;
		}
	}
	return rc ? -1 : 0;
}

int cli_sanitize_text(ppsbuf *b, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = i;

		while (run < n && !(s[run] == '\r' && run + 1 < n && s[run + 1] == '\n'))
			run++;
		if (cli_sanitize(b, s + i, run - i, "\t\n", NULL) < 0)
			return -1;
		i = run < n ? run + 1 : run; /* drop the CR of a CRLF */
	}
	return 0;
}

int cli_csv_is_formula(const char *s, size_t n)
{
	/* OWASP's list: a leading =, +, -, @, tab or carriage return starts a formula. */
	return n > 0 && strchr("=+-@\t\r", s[0]) != NULL;
}
