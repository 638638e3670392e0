/*
 * The terminal view of an inspection: short sections of escaped lines that fit a width, handed
 * to a callback (the CLI prints them, a curses pane draws them). No stdio, no colour codes.
 */
#include "cli/render_inspect.h"

#include <jansson.h>
#include <string.h>

#include "cli/inspectpriv.h"
#include "cli/renderpriv.h"

#include "util/banned.h"

/* "! words: detail" for each {"flag", "detail"} (or plain flag name) of flags. */
static void flag_lines(struct ilines *w, size_t indent, const json_t *flags)
{
	size_t i;
	const json_t *f;
	ppsbuf t = PPSBUF_INIT;
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "%*s! ", (int)indent, "");
	json_array_foreach(flags, i, f)
	{
		const char *name = json_is_string(f) ? json_string_value(f) : istr(f, "flag");
		const char *detail = istr(f, "detail");

		if (!name)
			continue;
		ppsbuf_reset(&t);
		if (ppsbuf_adds(&t, iflag_words(name)) < 0 ||
		    (detail && *detail && ppsbuf_addf(&t, ": %s", detail) < 0))
			w->oom = 1;
		ilines_text(w, prefix, indent + 2, t.buf, t.len, CLI_INSPECT_FLAG,
			    ILINES_VALUE_MAX);
	}
	ppsbuf_release(&t);
}

static const char *const header_fields[][2] = {
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

static void headers_section(struct ilines *w, const json_t *h)
{
	ppsbuf t = PPSBUF_INIT;

	ilines_heading(w, "Headers");
	for (size_t i = 0; i < sizeof(header_fields) / sizeof(header_fields[0]); i++) {
		const json_t *f = json_object_get(h, header_fields[i][0]);
		const char *utc = istr(f, "utc");

		if (!json_is_string(json_object_get(f, "value")))
			continue;
		ppsbuf_reset(&t);
		if (ppsbuf_adds(&t, istr(f, "value")) < 0 ||
		    (utc && ppsbuf_addf(&t, " (%s)", utc) < 0))
			w->oom = 1;
		ilines_text(w, header_fields[i][1], 13, t.buf, t.len, CLI_INSPECT_TEXT,
			    ILINES_VALUE_MAX);
	}
	ppsbuf_release(&t);
	flag_lines(w, 0, json_object_get(h, "flags"));
}

/* A delay as "+3s", "+2m05s", "+1h02m", "+3d04h"; negative ones as a clock skew. */
static void add_delay(ppsbuf *b, json_int_t d)
{
	const char *sign = d < 0 ? "-" : "+";
	json_int_t a = d < 0 ? -d : d;

	if (a < 60)
		ppsbuf_addf(b, "%s%llds", sign, (long long)a);
	else if (a < 3600)
		ppsbuf_addf(b, "%s%lldm%02llds", sign, (long long)(a / 60), (long long)(a % 60));
	else if (a < 86400)
		ppsbuf_addf(b, "%s%lldh%02lldm", sign, (long long)(a / 3600),
			    (long long)(a % 3600 / 60));
	else
		ppsbuf_addf(b, "%s%lldd%02lldh", sign, (long long)(a / 86400),
			    (long long)(a % 86400 / 3600));
	if (d < 0)
		ppsbuf_adds(b, " (clock skew)");
}

static void hop_lines(struct ilines *w, size_t n, const json_t *hop)
{
	ppsbuf t = PPSBUF_INIT;
	const json_t *delay = json_object_get(hop, "delay");
	const char *keys[] = { "from", "by", "with" };
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "%2zu ", n);
	for (size_t k = 0; k < 3; k++)
		if (istr(hop, keys[k]))
			ppsbuf_addf(&t, "%s%s %s", t.len ? " " : "", keys[k], istr(hop, keys[k]));
	if (!t.len && istr(hop, "raw"))
		ppsbuf_adds(&t, istr(hop, "raw"));
	ilines_text(w, prefix, 3, t.buf, t.len, CLI_INSPECT_TEXT, ILINES_VALUE_MAX);
	ppsbuf_reset(&t);
	ppsbuf_adds(&t, istr(hop, "time") ? istr(hop, "time") : "time unknown");
	if (json_is_integer(delay)) {
		ppsbuf_adds(&t, ", ");
		add_delay(&t, json_integer_value(delay));
	}
	if (json_is_true(json_object_get(hop, "first_external")))
		ppsbuf_adds(&t, ", first external hop");
	ilines_text(w, "", 3, t.buf, t.len, CLI_INSPECT_TEXT, ILINES_VALUE_MAX);
	ppsbuf_release(&t);
}

