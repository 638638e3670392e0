/*
 * Where a walk stands, as the opaque text a caller stores to resume it (JSON: the end of the
 * next request, the boundary second and the ids of it already given), and the defaults of the
 * walk's and the follow's options.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/internal.h"
#include "lib/walk.h"

#include "util/banned.h"

int pps__walkpos_init(struct pps__walkpos *p)
{
	memset(p, 0, sizeof(*p));
	p->seen = json_object();
	return p->seen ? PPS_OK : PPS_ENOMEM;
}

void pps__walkpos_release(struct pps__walkpos *p)
{
	json_decref(p->seen);
	p->seen = NULL;
}

int pps__walkpos_encode(const struct pps__walkpos *p, char **out)
{
	json_t *o = json_pack("{sI sb sI sb sb sO}", "to", (json_int_t)p->to, "has_to", p->has_to,
			      "bound", (json_int_t)p->bound, "has_bound", p->has_bound, "done",
			      p->done, "seen", p->seen);

	*out = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	return *out ? PPS_OK : PPS_ENOMEM;
}

static int get_int(const json_t *obj, const char *key, int64_t *out)
{
	const json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return -1;
	*out = json_integer_value(v);
	return 0;
}

int pps__walkpos_decode(struct pps__walkpos *p, const char *text)
{
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, NULL), *seen, *v;
	const char *key;
	int rc = PPS_EUSAGE;

	seen = json_object_get(o, "seen");
	if (!json_is_object(o) || !json_is_object(seen) || get_int(o, "to", &p->to) ||
	    get_int(o, "bound", &p->bound))
		goto done;
	p->has_to = json_is_true(json_object_get(o, "has_to"));
	p->has_bound = json_is_true(json_object_get(o, "has_bound"));
	p->done = json_is_true(json_object_get(o, "done"));
	json_object_clear(p->seen);
	json_object_foreach(seen, key, v)
	{
		if (!json_is_integer(v) || json_object_set(p->seen, key, v))
			goto done;
	}
	rc = PPS_OK;
done:
	json_decref(o);
	return rc;
}

int pps_walk_options_init(pps_walk_options *opts, unsigned int version)
{
	if (!opts || version != PPS_WALK_OPTIONS_VERSION)
		return PPS_EUSAGE;
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return PPS_OK;
}

int pps_walk_result_init(pps_walk_result *res, unsigned int version)
{
	if (!res || version != PPS_WALK_RESULT_VERSION)
		return PPS_EUSAGE;
	memset(res, 0, sizeof(*res));
	res->version = version;
	res->newest = INT64_MIN;
	res->server_time = -1;
	return PPS_OK;
}

int pps_follow_options_init(pps_follow_options *opts, unsigned int version)
{
	if (!opts || version != PPS_FOLLOW_OPTIONS_VERSION)
		return PPS_EUSAGE;
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return PPS_OK;
}
