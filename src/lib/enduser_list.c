/*
 * A change of one user's safe or block list that loses nothing written meanwhile: read, merge,
 * write the list alone, read again to verify, and start over when another writer got between.
 * The requests are enduser.c's, the merge enduser_merge.c's; nothing is printed here.
 */
#include "lib/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lib/enduser_list.h"

#include "util/banned.h"

#define DEFAULT_ATTEMPTS  5u
#define DEFAULT_SETTLE_MS 200L
#define PAUSE_BASE_MS	  50L
#define PAUSE_MAX_MS	  800L

static const char *field_of(pps_enduser_list list)
{
	switch (list) {
	case PPS_LIST_SAFELIST:
		return "safelist";
	case PPS_LIST_BLOCKLIST:
		return "blocklist";
	}
	return NULL;
}

static const char *id_of(const pps_list_change *ch)
{
	return ch->email && *ch->email ? ch->email : ch->uid;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A pause before write n+1 (n >= 1): about 50 ms doubled per write, half to 1.5 times that. */
static long pause_ms(pps_client *c, unsigned int n)
{
	uint32_t x = c->rng ? c->rng : 0x9e3779b9u;
	long base = PAUSE_BASE_MS;

	for (unsigned int i = 1; i < n && base < PAUSE_MAX_MS; i++)
		base *= 2;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	c->rng = x;
	return base / 2 + (long)(x % (uint32_t)base);
}

/* The user's list as it is now, a new array in *out. */
static int read_list(pps_client *c, const pps_list_change *ch, const char *field, json_t **out)
{
	pps_enduser_req req = PPS_ENDUSER_REQ_INIT;
	pps_response *resp = NULL;
	int ret;

	*out = NULL;
	req.email = ch->email;
	req.uid = ch->uid;
	ret = pps_enduser_get(&resp, c, &req);
	if (ret < 0)
		goto done;
	if (c->dry_run && !resp->json) {
		/* The request was only shown: an empty list stands in for the answer. */
		*out = json_array();
		ret = *out ? PPS_OK : pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
		goto done;
	}
	if (!json_is_object(resp->json) || pps__list_read(out, resp->json, field) < 0)
		ret = pps__error_set(c, PPS_EPROTO, resp->status,
				     "the profile of '%s' holds no list of strings as %s",
				     id_of(ch), field);
done:
	pps_response_free(resp);
	return ret;
}

/* PUT {"<field>": list}: the list alone, every other field of the profile left as it is. */
static int write_list(pps_client *c, const pps_list_change *ch, const char *field,
		      const json_t *list)
{
	pps_enduser_req req = PPS_ENDUSER_REQ_INIT;
	pps_response *resp = NULL;
	json_t *body = json_pack("{s:O}", field, list);
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int ret;

	if (!text) {
		ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
		goto done;
	}
	req.email = ch->email;
	req.uid = ch->uid;
	req.fields_json = text;
	ret = pps_enduser_modify(&resp, c, &req);
done:
	pps_response_free(resp);
	free(text);
	json_decref(body);
	return ret;
}

/* Each entry of the change as PPS takes them; PPS_EUSAGE naming the first that is not. */
static int check_entries(pps_client *c, const char *const *v, size_t n)
{
	char why[160];

	for (size_t i = 0; i < n; i++) {
		if (!v[i])
			return pps__error_set(c, PPS_EUSAGE, 0, "an entry is NULL");
		if (pps_list_entry_check(v[i], why, sizeof(why)) < 0)
			return pps__error_set(c, PPS_EUSAGE, 0, "invalid entry '%s': %s", v[i],
					      why);
	}
	return PPS_OK;
}

static int check_change(pps_client *c, const pps_list_change *ch)
{
	if (!ch)
		return pps__error_set(c, PPS_EUSAGE, 0, "no change given");
	if (pps__version_check(c, "pps_list_change", ch->version, PPS_LIST_CHANGE_VERSION))
		return PPS_EUSAGE;
	if (!field_of(ch->list))
		return pps__error_set(c, PPS_EUSAGE, 0, "unknown list %d", (int)ch->list);
	if (!id_of(ch) || !*id_of(ch))
		return pps__error_set(c, PPS_EUSAGE, 0, "an email or uid is required");
	if ((ch->nadd && !ch->add) || (ch->nremove && !ch->remove))
		return pps__error_set(c, PPS_EUSAGE, 0, "entries counted but not given");
	if (check_entries(c, ch->add, ch->nadd) < 0 ||
	    check_entries(c, ch->remove, ch->nremove) < 0)
		return PPS_EUSAGE;
	return PPS_OK;
}

/* The result's four arrays: what the change does to the list as first read. */
static int describe(pps_list_result *res, const pps_list_change *ch)
{
	json_t *seen = json_array();
	int bad = !seen || !(res->added = json_array()) || !(res->removed = json_array()) ||
		  !(res->present = json_array()) || !(res->absent = json_array());

	for (size_t i = 0; !bad && i < ch->nremove; i++) {
		int has = pps__list_has(res->before, ch->remove[i]);

		if (pps__list_has(seen, ch->remove[i]))
			continue;
		bad = json_array_append_new(seen, json_string(ch->remove[i])) < 0 ||
		      json_array_append_new(has ? res->removed : res->absent,
					    json_string(ch->remove[i])) < 0;
	}
	for (size_t i = 0; !bad && i < ch->nadd; i++) {
		int has = pps__list_has(res->before, ch->add[i]);

		if (pps__list_has(seen, ch->add[i]))
			continue;
		bad = json_array_append_new(seen, json_string(ch->add[i])) < 0 ||
		      json_array_append_new(has ? res->present : res->added,
					    json_string(ch->add[i])) < 0;
	}
	json_decref(seen);
	return bad ? -1 : 0;
}

/*
 * After a write: 1 when the list shows the change on a read and again settle_ms later, 0 when
 * another writer undid it (*cur is then the list to merge onto), or the failure of a read.
 */
static int verify(pps_client *c, const pps_list_change *ch, const char *field, json_t **cur)
{
	int ret;

	json_decref(*cur);
	ret = read_list(c, ch, field, cur);
	if (ret < 0)
		return ret;
	if (!pps__list_shows(*cur, ch->add, ch->nadd, ch->remove, ch->nremove))
		return 0;
	if (ch->settle_ms < 0)
		return 1;
	sleep_ms(ch->settle_ms ? ch->settle_ms : DEFAULT_SETTLE_MS);
	json_decref(*cur);
	ret = read_list(c, ch, field, cur);
	if (ret < 0)
		return ret;
	return pps__list_shows(*cur, ch->add, ch->nadd, ch->remove, ch->nremove);
}

/* One write of want: 0 (answered), or its failure (PPS_EUNKNOWN: the answer was lost). */
static int write_once(pps_client *c, const pps_list_change *ch, const char *field,
		      const json_t *want, unsigned int attempt)
{
	int ret;

	if (ch->before_write && ch->before_write(ch->ctx, want, attempt))
		return pps__error_set(c, PPS_ECANCELED, 0,
				      "the change of the %s of '%s' was stopped before writing",
				      field, id_of(ch));
	ret = write_list(c, ch, field, want);
	if (ch->after_write)
		ch->after_write(ch->ctx, ret, pps_client_last_error(c)->http_status, attempt);
	return ret;
}

/* The read-merge-write-verify loop from the first read (res->before) on. */
static int change_loop(pps_client *c, const pps_list_change *ch, const char *field,
		       pps_list_result *res)
{
	unsigned int max = ch->max_attempts ? ch->max_attempts : DEFAULT_ATTEMPTS;
	json_t *cur = json_incref(res->before), *want = NULL;
	int ret;

	for (;;) {
		json_decref(want);
		if (pps__list_merge(&want, cur, ch->add, ch->nadd, ch->remove, ch->nremove) < 0) {
			ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
			break;
		}
		/*
		 * A client that only shows requests read nothing: a write of the list merged onto
		 * nothing would be the blind write this function exists to avoid, so none is shown.
		 */
		if (pps__list_equal(want, cur) || ch->dry_run || c->dry_run) {
			/* Nothing (more) to write: the list already shows the change. */
			res->changed = res->attempts > 0;
			res->after = json_incref(want);
			ret = PPS_OK;
			break;
		}
		if (res->attempts >= max) {
			ret = pps__error_set(c, PPS_ESERVER, 0,
					     "the %s of '%s' did not settle in %u writes: another "
					     "writer changed it each time",
					     field, id_of(ch), max);
			break;
		}
		if (res->attempts)
			sleep_ms(pause_ms(c, res->attempts));
		ret = write_once(c, ch, field, want, ++res->attempts);
		if (ret < 0 && ret != PPS_EUNKNOWN)
			break;
		if (ret == PPS_EUNKNOWN) {
			char msg[PPS__MSG_MAX];

			snprintf(msg, sizeof(msg), "%s", c->err.message);
			ret = verify(c, ch, field, &cur);
			if (ret != 1) {
				ret = pps__error_set(c, PPS_EUNKNOWN, 0, "%s", msg);
				break;
			}
		} else {
			ret = verify(c, ch, field, &cur);
			if (ret < 0)
				break;
			if (ret == 0)
				continue; /* undone by another writer: merge onto what is there */
		}
		res->changed = 1;
		res->after = json_incref(cur);
		ret = PPS_OK;
		break;
	}
	json_decref(want);
	json_decref(cur);
	return ret;
}

int pps_enduser_list_change(pps_list_result **out, pps_client *c, const pps_list_change *ch)
{
	pps_list_result *res = NULL;
	const char *field;
	int ret;

	*out = NULL;
	pps__error_reset(c);
	ret = check_change(c, ch);
	if (ret < 0)
		return ret;
	field = field_of(ch->list);
	res = calloc(1, sizeof(*res));
	if (!res)
		return pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
	res->version = 1;
	ret = read_list(c, ch, field, &res->before);
	if (ret < 0)
		goto done;
	if (describe(res, ch) < 0) {
		ret = pps__error_set(c, PPS_ENOMEM, 0, "out of memory");
		goto done;
	}
	ret = change_loop(c, ch, field, res);
	*out = res;
	res = NULL;
done:
	pps_list_result_free(res);
	return ret;
}

void pps_list_result_free(pps_list_result *res)
{
	if (!res)
		return;
	json_decref(res->before);
	json_decref(res->after);
	json_decref(res->added);
	json_decref(res->removed);
	json_decref(res->present);
	json_decref(res->absent);
	free(res);
}
