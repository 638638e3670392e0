/* Maps libpps result codes to exit statuses, in this one place. */
#include "cli/exit.h"

#include "pps/pps.h"

int cli_exit_status(int code)
{
	switch (code) {
	case PPS_OK:
		return CLI_EXIT_OK;
	case PPS_EUSAGE:
	case PPS_EREJECTED:
		return CLI_EXIT_USAGE;
	case PPS_EAUTH:
	case PPS_EPERM:
		return CLI_EXIT_AUTH;
	case PPS_ENOTFOUND:
		return CLI_EXIT_NOTFOUND;
	case PPS_ESERVER:
		return CLI_EXIT_SERVER;
	case PPS_ENET:
	case PPS_ETLS:
		return CLI_EXIT_NETWORK;
	case PPS_EPROTO:
		return CLI_EXIT_PROTO;
	case PPS_EUNKNOWN:
		return CLI_EXIT_UNKNOWN;
	default:
		return CLI_EXIT_FAILURE;
	}
}
