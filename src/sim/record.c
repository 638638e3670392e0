/* The Smart Search record fields of the emulator (record.h). */
#include "sim/record.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sim/store.h"
#include "util/timeutil.h"

#include "util/banned.h"

const char *const sim_record_fields[SIM_NFIELDS] = {
	[SIM_F_RULE_ID] = "Rule_ID",
	[SIM_F_DISPOSITION_ACTION] = "Disposition_Action",
	[SIM_F_SENDMAIL_ACTION] = "Sendmail_Action",
	[SIM_F_ATTACHMENT_NAMES] = "Attachment_Names",
	[SIM_F_RECIPIENTS] = "Recipients",
	[SIM_F_SENDMAILRAW_LOG] = "SendmailRaw_Log",
	[SIM_F_GUID] = "GUID",
	[SIM_F_DATE] = "Date",
	[SIM_F_RAW_LOG] = "Raw_Log",
	[SIM_F_SENDER_HOST] = "Sender_Host",
	[SIM_F_MODULE_ID] = "Module_ID",
	[SIM_F_SENDER_IP_ADDRESS] = "Sender_IP_Address",
	[SIM_F_QUARANTINE_FOLDER] = "Quarantine_Folder",
	[SIM_F_QID] = "QID",
	[SIM_F_QUARANTINE_RULE] = "Quarantine_Rule",
	[SIM_F_DURATION] = "Duration",
	[SIM_F_SPAM_SCORE] = "Spam_Score",
	[SIM_F_COUNTRY] = "country",
	[SIM_F_TLS] = "TLS",
	[SIM_F_POLICY_ROUTES] = "Policy_Routes",
	[SIM_F_CURRENT_FOLDER] = "current_folder",
	[SIM_F_FID] = "FID",
	[SIM_F_MODULE_RULES] = "module_rules",
	[SIM_F_PE_RECIPIENTS] = "PE_Recipients",
	[SIM_F_VIRUS_NAMES] = "Virus_Names",
	[SIM_F_SENDMAIL_ERRORCODE] = "Sendmail_Errorcode",
	[SIM_F_FQIN] = "FQIN",
	[SIM_F_SMIME_RECIPIENTS] = "SMIME_Recipients",
	[SIM_F_AGENT] = "Agent",
	[SIM_F_SUBJECT] = "Subject",
	[SIM_F_FINAL_RULE] = "Final_Rule",
	[SIM_F_SUBORG] = "Suborg",
	[SIM_F_SMIME_RECIPIENTS_SIGNED] = "SMIME_Recipients_Signed",
	[SIM_F_MESSAGE_ENCRYPTED] = "Message_Encrypted",
	[SIM_F_MESSAGE_SPLIT] = "Message_Split",
	[SIM_F_DISPOSITION_SMTPPROFILE] = "Disposition_SmtpProfile",
	[SIM_F_SENDMAIL_TO] = "Sendmail_To",
	[SIM_F_SENDMAIL_STAT] = "Sendmail_Stat",
	[SIM_F_SID] = "SID",
	[SIM_F_MESSAGE_ID] = "Message_ID",
	[SIM_F_FINAL_ACTION] = "Final_Action",
	[SIM_F_SENDER] = "Sender",
	[SIM_F_SENDMAIL_TO_STAT] = "Sendmail_To_Stat",
	[SIM_F_MESSAGE_SIZE] = "Message_Size",
};

int sim_record_field(const char *name)
{
	for (int f = 0; f < SIM_NFIELDS; f++)
		if (strcmp(sim_record_fields[f], name) == 0)
			return f;
	return -1;
}

json_t *sim_record_new(void)
{
	json_t *rec = json_object();

	if (!rec)
		return NULL;
	for (int f = 0; f < SIM_NFIELDS; f++) {
		json_t *v = f == SIM_F_MODULE_RULES ? json_array() : json_string("");

		if (!v || json_object_set_new(rec, sim_record_fields[f], v) < 0) {
			json_decref(rec);
			return NULL;
		}
	}
	return rec;
}

static const char *field(const json_t *record, enum sim_field f)
{
	const char *v = json_string_value(json_object_get(record, sim_record_fields[f]));

	return v ? v : "";
}

void sim_record_describe(const json_t *record, int64_t epoch, sim_msg_in *m)
{
	m->guid = field(record, SIM_F_GUID);
	m->epoch = epoch;
	m->sender = field(record, SIM_F_SENDER);
	m->rcpts = field(record, SIM_F_RECIPIENTS);
	m->qid = field(record, SIM_F_QID);
	m->sid = field(record, SIM_F_SID);
	m->message_id = field(record, SIM_F_MESSAGE_ID);
	m->host = field(record, SIM_F_SENDER_HOST);
	m->ip = field(record, SIM_F_SENDER_IP_ADDRESS);
	m->action = field(record, SIM_F_FINAL_ACTION);
	m->virus = field(record, SIM_F_VIRUS_NAMES);
	m->attach = field(record, SIM_F_ATTACHMENT_NAMES);
	m->subject = field(record, SIM_F_SUBJECT);
	m->record = NULL;
	m->record_len = 0;
}

int sim_record_add(struct sim_store *st, const json_t *record, int64_t epoch)
{
	sim_msg_in m = { 0 };
	char small[16384], *text = small, *big = NULL;
	size_t len;
	int rc;

	if (!json_is_object(record))
		return -1;
	/* Most records fit the stack: no allocation per record while seeding. */
	len = json_dumpb(record, small, sizeof(small), JSON_COMPACT);
	if (len == 0)
		return -1;
	if (len >= sizeof(small)) {
		text = big = json_dumps(record, JSON_COMPACT);
		if (!big)
			return -1;
		len = strlen(big);
	} else {
		small[len] = '\0';
	}
	sim_record_describe(record, epoch, &m);
	m.record = text;
	m.record_len = len;
	rc = *m.guid ? sim_store_put_message(st, &m) : -1;
	free(big);
	return rc;
}

int sim_user_add(struct sim_store *st, const json_t *profile)
{
	const char *email = json_string_value(json_object_get(profile, "email"));
	const char *uid = json_string_value(json_object_get(profile, "uid"));
	char *text;
	int rc;

	if (!json_is_object(profile) || !email || !*email)
		return -1;
	text = json_dumps(profile, JSON_COMPACT);
	if (!text)
		return -1;
	rc = sim_store_put_user(st, email, uid ? uid : "", text);
	free(text);
	return rc;
}

int sim_user_get(struct sim_store *st, const char *email_or_uid, json_t **out)
{
	char *text = NULL;
	int rc = sim_store_get_user(st, email_or_uid, &text);

	*out = NULL;
	if (rc == 1) {
		*out = json_loads(text, 0, NULL);
		if (!json_is_object(*out)) {
			json_decref(*out);
			*out = NULL;
			rc = -1;
		}
	}
	free(text);
	return rc;
}

char *sim_qstatus_initial(int64_t date)
{
	char when[32], *text = NULL;
	json_t *status;

	if (tu_format_utc(date, when, sizeof(when)) < 0)
		return NULL;
	status = json_pack("[{s:s, s:s, s:i, s:s, s:s, s:i}]", "user", "", "comment", "", "id", 0,
			   "date", when, "statusdesc", "New", "status", 0);
	if (status)
		text = json_dumps(status, JSON_COMPACT);
	json_decref(status);
	return text;
}
