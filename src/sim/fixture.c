/*
 * Loads a JSON fixture (docs/sim-fixture.md) into the store in one transaction: all or nothing.
 * This file reads the document and checks its sections; each section's entries are validated in
 * fixture_mail.c and fixture_people.c, which name the bad one. No SQL here.
 */
#include "sim/fixture.h"
#include "sim/fixture_load.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "util/buf.h"

#include "util/banned.h"

/* A fixture larger than this is refused before it is parsed. */
#define FIXTURE_MAX (512L * 1024 * 1024)

static const struct section {
	const char *key;
	int (*load)(struct sim_loader *ld, json_t *arr);
} sections[] = {
	{ "accounts", sim_fixture_accounts }, { "folders", sim_fixture_folders },
	{ "messages", sim_fixture_messages }, { "quarantine", sim_fixture_quarantine },
	{ "users", sim_fixture_users },
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

/* Checks the document's top level: known sections, each an array (accounts only when allowed).
 * 0, or -1 after sim_fixture_fail(). */
static int check_sections(struct sim_loader *ld, json_t *root, int allow_accounts)
{
	const char *key;
	json_t *v;

	if (!json_is_object(root))
		return sim_fixture_fail(ld, NULL, 0, "the top level is not an object");
	json_object_foreach(root, key, v)
	{
		size_t s = 0;

		while (s < NSECTIONS && strcmp(sections[s].key, key) != 0)
			s++;
		if (s == NSECTIONS)
			return sim_fixture_fail(ld, NULL, 0, "unknown top-level key '%s'", key);
		if (!allow_accounts && strcmp(key, "accounts") == 0)
			return sim_fixture_fail(ld, NULL, 0, "accounts cannot be added here");
		if (!json_is_array(v))
			return sim_fixture_fail(ld, NULL, 0, "'%s' is not an array", key);
	}
	return 0;
}

static int load_text(sim_store *st, const char *text, size_t len, const char *name, char *err,
		     size_t errlen, int allow_accounts)
{
	struct sim_loader ld = { st, name ? name : "fixture", err, errlen };
	json_error_t jerr;
	json_t *root = NULL;
	json_t *v;
	int rc = -1, in_tx = 0;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		sim_fixture_fail(&ld, NULL, 0, "line %d, column %d: invalid JSON: %s", jerr.line,
				 jerr.column, jerr.text);
		goto done;
	}
	if (check_sections(&ld, root, allow_accounts))
		goto done;
	if (sim_store_begin_bulk(st)) {
		sim_fixture_fail(&ld, NULL, 0, "cannot begin a store transaction");
		goto done;
	}
	in_tx = 1;
	for (size_t s = 0; s < NSECTIONS; s++) {
		v = json_object_get(root, sections[s].key);
		if (v && sections[s].load(&ld, v))
			goto done;
	}
	if (sim_store_commit(st)) {
		sim_fixture_fail(&ld, NULL, 0, "cannot commit the store transaction");
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
