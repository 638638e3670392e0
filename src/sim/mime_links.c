/*
 * The text and HTML bodies of a generated message and the links in them: the sender's site,
 * a tracking image, a phishing page behind a brand's name, a download. Inbound links may come
 * rewritten by Proofpoint URL Defense (v2 or v3), encoded so that the published decoders give
 * the original back. Escaping is GLib's (URI and markup); nothing of the message format here.
 */
#include "sim/mime_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

enum where { HREF, IMG, FORM };

struct link {
	char url[256];	 /* the original */
	char anchor[96]; /* the anchor text ("" for an image or a form) */
	enum where where;
	GString *shown; /* the URL as the message carries it (maybe rewritten) */
};

#define MAX_LINKS 5

void sim_mime_token(rng *r, char *out, size_t n, const char *alphabet)
{
	size_t len = strlen(alphabet);

	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[below(r, (uint32_t)len)];
	out[n] = '\0';
}

/*
 * URL Defense v2: the URL percent-encoded, then '%' written '-' and '/' written '_' (so a '-'
 * or '_' of its own goes as -2D or -5F), then the customer's and the message's tokens.
 */
static void urldefense_v2(rng *r, GString *out, const char *url)
{
	static const char *const keys[] = { "&c=", "&r=", "&m=", "&s=" };
	static const size_t lens[] = { 22, 43, 43, 43 };
	char *esc = g_uri_escape_string(url, "/", FALSE);
	char tok[48];

	g_string_append(out, "https://urldefense.proofpoint.com/v2/url?u=");
	for (const char *p = esc; *p; p++) {
		switch (*p) {
		case '%':
			g_string_append_c(out, '-');
			break;
		case '/':
			g_string_append_c(out, '_');
			break;
		case '-':
			g_string_append(out, "-2D");
			break;
		case '_':
			g_string_append(out, "-5F");
			break;
		default:
			g_string_append_c(out, *p);
			break;
		}
	}
	g_free(esc);
	g_string_append(out, "&d=DwMFaQ");
	for (size_t i = 0; i < 4; i++) {
		sim_mime_token(r, tok, lens[i], SIM_MIME_B64URL);
		g_string_append(out, keys[i]);
		g_string_append(out, tok);
	}
	g_string_append(out, "&e=");
}

/*
 * URL Defense v3: the URL between "__" with each character URL Defense will not carry put as
 * '*', those characters in order as unpadded base64url after "__;", then "!!" and the tokens,
 * closed by '$'.
 */
static void urldefense_v3(rng *r, GString *out, const char *url)
{
	GString *cut = g_string_new(NULL);
	char tok1[16], tok2[48];

	g_string_append(out, "https://urldefense.com/v3/__");
	for (const char *p = url; *p; p++) {
		if (strchr("&#*!$%;,'()", *p)) {
			g_string_append_c(out, '*');
			g_string_append_c(cut, *p);
		} else {
			g_string_append_c(out, *p);
		}
	}
	g_string_append(out, "__;");
	if (cut->len) {
		gchar *b64 = g_base64_encode((const guchar *)cut->str, cut->len);

		for (char *p = b64; *p && *p != '='; p++)
			g_string_append_c(out, *p == '+' ? '-' : *p == '/' ? '_' : *p);
		g_free(b64);
	}
	g_string_free(cut, TRUE);
	sim_mime_token(r, tok1, 14, SIM_MIME_B64URL);
	sim_mime_token(r, tok2, 40 + below(r, 8), SIM_MIME_B64URL);
	g_string_append_printf(out, "!!%s!%s$", tok1, tok2);
}

static struct link *add_link(struct link *l, size_t *n, enum where w, const char *anchor)
{
	struct link *k = &l[(*n)++];

	k->where = w;
	snprintf(k->anchor, sizeof(k->anchor), "%s", anchor);
	return k;
}

static const struct brand {
	const char *name, *site;
} brands[] = { { "PayPal", "www.paypal.com" },
	       { "Microsoft 365", "login.microsoftonline.com" },
	       { "DHL Express", "www.dhl.com" },
	       { "DocuSign", "www.docusign.net" } };

