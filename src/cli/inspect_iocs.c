/*
 * The indicators of compromise of an inspection: its URLs, their hosts (domains or IPs), the
 * relays' IPs, the addresses of its headers and its attachments' hashes, each value once.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <string.h>

#include "cli/inspectpriv.h"
#include "cli/render_inspect.h"

#include "util/banned.h"

struct iocs {
	json_t *list; /* the indicators in order */
	json_t *seen; /* "type value" -> the indicator's found_in array (borrowed from list) */
	const char *source;
	int oom;
};

static int is_ip(const char *s)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1;
}

/* Adds (type, value) found in where, or where to the found_in of the one already there. */
static void add(struct iocs *c, const char *type, const char *value, const char *where)
{
	ppsbuf key = PPSBUF_INIT;
	json_t *found, *ioc;

	if (!value || !*value || c->oom)
		return;
	if (ppsbuf_addf(&key, "%s %s", type, value) < 0)
		goto oom;
	found = json_object_get(c->seen, key.buf);
	if (found) {
		size_t i;
		json_t *w;

		json_array_foreach(found, i, w) if (!strcmp(json_string_value(w), where)) goto done;
		if (json_array_append_new(found, json_string(where)))
			goto oom;
		goto done;
	}
	found = json_array();
	ioc = json_pack("{ss ss ss? so}", "type", type, "value", value, "source", c->source,
			"found_in", found);
	if (!ioc) {
		json_decref(found);
		goto oom;
	}
	if (json_array_append_new(found, json_string(where)) ||
	    json_object_set(c->seen, key.buf, found) || json_array_append_new(c->list, ioc))
		goto oom;
	goto done;
oom:
	c->oom = 1;
done:
	ppsbuf_release(&key);
}

/* A host: an IP (brackets and "IPv6:" dropped) or a domain. */
static void add_host(struct iocs *c, const char *host, const char *where)
{
	char buf[256];
	size_t n;

	if (!host)
		return;
	if (host[0] == '[')
		host++;
	if (!strncmp(host, "IPv6:", 5))
		host += 5;
	n = strcspn(host, "]");
	if (n >= sizeof(buf))
		return;
	memcpy(buf, host, n);
	buf[n] = '\0';
	add(c, is_ip(buf) ? "ip" : "domain", buf, where);
}

static void from_urls(struct iocs *c, const json_t *urls)
{
	size_t i, k;
	const json_t *u, *f;

	json_array_foreach(urls, i, u)
	{
		const char *where = "url";

		json_array_foreach(json_object_get(u, "found_in"), k, f)
		{
			where = json_string_value(f) ? json_string_value(f) : where;
			add(c, "url", istr(u, "url"), where);
			add_host(c, istr(u, "host"), where);
		}
		if (!json_array_size(json_object_get(u, "found_in"))) {
			add(c, "url", istr(u, "url"), where);
			add_host(c, istr(u, "host"), where);
		}
	}
}

static void from_headers(struct iocs *c, const json_t *h)
{
	static const char *const fields[][2] = {
		{ "from", "header:From" },
		{ "sender", "header:Sender" },
		{ "reply_to", "header:Reply-To" },
		{ "return_path", "header:Return-Path" },
		{ "to", "header:To" },
		{ "cc", "header:Cc" },
	};
	size_t i;
	const json_t *a;

	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
		json_array_foreach(json_object_get(json_object_get(h, fields[k][0]), "addresses"),
				   i, a)
		{
			add(c, "email", istr(a, "address"), fields[k][1]);
			add_host(c, istr(a, "domain"), fields[k][1]);
		}
	}
}

/* The IP in brackets of a hop's "from" ("mail.example.com [203.0.113.5]"). */
static void from_received(struct iocs *c, const json_t *hops)
{
	size_t i;
	const json_t *hop;

	json_array_foreach(hops, i, hop)
	{
		const char *from = istr(hop, "from"), *lb = from ? strchr(from, '[') : NULL;

		if (lb)
			add_host(c, lb, "received");
	}
}

static void from_attachments(struct iocs *c, const json_t *atts)
{
	static const char *const hashes[] = { "md5", "sha1", "sha256" };
	size_t i;
	const json_t *a;

	json_array_foreach(atts, i, a)
	{
		ppsbuf where = PPSBUF_INIT;

		if (ppsbuf_addf(&where, "attachment:%s",
				istr(a, "filename") ? istr(a, "filename")
				: istr(a, "path")   ? istr(a, "path")
						    : "?") < 0)
			c->oom = 1;
		for (size_t k = 0; k < 3; k++)
			add(c, hashes[k], istr(a, hashes[k]), where.buf);
		ppsbuf_release(&where);
	}
}

json_t *cli_inspect_iocs(const json_t *inspection)
{
	const json_t *src = json_object_get(inspection, "source");
	struct iocs c = { .list = json_array(), .seen = json_object() };

	c.source = istr(src, "file") ? istr(src, "file") : istr(src, "guid");
	if (c.list && c.seen) {
		from_urls(&c, json_object_get(inspection, "urls"));
		from_headers(&c, json_object_get(inspection, "headers"));
		from_received(&c, json_object_get(inspection, "received"));
		from_attachments(&c, json_object_get(inspection, "attachments"));
	}
	json_decref(c.seen);
	if (!c.list || !c.seen || c.oom) {
		json_decref(c.list);
		return NULL;
	}
	return c.list;
}
