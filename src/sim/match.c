/*
 * The emulator's matching rules (spec §2, §3): Smart Search partial addresses, the subject
 * analyzer (stop words, Snowball English stemming) and the quarantine search's matchers.
 * The only user of libstemmer; no store, no I/O.
 */
#include "sim/match.h"

#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "util/buf.h"

#include "util/banned.h"

/* Longer patterns and values never match: keeps the glob's O(n*m) worst case small. */
#define MATCH_MAX 1024

static unsigned char fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/*
 * Case-insensitive (ASCII) glob where '*' matches any run of bytes, including none, and every
 * other byte matches itself. Iterative: on a mismatch it returns to the last '*' and lets it
 * swallow one more byte, so the cost is bounded by plen * slen without recursion.
 */
static int glob(const char *p, size_t plen, const char *s, size_t slen)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;

	if (plen > MATCH_MAX || slen > MATCH_MAX)
		return 0;
	while (si < slen) {
		if (pi < plen && p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < plen && fold((unsigned char)p[pi]) == fold((unsigned char)s[si])) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else {
			return 0;
		}
	}
	while (pi < plen && p[pi] == '*')
		pi++;
	return pi == plen;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Narrows [*s, *s + *len) to drop surrounding blanks and one pair of angle brackets. */
static void trim(const char **s, size_t *len)
{
	while (*len && is_space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_space((*s)[*len - 1]))
		(*len)--;
	if (*len >= 2 && (*s)[0] == '<' && (*s)[*len - 1] == '>') {
		(*s)++;
		*len -= 2;
	}
}

static const char *last_at(const char *s, size_t len)
{
	for (size_t i = len; i > 0; i--)
		if (s[i - 1] == '@')
			return s + i - 1;
	return NULL;
}

/*
 * The Smart Search address rule. With an '@' in the pattern (the last one), the part before it
 * is globbed against the address's local part and the part after it against its domain; an
 * empty side matches anything, but "@" alone (both sides empty) matches nothing. Without an '@',
 * the whole pattern is globbed against the local part, against the domain, and against the
 * whole address, and any hit counts: a bare word must equal one of the three, so "a.b" finds
 * a.b@c.d but not xa.b@c.d, and "c.d" finds a.b@c.d by its domain. An address without '@' is
 * all local part with an empty domain. Everything is case-insensitive (ASCII).
 */
struct sim_addr_pattern {
	int none; /* matches nothing (a lone "@", an empty or too long pattern) */
	int split;
	char *text; /* the trimmed pattern */
	size_t len;
	size_t at; /* index of the '@' when split */
};

sim_addr_pattern *sim_addr_pattern_new(const char *pattern)
{
	sim_addr_pattern *p = calloc(1, sizeof(*p));
	const char *s = pattern ? pattern : "";
	size_t len = strlen(s);
	const char *at;

	if (!p)
		return NULL;
	trim(&s, &len);
	p->text = malloc(len + 1);
	if (!p->text) {
		free(p);
		return NULL;
	}
	memcpy(p->text, s, len);
	p->text[len] = '\0';
	p->len = len;
	at = last_at(p->text, len);
	if (at) {
		p->split = 1;
		p->at = (size_t)(at - p->text);
		if (len == 1)
			p->none = 1;
	}
	if (len == 0 || len > MATCH_MAX)
		p->none = 1;
	return p;
}

void sim_addr_pattern_free(sim_addr_pattern *p)
{
	if (!p)
		return;
	free(p->text);
	free(p);
}

static int addr_match_one(const sim_addr_pattern *p, const char *a, size_t alen)
{
	const char *at = last_at(a, alen);
	const char *local = a, *domain = "";
	size_t llen = alen, dlen = 0;

	if (at) {
		llen = (size_t)(at - a);
		domain = at + 1;
		dlen = alen - llen - 1;
	}
	if (p->split) {
		size_t plocal = p->at, pdomain = p->len - p->at - 1;

		if (plocal && !glob(p->text, plocal, local, llen))
			return 0;
		if (pdomain && !glob(p->text + p->at + 1, pdomain, domain, dlen))
			return 0;
		return 1;
	}
	return glob(p->text, p->len, local, llen) || glob(p->text, p->len, domain, dlen) ||
	       glob(p->text, p->len, a, alen);
}

