/*
 * The headers section: the sender and recipient fields, subject, date and Message-ID decoded
 * by GMime (RFC 2047, charsets, address lists) with their raw values, and the flags an analyst
 * looks for first (a display name holding another address, domains that differ, mixed scripts).
 */
#include <string.h>

#include "lib/inspect/inspect_int.h"

#include "util/banned.h"

/* The most addresses listed per field. */
#define ADDRESSES_MAX 500

/* The raw value of a header unfolded (CR and LF dropped, ends trimmed), g_malloc'd valid UTF-8. */
static char *unfold(const char *raw)
{
	size_t n = strlen(raw), i, j = 0;
	char *s;

	if (n > PPS__INSP_VALUE_MAX)
		n = PPS__INSP_VALUE_MAX;
	s = g_malloc(n + 1);
	for (i = 0; i < n; i++)
		if (raw[i] != '\r' && raw[i] != '\n')
			s[j++] = raw[i];
	s[j] = '\0';
	g_strstrip(s);
	{
		char *v = pps__insp_utf8_dup(s, strlen(s), PPS__INSP_VALUE_MAX);

		g_free(s);
		return v;
	}
}

static void address_add(json_t *list, InternetAddress *ia, int *n)
{
	if (*n >= ADDRESSES_MAX)
		return;
	if (INTERNET_ADDRESS_IS_GROUP(ia)) {
		InternetAddressList *m =
			internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia));
		int i, len = m ? internet_address_list_length(m) : 0;

		for (i = 0; i < len; i++)
			address_add(list, internet_address_list_get_address(m, i), n);
		return;
	}
	if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
		const char *addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
		const char *name = internet_address_get_name(ia);
		char *domain = pps__insp_domain_of(addr);
		json_t *a = json_object();

		pps__insp_set(a, "name", name && *name ? pps__insp_str(name) : NULL);
		pps__insp_set(a, "address", pps__insp_str(addr));
		pps__insp_set(a, "domain", pps__insp_str(domain));
		json_array_append_new(list, a);
		g_free(domain);
		(*n)++;
	}
}

static json_t *addresses_json(InternetAddressList *l)
{
	json_t *list = json_array();
	int i, n = 0, len = l ? internet_address_list_length(l) : 0;

	for (i = 0; i < len; i++)
		address_add(list, internet_address_list_get_address(l, i), &n);
	return list;
}

/*
 * {"value", "raw"} of the header name (value: the raw one with its encoded words decoded),
 * with "addresses" for an address field (list: GMime's parse of it, or NULL to parse here);
 * NULL when the message has no such field.
 */
static json_t *field(GMimeHeaderList *hl, const char *name, int addresses,
		     InternetAddressList *list)
{
	GMimeHeader *h = g_mime_header_list_get_header(hl, name);
	const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;
	char *flat, *value;
	json_t *f;

	if (!raw)
		return NULL;
	flat = unfold(raw);
	f = json_object();
	if (addresses) {
		InternetAddressList *own = list ? NULL : internet_address_list_parse(NULL, flat);

		json_object_set_new(f, "addresses", addresses_json(list ? list : own));
		if (own)
			g_object_unref(own);
	}
	value = g_mime_utils_header_decode_text(NULL, flat);
	pps__insp_set(f, "value", pps__insp_str(value ? value : flat));
	json_object_set_new(f, "raw", pps__insp_str(flat));
	g_free(value);
	g_free(flat);
	return f;
}

static void flag(json_t *flags, const char *name, const char *detail)
{
	json_t *f = json_object();

	json_object_set_new(f, "flag", json_string(name));
	pps__insp_set(f, "detail", pps__insp_str(detail));
	json_array_append_new(flags, f);
}

/* The first address of a header object's "addresses", or NULL. */
static const char *first_address(json_t *field_obj, const char *member)
{
	json_t *a = json_array_get(json_object_get(field_obj, "addresses"), 0);

	return json_string_value(json_object_get(a, member));
}

/* Scripts group: Japanese and Korean mix Han with their own scripts, which is no confusion. */
static GUnicodeScript script_group(GUnicodeScript s)
{
	if (s == G_UNICODE_SCRIPT_HIRAGANA || s == G_UNICODE_SCRIPT_KATAKANA ||
	    s == G_UNICODE_SCRIPT_HANGUL || s == G_UNICODE_SCRIPT_BOPOMOFO)
		return G_UNICODE_SCRIPT_HAN;
	return s;
}

