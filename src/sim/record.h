/*
 * The fields of a Smart Search record as the emulator builds them: the one list the seeder, the
 * fixture loader and the quarantine actions share. The emulator's own statement of spec §8.
 */
#ifndef PPS_SIM_RECORD_H
#define PPS_SIM_RECORD_H

#include <stddef.h>

#include <stdint.h>

struct json_t;
struct sim_store;

/* The fields in the API's order. */
enum sim_field {
	SIM_F_RULE_ID,
	SIM_F_DISPOSITION_ACTION,
	SIM_F_SENDMAIL_ACTION,
	SIM_F_ATTACHMENT_NAMES,
	SIM_F_RECIPIENTS,
	SIM_F_SENDMAILRAW_LOG,
	SIM_F_GUID,
	SIM_F_DATE,
	SIM_F_RAW_LOG,
	SIM_F_SENDER_HOST,
	SIM_F_MODULE_ID,
	SIM_F_SENDER_IP_ADDRESS,
	SIM_F_QUARANTINE_FOLDER,
	SIM_F_QID,
	SIM_F_QUARANTINE_RULE,
	SIM_F_DURATION,
	SIM_F_SPAM_SCORE,
	SIM_F_COUNTRY,
	SIM_F_TLS,
	SIM_F_POLICY_ROUTES,
	SIM_F_CURRENT_FOLDER,
	SIM_F_FID,
	SIM_F_MODULE_RULES,
	SIM_F_PE_RECIPIENTS,
	SIM_F_VIRUS_NAMES,
	SIM_F_SENDMAIL_ERRORCODE,
	SIM_F_FQIN,
	SIM_F_SMIME_RECIPIENTS,
	SIM_F_AGENT,
	SIM_F_SUBJECT,
	SIM_F_FINAL_RULE,
	SIM_F_SUBORG,
	SIM_F_SMIME_RECIPIENTS_SIGNED,
	SIM_F_MESSAGE_ENCRYPTED,
	SIM_F_MESSAGE_SPLIT,
	SIM_F_DISPOSITION_SMTPPROFILE,
	SIM_F_SENDMAIL_TO,
	SIM_F_SENDMAIL_STAT,
	SIM_F_SID,
	SIM_F_MESSAGE_ID,
	SIM_F_FINAL_ACTION,
	SIM_F_SENDER,
	SIM_F_SENDMAIL_TO_STAT,
	SIM_F_MESSAGE_SIZE,
	SIM_NFIELDS
};

/* The API's name of each field, indexed by enum sim_field. */
extern const char *const sim_record_fields[SIM_NFIELDS];

/* The index of a field name, or -1 when it is not one. */
int sim_record_field(const char *name);

/* A new record (a new reference) with every field present and empty: "" for the strings, []
 * for module_rules. NULL when out of memory. */
struct json_t *sim_record_new(void);

/*
 * The API shapes the store keeps as text (the store knows no JSON): these turn them into the
 * store's rows and back. record.c.
 */

struct sim_msg_in;
/* The store's view of a record (borrowed; the API's field names): every field but the record
 * text, which stays NULL. The strings are the record's. */
void sim_record_describe(const struct json_t *record, int64_t epoch, struct sim_msg_in *m);
/* Stores a Smart Search record (borrowed; the API's field names) dated epoch. 0 or -1. */
int sim_record_add(struct sim_store *st, const struct json_t *record, int64_t epoch);

/* Stores an end-user profile (borrowed; "email" required, "uid"). 0 or -1. */
int sim_user_add(struct sim_store *st, const struct json_t *profile);
/* The profile of an email or uid, a new reference into *out. 1 found, 0 unknown, -1. */
int sim_user_get(struct sim_store *st, const char *email_or_uid, struct json_t **out);

/* The messagestatus of a new quarantined message: one "New" entry dated date, as JSON text
 * (malloc'd), or NULL when out of memory. */
char *sim_qstatus_initial(int64_t date);

#endif
