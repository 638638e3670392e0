/*
 * The fixture's people: API accounts (with the modules of their role) and end-user profiles,
 * checked and completed with their defaults, then handed to the store. No SQL here.
 */
#include "sim/fixture_load.h"
#include "sim/record.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/account.h"

#include "util/banned.h"

static const char *const user_string_fields[] = {
	"email",   "uid",	   "firstname",	 "lastname",	       "suborg",
	"created", "lastmodified", "lastsignon", "lastpasswordchange", "creationsource",
};
static const char *const user_list_fields[] = { "alias", "groups", "safelist", "blocklist" };

#define USER_DEFAULT_TIME "2020-05-01 00:00:00"

/* The module of one name of a "modules" list (case-insensitive), or 0 when it is none. */
static unsigned module_of(const char *name, size_t len)
{
	if (len == 3 && strncasecmp(name, "pss", 3) == 0)
		return SIM_MOD_PSS;
	if (len == 10 && strncasecmp(name, "quarantine", 10) == 0)
		return SIM_MOD_QUARANTINE;
	if (len == 7 && strncasecmp(name, "enduser", 7) == 0)
		return SIM_MOD_ENDUSER;
	return 0;
}

/* The SIM_MOD_* bits of accounts[i]'s "modules" (absent: all) into *out. 0, or -1 after
 * sim_fixture_fail(). */
static int read_modules(struct sim_loader *ld, const json_t *mods, size_t i, unsigned *out)
{
	char *list, *p;
	int bad = 0;

	*out = 0;
	if (!mods || json_is_null(mods)) {
		*out = SIM_MOD_ALL;
		return 0;
	}
	list = sim_fixture_join(mods, &bad);
	if (!list)
		return bad ? sim_fixture_fail(ld, "accounts", i,
					      "modules must be a string or an array of strings")
			   : sim_fixture_fail(ld, NULL, 0, "out of memory");
	for (p = list; p;) {
		char *comma = strchr(p, ',');
		const char *name = p;
		size_t len;
		unsigned mod;

		if (comma)
			*comma = '\0';
		while (*name == ' ')
			name++;
		len = strlen(name);
		while (len && name[len - 1] == ' ')
			len--;
		mod = module_of(name, len);
		if (!mod && len) {
			sim_fixture_fail(ld, "accounts", i, "unknown module '%.*s'", (int)len,
					 name);
			free(list);
			return -1;
		}
		*out |= mod;
		p = comma ? comma + 1 : NULL;
	}
	free(list);
	return 0;
}

int sim_fixture_accounts(struct sim_loader *ld, json_t *arr)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
	{
		const char *key, *user, *pass;
		const json_t *v;
		unsigned modules = 0;
		int bad = 0;

		if (!json_is_object(e))
			return sim_fixture_fail(ld, "accounts", i, "not an object");
		json_object_foreach(e, key, v)
		{
			if (strcmp(key, "username") != 0 && strcmp(key, "password") != 0 &&
			    strcmp(key, "modules") != 0)
				return sim_fixture_fail(ld, "accounts", i, "unknown field '%s'",
							key);
		}
		user = sim_fixture_str(e, "username", &bad);
		pass = sim_fixture_str(e, "password", &bad);
		if (bad || !user || !*user || !pass || !*pass)
			return sim_fixture_fail(ld, "accounts", i,
						"username and password must be non-empty strings");
		if (read_modules(ld, json_object_get(e, "modules"), i, &modules))
			return -1;
		if (sim_store_put_account(ld->st, user, pass, modules))
			return sim_fixture_fail(ld, "accounts", i, "the store refused account '%s'",
						user);
	}
	return 0;
}

/* Checks the field key (value v) of users[i]. 0, or -1 after sim_fixture_fail(). */
static int check_profile_field(struct sim_loader *ld, size_t i, const char *key, const json_t *v)
{
	if (IN_LIST(key, user_string_fields)) {
		if (!json_is_string(v))
			return sim_fixture_fail(ld, "users", i, "%s must be a string", key);
	} else if (IN_LIST(key, user_list_fields)) {
		if (!sim_fixture_is_string_list(v))
			return sim_fixture_fail(ld, "users", i, "%s must be an array of strings",
						key);
	} else if (strcmp(key, "attributes") == 0) {
		if (!json_is_object(v))
			return sim_fixture_fail(ld, "users", i, "attributes must be an object");
	} else if (strcmp(key, "type") == 0) {
		if (!json_is_integer(v) ||
		    (json_integer_value(v) != 0 && json_integer_value(v) != 1))
			return sim_fixture_fail(ld, "users", i,
						"type must be 0 (user) or 1 (mailing list)");
	} else {
		return sim_fixture_fail(ld, "users", i, "unknown field '%s'", key);
	}
	return 0;
}

/* Checks users[i]; its email (borrowed), or NULL after sim_fixture_fail(). */
static const char *check_profile(struct sim_loader *ld, json_t *e, size_t i)
{
	const char *key, *email;
	const json_t *v;
	int bad = 0;

	if (!json_is_object(e)) {
		sim_fixture_fail(ld, "users", i, "not an object");
		return NULL;
	}
	json_object_foreach(e, key, v)
	{
		if (check_profile_field(ld, i, key, v))
			return NULL;
	}
	email = sim_fixture_str(e, "email", &bad);
	if (!email || !*email || !strchr(email, '@')) {
		sim_fixture_fail(ld, "users", i, "email must be an address");
		return NULL;
	}
	return email;
}

/* Adds the fields p lacks with their defaults (uid from the email). 0, or -1 out of memory. */
static int complete_profile(json_t *p, const char *email)
{
	if (!json_object_get(p, "uid")) {
		const char *at = strchr(email, '@');

		if (json_object_set_new(p, "uid", json_stringn(email, (size_t)(at - email))))
			return -1;
	}
	for (size_t k = 0; k < sizeof(user_list_fields) / sizeof(user_list_fields[0]); k++)
		if (!json_object_get(p, user_list_fields[k]) &&
		    json_object_set_new(p, user_list_fields[k], json_array()))
			return -1;
	if ((!json_object_get(p, "attributes") &&
	     json_object_set_new(p, "attributes", json_object())) ||
	    (!json_object_get(p, "type") && json_object_set_new(p, "type", json_integer(0))))
		return -1;
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
			return -1;
	}
	return 0;
}

/* Builds the complete profile of users[i]; a new reference, or NULL after sim_fixture_fail(). */
static json_t *build_profile(struct sim_loader *ld, json_t *e, size_t i)
{
	const char *email = check_profile(ld, e, i);
	json_t *p;

	if (!email)
		return NULL;
	p = json_deep_copy(e);
	if (!p || complete_profile(p, email)) {
		sim_fixture_fail(ld, NULL, 0, "out of memory");
		json_decref(p);
		return NULL;
	}
	return p;
}

int sim_fixture_users(struct sim_loader *ld, json_t *arr)
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
			return sim_fixture_fail(ld, "users", i, "the store refused the profile");
	}
	return 0;
}
