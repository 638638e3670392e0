/*
 * The seed's pipeline: a generator thread draws messages into batches (copies in one arena),
 * mail workers build their raw texts, and the seeding thread inserts the previous batch into the
 * store. No message content here: the builders are handed in.
 */
#include "sim/seed_gen.h"
#include "sim/mime.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/banned.h"

/*
 * The pipeline runs on the machine's cores: the generator draws the messages and builds the
 * records' JSON while the seeding thread, which holds the store's transaction, inserts. The
 * RFC 5322 text of a quarantined message (GMime's work, most of the generator's time) is built
 * after its batch is drawn, by mail workers and by whichever of the two threads would wait: each
 * message has its own PRNG seed, so the bytes do not depend on the thread. A batch holds copies:
 * its strings live in one arena and are named by offsets, so that the arena may grow.
 */
#define BATCH_MSGS  512
#define MAX_WORKERS 4
/* The record's Message_Size of a message whose text is not built yet, as json_dumpb writes it
 * (a quote inside a value is escaped, so only the key itself can match). */
#define SIZE_LATER     SIM_SEED_SIZE_LATER
#define SIZE_LATER_KEY "\"Message_Size\":\"" SIZE_LATER "\""

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
/* The strings of a struct sim_mail whose text is built later. */
enum { M_FROM, M_RCPTS, M_SUBJECT, M_MID, M_QID, M_IP, M_HOST, M_ATTACH, M_NSTR };
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
	int later;     /* the raw text is built later, into raw; the record waits for its size */
	uint64_t seed; /* the text's PRNG seed */
	enum kind k;   /* and the rest of its struct sim_mail */
	int outbound;  /* " */
	size_t ml[M_NSTR]; /* " */
	size_t size_at;	   /* where SIZE_LATER is in the record */
};

struct sim_seed_batch {
	struct bmsg m[BATCH_MSGS];
	size_t n;
	ppsbuf arena;
	ppsbuf raw[BATCH_MSGS]; /* the texts built later, by slot */
	size_t job[BATCH_MSGS]; /* the slots whose text is built later */
	size_t njobs, next_job, jobs_done;
};

/* Copies n bytes and a NUL into the arena; the offset into *off. 0 or -1. */
static int arena_put(struct sim_seed_batch *b, const char *s, size_t n, size_t *off)
{
	*off = b->arena.len;
	return ppsbuf_add(&b->arena, s ? s : "", s ? n : 0) < 0 || ppsbuf_addch(&b->arena, '\0') < 0
		       ? -1
		       : 0;
}

static int arena_puts(struct sim_seed_batch *b, const char *s, size_t *off)
{
	return arena_put(b, s, s ? strlen(s) : 0, off);
}

int sim_seed_batch_mail(struct sim_seed_batch *b, uint64_t seed, const struct sim_mail *m)
{
	struct bmsg *e = &b->m[b->n];
	const char *s[M_NSTR];

	s[M_FROM] = m->from;
	s[M_RCPTS] = m->rcpts;
	s[M_SUBJECT] = m->subject;
	s[M_MID] = m->mid;
	s[M_QID] = m->qid;
	s[M_IP] = m->ip;
	s[M_HOST] = m->host;
	s[M_ATTACH] = m->attach;
	for (size_t i = 0; i < M_NSTR; i++)
		if (arena_puts(b, s[i], &e->ml[i]) < 0)
			return -1;
	e->seed = seed;
	e->k = m->k;
	e->outbound = m->outbound;
	e->epoch = m->epoch;
	e->later = 1;
	b->job[b->njobs++] = b->n;
	return 0;
}

/* Builds the text of the batch's job j into its slot with mail. 0 or -1. */
static int batch_job(struct sim_seed_batch *b, size_t j, sim_seeder_mail_fn mail)
{
	struct bmsg *e = &b->m[b->job[j]];
	const char *a = b->arena.buf;
	const struct sim_mail m = { .k = e->k,
				    .outbound = e->outbound,
				    .epoch = e->epoch,
				    .from = a + e->ml[M_FROM],
				    .rcpts = a + e->ml[M_RCPTS],
				    .subject = a + e->ml[M_SUBJECT],
				    .mid = a + e->ml[M_MID],
				    .qid = a + e->ml[M_QID],
				    .ip = a + e->ml[M_IP],
				    .host = a + e->ml[M_HOST],
				    .attach = a + e->ml[M_ATTACH] };
	ppsbuf *raw = &b->raw[b->job[j]];

	if (mail(raw, e->seed, &m) < 0)
		return -1;
	e->raw_len = raw->len;
	return 0;
}

