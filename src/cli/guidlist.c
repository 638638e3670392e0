/*
 * The line parser of local_guid lists: bare GUIDs, quoted GUIDs, comma lists and JSON records,
 * each entry checked for a GUID's shape. Never prints and never sends; an invalid entry is kept
 * with its reason so that it can be reported by line.
 */
#include "cli/guidlist.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

void cli_guidlist_release(cli_guidlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].text);
		free(l->v[i].guid);
		free(l->v[i].folder);
		free(l->v[i].alt);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->alloc = 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Three runs of 1 to 10 digits joined by ':'. */
static int onprem_valid(const char *s)
{
	for (int part = 0; part < 3; part++) {
		size_t n = 0;

		while (is_digit(s[n]))
			n++;
		if (n == 0 || n > 10)
			return 0;
		s += n;
		if (part < 2) {
			if (*s != ':')
				return 0;
			s++;
		}
	}
	return *s == '\0';
}

/* Digits and ':' with a ':' among them: meant as an on-premise GUID. */
static int onprem_shaped(const char *s)
{
	int colon = 0;

	for (; *s; s++) {
		if (*s == ':')
			colon = 1;
		else if (!is_digit(*s))
			return 0;
	}
	return colon;
}

/*
 * A byte that cannot be in a GUID: white space, a control byte, a byte outside ASCII (the server's
 * GUIDs are ASCII; a Latin-1 line is no GUID), a comma (the list separator), and quotes, brackets
 * and braces (quoting or JSON that went wrong, as "4:2:6 or ["4:2:6"]).
 */
static int guid_byte_bad(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || c == ',' || c == '"' || c == '\'' || c == '[' ||
	       c == ']' || c == '{' || c == '}';
}

