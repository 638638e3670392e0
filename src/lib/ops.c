/*
 * The request line of every operation (method, path, managed module), written once: the
 * operations build their requests from it and the command line documents them from it.
 */
#include "lib/internal.h"

#include <stddef.h>

#include "util/banned.h"

static const pps_op_info ops[] = {
	[PPS_OP_HEALTH] = { "GET", "/pss/health", "pss" },
	[PPS_OP_SMARTSEARCH] = { "GET", "/pss/filter", "pss" },
	[PPS_OP_QUARANTINE_SEARCH] = { "GET", "/quarantine", "Quarantine" },
	[PPS_OP_QUARANTINE_DOWNLOAD] = { "GET", "/quarantine", "Quarantine" },
	[PPS_OP_QUARANTINE_ACTION] = { "POST", "/quarantine", "Quarantine" },
	[PPS_OP_ENDUSER_GET] = { "GET", "/enduser/{email|uid}", "enduser" },
	[PPS_OP_ENDUSER_CREATE] = { "POST", "/enduser/{email}", "enduser" },
	[PPS_OP_ENDUSER_MODIFY] = { "PUT", "/enduser/{email|uid}", "enduser" },
	[PPS_OP_ENDUSER_DELETE] = { "DELETE", "/enduser/{email|uid}", "enduser" },
};

const pps_op_info *pps_operation_info(pps_op op)
{
	if ((size_t)op >= sizeof(ops) / sizeof(ops[0]) || !ops[op].method)
		return NULL;
	return &ops[op];
}

const char *pps__op_method(pps_op op)
{
	return ops[op].method;
}

const char *pps__op_path(pps_op op)
{
	return ops[op].path;
}