int sim_addr_match(const sim_addr_pattern *p, const char *address)
{
	const char *s = address;

	if (!p || p->none || !address)
		return 0;
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		const char *item = s;

		trim(&item, &len);
		if (len && addr_match_one(p, item, len))
			return 1;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

/* The seed's 33 stop words (Lucene's English stop set), sorted for bsearch. */
static const char *const stop_words[] = {
	"a",   "an",	"and",	"are",	 "as",	  "at",	  "be",	  "but", "by",	"for",	"if",
	"in",  "into",	"is",	"it",	 "no",	  "not",  "of",	  "on",	 "or",	"such", "that",
	"the", "their", "then", "there", "these", "they", "this", "to",	 "was", "will", "with",
};

static int cmp_word(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static int is_stop_word(const char *w)
{
	return bsearch(w, stop_words, sizeof(stop_words) / sizeof(stop_words[0]),
		       sizeof(stop_words[0]), cmp_word) != NULL;
}

struct sim_analyzer {
	struct sb_stemmer *stemmer;
	ppsbuf word;
};

sim_analyzer *sim_analyzer_new(void)
{
	sim_analyzer *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->stemmer = sb_stemmer_new("english", "UTF_8");
	if (!a->stemmer) {
		free(a);
		return NULL;
	}
	ppsbuf_init(&a->word, MATCH_MAX);
	return a;
}

void sim_analyzer_free(sim_analyzer *a)
{
	if (!a)
		return;
	sb_stemmer_delete(a->stemmer);
	ppsbuf_release(&a->word);
	free(a);
}

/*
 * Byte classes of the tokenizer. ASCII letters and digits are word bytes; other ASCII is a
 * separator except the apostrophe. Non-ASCII UTF-8 sequences belong to words, except Latin-1
 * punctuation (U+00A0..U+00BF, U+00D7, U+00F7) and General Punctuation (U+2000..U+206F), which
 * separate; U+2019 (right single quotation mark) is an apostrophe.
 */
enum { SEP, WORD, APOS };

static int classify(const unsigned char *s, size_t len, size_t *n)
{
	*n = 1;
	if (s[0] < 0x80) {
		if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
		    (s[0] >= '0' && s[0] <= '9'))
			return WORD;
		return s[0] == '\'' ? APOS : SEP;
	}
	if (s[0] == 0xC2 && len >= 2 && s[1] >= 0xA0 && s[1] <= 0xBF) {
		*n = 2;
		return SEP;
	}
	if (s[0] == 0xC3 && len >= 2 && (s[1] == 0x97 || s[1] == 0xB7)) {
		*n = 2;
		return SEP;
	}
	if (s[0] == 0xE2 && len >= 3 && (s[1] == 0x80 || s[1] == 0x81)) {
		*n = 3;
		return (s[1] == 0x80 && s[2] == 0x99) ? APOS : SEP;
	}
	return WORD;
}

/* English clitics dropped after an apostrophe: I'm, party's, we'll, they're, I've, I'd, don't. */
static int is_clitic(const char *s, size_t len)
{
	static const char *const clitics[] = { "s", "m", "d", "t", "ll", "re", "ve" };

	for (size_t i = 0; i < sizeof(clitics) / sizeof(clitics[0]); i++)
		if (strlen(clitics[i]) == len && memcmp(clitics[i], s, len) == 0)
			return 1;
	return 0;
}

/*
 * Appends one lowercased word to w: ASCII A-Z and the Latin-1 capitals U+00C0..U+00DE (but
 * U+00D7) are folded; other bytes are kept. Apostrophes are dropped; the part after the last
 * one is dropped as well when it is an English clitic ("I'm" -> "i", "O'Brien" -> "obrien").
 */
static int lower_word(ppsbuf *w, const unsigned char *s, size_t len)
{
	size_t apos_at = (size_t)-1;

	ppsbuf_reset(w);
	for (size_t i = 0; i < len;) {
		size_t n;
		int cls = classify(s + i, len - i, &n);
		int err = 0;

		if (cls == APOS) {
			apos_at = w->len;
		} else if (s[i] == 0xC3 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9E &&
			   s[i + 1] != 0x97) {
			err = ppsbuf_addch(w, (char)0xC3) ||
			      ppsbuf_addch(w, (char)(s[i + 1] + 0x20));
			n = 2;
		} else {
			err = ppsbuf_addch(w, (char)fold(s[i]));
		}
		if (err)
			return -1;
		i += n;
	}
	if (apos_at != (size_t)-1 && is_clitic(w->buf + apos_at, w->len - apos_at))
		ppsbuf_setlen(w, apos_at);
	return 0;
}

/* Adds one analyzed word to out: stop words dropped, prefix terms kept as they are. */
static int add_term(sim_analyzer *a, ppsbuf *out, int prefix)
{
	const sb_symbol *stem;
	int n;

	if (a->word.len == 0)
		return 0;
	if (prefix)
		return ppsbuf_add(out, a->word.buf, a->word.len) || ppsbuf_adds(out, "* ");
	if (is_stop_word(a->word.buf))
		return 0;
	stem = sb_stemmer_stem(a->stemmer, (const sb_symbol *)a->word.buf, (int)a->word.len);
	if (!stem)
		return -1;
	n = sb_stemmer_length(a->stemmer);
	if (n <= 0)
		return 0;
	return ppsbuf_add(out, stem, (size_t)n) || ppsbuf_addch(out, ' ');
}

char *sim_analyze(sim_analyzer *a, const char *text, int query)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t len = strlen((const char *)s), i = 0;
	ppsbuf out = PPSBUF_INIT;

	if (ppsbuf_addch(&out, ' '))
		goto fail;
	while (i < len) {
		size_t n, start;
		int prefix = 0;

		if (classify(s + i, len - i, &n) == SEP) {
			i += n;
			continue;
		}
		start = i;
		while (i < len && classify(s + i, len - i, &n) != SEP)
			i += n;
		/* A '*' ending a query word makes it a prefix; elsewhere it separates words. */
		if (query && i < len && s[i] == '*' &&
		    (i + 1 == len || classify(s + i + 1, len - i - 1, &n) == SEP)) {
			prefix = 1;
			i++;
		}
		{
			size_t wlen = (prefix ? i - 1 : i) - start;

			/* A word longer than the buffer is cut (at a character boundary): such a
			 * word is no real word, and a query or record with one is still valid. */
			if (wlen > MATCH_MAX) {
				wlen = MATCH_MAX;
				while (wlen && ((unsigned char)s[start + wlen] & 0xC0) == 0x80)
					wlen--;
			}
			if (lower_word(&a->word, s + start, wlen) || add_term(a, &out, prefix))
				goto fail;
		}
	}
	return ppsbuf_detach(&out, NULL);
fail:
	ppsbuf_release(&out);
	return NULL;
}

