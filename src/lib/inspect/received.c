/*
 * The Received hops, newest first: from, by, with, id, for and the time of each (RFC 5321
 * §4.4), the delay from the hop below, and the first hop that crossed into the receiving side.
 * Dates are read by GMime; the clauses by a small scan that skips comments.
 */
#include <string.h>

#include "lib/inspect/inspect_int.h"

#include "util/banned.h"

/* The clauses of one Received field (each g_free'd). */
struct hop {
	char *from, *by, *with, *id, *for_;
	gint64 time; /* -1 when unreadable */
	char *iso;
};

/* The host's domain: its last two labels, lower-case (g_free'd), or NULL. */
static char *host_domain(const char *host)
{
	const char *end, *p, *dot1 = NULL, *dot2 = NULL;
	char *d;

	if (!host || !*host || *host == '[')
		return NULL;
	end = host + strcspn(host, " [");
	for (p = host; p < end; p++) {
		if (*p == '.') {
			dot2 = dot1;
			dot1 = p;
		}
	}
	if (!dot1)
		return g_ascii_strdown(host, end - host);
	p = dot2 ? dot2 + 1 : host;
	d = g_ascii_strdown(p, end - p);
	return d;
}

/* Copies the next word of *s (stops at space, ';', '('), skipping blanks. g_free'd or NULL. */
static char *word(const char **s)
{
	const char *p = *s, *start;

	while (*p == ' ' || *p == '\t')
		p++;
	start = p;
	while (*p && *p != ' ' && *p != '\t' && *p != ';' && *p != '(')
		p++;
	*s = p;
	return p > start ? g_strndup(start, (gsize)(p - start)) : NULL;
}

/* Skips a comment at *s (nested, escaped); returns its text (g_free'd) or NULL. */
static char *comment(const char **s)
{
	const char *p = *s, *start;
	int level = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '(')
		return NULL;
	start = p + 1;
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '(') {
			level++;
		} else if (*p == ')' && --level == 0) {
			break;
		}
	}
	*s = *p ? p + 1 : p;
	return g_strndup(start, (gsize)(p - start));
}

/* "host [ip]" from a host word and the comment after it that holds an address literal. */
static char *host_with_ip(char *host, const char *cmt)
{
	const char *lb = cmt ? strchr(cmt, '[') : NULL;
	const char *rb = lb ? strchr(lb, ']') : NULL;
	char *out;

	if (!host || !lb || !rb || (host[0] == '[' && strchr(host, ']')))
		return host;
	out = g_strdup_printf("%s %.*s", host, (int)(rb - lb + 1), lb);
	g_free(host);
	return out;
}

static void hop_parse(struct hop *h, const char *v)
{
	const char *semi = strrchr(v, ';');
	char *clauses = semi ? g_strndup(v, (gsize)(semi - v)) : g_strdup(v);
	const char *p = clauses;
	char **slot = NULL;

	h->time = -1;
	while (*p) {
		char *w, *cmt = comment(&p);

		if (cmt) {
			if (slot == &h->from && h->from)
				h->from = host_with_ip(h->from, cmt);
			g_free(cmt);
			continue;
		}
		w = word(&p);
		if (!w) {
			if (*p)
				p++;
			continue;
		}
		if (!g_ascii_strcasecmp(w, "from"))
			slot = &h->from;
		else if (!g_ascii_strcasecmp(w, "by"))
			slot = &h->by;
		else if (!g_ascii_strcasecmp(w, "with"))
			slot = &h->with;
		else if (!g_ascii_strcasecmp(w, "id"))
			slot = &h->id;
		else if (!g_ascii_strcasecmp(w, "for"))
			slot = &h->for_;
		else if (slot && !*slot) {
			*slot = w;
			w = NULL;
		}
		g_free(w);
	}
	g_free(clauses);
	if (semi) {
		GDateTime *dt = g_mime_utils_header_decode_date(semi + 1);

		if (dt) {
			GDateTime *utc = g_date_time_to_utc(dt);

			h->time = g_date_time_to_unix(dt);
			h->iso = utc ? g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ") : NULL;
			if (utc)
				g_date_time_unref(utc);
			g_date_time_unref(dt);
		}
	}
}

