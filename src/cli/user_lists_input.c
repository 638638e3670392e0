/*
 * The entries of a safe or block list command: entry= as a comma list, or standard input
 * (plain lines for the user of email= or uid=, JSON records {"email","entry"} for many users),
 * checked by libpps's rules and grouped per user. Sends nothing.
 */
#include "cli/user_lists.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "pps/pps.h"

#include "util/banned.h"

#define MAX_LINE (64u * 1024u)

const char *cli_ulist_user_id(const cli_ulist_user *u)
{
	return u->email ? u->email : u->uid;
}

void cli_ulist_input_release(cli_ulist_input *in)
{
	for (size_t i = 0; i < in->n; i++) {
		for (size_t k = 0; k < in->v[i].n; k++)
			free(in->v[i].entries[k]);
		free(in->v[i].entries);
		free(in->v[i].email);
		free(in->v[i].uid);
	}
	free(in->v);
	memset(in, 0, sizeof(*in));
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcasecmp(a, b) == 0);
}

/* The group of a user, made when new; NULL when out of memory. */
static cli_ulist_user *user_of(cli_ulist_input *in, const char *email, const char *uid)
{
	cli_ulist_user *u;

	if (email && !*email)
		email = NULL;
	for (size_t i = 0; i < in->n; i++)
		if (same(in->v[i].email, email) && (email || same(in->v[i].uid, uid)))
			return &in->v[i];
	if (in->n == in->alloc) {
		size_t alloc = in->alloc ? in->alloc * 2 : 4;
		cli_ulist_user *v = realloc(in->v, alloc * sizeof(*v));

		if (!v)
			return NULL;
		in->v = v;
		in->alloc = alloc;
	}
	u = &in->v[in->n];
	memset(u, 0, sizeof(*u));
	u->email = email ? strdup(email) : NULL;
	u->uid = !email && uid ? strdup(uid) : NULL;
	if (!u->email && !u->uid) {
		free(u->email);
		free(u->uid);
		return NULL;
	}
	in->n++;
	return u;
}

/* Checks entry (len bytes) and adds it to u once. 0, 1 (memory) or 2 (usage, err set). */
static int add_entry(cli_ulist_user *u, const char *entry, size_t len, size_t line, char *err,
		     size_t errlen)
{
	char why[160], where[48] = "";
	char *e = strndup(entry, len);

	if (!e)
		return 1;
	if (line)
		snprintf(where, sizeof(where), " (line %zu)", line);
	if (strlen(e) != len || pps_list_entry_check(e, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "invalid entry '%s'%s: %s", e, where,
			 strlen(e) != len ? "the entry holds a NUL" : why);
		free(e);
		return 2;
	}
	for (size_t i = 0; i < u->n; i++) {
		if (strcasecmp(u->entries[i], e) == 0) {
			free(e);
			return 0;
		}
	}
	if (u->n == u->alloc) {
		size_t alloc = u->alloc ? u->alloc * 2 : 8;
		char **v = realloc(u->entries, alloc * sizeof(*v));

		if (!v) {
			free(e);
			return 1;
		}
		u->entries = v;
		u->alloc = alloc;
	}
	u->entries[u->n++] = e;
	return 0;
}

