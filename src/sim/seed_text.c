/*
 * The identifiers of a seeded message, shaped like PPS's and led by its time (its raw text is
 * mime.c's). Draws only from the PRNG it is given; no store here.
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
