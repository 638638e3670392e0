/*
 * Tests of libpps over a real socket: a scripted HTTP/1.1 server in a thread answers each
 * request with the next canned reply and records what it saw (keep-alive, retries, bodies).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/internal.h"

#define expect_code(c, expr, want)                                               \
	do {                                                                     \
		int rc_ = (expr);                                                \
		if (rc_ != (want))                                               \
			fail_msg("%s: got %d, want %d (%s)", #expr, rc_, (want), \
				 pps_client_last_error(c)->message);             \
	} while (0)

struct reply {
	const char *raw;
	size_t len; /* 0: strlen(raw) */
	int close_after;
};

struct server {
	int lfd;
	int port;
	pthread_t thread;
	const struct reply *script;
	size_t nscript;
	size_t next;
	int requests;
	ppsbuf seen; /* every request verbatim, one after the other */
	pthread_mutex_t mu;
};

struct fixture {
	struct server srv;
	pps_client *c;
	ppsbuf log;
	int log_lines;
};

static size_t content_length(const char *head)
{
	const char *p = head;

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (!strncmp(p, "Content-Length:", 15))
			return (size_t)strtoul(p + 15, NULL, 10);
	}
	return 0;
}

/* Serves one connection until the client closes it or a reply says to close. */
static void serve(struct server *s, int fd)
{
	ppsbuf in = PPSBUF_INIT;
	char chunk[4096];

	for (;;) {
		char *end;
		size_t need;
		ssize_t n;
		const struct reply *r;
		static const struct reply exhausted = {
			"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 9\r\n\r\nexhausted",
			0, 1
		};

		while (!(end = strstr(in.buf, "\r\n\r\n"))) {
			n = recv(fd, chunk, sizeof(chunk), 0);
			if (n <= 0)
				goto done;
			ppsbuf_add(&in, chunk, (size_t)n);
		}
		need = (size_t)(end + 4 - in.buf) + content_length(in.buf);
		while (in.len < need) {
			n = recv(fd, chunk, sizeof(chunk), 0);
			if (n <= 0)
				goto done;
			ppsbuf_add(&in, chunk, (size_t)n);
		}
		pthread_mutex_lock(&s->mu);
		ppsbuf_add(&s->seen, in.buf, need);
		s->requests++;
		r = s->next < s->nscript ? &s->script[s->next++] : &exhausted;
		pthread_mutex_unlock(&s->mu);
		memmove(in.buf, in.buf + need, in.len - need);
		ppsbuf_setlen(&in, in.len - need);
		if (send(fd, r->raw, r->len ? r->len : strlen(r->raw), MSG_NOSIGNAL) < 0 ||
		    r->close_after)
			goto done;
	}
done:
	ppsbuf_release(&in);
	close(fd);
}

static void *server_main(void *arg)
{
	struct server *s = arg;
	int fd;

	while ((fd = accept(s->lfd, NULL, NULL)) >= 0)
		serve(s, fd);
	return NULL;
}

static int listen_loopback(int *port)
{
	struct sockaddr_in a = { 0 };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 8) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static void on_log(void *ctx, const char *line)
{
	struct fixture *f = ctx;

	f->log_lines++;
	ppsbuf_adds(&f->log, line);
	ppsbuf_addch(&f->log, '\n');
}

