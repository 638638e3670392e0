/*
 * A generated message as real mail looks (mime.h): the hops it took, what the receiving MTA
 * found of SPF, DKIM and DMARC, who it claims to be from, and its MIME tree, written by GMime.
 * The choices come from the caller's PRNG; the boundaries too, so the bytes are the seed's.
 */
#include "sim/mime_int.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util/banned.h"

static pthread_once_t mime_once = PTHREAD_ONCE_INIT;

static void mime_init(void)
{
	g_mime_init();
}

/* "Tue, 19 May 2020 14:20:00 +0000" */
static char *date_of(int64_t epoch)
{
	GDateTime *t = g_date_time_new_from_unix_utc(epoch);
	char *s = g_date_time_format(t, "%a, %d %b %Y %H:%M:%S +0000");

	g_date_time_unref(t);
	return s;
}

/* "jane.doe@x" -> "Jane Doe"; "acme.com" -> "Acme" for a domain. */
static char *name_of(const char *local, size_t n)
{
	char *s = g_strndup(local, n);

	for (char *p = s; *p; p++) {
		if (*p == '.' || *p == '_' || *p == '-')
			*p = ' ';
		if (p == s || p[-1] == ' ')
			*p = g_ascii_toupper(*p);
	}
	return s;
}

/* One hop: what happened ("from ... by ... with ..."), then when, some seconds after the last. */
static void prepend_hop(GMimeObject *o, rng *r, int64_t *t, uint32_t most, char *what)
{
	char *h = date_of(*t += below(r, most + 1));
	char *v = g_strdup_printf("%s; %s", what, h);

	g_mime_object_prepend_header(o, "Received", v, NULL);
	g_free(v);
	g_free(h);
	g_free(what);
}

struct relay {
	const char *from, *ip, *by, *software, *with;
};

static char *relay_hop(const struct relay *h, const char *id)
{
	return g_strdup_printf("from %s (%s [%s]) by %s (%s) with %s id %s", h->from, h->from,
			       h->ip, h->by, h->software, h->with, id);
}

/*
 * The hops, 3 to 5, oldest first as they happened, each header prepended so that the newest is
 * on top; each a few seconds after the one before, the external one now and then minutes. An
 * inbound message leaves the sender's client and relay, crosses to our MX from the record's
 * sender host and address (the external hop), then PPS and the mailbox server; an outbound one
 * leaves the record's workstation for the mail server, PPS and the MX.
 */
static void received(GMimeObject *o, rng *r, const struct sim_mail *m, int64_t *t)
{
	static const struct relay in[] = {
		{ "mx1." INTERNAL, "10.20.0.11", "pps1." INTERNAL, "8.17.1/8.17.1", "ESMTP" },
		{ "pps1." INTERNAL, "10.20.0.21", "exch01." INTERNAL, "Microsoft SMTP Server",
		  "ESMTPS" },
		{ "exch01." INTERNAL, "10.20.0.31", "mbx02." INTERNAL, "Microsoft SMTP Server",
		  "MAPI" },
	};
	static const struct relay out[] = {
		{ "exch01." INTERNAL, "10.20.0.31", "pps1." INTERNAL, "8.17.1/8.17.1", "ESMTP" },
		{ "pps1." INTERNAL, "10.20.0.21", "mx1." INTERNAL, "8.17.1/8.17.1", "ESMTP" },
		{ "mx1." INTERNAL, "10.20.0.11", "mx-out2." INTERNAL, "Postfix", "ESMTP" },
	};
	const char *dom = domain_of(m->from);
	uint32_t hops = 3 + below(r, m->outbound ? 2 : 3), done = 1;
	char id[16], client[24];

	snprintf(client, sizeof(client), "10.%u.%u.%u", below(r, 256), below(r, 256),
		 1 + below(r, 254));
	sim_mime_token(r, id, 10, "0123456789ABCDEF");
	if (m->outbound) {
		prepend_hop(o, r, t, 20,
			    g_strdup_printf("from %s (%s [%s]) by exch01." INTERNAL
					    " (Microsoft SMTP Server) with ESMTPSA id %s",
					    m->host, m->host, m->ip, id));
		for (; done < hops; done++)
			prepend_hop(o, r, t, 5,
				    relay_hop(&out[done - 1], done == 2 ? m->qid : id + done));
		return;
	}
	prepend_hop(o, r, t, 20,
		    g_strdup_printf("from [%s] (unknown [%s]) by smtp.%s (Postfix) with ESMTPSA "
				    "id %s",
				    client, client, dom, id));
	if (hops == 5) {
		prepend_hop(o, r, t, 4,
			    g_strdup_printf("from smtp.%s (smtp.%s [10.0.0.25]) by %s (Postfix) "
					    "with ESMTP id %s",
					    dom, dom, m->host, id + 2));
		done++;
	}
	prepend_hop(o, r, t, below(r, 8) == 0 ? 240 : 30,
		    g_strdup_printf("from %s (%s [%s]) by mx1." INTERNAL
				    " (8.17.1/8.17.1) with ESMTPS id %s (version=TLSv1.3 "
				    "cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)",
				    m->host, m->host, m->ip, m->qid));
	for (uint32_t i = 0; ++done < hops; i++) {
		sim_mime_token(r, id, 10, "0123456789ABCDEF");
		prepend_hop(o, r, t, 3, relay_hop(&in[i], id));
	}
}

