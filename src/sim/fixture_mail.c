/*
 * The fixture's mail: quarantine folders, Smart Search records (completed to every field) and
 * quarantined messages (with a synthesized RFC 5322 text when none is given). No SQL here.
 */
#include "sim/fixture_load.h"
#include "sim/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "util/buf.h"
#include "util/timeutil.h"

#include "util/banned.h"

static const char *const quarantine_fields[] = {
	"guid",	   "localguid", "folder",	    "from", "rcpts", "subject", "date", "spamscore",
	"host_ip", "messageid", "processingserver", "raw",
};

int sim_fixture_folders(struct sim_loader *ld, json_t *arr)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
	{
		const char *key, *name, *type;
		const json_t *v;
		int bad = 0;

		if (!json_is_object(e))
			return sim_fixture_fail(ld, "folders", i, "not an object");
		json_object_foreach(e, key, v)
		{
			if (strcmp(key, "name") != 0 && strcmp(key, "type") != 0)
				return sim_fixture_fail(ld, "folders", i, "unknown field '%s'",
							key);
		}
		name = sim_fixture_str(e, "name", &bad);
		type = sim_fixture_str(e, "type", &bad);
		if (bad || !name || !*name)
			return sim_fixture_fail(ld, "folders", i,
						"name must be a non-empty string");
		if (!type ||
		    (strcmp(type, SIM_FOLDER_SPAM) != 0 && strcmp(type, SIM_FOLDER_VIRUS) != 0 &&
		     strcmp(type, SIM_FOLDER_DLP) != 0))
			return sim_fixture_fail(ld, "folders", i,
						"type of '%s' must be spam, virus or dlp", name);
		if (sim_store_put_folder(ld->st, name, type))
			return sim_fixture_fail(ld, "folders", i, "the store refused folder '%s'",
						name);
	}
	return 0;
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

/* The GUID of a message given without one: drawn from its index and its text. A new
 * reference, or NULL when out of memory. */
static json_t *derived_guid_of(const json_t *e, size_t i)
{
	char guid[33];
	char *dump = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS);

	if (!dump)
		return NULL;
	derived_guid(fnv1a(fnv1a(14695981039346656037ULL, &i, sizeof(i)), dump, strlen(dump)),
		     guid);
	free(dump);
	return json_string(guid);
}

/*
 * The value of the field name of messages[i] (e; v its value there, or NULL), date its wire
 * date: a new reference, or NULL with *wrong set when v has the wrong type (not set when out of
 * memory).
 */
static json_t *record_value(const json_t *e, size_t i, const char *name, const json_t *v,
			    const char *date, int *wrong)
{
	char text[512];

	if (strcmp(name, "Date") == 0)
		return json_string(date);
	if (strcmp(name, "module_rules") == 0) {
		if (v && !sim_fixture_is_string_list(v)) {
			*wrong = 1;
			return NULL;
		}
		return v ? json_deep_copy(v) : json_array();
	}
	if (strcmp(name, "Recipients") == 0 && v) {
		char *list = sim_fixture_join(v, wrong);
		json_t *val = list ? json_string(list) : NULL;

		free(list);
		return val;
	}
	if (strcmp(name, "GUID") == 0 && !v)
		return derived_guid_of(e, i);
	if (!v || json_is_null(v))
		return json_string("");
	if (sim_fixture_scalar(v, text, sizeof(text))) {
		*wrong = 1;
		return NULL;
	}
	return json_is_string(v) ? json_stringn(json_string_value(v), json_string_length(v))
				 : json_string(text);
}

/* Checks messages[i] and reads its Date into *epoch and date (wire form). 0, or -1 after
 * sim_fixture_fail(). */
static int check_record(struct sim_loader *ld, json_t *e, size_t i, int64_t *epoch, char *date,
			size_t len)
{
	const char *key;
	const json_t *v;
	int off = 0;

	if (!json_is_object(e))
		return sim_fixture_fail(ld, "messages", i, "not an object");
	json_object_foreach(e, key, v)
	{
		if (sim_record_field(key) < 0)
			return sim_fixture_fail(ld, "messages", i, "unknown field '%s'", key);
	}
	v = json_object_get(e, "Date");
	if (!json_is_string(v))
		return sim_fixture_fail(ld, "messages", i, "Date is required (ISO-8601)");
	if (sim_fixture_date(json_string_value(v), epoch, &off) ||
	    sim_fixture_wire_date(*epoch, off, date, len))
		return sim_fixture_fail(ld, "messages", i, "bad Date '%s'", json_string_value(v));
	return 0;
}

/* Builds the complete record of messages[i]; a new reference, or NULL after sim_fixture_fail(). */
static json_t *build_record(struct sim_loader *ld, json_t *e, size_t i, int64_t *epoch)
{
	json_t *rec = NULL;
	char date[64];

	if (check_record(ld, e, i, epoch, date, sizeof(date)))
		return NULL;
	rec = json_object();
	if (!rec)
		goto oom;
	for (size_t f = 0; f < SIM_NFIELDS; f++) {
		const char *name = sim_record_fields[f];
		int wrong = 0;
		/* a new reference, stolen by json_object_set_new */
		json_t *val = record_value(e, i, name, json_object_get(e, name), date, &wrong);

		if (wrong) {
			sim_fixture_fail(ld, "messages", i, "%s has the wrong type", name);
			json_decref(rec);
			return NULL;
		}
		if (!val || json_object_set_new(rec, name, val))
			goto oom;
	}
	return rec;
oom:
	sim_fixture_fail(ld, NULL, 0, "out of memory");
	json_decref(rec);
	return NULL;
}

