/*
 * An inspection as markdown for a ticket: headings, tables whose cells have their pipes and
 * markup escaped, URLs defanged, the body as an indented code block. Appends to a buffer.
 */
#include <jansson.h>
#include <string.h>

#include "cli/inspectpriv.h"
#include "cli/render_inspect.h"
#include "cli/sanitize.h"

#include "util/banned.h"

/* A cell: controls and bidi escaped, line breaks as spaces, markdown's specials backslashed. */
static int md_text(ppsbuf *b, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = i;

		while (run < n && !strchr("\\|`*_[]<>#!\r\n\t", s[run]))
			run++;
		if (cli_sanitize(b, s + i, run - i, NULL, NULL) < 0)
			return -1;
		if (run >= n)
			break;
		if (strchr("\r\n\t", s[run])
			    ? ppsbuf_addch(b, ' ') < 0
			    : ppsbuf_addch(b, '\\') < 0 || ppsbuf_addch(b, s[run]) < 0)
			return -1;
		i = run + 1;
	}
	return 0;
}

static int md_str(ppsbuf *b, const char *s)
{
	return s ? md_text(b, s, strlen(s)) : 0;
}

static int md_url(ppsbuf *b, const char *url)
{
	ppsbuf t = PPSBUF_INIT;
	int rc = 0;

	if (url)
		rc = cli_defang(&t, url, strlen(url)) < 0 || md_text(b, t.buf, t.len) < 0 ? -1 : 0;
	ppsbuf_release(&t);
	return rc;
}

static int md_list(ppsbuf *b, const json_t *list, int words)
{
	size_t i;
	const json_t *v;

	json_array_foreach(list, i, v)
	{
		const char *s = json_is_string(v) ? json_string_value(v) : istr(v, "flag");

		if (s && ((i && ppsbuf_adds(b, ", ") < 0) || md_str(b, words ? iflag_words(s) : s)))
			return -1;
	}
	return 0;
}

static const char *const md_headers[][2] = {
	{ "from", "From" },
	{ "sender", "Sender" },
	{ "reply_to", "Reply-To" },
	{ "return_path", "Return-Path" },
	{ "to", "To" },
	{ "cc", "Cc" },
	{ "subject", "Subject" },
	{ "date", "Date" },
	{ "message_id", "Message-ID" },
};

static int md_headers_section(ppsbuf *b, const json_t *h)
{
	size_t i;
	const json_t *f;
	int rc = ppsbuf_adds(b, "\n## Headers\n\n| Field | Value |\n|---|---|\n");

	for (size_t k = 0; k < sizeof(md_headers) / sizeof(md_headers[0]) && !rc; k++) {
		const char *v = istr(json_object_get(h, md_headers[k][0]), "value");

		if (v)
			rc = ppsbuf_addf(b, "| %s | ", md_headers[k][1]) < 0 || md_str(b, v) ||
			     ppsbuf_adds(b, " |\n") < 0;
	}
	json_array_foreach(json_object_get(h, "flags"), i, f)
	{
		if (!rc && !i)
			rc = ppsbuf_adds(b, "\n**Flags**\n\n") < 0;
		if (!rc)
			rc = ppsbuf_adds(b, "- ") < 0 ||
			     md_str(b, iflag_words(istr(f, "flag") ? istr(f, "flag") : "?")) ||
			     (istr(f, "detail") &&
			      (ppsbuf_adds(b, ": ") < 0 || md_str(b, istr(f, "detail")))) ||
			     ppsbuf_addch(b, '\n') < 0;
	}
	return rc ? -1 : 0;
}

