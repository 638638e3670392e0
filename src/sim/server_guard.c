/*
 * pps-sim's server: what a client may send or hold. The request head checked, body memory
 * counted, slow connections cut by a deadline watcher, throttled answers held back without a
 * thread, new connections refused past the accept rate.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "sim/server_int.h"
#include "sim/text.h"

#include "util/banned.h"

void sim_srv_address_text(const struct sockaddr *sa, char *buf, size_t len)
{
	snprintf(buf, len, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
			  (socklen_t)len);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  buf, (socklen_t)len);
}

/* "%00" (a NUL byte, escaped) in text of n bytes. */
static int has_escaped_nul(const char *s, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++)
		if (s[i] == '%' && s[i + 1] == '0' && s[i + 2] == '0')
			return 1;
	return 0;
}

/* The name (decoded up to 64 bytes, or raw) of the first raw query parameter holding %00. */
static int nul_param(const char *query, char *name, size_t len)
{
	const char *p = query;

	for (;;) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		size_t keylen = eq ? (size_t)(eq - p) : n;

		if (has_escaped_nul(p, n)) {
			char *scrubbed = sim_utf8_scrub(p, keylen < 64 ? keylen : 64);

			snprintf(name, len, "%s", scrubbed ? scrubbed : "?");
			free(scrubbed);
			return 1;
		}
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

static enum MHD_Result sum_header(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	size_t *total = cls;

	(void)kind;
	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/*
 * Checks what libmicrohttpd passes on but a client must not send: an over-long target, NUL in
 * the path or a parameter, a path that is not UTF-8, Content-Length with Transfer-Encoding, a
 * Content-Length that is not a number or too large. Fills resp (and *close_after) and
 * returns 1 when the request is refused.
 */
/* The head's framing: the headers' size, Content-Length (a number within the limit, not with
 * Transfer-Encoding). 1 with resp set when refused (the connection is then closed). */
static int refuse_framing(struct MHD_Connection *conn, sim_response *resp)
{
	const char *cl =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	const char *te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_TRANSFER_ENCODING);
	size_t headers = 0;
	char *end;
	unsigned long long n;

	MHD_get_connection_values(conn, MHD_HEADER_KIND, sum_header, &headers);
	if (headers > MAX_HEADERS) {
		sim_respond_error(resp, 431, "the request headers are larger than %d bytes",
				  MAX_HEADERS);
		return 1;
	}
	if (cl && te) {
		sim_respond_error(resp, 400,
				  "Content-Length and Transfer-Encoding together are refused");
		return 1;
	}
	if (!cl)
		return 0;
	errno = 0;
	n = strtoull(cl, &end, 10);
	if (!*cl || *end || cl[0] == '-' || cl[0] == '+') {
		sim_respond_error(resp, 400, "invalid Content-Length");
		return 1;
	}
	if (errno == ERANGE || n > SIM_MAX_BODY) {
		sim_respond_error(resp, 413, "the request body is larger than %u bytes",
				  SIM_MAX_BODY);
		return 1;
	}
	return 0;
}

/* The target's text: no NUL in the path or a parameter, a path in UTF-8. 1 with resp set when
 * refused. */
static int refuse_text(const char *url, const char *target, sim_response *resp)
{
	const char *q = strchr(target, '?');
	size_t pathlen = q ? (size_t)(q - target) : strlen(target);
	char name[80];

	if (has_escaped_nul(target, pathlen)) {
		sim_respond_error(resp, 400, "invalid path: it holds a NUL byte (%%00)");
		return 1;
	}
	if (!sim_utf8_valid(url, strlen(url))) {
		sim_respond_error(resp, 400, "invalid path: not valid UTF-8");
		return 1;
	}
	if (q && nul_param(q + 1, name, sizeof(name))) {
		sim_respond_error(resp, 400, "Invalid argument: %s: it holds a NUL byte (%%00)",
				  name);
		return 1;
	}
	return 0;
}

int sim_srv_refuse_head(struct MHD_Connection *conn, const char *url, const struct req_state *st,
			sim_response *resp, int *close_after)
{
	const char *target = st->target ? st->target : "";

	*close_after = 0;
	if (strlen(target) > MAX_TARGET) {
		sim_respond_error(resp, 414, "the request target is longer than %d bytes",
				  MAX_TARGET);
		return 1;
	}
	if (refuse_framing(conn, resp)) {
		*close_after = 1;
		return 1;
	}
	return refuse_text(url, target, resp);
}

/* Counts n more body bytes against the total; 0, or -1 when that would pass it. */
static int count_body(sim_server *srv, struct req_state *st, size_t n)
{
	size_t now = atomic_fetch_add(&srv->body_bytes, n);

	if (now + n > BODY_TOTAL) {
		atomic_fetch_sub(&srv->body_bytes, n);
		return -1;
	}
	st->counted += n;
	return 0;
}

void sim_srv_take_body(sim_server *srv, struct req_state *st, const char *data, size_t n)
{
	st->has_body = 1;
	if (st->too_large || st->over_total)
		return;
	if (count_body(srv, st, n) < 0) {
		/* Keep reading (and dropping) the rest so that a 503 can be sent. */
		st->over_total = 1;
		ppsbuf_release(&st->body);
	} else if (ppsbuf_add(&st->body, data, n) < 0) {
		/* Keep reading (and dropping) the rest so that a 413 can be sent. */
		st->too_large = 1;
		ppsbuf_release(&st->body);
	}
}

int sim_srv_refuse_body(const struct req_state *st, sim_response *resp, struct extra_header *hdr)
{
	if (st->too_large) {
		sim_respond_error(resp, 413, "the request body is larger than %u bytes",
				  SIM_MAX_BODY);
		return 1;
	}
	if (st->over_total) {
		hdr->name = MHD_HTTP_HEADER_RETRY_AFTER;
		hdr->value = "1";
		sim_respond_error(resp, 503,
				  "the server holds too many request bodies; retry after 1 second");
		return 1;
	}
	return 0;
}

static void *track_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

void sim_srv_track_busy(sim_server *srv, struct MHD_Connection *conn, int busy)
{
	struct tracked *t = track_of(conn);

	if (!t)
		return;
	pthread_mutex_lock(&srv->track_lock);
	t->busy = busy;
	if (!busy) {
		clock_gettime(CLOCK_MONOTONIC, &t->since);
		t->head_clock = 0;
	}
	pthread_mutex_unlock(&srv->track_lock);
}

/*
 * The head clock: a new connection must bring a complete request head within head_secs, and so
 * must each later request line on a kept-alive connection. start 1: a request line came (the
 * clock of a new connection keeps running from the accept); 0: the head is complete.
 */
void sim_srv_track_head(sim_server *srv, struct MHD_Connection *conn, int start)
{
	struct tracked *t = track_of(conn);

	if (!t)
		return;
	pthread_mutex_lock(&srv->track_lock);
	if (start && !t->head_clock) {
		clock_gettime(CLOCK_MONOTONIC, &t->head_since);
		t->head_clock = 1;
	} else if (!start) {
		t->head_clock = 0;
	}
	pthread_mutex_unlock(&srv->track_lock);
}

static void timespec_add_ms(struct timespec *t, long ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/*
 * Holds an answer back for delay_ms without holding a thread: the connection is suspended and
 * the watcher resumes it; on_request then sends st->pending with its header. 0, or -1 (send it
 * now).
 */
int sim_srv_hold_back(sim_server *srv, struct MHD_Connection *conn, struct req_state *st,
		      sim_response *resp, const struct extra_header *hdr, long delay_ms)
{
	struct sleeper *s = malloc(sizeof(*s));

	if (!s)
		return -1;
	st->pending = *resp;
	st->pending_set = 1;
	st->pending_hdr = *hdr;
	if (hdr->value == hdr->text)
		st->pending_hdr.value = st->pending_hdr.text;
	resp->body = NULL;
	s->conn = conn;
	clock_gettime(CLOCK_MONOTONIC, &s->wake);
	timespec_add_ms(&s->wake, delay_ms);
	pthread_mutex_lock(&srv->track_lock);
	MHD_suspend_connection(conn);
	s->next = srv->sleepers;
	srv->sleepers = s;
	pthread_mutex_unlock(&srv->track_lock);
	return 0;
}

/*
 * Connections come and go: the deadline watcher keeps a list of them. libmicrohttpd calls the
 * "closed" notification before it closes the socket, so the watcher never shuts down a socket
 * number that has been reused.
 */
void sim_srv_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			   enum MHD_ConnectionNotificationCode code)
{
	sim_server *srv = cls;
	struct tracked *t = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		t = calloc(1, sizeof(*t));
		if (!t || !ci) {
			free(t);
			return;
		}
		t->fd = ci->connect_fd;
		clock_gettime(CLOCK_MONOTONIC, &t->since);
		t->head_since = t->since;
		t->head_clock = 1;
		pthread_mutex_lock(&srv->track_lock);
		t->next = srv->tracked;
		if (t->next)
			t->next->prev = t;
		srv->tracked = t;
		pthread_mutex_unlock(&srv->track_lock);
		*socket_context = t;
		return;
	}
	if (!t)
		return;
	pthread_mutex_lock(&srv->track_lock);
	if (t->prev)
		t->prev->next = t->next;
	else
		srv->tracked = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&srv->track_lock);
	free(t);
	*socket_context = NULL;
}