/* A DKIM-Signature of d= dom, s= sel (its b= into res, to name it in the results). */
static void dkim_signature(GMimeObject *o, rng *r, const struct sim_mail *m, const char *dom,
			   const char *sel, GString *res, const char *result)
{
	guint8 raw[56];
	char *bh, *b, *v;

	for (size_t i = 0; i < sizeof(raw); i++)
		raw[i] = (guint8)below(r, 256);
	bh = g_base64_encode(raw, 32);
	b = g_base64_encode(raw + 32, 24);
	v = g_strdup_printf("v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=%s; t=%" PRId64
			    "; h=from:to:subject:date:message-id; bh=%s; b=%s",
			    dom, sel, m->epoch, bh, b);
	g_mime_object_prepend_header(o, "DKIM-Signature", v, NULL);
	g_string_append_printf(res, " dkim=%s header.d=%s header.s=%s header.b=%.8s;", result, dom,
			       sel, b);
	g_free(v);
	g_free(bh);
	g_free(b);
}

/* DKIM-Signatures (the sender's, and a mailing service's for some bulk mail) and what the MX
 * found of them, of SPF and of DMARC: Authentication-Results and Received-SPF. */
static void authentication(GMimeObject *o, rng *r, const struct sim_mail *m)
{
	const char *dom = domain_of(m->from);
	int bad = m->k == K_PHISH || m->k == K_VIRUS || (m->k == K_SPAM && below(r, 3) == 0);
	const char *spf = bad ? (below(r, 2) ? "fail" : "softfail") : "pass";
	const char *dkim = bad ? (below(r, 2) ? "fail" : "none") : "pass";
	const char *dmarc = bad && strcmp(spf, "pass") != 0 && strcmp(dkim, "pass") != 0 ? "fail"
											 : "pass";
	GString *res = g_string_new(NULL);
	char *v, sel[12];

	snprintf(sel, sizeof(sel), "s%" PRIu32, 2020 + below(r, 6));
	g_string_append_printf(res, "mx1." INTERNAL "; spf=%s smtp.mailfrom=%s smtp.remote-ip=%s;",
			       spf, m->from, m->ip);
	if (strcmp(dkim, "none") != 0)
		dkim_signature(o, r, m, dom, sel, res, dkim);
	else
		g_string_append(res, " dkim=none;");
	if (m->k == K_SPAM && below(r, 2) == 0)
		dkim_signature(o, r, m, "esp-mailer.example.net", "k1", res, "pass");
	g_string_append_printf(res, " dmarc=%s (p=%s dis=%s) header.from=%s", dmarc,
			       bad ? "reject" : "none",
			       strcmp(dmarc, "fail") != 0 ? "none" : "reject", dom);
	g_mime_object_prepend_header(o, "Authentication-Results", res->str, NULL);
	g_string_free(res, TRUE);
	v = g_strdup_printf("%s (mx1." INTERNAL ": domain of %s designates %s as %s sender) "
			    "client-ip=%s; envelope-from=%s;",
			    spf, m->from, m->ip,
			    strcmp(spf, "pass") != 0 ? "not a permitted" : "permitted", m->ip,
			    m->from);
	g_mime_object_prepend_header(o, "Received-SPF", v, NULL);
	g_free(v);
}

/* From, To, Reply-To: a phish wears a brand's name with a brand's address in it over the
 * sender's own address, and asks for replies elsewhere. */