static void start(struct fixture *f, const struct reply *script, size_t n, int retries)
{
	pps_client_options o = PPS_CLIENT_OPTIONS_INIT;
	char url[64], err[256];

	memset(f, 0, sizeof(*f));
	ppsbuf_init(&f->log, 0);
	ppsbuf_init(&f->srv.seen, 0);
	pthread_mutex_init(&f->srv.mu, NULL);
	f->srv.script = script;
	f->srv.nscript = n;
	f->srv.lfd = listen_loopback(&f->srv.port);
	assert_true(f->srv.lfd >= 0);
	assert_int_equal(pthread_create(&f->srv.thread, NULL, server_main, &f->srv), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", f->srv.port);
	o.url = url;
	o.username = "admin";
	o.password = "admin-pass";
	o.retries = retries ? retries : PPS_RETRIES_NONE;
	o.retry_base_ms = 1;
	o.timeout_ms = 10000;
	o.log = on_log;
	o.log_ctx = f;
	if (pps_client_new(&f->c, &o, err, sizeof(err)) != 0)
		fail_msg("pps_client_new: %s", err);
}

static void stop(struct fixture *f)
{
	/* Closing the client ends the kept-alive connection, then accept() is woken. */
	pps_client_free(f->c);
	shutdown(f->srv.lfd, SHUT_RDWR);
	pthread_join(f->srv.thread, NULL);
	close(f->srv.lfd);
	assert_null(strstr(f->log.buf, "admin-pass"));
	ppsbuf_release(&f->log);
	ppsbuf_release(&f->srv.seen);
	pthread_mutex_destroy(&f->srv.mu);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void expect_seen(struct fixture *f, const char *needle, int times)
{
	int n = count(f->srv.seen.buf, needle);

	if (n != times)
		fail_msg("server saw '%s' %d times, want %d; it saw:\n%s", needle, n, times,
			 f->srv.seen.buf);
}

#define JSON_200(body) \
	"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " #body "\r\n\r\n"

static const char ok_empty[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			       "Content-Length: 2\r\n\r\n{}";
static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
			   "Content-Length: 5\r\n\r\nbusy\n";

static pps_instant at(int64_t epoch)
{
	pps_instant t = { epoch, 0, 1 };

	return t;
}

static void test_transport__one_connection_for_many_calls(void **state)
{
	static const struct reply script[] = { { ok_empty, 0, 0 },
					       { ok_empty, 0, 0 },
					       { ok_empty, 0, 0 } };
	struct fixture f;
	pps_response *r = NULL;

	(void)state;
	start(&f, script, 3, 0);
	for (int i = 0; i < 3; i++) {
		expect_code(f.c, pps_health(&r, f.c), PPS_OK);
		assert_int_equal(r->status, 200);
		assert_true(json_is_object(r->json));
		pps_response_free(r);
	}
	assert_int_equal(pps_client_connections(f.c), 1);
	expect_seen(&f, "GET /rest/v1/pss/health HTTP/1.1\r\n", 3);
	/* admin:admin-pass in Basic auth, never in the URL. */
	expect_seen(&f, "Authorization: Basic YWRtaW46YWRtaW4tcGFzcw==\r\n", 3);
	expect_seen(&f, "Accept: application/json\r\n", 3);
	expect_seen(&f, "User-Agent: pps/" PPS_VERSION "\r\n", 3);
	expect_seen(&f, "Accept-Encoding", 0);
	expect_seen(&f, "Content-Type", 0);
	assert_int_equal(f.log_lines, 3);
	assert_non_null(strstr(f.log.buf, "GET http://127.0.0.1:"));
	assert_non_null(strstr(f.log.buf, "/rest/v1/pss/health -> 200 ("));
	stop(&f);
}

static void test_transport__server_time_from_date(void **state)
{
	static const char dated[] = "HTTP/1.1 200 OK\r\nDate: Sun, 06 Dec 2026 16:33:38 GMT\r\n"
				    "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
	static const struct reply script[] = { { ok_empty, 0, 0 },
					       { dated, 0, 0 },
					       { ok_empty, 0, 0 } };
	struct fixture f;
	pps_response *r = NULL;

	(void)state;
	start(&f, script, 3, 0);
	assert_int_equal(pps_client_server_time(f.c), -1);
	expect_code(f.c, pps_health(&r, f.c), PPS_OK);
	pps_response_free(r);
	assert_int_equal(pps_client_server_time(f.c), -1); /* no Date: none yet */
	expect_code(f.c, pps_health(&r, f.c), PPS_OK);
	pps_response_free(r);
	assert_int_equal(pps_client_server_time(f.c), 1796574818); /* 2026-12-06T16:33:38Z */
	expect_code(f.c, pps_health(&r, f.c), PPS_OK);
	pps_response_free(r);
	assert_int_equal(pps_client_server_time(f.c), 1796574818); /* the last one told */
	stop(&f);
}

static void test_transport__reconnects_when_the_server_closes(void **state)
{
	static const struct reply script[] = { { ok_empty, 0, 1 }, { ok_empty, 0, 0 } };
	struct fixture f;
	pps_response *r = NULL;

	(void)state;
	start(&f, script, 2, 0);
	expect_code(f.c, pps_health(&r, f.c), PPS_OK);
	pps_response_free(r);
	expect_code(f.c, pps_health(&r, f.c), PPS_OK);
	pps_response_free(r);
	assert_int_equal(pps_client_connections(f.c), 2);
	stop(&f);
}

static void test_transport__get_is_retried_on_503(void **state)
{
	static const struct reply script[] = { { busy, 0, 0 },
					       { JSON_200(13) "{\"result\":[]}", 0, 0 } };
	struct fixture f;
	pps_response *r = NULL;
	pps_smartsearch_req req = PPS_SMARTSEARCH_REQ_INIT;

	(void)state;
	start(&f, script, 2, 2);
	req.start = at(1579132800);
	req.subject = "a b+c:d";
	expect_code(f.c, pps_smartsearch(&r, f.c, &req), PPS_OK);
	assert_int_equal(json_array_size(r->records), 0);
	pps_response_free(r);
	assert_int_equal(f.srv.requests, 2);
	expect_seen(&f,
		    "GET /rest/v1/pss/filter?from=2020-01-16T00%3A00%3A00%2B0000&subject=a%20b%"
		    "2Bc%3Ad&count=100 HTTP/1.1\r\n",
		    2);
	assert_int_equal(f.log_lines, 3);
	assert_non_null(strstr(f.log.buf, "-> 503 ("));
	assert_non_null(strstr(f.log.buf, "\nretrying in "));
	assert_non_null(strstr(f.log.buf, " ms (503)\n"));
	stop(&f);
}

static void test_transport__get_gives_up_after_the_retries(void **state)
{
	static const struct reply script[] = {
		{ busy, 0, 0 }, { busy, 0, 0 }, { busy, 0, 0 }, { ok_empty, 0, 0 }
	};
	struct fixture f;
	pps_response *r = NULL;

	(void)state;
	start(&f, script, 4, 2);
	expect_code(f.c, pps_health(&r, f.c), PPS_ESERVER);
	assert_null(r);
	assert_int_equal(f.srv.requests, 3);
	assert_string_equal(pps_client_last_error(f.c)->message,
			    "server answered 503 service unavailable");
	assert_string_equal(pps_client_last_error(f.c)->server_message, "busy");
	assert_int_equal(pps_client_last_error(f.c)->http_status, 503);
	stop(&f);
}

static void test_transport__retry_after_is_followed(void **state)
{
	static const struct reply script[] = {
		{ "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n",
		  0, 0 },
		{ ok_empty, 0, 0 }
	};
	struct fixture f;
	pps_response *r = NULL;

	(void)state;
	start(&f, script, 2, 1);
	expect_code(f.c, pps_health(&r, f.c), PPS_OK);
	pps_response_free(r);
	assert_non_null(strstr(f.log.buf, "retrying in 1000 ms (429)"));
	stop(&f);
}

static void test_transport__post_is_never_retried(void **state)
{
	static const struct reply script[] = {
		{ busy, 0, 0 }, { "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n", 0, 0 }
	};
	struct fixture f;
	pps_response *r = NULL;
	pps_quarantine_action_req req = PPS_QUARANTINE_ACTION_REQ_INIT;

	(void)state;
	start(&f, script, 2, 3);
	req.action = PPS_QA_RELEASE;
	req.folder = "Quarantine";
	req.localguid = "14:14:7";
	req.scan = PPS_FLAG_FALSE;
	expect_code(f.c, pps_quarantine_action(&r, f.c, &req), PPS_ESERVER);
	assert_null(r);
	assert_int_equal(f.srv.requests, 1);
	assert_null(strstr(f.log.buf, "retrying"));
	/* The same request again is the caller's decision; it then succeeds. */
	expect_code(f.c, pps_quarantine_action(&r, f.c, &req), PPS_OK);
	assert_int_equal(r->status, 202);
	assert_string_equal(r->message,
			    "Request sent. Message 14:14:7 will be released momentarily");
	pps_response_free(r);
	expect_seen(&f, "POST /rest/v1/quarantine HTTP/1.1\r\n", 2);
	expect_seen(&f, "Content-Type: application/json\r\n", 2);
	expect_seen(&f,
		    "\r\n\r\n{\"action\":\"release\",\"folder\":\"Quarantine\",\"localguid\":"
		    "\"14:14:7\",\"scan\":\"f\"}",
		    2);
	expect_seen(&f, "Expect:", 0);
	stop(&f);
}

static void test_transport__move_status_and_rejection(void **state)
{
	static const struct reply script[] = {
		{ JSON_200(45) "{\"status\":\"Successfully moved message 1:2:3\"}", 0, 0 },
		{ "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
		  "Content-Length: 30\r\n\r\nInvalid argument: targetfolder",
		  0, 0 },
	};
	struct fixture f;
	pps_response *r = NULL;
	pps_quarantine_action_req req = PPS_QUARANTINE_ACTION_REQ_INIT;

	(void)state;
	start(&f, script, 2, 3);
	req.action = PPS_QA_MOVE;
	req.folder = "Quarantine";
	req.localguid = "1:2:3";
	req.targetfolder = "Spam";
	expect_code(f.c, pps_quarantine_action(&r, f.c, &req), PPS_OK);
	assert_string_equal(r->message, "Successfully moved message 1:2:3");
	pps_response_free(r);
	req.targetfolder = "Nope";
	expect_code(f.c, pps_quarantine_action(&r, f.c, &req), PPS_EREJECTED);
	assert_int_equal(pps_client_last_error(f.c)->http_status, 400);
	assert_string_equal(pps_client_last_error(f.c)->server_message,
			    "Invalid argument: targetfolder");
	assert_string_equal(pps_client_last_error(f.c)->message, "server answered 400 bad request");
	stop(&f);
}

static void test_transport__download_is_byte_exact(void **state)
{
	static const char raw[] = "HTTP/1.1 200 OK\r\nContent-Type: message/rfc822\r\n"
				  "Content-Length: 14\r\n\r\nSubject: x\r\n\0\xff";
	static const struct reply script[] = { { raw, sizeof(raw) - 1, 0 } };
	struct fixture f;
	pps_response *r = NULL;

	(void)state;
	start(&f, script, 1, 0);
	expect_code(f.c, pps_quarantine_download(&r, f.c, "g/x y"), PPS_OK);
	assert_int_equal(r->body_len, 14);
	assert_memory_equal(r->body, "Subject: x\r\n\0\xff", 14);
	assert_string_equal(r->content_type, "message/rfc822");
	assert_null(r->json);
	assert_null(r->records);
	pps_response_free(r);
	expect_seen(&f, "GET /rest/v1/quarantine?guid=g%2Fx%20y HTTP/1.1\r\n", 1);
	stop(&f);
}

static void test_transport__cut_short_body_is_a_bad_response(void **state)
{
	static const struct reply script[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"result\":[", 0, 1 },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"result\":[", 0, 1 },
	};
	struct fixture f;
	pps_response *r = NULL;

	(void)state;
	start(&f, script, 2, 1);
	expect_code(f.c, pps_health(&r, f.c), PPS_EPROTO);
	assert_string_equal(pps_client_last_error(f.c)->message, "response body was cut short");
	assert_int_equal(f.srv.requests, 2);
	stop(&f);
}

/* A GET whose body was cut short is asked again: the connection may simply have dropped. */
static void test_transport__cut_short_get_is_retried(void **state)
{
	static const struct reply script[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"result\":[", 0, 1 },
		{ ok_empty, 0, 0 },
	};
	struct fixture f;
	pps_response *r = NULL;

	(void)state;
	start(&f, script, 2, 3);
	expect_code(f.c, pps_health(&r, f.c), PPS_OK);
	pps_response_free(r);
	assert_int_equal(f.srv.requests, 2);
	stop(&f);
}

