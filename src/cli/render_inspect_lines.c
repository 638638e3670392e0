/*
 * The line primitives of the inspection views: the line writer that wraps escaped text to a
 * width, section titles, members' strings, flag words and defanging. Used by render_inspect.c,
 * render_inspect_parts.c, render_inspect_md.c and inspect_iocs.c; calls none of them.
 */
#include <jansson.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "cli/inspectpriv.h"
#include "cli/render_inspect.h"
#include "cli/renderpriv.h"

#include "util/banned.h"

const char *istr(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* Bytes of s (len) that fit in avail columns; *brk the byte after the last space before it. */
static size_t fit(const char *s, size_t len, size_t avail, size_t *brk, size_t *used)
{
	size_t i = 0, w = 0;

	*brk = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(len - i), &cp);
		size_t cw;

		if (n <= 0) {
			n = 1;
			cp = 0xfffd;
		}
		cw = cli_char_width(cp);
		if (w + cw > avail)
			break;
		if (cp == ' ')
			*brk = i + 1;
		w += cw;
		i += (size_t)n;
	}
	*used = w;
	return i;
}

static void pad(struct ilines *w, size_t from, size_t to)
{
	while (from++ < to)
		if (ppsbuf_addch(&w->line, ' ') < 0)
			w->oom = 1;
}

static void emit(struct ilines *w, int attr)
{
	if (!w->oom)
		w->fn(w->ctx, w->line.buf, attr);
	w->any = 1;
}

/* One line of safe text from pos: how far it went. */
static size_t one_line(struct ilines *w, size_t pos, size_t avail, int last)
{
	const char *s = w->safe.buf + pos;
	size_t len = w->safe.len - pos, brk, used, end;

	end = fit(s, len, avail, &brk, &used);
	if (end < len && last) {
		/* The last line allowed: cut to make room for the ellipsis. */
		end = fit(s, len, avail > 1 ? avail - 1 : 0, &brk, &used);
		if (ppsbuf_add(&w->line, s, end) < 0 || ppsbuf_adds(&w->line, "\u2026") < 0)
			w->oom = 1;
		return len;
	}
	/* Break at a space when it leaves at least half a line; else within the word. */
	if (end < len && brk > end / 2)
		end = brk;
	if (end == 0 && len)
		end = 1; /* a character wider than the space: shown, never looped on */
	if (ppsbuf_add(&w->line, s, end) < 0)
		w->oom = 1;
	return end;
}

int ilines_wrap(struct ilines *w, const char *prefix, size_t indent, int attr, int maxlines)
{
	size_t plen = strlen(prefix), pos = 0, first;
	int lines = 0;

	/* A narrow width keeps at least half of itself for the text. */
	if (w->width > 0 && indent > (size_t)w->width / 2)
		indent = (size_t)w->width / 2;
	first = plen > indent ? plen : indent;

	do {
		size_t lead = lines ? indent : first, avail = SIZE_MAX;

		if (w->width > 0)
			avail = (size_t)w->width > lead + 8 ? (size_t)w->width - lead : 8;
		ppsbuf_reset(&w->line);
		if (!lines && ppsbuf_adds(&w->line, prefix) < 0)
			w->oom = 1;
		pad(w, lines ? 0 : plen, lead);
		if (lines)
			while (pos < w->safe.len && w->safe.buf[pos] == ' ')
				pos++;
		pos += one_line(w, pos, avail, maxlines > 0 && lines + 1 >= maxlines);
		while (w->line.len && w->line.buf[w->line.len - 1] == ' ')
			ppsbuf_setlen(&w->line, w->line.len - 1);
		emit(w, attr);
		lines++;
	} while (pos < w->safe.len && !w->oom);
	return lines;
}

void ilines_text(struct ilines *w, const char *prefix, size_t indent, const char *text, size_t n,
		 int attr, int maxlines)
{
	size_t dw = 0;

	if (w->oom)
		return;
	ppsbuf_reset(&w->safe);
	if (cli_add_display(&w->safe, text, n, &dw) < 0) {
		w->oom = 1;
		return;
	}
	ilines_wrap(w, prefix, indent, attr, maxlines);
}