/* The quarantined part of the message being batched. */
int sim_seed_batch_quarantine(struct sim_seed_batch *b, const sim_qmsg *m)
{
	struct bmsg *e = &b->m[b->n];
	const char *s[] = { m->guid,	m->localguid, m->folder,
			    m->from,	m->subject,   m->spamscore,
			    m->host_ip, m->messageid, m->processingserver };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (arena_puts(b, s[i], &e->q[i]) < 0)
			return -1;
	if (arena_put(b, e->later ? NULL : m->raw, m->raw_len, &e->q[Q_RAW]) < 0 ||
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
int sim_seed_batch_record(struct sim_seed_batch *b, const json_t *rec, int64_t epoch)
{
	struct bmsg *e = &b->m[b->n];
	sim_msg_in m;
	char small[16384];
	size_t len = json_dumpb(rec, small, sizeof(small), JSON_COMPACT);
	const char *s[B_NSTR];

	if (len == 0 || len >= sizeof(small))
		return -1;
	small[len] = '\0';
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
	if (e->later) {
		const char *at = strstr(small, SIZE_LATER_KEY);

		if (!at)
			return -1;
		e->size_at = (size_t)(at - small) + strlen(SIZE_LATER_KEY) - 2;
	}
	e->record_len = len;
	e->epoch = epoch;
	b->n++;
	return 0;
}

/* Inserts the quarantined row of a batched message (the caller's transaction). 0 or -1. */
static int store_quarantine(sim_store *st, const char *a, const struct bmsg *e, const char *raw)
{
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
	q.raw = e->later ? raw : a + e->q[Q_RAW];
	q.raw_len = e->raw_len;
	q.status = a + e->q[Q_STATUS];
	return sim_store_add_quarantine(st, &q) < 0 ? -1 : 0;
}

/* The record of e into rec when its size came later, with the size in place. 0 or -1. */
static int record_sized(const char *a, const struct bmsg *e, ppsbuf *rec)
{
	const char *r = a + e->s[B_RECORD];

	ppsbuf_reset(rec);
	return ppsbuf_add(rec, r, e->size_at) < 0 || ppsbuf_addf(rec, "%zu", e->raw_len) < 0 ||
			       ppsbuf_add(rec, r + e->size_at + 1, e->record_len - e->size_at - 1) <
				       0
		       ? -1
		       : 0;
}

/* Inserts a batch into the store (the caller's transaction); rec is room for a record. 0 or -1. */
static int batch_store(sim_store *st, const struct sim_seed_batch *b, ppsbuf *rec)
{
	const char *a = b->arena.buf;

	for (size_t k = 0; k < b->n; k++) {
		const struct bmsg *e = &b->m[k];
		sim_msg_in m = { 0 };

		if (e->has_q && store_quarantine(st, a, e, b->raw[k].buf) < 0)
			return -1;
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
		if (e->later) {
			if (record_sized(a, e, rec) < 0)
				return -1;
			m.record = rec->buf;
			m.record_len = rec->len;
		}
		if (sim_store_put_message(st, &m) < 0)
			return -1;
	}
	return 0;
}

/* The states of a batch: free, drawn (its texts being built), full (ready to store). */
enum { FREE, DRAWN, FULL };

/* Two batches handed back and forth between the generator, the mail workers and the seeding
 * thread. */
struct pipe {
	struct seeder *sd;
	struct sim_seed_batch b[2];
	int state[2];
	int failed;		 /* a message could not be built */
	int stop;		 /* the seeding thread is done or gave up */
	sim_seeder_add_fn add;	 /* draws one message into sd->batch */
	sim_seeder_mail_fn mail; /* builds the text of one */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/*
 * With the lock held: builds the text of one message of a drawn batch, if any is left (the
 * lock is let go meanwhile); 1 when it did, else 0.
 */
static int help(struct pipe *p)
{
	for (int c = 0; c < 2; c++) {
		struct sim_seed_batch *b = &p->b[c];
		size_t j;
		int rc;

		if (p->state[c] != DRAWN || b->next_job >= b->njobs)
			continue;
		j = b->next_job++;
		pthread_mutex_unlock(&p->mu);
		rc = batch_job(b, j, p->mail);
		pthread_mutex_lock(&p->mu);
		if (rc < 0)
			p->failed = 1;
		else if (++b->jobs_done == b->njobs)
			p->state[c] = FULL;
		pthread_cond_broadcast(&p->cv);
		return 1;
	}
	return 0;
}

/* A mail worker: builds texts until the seeding is over. */
static void *mail_worker(void *arg)
{
	struct pipe *p = arg;

	pthread_mutex_lock(&p->mu);
	while (!p->stop && !p->failed)
		if (!help(p))
			pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* The generator's failure: said to the others. */
static void *gen_failed(struct pipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->failed = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void *generate(void *arg)
{
	struct pipe *p = arg;
	struct seeder *sd = p->sd;
	int cur = 0;

	for (long i = 0; i < sd->n;) {
		struct sim_seed_batch *b = &p->b[cur];

		int over;

		pthread_mutex_lock(&p->mu);
		while (p->state[cur] != FREE && !p->stop && !p->failed)
			if (!help(p))
				pthread_cond_wait(&p->cv, &p->mu);
		over = p->stop || p->failed;
		pthread_mutex_unlock(&p->mu);
		if (over)
			return NULL;
		b->n = b->njobs = b->next_job = b->jobs_done = 0;
		ppsbuf_reset(&b->arena);
		sd->batch = b;
		for (; i < sd->n && b->n < BATCH_MSGS; i++) {
			/* The slot may hold a message of an earlier round. */
			b->m[b->n].has_q = 0;
			b->m[b->n].later = 0;
			if (p->add(sd, i, i < SEED_DEMO, 0) < 0)
				return gen_failed(p);
		}
		pthread_mutex_lock(&p->mu);
		p->state[cur] = b->njobs ? DRAWN : FULL;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		cur ^= 1;
	}
	return NULL;
}

/* How many mail workers: the cores but one, from one to MAX_WORKERS. */
static int workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN) - 1;

	return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (int)n;
}

/* The seeding thread's side: stores the batches as they fill (helping build their texts
 * meanwhile); how many messages it stored. */
static long store_all(struct pipe *p, ppsbuf *rec)
{
	long done = 0;
	int cur = 0;

	while (done < p->sd->n) {
		int full;

		pthread_mutex_lock(&p->mu);
		while (p->state[cur] != FULL && !p->failed)
			if (!help(p))
				pthread_cond_wait(&p->cv, &p->mu);
		full = p->state[cur] == FULL;
		pthread_mutex_unlock(&p->mu);
		if (!full || batch_store(p->sd->st, &p->b[cur], rec) < 0)
			break;
		done += (long)p->b[cur].n;
		pthread_mutex_lock(&p->mu);
		p->state[cur] = FREE;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
		cur ^= 1;
	}
	return done;
}

static void pipe_free(struct pipe *p)
{
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	for (int c = 0; c < 2; c++) {
		ppsbuf_release(&p->b[c].arena);
		for (size_t k = 0; k < BATCH_MSGS; k++)
			ppsbuf_release(&p->b[c].raw[k]);
	}
	free(p);
}

int sim_seeder_run(struct seeder *sd, sim_seeder_add_fn add, sim_seeder_mail_fn mail)
{
	struct pipe *p = calloc(1, sizeof(*p));
	pthread_t gen, wk[MAX_WORKERS];
	ppsbuf rec;
	int nwk = 0, rc = -1;

	if (!p)
		return -1;
	p->sd = sd;
	p->add = add;
	p->mail = mail;
	for (int c = 0; c < 2; c++) {
		ppsbuf_init(&p->b[c].arena, 0);
		for (size_t k = 0; k < BATCH_MSGS; k++)
			ppsbuf_init(&p->b[c].raw[k], 0);
	}
	ppsbuf_init(&rec, 0);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&gen, NULL, generate, p) != 0)
		goto done;
	for (int want = workers(); nwk < want; nwk++)
		if (pthread_create(&wk[nwk], NULL, mail_worker, p) != 0)
			break;
	rc = store_all(p, &rec) == sd->n ? 0 : -1;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(gen, NULL);
	while (nwk > 0)
		pthread_join(wk[--nwk], NULL);
done:
	sd->batch = NULL;
	ppsbuf_release(&rec);
	pipe_free(p);
	return rc;
}
