/*
 * The pure pieces of a change of a user's safe or block list: which entries PPS takes, a
 * profile's list read, merged and compared. No requests and no client here.
 */
#include "lib/enduser_list.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pps/pps.h"

#include "util/banned.h"

#define MAX_ENTRY 254 /* the longest address SMTP carries */
#define MAX_LOCAL 64
#define MAX_LABEL 63

static int why_set(char *why, size_t len, const char *text)
{
	if (why && len)
		snprintf(why, len, "%s", text);
	return PPS_EUSAGE;
}

/* A host name of dot-separated labels of letters, digits and inner hyphens, two at least. */
static const char *domain_fault(const char *d)
{
	size_t label = 0, labels = 1;

	if (!*d)
		return "the domain is empty";
	if (*d == '.' || d[strlen(d) - 1] == '.')
		return "the domain starts or ends with a dot";
	for (const char *p = d; *p; p++) {
		if (*p == '.') {
			if (p[1] == '.')
				return "the domain holds two dots in a row";
			if (p[-1] == '-' || p[1] == '-')
				return "a label of the domain starts or ends with a hyphen";
			labels++;
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-'))
			return "the domain may hold only letters, digits, hyphens and dots";
		if (++label > MAX_LABEL)
			return "a label of the domain is longer than 63 characters";
	}
	if (*d == '-' || d[strlen(d) - 1] == '-')
		return "a label of the domain starts or ends with a hyphen";
	if (labels < 2)
		return "expected a domain with a dot (example.com), @domain or an address";
	return NULL;
}

/* The local part of an address: RFC 5322's dot-atom (no quoted strings). */
static const char *local_fault(const char *s, size_t n)
{
	static const char atext[] = "!#$%&'*+-/=?^_`{|}~";

	if (n == 0)
		return "the address has nothing before '@'";
	if (n > MAX_LOCAL)
		return "the part before '@' is longer than 64 characters";
	if (s[0] == '.' || s[n - 1] == '.')
		return "the part before '@' starts or ends with a dot";
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == '.' && s[i + 1] == '.')
			return "the part before '@' holds two dots in a row";
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || strchr(atext, ch)))
			return "the part before '@' holds a character an address cannot";
	}
	return NULL;
}

int pps_list_entry_check(const char *entry, char *why, size_t len)
{
	const char *at, *fault;

	if (!entry || !*entry)
		return why_set(why, len, "the entry is empty");
	for (const unsigned char *p = (const unsigned char *)entry; *p; p++) {
		if (*p >= 0x80)
			return why_set(why, len,
				       "not ASCII: write an internationalized domain in its "
				       "xn-- form");
		if (*p <= ' ' || *p == 0x7f)
			return why_set(why, len, "the entry holds a space or a control character");
		if (*p == ',')
			return why_set(why, len, "the entry holds a comma: give one entry each");
	}
	if (strlen(entry) > MAX_ENTRY)
		return why_set(why, len, "the entry is longer than 254 characters");
	at = strchr(entry, '@');
	if (at && strchr(at + 1, '@'))
		return why_set(why, len, "the entry holds more than one '@'");
	fault = at ? domain_fault(at + 1) : domain_fault(entry);
	if (!fault && at && at != entry)
		fault = local_fault(entry, (size_t)(at - entry));
	return fault ? why_set(why, len, fault) : PPS_OK;
}

int pps__list_read(json_t **out, const json_t *profile, const char *field)
{
	const json_t *v = json_object_get(profile, field);
	json_t *list = json_array(), *item;
	size_t i;

	*out = NULL;
	if (!list)
		return -1;
	if (!v || json_is_null(v))
		goto keep;
	if (json_is_array(v)) {
		json_array_foreach(v, i, item)
		{
			if (!json_is_string(item) || json_array_append(list, item) < 0)
				goto fail;
		}
		goto keep;
	}
	if (!json_is_string(v))
		goto fail;
	for (const char *p = json_string_value(v); *p;) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
		const char *start = p;

		while (start < end && *start == ' ')
			start++;
		while (end > start && end[-1] == ' ')
			end--;
		if (end > start &&
		    json_array_append_new(list, json_stringn(start, (size_t)(end - start))) < 0)
			goto fail;
		p = comma ? comma + 1 : end;
		if (!comma)
			break;
	}
keep:
	*out = list;
	return 0;
fail:
	json_decref(list);
	return -1;
}

static int in(const char *const *v, size_t n, const char *entry)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(v[i], entry) == 0)
			return 1;
	return 0;
}

int pps__list_has(const json_t *list, const char *entry)
{
	const json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
	{
		if (json_is_string(v) && strcasecmp(json_string_value(v), entry) == 0)
			return 1;
	}
	return 0;
}

int pps__list_equal(const json_t *a, const json_t *b)
{
	if (json_array_size(a) != json_array_size(b))
		return 0;
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *x = json_string_value(json_array_get(a, i));
		const char *y = json_string_value(json_array_get(b, i));

		if (!x || !y || strcasecmp(x, y) != 0)
			return 0;
	}
	return 1;
}

int pps__list_merge(json_t **out, const json_t *current, const char *const *add, size_t nadd,
		    const char *const *remove, size_t nremove)
{
	json_t *list = json_array(), *v;
	size_t i;

	*out = NULL;
	if (!list)
		return -1;
	json_array_foreach(current, i, v)
	{
		if (!in(remove, nremove, json_string_value(v)) && json_array_append(list, v) < 0)
			goto fail;
	}
	for (i = 0; i < nadd; i++) {
		if (in(remove, nremove, add[i]) || pps__list_has(list, add[i]))
			continue;
		if (json_array_append_new(list, json_string(add[i])) < 0)
			goto fail;
	}
	*out = list;
	return 0;
fail:
	json_decref(list);
	return -1;
}

int pps__list_shows(const json_t *list, const char *const *add, size_t nadd,
		    const char *const *remove, size_t nremove)
{
	for (size_t i = 0; i < nadd; i++)
		if (!in(remove, nremove, add[i]) && !pps__list_has(list, add[i]))
			return 0;
	for (size_t i = 0; i < nremove; i++)
		if (pps__list_has(list, remove[i]))
			return 0;
	return 1;
}
