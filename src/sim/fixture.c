/*
 * Loads a JSON fixture (docs/sim-fixture.md) into the store in one transaction: all or nothing.
 * Validates every entry and names the bad one; no SQL here, only the store's functions.
 */
#include "sim/fixture.h"
#include "sim/record.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "sim/sim.h"
#include "util/buf.h"
#include "util/timeutil.h"

#include "util/banned.h"

/* A fixture larger than this is refused before it is parsed. */
#define FIXTURE_MAX (512L * 1024 * 1024)

static const char *const quarantine_fields[] = {
	"guid",	   "localguid", "folder",	    "from", "rcpts", "subject", "date", "spamscore",
	"host_ip", "messageid", "processingserver", "raw",
};

static const char *const user_string_fields[] = {
	"email",   "uid",	   "firstname",	 "lastname",	       "suborg",
	"created", "lastmodified", "lastsignon", "lastpasswordchange", "creationsource",
};
static const char *const user_list_fields[] = { "alias", "groups", "safelist", "blocklist" };

#define USER_DEFAULT_TIME "2020-05-01 00:00:00"

struct loader {
	sim_store *st;
	const char *name;
	char *err;
	size_t errlen;
};

static int fail(struct loader *ld, const char *section, size_t index, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Writes "name: section[index]: message" (or "name: message" without a section); returns -1. */
static int fail(struct loader *ld, const char *section, size_t index, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (section)
		snprintf(ld->err, ld->errlen, "%s: %s[%zu]: %s", ld->name, section, index, msg);
	else
		snprintf(ld->err, ld->errlen, "%s: %s", ld->name, msg);
	return -1;
}

static int in_list(const char *key, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, list[i]) == 0)
			return 1;
	return 0;
}

#define IN_LIST(key, list) in_list((key), (list), sizeof(list) / sizeof((list)[0]))

/* A string field, or NULL when absent; *bad is set when present but not a string. */
static const char *get_str(const json_t *obj, const char *key, int *bad)
{
	const json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

/* A string, or a number written as a string, into buf; 0, or -1 when of another type. */
static int scalar_text(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.15g", json_real_value(v));
	else
		return -1;
	return 0;
}

/*
 * Parses a message date: ISO-8601 (no zone = UTC) or the wire form
 * "YYYY-MM-DD hh:mm:ss [UTC-0600]". Gives the instant and the offset east of UTC in minutes.
 */
static int parse_date(const char *s, int64_t *epoch, int *offset_min)
{
	size_t len = strlen(s);
	int has_time;

	if (len == 30 && s[19] == ' ' && strncmp(s + 20, "[UTC", 4) == 0 && s[29] == ']' &&
	    (s[24] == '+' || s[24] == '-')) {
		char day[20], zone[6];
		int64_t local;
		int off, unused;
		char *end;
		long hhmm;

		memcpy(day, s, 19);
		day[19] = '\0';
		memcpy(zone, s + 25, 4);
		zone[4] = '\0';
		for (int i = 0; i < 4; i++)
			if (zone[i] < '0' || zone[i] > '9')
				return -1;
		if (tu_parse_iso8601(day, &local, &unused, &has_time) || !has_time)
			return -1;
		hhmm = strtol(zone, &end, 10);
		if (hhmm % 100 >= 60 || hhmm / 100 > 23)
			return -1;
		off = (int)(hhmm / 100 * 60 + hhmm % 100);
		if (s[24] == '-')
			off = -off;
		*epoch = local - (int64_t)off * 60;
		*offset_min = off;
		return 0;
	}
	return tu_parse_iso8601(s, epoch, offset_min, &has_time);
}

/* "YYYY-MM-DD hh:mm:ss [UTC+0000]" of an instant at a given offset. */
static int wire_date(int64_t epoch, int offset_min, char *buf, size_t len)
{
	char local[32];
	int a = offset_min < 0 ? -offset_min : offset_min;

	if (tu_format_utc(epoch + (int64_t)offset_min * 60, local, sizeof(local)))
		return -1;
	snprintf(buf, len, "%s [UTC%c%02d%02d]", local, offset_min < 0 ? '-' : '+', a / 60, a % 60);
	return 0;
}

/* A comma list from a string or an array of strings; a new string, or NULL (*bad set). */
static char *join_list(const json_t *v, int *bad)
{
	ppsbuf b = PPSBUF_INIT;
	size_t i;
	const json_t *item;

	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (!json_is_array(v)) {
		*bad = 1;
		return NULL;
	}
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item)) {
			*bad = 1;
			ppsbuf_release(&b);
			return NULL;
		}
		if ((i && ppsbuf_addch(&b, ',')) || ppsbuf_adds(&b, json_string_value(item))) {
			ppsbuf_release(&b);
			return NULL;
		}
	}
	return ppsbuf_detach(&b, NULL);
}