static void received_section(struct ilines *w, const json_t *hops)
{
	char title[64];
	size_t i;
	const json_t *hop;

	snprintf(title, sizeof(title), "Received (%zu hop%s, newest first)", json_array_size(hops),
		 json_array_size(hops) == 1 ? "" : "s");
	ilines_heading(w, title);
	json_array_foreach(hops, i, hop) hop_lines(w, i + 1, hop);
}

static int verdict_bad(const char *v)
{
	return v && (!strcmp(v, "fail") || !strcmp(v, "softfail") || !strcmp(v, "permerror"));
}

/* One Authentication-Results header: "id: spf=pass dkim=pass (d=x) dmarc=fail (p=reject)". */
static void auth_result(ppsbuf *t, const json_t *r)
{
	const json_t *spf = json_object_get(r, "spf"), *dmarc = json_object_get(r, "dmarc");
	const json_t *d;
	size_t i;

	ppsbuf_addf(t, "%s:", istr(r, "authserv_id") ? istr(r, "authserv_id") : "(no id)");
	if (istr(spf, "result"))
		ppsbuf_addf(t, " spf=%s", istr(spf, "result"));
	if (istr(spf, "smtp_mailfrom"))
		ppsbuf_addf(t, " (mailfrom %s)", istr(spf, "smtp_mailfrom"));
	json_array_foreach(json_object_get(r, "dkim"), i, d)
		ppsbuf_addf(t, " dkim=%s (d=%s)", istr(d, "result") ? istr(d, "result") : "?",
			    istr(d, "d") ? istr(d, "d") : "?");
	if (istr(dmarc, "result"))
		ppsbuf_addf(t, " dmarc=%s", istr(dmarc, "result"));
	if (istr(dmarc, "header_from") || istr(dmarc, "policy"))
		ppsbuf_addf(t, " (from %s, p=%s)",
			    istr(dmarc, "header_from") ? istr(dmarc, "header_from") : "?",
			    istr(dmarc, "policy") ? istr(dmarc, "policy") : "?");
	if (istr(json_object_get(r, "arc"), "result"))
		ppsbuf_addf(t, " arc=%s", istr(json_object_get(r, "arc"), "result"));
}

static void auth_section(struct ilines *w, const json_t *a)
{
	const char *checks[][2] = { { "spf", "SPF" }, { "dmarc", "DMARC" }, { "arc", "ARC" } };
	const json_t *d, *r;
	ppsbuf t = PPSBUF_INIT;
	size_t i;

	ilines_heading(w, "Authentication");
	for (size_t k = 0; k < 3; k++) {
		const char *v = istr(a, checks[k][0]);

		ppsbuf_addf(&t, "%s%s %s", k ? "   " : "", checks[k][1], v ? v : "none");
	}
	json_array_foreach(json_object_get(a, "dkim"), i, d)
		ppsbuf_addf(&t, "%sDKIM %s (d=%s)", i ? ", " : "   ",
			    istr(d, "result") ? istr(d, "result") : "?",
			    istr(d, "d") ? istr(d, "d") : "?");
	if (!json_array_size(json_object_get(a, "dkim")))
		ppsbuf_adds(&t, "   DKIM none");
	ilines_text(w, "", 0, t.buf, t.len, CLI_INSPECT_TEXT, ILINES_VALUE_MAX);
	for (size_t k = 0; k < 2; k++) {
		const char *v = istr(a, checks[k][0]);

		if (!verdict_bad(v))
			continue;
		ppsbuf_reset(&t);
		ppsbuf_addf(&t, "%s %s", checks[k][1], v);
		ilines_text(w, "! ", 2, t.buf, t.len, CLI_INSPECT_FLAG, 1);
	}
	json_array_foreach(json_object_get(a, "results"), i, r)
	{
		ppsbuf_reset(&t);
		auth_result(&t, r);
		ilines_text(w, "  ", 4, t.buf, t.len, CLI_INSPECT_TEXT, ILINES_VALUE_MAX);
	}
	r = json_object_get(a, "received_spf");
	if (istr(r, "result")) {
		ppsbuf_reset(&t);
		ppsbuf_addf(&t, "Received-SPF: %s", istr(r, "result"));
		ilines_text(w, "  ", 4, t.buf, t.len, CLI_INSPECT_TEXT, ILINES_VALUE_MAX);
	}
	ppsbuf_release(&t);
}