static int later_than(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

/* Whether t has used up its time: the head past head_secs, or head and body past the
 * request deadline. Lock held. */
static int overdue(const sim_server *srv, const struct tracked *t, const struct timespec *now)
{
	struct timespec end = t->since, head_end = t->head_since;

	if (t->busy || t->cut)
		return 0;
	end.tv_sec += srv->deadline_secs;
	head_end.tv_sec += srv->head_secs;
	return (srv->deadline_secs && later_than(now, &end)) ||
	       (srv->head_secs && t->head_clock && later_than(now, &head_end));
}

/*
 * Every 200 ms: shuts down connections whose request head or whole request has taken longer
 * than allowed (a slow client cannot hold a slot by sending a byte now and then), and resumes
 * the connections whose failed-login delay is over.
 */
void *sim_srv_watch(void *arg)
{
	sim_server *srv = arg;
	struct timespec now, until;

	pthread_mutex_lock(&srv->delay_lock);
	while (!srv->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		timespec_add_ms(&until, 200);
		while (!srv->stopping && pthread_cond_timedwait(&srv->delay_cond, &srv->delay_lock,
								&until) != ETIMEDOUT)
			;
		if (srv->stopping)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		pthread_mutex_lock(&srv->track_lock);
		for (struct tracked *t = srv->tracked; t; t = t->next) {
			if (overdue(srv, t, &now)) {
				shutdown(t->fd, SHUT_RDWR);
				t->cut = 1;
			}
		}
		for (struct sleeper **pp = &srv->sleepers; *pp;) {
			struct sleeper *s = *pp;

			if (later_than(&now, &s->wake)) {
				*pp = s->next;
				MHD_resume_connection(s->conn);
				free(s);
			} else {
				pp = &s->next;
			}
		}
		pthread_mutex_unlock(&srv->track_lock);
	}
	pthread_mutex_unlock(&srv->delay_lock);
	return NULL;
}

/* A new connection: refused (closed at once) when its address opens them too fast. */
enum MHD_Result sim_srv_on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	sim_server *srv = cls;
	char text[INET6_ADDRSTRLEN];
	struct timespec now;

	(void)addrlen;
	sim_srv_address_text(addr, text, sizeof(text));
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (sim_guard_accept(srv->guard, text, (double)now.tv_sec + (double)now.tv_nsec / 1e9))
		return MHD_YES;
	return MHD_NO;
}