/* "Latn+Cyrl" when text mixes letters of several scripts (g_free it), else NULL. */
static char *mixed_scripts(const char *text)
{
	GUnicodeScript seen[4];
	size_t n = 0, i;
	const char *p;
	GString *names;

	if (!text)
		return NULL;
	for (p = text; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		GUnicodeScript s;

		if (!g_unichar_isalpha(c))
			continue;
		s = script_group(g_unichar_get_script(c));
		if (s == G_UNICODE_SCRIPT_COMMON || s == G_UNICODE_SCRIPT_INHERITED ||
		    s == G_UNICODE_SCRIPT_UNKNOWN)
			continue;
		for (i = 0; i < n && seen[i] != s; i++)
			;
		if (i == n && n < G_N_ELEMENTS(seen))
			seen[n++] = s;
	}
	if (n < 2)
		return NULL;
	names = g_string_new(NULL);
	for (i = 0; i < n; i++) {
		guint32 iso = g_unicode_script_to_iso15924(seen[i]);
		char code[5] = { (char)(iso >> 24), (char)(iso >> 16), (char)(iso >> 8), (char)iso,
				 0 };

		g_string_append_printf(names, "%s%s", i ? "+" : "", code);
	}
	return g_string_free(names, FALSE);
}

/* An address inside a display name other than from_addr, g_free'd by the caller, or NULL. */
static char *address_in_name(const char *name, const char *from_addr)
{
	static GRegex *re;
	static gsize once;
	GMatchInfo *mi = NULL;
	char *found = NULL;

	if (g_once_init_enter(&once)) {
		/* Not JIT-compiled: a display name is short, and Valgrind misreads JIT code. */
		re = g_regex_new("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+", 0, 0, NULL);
		g_once_init_leave(&once, 1);
	}
	if (!name || !re)
		return NULL;
	g_regex_match(re, name, 0, &mi);
	while (g_match_info_matches(mi)) {
		char *m = g_match_info_fetch(mi, 0);

		if (!from_addr || g_ascii_strcasecmp(m, from_addr)) {
			found = m;
			break;
		}
		g_free(m);
		g_match_info_next(mi, NULL);
	}
	g_match_info_free(mi);
	return found;
}

static void domain_flag(json_t *flags, const char *name, json_t *other, const char *from_domain)
{
	size_t i;
	json_t *a;

	if (!other || !from_domain)
		return;
	json_array_foreach(json_object_get(other, "addresses"), i, a)
	{
		const char *d = json_string_value(json_object_get(a, "domain"));

		if (d && g_ascii_strcasecmp(d, from_domain)) {
			flag(flags, name, d);
			return;
		}
	}
}

static json_t *flags_new(json_t *h)
{
	json_t *flags = json_array(), *from = json_object_get(h, "from");
	const char *from_addr = first_address(from, "address");
	const char *from_name = first_address(from, "name");
	const char *from_domain = first_address(from, "domain");
	json_t *subject = json_object_get(h, "subject");
	char *other = address_in_name(from_name, from_addr);
	char *mix;

	if (other)
		flag(flags, "display_name_address", other);
	g_free(other);
	domain_flag(flags, "reply_to_domain", json_object_get(h, "reply_to"), from_domain);
	domain_flag(flags, "return_path_domain", json_object_get(h, "return_path"), from_domain);
	mix = mixed_scripts(json_string_value(json_object_get(subject, "value")));
	if (mix)
		flag(flags, "mixed_script_subject", mix);
	g_free(mix);
	mix = mixed_scripts(from_name);
	if (mix)
		flag(flags, "mixed_script_name", mix);
	g_free(mix);
	return flags;
}

static json_t *date_field(GMimeHeaderList *hl, GMimeMessage *msg)
{
	json_t *f = field(hl, "Date", 0, NULL);
	GDateTime *dt = g_mime_message_get_date(msg);

	if (!f)
		return NULL;
	if (dt) {
		GDateTime *utc = g_date_time_to_utc(dt);
		char *iso = utc ? g_date_time_format(utc, "%Y-%m-%dT%H:%M:%SZ") : NULL;

		pps__insp_set(f, "utc", pps__insp_str(iso));
		g_free(iso);
		if (utc)
			g_date_time_unref(utc);
	} else {
		pps__insp_set(f, "utc", NULL);
	}
	return f;
}

json_t *pps__insp_headers(pps__insp *st, GMimeMessage *msg)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	json_t *h = json_object();
	const char *mid;

	(void)st;
	pps__insp_set(h, "from", field(hl, "From", 1, g_mime_message_get_from(msg)));
	pps__insp_set(h, "sender", field(hl, "Sender", 1, g_mime_message_get_sender(msg)));
	pps__insp_set(h, "reply_to", field(hl, "Reply-To", 1, g_mime_message_get_reply_to(msg)));
	pps__insp_set(h, "return_path", field(hl, "Return-Path", 1, NULL));
	pps__insp_set(h, "to", field(hl, "To", 1, g_mime_message_get_to(msg)));
	pps__insp_set(h, "cc", field(hl, "Cc", 1, g_mime_message_get_cc(msg)));
	pps__insp_set(h, "subject", field(hl, "Subject", 0, NULL));
	pps__insp_set(h, "date", date_field(hl, msg));
	pps__insp_set(h, "message_id", field(hl, "Message-ID", 0, NULL));
	mid = g_mime_message_get_message_id(msg);
	if (mid && json_object_get(h, "message_id"))
		json_object_set_new(json_object_get(h, "message_id"), "value", pps__insp_str(mid));
	json_object_set_new(h, "flags", flags_new(h));
	return h;
}
