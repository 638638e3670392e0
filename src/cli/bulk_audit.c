/*
 * The bulk action's audit trail: each span (a batch, or a half of a refused one) recorded in
 * the audit file (audit.h) before it is sent, and its outcome after the answer.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/audit.h"
#include "cli/bulk_run.h"
#include "cli/exit.h"

#include "util/banned.h"

int cli_bulk_audit_intent(struct run *r, const cli_span *s, cli_audit_id *id)
{
	const struct group *g = &r->groups[s->group];
	cli_audit_req a = CLI_AUDIT_REQ_INIT;
	const char **guids;
	pps_quarantine_action_req req;
	int rc;

	id->s[0] = '\0';
	if (!r->ctx->audit)
		return 0;
	guids = calloc(s->count ? s->count : 1, sizeof(*guids));
	if (!guids) {
		cli_errorf(r->ctx, "out of memory");
		cli_bulk_set_span(r, s, OUT_NOT_SENT, 0, CLI_EXIT_FAILURE);
		return -1;
	}
	for (size_t k = 0; k < s->count; k++)
		guids[k] = r->list.v[g->idx[s->first + k]].guid;
	pps_quarantine_action_req_init(&req, PPS_QUARANTINE_ACTION_REQ_VERSION);
	cli_args_bind(r->args, &req);
	a.operation = pps_qaction_name(r->ctx->cmd->action);
	a.folder = g->folder;
	a.localguids = guids;
	a.nlocalguids = s->count;
	a.target_folder = req.targetfolder ? req.targetfolder : req.deletedfolder;
	a.to = req.to;
	rc = cli_audit_intent(r->ctx, &a, id);
	free(guids);
	if (rc) {
		size_t m =
			cli_bulk_keep_message(r, "not sent: the audit file could not be written");

		cli_bulk_set_span(r, s, OUT_NOT_SENT, m, CLI_EXIT_FAILURE);
		return -1;
	}
	return 0;
}

int cli_bulk_audit_outcome(struct run *r, const cli_span *s, const cli_audit_id *id)
{
	const struct group *g = &r->groups[s->group];
	const char *outcome;

	if (!id->s[0])
		return 0;
	if (r->split) {
		outcome = CLI_AUDIT_REFUSED;
	} else {
		switch (r->out[g->idx[s->first]]) {
		case OUT_DONE:
			outcome = CLI_AUDIT_DONE;
			break;
		case OUT_REFUSED:
		case OUT_INVALID:
			outcome = CLI_AUDIT_REFUSED;
			break;
		case OUT_UNKNOWN:
			outcome = CLI_AUDIT_UNKNOWN;
			break;
		default:
			outcome = CLI_AUDIT_NOT_SENT;
			break;
		}
	}
	if (cli_audit_outcome(r->ctx, id, outcome, r->last_http, r->last_message)) {
		r->audit_lost = 1;
		return -1;
	}
	return 0;
}