/* Lines of the body's excerpt shown at most. */
#define BODY_LINES 24

static void body_section(struct ilines *w, const json_t *body)
{
	const char *text = istr(body, "text"), *p, *end;
	char title[160];
	int budget = BODY_LINES, blank = 1;

	snprintf(title, sizeof(title), "Body (%.40s%s%.40s, %lld characters%s)",
		 istr(body, "type") ? istr(body, "type") : "none",
		 istr(body, "charset") ? ", " : "",
		 istr(body, "charset") ? istr(body, "charset") : "",
		 (long long)json_integer_value(json_object_get(body, "length")),
		 json_is_true(json_object_get(body, "truncated")) ? ", cut" : "");
	ilines_heading(w, title);
	if (!text)
		return;
	end = text + json_string_length(json_object_get(body, "text"));
	for (p = text; p < end && budget > 0 && !w->oom;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int is_blank = 1;

		for (size_t k = 0; k < n; k++)
			is_blank &= p[k] == ' ' || p[k] == '\t' || p[k] == '\r';
		if (!(is_blank && blank)) {
			ppsbuf_reset(&w->safe);
			ppsbuf_reset(&w->line);
			/* The text's links defanged too (w->line is free until the wrap). */
			if (cli_defang(&w->line, p, n) < 0 ||
			    cli_add_display(&w->safe, w->line.buf, w->line.len, &(size_t){ 0 }) < 0)
				w->oom = 1;
			budget -= ilines_wrap(w, "  ", 2, CLI_INSPECT_TEXT, budget);
		}
		blank = is_blank;
		p += n + (nl != NULL);
	}
	if (p < end && !w->oom)
		ilines_plain(w, "  \u2026", CLI_INSPECT_TEXT);
}

static void source_lines(struct ilines *w, const json_t *src)
{
	ppsbuf t = PPSBUF_INIT;
	const json_t *size = json_object_get(src, "size");

	if (istr(src, "file"))
		ilines_str(w, "File", 13, json_object_get(src, "file"), CLI_INSPECT_TEXT);
	if (istr(src, "guid"))
		ilines_str(w, "GUID", 13, json_object_get(src, "guid"), CLI_INSPECT_TEXT);
	if (json_is_integer(size))
		ppsbuf_addf(&t, "%lld bytes", (long long)json_integer_value(size));
	if (t.len)
		ilines_text(w, "Size", 13, t.buf, t.len, CLI_INSPECT_TEXT, ILINES_VALUE_MAX);
	ilines_str(w, "SHA-256", 13, json_object_get(src, "sha256"), CLI_INSPECT_TEXT);
	ppsbuf_release(&t);
}

int cli_inspect_lines(const json_t *inspection, int width, cli_inspect_line_fn line, void *ctx)
{
	struct ilines w = { .width = width > 0 && width < 20 ? 20 : width, .fn = line, .ctx = ctx };

	w.width = w.width < 0 ? 0 : w.width;
	source_lines(&w, json_object_get(inspection, "source"));
	headers_section(&w, json_object_get(inspection, "headers"));
	received_section(&w, json_object_get(inspection, "received"));
	auth_section(&w, json_object_get(inspection, "auth"));
	body_section(&w, json_object_get(inspection, "body"));
	ilines_urls(&w, json_object_get(inspection, "urls"));
	ilines_attachments(&w, json_object_get(inspection, "attachments"));
	ilines_warnings(&w, json_object_get(inspection, "warnings"));
	ppsbuf_release(&w.line);
	ppsbuf_release(&w.safe);
	return w.oom ? -1 : 0;
}
