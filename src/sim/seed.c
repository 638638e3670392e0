/*
 * Deterministic synthetic mail flow for pps-sim --seed N: Smart Search records, a quarantined
 * share with RFC 5322 bodies, folders and end users. Its own PRNG (never rand()); no SQL here.
 */
#include "sim/seed.h"
#include "sim/record.h"
#include "sim/store.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/buf.h"
#include "util/timeutil.h"

#include "util/banned.h"

#define SEED_DOMAINS 200
#define SEED_SENDERS 3000
#define SEED_USERS   300
#define SEED_DEMO    8 /* quarantined messages for the demo in the last 24 hours */
#define SEED_WINDOW  (7 * 86400)
#define INTERNAL     "example.com"
#define LIVE_DBASE   1000000000L

/* SplitMix64: small, fast, and the same stream on every platform for the same n. */
typedef struct rng {
	uint64_t s;
} rng;

static uint64_t next(rng *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint32_t below(rng *r, uint32_t n)
{
	return (uint32_t)((next(r) >> 32) * n >> 32);
}

#define PICK(r, arr) ((arr)[below((r), sizeof(arr) / sizeof((arr)[0]))])

static const char *const first_names[] = {
	"james",  "mary",    "john",	  "patricia", "robert",	  "jennifer", "michael",
	"linda",  "william", "elizabeth", "david",    "barbara",  "richard",  "susan",
	"joseph", "jessica", "thomas",	  "sarah",    "charles",  "karen",    "christopher",
	"nancy",  "daniel",  "lisa",	  "matthew",  "betty",	  "anthony",  "margaret",
	"mark",	  "sandra",  "donald",	  "ashley",   "steven",	  "kimberly", "paul",
	"emily",  "andrew",  "donna",	  "joshua",   "michelle",
};
static const char *const last_names[] = {
	"smith",    "johnson",	 "williams", "brown",	  "jones",  "garcia",	"miller",
	"davis",    "rodriguez", "martinez", "hernandez", "lopez",  "gonzalez", "wilson",
	"anderson", "taylor",	 "moore",    "jackson",	  "martin", "lee",	"perez",
	"thompson", "white",	 "harris",   "sanchez",	  "clark",  "ramirez",	"lewis",
	"robinson", "walker",	 "young",    "allen",	  "king",   "wright",	"scott",
	"torres",   "nguyen",	 "hill",     "flores",	  "green",
};
#define NFIRST (sizeof(first_names) / sizeof(first_names[0]))
#define NLAST  (sizeof(last_names) / sizeof(last_names[0]))

static const char *const roles[] = { "noreply", "info",	  "news",      "billing", "support",
				     "alerts",	"orders", "marketing", "hr",	  "accounts" };
static const char *const dom_stems[] = {
	"acme",	   "globex",   "initech", "umbrella",  "stark",	   "wayne",   "wonka",
	"hooli",   "vandelay", "soylent", "cyberdyne", "tyrell",   "massive", "gringotts",
	"oceanic", "pied",     "monarch", "aperture",  "nakatomi", "duff",
};
static const char *const dom_suffixes[] = { "corp", "mail",  "net",  "systems", "group",
					    "labs", "media", "bank", "shop",	"travel" };
static const char *const tlds[] = { ".com", ".net", ".org", ".io", ".co.uk", ".de", ".fr" };
static const char *const countries[] = { "us", "us", "us", "de", "gb", "fr",
					 "nl", "cn", "ru", "br", "in", "**" };
static const char *const departments[] = { "sales", "finance", "engineering", "hr",
					   "legal", "support", "marketing",   "it" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const topics[] = {
	"budget review",     "project kickoff",	    "Q3 planning",    "team lunch",
	"contract renewal",  "server maintenance",  "hiring update",  "customer feedback",
	"product launch",    "travel arrangements", "board meeting",  "security training",
	"office move",	     "marketing plan",	    "sales pipeline", "annual review",
	"vendor onboarding", "release schedule",    "expense report", "holiday party",
};
static const char *const prizes[] = { "gift card", "new iPhone", "cruise", "cash prize",
				      "free vacation" };
static const char *const services[] = { "Microsoft 365", "PayPal",   "Apple ID",
					"Netflix",	 "DocuSign", "Dropbox" };
static const char *const ham_subjects[] = {
	"Re: %T",
	"Fwd: %T",
	"RE: RE: %T",
	"%T",
	"Meeting notes: %T",
	"Invitation: %T @ %D",
	"Your %C invoice %N",
	"Invoice %N from %C",
	"%C newsletter - %M edition",
	"Your order #%N has shipped",
	"Weekly digest from %C",
	"Payment received - thank you",
	"Quarterly report Q%Q",
	"Updated: %T",
	"Reminder: %T tomorrow",
	"Welcome to %C",
	"Your receipt from %C",
	"Out of office: %T",
	"Shared document: %T",
	"Action items from %D's call",
};
static const char *const spam_subjects[] = {
	"Lowest mortgage rates - act now", "You have been selected for a %P",
	"Cheap meds, no prescription",	   "Make $5000 a week from home",
	"Congratulations! You won a %P",   "Limited offer: 90% off at %C",
	"Loan approved: claim your funds", "Re: your loan application",
	"Lose 10 kg in 10 days",	   "Exclusive deal for %F",
};
static const char *const phish_subjects[] = {
	"Action required: verify your %S account",     "Your %S password expires today",
	"Unusual sign-in activity on your %S account", "Your mailbox is full - upgrade now",
	"Invoice %N overdue - pay immediately",	       "DocuSign: please review and sign",
	"Your package could not be delivered",	       "Urgent wire transfer request",
	"Security alert: confirm your identity",       "Voicemail received from %F",
};
static const char *const virus_subjects[] = {
	"Scanned document %N",	   "Invoice %N",	  "Your order details",
	"Payment confirmation %N", "Fax message from %F", "Resume - %F",
};
static const char *const dlp_subjects[] = {
	"Patient records %N", "Customer card list", "Account statements for review",
	"Payroll export %M",  "Claims data %N",	    "Loan applicants list",
};
static const char *const attachments[] = { "invoice.pdf",   "report.xlsx", "photo.jpg",
					   "document.docx", "slides.pptx", "statement.pdf",
					   "scan001.pdf",   "notes.txt" };
static const char *const bad_attachments[] = { "invoice.zip",  "document.docm", "payment.js",
					       "scan.pdf.exe", "order.xlsm",	"macro.docm" };
static const char *const viruses[] = { "Eicar-Test-Signature",	  "W32/Mydoom.A@mm",
				       "Trojan.Emotet-9785706-0", "JS/Nemucod.gen",
				       "W97M/Downloader.BX",	  "Win.Trojan.Agent-1388596" };

/* The quarantine folders the seed creates; folder ids in localguids are index + 1. */
static const struct {
	const char *name, *type;
} folders[] = {
	{ "Quarantine", "spam" },
	{ "Spam", "spam" },
	{ "Phish", "spam" },
	{ "Malware", "virus" },
	{ "Virus", "virus" },
	{ "Bulk", "spam" },
	{ "Deleted", "spam" },
	{ "HIPAA", "dlp" },
	{ "PCI", "dlp" },
	{ "GLBA", "dlp" },
	{ "Deleted Incidents", "dlp" },
};
#define NFOLDERS (sizeof(folders) / sizeof(folders[0]))
enum {
	F_QUARANTINE,
	F_SPAM,
	F_PHISH,
	F_MALWARE,
	F_VIRUS,
	F_BULK,
	F_DELETED,
	F_HIPAA,
	F_PCI,
	F_GLBA
};

/* What happens to a message. */
enum kind { K_HAM, K_CONTINUE, K_RETRY, K_REJECT, K_REDIRECT, K_SPAM, K_PHISH, K_VIRUS, K_DLP };

/* Prebuilt pools and the reusable record: one allocation set for the whole run. */
struct seeder {
	sim_store *st;
	rng r;
	int64_t now;
	long n;
	char domains[SEED_DOMAINS][40];
	char senders[SEED_SENDERS][72];
	char users[SEED_USERS][64];
	const char *user_first[SEED_USERS];
	const char *user_last[SEED_USERS];
	json_t *rec;		    /* the record, reused: its string values are set in place */
	json_t *val[SIM_NFIELDS];   /* borrowed from rec */
	json_t *rules[SIM_NFIELDS]; /* module_rules arrays by kind; owned */
	long dbase[NFOLDERS];	    /* the next dbase_id of each folder */
	int live;		    /* a --flow generator, not a seed */
	ppsbuf raw;		    /* the body being built, reused */
	struct batch *batch;	    /* the seed's pipeline: messages go here, not to the store */
};

/*
 * The seed runs as a pipeline on the machine's two cores: a generator thread builds messages
 * (the records' JSON, the RFC 5322 bodies) into batches while the seeding thread, which holds
 * the store's transaction, inserts the previous batch. A batch holds copies: its strings live
 * in one arena and are named by offsets, so that the arena may grow.
 */
#define BATCH_MSGS 512

enum {
	B_GUID,
	B_SENDER,
	B_RCPTS,
	B_QID,
	B_SID,
	B_MID,
	B_HOST,
	B_IP,
	B_ACTION,
	B_VIRUS,
	B_ATTACH,
	B_SUBJECT,
	B_RECORD,
	B_NSTR
};
enum {
	Q_GUID,
	Q_LOCALGUID,
	Q_FOLDER,
	Q_FROM,
	Q_SUBJECT,
	Q_SCORE,
	Q_HOSTIP,
	Q_MID,
	Q_SERVER,
	Q_RAW,
	Q_STATUS,
	Q_RCPT0,
	Q_NSTR = Q_RCPT0 + 3
};

struct bmsg {
	int64_t epoch;
	size_t s[B_NSTR];
	size_t record_len;
	int has_q;
	int64_t qdate;
	size_t q[Q_NSTR];
	size_t raw_len, nrcpts;
};

struct batch {
	struct bmsg m[BATCH_MSGS];
	size_t n;
	ppsbuf arena;
};

/* Copies n bytes and a NUL into the arena; the offset into *off. 0 or -1. */
static int arena_put(struct batch *b, const char *s, size_t n, size_t *off)
{
	*off = b->arena.len;
	return ppsbuf_add(&b->arena, s ? s : "", s ? n : 0) < 0 || ppsbuf_addch(&b->arena, '\0') < 0
		       ? -1
		       : 0;
}

static int arena_puts(struct batch *b, const char *s, size_t *off)
{
	return arena_put(b, s, s ? strlen(s) : 0, off);
}

/* The quarantined part of the message being batched. */
static int batch_quarantine(struct batch *b, const sim_qmsg *m)
{
	struct bmsg *e = &b->m[b->n];
	const char *s[] = { m->guid,	m->localguid, m->folder,
			    m->from,	m->subject,   m->spamscore,
			    m->host_ip, m->messageid, m->processingserver };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (arena_puts(b, s[i], &e->q[i]) < 0)
			return -1;
	if (arena_put(b, m->raw, m->raw_len, &e->q[Q_RAW]) < 0 ||
	    arena_puts(b, m->status, &e->q[Q_STATUS]) < 0)
		return -1;
	e->nrcpts = m->nrcpts < 3 ? m->nrcpts : 3;
	for (size_t i = 0; i < e->nrcpts; i++)
		if (arena_puts(b, m->rcpts[i], &e->q[Q_RCPT0 + i]) < 0)
			return -1;
	e->raw_len = m->raw_len;
	e->qdate = m->date;
	e->has_q = 1;
	return 0;
}

/* The record of the message being batched; it is then complete. */
static int batch_record(struct batch *b, const json_t *rec, int64_t epoch)
{
	struct bmsg *e = &b->m[b->n];
	sim_msg_in m;
	char small[16384];
	size_t len = json_dumpb(rec, small, sizeof(small), JSON_COMPACT);
	const char *s[B_NSTR];

	if (len == 0 || len >= sizeof(small))
		return -1;
	sim_record_describe(rec, epoch, &m);
	s[B_GUID] = m.guid;
	s[B_SENDER] = m.sender;
	s[B_RCPTS] = m.rcpts;
	s[B_QID] = m.qid;
	s[B_SID] = m.sid;
	s[B_MID] = m.message_id;
	s[B_HOST] = m.host;
	s[B_IP] = m.ip;
	s[B_ACTION] = m.action;
	s[B_VIRUS] = m.virus;
	s[B_ATTACH] = m.attach;
	s[B_SUBJECT] = m.subject;
	for (size_t i = 0; i < B_RECORD; i++)
		if (arena_puts(b, s[i], &e->s[i]) < 0)
			return -1;
	if (arena_put(b, small, len, &e->s[B_RECORD]) < 0)
		return -1;
	e->record_len = len;
	e->epoch = epoch;
	b->n++;
	return 0;
}

/* Inserts a batch into the store (the caller's transaction). 0 or -1. */
static int batch_store(sim_store *st, const struct batch *b)
{
	const char *a = b->arena.buf;

	for (size_t k = 0; k < b->n; k++) {
		const struct bmsg *e = &b->m[k];
		sim_msg_in m = { 0 };

		if (e->has_q) {
			const char *rcpts[3];
			sim_qmsg q = { 0 };

			for (size_t i = 0; i < e->nrcpts; i++)
				rcpts[i] = a + e->q[Q_RCPT0 + i];
			q.guid = a + e->q[Q_GUID];
			q.localguid = a + e->q[Q_LOCALGUID];
			q.folder = a + e->q[Q_FOLDER];
			q.from = a + e->q[Q_FROM];
			q.rcpts = rcpts;
			q.nrcpts = e->nrcpts;
			q.subject = a + e->q[Q_SUBJECT];
			q.date = e->qdate;
			q.spamscore = a + e->q[Q_SCORE];
			q.host_ip = a + e->q[Q_HOSTIP];
			q.messageid = a + e->q[Q_MID];
			q.processingserver = a + e->q[Q_SERVER];
			q.raw = a + e->q[Q_RAW];
			q.raw_len = e->raw_len;
			q.status = a + e->q[Q_STATUS];
			if (sim_store_add_quarantine(st, &q) < 0)
				return -1;
		}
		m.guid = a + e->s[B_GUID];
		m.epoch = e->epoch;
		m.sender = a + e->s[B_SENDER];
		m.rcpts = a + e->s[B_RCPTS];
		m.qid = a + e->s[B_QID];
		m.sid = a + e->s[B_SID];
		m.message_id = a + e->s[B_MID];
		m.host = a + e->s[B_HOST];
		m.ip = a + e->s[B_IP];
		m.action = a + e->s[B_ACTION];
		m.virus = a + e->s[B_VIRUS];
		m.attach = a + e->s[B_ATTACH];
		m.subject = a + e->s[B_SUBJECT];
		m.record = a + e->s[B_RECORD];
		m.record_len = e->record_len;
		if (sim_store_put_message(st, &m) < 0)
			return -1;
	}
	return 0;
}

static void set(struct seeder *sd, enum sim_field f, const char *v)
{
	/* json_string_set copies v and keeps the value's place in the record; most fields repeat
	 * from one message to the next, so an equal value is left as it is. */
	if (strcmp(json_string_value(sd->val[f]), v) != 0)
		json_string_set(sd->val[f], v);
}

/* The GUID alphabet in ASCII order, so that a time prefix sorts as the time does. */
static const char b64sorted[] = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
static const char lowalnum[] = "0123456789abcdefghijklmnopqrstuvwxyz";
/* sendmail's queue-ID digits (base 60). */
static const char base60[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx";

/* Writes v in n digits of the given base (most significant first). */
static void encode(char *out, size_t n, uint64_t v, const char *alphabet, unsigned base)
{
	for (size_t i = n; i > 0; i--) {
		out[i - 1] = alphabet[v % base];
		v /= base;
	}
}

/*
 * The identifiers of a message, shaped like the real ones and led by its time, as PPS's are:
 * a GUID/FID of 32 characters, a sendmail queue ID (year, month, day, hour, minute, second in
 * base 60, a 2-digit sequence, a 6-digit process id) and a 10-character SID. A time-ordered key
 * also keeps the store's indexes appending rather than splitting pages all over.
 */
static void make_ids(rng *r, int64_t epoch, long seq, char guid[33], char fid[33], char qid[16],
		     char sid[12])
{
	int64_t y;
	int mon, day, h, mi, s;
	uint64_t pid = 1000 + below(r, 999000); /* six decimal digits */

	encode(guid, 6, (uint64_t)epoch, b64sorted, 64);
	for (size_t i = 6; i < 32; i++)
		guid[i] = b64sorted[below(r, 64)];
	guid[32] = '\0';
	memcpy(fid, guid, 33);
	for (size_t i = 8; i < 32; i += 3)
		fid[i] = b64sorted[below(r, 64)];
	tu_civil(epoch, &y, &mon, &day, &h, &mi, &s);
	qid[0] = base60[(y - 1900) % 60];
	qid[1] = base60[mon - 1];
	qid[2] = base60[day];
	qid[3] = base60[h];
	qid[4] = base60[mi];
	qid[5] = base60[s];
	encode(qid + 6, 2, (uint64_t)seq % 3600, base60, 60);
	encode(qid + 8, 6, pid, lowalnum, 10);
	qid[14] = '\0';
	encode(sid, 6, (uint64_t)epoch, lowalnum, 36);
	for (size_t i = 6; i < 10; i++)
		sid[i] = lowalnum[below(r, 36)];
	sid[10] = '\0';
}

static void build_pools(struct seeder *sd)
{
	for (size_t i = 0; i < SEED_DOMAINS; i++) {
		size_t stems = sizeof(dom_stems) / sizeof(dom_stems[0]);

		snprintf(
			sd->domains[i], sizeof(sd->domains[i]), "%s%s%s", dom_stems[i % stems],
			dom_suffixes[(i / stems) % (sizeof(dom_suffixes) / sizeof(dom_suffixes[0]))],
			tlds[i % (sizeof(tlds) / sizeof(tlds[0]))]);
	}
	for (size_t i = 0; i < SEED_SENDERS; i++) {
		const char *dom = sd->domains[(i * 7919) % SEED_DOMAINS];
		const char *f = first_names[(i * 31) % NFIRST];
		const char *l = last_names[(i * 17 + i / NFIRST) % NLAST];
		char *out = sd->senders[i];
		size_t len = sizeof(sd->senders[i]);

		if (i % 10 == 0) {
			snprintf(out, len, "%s@%s",
				 roles[(i / 10) % (sizeof(roles) / sizeof(roles[0]))], dom);
			continue;
		}
		switch ((i / 3) % 5) {
		case 0:
			snprintf(out, len, "%s.%s@%s", f, l, dom);
			break;
		case 1:
			snprintf(out, len, "%c%s@%s", f[0], l, dom);
			break;
		case 2:
			snprintf(out, len, "%s@%s", f, dom);
			break;
		case 3:
			snprintf(out, len, "%s_%s@%s", f, l, dom);
			break;
		default:
			snprintf(out, len, "%s.%s%zu@%s", l, f, i % 100, dom);
			break;
		}
	}
	/* Internal users: demo.user and jane.doe first, then unique first.last pairs. */
	snprintf(sd->users[0], sizeof(sd->users[0]), "demo.user@" INTERNAL);
	sd->user_first[0] = "Demo";
	sd->user_last[0] = "User";
	snprintf(sd->users[1], sizeof(sd->users[1]), "jane.doe@" INTERNAL);
	sd->user_first[1] = "Jane";
	sd->user_last[1] = "Doe";
	for (size_t k = 0; k + 2 < SEED_USERS; k++) {
		size_t a = k % NFIRST, b = (k + k / NFIRST) % NLAST;

		snprintf(sd->users[k + 2], sizeof(sd->users[k + 2]), "%s.%s@" INTERNAL,
			 first_names[a], last_names[b]);
		sd->user_first[k + 2] = first_names[a];
		sd->user_last[k + 2] = last_names[b];
	}
}

/* A sender index skewed towards the low end: a few senders send much of the mail. */
static const char *pick_sender(struct seeder *sd)
{
	uint64_t a = below(&sd->r, SEED_SENDERS), b = below(&sd->r, SEED_SENDERS);

	return sd->senders[a * b / SEED_SENDERS];
}

static const char *domain_of(const char *addr)
{
	const char *at = strchr(addr, '@');

	return at ? at + 1 : addr;
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
			ins = PICK(&sd->r, topics);
			break;
		case 'C': {
			const char *d = domain_of(sender);
			size_t n = strcspn(d, ".");

			snprintf(tmp, sizeof(tmp), "%c%.*s",
				 d[0] >= 'a' && d[0] <= 'z' ? d[0] - 32 : d[0],
				 (int)(n ? n - 1 : 0), d + 1);
			break;
		}
		case 'N':
			snprintf(tmp, sizeof(tmp), "%" PRIu32, 10000 + below(&sd->r, 90000));
			break;
		case 'M':
			ins = PICK(&sd->r, months);
			break;
		case 'D':
			ins = PICK(&sd->r, days);
			break;
		case 'Q':
			snprintf(tmp, sizeof(tmp), "%" PRIu32, 1 + below(&sd->r, 4));
			break;
		case 'P':
			ins = PICK(&sd->r, prizes);
			break;
		case 'S':
			ins = PICK(&sd->r, services);
			break;
		case 'F': {
			const char *f = PICK(&sd->r, first_names);

			snprintf(tmp, sizeof(tmp), "%c%s", f[0] - 32, f + 1);
			break;
		}
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

/* "Tue, 19 May 2020 14:20:00 +0000" */
static void rfc5322_date(int64_t epoch, char *out, size_t len)
{
	int64_t y, d = epoch / 86400;
	int mon, day, h, mi, s;

	tu_civil(epoch, &y, &mon, &day, &h, &mi, &s);
	snprintf(out, len, "%s, %02d %s %04" PRId64 " %02d:%02d:%02d +0000",
		 days[((d % 7) + 11) % 7], day, months[mon - 1], y, h, mi, s);
}

static const char *body_text(enum kind k)
{
	switch (k) {
	case K_PHISH:
		return "Dear customer,\r\n\r\nWe noticed unusual activity on your account. To "
		       "avoid "
		       "suspension, confirm your\r\nidentity within 24 hours:\r\n\r\n"
		       "  http://account-verify.invalid/login\r\n\r\nThe Security Team\r\n";
	case K_VIRUS:
		return "Please find the document attached.\r\n\r\nRegards\r\n";
	case K_DLP:
		return "As requested, the records for review:\r\n\r\n"
		       "Name: Sample Person, DOB 1970-01-01, MRN 00451234\r\n"
		       "Card: 4111 1111 1111 1111, exp 12/29\r\n"
		       "SSN: 078-05-1120\r\n";
	default:
		return "Hello,\r\n\r\nAct now: this exclusive offer expires tonight. Low rates, "
		       "fast "
		       "approval,\r\nno paperwork. Reply to claim your funds.\r\n\r\n"
		       "To unsubscribe, reply with REMOVE.\r\n";
	}
}

/* The raw RFC 5322 text of a quarantined message into sd->raw (CRLF line ends). */
static int build_raw(struct seeder *sd, enum kind k, int64_t epoch, const char *from,
		     const char *rcpts, const char *subject, const char *mid, const char *ip,
		     const char *attach)
{
	char date[48];
	ppsbuf *b = &sd->raw;
	int err;

	rfc5322_date(epoch, date, sizeof(date));
	ppsbuf_reset(b);
	err = ppsbuf_addf(b,
			  "Return-Path: <%s>\r\nReceived: from mail.%s (mail.%s [%s])\r\n\tby "
			  "mx1." INTERNAL " with ESMTPS; %s\r\nMessage-ID: <%s>\r\nDate: %s\r\n"
			  "From: %s\r\nTo: %s\r\nSubject: %s\r\nMIME-Version: 1.0\r\n",
			  from, domain_of(from), domain_of(from), ip, date, mid, date, from, rcpts,
			  subject);
	if (err)
		return -1;
	if (!*attach)
		return ppsbuf_addf(b, "Content-Type: text/plain; charset=us-ascii\r\n\r\n%s",
				   body_text(k));
	return ppsbuf_addf(b,
			   "Content-Type: multipart/mixed; boundary=\"=_b1\"\r\n\r\n--=_b1\r\n"
			   "Content-Type: text/plain; charset=us-ascii\r\n\r\n%s\r\n--=_b1\r\n"
			   "Content-Type: application/octet-stream; name=\"%.*s\"\r\n"
			   "Content-Transfer-Encoding: base64\r\n\r\n"
			   "U2FtcGxlIGF0dGFjaG1lbnQgb2YgcHBzLXNpbQo=\r\n--=_b1--\r\n",
			   body_text(k), (int)strcspn(attach, ","), attach);
}

static const char *const final_rules[] = {
	"spam.none",  "spam.safe", "access.retry", "access.reject", "dlp.redirect", "spam.definite",
	"spam.phish", "av.virus",  "dlp.hipaa",	   "dlp.pci",	    "dlp.glba",
};
enum {
	R_NONE,
	R_SAFE,
	R_RETRY,
	R_REJECT,
	R_REDIRECT,
	R_DEFINITE,
	R_PHISH,
	R_VIRUS,
	R_HIPAA,
	R_PCI,
	R_GLBA,
	NRULES
};

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
		return PICK(r, spam_subjects);
	case K_PHISH:
		return PICK(r, phish_subjects);
	case K_VIRUS:
		return PICK(r, virus_subjects);
	case K_DLP:
		return PICK(r, dlp_subjects);
	default:
		return PICK(r, ham_subjects);
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

/*
 * Adds message number i; demo messages land in Quarantine within the last 24 hours. A live
 * message (sd->live) is dated at and numbered i among all live messages ever made.
 */
static int add_one(struct seeder *sd, long i, int demo, int64_t at)
{
	static const char *const ip_nets[] = { "192.0.2", "198.51.100", "203.0.113" };
	rng *r = &sd->r;
	enum kind k = demo ? K_SPAM : pick_kind(r);
	int folder = demo ? F_QUARANTINE : pick_folder(r, k);
	int rule = rule_of(k, folder);
	int64_t epoch;
	int outbound;
	const char *sender, *rcpt[3];
	size_t nrcpt;
	char rcpts[256], subject[160], date[48], guid[33], fid[33], qid[16], sid[12], mid[128];
	char ip[48], host[96], num[32], attach[64] = "", localguid[48];
	uint32_t h;

	if (sd->live) {
		epoch = at;
	} else if (demo) {
		epoch = sd->now - (int64_t)(3 * i + 1) * 3600 + below(r, 1800);
	} else {
		/* Evenly spread in time order over the window, with jitter inside each slot. */
		uint64_t slot = SEED_WINDOW / (uint64_t)sd->n;

		epoch = sd->now - SEED_WINDOW + 1 +
			(int64_t)((uint64_t)i * SEED_WINDOW / (uint64_t)sd->n);
		epoch += below(r, slot > 1 ? (uint32_t)slot : 1);
		if (epoch > sd->now)
			epoch = sd->now;
	}
	outbound = !demo && (k == K_DLP || k == K_REDIRECT || (k == K_HAM && below(r, 100) < 12));
	if (outbound) {
		sender = sd->users[below(r, SEED_USERS)];
		nrcpt = 1 + (below(r, 10) == 0);
		for (size_t j = 0; j < nrcpt; j++)
			rcpt[j] = sd->senders[below(r, SEED_SENDERS)];
	} else {
		uint32_t x = below(r, 20);

		sender = pick_sender(sd);
		nrcpt = x < 16 ? 1 : x < 19 ? 2 : 3;
		for (size_t j = 0; j < nrcpt; j++)
			rcpt[j] = sd->users[below(r, SEED_USERS)];
		if (demo)
			rcpt[0] = sd->users[i % 2 == 0 ? 0 : 2 + i];
	}
	rcpts[0] = '\0';
	for (size_t j = 0, o = 0; j < nrcpt; j++)
		o += (size_t)snprintf(rcpts + o, sizeof(rcpts) - o, "%s%s", j ? "," : "", rcpt[j]);
	expand(sd, subject_template(r, k), sender, subject, sizeof(subject));

	make_ids(r, epoch, i, guid, fid, qid, sid);
	{
		int64_t y;
		int mon, day, hh, mi, ss;

		tu_civil(epoch, &y, &mon, &day, &hh, &mi, &ss);
		snprintf(mid, sizeof(mid), "%04" PRId64 "%02d%02d%02d%02d%02d.%s@%s", y, mon, day,
			 hh, mi, ss, qid, domain_of(sender));
	}
	h = str_hash(domain_of(sender));
	if (outbound) {
		snprintf(ip, sizeof(ip), "10.%u.%u.%u", 1 + h % 4, (h >> 8) % 256,
			 1 + (h >> 16) % 254);
		snprintf(host, sizeof(host), "ws%03u.%s", (h >> 4) % 400, INTERNAL);
	} else {
		snprintf(ip, sizeof(ip), "%s.%u", ip_nets[h % 3], 1 + (h >> 8) % 254);
		snprintf(host, sizeof(host), "%s.%s", (h >> 3) % 3 ? "mail" : "mx1",
			 domain_of(sender));
	}
	if (k == K_VIRUS || (k == K_PHISH && below(r, 3) == 0))
		snprintf(attach, sizeof(attach), "%s", PICK(r, bad_attachments));
	else if (k == K_DLP)
		snprintf(attach, sizeof(attach), "%s",
			 folder == F_PCI ? "cards.csv" : "records.xlsx");
	else if (k == K_HAM && below(r, 5) == 0) {
		int two = below(r, 4) == 0;
		const char *a1 = PICK(r, attachments);

		snprintf(attach, sizeof(attach), "%s%s%s", a1, two ? "," : "",
			 two ? PICK(r, attachments) : "");
	}
	if (tu_format_utc(epoch, date, sizeof(date)))
		return -1;
	snprintf(date + strlen(date), sizeof(date) - strlen(date), " [UTC+0000]");
	set(sd, SIM_F_DATE, date);
	set(sd, SIM_F_GUID, guid);
	set(sd, SIM_F_FID, fid);
	set(sd, SIM_F_QID, qid);
	set(sd, SIM_F_SID, sid);
	set(sd, SIM_F_SENDER, sender);
	set(sd, SIM_F_RECIPIENTS, rcpts);
	set(sd, SIM_F_SUBJECT, subject);
	set(sd, SIM_F_SENDER_HOST, host);
	set(sd, SIM_F_SENDER_IP_ADDRESS, ip);
	set(sd, SIM_F_ATTACHMENT_NAMES, attach);
	set(sd, SIM_F_VIRUS_NAMES, k == K_VIRUS ? PICK(r, viruses) : "");
	set(sd, SIM_F_FINAL_ACTION, action_of(k));
	set(sd, SIM_F_FINAL_RULE, final_rules[rule]);
	{
		size_t dot = strcspn(final_rules[rule], ".");
		char module[16];

		snprintf(module, sizeof(module), "%.*s", (int)dot, final_rules[rule]);
		set(sd, SIM_F_MODULE_ID, module);
		set(sd, SIM_F_RULE_ID, final_rules[rule] + dot + 1);
	}
	if (json_object_set(sd->rec, "module_rules", sd->rules[rule]))
		return -1;
	snprintf(num, sizeof(num), "%" PRIu32, score_of(r, k));
	set(sd, SIM_F_SPAM_SCORE, num);
	snprintf(num, sizeof(num), "0.%06" PRIu32, 20000 + below(r, 900000));
	set(sd, SIM_F_DURATION, num);
	{
		uint32_t t = below(r, 10);

		set(sd, SIM_F_TLS, t < 7 ? "TLSv1.3" : t < 9 ? "TLSv1.2" : "");
	}
	set(sd, SIM_F_COUNTRY, outbound ? "**" : PICK(r, countries));
	set(sd, SIM_F_POLICY_ROUTES,
	    outbound		? "internalnet,allow_relay"
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
	set(sd, SIM_F_QUARANTINE_FOLDER, folder >= 0 ? folders[folder].name : "");
	set(sd, SIM_F_CURRENT_FOLDER, folder >= 0 ? folders[folder].name : "");
	set(sd, SIM_F_QUARANTINE_RULE,
	    folder >= 0 ? final_rules[rule] + strcspn(final_rules[rule], ".") + 1 : "");
	{
		char angled[140];

		snprintf(angled, sizeof(angled), "<%s>", mid);
		set(sd, SIM_F_MESSAGE_ID, angled);
	}

	if (folder >= 0) {
		sim_qmsg m = { 0 };
		char hostip[112], score[8], *status;
		int rc;

		if (build_raw(sd, k, epoch, sender, rcpts, subject, mid, ip, attach))
			return -1;
		snprintf(num, sizeof(num), "%zu", sd->raw.len);
		/* Live messages number their dbase_id apart from the seeded ones. */
		snprintf(localguid, sizeof(localguid), "%d:%d:%ld", folder + 1,
			 1 + (int)((epoch / 86400) % 16),
			 sd->live ? LIVE_DBASE + i : ++sd->dbase[folder]);
		snprintf(hostip, sizeof(hostip), "[%s] [%s]", ip, ip);
		snprintf(score, sizeof(score), "%s", json_string_value(sd->val[SIM_F_SPAM_SCORE]));
		m.guid = guid;
		m.localguid = localguid;
		m.folder = folders[folder].name;
		m.from = sender;
		m.rcpts = rcpt;
		m.nrcpts = nrcpt;
		m.subject = subject;
		m.date = epoch;
		m.spamscore = score;
		m.host_ip = hostip;
		m.messageid = mid;
		m.processingserver = below(r, 2) ? "pps1." INTERNAL : "pps2." INTERNAL;
		m.raw = sd->raw.buf;
		m.raw_len = sd->raw.len;
		m.status = status = sim_qstatus_initial(epoch);
		rc = !status	 ? -1
		     : sd->batch ? batch_quarantine(sd->batch, &m)
				 : sim_store_add_quarantine(sd->st, &m);
		free(status);
		if (rc)
			return -1;
	} else {
		uint32_t size = 900 + below(r, 30000);

		if (below(r, 20) == 0)
			size *= 1 + below(r, 200);
		snprintf(num, sizeof(num), "%" PRIu32, size);
	}
	set(sd, SIM_F_MESSAGE_SIZE, num);
	return sd->batch ? batch_record(sd->batch, sd->rec, epoch)
			 : sim_record_add(sd->st, sd->rec, epoch);
}

/* Two batches handed back and forth between the generator and the seeding thread. */
struct pipe {
	struct seeder *sd;
	struct batch b[2];
	int full[2]; /* filled by the generator, not yet stored */
	int failed;  /* the generator could not build a message */
	int stop;    /* the seeding thread gave up */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *generate(void *arg)
{
	struct pipe *p = arg;
	struct seeder *sd = p->sd;
	int cur = 0;

	for (long i = 0; i < sd->n;) {
		struct batch *b = &p->b[cur];

		pthread_mutex_lock(&p->mu);
		while (p->full[cur] && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
		if (p->stop)
			return NULL;
		b->n = 0;
		ppsbuf_reset(&b->arena);
		sd->batch = b;
		for (; i < sd->n && b->n < BATCH_MSGS; i++) {
			/* The slot may hold a message of an earlier round. */
			b->m[b->n].has_q = 0;
			if (add_one(sd, i, i < SEED_DEMO, 0) < 0) {
				pthread_mutex_lock(&p->mu);
				p->failed = 1;
				pthread_cond_broadcast(&p->cv);
				pthread_mutex_unlock(&p->mu);
				return NULL;
			}
		}
		pthread_mutex_lock(&p->mu);
		p->full[cur] = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		cur ^= 1;
	}
	return NULL;
}

/* Adds the seed's n messages through the pipeline; the caller holds the transaction. */
static int add_messages(struct seeder *sd)
{
	struct pipe *p = calloc(1, sizeof(*p));
	pthread_t gen;
	long done = 0;
	int cur = 0, rc = -1;

	if (!p)
		return -1;
	p->sd = sd;
	ppsbuf_init(&p->b[0].arena, 0);
	ppsbuf_init(&p->b[1].arena, 0);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&gen, NULL, generate, p) != 0)
		goto done;
	while (done < sd->n) {
		pthread_mutex_lock(&p->mu);
		while (!p->full[cur] && !p->failed)
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
		if (!p->full[cur])
			break;
		if (batch_store(sd->st, &p->b[cur]) < 0)
			break;
		done += (long)p->b[cur].n;
		pthread_mutex_lock(&p->mu);
		p->full[cur] = 0;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		cur ^= 1;
	}
	rc = done == sd->n ? 0 : -1;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(gen, NULL);
done:
	sd->batch = NULL;
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	ppsbuf_release(&p->b[0].arena);
	ppsbuf_release(&p->b[1].arena);
	free(p);
	return rc;
}

static int add_users(struct seeder *sd)
{
	static const char *const lists[][2] = { { "all@" INTERNAL, "All staff" },
						{ "sales-team@" INTERNAL, "Sales team" },
						{ "it-alerts@" INTERNAL, "IT alerts" } };
	rng *r = &sd->r;

	for (size_t k = 0; k < SEED_USERS + sizeof(lists) / sizeof(lists[0]); k++) {
		int is_list = k >= SEED_USERS;
		const char *email = is_list ? lists[k - SEED_USERS][0] : sd->users[k];
		const char *dept = departments[k % (sizeof(departments) / sizeof(departments[0]))];
		char uid[64], first[32], last[32], created[24], modified[24], signon[24];
		int64_t c = sd->now - (int64_t)(60 + (k * 7) % 600) * 86400;
		json_t *p;
		int rc;

		snprintf(uid, sizeof(uid), "%.*s", (int)strcspn(email, "@"), email);
		if (is_list) {
			snprintf(first, sizeof(first), "%s", lists[k - SEED_USERS][1]);
			last[0] = '\0';
		} else {
			snprintf(first, sizeof(first), "%s", sd->user_first[k]);
			snprintf(last, sizeof(last), "%s", sd->user_last[k]);
			first[0] = (char)(first[0] >= 'a' ? first[0] - 32 : first[0]);
			last[0] = (char)(last[0] >= 'a' ? last[0] - 32 : last[0]);
		}
		if (tu_format_utc(c, created, sizeof(created)) ||
		    tu_format_utc(c + (int64_t)below(r, 50) * 86400, modified, sizeof(modified)) ||
		    tu_format_utc(sd->now - below(r, SEED_WINDOW), signon, sizeof(signon)))
			return -1;
		/* json_pack returns a new reference; "s" copies each string. */
		p = json_pack("{s:s, s:s, s:s, s:s, s:i, s:[], s:{}, s:[], s:[], s:s, s:s, s:s, "
			      "s:s, s:s, s:s}",
			      "email", email, "uid", uid, "firstname", first, "lastname", last,
			      "type", is_list, "alias", "attributes", "safelist", "blocklist",
			      "suborg", "", "creationsource", k % 3 ? "ldap" : "api", "created",
			      created, "lastmodified", modified, "lastpasswordchange", created,
			      "lastsignon", is_list ? "" : signon);
		if (!p)
			return -1;
		if (k == 0)
			rc = json_object_set_new(p, "groups", json_pack("[s]", "staff"));
		else if (is_list)
			rc = json_object_set_new(p, "groups", json_array());
		else
			rc = json_object_set_new(p, "groups", json_pack("[s,s]", "staff", dept));
		if (!rc)
			rc = sim_user_add(sd->st, p);
		json_decref(p);
		if (rc)
			return -1;
	}
	return 0;
}

static void seeder_free(struct seeder *sd)
{
	if (!sd)
		return;
	json_decref(sd->rec);
	for (size_t k = 0; k < NRULES; k++)
		json_decref(sd->rules[k]);
	ppsbuf_release(&sd->raw);
	free(sd);
}

static struct seeder *seeder_new(sim_store *st, long n, int64_t now)
{
	struct seeder *sd = calloc(1, sizeof(*sd));

	if (!sd)
		return NULL;
	sd->st = st;
	sd->now = now;
	sd->n = n;
	sd->r.s = 0x5EED5EED00000000ULL ^ (uint64_t)n;
	ppsbuf_init(&sd->raw, 0);
	build_pools(sd);
	sd->rec = sim_record_new();
	if (!sd->rec)
		goto fail;
	/* Borrowed: the record keeps each value alive, and set() changes it in place. */
	for (size_t f = 0; f < SIM_NFIELDS; f++)
		sd->val[f] = json_object_get(sd->rec, sim_record_fields[f]);
	set(sd, SIM_F_FQIN, "example.com-10000_instance1");
	for (size_t k = 0; k < NRULES; k++) {
		sd->rules[k] = json_pack("[s]", final_rules[k]);
		if (!sd->rules[k])
			goto fail;
	}
	return sd;
fail:
	seeder_free(sd);
	return NULL;
}

int sim_seed(sim_store *st, long n, int64_t now, char *err, size_t errlen)
{
	struct seeder *sd = NULL;
	char have[64], want[32];
	int in_tx = 0, rc = -1;

	if (n < 0) {
		snprintf(err, errlen, "seed: invalid count %ld: expected 0 or more", n);
		return -1;
	}
	snprintf(want, sizeof(want), "%ld", n);
	if (sim_store_get_meta(st, "seed", have, sizeof(have))) {
		snprintf(err, errlen, "seed: cannot read the store");
		return -1;
	}
	if (*have) {
		if (strcmp(have, want) == 0)
			return 0;
		snprintf(err, errlen,
			 "seed: the store was seeded with %s, not %s: use another state directory",
			 have, want);
		return -1;
	}
	sd = seeder_new(st, n, now);
	if (!sd) {
		snprintf(err, errlen, "seed: out of memory");
		return -1;
	}
	if (sim_store_begin_seed(st)) {
		snprintf(err, errlen, "seed: cannot begin a store transaction");
		goto done;
	}
	in_tx = 1;
	for (size_t f = 0; f < NFOLDERS; f++) {
		if (sim_store_put_folder(st, folders[f].name, folders[f].type)) {
			snprintf(err, errlen, "seed: cannot add folder '%s'", folders[f].name);
			goto done;
		}
	}
	if (add_users(sd)) {
		snprintf(err, errlen, "seed: cannot add the end users");
		goto done;
	}
	if (add_messages(sd) < 0) {
		snprintf(err, errlen, "seed: cannot add the messages");
		goto done;
	}
	if (sim_store_set_meta(st, "seed", want) || sim_store_commit(st)) {
		snprintf(err, errlen, "seed: cannot commit the seeded data");
		goto done;
	}
	in_tx = 0;
	rc = 0;
done:
	if (in_tx)
		sim_store_rollback(st);
	seeder_free(sd);
	return rc;
}

struct sim_live {
	struct seeder *sd;
};

sim_live *sim_live_new(sim_store *st, long n, uint64_t seed)
{
	sim_live *lv = calloc(1, sizeof(*lv));

	if (!lv)
		return NULL;
	/* The pools of names and addresses of the seed n, so that the same people get mail. */
	lv->sd = seeder_new(st, n > 0 ? n : 1, 0);
	if (!lv->sd) {
		free(lv);
		return NULL;
	}
	lv->sd->live = 1;
	lv->sd->r.s = seed;
	return lv;
}

void sim_live_free(sim_live *lv)
{
	if (!lv)
		return;
	seeder_free(lv->sd);
	free(lv);
}

int sim_live_folders(sim_store *st)
{
	for (size_t f = 0; f < NFOLDERS; f++)
		if (sim_store_put_folder(st, folders[f].name, folders[f].type))
			return -1;
	return 0;
}

int sim_live_add(sim_live *lv, int64_t epoch, long seq)
{
	lv->sd->now = epoch;
	return add_one(lv->sd, seq, 0, epoch);
}