/* 64-bit FNV-1a, the seed of a derived GUID. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* 32 characters of the GUID alphabet drawn from a SplitMix64 stream started at h. */
static void derived_guid(uint64_t h, char out[33])
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	for (int i = 0; i < 32; i++) {
		uint64_t z = (h += 0x9E3779B97F4A7C15ULL);

		z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
		z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
		z ^= z >> 31;
		out[i] = alphabet[z & 63];
	}
	out[32] = '\0';
}

static int load_accounts(struct loader *ld, json_t *arr)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
	{
		const char *key, *user, *pass;
		const json_t *v, *mods;
		unsigned modules = 0;
		int bad = 0;

		if (!json_is_object(e))
			return fail(ld, "accounts", i, "not an object");
		json_object_foreach(e, key, v)
		{
			if (strcmp(key, "username") != 0 && strcmp(key, "password") != 0 &&
			    strcmp(key, "modules") != 0)
				return fail(ld, "accounts", i, "unknown field '%s'", key);
		}
		user = get_str(e, "username", &bad);
		pass = get_str(e, "password", &bad);
		if (bad || !user || !*user || !pass || !*pass)
			return fail(ld, "accounts", i,
				    "username and password must be non-empty strings");
		mods = json_object_get(e, "modules");
		if (!mods || json_is_null(mods)) {
			modules = SIM_MOD_ALL;
		} else {
			char *list = join_list(mods, &bad);
			char *p;

			if (!list)
				return bad ? fail(ld, "accounts", i,
						  "modules must be a string or an array of strings")
					   : fail(ld, NULL, 0, "out of memory");
			p = list;
			while (p) {
				char *comma = strchr(p, ',');
				const char *name = p;
				size_t len;

				if (comma)
					*comma = '\0';
				while (*name == ' ')
					name++;
				len = strlen(name);
				while (len && name[len - 1] == ' ')
					len--;
				if (len == 3 && strncasecmp(name, "pss", 3) == 0)
					modules |= SIM_MOD_PSS;
				else if (len == 10 && strncasecmp(name, "quarantine", 10) == 0)
					modules |= SIM_MOD_QUARANTINE;
				else if (len == 7 && strncasecmp(name, "enduser", 7) == 0)
					modules |= SIM_MOD_ENDUSER;
				else if (len) {
					fail(ld, "accounts", i, "unknown module '%.*s'", (int)len,
					     name);
					free(list);
					return -1;
				}
				p = comma ? comma + 1 : NULL;
			}
			free(list);
		}
		if (sim_store_put_account(ld->st, user, pass, modules))
			return fail(ld, "accounts", i, "the store refused account '%s'", user);
	}
	return 0;
}