/* The next space-separated term of s at or after *pos; 0 at the end. */
static int next_term(const char *s, size_t *pos, const char **term, size_t *len)
{
	size_t i = *pos;

	while (s[i] == ' ')
		i++;
	if (!s[i])
		return 0;
	*term = s + i;
	while (s[i] && s[i] != ' ')
		i++;
	*len = (size_t)(s + i - *term);
	*pos = i;
	return 1;
}

static int has_term(const char *subject, const char *q, size_t qlen)
{
	int prefix = qlen > 1 && q[qlen - 1] == '*';
	size_t pos = 0, tlen;
	const char *t;

	if (prefix)
		qlen--;
	while (next_term(subject, &pos, &t, &tlen)) {
		if (prefix ? (tlen >= qlen && memcmp(t, q, qlen) == 0)
			   : (tlen == qlen && memcmp(t, q, qlen) == 0))
			return 1;
	}
	return 0;
}

/*
 * Every query term must be among the subject's terms; a query without terms (only stop words,
 * or empty) matches nothing, as a Lucene query of stop words does.
 */
int sim_subject_match(const char *analyzed_query, const char *analyzed_subject)
{
	size_t pos = 0, qlen;
	const char *q;
	int any = 0;

	if (!analyzed_query || !analyzed_subject)
		return 0;
	while (next_term(analyzed_query, &pos, &q, &qlen)) {
		any = 1;
		if (!has_term(analyzed_subject, q, qlen))
			return 0;
	}
	return any;
}

