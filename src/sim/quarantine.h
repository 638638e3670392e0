/*
 * What the /quarantine routes' files share (quarantine_search.c, quarantine_action.c,
 * quarantine_send.c, quarantine_message.c): an action's checked body and a message's copy.
 */
#ifndef PPS_SIM_QUARANTINE_H
#define PPS_SIM_QUARANTINE_H

#include <stdint.h>

#include <jansson.h>

#include "sim/store.h"

/* The body of a POST /quarantine, checked; strings borrowed from the parsed body. */
struct qaction {
	const char *action;
	const char *folder;
	const char *localguid;
	const char *scan;
	const char *brandtemplate;
	const char *securitypolicy;
	const char *deletedfolder;
	const char *targetfolder;
	const char *subject;
	const char *appendoldsubject;
	const char *from;
	const char *headerfrom;
	const char *to;
	const char *comment;
	char folder_type[16];
	const char *user;
	int64_t now;
	char now_text[32];
};

/* A copy of a quarantined message for the action (the row's strings die with the callback). */
struct qmsg_copy {
	int64_t id;
	char *guid;
	char *localguid;
	char *folder;
	char *folder_type;
	char *from;
	char *subject;
	char *messageid;
	char *host_ip;
	char *spamscore;
	json_t *rcpts;
	json_t *status;
	int64_t size;
};

/* quarantine_message.c: the recipients as the store keeps them (one a line) as a JSON array (a
 * new reference); NULL when out of memory. */
json_t *sim_quarantine_rcpts(const char *lines);
/* Whether a flag of the API is set ("t" or "true"). */
int sim_quarantine_truthy(const char *v);
/* Splits a comma list into a JSON array (a new reference) of trimmed, non-empty strings; NULL
 * when there is none or out of memory. */
json_t *sim_quarantine_split(const char *list);
/* A store callback (arg: a zeroed struct qmsg_copy) that copies the row; 1, or -1 out of memory
 * (release the copy in both cases). */
int sim_qmsg_copy_row(void *arg, const sim_qrow *r);
/* Frees the copy's members and zeroes it. */
void sim_qmsg_copy_release(struct qmsg_copy *m);

/* quarantine_send.c: carries out the checked action on one message, inside the caller's
 * transaction. 0 or -1. */
int sim_quarantine_act(sim_store *st, const struct qaction *a, struct qmsg_copy *m);

#endif