static int load_folders(struct loader *ld, json_t *arr)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
	{
		const char *key, *name, *type;
		const json_t *v;
		int bad = 0;

		if (!json_is_object(e))
			return fail(ld, "folders", i, "not an object");
		json_object_foreach(e, key, v)
		{
			if (strcmp(key, "name") != 0 && strcmp(key, "type") != 0)
				return fail(ld, "folders", i, "unknown field '%s'", key);
		}
		name = get_str(e, "name", &bad);
		type = get_str(e, "type", &bad);
		if (bad || !name || !*name)
			return fail(ld, "folders", i, "name must be a non-empty string");
		if (!type ||
		    (strcmp(type, SIM_FOLDER_SPAM) != 0 && strcmp(type, SIM_FOLDER_VIRUS) != 0 &&
		     strcmp(type, SIM_FOLDER_DLP) != 0))
			return fail(ld, "folders", i, "type of '%s' must be spam, virus or dlp",
				    name);
		if (sim_store_put_folder(ld->st, name, type))
			return fail(ld, "folders", i, "the store refused folder '%s'", name);
	}
	return 0;
}

/* Builds the complete record of messages[i]; a new reference, or NULL after fail(). */
static json_t *build_record(struct loader *ld, json_t *e, size_t i, int64_t *epoch)
{
	json_t *rec = NULL;
	const char *key;
	const json_t *v;
	char date[64];
	int off = 0;

	if (!json_is_object(e)) {
		fail(ld, "messages", i, "not an object");
		return NULL;
	}
	json_object_foreach(e, key, v)
	{
		if (sim_record_field(key) < 0) {
			fail(ld, "messages", i, "unknown field '%s'", key);
			return NULL;
		}
	}
	v = json_object_get(e, "Date");
	if (!json_is_string(v)) {
		fail(ld, "messages", i, "Date is required (ISO-8601)");
		return NULL;
	}
	if (parse_date(json_string_value(v), epoch, &off) ||
	    wire_date(*epoch, off, date, sizeof(date))) {
		fail(ld, "messages", i, "bad Date '%s'", json_string_value(v));
		return NULL;
	}
	rec = json_object();
	if (!rec)
		goto oom;
	for (size_t f = 0; f < SIM_NFIELDS; f++) {
		const char *name = sim_record_fields[f];
		json_t *val = NULL; /* a new reference, stolen by json_object_set_new */
		char text[512];

		v = json_object_get(e, name);
		if (strcmp(name, "Date") == 0) {
			val = json_string(date);
		} else if (strcmp(name, "module_rules") == 0) {
			size_t k;
			const json_t *item;

			if (v && !json_is_array(v))
				goto bad_field;
			json_array_foreach(v, k, item)
			{
				if (!json_is_string(item))
					goto bad_field;
			}
			val = v ? json_deep_copy(v) : json_array();
		} else if (strcmp(name, "Recipients") == 0 && v) {
			int bad = 0;
			char *list = join_list(v, &bad);

			if (!list && bad)
				goto bad_field;
			val = list ? json_string(list) : NULL;
			free(list);
		} else if (strcmp(name, "GUID") == 0 && !v) {
			char guid[33];
			char *dump = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);

			if (!dump)
				goto oom;
			derived_guid(fnv1a(fnv1a(14695981039346656037ULL, &i, sizeof(i)), dump,
					   strlen(dump)),
				     guid);
			free(dump);
			val = json_string(guid);
		} else if (!v || json_is_null(v)) {
			val = json_string("");
		} else {
			if (scalar_text(v, text, sizeof(text)))
				goto bad_field;
			val = json_is_string(v)
				      ? json_stringn(json_string_value(v), json_string_length(v))
				      : json_string(text);
		}
		if (!val || json_object_set_new(rec, name, val))
			goto oom;
		continue;
bad_field:
		fail(ld, "messages", i, "%s has the wrong type", name);
		json_decref(rec);
		return NULL;
	}
	return rec;
oom:
	fail(ld, NULL, 0, "out of memory");
	json_decref(rec);
	return NULL;
}

static int load_messages(struct loader *ld, json_t *arr)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
	{
		int64_t epoch = 0;
		json_t *rec = build_record(ld, e, i, &epoch);
		int rc;

		if (!rec)
			return -1;
		rc = sim_record_add(ld->st, rec, epoch);
		json_decref(rec);
		if (rc)
			return fail(ld, "messages", i, "the store refused the record");
	}
	return 0;
}

