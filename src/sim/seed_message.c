/*
 * The seed's message builder: draws one message (kind, people, subject, identifiers, verdict)
 * into the reused record and hands it to the pipeline or the store. No SQL here.
 */
#include "sim/seed_gen.h"
#include "sim/mime.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/timeutil.h"

#include "util/banned.h"

#define LIVE_DBASE 1000000000L

static void set(struct seeder *sd, enum sim_field f, const char *v)
{
	/* json_string_set copies v and keeps the value's place in the record; most fields repeat
	 * from one message to the next, so an equal value is left as it is. */
	if (strcmp(json_string_value(sd->val[f]), v) != 0)
		json_string_set(sd->val[f], v);
}

/* A sender index skewed towards the low end: a few senders send much of the mail. */
static const char *pick_sender(struct seeder *sd)
{
	uint64_t a = below(&sd->r, SEED_SENDERS), b = below(&sd->r, SEED_SENDERS);

	return sd->senders[a * b / SEED_SENDERS];
}

/* The company of a sender: its domain's first label, capitalized ("Acmecorp"). */
static void company(const char *sender, char *out, size_t len)
{
	const char *d = domain_of(sender);
	size_t n = strcspn(d, ".");

	snprintf(out, len, "%c%.*s", d[0] >= 'a' && d[0] <= 'z' ? d[0] - 32 : d[0],
		 (int)(n ? n - 1 : 0), d + 1);
}

/* A first name, capitalized. */
static void first_name(rng *r, char *out, size_t len)
{
	const char *f = PICK(r, sim_seed_words.first_names);

	snprintf(out, len, "%c%s", f[0] - 32, f + 1);
}

/* Expands a subject template: %T topic, %C company, %N number, %M month, %D day, %Q quarter,
 * %P prize, %S service, %F first name. */
static void expand(struct seeder *sd, const char *tmpl, const char *sender, char *out, size_t len)
{
	size_t o = 0;

	for (const char *p = tmpl; *p && o + 1 < len; p++) {
		char tmp[64];
		const char *ins = tmp;

		if (*p != '%' || !p[1]) {
			out[o++] = *p;
			continue;
		}
		switch (*++p) {
		case 'T':
			ins = PICK(&sd->r, sim_seed_words.topics);
			break;
		case 'C':
			company(sender, tmp, sizeof(tmp));
			break;
		case 'N':
			snprintf(tmp, sizeof(tmp), "%" PRIu32, 10000 + below(&sd->r, 90000));
			break;
		case 'M':
			ins = PICK(&sd->r, sim_seed_words.months);
			break;
		case 'D':
			ins = PICK(&sd->r, sim_seed_words.days);
			break;
		case 'Q':
			snprintf(tmp, sizeof(tmp), "%" PRIu32, 1 + below(&sd->r, 4));
			break;
		case 'P':
			ins = PICK(&sd->r, sim_seed_words.prizes);
			break;
		case 'S':
			ins = PICK(&sd->r, sim_seed_words.services);
			break;
		case 'F':
			first_name(&sd->r, tmp, sizeof(tmp));
			break;
		default:
			tmp[0] = '%';
			tmp[1] = *p;
			tmp[2] = '\0';
			break;
		}
		while (*ins && o + 1 < len)
			out[o++] = *ins++;
	}
	out[o] = '\0';
}

static enum kind pick_kind(rng *r)
{
	uint32_t x = below(r, 1000);

	if (x < 825)
		return K_HAM;
	if (x < 855)
		return K_CONTINUE;
	if (x < 865)
		return K_RETRY;
	if (x < 905)
		return K_REJECT;
	if (x < 920)
		return K_REDIRECT;
	if (x < 960)
		return K_SPAM;
	if (x < 975)
		return K_PHISH;
	if (x < 985)
		return K_VIRUS;
	return K_DLP;
}

static int pick_folder(rng *r, enum kind k)
{
	uint32_t x = below(r, 10);

	switch (k) {
	case K_SPAM:
		return x < 6 ? F_QUARANTINE : x < 8 ? F_SPAM : F_BULK;
	case K_PHISH:
		return F_PHISH;
	case K_VIRUS:
		return x < 6 ? F_VIRUS : F_MALWARE;
	case K_DLP:
		return x < 4 ? F_HIPAA : x < 8 ? F_PCI : F_GLBA;
	default:
		return -1;
	}
}