static void test_transport__refused_connection(void **state)
{
	struct fixture f;
	pps_response *r = NULL;
	char want[80];
	int port;

	(void)state;
	start(&f, NULL, 0, 2);
	port = f.srv.port;
	/* Aim a second client at a port that was just closed. */
	{
		pps_client_options o = PPS_CLIENT_OPTIONS_INIT;
		pps_client *c = NULL;
		int fd = listen_loopback(&port);
		char url[64];

		close(fd);
		snprintf(url, sizeof(url), "https://127.0.0.1:%d", port);
		o.url = url;
		o.retries = 2;
		o.retry_base_ms = 1;
		o.log = on_log;
		o.log_ctx = &f;
		assert_int_equal(pps_client_new(&c, &o, NULL, 0), 0);
		expect_code(c, pps_health(&r, c), PPS_ENET);
		snprintf(want, sizeof(want), "connection refused by 127.0.0.1 port %d", port);
		assert_string_equal(pps_client_last_error(c)->message, want);
		assert_int_equal(pps_client_last_error(c)->http_status, 0);
		pps_client_free(c);
	}
	assert_int_equal(f.log_lines, 5);
	assert_int_equal(count(f.log.buf, "retrying in "), 2);
	stop(&f);
}

static void test_transport__enduser_round_trip(void **state)
{
	static const struct reply script[] = {
		{ "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 73"
		  "\r\n\r\n{\"status\":404,\"errors\":{\"invalidarguments\":[{\"error\":\"User not "
		  "found\"}]}}",
		  0, 0 },
		{ JSON_200(41) "{\"email\":\"new.user@example.com\",\"uid\":\"\"}", 0, 0 },
		/* The DELETE has no body that could refuse a re-send: it gets a connection of its
		 * own (see set_method() in http.c), so this server closes the first one. */
		{ "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 0, 1 },
		{ "HTTP/1.1 204 No Content\r\n\r\n", 0, 0 },
	};
	struct fixture f;
	pps_response *r = NULL;

	(void)state;
	start(&f, script, 4, 0);
	expect_code(f.c,
		    pps_enduser_get(&r, f.c,
				    &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION,
							.email = "ghost@example.com" }),
		    PPS_ENOTFOUND);
	assert_string_equal(pps_client_last_error(f.c)->server_message, "User not found");
	expect_code(
		f.c,
		pps_enduser_create(&r, f.c,
				   &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION,
						       .email = "new.user@example.com",
						       .fields_json = "{\"firstname\":\"N\"}" }),
		PPS_OK);
	assert_int_equal(json_array_size(r->records), 1);
	assert_ptr_equal(json_array_get(r->records, 0), r->json);
	assert_string_equal(json_string_value(json_object_get(r->json, "email")),
			    "new.user@example.com");
	pps_response_free(r);
	expect_code(f.c,
		    pps_enduser_modify(&r, f.c,
				       &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION,
							   .uid = "new.user",
							   .attributes_json = "{\"k\":\"v\"}" }),
		    PPS_OK);
	assert_int_equal(json_array_size(r->records), 0);
	assert_null(r->json);
	pps_response_free(r);
	expect_code(f.c,
		    pps_enduser_delete(&r, f.c,
				       &(pps_enduser_req){ .version = PPS_ENDUSER_REQ_VERSION,
							   .email = "new.user@example.com" }),
		    PPS_OK);
	assert_int_equal(r->status, 204);
	assert_int_equal(json_array_size(r->records), 0);
	pps_response_free(r);
	expect_seen(&f, "GET /rest/v1/enduser/ghost@example.com HTTP/1.1\r\n", 1);
	expect_seen(&f, "POST /rest/v1/enduser/new.user@example.com HTTP/1.1\r\n", 1);
	expect_seen(&f, "\r\n\r\n{\"firstname\":\"N\"}", 1);
	expect_seen(&f, "PUT /rest/v1/enduser/new.user HTTP/1.1\r\n", 1);
	expect_seen(&f, "\r\n\r\n{\"attributes\":{\"k\":\"v\"}}", 1);
	expect_seen(&f, "DELETE /rest/v1/enduser/new.user@example.com HTTP/1.1\r\n", 1);
	assert_int_equal(pps_client_connections(f.c), 2);
	stop(&f);
}