void ilines_str(struct ilines *w, const char *prefix, size_t indent, const json_t *v, int attr)
{
	if (json_is_string(v))
		ilines_text(w, prefix, indent, json_string_value(v), json_string_length(v), attr,
			    ILINES_VALUE_MAX);
}

void ilines_plain(struct ilines *w, const char *text, int attr)
{
	ilines_text(w, "", 0, text, strlen(text), attr, 1);
}

void ilines_heading(struct ilines *w, const char *title)
{
	if (w->any) {
		ppsbuf_reset(&w->line);
		emit(w, CLI_INSPECT_TEXT);
	}
	size_t dw = 0;

	/* A title may carry the message's words (the body's type and charset): escaped. */
	ppsbuf_reset(&w->safe);
	if (ppsbuf_adds(&w->safe, "== ") < 0 ||
	    cli_add_display(&w->safe, title, strlen(title), &dw) < 0 ||
	    ppsbuf_adds(&w->safe, " ==") < 0) {
		w->oom = 1;
		return;
	}
	ilines_wrap(w, "", 0, CLI_INSPECT_HEADING, 1);
}

static const char *const flag_words[][2] = {
	{ "display_name_address", "From's display name holds another address" },
	{ "reply_to_domain", "Reply-To's domain differs from From's" },
	{ "return_path_domain", "Return-Path's domain differs from From's" },
	{ "mixed_script_subject", "the subject mixes scripts (confusable characters)" },
	{ "mixed_script_name", "a display name mixes scripts (confusable characters)" },
	{ "anchor_host_mismatch", "the link's text names another host" },
	{ "ip_host", "the host is an IP address" },
	{ "punycode", "the host is punycode (an international name)" },
	{ "urldefense", "rewritten by URL Defense" },
	{ "type_mismatch", "the declared type is not what the content is" },
	{ "double_extension", "double extension" },
	{ "macro_capable", "macro-capable Office type" },
	{ "executable", "executable" },
	{ "encrypted_archive", "encrypted archive" },
	{ "nested_message", "a message inside the message" },
};

const char *iflag_words(const char *flag)
{
	for (size_t i = 0; i < sizeof(flag_words) / sizeof(flag_words[0]); i++)
		if (!strcmp(flag, flag_words[i][0]))
			return flag_words[i][1];
	return flag;
}

/* The length of the web scheme ("https://") at s, and its defanged form in *to; 0 if none. */
static size_t web_scheme(const char *s, size_t n, const char **to)
{
	static const char *const schemes[][2] = {
		{ "https://", "hxxps://" },
		{ "http://", "hxxp://" },
		{ "ftp://", "fxp://" },
	};

	for (size_t k = 0; k < sizeof(schemes) / sizeof(schemes[0]); k++) {
		size_t sl = strlen(schemes[k][0]);

		if (n >= sl && strncasecmp(s, schemes[k][0], sl) == 0) {
			*to = schemes[k][1];
			return sl;
		}
	}
	return 0;
}

int cli_defang(ppsbuf *b, const char *url, size_t n)
{
	size_t i = 0;

	/* Every web URL in the text, the one a URL Defense link wraps included. */
	while (i < n) {
		const char *to;
		size_t sl = web_scheme(url + i, n - i, &to);

		if (!sl) {
			if (ppsbuf_addch(b, url[i++]) < 0)
				return -1;
			continue;
		}
		if (ppsbuf_adds(b, to) < 0)
			return -1;
		for (i += sl; i < n && !strchr("/?#\\ \"'<>", url[i]); i++)
			if (url[i] == '.' ? ppsbuf_adds(b, "[.]") < 0 : ppsbuf_addch(b, url[i]) < 0)
				return -1;
	}
	return 0;
}