static const char *skip_at(const char *s, size_t *len)
{
	if (*len && s[0] == '@') {
		(*len)--;
		return s + 1;
	}
	return s;
}

/*
 * Quarantine sender/recipient: with a '*' the pattern is globbed against the whole address
 * ("foo*" starts with, "*foo" ends with, "*foo*" contains). Without one, "@bar.com" matches the
 * addresses of exactly that domain (not its subdomains), "bar.com" (no '@') matches that domain
 * or an equal address, and anything else must equal the address. Case-insensitive.
 */
int sim_qaddr_key(const char *address, char *key, size_t len)
{
	const char *a = address;
	size_t n = strlen(a);

	trim(&a, &n);
	if (n >= len)
		return 0;
	for (size_t i = 0; i < n; i++)
		key[i] = (char)fold((unsigned char)a[i]);
	key[n] = '\0';
	return 1;
}

int sim_qaddr_exact(const char *pattern, char *key, size_t len)
{
	if (strchr(pattern, '*') || !sim_qaddr_key(pattern, key, len) || !key[0] || key[0] == '@' ||
	    !strchr(key, '@'))
		return 0;
	return 1;
}

int sim_qaddr_match(const char *pattern, const char *address)
{
	const char *p = pattern, *a = address, *at;
	size_t plen, alen;

	if (!pattern || !address)
		return 0;
	plen = strlen(p);
	alen = strlen(a);
	trim(&p, &plen);
	trim(&a, &alen);
	if (plen == 0)
		return 0;
	if (memchr(p, '*', plen))
		return glob(p, plen, a, alen);
	if (glob(p, plen, a, alen))
		return 1;
	if (p[0] != '@' && memchr(p, '@', plen))
		return 0;
	at = last_at(a, alen);
	if (!at)
		return 0;
	p = skip_at(p, &plen);
	return plen && glob(p, plen, at + 1, alen - (size_t)(at + 1 - a));
}

static int contains(const char *s, size_t slen, const char *p, size_t plen)
{
	if (plen > MATCH_MAX || slen > MATCH_MAX * 8)
		return 0;
	for (size_t i = 0; i + plen <= slen; i++) {
		size_t k = 0;

		while (k < plen && fold((unsigned char)s[i + k]) == fold((unsigned char)p[k]))
			k++;
		if (k == plen)
			return 1;
	}
	return 0;
}

/* Quarantine subject: "Loan*", "*Loan", "*Loan*" as written; a plain "Loan" means "*Loan*". */
int sim_qsubject_match(const char *pattern, const char *subject)
{
	size_t plen, slen;

	if (!pattern || !subject)
		return 0;
	plen = strlen(pattern);
	slen = strlen(subject);
	if (memchr(pattern, '*', plen))
		return glob(pattern, plen, subject, slen);
	return contains(subject, slen, pattern, plen);
}

static int list_item(const char **s, const char **item, size_t *len)
{
	const char *comma;

	if (!*s)
		return 0;
	comma = strchr(*s, ',');
	*item = *s;
	*len = comma ? (size_t)(comma - *s) : strlen(*s);
	*s = comma ? comma + 1 : NULL;
	trim(item, len);
	return 1;
}

int sim_list_match(const char *patterns, const char *values)
{
	const char *ps = patterns, *p, *v;
	size_t plen, vlen;

	if (!patterns || !values)
		return 0;
	while (list_item(&ps, &p, &plen)) {
		const char *vs = values;

		if (plen == 0)
			continue;
		while (list_item(&vs, &v, &vlen))
			if (vlen && glob(p, plen, v, vlen))
				return 1;
	}
	return 0;
}
