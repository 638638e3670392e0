/*
 * The versions of the public structs: each options and request struct starts with a version,
 * set by its _INIT macro or _init function and checked when the library reads the struct.
 * Nothing else here: the structs' meaning belongs to the operations.
 */
#include "lib/internal.h"

#include <string.h>

#include "util/banned.h"

/* Empties *p (size bytes) and stores version in its first field when it is one we know. */
static int init(void *p, size_t size, unsigned int version, unsigned int current)
{
	if (!p || version == 0 || version > current)
		return PPS_EUSAGE;
	memset(p, 0, size);
	*(unsigned int *)p = version;
	return PPS_OK;
}

int pps_client_options_init(pps_client_options *opts, unsigned int version)
{
	return init(opts, sizeof(*opts), version, PPS_CLIENT_OPTIONS_VERSION);
}

int pps_visitor_init(pps_visitor *visitor, unsigned int version)
{
	return init(visitor, sizeof(*visitor), version, PPS_VISITOR_VERSION);
}

int pps_smartsearch_req_init(pps_smartsearch_req *req, unsigned int version)
{
	return init(req, sizeof(*req), version, PPS_SMARTSEARCH_REQ_VERSION);
}

int pps_quarantine_search_req_init(pps_quarantine_search_req *req, unsigned int version)
{
	return init(req, sizeof(*req), version, PPS_QUARANTINE_SEARCH_REQ_VERSION);
}

int pps_quarantine_action_req_init(pps_quarantine_action_req *req, unsigned int version)
{
	return init(req, sizeof(*req), version, PPS_QUARANTINE_ACTION_REQ_VERSION);
}

int pps_enduser_req_init(pps_enduser_req *req, unsigned int version)
{
	return init(req, sizeof(*req), version, PPS_ENDUSER_REQ_VERSION);
}

int pps__version_check(pps_client *c, const char *type, unsigned int version, unsigned int current)
{
	if (version >= 1 && version <= current)
		return PPS_OK;
	if (version == 0)
		return pps__error_set(c, PPS_EUSAGE, 0,
				      "%s has version 0: initialize it with its _INIT macro or "
				      "_init function",
				      type);
	return pps__error_set(c, PPS_EUSAGE, 0,
			      "%s has version %u, newer than this libpps knows (%u): the "
			      "program was built against a newer libpps",
			      type, version, current);
}

int pps_list_change_init(pps_list_change *change, unsigned int version)
{
	return init(change, sizeof(*change), version, PPS_LIST_CHANGE_VERSION);
}