/* A minimal RFC 5322 text for a quarantine entry without "raw". */
static int synth_raw(ppsbuf *b, const sim_qmsg *m, const char *rcpts)
{
	char date[32];

	if (tu_format_utc(m->date, date, sizeof(date)))
		return -1;
	return ppsbuf_addf(b,
			   "Message-ID: <%s>\r\nDate: %s +0000\r\nFrom: %s\r\nTo: %s\r\n"
			   "Subject: %s\r\nMIME-Version: 1.0\r\n"
			   "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
			   m->messageid, date, m->from, rcpts, m->subject, m->subject);
}

/* Splits a comma list in place into trimmed, non-empty items. */
static size_t split_list(char *s, const char **items, size_t max)
{
	size_t n = 0;

	while (s && n < max) {
		char *comma = strchr(s, ',');
		char *end;

		if (comma)
			*comma = '\0';
		while (*s == ' ')
			s++;
		end = s + strlen(s);
		while (end > s && end[-1] == ' ')
			*--end = '\0';
		if (*s)
			items[n++] = s;
		s = comma ? comma + 1 : NULL;
	}
	return n;
}

static int load_one_quarantine(struct loader *ld, json_t *e, size_t i)
{
	sim_qmsg m = { 0 };
	const char *key, *date, *raw;
	const json_t *v;
	char score[64] = "0";
	char ftype[16];
	char *rcpts = NULL, *status = NULL;
	const char **items = NULL;
	ppsbuf synth = PPSBUF_INIT;
	int bad = 0, off, rc = -1;

	if (!json_is_object(e))
		return fail(ld, "quarantine", i, "not an object");
	json_object_foreach(e, key, v)
	{
		if (!IN_LIST(key, quarantine_fields))
			return fail(ld, "quarantine", i, "unknown field '%s'", key);
	}
	m.guid = get_str(e, "guid", &bad);
	m.localguid = get_str(e, "localguid", &bad);
	m.folder = get_str(e, "folder", &bad);
	m.from = get_str(e, "from", &bad);
	m.subject = get_str(e, "subject", &bad);
	m.host_ip = get_str(e, "host_ip", &bad);
	m.messageid = get_str(e, "messageid", &bad);
	m.processingserver = get_str(e, "processingserver", &bad);
	date = get_str(e, "date", &bad);
	raw = get_str(e, "raw", &bad);
	if (bad)
		return fail(ld, "quarantine", i, "a field that must be a string is not");
	if (!m.guid || !*m.guid || !m.localguid || !*m.localguid || !m.folder || !date)
		return fail(ld, "quarantine", i, "guid, localguid, folder and date are required");
	if (parse_date(date, &m.date, &off))
		return fail(ld, "quarantine", i, "bad date '%s'", date);
	v = json_object_get(e, "spamscore");
	if (v && !json_is_null(v) && scalar_text(v, score, sizeof(score)))
		return fail(ld, "quarantine", i, "spamscore must be a string or a number");
	m.spamscore = score;
	m.from = m.from ? m.from : "";
	m.subject = m.subject ? m.subject : "";
	m.host_ip = m.host_ip ? m.host_ip : "";
	m.messageid = m.messageid ? m.messageid : "";
	m.processingserver = m.processingserver ? m.processingserver : "";
	v = json_object_get(e, "rcpts");
	if (v && !json_is_null(v)) {
		rcpts = join_list(v, &bad);
		if (!rcpts) {
			rc = bad ? fail(ld, "quarantine", i,
					"rcpts must be a string or an array of strings")
				 : fail(ld, NULL, 0, "out of memory");
			goto done;
		}
	} else {
		rcpts = strdup("");
		if (!rcpts) {
			fail(ld, NULL, 0, "out of memory");
			goto done;
		}
	}
	if (raw) {
		m.raw = raw;
		m.raw_len = json_string_length(json_object_get(e, "raw"));
	} else {
		if (synth_raw(&synth, &m, rcpts)) {
			fail(ld, NULL, 0, "out of memory");
			goto done;
		}
		m.raw = synth.buf;
		m.raw_len = synth.len;
	}
	items = calloc(strlen(rcpts) / 2 + 1, sizeof(*items));
	if (!items) {
		fail(ld, NULL, 0, "out of memory");
		goto done;
	}
	m.rcpts = items;
	m.nrcpts = split_list(rcpts, items, strlen(rcpts) / 2 + 1);
	if (sim_store_folder_type(ld->st, m.folder, ftype, sizeof(ftype)) != 1) {
		fail(ld, "quarantine", i, "folder '%s' is not defined", m.folder);
		goto done;
	}
	status = sim_qstatus_initial(m.date);
	m.status = status;
	if (!status || sim_store_add_quarantine(ld->st, &m)) {
		fail(ld, "quarantine", i, "the store refused message '%s' (localguid '%s')", m.guid,
		     m.localguid);
		goto done;
	}
	rc = 0;
done:
	free(status);
	free(items);
	free(rcpts);
	ppsbuf_release(&synth);
	return rc;
}