static int md_received(ppsbuf *b, const json_t *hops)
{
	size_t i;
	const json_t *hop;
	int rc = ppsbuf_adds(b, "\n## Received (newest first)\n\n"
				"| # | From | By | With | Time | Delay (s) | First external |\n"
				"|---|---|---|---|---|---|---|\n") < 0;

	json_array_foreach(hops, i, hop)
	{
		const json_t *d = json_object_get(hop, "delay");

		if (rc)
			break;
		rc = ppsbuf_addf(b, "| %zu | ", i + 1) < 0 || md_str(b, istr(hop, "from")) ||
		     ppsbuf_adds(b, " | ") < 0 || md_str(b, istr(hop, "by")) ||
		     ppsbuf_adds(b, " | ") < 0 || md_str(b, istr(hop, "with")) ||
		     ppsbuf_adds(b, " | ") < 0 || md_str(b, istr(hop, "time")) ||
		     (json_is_integer(d)
			      ? ppsbuf_addf(b, " | %lld | ", (long long)json_integer_value(d))
			      : ppsbuf_adds(b, " |  | ")) < 0 ||
		     ppsbuf_addf(b, "%s |\n",
				 json_is_true(json_object_get(hop, "first_external")) ? "yes"
										      : "") < 0;
	}
	return rc ? -1 : 0;
}

static int md_auth(ppsbuf *b, const json_t *a)
{
	size_t i;
	const json_t *d;
	int rc = ppsbuf_adds(
			 b, "\n## Authentication\n\n| Check | Result | Domain |\n|---|---|---|\n") <
		 0;
	const char *checks[][2] = { { "spf", "SPF" }, { "dmarc", "DMARC" }, { "arc", "ARC" } };

	for (size_t k = 0; k < 3 && !rc; k++)
		rc = ppsbuf_addf(b, "| %s | ", checks[k][1]) < 0 ||
		     md_str(b, istr(a, checks[k][0]) ? istr(a, checks[k][0]) : "none") ||
		     ppsbuf_adds(b, " |  |\n") < 0;
	json_array_foreach(json_object_get(a, "dkim"), i, d)
	{
		if (!rc)
			rc = ppsbuf_adds(b, "| DKIM | ") < 0 || md_str(b, istr(d, "result")) ||
			     ppsbuf_adds(b, " | ") < 0 || md_str(b, istr(d, "d")) ||
			     ppsbuf_adds(b, " |\n") < 0;
	}
	return rc ? -1 : 0;
}

/* The body as an indented code block: every line starts with four spaces, nothing escapes. */
static int md_body(ppsbuf *b, const json_t *body)
{
	const char *text = istr(body, "text");
	size_t n = json_string_length(json_object_get(body, "text")), i = 0;
	ppsbuf t = PPSBUF_INIT;
	int rc = ppsbuf_addf(b, "\n## Body (%s%s)\n\n",
			     istr(body, "type") ? istr(body, "type") : "none",
			     json_is_true(json_object_get(body, "truncated")) ? ", cut" : "") < 0;

	while (text && i < n && !rc) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (text + i)) : n - i;
		size_t shown = len && text[i + len - 1] == '\r' ? len - 1 : len; /* CRLF */

		ppsbuf_reset(&t);
		rc = cli_defang(&t, text + i, shown) < 0 || ppsbuf_adds(b, "    ") < 0 ||
		     cli_sanitize(b, t.buf, t.len, "\t", NULL) < 0 || ppsbuf_addch(b, '\n') < 0;
		i += len + 1;
	}
	ppsbuf_release(&t);
	return rc ? -1 : 0;
}

static int md_urls(ppsbuf *b, const json_t *urls)
{
	size_t i;
	const json_t *u;
	int rc = ppsbuf_adds(b,
			     "\n## URLs\n\n| # | URL | Found in | Link text | URL Defense link | "
			     "Flags |\n|---|---|---|---|---|---|\n") < 0;

	json_array_foreach(urls, i, u)
	{
		if (!rc)
			rc = ppsbuf_addf(b, "| %zu | ", i + 1) < 0 || md_url(b, istr(u, "url")) ||
			     ppsbuf_adds(b, " | ") < 0 ||
			     md_list(b, json_object_get(u, "found_in"), 0) ||
			     ppsbuf_adds(b, " | ") < 0 || md_url(b, istr(u, "anchor_text")) ||
			     ppsbuf_adds(b, " | ") < 0 || md_url(b, istr(u, "rewritten_from")) ||
			     ppsbuf_adds(b, " | ") < 0 ||
			     md_list(b, json_object_get(u, "flags"), 1) ||
			     ppsbuf_adds(b, " |\n") < 0;
	}
	return rc ? -1 : 0;
}

