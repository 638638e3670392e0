/*
 * The seed's people: the pools of sender and internal addresses the messages are drawn from,
 * and the end users' profiles. Deterministic from the word lists and the seeder's PRNG.
 */
#include "sim/seed_gen.h"

#include <stdio.h>
#include <string.h>

#include "util/timeutil.h"

#include "util/banned.h"

/* Domains: every stem with a suffix and a top-level domain. */
static void build_domains(struct seeder *sd)
{
	const struct sim_seed_vocab *w = &sim_seed_words;

	for (size_t i = 0; i < SEED_DOMAINS; i++) {
		size_t stems = w->dom_stems.n;

		snprintf(sd->domains[i], sizeof(sd->domains[i]), "%s%s%s",
			 w->dom_stems.w[i % stems],
			 w->dom_suffixes.w[(i / stems) % w->dom_suffixes.n],
			 w->tlds.w[i % w->tlds.n]);
	}
}

/* Outside senders: one in ten a role address, the others a person in one of five shapes. */
static void build_senders(struct seeder *sd)
{
	const struct sim_seed_vocab *w = &sim_seed_words;

	for (size_t i = 0; i < SEED_SENDERS; i++) {
		const char *dom = sd->domains[(i * 7919) % SEED_DOMAINS];
		const char *f = w->first_names.w[(i * 31) % w->first_names.n];
		const char *l = w->last_names.w[(i * 17 + i / w->first_names.n) % w->last_names.n];
		char *out = sd->senders[i];
		size_t len = sizeof(sd->senders[i]);

		if (i % 10 == 0) {
			snprintf(out, len, "%s@%s", w->roles.w[(i / 10) % w->roles.n], dom);
			continue;
		}
		switch ((i / 3) % 5) {
		case 0:
			snprintf(out, len, "%s.%s@%s", f, l, dom);
			break;
		case 1:
			snprintf(out, len, "%c%s@%s", f[0], l, dom);
			break;
		case 2:
			snprintf(out, len, "%s@%s", f, dom);
			break;
		case 3:
			snprintf(out, len, "%s_%s@%s", f, l, dom);
			break;
		default:
			snprintf(out, len, "%s.%s%zu@%s", l, f, i % 100, dom);
			break;
		}
	}
}

/* Internal users: demo.user and jane.doe first, then unique first.last pairs. */
static void build_users(struct seeder *sd)
{
	const struct sim_seed_vocab *w = &sim_seed_words;

	snprintf(sd->users[0], sizeof(sd->users[0]), "demo.user@" INTERNAL);
	sd->user_first[0] = "Demo";
	sd->user_last[0] = "User";
	snprintf(sd->users[1], sizeof(sd->users[1]), "jane.doe@" INTERNAL);
	sd->user_first[1] = "Jane";
	sd->user_last[1] = "Doe";
	for (size_t k = 0; k + 2 < SEED_USERS; k++) {
		size_t a = k % w->first_names.n, b = (k + k / w->first_names.n) % w->last_names.n;

		snprintf(sd->users[k + 2], sizeof(sd->users[k + 2]), "%s.%s@" INTERNAL,
			 w->first_names.w[a], w->last_names.w[b]);
		sd->user_first[k + 2] = w->first_names.w[a];
		sd->user_last[k + 2] = w->last_names.w[b];
	}
}

void sim_seeder_pools(struct seeder *sd)
{
	build_domains(sd);
	build_senders(sd);
	build_users(sd);
}

/* The groups of end user k: demo.user is staff alone, a mailing list in none. */
static int set_groups(json_t *p, size_t k, int is_list, const char *dept)
{
	if (k == 0)
		return json_object_set_new(p, "groups", json_pack("[s]", "staff"));
	if (is_list)
		return json_object_set_new(p, "groups", json_array());
	return json_object_set_new(p, "groups", json_pack("[s,s]", "staff", dept));
}

int sim_seeder_users(struct seeder *sd)
{
	static const char *const lists[][2] = { { "all@" INTERNAL, "All staff" },
						{ "sales-team@" INTERNAL, "Sales team" },
						{ "it-alerts@" INTERNAL, "IT alerts" } };
	rng *r = &sd->r;

	for (size_t k = 0; k < SEED_USERS + sizeof(lists) / sizeof(lists[0]); k++) {
		int is_list = k >= SEED_USERS;
		const char *email = is_list ? lists[k - SEED_USERS][0] : sd->users[k];
		const char *dept = sim_seed_words.departments.w[k % sim_seed_words.departments.n];
		char uid[64], first[32], last[32], created[24], modified[24], signon[24];
		int64_t c = sd->now - (int64_t)(60 + (k * 7) % 600) * 86400;
		json_t *p;
		int rc;

		snprintf(uid, sizeof(uid), "%.*s", (int)strcspn(email, "@"), email);
		if (is_list) {
			snprintf(first, sizeof(first), "%s", lists[k - SEED_USERS][1]);
			last[0] = '\0';
		} else {
			snprintf(first, sizeof(first), "%s", sd->user_first[k]);
			snprintf(last, sizeof(last), "%s", sd->user_last[k]);
			first[0] = (char)(first[0] >= 'a' ? first[0] - 32 : first[0]);
			last[0] = (char)(last[0] >= 'a' ? last[0] - 32 : last[0]);
		}
		if (tu_format_utc(c, created, sizeof(created)) ||
		    tu_format_utc(c + (int64_t)below(r, 50) * 86400, modified, sizeof(modified)) ||
		    tu_format_utc(sd->now - below(r, SEED_WINDOW), signon, sizeof(signon)))
			return -1;
		/* json_pack returns a new reference; "s" copies each string. */
		p = json_pack("{s:s, s:s, s:s, s:s, s:i, s:[], s:{}, s:[], s:[], s:s, s:s, s:s, "
			      "s:s, s:s, s:s}",
			      "email", email, "uid", uid, "firstname", first, "lastname", last,
			      "type", is_list, "alias", "attributes", "safelist", "blocklist",
			      "suborg", "", "creationsource", k % 3 ? "ldap" : "api", "created",
			      created, "lastmodified", modified, "lastpasswordchange", created,
			      "lastsignon", is_list ? "" : signon);
		if (!p)
			return -1;
		rc = set_groups(p, k, is_list, dept);
		if (!rc)
			rc = sim_user_add(sd->st, p);
		json_decref(p);
		if (rc)
			return -1;
	}
	return 0;
}
