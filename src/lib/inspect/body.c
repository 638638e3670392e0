/*
 * The body section: the text part (or the HTML part as text) as a bounded excerpt, and the
 * links of both. The text is read decoded and converted to UTF-8 by GMime, at most
 * PPS__INSP_TEXT_MAX bytes of it.
 */
#include <string.h>

#include "lib/inspect/inspect_int.h"

#include "util/banned.h"

static json_t *body_new(pps__insp *st, GMimeObject *part, const char *type, const char *text,
			int cut)
{
	json_t *b = json_object();
	const char *cs = g_mime_object_get_content_type_parameter(part, "charset");
	size_t len = strlen(text);
	char *excerpt = pps__insp_utf8_dup(text, len, st->o.body_excerpt);
	size_t kept = strlen(excerpt);

	json_object_set_new(b, "type", json_string(type));
	pps__insp_set(b, "charset", cs ? pps__insp_str(cs) : NULL);
	json_object_set_new(b, "text", json_string(excerpt));
	json_object_set_new(b, "length", json_integer((json_int_t)g_utf8_strlen(text, -1)));
	json_object_set_new(b, "truncated", json_boolean(cut || kept < len));
	if (cut)
		pps__insp_warn(st, "truncated", "the body text was read up to %zu bytes",
			       (size_t)PPS__INSP_TEXT_MAX);
	g_free(excerpt);
	return b;
}

json_t *pps__insp_body(pps__insp *st)
{
	char *text = NULL, *html = NULL;
	size_t tlen = 0, hlen = 0;
	int tcut = 0, hcut = 0;
	json_t *b = NULL;

	if (st->text_part) {
		text = pps__insp_part_text(st, GMIME_PART(st->text_part), PPS__INSP_TEXT_MAX, &tlen,
					   &tcut);
		pps__insp_urls_scan(st, text, tlen, "text");
	}
	if (st->html_part) {
		html = pps__insp_part_text(st, GMIME_PART(st->html_part), PPS__INSP_TEXT_MAX, &hlen,
					   &hcut);
		st->html_text = pps__insp_html(st, html, hlen);
	}
	if (text)
		b = body_new(st, st->text_part, "text/plain", text, tcut);
	else if (st->html_text)
		b = body_new(st, st->html_part, "text/html", st->html_text, hcut);
	g_free(text);
	g_free(html);
	return b;
}