static int rule_of(enum kind k, int folder)
{
	switch (k) {
	case K_HAM:
		return R_NONE;
	case K_CONTINUE:
		return R_SAFE;
	case K_RETRY:
		return R_RETRY;
	case K_REJECT:
		return R_REJECT;
	case K_REDIRECT:
		return R_REDIRECT;
	case K_SPAM:
		return R_DEFINITE;
	case K_PHISH:
		return R_PHISH;
	case K_VIRUS:
		return R_VIRUS;
	default:
		return folder == F_HIPAA ? R_HIPAA : folder == F_PCI ? R_PCI : R_GLBA;
	}
}

static const char *action_of(enum kind k)
{
	switch (k) {
	case K_HAM:
		return "accept";
	case K_CONTINUE:
		return "continue";
	case K_RETRY:
		return "retry";
	case K_REJECT:
		return "reject";
	case K_REDIRECT:
		return "redirect";
	default:
		return "discard";
	}
}

static const char *subject_template(rng *r, enum kind k)
{
	switch (k) {
	case K_SPAM:
		return PICK(r, sim_seed_words.spam_subjects);
	case K_PHISH:
		return PICK(r, sim_seed_words.phish_subjects);
	case K_VIRUS:
		return PICK(r, sim_seed_words.virus_subjects);
	case K_DLP:
		return PICK(r, sim_seed_words.dlp_subjects);
	default:
		return PICK(r, sim_seed_words.ham_subjects);
	}
}

static uint32_t score_of(rng *r, enum kind k)
{
	switch (k) {
	case K_SPAM:
		return 80 + below(r, 21);
	case K_PHISH:
		return 60 + below(r, 41);
	case K_HAM:
	case K_REDIRECT:
	case K_RETRY:
		return below(r, 40);
	default:
		return below(r, 10);
	}
}

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* A message being built: what sim_seeder_add has drawn so far, in the order it draws. */
struct draft {
	long i;
	int demo;
	enum kind k;
	int folder, rule, outbound;
	int64_t epoch;
	const char *sender, *rcpt[3];
	size_t nrcpt;
	char rcpts[256], subject[160], guid[33], fid[33], qid[16], sid[12], mid[128];
	char ip[48], host[96], attach[64];
};

static int64_t pick_epoch(struct seeder *sd, const struct draft *d, int64_t at)
{
	rng *r = &sd->r;
	int64_t epoch;
	uint64_t slot;

	if (sd->live)
		return at;
	if (d->demo)
		return sd->now - (int64_t)(3 * d->i + 1) * 3600 + below(r, 1800);
	/* Evenly spread in time order over the window, with jitter inside each slot. */
	slot = SEED_WINDOW / (uint64_t)sd->n;
	epoch = sd->now - SEED_WINDOW + 1 +
		(int64_t)((uint64_t)d->i * SEED_WINDOW / (uint64_t)sd->n);
	epoch += below(r, slot > 1 ? (uint32_t)slot : 1);
	return epoch > sd->now ? sd->now : epoch;
}

/* Who sends to whom: an outbound message goes from a user outside, an inbound one comes in. */
static void pick_people(struct seeder *sd, struct draft *d)
{
	rng *r = &sd->r;
	enum kind k = d->k;

	d->outbound = !d->demo &&
		      (k == K_DLP || k == K_REDIRECT || (k == K_HAM && below(r, 100) < 12));
	if (d->outbound) {
		d->sender = sd->users[below(r, SEED_USERS)];
		d->nrcpt = 1 + (below(r, 10) == 0);
		for (size_t j = 0; j < d->nrcpt; j++)
			d->rcpt[j] = sd->senders[below(r, SEED_SENDERS)];
	} else {
		uint32_t x = below(r, 20);

		d->sender = pick_sender(sd);
		d->nrcpt = x < 16 ? 1 : x < 19 ? 2 : 3;
		for (size_t j = 0; j < d->nrcpt; j++)
			d->rcpt[j] = sd->users[below(r, SEED_USERS)];
		if (d->demo)
			d->rcpt[0] = sd->users[d->i % 2 == 0 ? 0 : 2 + d->i];
	}
	d->rcpts[0] = '\0';
	for (size_t j = 0, o = 0; j < d->nrcpt; j++)
		o += (size_t)snprintf(d->rcpts + o, sizeof(d->rcpts) - o, "%s%s", j ? "," : "",
				      d->rcpt[j]);
}