static int load_quarantine(struct loader *ld, json_t *arr)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
	{
		if (load_one_quarantine(ld, e, i))
			return -1;
	}
	return 0;
}

static int is_string_list(const json_t *v)
{
	size_t i;
	const json_t *item;

	if (!json_is_array(v))
		return 0;
	json_array_foreach(v, i, item)
	{
		if (!json_is_string(item))
			return 0;
	}
	return 1;
}

/* Builds the complete profile of users[i]; a new reference, or NULL after fail(). */
static json_t *build_profile(struct loader *ld, json_t *e, size_t i)
{
	json_t *p = NULL;
	const char *key, *email;
	const json_t *v;
	int bad = 0;

	if (!json_is_object(e)) {
		fail(ld, "users", i, "not an object");
		return NULL;
	}
	json_object_foreach(e, key, v)
	{
		if (IN_LIST(key, user_string_fields)) {
			if (!json_is_string(v)) {
				fail(ld, "users", i, "%s must be a string", key);
				return NULL;
			}
		} else if (IN_LIST(key, user_list_fields)) {
			if (!is_string_list(v)) {
				fail(ld, "users", i, "%s must be an array of strings", key);
				return NULL;
			}
		} else if (strcmp(key, "attributes") == 0) {
			if (!json_is_object(v)) {
				fail(ld, "users", i, "attributes must be an object");
				return NULL;
			}
		} else if (strcmp(key, "type") == 0) {
			if (!json_is_integer(v) ||
			    (json_integer_value(v) != 0 && json_integer_value(v) != 1)) {
				fail(ld, "users", i, "type must be 0 (user) or 1 (mailing list)");
				return NULL;
			}
		} else {
			fail(ld, "users", i, "unknown field '%s'", key);
			return NULL;
		}
	}
	email = get_str(e, "email", &bad);
	if (!email || !*email || !strchr(email, '@')) {
		fail(ld, "users", i, "email must be an address");
		return NULL;
	}
	p = json_deep_copy(e);
	if (!p)
		goto oom;
	if (!json_object_get(p, "uid")) {
		const char *at = strchr(email, '@');

		if (json_object_set_new(p, "uid", json_stringn(email, (size_t)(at - email))))
			goto oom;
	}
	for (size_t k = 0; k < sizeof(user_list_fields) / sizeof(user_list_fields[0]); k++)
		if (!json_object_get(p, user_list_fields[k]) &&
		    json_object_set_new(p, user_list_fields[k], json_array()))
			goto oom;
	if ((!json_object_get(p, "attributes") &&
	     json_object_set_new(p, "attributes", json_object())) ||
	    (!json_object_get(p, "type") && json_object_set_new(p, "type", json_integer(0))))
		goto oom;
	for (size_t k = 0; k < sizeof(user_string_fields) / sizeof(user_string_fields[0]); k++) {
		const char *name = user_string_fields[k];
		const char *dflt = "";

		if (json_object_get(p, name))
			continue;
		if (strcmp(name, "creationsource") == 0)
			dflt = "api";
		else if (strcmp(name, "created") == 0 || strcmp(name, "lastmodified") == 0 ||
			 strcmp(name, "lastpasswordchange") == 0)
			dflt = USER_DEFAULT_TIME;
		if (json_object_set_new(p, name, json_string(dflt)))
			goto oom;
	}
	return p;
oom:
	fail(ld, NULL, 0, "out of memory");
	json_decref(p);
	return NULL;
}