int cli_guid_valid(const char *s)
{
	size_t n = 0;

	if (onprem_valid(s))
		return 1;
	if (onprem_shaped(s))
		return 0;
	while (s[n] && !guid_byte_bad((unsigned char)s[n]))
		n++;
	return s[n] == '\0' && n >= 1 && n <= CLI_GUID_MAX;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static void trim(const char **p, size_t *len)
{
	while (*len && is_space(**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len && is_space((*p)[*len - 1]))
		(*len)--;
}

static char *dup_n(const char *s, size_t n)
{
	char *c = malloc(n + 1);

	if (c) {
		memcpy(c, s, n);
		c[n] = '\0';
	}
	return c;
}

/* Appends an entry owning copies of text and guid (guid may be NULL); folder is taken over. */
static int add_entry(cli_guidlist *l, size_t lineno, const char *text, size_t tlen,
		     const char *guid, size_t glen, char *folder, const char *why)
{
	cli_guid_entry *e;

	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 64;
		cli_guid_entry *nv = realloc(l->v, na * sizeof(*nv));

		if (!nv)
			goto fail;
		l->v = nv;
		l->alloc = na;
	}
	e = &l->v[l->n];
	memset(e, 0, sizeof(*e));
	e->line = lineno;
	e->text = dup_n(text, tlen);
	e->guid = guid ? dup_n(guid, glen) : NULL;
	e->folder = folder;
	if (!e->text || (guid && !e->guid)) {
		free(e->text);
		free(e->guid);
		goto fail;
	}
	if (!why && !cli_guid_valid(e->guid))
		why = "not a GUID (expected N:N:N or a cloud GUID)";
	e->why = why;
	l->n++;
	return 0;
fail:
	free(folder);
	return -1;
}

/* A JSON record: localguid, else guid; and folder. */
static int parse_record(cli_guidlist *l, const char *p, size_t len, size_t lineno)
{
	json_error_t jerr;
	json_t *rec = json_loadb(p, len, JSON_REJECT_DUPLICATES, &jerr);
	const json_t *g, *f, *ev, *other;
	const char *why = NULL, *guid = NULL;
	char *folder = NULL, *alt = NULL;
	int rc;

	if (!json_is_object(rec)) {
		json_decref(rec);
		if (add_entry(l, lineno, p, len, NULL, 0, NULL,
			      "not a GUID nor a JSON record (bad JSON)"))
			return -1;
		l->v[l->n - 1].record = 1;
		return 0;
	}
	ev = json_object_get(rec, "event");
	if (json_is_string(ev) && strcmp(json_string_value(ev), "outcome") != 0) {
		/* A journal's start, intent, split or end line: the run reads its state apart. */
		json_decref(rec);
		return 0;
	}
	g = json_object_get(rec, "localguid");
	other = json_object_get(rec, "guid");
	if (!json_is_string(g))
		g = other;
	else if (json_is_string(other) && !json_equal(g, other) &&
		 cli_guid_valid(json_string_value(other))) {
		alt = dup_n(json_string_value(other), json_string_length(other));
		if (!alt) {
			json_decref(rec);
			return -1;
		}
	}
	f = json_object_get(rec, "folder");
	if (json_is_string(g))
		guid = json_string_value(g);
	else
		why = "record without a string localguid or guid";
	if (json_is_string(f) && json_string_length(f) > 0) {
		folder = dup_n(json_string_value(f), json_string_length(f));
		if (!folder) {
			free(alt);
			json_decref(rec);
			return -1;
		}
	} else if (f && !json_is_null(f) && !why) {
		why = "record whose folder is not a string";
	}
	/* A journal's outcome line keeps the text first given, not a copy of itself. */
	{
		const json_t *text = json_object_get(json_object_get(rec, "input"), "text");

		if (json_is_string(ev) && json_is_string(text)) {
			p = json_string_value(text);
			len = json_string_length(text);
		}
	}
	rc = add_entry(l, lineno, p, len, guid, guid ? strlen(guid) : 0, folder, why);
	if (rc == 0) {
		l->v[l->n - 1].record = 1;
		l->v[l->n - 1].alt = alt;
	} else {
		free(alt);
	}
	json_decref(rec);
	return rc;
}

/* One item of a comma list: trimmed, one pair of quotes removed, trimmed again. */
static int parse_item(cli_guidlist *l, const char *p, size_t len, size_t lineno)
{
	const char *g;
	size_t glen;

	trim(&p, &len);
	if (!len)
		return add_entry(l, lineno, p, len, p, len, NULL, "empty item in a comma list");
	g = p;
	glen = len;
	if (glen >= 2 && (g[0] == '"' || g[0] == '\'') && g[glen - 1] == g[0]) {
		g++;
		glen -= 2;
		trim(&g, &glen);
	}
	if (memchr(g, '\0', glen))
		return add_entry(l, lineno, p, len, NULL, 0, NULL, "holds a NUL byte");
	return add_entry(l, lineno, p, len, g, glen, NULL, NULL);
}

int cli_guidlist_parse_line(cli_guidlist *l, const char *line, size_t len, size_t lineno)
{
	const char *p = line;

	/* A BOM (an editor's, or a Windows tool's) first, then white space and CR. */
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		len -= 3;
	}
	trim(&p, &len);
	if (!len || p[0] == '#')
		return 0;
	if (p[0] == '{')
		return parse_record(l, p, len, lineno);
	for (;;) {
		const char *c = memchr(p, ',', len);
		size_t n = c ? (size_t)(c - p) : len;

		if (parse_item(l, p, n, lineno))
			return -1;
		if (!c)
			return 0;
		p = c + 1;
		len -= n + 1;
	}
}

int cli_guidlist_parse(cli_guidlist *l, const char *text, size_t len)
{
	size_t lineno = 1;

	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;

		if (cli_guidlist_parse_line(l, text, n, lineno++))
			return -1;
		if (!nl)
			break;
		text = nl + 1;
		len -= n + 1;
	}
	return 0;
}

struct rslot {
	const char *guid;
	const char *folder;
};

static int by_guid(const void *a, const void *b)
{
	const struct rslot *x = a, *y = b;

	return strcmp(x->guid, y->guid);
}