static int md_attachments(ppsbuf *b, const json_t *atts)
{
	size_t i;
	const json_t *a;
	int rc = ppsbuf_adds(b, "\n## Attachments\n\n| # | Filename | Declared | Detected | Size | "
				"SHA-256 | SHA-1 | MD5 | Flags |\n"
				"|---|---|---|---|---|---|---|---|---|\n") < 0;

	json_array_foreach(atts, i, a)
	{
		if (!rc)
			rc = ppsbuf_addf(b, "| %zu | ", i + 1) < 0 ||
			     md_str(b, istr(a, "filename")) || ppsbuf_adds(b, " | ") < 0 ||
			     md_str(b, istr(a, "declared_type")) || ppsbuf_adds(b, " | ") < 0 ||
			     md_str(b, istr(a, "detected_type")) ||
			     ppsbuf_addf(b, " | %lld | ",
					 (long long)json_integer_value(
						 json_object_get(a, "size"))) < 0 ||
			     md_str(b, istr(a, "sha256")) || ppsbuf_adds(b, " | ") < 0 ||
			     md_str(b, istr(a, "sha1")) || ppsbuf_adds(b, " | ") < 0 ||
			     md_str(b, istr(a, "md5")) || ppsbuf_adds(b, " | ") < 0 ||
			     md_list(b, json_object_get(a, "flags"), 1) ||
			     ppsbuf_adds(b, " |\n") < 0;
	}
	return rc ? -1 : 0;
}

static int md_warnings(ppsbuf *b, const json_t *warnings)
{
	size_t i;
	const json_t *v;
	int rc = ppsbuf_adds(b, "\n## Warnings\n\n") < 0;

	if (!json_array_size(warnings))
		rc = rc || ppsbuf_adds(b, "None.\n") < 0;
	json_array_foreach(warnings, i, v)
	{
		if (!rc)
			rc = ppsbuf_adds(b, "- ") < 0 || md_str(b, istr(v, "code")) ||
			     ppsbuf_adds(b, ": ") < 0 || md_str(b, istr(v, "message")) ||
			     ppsbuf_addch(b, '\n') < 0;
	}
	return rc ? -1 : 0;
}

int cli_inspect_markdown(ppsbuf *b, const json_t *inspection)
{
	const json_t *src = json_object_get(inspection, "source");
	const char *what = istr(src, "file") ? istr(src, "file") : istr(src, "guid");

	if (ppsbuf_adds(b, "# Message inspection: ") < 0 || md_str(b, what ? what : "message") ||
	    ppsbuf_addch(b, '\n') < 0)
		return -1;
	if (istr(src, "sha256") && (ppsbuf_adds(b, "\nSHA-256 of the message: ") < 0 ||
				    md_str(b, istr(src, "sha256")) || ppsbuf_addch(b, '\n') < 0))
		return -1;
	if (md_headers_section(b, json_object_get(inspection, "headers")) ||
	    md_received(b, json_object_get(inspection, "received")) ||
	    md_auth(b, json_object_get(inspection, "auth")) ||
	    md_body(b, json_object_get(inspection, "body")) ||
	    md_urls(b, json_object_get(inspection, "urls")) ||
	    md_attachments(b, json_object_get(inspection, "attachments")) ||
	    md_warnings(b, json_object_get(inspection, "warnings")))
		return -1;
	return 0;
}