/* The identifiers, the Message-ID and the sending host, its address from its domain. */
static void pick_origin(struct seeder *sd, struct draft *d)
{
	static const char *const ip_nets[] = { "192.0.2", "198.51.100", "203.0.113" };
	int64_t y;
	int mon, day, hh, mi, ss;
	uint32_t h;

	sim_seed_ids(&sd->r, d->epoch, d->i, d->guid, d->fid, d->qid, d->sid);
	tu_civil(d->epoch, &y, &mon, &day, &hh, &mi, &ss);
	snprintf(d->mid, sizeof(d->mid), "%04" PRId64 "%02d%02d%02d%02d%02d.%s@%s", y, mon, day, hh,
		 mi, ss, d->qid, domain_of(d->sender));
	h = str_hash(domain_of(d->sender));
	if (d->outbound) {
		snprintf(d->ip, sizeof(d->ip), "10.%u.%u.%u", 1 + h % 4, (h >> 8) % 256,
			 1 + (h >> 16) % 254);
		snprintf(d->host, sizeof(d->host), "ws%03u.%s", (h >> 4) % 400, INTERNAL);
	} else {
		snprintf(d->ip, sizeof(d->ip), "%s.%u", ip_nets[h % 3], 1 + (h >> 8) % 254);
		snprintf(d->host, sizeof(d->host), "%s.%s", (h >> 3) % 3 ? "mail" : "mx1",
			 domain_of(d->sender));
	}
}

static void pick_attach(rng *r, struct draft *d)
{
	const struct sim_seed_vocab *w = &sim_seed_words;
	enum kind k = d->k;

	if (k == K_VIRUS || (k == K_PHISH && below(r, 3) == 0))
		snprintf(d->attach, sizeof(d->attach), "%s", PICK(r, w->bad_attachments));
	else if (k == K_SPAM && below(r, 3) == 0)
		snprintf(d->attach, sizeof(d->attach), "%s",
			 below(r, 3) == 0 ? "message.eml" : PICK(r, w->attachments));
	else if (k == K_DLP)
		snprintf(d->attach, sizeof(d->attach), "%s",
			 d->folder == F_PCI ? "cards.csv" : "records.xlsx");
	else if (k == K_HAM && below(r, 5) == 0) {
		int two = below(r, 4) == 0;
		const char *a1 = PICK(r, w->attachments);

		snprintf(d->attach, sizeof(d->attach), "%s%s%s", a1, two ? "," : "",
			 two ? PICK(r, w->attachments) : "");
	}
}

/* The record's date, identities, parties and verdict. 0 or -1. */
static int set_identity(struct seeder *sd, const struct draft *d)
{
	const char *rule = sim_seed_rules[d->rule];
	size_t dot = strcspn(rule, ".");
	char date[48], module[16];

	if (tu_format_utc(d->epoch, date, sizeof(date)))
		return -1;
	snprintf(date + strlen(date), sizeof(date) - strlen(date), " [UTC+0000]");
	set(sd, SIM_F_DATE, date);
	set(sd, SIM_F_GUID, d->guid);
	set(sd, SIM_F_FID, d->fid);
	set(sd, SIM_F_QID, d->qid);
	set(sd, SIM_F_SID, d->sid);
	set(sd, SIM_F_SENDER, d->sender);
	set(sd, SIM_F_RECIPIENTS, d->rcpts);
	set(sd, SIM_F_SUBJECT, d->subject);
	set(sd, SIM_F_SENDER_HOST, d->host);
	set(sd, SIM_F_SENDER_IP_ADDRESS, d->ip);
	set(sd, SIM_F_ATTACHMENT_NAMES, d->attach);
	set(sd, SIM_F_VIRUS_NAMES, d->k == K_VIRUS ? PICK(&sd->r, sim_seed_words.viruses) : "");
	set(sd, SIM_F_FINAL_ACTION, action_of(d->k));
	set(sd, SIM_F_FINAL_RULE, rule);
	snprintf(module, sizeof(module), "%.*s", (int)dot, rule);
	set(sd, SIM_F_MODULE_ID, module);
	set(sd, SIM_F_RULE_ID, rule + dot + 1);
	return json_object_set(sd->rec, "module_rules", sd->rules[d->rule]) ? -1 : 0;
}