/* White space (folding included) as single spaces, the ends trimmed, in place. */
static void squeeze(char *s)
{
	char *r, *w = s;

	for (r = s; *r; r++) {
		if (g_ascii_isspace(*r)) {
			if (w > s && w[-1] != ' ')
				*w++ = ' ';
		} else {
			*w++ = *r;
		}
	}
	while (w > s && w[-1] == ' ')
		w--;
	*w = '\0';
}

static void hop_release(struct hop *h)
{
	g_free(h->from);
	g_free(h->by);
	g_free(h->with);
	g_free(h->id);
	g_free(h->for_);
	g_free(h->iso);
}

static int same_domain(const char *a, const char *b)
{
	return a && b && !g_ascii_strcasecmp(a, b);
}

/* Marks the first hop, from the sender's side, that entered the receiving side. */
static void first_external(json_t *hops, struct hop *h, size_t n)
{
	char *inside = n ? host_domain(h[0].by) : NULL;
	size_t i;

	for (i = n; inside && i-- > 0;) {
		char *by = host_domain(h[i].by), *from = host_domain(h[i].from);
		int hit = same_domain(by, inside) && h[i].from && !same_domain(from, inside);

		g_free(by);
		g_free(from);
		if (hit) {
			json_object_set_new(json_array_get(hops, i), "first_external", json_true());
			break;
		}
	}
	g_free(inside);
}

json_t *pps__insp_received(pps__insp *st, GMimeHeaderList *hl)
{
	int i, count = g_mime_header_list_get_count(hl);
	struct hop *h = g_new0(struct hop, PPS__INSP_HOPS);
	json_t *hops = json_array();
	size_t n = 0, k;

	for (i = 0; i < count && (size_t)i < st->o.max_headers; i++) {
		GMimeHeader *hd = g_mime_header_list_get_header_at(hl, i);
		const char *raw;
		char *flat;
		json_t *o;

		if (g_ascii_strcasecmp(g_mime_header_get_name(hd), "Received"))
			continue;
		if (n == PPS__INSP_HOPS) {
			pps__insp_warn(st, "header_limit",
				       "more than %u Received fields: the rest "
				       "were skipped",
				       PPS__INSP_HOPS);
			break;
		}
		raw = g_mime_header_get_raw_value(hd);
		flat = pps__insp_utf8_dup(raw ? raw : "", raw ? strlen(raw) : 0,
					  PPS__INSP_VALUE_MAX);
		squeeze(flat);
		hop_parse(&h[n], flat);
		o = json_object();
		pps__insp_set(o, "from", pps__insp_str(h[n].from));
		pps__insp_set(o, "by", pps__insp_str(h[n].by));
		pps__insp_set(o, "with", pps__insp_str(h[n].with));
		pps__insp_set(o, "id", pps__insp_str(h[n].id));
		pps__insp_set(o, "for", pps__insp_str(h[n].for_));
		pps__insp_set(o, "time", pps__insp_str(h[n].iso));
		pps__insp_set(o, "delay", NULL);
		json_object_set_new(o, "first_external", json_false());
		json_object_set_new(o, "raw", pps__insp_str(flat));
		json_array_append_new(hops, o);
		g_free(flat);
		n++;
	}
	for (k = 0; k + 1 < n; k++)
		if (h[k].time >= 0 && h[k + 1].time >= 0)
			json_object_set_new(json_array_get(hops, k), "delay",
					    json_integer(h[k].time - h[k + 1].time));
	first_external(hops, h, n);
	for (k = 0; k < n; k++)
		hop_release(&h[k]);
	g_free(h);
	return hops;
}
