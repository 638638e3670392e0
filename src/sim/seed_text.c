/*
 * The text of a seeded message: identifiers shaped like PPS's and led by its time, and the
 * RFC 5322 body of a quarantined one. Draws only from the PRNG it is given; no store here.
 */
#include "sim/seed_gen.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/timeutil.h"

#include "util/banned.h"

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
void sim_seed_ids(rng *r, int64_t epoch, long seq, char guid[33], char fid[33], char qid[16],
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

/* "Tue, 19 May 2020 14:20:00 +0000" */
static void rfc5322_date(int64_t epoch, char *out, size_t len)
{
	int64_t y, d = epoch / 86400;
	int mon, day, h, mi, s;

	tu_civil(epoch, &y, &mon, &day, &h, &mi, &s);
	snprintf(out, len, "%s, %02d %s %04" PRId64 " %02d:%02d:%02d +0000",
		 sim_seed_words.days.w[((d % 7) + 11) % 7], day, sim_seed_words.months.w[mon - 1],
		 y, h, mi, s);
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

/* CRLF line ends. */
int sim_seed_raw(ppsbuf *b, enum kind k, int64_t epoch, const char *from, const char *rcpts,
		 const char *subject, const char *mid, const char *ip, const char *attach)
{
	char date[48];
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