/* The links of m into l (up to MAX_LINKS); how many. */
static size_t pick_links(rng *r, const struct sim_mail *m, struct link *l, char *unsub, size_t len)
{
	const char *dom = domain_of(m->from);
	char tok[24];
	size_t n = 0;
	struct link *k;

	unsub[0] = '\0';
	sim_mime_token(r, tok, 12, "abcdefghijklmnopqrstuvwxyz0123456789");
	switch (m->k) {
	case K_PHISH: {
		const struct brand *b = &brands[below(r, 4)];

		k = add_link(l, &n, HREF, "");
		snprintf(k->url, sizeof(k->url), "http://secure-%s.%s/login.php?session=%s&lang=en",
			 tok, dom, tok + 6);
		snprintf(k->anchor, sizeof(k->anchor), "https://%s/signin", b->site);
		k = add_link(l, &n, FORM, "");
		snprintf(k->url, sizeof(k->url), "https://%s/verify/submit.php?id=%s", dom, tok);
		k = add_link(l, &n, IMG, "");
		snprintf(k->url, sizeof(k->url), "https://%s/images/logo.png", b->site);
		break;
	}
	case K_VIRUS:
		k = add_link(l, &n, HREF, "Download the document");
		snprintf(k->url, sizeof(k->url), "https://files.%s/download/doc_%s.zip", dom, tok);
		break;
	case K_DLP:
		k = add_link(l, &n, HREF, "The records on the intranet");
		snprintf(k->url, sizeof(k->url), "https://intranet." INTERNAL "/records/%" PRIu32,
			 10000 + below(r, 90000));
		break;
	default:
		k = add_link(l, &n, HREF, "See the offer");
		snprintf(k->url, sizeof(k->url),
			 "https://www.%s/offers/%" PRIu32
			 "?utm_source=newsletter&utm_medium=email&id=%s",
			 dom, 100 + below(r, 900), tok);
		k = add_link(l, &n, HREF, "Manage your account");
		snprintf(k->url, sizeof(k->url), "https://www.%s/account/settings#mail", dom);
		k = add_link(l, &n, IMG, "");
		snprintf(k->url, sizeof(k->url), "https://img.%s/t/%s.gif", dom, tok);
		k = add_link(l, &n, HREF, "Unsubscribe");
		snprintf(k->url, sizeof(k->url), "https://www.%s/unsubscribe?u=%s&list=news", dom,
			 tok);
		snprintf(unsub, len, "%s", k->url);
		break;
	}
	/* URL Defense rewrites the links of inbound mail (not images or forms): some v2, some v3,
	 * some left as they are (a policy that rewrites only part of the traffic). */
	for (size_t i = 0; i < n; i++) {
		uint32_t x = below(r, 3);

		l[i].shown = g_string_new(NULL);
		if (l[i].where == HREF && !m->outbound && x == 1)
			urldefense_v2(r, l[i].shown, l[i].url);
		else if (l[i].where == HREF && !m->outbound && x == 2)
			urldefense_v3(r, l[i].shown, l[i].url);
		else
			g_string_append(l[i].shown, l[i].url);
	}
	return n;
}

static const char *const *paragraphs(enum kind k)
{
	static const char *const phish[] = {
		"Dear customer,",
		"We noticed unusual sign-in activity on your account. To avoid suspension, "
		"confirm your identity within 24 hours.",
		NULL
	};
	static const char *const virus[] = { "Hello,",
					     "Please find the document attached. The invoice is "
					     "due on receipt.",
					     NULL };
	static const char *const dlp[] = { "Hi,",
					   "As requested, the records for review:",
					   "Name: Sample Person, DOB 1970-01-01, MRN 00451234",
					   "Card: 4111 1111 1111 1111, exp 12/29",
					   "SSN: 078-05-1120",
					   NULL };
	static const char *const spam[] = {
		"Hello,",
		"Act now \u2014 this exclusive offer expires tonight: save 20 \u20ac on every "
		"order, fast approval, no paperwork.",
		NULL
	};

	switch (k) {
	case K_PHISH:
		return phish;
	case K_VIRUS:
		return virus;
	case K_DLP:
		return dlp;
	default:
		return spam;
	}
}

/* The bodies from the paragraphs and the links. */
static void write_bodies(const struct sim_mail *m, struct link *l, size_t n, GString *text,
			 GString *html)
{
	char *e = g_markup_escape_text(m->subject, -1);

	g_string_append_printf(html,
			       "<!DOCTYPE html>\r\n<html><head><meta charset=\"utf-8\">"
			       "<title>%s</title></head>\r\n<body>\r\n",
			       e);
	g_free(e);
	for (const char *const *p = paragraphs(m->k); *p; p++) {
		e = g_markup_escape_text(*p, -1);
		g_string_append_printf(text, "%s\r\n\r\n", *p);
		g_string_append_printf(html, "<p>%s</p>\r\n", e);
		g_free(e);
	}
	for (size_t i = 0; i < n; i++) {
		char *href = g_markup_escape_text(l[i].shown->str, -1);
		char *anchor = g_markup_escape_text(l[i].anchor, -1);

		if (l[i].where == HREF) {
			g_string_append_printf(text, "%s: %s\r\n", l[i].anchor, l[i].shown->str);
			g_string_append_printf(html, "<p><a href=\"%s\">%s</a></p>\r\n", href,
					       anchor);
		} else if (l[i].where == FORM) {
			g_string_append_printf(html,
					       "<form action=\"%s\" method=\"post\">"
					       "<input type=\"email\" name=\"email\">"
					       "<input type=\"password\" name=\"password\">"
					       "<button>Sign in</button></form>\r\n",
					       href);
		} else {
			g_string_append_printf(html,
					       "<img src=\"%s\" width=\"1\" height=\"1\" alt=\"\">"
					       "\r\n",
					       href);
		}
		g_free(href);
		g_free(anchor);
	}
	g_string_append_printf(text, "\r\n-- \r\n%s\r\n", domain_of(m->from));
	g_string_append(html, "</body></html>\r\n");
}

int sim_mime_bodies(rng *r, const struct sim_mail *m, GString **text, GString **html, char **unsub)
{
	struct link l[MAX_LINKS];
	char u[256];
	size_t n = pick_links(r, m, l, u, sizeof(u));

	*text = g_string_new(NULL);
	*html = g_string_new(NULL);
	write_bodies(m, l, n, *text, *html);
	*unsub = u[0] ? g_strdup(u) : NULL;
	for (size_t i = 0; i < n; i++)
		g_string_free(l[i].shown, TRUE);
	return 0;
}