static int load_users(struct loader *ld, json_t *arr)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
	{
		json_t *p = build_profile(ld, e, i);
		int rc;

		if (!p)
			return -1;
		rc = sim_user_add(ld->st, p);
		json_decref(p);
		if (rc)
			return fail(ld, "users", i, "the store refused the profile");
	}
	return 0;
}

static const struct section {
	const char *key;
	int (*load)(struct loader *ld, json_t *arr);
} sections[] = {
	{ "accounts", load_accounts }, { "folders", load_folders },
	{ "messages", load_messages }, { "quarantine", load_quarantine },
	{ "users", load_users },
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

static int load_text(sim_store *st, const char *text, size_t len, const char *name, char *err,
		     size_t errlen, int allow_accounts)
{
	struct loader ld = { st, name ? name : "fixture", err, errlen };
	json_error_t jerr;
	json_t *root = NULL;
	const char *key;
	json_t *v;
	int rc = -1, in_tx = 0;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		fail(&ld, NULL, 0, "line %d, column %d: invalid JSON: %s", jerr.line, jerr.column,
		     jerr.text);
		goto done;
	}
	if (!json_is_object(root)) {
		fail(&ld, NULL, 0, "the top level is not an object");
		goto done;
	}
	json_object_foreach(root, key, v)
	{
		size_t s = 0;

		while (s < NSECTIONS && strcmp(sections[s].key, key) != 0)
			s++;
		if (s == NSECTIONS) {
			fail(&ld, NULL, 0, "unknown top-level key '%s'", key);
			goto done;
		}
		if (!allow_accounts && strcmp(key, "accounts") == 0) {
			fail(&ld, NULL, 0, "accounts cannot be added here");
			goto done;
		}
		if (!json_is_array(v)) {
			fail(&ld, NULL, 0, "'%s' is not an array", key);
			goto done;
		}
	}
	if (sim_store_begin_bulk(st)) {
		fail(&ld, NULL, 0, "cannot begin a store transaction");
		goto done;
	}
	in_tx = 1;
	for (size_t s = 0; s < NSECTIONS; s++) {
		v = json_object_get(root, sections[s].key);
		if (v && sections[s].load(&ld, v))
			goto done;
	}
	if (sim_store_commit(st)) {
		fail(&ld, NULL, 0, "cannot commit the store transaction");
		goto done;
	}
	in_tx = 0;
	rc = 0;
done:
	if (in_tx)
		sim_store_rollback(st);
	json_decref(root);
	return rc;
}

int sim_fixture_load_text(sim_store *st, const char *text, size_t len, const char *name, char *err,
			  size_t errlen)
{
	return load_text(st, text, len, name, err, errlen, 1);
}

int sim_fixture_inject(sim_store *st, const char *text, size_t len, char *err, size_t errlen)
{
	return load_text(st, text, len, "body", err, errlen, 0);
}

int sim_fixture_load(sim_store *st, const char *path, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	ppsbuf b = PPSBUF_INIT;
	FILE *f = NULL;
	char chunk[65536];
	size_t n;
	int rc = -1;

	ppsbuf_init(&b, (size_t)FIXTURE_MAX);
	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		goto done;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (ppsbuf_add(&b, chunk, n)) {
			snprintf(err, errlen, "%s: larger than %ld bytes or out of memory", path,
				 FIXTURE_MAX);
			goto done;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		goto done;
	}
	rc = sim_fixture_load_text(st, b.buf, b.len, name, err, errlen);
done:
	if (f)
		fclose(f);
	ppsbuf_release(&b);
	return rc;
}