int cli_guidlist_resolve_folders(cli_guidlist *l)
{
	struct rslot *recs = malloc((l->n ? l->n : 1) * sizeof(*recs));
	size_t n = 0;
	int rc = 0;

	if (!recs)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		if (!l->v[i].why && l->v[i].folder) {
			recs[n].guid = l->v[i].guid;
			recs[n].folder = l->v[i].folder;
			n++;
		}
	}
	/* A stable order is not needed: any record of the GUID names its one folder. */
	qsort(recs, n, sizeof(*recs), by_guid);
	for (size_t i = 0; i < l->n; i++) {
		cli_guid_entry *e = &l->v[i];
		struct rslot key = { e->guid, NULL };
		const struct rslot *hit;

		if (e->why || e->folder)
			continue;
		hit = n ? bsearch(&key, recs, n, sizeof(*recs), by_guid) : NULL;
		if (!hit) {
			e->why = "no folder: give folder_name, or a record that names its folder";
			continue;
		}
		e->folder = dup_n(hit->folder, strlen(hit->folder));
		if (!e->folder) {
			rc = -1;
			break;
		}
	}
	free(recs);
	return rc;
}

struct dslot {
	const char *guid;
	const char *folder;
	size_t index;
};

static int dslot_cmp(const void *a, const void *b)
{
	const struct dslot *x = a, *y = b;
	int c = strcmp(x->guid, y->guid);

	if (!c)
		c = strcmp(x->folder, y->folder);
	if (c)
		return c;
	return (x->index > y->index) - (x->index < y->index);
}

int cli_guidlist_mark_duplicates(cli_guidlist *l, const char *default_folder)
{
	struct dslot *s = malloc((l->n ? l->n : 1) * sizeof(*s));
	size_t n = 0;

	if (!s)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		const cli_guid_entry *e = &l->v[i];

		if (e->why)
			continue;
		s[n].guid = e->guid;
		s[n].folder = e->folder ? e->folder : default_folder ? default_folder : "";
		s[n].index = i;
		n++;
	}
	/* Sorted by GUID, folder, then position: each later equal one repeats the first. */
	qsort(s, n, sizeof(*s), dslot_cmp);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (strcmp(s[i].guid, s[first].guid) == 0 &&
		    strcmp(s[i].folder, s[first].folder) == 0)
			l->v[s[i].index].dup_of = s[first].index + 1;
		else
			first = i;
	}
	free(s);
	return 0;
}

struct aslot {
	const char *alt;
	const cli_guid_entry *rec;
};

static int by_alt(const void *a, const void *b)
{
	return strcmp(((const struct aslot *)a)->alt, ((const struct aslot *)b)->alt);
}

int cli_guidlist_canonicalize(cli_guidlist *l, const char **onprem, const char **cloud)
{
	struct aslot *alts = malloc((l->n ? l->n : 1) * sizeof(*alts));
	size_t n = 0;
	int rc = 0;

	*onprem = *cloud = NULL;
	if (!alts)
		return -1;
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].why && l->v[i].alt)
			alts[n++] = (struct aslot){ l->v[i].alt, &l->v[i] };
	qsort(alts, n, sizeof(*alts), by_alt);
	for (size_t i = 0; i < l->n && rc == 0; i++) {
		cli_guid_entry *e = &l->v[i];
		struct aslot key = { e->guid, NULL };
		const struct aslot *hit;
		char *g;

		if (e->why)
			continue;
		hit = n ? bsearch(&key, alts, n, sizeof(*alts), by_alt) : NULL;
		if (hit && hit->rec != e) {
			/* Named by the GUID of a record that gives its localguid: the localguid. */
			g = dup_n(hit->rec->guid, strlen(hit->rec->guid));
			if (!g) {
				rc = -1;
				break;
			}
			free(e->guid);
			e->guid = g;
		}
		if (onprem_valid(e->guid)) {
			if (!*onprem)
				*onprem = e->guid;
		} else if (!*cloud) {
			*cloud = e->guid;
		}
	}
	free(alts);
	if (rc)
		return rc;
	return *onprem && *cloud ? 1 : 0;
}
