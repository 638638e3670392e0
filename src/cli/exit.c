/* The one table of exit statuses of pps: each status, what it means and the codes it stands for. */
#include "cli/exit.h"

#include <stddef.h>

#include "pps/pps.h"

const cli_exit_info cli_exit_table[] = {
	{ CLI_EXIT_OK, "success (also \"No results found.\")", { PPS_OK } },
	{ CLI_EXIT_FAILURE,
	  "partial: some entries of a bulk action not done, some clusters failed, a second of an "
	  "--all walk over the server's cap; or a local failure",
	  { 0 } },
	{ CLI_EXIT_USAGE,
	  "usage, or a request the server refused as invalid",
	  { PPS_EUSAGE, PPS_EREJECTED } },
	{ CLI_EXIT_AUTH, "authentication or permission", { PPS_EAUTH, PPS_EPERM } },
	{ CLI_EXIT_NOTFOUND, "not found", { PPS_ENOTFOUND } },
	{ CLI_EXIT_SERVER, "server error", { PPS_ESERVER } },
	{ CLI_EXIT_NETWORK, "network or TLS", { PPS_ENET, PPS_ETLS } },
	{ CLI_EXIT_PROTO,
	  "bad response (records printed before the fault stay printed)",
	  { PPS_EPROTO } },
	{ CLI_EXIT_UNKNOWN,
	  "an action's outcome is unknown (its answer was lost, or the audit file could not take "
	  "its outcome)",
	  { PPS_EUNKNOWN } },
	{ CLI_EXIT_INTERRUPTED,
	  "a bulk action interrupted between batches, or an --all walk before its end",
	  { 0 } },
	{ -1, NULL, { 0 } },
};

int cli_exit_status(int code)
{
	for (const cli_exit_info *e = cli_exit_table; e->meaning; e++)
		for (size_t i = 0; i < sizeof(e->codes) / sizeof(e->codes[0]); i++)
			if (e->codes[i] == code && (code != PPS_OK || e->status == CLI_EXIT_OK))
				return e->status;
	/* PPS_ENOMEM, PPS_ECANCELED and anything new: a local failure. */
	return CLI_EXIT_FAILURE;
}