int sim_fixture_messages(struct sim_loader *ld, json_t *arr)
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
			return sim_fixture_fail(ld, "messages", i, "the store refused the record");
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

/*
 * Checks quarantine[i] and reads its fields into m (borrowed from e, the absent ones ""), its
 * score into score and its raw text when given. 0, or -1 after sim_fixture_fail().
 */
static int read_quarantine(struct sim_loader *ld, json_t *e, size_t i, sim_qmsg *m, char *score,
			   size_t len)
{
	const char *key, *date, *raw;
	const json_t *v;
	int bad = 0, off;

	if (!json_is_object(e))
		return sim_fixture_fail(ld, "quarantine", i, "not an object");
	json_object_foreach(e, key, v)
	{
		if (!IN_LIST(key, quarantine_fields))
			return sim_fixture_fail(ld, "quarantine", i, "unknown field '%s'", key);
	}
	m->guid = sim_fixture_str(e, "guid", &bad);
	m->localguid = sim_fixture_str(e, "localguid", &bad);
	m->folder = sim_fixture_str(e, "folder", &bad);
	m->from = sim_fixture_str(e, "from", &bad);
	m->subject = sim_fixture_str(e, "subject", &bad);
	m->host_ip = sim_fixture_str(e, "host_ip", &bad);
	m->messageid = sim_fixture_str(e, "messageid", &bad);
	m->processingserver = sim_fixture_str(e, "processingserver", &bad);
	date = sim_fixture_str(e, "date", &bad);
	raw = sim_fixture_str(e, "raw", &bad);
	if (bad)
		return sim_fixture_fail(ld, "quarantine", i,
					"a field that must be a string is not");
	if (!m->guid || !*m->guid || !m->localguid || !*m->localguid || !m->folder || !date)
		return sim_fixture_fail(ld, "quarantine", i,
					"guid, localguid, folder and date are required");
	if (sim_fixture_date(date, &m->date, &off))
		return sim_fixture_fail(ld, "quarantine", i, "bad date '%s'", date);
	v = json_object_get(e, "spamscore");
	if (v && !json_is_null(v) && sim_fixture_scalar(v, score, len))
		return sim_fixture_fail(ld, "quarantine", i,
					"spamscore must be a string or a number");
	m->spamscore = score;
	m->from = m->from ? m->from : "";
	m->subject = m->subject ? m->subject : "";
	m->host_ip = m->host_ip ? m->host_ip : "";
	m->messageid = m->messageid ? m->messageid : "";
	m->processingserver = m->processingserver ? m->processingserver : "";
	if (raw) {
		m->raw = raw;
		m->raw_len = json_string_length(json_object_get(e, "raw"));
	}
	return 0;
}

/* The recipients of quarantine[i] as one comma list (a new string), or NULL after
 * sim_fixture_fail(). */
static char *quarantine_rcpts(struct sim_loader *ld, const json_t *e, size_t i)
{
	const json_t *v = json_object_get(e, "rcpts");
	char *rcpts;
	int bad = 0;

	if (v && !json_is_null(v)) {
		rcpts = sim_fixture_join(v, &bad);
		if (!rcpts && bad)
			sim_fixture_fail(ld, "quarantine", i,
					 "rcpts must be a string or an array of strings");
		else if (!rcpts)
			sim_fixture_fail(ld, NULL, 0, "out of memory");
		return rcpts;
	}
	rcpts = strdup("");
	if (!rcpts)
		sim_fixture_fail(ld, NULL, 0, "out of memory");
	return rcpts;
}

static int load_one_quarantine(struct sim_loader *ld, json_t *e, size_t i)
{
	sim_qmsg m = { 0 };
	char score[64] = "0";
	char ftype[16];
	char *rcpts = NULL, *status = NULL;
	const char **items = NULL;
	ppsbuf synth = PPSBUF_INIT;
	int rc = -1;

	if (read_quarantine(ld, e, i, &m, score, sizeof(score)))
		return -1;
	rcpts = quarantine_rcpts(ld, e, i);
	if (!rcpts)
		return -1;
	if (!m.raw) {
		if (synth_raw(&synth, &m, rcpts)) {
			sim_fixture_fail(ld, NULL, 0, "out of memory");
			goto done;
		}
		m.raw = synth.buf;
		m.raw_len = synth.len;
	}
	items = calloc(strlen(rcpts) / 2 + 1, sizeof(*items));
	if (!items) {
		sim_fixture_fail(ld, NULL, 0, "out of memory");
		goto done;
	}
	m.rcpts = items;
	m.nrcpts = sim_fixture_split(rcpts, items, strlen(rcpts) / 2 + 1);
	if (sim_store_folder_type(ld->st, m.folder, ftype, sizeof(ftype)) != 1) {
		sim_fixture_fail(ld, "quarantine", i, "folder '%s' is not defined", m.folder);
		goto done;
	}
	status = sim_qstatus_initial(m.date);
	m.status = status;
	if (!status || sim_store_add_quarantine(ld->st, &m)) {
		sim_fixture_fail(ld, "quarantine", i,
				 "the store refused message '%s' (localguid '%s')", m.guid,
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

int sim_fixture_quarantine(struct sim_loader *ld, json_t *arr)
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