static void test_transport__quarantine_search_query(void **state)
{
	static const struct reply script[] = {
		{ JSON_200(50) "{\"count\":1,\"records\":[{\"size\":1,\"spamscore\":\"0\"}]}", 0,
		  0 },
	};
	struct fixture f;
	pps_response *r = NULL;
	pps_quarantine_search_req req = PPS_QUARANTINE_SEARCH_REQ_INIT;

	(void)state;
	start(&f, script, 1, 0);
	req.sender = "john@doe.com";
	req.subject = "Loan*";
	req.start = at(1579046400);
	req.end = (pps_instant){ 1579737600, -300, 1 };
	expect_code(f.c, pps_quarantine_search(&r, f.c, &req), PPS_OK);
	assert_int_equal(json_array_size(r->records), 1);
	pps_response_free(r);
	expect_seen(
		&f,
		"GET /rest/v1/quarantine?from=john%40doe.com&subject=Loan%2A"
		"&startdate=2020-01-15%2000%3A00%3A00&enddate=2020-01-23%2000%3A00%3A00"
		"&folder=Quarantine&dlpviolation=details&messagestatus=t&limit=100 HTTP/1.1\r\n",
		1);
	stop(&f);
}

static void test_transport__html_error_page(void **state)
{
	static const struct reply script[] = {
		{ "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: "
		  "58\r\n\r\n"
		  "<html><head><title>502 Bad Gateway</title></head></html>\r\n",
		  0, 0 },
	};
	struct fixture f;
	pps_response *r = NULL;

	(void)state;
	start(&f, script, 1, 0);
	expect_code(f.c, pps_health(&r, f.c), PPS_ESERVER);
	assert_string_equal(pps_client_last_error(f.c)->server_message, "502 Bad Gateway");
	assert_string_equal(pps_client_last_error(f.c)->message, "server answered 502 bad gateway");
	stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transport__one_connection_for_many_calls),
		cmocka_unit_test(test_transport__server_time_from_date),
		cmocka_unit_test(test_transport__reconnects_when_the_server_closes),
		cmocka_unit_test(test_transport__get_is_retried_on_503),
		cmocka_unit_test(test_transport__get_gives_up_after_the_retries),
		cmocka_unit_test(test_transport__retry_after_is_followed),
		cmocka_unit_test(test_transport__post_is_never_retried),
		cmocka_unit_test(test_transport__move_status_and_rejection),
		cmocka_unit_test(test_transport__download_is_byte_exact),
		cmocka_unit_test(test_transport__cut_short_body_is_a_bad_response),
		cmocka_unit_test(test_transport__cut_short_get_is_retried),
		cmocka_unit_test(test_transport__refused_connection),
		cmocka_unit_test(test_transport__enduser_round_trip),
		cmocka_unit_test(test_transport__quarantine_search_query),
		cmocka_unit_test(test_transport__html_error_page),
	};
	int rc;

	if (pps_global_init() != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	pps_global_cleanup();
	return rc;
}
