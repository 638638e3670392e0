/*
 * The terminal view's URLs, Attachments and Warnings sections. URLs are shown defanged
 * (cli_defang, render_inspect_lines.c) and escaped, never as something a terminal would make a
 * live link of.
 */
#include <jansson.h>
#include <string.h>

#include "cli/inspectpriv.h"
#include "cli/render_inspect.h"

#include "util/banned.h"

/* "label" + the defanged url as one wrapped entry. */
static void url_line(struct ilines *w, const char *prefix, size_t indent, const char *label,
		     const char *url, int maxlines)
{
	ppsbuf t = PPSBUF_INIT;

	if (ppsbuf_adds(&t, label) < 0 || cli_defang(&t, url, strlen(url)) < 0)
		w->oom = 1;
	ilines_text(w, prefix, indent, t.buf, t.len, CLI_INSPECT_TEXT, maxlines);
	ppsbuf_release(&t);
}

/* A list of strings joined by ", " after label. */
static void join_line(struct ilines *w, const char *label, const json_t *list)
{
	ppsbuf t = PPSBUF_INIT;
	size_t i;
	const json_t *v;

	json_array_foreach(list, i, v)
	{
		if (!json_is_string(v))
			continue;
		if (ppsbuf_addf(&t, "%s%s", t.len ? ", " : label, json_string_value(v)) < 0)
			w->oom = 1;
	}
	if (t.len)
		ilines_text(w, "", 3, t.buf, t.len, CLI_INSPECT_TEXT, ILINES_VALUE_MAX);
	ppsbuf_release(&t);
}

static void flag_list(struct ilines *w, const json_t *flags, const char *skip)
{
	size_t i;
	const json_t *f;

	json_array_foreach(flags, i, f)
	{
		const char *name = json_string_value(f);

		if (name && (!skip || strcmp(name, skip) != 0))
			ilines_text(w, "   ! ", 5, iflag_words(name), strlen(iflag_words(name)),
				    CLI_INSPECT_FLAG, 1);
	}
}

void ilines_urls(struct ilines *w, const json_t *urls)
{
	char title[48], prefix[32];
	size_t i;
	const json_t *u;

	snprintf(title, sizeof(title), "URLs (%zu)", json_array_size(urls));
	ilines_heading(w, title);
	json_array_foreach(urls, i, u)
	{
		const char *url = istr(u, "url"), *anchor = istr(u, "anchor_text");
		const char *rw = istr(u, "rewritten_from");

		if (!url)
			continue;
		snprintf(prefix, sizeof(prefix), "%2zu ", i + 1);
		url_line(w, prefix, 3, "", url, ILINES_VALUE_MAX);
		join_line(w, "found in ", json_object_get(u, "found_in"));
		if (anchor) {
			ppsbuf t = PPSBUF_INIT;

			if (ppsbuf_adds(&t, "link text: ") < 0 ||
			    cli_defang(&t, anchor, strlen(anchor)) < 0)
				w->oom = 1;
			ilines_text(w, "", 3, t.buf, t.len, CLI_INSPECT_TEXT, 2);
			ppsbuf_release(&t);
		}
		if (rw)
			url_line(w, "", 3, "URL Defense link: ", rw, 2);
		flag_list(w, json_object_get(u, "flags"), rw ? "urldefense" : NULL);
	}
}

static void attachment_lines(struct ilines *w, size_t n, const json_t *a)
{
	ppsbuf t = PPSBUF_INIT;
	const char *name = istr(a, "filename"), *decl = istr(a, "declared_type");
	const char *det = istr(a, "detected_type"), *hashes[] = { "sha256", "sha1", "md5" };
	char prefix[32], fallback[48];

	snprintf(prefix, sizeof(prefix), "%2zu ", n);
	snprintf(fallback, sizeof(fallback), "(no name, part %s)",
		 istr(a, "path") ? istr(a, "path") : "?");
	ilines_text(w, prefix, 3, name ? name : fallback, strlen(name ? name : fallback),
		    CLI_INSPECT_TEXT, 2);
	if (ppsbuf_addf(&t, "%s, detected %s, %lld bytes", decl ? decl : "no declared type",
			det ? det : "unknown",
			(long long)json_integer_value(json_object_get(a, "size"))) < 0 ||
	    (istr(a, "path") && ppsbuf_addf(&t, ", part %s", istr(a, "path")) < 0))
		w->oom = 1;
	ilines_text(w, "", 3, t.buf, t.len, CLI_INSPECT_TEXT, ILINES_VALUE_MAX);
	for (size_t k = 0; k < 3; k++) {
		if (!istr(a, hashes[k]))
			continue;
		ppsbuf_reset(&t);
		if (ppsbuf_addf(&t, "%-7s%s", hashes[k], istr(a, hashes[k])) < 0)
			w->oom = 1;
		ilines_text(w, "", 3, t.buf, t.len, CLI_INSPECT_TEXT, 2);
	}
	ppsbuf_release(&t);
	flag_list(w, json_object_get(a, "flags"), NULL);
}

void ilines_attachments(struct ilines *w, const json_t *atts)
{
	char title[48];
	size_t i;
	const json_t *a;

	snprintf(title, sizeof(title), "Attachments (%zu)", json_array_size(atts));
	ilines_heading(w, title);
	json_array_foreach(atts, i, a) attachment_lines(w, i + 1, a);
}

void ilines_warnings(struct ilines *w, const json_t *warnings)
{
	char title[48];
	size_t i;
	const json_t *v;
	ppsbuf t = PPSBUF_INIT;

	snprintf(title, sizeof(title), "Warnings (%zu)", json_array_size(warnings));
	ilines_heading(w, title);
	json_array_foreach(warnings, i, v)
	{
		ppsbuf_reset(&t);
		if (ppsbuf_addf(&t, "%s: %s", istr(v, "code") ? istr(v, "code") : "warning",
				istr(v, "message") ? istr(v, "message") : "") < 0)
			w->oom = 1;
		ilines_text(w, "! ", 2, t.buf, t.len, CLI_INSPECT_FLAG, ILINES_VALUE_MAX);
	}
	ppsbuf_release(&t);
}