/* The record's scores, transport and delivery. */
static void set_delivery(struct seeder *sd, const struct draft *d)
{
	rng *r = &sd->r;
	enum kind k = d->k;
	const char *folder = d->folder >= 0 ? sim_seed_folders[d->folder].name : "";
	const char *rule = sim_seed_rules[d->rule];
	char num[32], angled[140];
	uint32_t t;

	snprintf(num, sizeof(num), "%" PRIu32, score_of(r, k));
	set(sd, SIM_F_SPAM_SCORE, num);
	snprintf(num, sizeof(num), "0.%06" PRIu32, 20000 + below(r, 900000));
	set(sd, SIM_F_DURATION, num);
	t = below(r, 10);
	set(sd, SIM_F_TLS, t < 7 ? "TLSv1.3" : t < 9 ? "TLSv1.2" : "");
	set(sd, SIM_F_COUNTRY, d->outbound ? "**" : PICK(r, sim_seed_words.countries));
	set(sd, SIM_F_POLICY_ROUTES,
	    d->outbound		? "internalnet,allow_relay"
	    : below(r, 10) == 0 ? "default_inbound,partner"
				: "default_inbound");
	set(sd, SIM_F_AGENT, below(r, 2) ? "mx1." INTERNAL : "mx2." INTERNAL);
	set(sd, SIM_F_SENDMAIL_ERRORCODE,
	    k == K_RETRY    ? "451 4.7.1 Try again later"
	    : k == K_REJECT ? "550 5.7.1 Message rejected"
			    : "");
	set(sd, SIM_F_SENDMAIL_STAT,
	    k == K_RETRY					 ? "Deferred"
	    : (k == K_HAM || k == K_CONTINUE || k == K_REDIRECT) ? "Sent"
								 : "");
	set(sd, SIM_F_DISPOSITION_ACTION, k == K_REDIRECT ? "redirect" : "");
	set(sd, SIM_F_SENDMAIL_TO, k == K_REDIRECT ? "compliance@" INTERNAL : "");
	set(sd, SIM_F_QUARANTINE_FOLDER, folder);
	set(sd, SIM_F_CURRENT_FOLDER, folder);
	set(sd, SIM_F_QUARANTINE_RULE, d->folder >= 0 ? rule + strcspn(rule, ".") + 1 : "");
	snprintf(angled, sizeof(angled), "<%s>", d->mid);
	set(sd, SIM_F_MESSAGE_ID, angled);
}

int sim_seeder_build_mail(ppsbuf *out, uint64_t seed, const struct sim_mail *m)
{
	rng mr = { seed };

	return sim_mime_build(out, &mr, m);
}

/* The raw text of the message d into out, or, when out is NULL, into the batch to be built
 * later (its size is then SIM_SEED_SIZE_LATER). 0 or -1. */
static int build_raw(struct seeder *sd, const struct draft *d, ppsbuf *out)
{
	const struct sim_mail mail = { .k = d->k,
				       .outbound = d->outbound,
				       .epoch = d->epoch,
				       .from = d->sender,
				       .rcpts = d->rcpts,
				       .subject = d->subject,
				       .mid = d->mid,
				       .qid = d->qid,
				       .ip = d->ip,
				       .host = d->host,
				       .attach = d->attach };
	/* The message's text draws from a PRNG of its own, seeded by one draw of the seed's, so
	 * that what it chooses leaves the records' stream as it is. */
	uint64_t seed = rng_next(&sd->r);

	return out ? sim_seeder_build_mail(out, seed, &mail)
		   : sim_seed_batch_mail(sd->batch, seed, &mail);
}

/* The quarantined copy: its raw text (whose length is the message's size, into size) and its
 * row, to the batch or the store. 0 or -1. */
