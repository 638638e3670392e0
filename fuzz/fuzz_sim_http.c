/*
 * Fuzzes pps-sim's HTTP front: raw request bytes (request line, query string, Basic-auth
 * header, body) sent over loopback to the real server, started once in-process without TLS on
 * a store loaded with the test fixture. Each input is one connection.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "sim/fixture.h"
#include "sim/server.h"
#include "sim/sim.h"
#include "sim/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sim_ctx ctx;
static sim_server *srv;
static unsigned port;

static void setup(void)
{
	char dir[] = "/tmp/pps-fuzz-http.XXXXXX";
	char path[512], err[512];
	const char *fixtures = getenv("PPS_FIXTURES");
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sim_server_config cfg = { .listen_fd = -1 };

	if (!mkdtemp(dir) || sim_store_open(&ctx.store, dir, err, sizeof(err)) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/basic.json", fixtures ? fixtures : "tests/fixtures");
	if (sim_fixture_load(ctx.store, path, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_sim_http: %s\n", err);
		abort();
	}
	ctx.max_count = 1000;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cfg.addr = (struct sockaddr *)&sa;
	cfg.threads = 1;
	cfg.timeout_secs = 1;
	cfg.ctx = &ctx;
	if (sim_server_start(&srv, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_sim_http: %s\n", err);
		abort();
	}
	port = sim_server_port(srv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timeval tv = { .tv_usec = 200000 };
	char buf[65536];
	int fd;

	if (size > 256 * 1024)
		return 0;
	if (!srv)
		setup();
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		size_t off = 0;
		while (off < size) {
			ssize_t n = send(fd, data + off, size - off, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		shutdown(fd, SHUT_WR);
		/* An incomplete request gets no answer until the server's idle timeout, and a
		 * complete one may keep the connection open after its answer: wait briefly. */
		if (recv(fd, buf, sizeof(buf), 0) > 0) {
			tv = (struct timeval){ .tv_usec = 20000 };
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
			while (recv(fd, buf, sizeof(buf), 0) > 0)
				;
		}
	}
	close(fd);
	return 0;
}
