/* Error kinds of libpps and their names. Never prints. */
#include "pps/pps.h"

#include "util/banned.h"

const char *pps_code_name(int code)
{
	switch (code) {
	case PPS_OK:
		return "ok";
	case PPS_EUSAGE:
		return "usage";
	case PPS_ENET:
		return "network";
	case PPS_ETLS:
		return "tls";
	case PPS_EAUTH:
		return "auth";
	case PPS_EPERM:
		return "permission";
	case PPS_ENOTFOUND:
		return "not found";
	case PPS_ESERVER:
		return "server";
	case PPS_EPROTO:
		return "bad response";
	case PPS_ENOMEM:
		return "out of memory";
	case PPS_EREJECTED:
		return "rejected";
	default:
		return "unknown";
	}
}