static int add_quarantined(struct seeder *sd, const struct draft *d, char *size, size_t len)
{
	sim_qmsg m = { 0 };
	char hostip[112], score[8], localguid[48], *status;
	int rc;

	/* In the seed's pipeline the text is built later, on any of its threads. */
	if (build_raw(sd, d, sd->batch ? NULL : &sd->raw))
		return -1;
	if (sd->batch)
		snprintf(size, len, "%s", SIM_SEED_SIZE_LATER);
	else
		snprintf(size, len, "%zu", sd->raw.len);
	/* Live messages number their dbase_id apart from the seeded ones. */
	snprintf(localguid, sizeof(localguid), "%d:%d:%ld", d->folder + 1,
		 1 + (int)((d->epoch / 86400) % 16),
		 sd->live ? LIVE_DBASE + d->i : ++sd->dbase[d->folder]);
	snprintf(hostip, sizeof(hostip), "[%s] [%s]", d->ip, d->ip);
	snprintf(score, sizeof(score), "%s", json_string_value(sd->val[SIM_F_SPAM_SCORE]));
	m.guid = d->guid;
	m.localguid = localguid;
	m.folder = sim_seed_folders[d->folder].name;
	m.from = d->sender;
	m.rcpts = d->rcpt;
	m.nrcpts = d->nrcpt;
	m.subject = d->subject;
	m.date = d->epoch;
	m.spamscore = score;
	m.host_ip = hostip;
	m.messageid = d->mid;
	m.processingserver = below(&sd->r, 2) ? "pps1." INTERNAL : "pps2." INTERNAL;
	m.raw = sd->batch ? NULL : sd->raw.buf;
	m.raw_len = sd->batch ? 0 : sd->raw.len;
	m.status = status = sim_qstatus_initial(d->epoch);
	rc = !status	 ? -1
	     : sd->batch ? sim_seed_batch_quarantine(sd->batch, &m)
			 : sim_store_add_quarantine(sd->st, &m);
	free(status);
	return rc ? -1 : 0;
}

/* The size of a message that was not quarantined: mostly small, one in twenty far larger. */
static void pick_size(rng *r, char *size, size_t len)
{
	uint32_t n = 900 + below(r, 30000);

	if (below(r, 20) == 0)
		n *= 1 + below(r, 200);
	snprintf(size, len, "%" PRIu32, n);
}

/* What message i is: kind, folder, date, people, subject, origin and attachments. */
static void draw(struct seeder *sd, struct draft *d, int64_t at)
{
	rng *r = &sd->r;

	d->k = d->demo ? K_SPAM : pick_kind(r);
	d->folder = d->demo ? F_QUARANTINE : pick_folder(r, d->k);
	d->rule = rule_of(d->k, d->folder);
	d->epoch = pick_epoch(sd, d, at);
	pick_people(sd, d);
	expand(sd, subject_template(r, d->k), d->sender, d->subject, sizeof(d->subject));
	pick_origin(sd, d);
	pick_attach(r, d);
}

int sim_seeder_mail(struct seeder *sd, long i, ppsbuf *out)
{
	struct draft d = { .i = i };

	draw(sd, &d, 0);
	return build_raw(sd, &d, out);
}

int sim_seeder_add(struct seeder *sd, long i, int demo, int64_t at)
{
	struct draft d = { .i = i, .demo = demo };
	char size[32];

	draw(sd, &d, at);
	if (set_identity(sd, &d))
		return -1;
	set_delivery(sd, &d);
	if (d.folder >= 0) {
		if (add_quarantined(sd, &d, size, sizeof(size)))
			return -1;
	} else {
		pick_size(&sd->r, size, sizeof(size));
	}
	set(sd, SIM_F_MESSAGE_SIZE, size);
	return sd->batch ? sim_seed_batch_record(sd->batch, sd->rec, d.epoch)
			 : sim_record_add(sd->st, sd->rec, d.epoch);
}

void sim_seeder_free(struct seeder *sd)
{
	if (!sd)
		return;
	json_decref(sd->rec);
	for (size_t k = 0; k < SIM_SEED_NRULES; k++)
		json_decref(sd->rules[k]);
	ppsbuf_release(&sd->raw);
	free(sd);
}

struct seeder *sim_seeder_new(sim_store *st, long n, int64_t now)
{
	struct seeder *sd = calloc(1, sizeof(*sd));

	if (!sd)
		return NULL;
	sd->st = st;
	sd->now = now;
	sd->n = n;
	sd->r.s = 0x5EED5EED00000000ULL ^ (uint64_t)n;
	ppsbuf_init(&sd->raw, 0);
	sim_seeder_pools(sd);
	sd->rec = sim_record_new();
	if (!sd->rec)
		goto fail;
	/* Borrowed: the record keeps each value alive, and set() changes it in place. */
	for (size_t f = 0; f < SIM_NFIELDS; f++)
		sd->val[f] = json_object_get(sd->rec, sim_record_fields[f]);
	set(sd, SIM_F_FQIN, "example.com-10000_instance1");
	for (size_t k = 0; k < SIM_SEED_NRULES; k++) {
		sd->rules[k] = json_pack("[s]", sim_seed_rules[k]);
		if (!sd->rules[k])
			goto fail;
	}
	return sd;
fail:
	sim_seeder_free(sd);
	return NULL;
}