static void parties(GMimeMessage *msg, rng *r, const struct sim_mail *m)
{
	static const char *const brands[][2] = { { "PayPal", "service@paypal.com" },
						 { "Microsoft", "no-reply@microsoft.com" },
						 { "DHL Express", "noreply@dhl.com" },
						 { "IT Helpdesk", "helpdesk@" INTERNAL } };
	const char *at = strchr(m->from, '@');
	char *name;
	const char *p = m->rcpts;

	if (m->k == K_PHISH || (m->k == K_SPAM && below(r, 6) == 0)) {
		uint32_t i = below(r, 4);

		name = g_strdup_printf("%s <%s>", brands[i][0], brands[i][1]);
		if (below(r, 2) == 0) {
			char *reply = g_strdup_printf("support@%s-help.example.net", brands[i][0]);

			for (char *q = reply; *q; q++)
				*q = *q == ' ' ? '-' : g_ascii_tolower(*q);
			g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_REPLY_TO, brands[i][0],
						   reply);
			g_free(reply);
		}
	} else {
		name = at ? name_of(m->from, (size_t)(at - m->from)) : g_strdup("");
	}
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, name, m->from);
	g_free(name);
	while (*p) {
		size_t n = strcspn(p, ",");
		char *addr = g_strndup(p, n);

		g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, addr);
		g_free(addr);
		p += n + (p[n] == ',');
	}
}

static GMimeMultipart *multipart(rng *r, const char *subtype)
{
	GMimeMultipart *mp = g_mime_multipart_new_with_subtype(subtype);
	char tok[24], *b;

	sim_mime_token(r, tok, 20, "0123456789abcdefghijklmnopqrstuvwxyz");
	b = g_strdup_printf("----=_Part_%s", tok);
	g_mime_multipart_set_boundary(mp, b);
	g_free(b);
	return mp;
}

/* The body: text and HTML as alternatives, under a mixed part with the attachments. */
static GMimeObject *body(GMimeMessage *msg, rng *r, const struct sim_mail *m)
{
	GString *text, *html;
	char *unsub;
	GMimeMultipart *alt = multipart(r, "alternative"), *mixed;
	GMimeObject *part;
	const char *p = m->attach;

	sim_mime_bodies(r, m, &text, &html, &unsub);
	part = sim_mime_text_part("plain", text->str);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	part = sim_mime_text_part("html", html->str);
	g_mime_multipart_add(alt, part);
	g_object_unref(part);
	g_string_free(text, TRUE);
	g_string_free(html, TRUE);
	if (unsub) {
		char *v =
			g_strdup_printf("<%s>, <mailto:unsubscribe@%s>", unsub, domain_of(m->from));

		g_mime_object_append_header(GMIME_OBJECT(msg), "List-Unsubscribe", v, NULL);
		g_free(v);
		g_free(unsub);
	}
	if (!*p)
		return GMIME_OBJECT(alt);
	mixed = multipart(r, "mixed");
	g_mime_multipart_add(mixed, GMIME_OBJECT(alt));
	g_object_unref(alt);
	while (*p) {
		size_t n = strcspn(p, ",");
		char *name = g_strndup(p, n);

		part = sim_mime_attachment(r, m, name);
		g_free(name);
		if (!part) {
			g_object_unref(mixed);
			return NULL;
		}
		g_mime_multipart_add(mixed, part);
		g_object_unref(part);
		p += n + (p[n] == ',');
	}
	return GMIME_OBJECT(mixed);
}

static int write_out(GMimeMessage *msg, ppsbuf *b)
{
	GMimeFormatOptions *fo = g_mime_format_options_new();
	GMimeStream *s = g_mime_stream_mem_new();
	GByteArray *a;
	int rc;

	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	rc = g_mime_object_write_to_stream(GMIME_OBJECT(msg), fo, s) < 0 ? -1 : 0;
	a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	ppsbuf_reset(b);
	if (rc == 0)
		rc = ppsbuf_add(b, a->data, a->len);
	g_object_unref(s);
	g_mime_format_options_free(fo);
	return rc;
}

int sim_mime_build(ppsbuf *b, rng *r, const struct sim_mail *m)
{
	GMimeMessage *msg;
	GMimeObject *part;
	GDateTime *date;
	int64_t t = m->epoch;
	int rc = -1;

	pthread_once(&mime_once, mime_init);
	msg = g_mime_message_new(TRUE);
	parties(msg, r, m);
	g_mime_message_set_subject(msg, m->subject, NULL);
	date = g_date_time_new_from_unix_utc(m->epoch);
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	g_mime_message_set_message_id(msg, m->mid);
	part = body(msg, r, m);
	if (part) {
		g_mime_message_set_mime_part(msg, part);
		g_object_unref(part);
		authentication(GMIME_OBJECT(msg), r, m);
		received(GMIME_OBJECT(msg), r, m, &t);
		{
			char *v = g_strdup_printf("<%s>", m->from);

			g_mime_object_prepend_header(GMIME_OBJECT(msg), "Return-Path", v, NULL);
			g_free(v);
		}
		rc = write_out(msg, b);
	}
	g_object_unref(msg);
	return rc;
}
