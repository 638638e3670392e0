/*
 * The seed's pipeline: a generator thread builds messages into batches (copies in one arena)
 * while the seeding thread inserts the previous batch into the store. No message content here.
 */
#include "sim/seed_gen.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

/*
 * The pipeline runs on the machine's two cores: the generator builds the records' JSON and the
 * RFC 5322 bodies while the seeding thread, which holds the store's transaction, inserts. A
 * batch holds copies: its strings live in one arena and are named by offsets, so that the arena
 * may grow.
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

struct sim_seed_batch {
	struct bmsg m[BATCH_MSGS];
	size_t n;
	ppsbuf arena;
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
int sim_seed_batch_record(struct sim_seed_batch *b, const json_t *rec, int64_t epoch)
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

/* Inserts the quarantined row of a batched message (the caller's transaction). 0 or -1. */
static int store_quarantine(sim_store *st, const char *a, const struct bmsg *e)
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
	q.raw = a + e->q[Q_RAW];
	q.raw_len = e->raw_len;
	q.status = a + e->q[Q_STATUS];
	return sim_store_add_quarantine(st, &q) < 0 ? -1 : 0;
}

/* Inserts a batch into the store (the caller's transaction). 0 or -1. */
static int batch_store(sim_store *st, const struct sim_seed_batch *b)
{
	const char *a = b->arena.buf;

	for (size_t k = 0; k < b->n; k++) {
		const struct bmsg *e = &b->m[k];
		sim_msg_in m = { 0 };

		if (e->has_q && store_quarantine(st, a, e) < 0)
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
		if (sim_store_put_message(st, &m) < 0)
			return -1;
	}
	return 0;
}

/* Two batches handed back and forth between the generator and the seeding thread. */
struct pipe {
	struct seeder *sd;
	struct sim_seed_batch b[2];
	int full[2];	       /* filled by the generator, not yet stored */
	int failed;	       /* the generator could not build a message */
	int stop;	       /* the seeding thread gave up */
	sim_seeder_add_fn add; /* builds one message into sd->batch */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *generate(void *arg)
{
	struct pipe *p = arg;
	struct seeder *sd = p->sd;
	int cur = 0;

	for (long i = 0; i < sd->n;) {
		struct sim_seed_batch *b = &p->b[cur];

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
			if (p->add(sd, i, i < SEED_DEMO, 0) < 0) {
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

int sim_seeder_run(struct seeder *sd, sim_seeder_add_fn add)
{
	struct pipe *p = calloc(1, sizeof(*p));
	pthread_t gen;
	long done = 0;
	int cur = 0, rc = -1;

	if (!p)
		return -1;
	p->sd = sd;
	p->add = add;
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
