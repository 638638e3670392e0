/*
 * pps_quarantine_inspect over a real socket: a one-connection HTTP server in a thread answers
 * GET /quarantine?guid= with a message; the inspection streams it, stops the download at
 * max_message (named in a warning) and passes the server's 404 on.
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

#include "inspect_helpers.h"
#include "pps/pps.h"
#include "util/buf.h"

struct server {
	int lfd, port;
	pthread_t thread;
	const char *status; /* "200 OK" */
	const char *body;
	size_t len;
	size_t sent; /* body bytes the client took */
	char request[512];
};

static void *serve(void *arg)
{
	struct server *s = arg;
	char head[256], in[4096];
	size_t got = 0, off = 0;
	int fd = accept(s->lfd, NULL, NULL);
	int n;

	if (fd < 0)
		return NULL;
	while (got < sizeof(in) - 1 && !strstr(in, "\r\n\r\n")) {
		ssize_t r = recv(fd, in + got, sizeof(in) - 1 - got, 0);

		if (r <= 0)
			break;
		got += (size_t)r;
		in[got] = '\0';
	}
	snprintf(s->request, sizeof(s->request), "%.*s", (int)strcspn(in, "\r"), in);
	n = snprintf(head, sizeof(head),
		     "HTTP/1.1 %s\r\nContent-Type: message/rfc822\r\nContent-Length: %zu\r\n"
		     "Connection: close\r\n\r\n",
		     s->status, s->len);
	if (send(fd, head, (size_t)n, MSG_NOSIGNAL) == n) {
		while (off < s->len) {
			size_t chunk = s->len - off < 16384 ? s->len - off : 16384;
			ssize_t w = send(fd, s->body + off, chunk, MSG_NOSIGNAL);

			if (w <= 0)
				break;
			off += (size_t)w;
		}
	}
	s->sent = off;
	close(fd);
	return NULL;
}

static pps_client *start(struct server *s, const char *status, const char *body, size_t len)
{
	struct sockaddr_in a = { 0 };
	socklen_t alen = sizeof(a);
	pps_client_options o = PPS_CLIENT_OPTIONS_INIT;
	pps_client *c = NULL;
	char url[64], err[256];

	memset(s, 0, sizeof(*s));
	s->status = status;
	s->body = body;
	s->len = len;
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->lfd, 1), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &alen), 0);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", s->port);
	o.url = url;
	o.username = "admin";
	o.password = "admin-pass";
	o.retries = PPS_RETRIES_NONE;
	o.timeout_ms = 10000;
	if (pps_client_new(&c, &o, err, sizeof(err)) != 0)
		fail_msg("pps_client_new: %s", err);
	return c;
}

static void stop(struct server *s, pps_client *c)
{
	pps_client_free(c);
	pthread_join(s->thread, NULL);
	close(s->lfd);
}

static void test_inspect_quarantine__streamed_like_the_buffer(void **state)
{
	size_t len = 0;
	char *msg = ti_fixture("phish.eml", &len);
	struct server s;
	pps_client *c;
	json_t *r = NULL, *want = NULL;

	(void)state;
	assert_non_null(msg);
	c = start(&s, "200 OK", msg, len);
	if (pps_quarantine_inspect(&r, c, "g/1", NULL) != PPS_OK)
		fail_msg("%s", pps_client_last_error(c)->message);
	stop(&s, c);
	assert_string_equal(s.request, "GET /rest/v1/quarantine?guid=g%2F1 HTTP/1.1");
	assert_string_equal(ti_str(r, "source", "guid", NULL), "g/1");
	assert_int_equal(pps_inspect_buffer(&want, msg, len, NULL), PPS_OK);
	json_object_del(json_object_get(r, "source"), "guid");
	assert_true(json_equal(r, want));
	json_decref(r);
	json_decref(want);
	free(msg);
}

static void test_inspect_quarantine__bounded_by_max_message(void **state)
{
	const size_t big = (size_t)8 << 20;
	char *msg = malloc(big);
	pps_inspect_options o = PPS_INSPECT_OPTIONS_INIT;
	struct server s;
	pps_client *c;
	json_t *r = NULL;
	json_int_t size;
	static const char head[] = "Subject: big\r\nContent-Type: text/plain\r\n\r\n";

	(void)state;
	assert_non_null(msg);
	memset(msg, 'a', big);
	memcpy(msg, head, sizeof(head) - 1);
	o.max_message = 65536;
	c = start(&s, "200 OK", msg, big);
	if (pps_quarantine_inspect(&r, c, "g2", &o) != PPS_OK)
		fail_msg("%s", pps_client_last_error(c)->message);
	stop(&s, c);
	assert_non_null(ti_find(json_object_get(r, "warnings"), "code", "size_limit"));
	assert_string_equal(ti_str(r, "headers", "subject", "value", NULL), "big");
	/* The download stopped soon after the bound: most of the 8 MiB never came. */
	size = json_integer_value(json_object_get(json_object_get(r, "source"), "size"));
	assert_true(size > 65536);
	assert_true(size < (json_int_t)(4 << 20));
	assert_true(s.sent < big);
	json_decref(r);
	free(msg);
}

static void test_inspect_quarantine__not_found_and_usage(void **state)
{
	pps_inspect_options o = PPS_INSPECT_OPTIONS_INIT;
	struct server s;
	pps_client *c;
	json_t *r = NULL;

	(void)state;
	c = start(&s, "404 Not Found", "{}", 2);
	assert_int_equal(pps_quarantine_inspect(&r, c, "nope", NULL), PPS_ENOTFOUND);
	assert_null(r);
	o.version = 42;
	assert_int_equal(pps_quarantine_inspect(&r, c, "nope", &o), PPS_EUSAGE);
	assert_int_equal(pps_quarantine_inspect(&r, c, "", NULL), PPS_EUSAGE);
	stop(&s, c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inspect_quarantine__streamed_like_the_buffer),
		cmocka_unit_test(test_inspect_quarantine__bounded_by_max_message),
		cmocka_unit_test(test_inspect_quarantine__not_found_and_usage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