/* A comma list, spaces around each item dropped. */
static int add_list(cli_ulist_user *u, const char *list, size_t line, char *err, size_t errlen)
{
	const char *p = list;

	for (;;) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
		const char *start = p;
		int rc;

		while (start < end && (*start == ' ' || *start == '\t'))
			start++;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		rc = add_entry(u, start, (size_t)(end - start), line, err, errlen);
		if (rc)
			return rc;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* One record {"email" (or "uid"), "entry": a string or an array of strings}. */
static int add_record(cli_ulist_input *in, const char *text, size_t len, size_t line, char *err,
		      size_t errlen)
{
	json_error_t jerr;
	json_t *rec = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *entry, *v;
	const char *email, *uid;
	cli_ulist_user *u;
	size_t i;
	int rc = 2;

	if (!json_is_object(rec)) {
		snprintf(err, errlen, "invalid record (line %zu): %s", line,
			 rec ? "expected a JSON object" : jerr.text);
		goto done;
	}
	email = json_string_value(json_object_get(rec, "email"));
	uid = json_string_value(json_object_get(rec, "uid"));
	entry = json_object_get(rec, "entry");
	if ((!email || !*email) && (!uid || !*uid)) {
		snprintf(err, errlen, "invalid record (line %zu): it names no \"email\" or \"uid\"",
			 line);
		goto done;
	}
	if (!json_is_string(entry) && !json_is_array(entry)) {
		snprintf(err, errlen,
			 "invalid record (line %zu): \"entry\" must be a string or an array of "
			 "strings",
			 line);
		goto done;
	}
	u = user_of(in, email, uid);
	if (!u) {
		rc = 1;
		goto done;
	}
	if (json_is_string(entry)) {
		rc = add_list(u, json_string_value(entry), line, err, errlen);
		goto done;
	}
	rc = 0;
	json_array_foreach(entry, i, v)
	{
		if (!json_is_string(v)) {
			snprintf(err, errlen,
				 "invalid record (line %zu): \"entry\" holds a non-string", line);
			rc = 2;
			break;
		}
		rc = add_entry(u, json_string_value(v), json_string_length(v), line, err, errlen);
		if (rc)
			break;
	}
done:
	json_decref(rec);
	return rc;
}

/* One line of standard input (no newline). */
static int add_line(cli_ulist_input *in, char *s, size_t len, size_t line, const char *email,
		    const char *uid, char *err, size_t errlen)
{
	cli_ulist_user *u;

	while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3, len -= 3;
	if (!len || *s == '#')
		return 0;
	if (*s == '{')
		return add_record(in, s, len, line, err, errlen);
	if (!email && !uid) {
		snprintf(err, errlen,
			 "line %zu is a plain entry but no user is named: give email= or uid=, or "
			 "records {\"email\":...,\"entry\":...}",
			 line);
		return 2;
	}
	u = user_of(in, email, uid);
	return u ? add_entry(u, s, len, line, err, errlen) : 1;
}

static int read_stdin(cli_ulist_input *in, const char *email, const char *uid, FILE *f, char *err,
		      size_t errlen)
{
	char *buf = NULL;
	size_t cap = 0, line = 0;
	ssize_t n;
	int rc = 0;

	errno = 0;
	while (!rc && (n = getline(&buf, &cap, f)) >= 0) {
		line++;
		if ((size_t)n > MAX_LINE) {
			snprintf(err, errlen, "line %zu of the input is longer than %u bytes", line,
				 MAX_LINE);
			rc = 2;
			break;
		}
		if (n && buf[n - 1] == '\n')
			buf[--n] = '\0';
		rc = add_line(in, buf, (size_t)n, line, email, uid, err, errlen);
	}
	if (!rc && ferror(f)) {
		snprintf(err, errlen, "cannot read the entries from standard input: %s",
			 strerror(errno ? errno : EIO));
		rc = 1;
	}
	free(buf);
	return rc;
}

int cli_ulist_input_read(cli_ulist_input *out, const char *email, const char *uid,
			 const char *entry_arg, FILE *in, char *err, size_t errlen)
{
	cli_ulist_user *u;
	int rc;

	memset(out, 0, sizeof(*out));
	if (email && !*email)
		email = NULL;
	if (uid && !*uid)
		uid = NULL;
	if (entry_arg && strcmp(entry_arg, "-") == 0) {
		rc = read_stdin(out, email, uid, in, err, errlen);
		if (rc == 1 && !*err)
			snprintf(err, errlen, "out of memory");
		if (!rc && out->n == 0)
			snprintf(err, errlen, "the input held no entries"), rc = 2;
		return rc;
	}
	if (!email && !uid) {
		snprintf(err, errlen, "Please specify an email or uid");
		return 2;
	}
	u = user_of(out, email, uid);
	if (!u) {
		snprintf(err, errlen, "out of memory");
		return 1;
	}
	rc = entry_arg ? add_list(u, entry_arg, 0, err, errlen) : 0;
	if (rc == 1)
		snprintf(err, errlen, "out of memory");
	return rc;
}
