/*
 * pps-sim: an emulator of the PPS REST API. Flags, start-up, signals, shutdown.
 * It must not serve or store anything itself: server.c, store.c and the loaders do.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/faults.h"
#include "sim/options.h"
#include "sim/fixture.h"
#include "sim/clock.h"
#include "sim/flow.h"
#include "sim/reqlog.h"
#include "sim/seed.h"
#include "sim/server.h"
#include "sim/sim.h"
#include "sim/store.h"
#include "sim/tls.h"

#include "util/banned.h"

#define NAMES_LEN 65536
/* File descriptors beside the connections: store, WAL, listening socket, log... */
#define SPARE_FDS 64

/* The address to bind and the host part of the URL clients use. */
struct listen_addr {
	struct sockaddr_storage ss;
	char host[INET6_ADDRSTRLEN + 2]; /* the host in the URL, IPv6 in brackets */
	char name[256];			 /* the host as given */
};

static int parse_listen(const char *s, struct listen_addr *out)
{
	const char *portstr, *hoststart = s;
	size_t hostlen;
	char ip[INET6_ADDRSTRLEN];
	long port;
	struct addrinfo hints = { 0 }, *res = NULL;
	int grc;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':') {
			sim_complain("invalid --listen '%s': expected ADDR:PORT or [IPv6]:PORT", s);
			return -1;
		}
		hoststart = s + 1;
		hostlen = (size_t)(close - hoststart);
		portstr = close + 2;
	} else {
		const char *colon = strrchr(s, ':');

		if (!colon || strchr(s, ':') != colon) {
			sim_complain("invalid --listen '%s': expected ADDR:PORT or [IPv6]:PORT", s);
			return -1;
		}
		hostlen = (size_t)(colon - s);
		portstr = colon + 1;
	}
	if (!hostlen || hostlen >= sizeof(out->name)) {
		sim_complain("invalid --listen '%s': expected ADDR:PORT or [IPv6]:PORT", s);
		return -1;
	}
	{
		char *end;

		errno = 0;
		port = strtol(portstr, &end, 10);
		if (!*portstr || *end || errno || port < 0 || port > 65535) {
			sim_complain(
				"invalid --listen port '%s': expected a number from 0 to 65535",
				portstr);
			return -1;
		}
	}
	memcpy(out->name, hoststart, hostlen);
	out->name[hostlen] = '\0';
	hints.ai_socktype = SOCK_STREAM;
	grc = getaddrinfo(out->name, NULL, &hints, &res);
	if (grc != 0 || !res) {
		sim_complain("invalid --listen '%s': cannot resolve '%s': %s", s, out->name,
			     gai_strerror(grc));
		if (res)
			freeaddrinfo(res);
		return -1;
	}
	memset(&out->ss, 0, sizeof(out->ss));
	memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (out->ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&out->ss;

		in->sin_port = htons((unsigned short)port);
		if (in->sin_addr.s_addr == htonl(INADDR_ANY))
			snprintf(out->host, sizeof(out->host), "127.0.0.1");
		else
			snprintf(out->host, sizeof(out->host), "%s",
				 inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip)));
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&out->ss;

		in6->sin6_port = htons((unsigned short)port);
		if (memcmp(&in6->sin6_addr, &in6addr_any, sizeof(in6addr_any)) == 0)
			snprintf(out->host, sizeof(out->host), "[::1]");
		else
			snprintf(out->host, sizeof(out->host), "[%s]",
				 inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip)));
	}
	return 0;
}

/* Makes path absolute (relative to the working directory) without resolving links. */
/*
 * Binds and listens on the address before anything slow (seeding) happens, so that a port in
 * use is said at once. Returns the socket, or -1 after a complaint.
 */
static int listen_early(const struct listen_addr *la, const char *given)
{
	const struct sockaddr *sa = (const struct sockaddr *)&la->ss;
	socklen_t len = sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						  : sizeof(struct sockaddr_in);
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, err;

	if (fd < 0) {
		sim_complain("cannot listen on %s: %s", given, strerror(errno));
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, sa, len) == 0 && listen(fd, SOMAXCONN) == 0)
		return fd;
	err = errno;
	close(fd);
	if (err == EADDRINUSE)
		sim_complain(
			"cannot listen on %s: the port is in use (another pps-sim?); pick another "
			"port, or --listen %s:0 for a free one",
			given, la->host);
	else
		sim_complain("cannot listen on %s: %s", given, strerror(err));
	return -1;
}

static int absolute(const char *path, char *out, size_t len)
{
	char cwd[PATH_MAX];
	size_t n;

	if (path[0] == '/') {
		if (snprintf(out, len, "%s", path) >= (int)len)
			return -1;
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return -1;
		if (snprintf(out, len, "%s/%s", cwd, path) >= (int)len)
			return -1;
	}
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	return 0;
}

/* mkdir -p with mode 0700 for what it creates. */
static int make_dirs(char *path)
{
	struct stat sb;

	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			*p = saved;
			return -1;
		}
		*p = saved;
		if (!saved)
			break;
	}
	if (stat(path, &sb) < 0)
		return -1;
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static int default_state_dir(char *out, size_t len)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(out, len, "%s/pps-sim", xdg);
	else if (home && *home)
		n = snprintf(out, len, "%s/.local/state/pps-sim", home);
	else
		return -1;
	return n < (int)len ? 0 : -1;
}

/*
 * Takes the state directory for this process: a second pps-sim on it would write the same
 * store and answer from a stale address dictionary. The lock goes with the process (also on
 * kill -9). Returns the lock's descriptor, or -1 after complaining.
 */
static int lock_state_dir(const char *dir)
{
	char path[PATH_MAX], pid[32] = "";
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "%s/lock", dir) >= (int)sizeof(path)) {
		sim_complain("state directory path too long: '%s'", dir);
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		sim_complain("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		n = read(fd, pid, sizeof(pid) - 1);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		if (e != EWOULDBLOCK)
			sim_complain("cannot lock '%s': %s", path, strerror(e));
		else
			sim_complain(
				"the state directory '%s' is in use by another pps-sim%s%s%s: give "
				"another --state-dir",
				dir, pid[0] ? " (pid " : "", pid, pid[0] ? ")" : "");
		close(fd);
		return -1;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, pid, (size_t)n) != n) {
		sim_complain("cannot write '%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Raises the descriptor limit to what the connections need; lowers the connection limit when
 * the hard limit does not allow for them. Returns the connections to serve.
 */
static long fit_fd_limit(long conns)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)conns + SPARE_FDS;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return conns;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 && getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return conns;
	if (rl.rlim_cur >= want)
		return conns;
	sim_complain("only %llu file descriptors allowed: serving at most %llu connections",
		     (unsigned long long)rl.rlim_cur,
		     (unsigned long long)(rl.rlim_cur > 2 * SPARE_FDS ? rl.rlim_cur - SPARE_FDS
								      : 16));
	return rl.rlim_cur > 2 * SPARE_FDS ? (long)(rl.rlim_cur - SPARE_FDS) : 16;
}

static int add_accounts(sim_store *st, const sim_options *o)
{
	for (size_t i = 0; i < o->naccounts; i++) {
		const struct sim_account_arg *a = &o->accounts[i];
		char *pw = strndup(a->password, a->password_len);
		int rc;

		if (!pw) {
			sim_complain("out of memory");
			return -1;
		}
		rc = sim_store_put_account(st, a->name, pw, a->modules);
		free(pw);
		if (rc < 0) {
			sim_complain("cannot store the account '%s'", a->name);
			return -1;
		}
	}
	return 0;
}

/* What one run holds; released by run_release(). */
struct run {
	sim_options o;
	struct listen_addr la;
	sim_fault_spec faults;
	char dir[PATH_MAX];
	int lock_fd;
	int listen_fd;
	sim_store *store;
	char *names; /* the accounts, comma-separated */
	sim_tls tls;
	sim_ctx ctx;
	sim_server *srv;
	sim_flow *flow;
};

/* Flags, the listen address, the faults and the state directory's name. 0 or an exit status. */
static int read_settings(struct run *r, int argc, char **argv)
{
	char path[PATH_MAX], err[1024] = "";
	int rc;

	sim_options_init(&r->o);
	rc = sim_options_parse(&r->o, argc, argv);
	if (rc != 0)
		return rc > 0 ? -1 : SIM_EXIT_USAGE;
	sim_clock_set_offset(r->o.clock_offset);
	if (parse_listen(r->o.listen, &r->la) < 0)
		return SIM_EXIT_USAGE;
	if (sim_fault_spec_parse(&r->faults, r->o.faults ? r->o.faults : "", err, sizeof(err)) <
	    0) {
		sim_complain("%s", err);
		return SIM_EXIT_USAGE;
	}
	if (r->o.state_dir ? absolute(r->o.state_dir, r->dir, sizeof(r->dir)) < 0
			   : default_state_dir(path, sizeof(path)) < 0 ||
				     absolute(path, r->dir, sizeof(r->dir)) < 0) {
		sim_complain("cannot name the state directory: give --state-dir DIR");
		return SIM_EXIT_USAGE;
	}
	return 0;
}

/* The state directory, its lock, the store, accounts, fixture and seed. 0 or an exit status. */
static int open_state(struct run *r)
{
	char err[1024] = "";

	if (make_dirs(r->dir) < 0) {
		sim_complain("cannot create the state directory '%s': %s", r->dir, strerror(errno));
		return 1;
	}
	r->lock_fd = lock_state_dir(r->dir);
	if (r->lock_fd < 0)
		return 1;
	if (sim_store_open(&r->store, r->dir, err, sizeof(err)) < 0) {
		sim_complain("%s", err);
		return 1;
	}
	if (add_accounts(r->store, &r->o) < 0)
		return 1;
	if (r->o.fixture && sim_fixture_load(r->store, r->o.fixture, err, sizeof(err)) < 0) {
		sim_complain("%s", err);
		return SIM_EXIT_USAGE;
	}
	if (r->o.seed > 0 &&
	    sim_seed(r->store, r->o.seed, (int64_t)time(NULL), err, sizeof(err)) < 0) {
		sim_complain("%s", err);
		return 1;
	}
	r->names = malloc(NAMES_LEN);
	if (!r->names || sim_store_account_names(r->store, r->names, NAMES_LEN) < 0) {
		sim_complain("cannot read the accounts from the store");
		return 1;
	}
	if (!r->names[0]) {
		sim_complain("no accounts: give --account NAME:PASSWORD");
		return SIM_EXIT_USAGE;
	}
	return 0;
}

/* The certificate: the user's, or one generated and kept in the state directory. */
static int prepare_tls(struct run *r)
{
	char path[PATH_MAX], err[1024] = "";

	if (r->o.no_tls)
		return 0;
	if (r->o.cert) {
		if (absolute(r->o.cert, path, sizeof(path)) < 0 ||
		    sim_tls_load(&r->tls, path, r->o.key, err, sizeof(err)) < 0) {
			sim_complain("%s", err[0] ? err : "certificate path too long");
			return SIM_EXIT_USAGE;
		}
	} else if (sim_tls_prepare(&r->tls, r->dir, r->la.name, err, sizeof(err)) < 0) {
		sim_complain("%s", err);
		return 1;
	}
	return 0;
}

/* The request log, the daemon and the live flow. 0 or an exit status. */
static int start_serving(struct run *r)
{
	sim_server_config cfg = { 0 };
	char err[1024] = "";

	r->ctx.store = r->store;
	r->ctx.max_count = r->o.max_count;
	r->ctx.pod = r->o.pod;
	if (r->o.request_log > 0 && !(r->ctx.reqlog = sim_reqlog_new((size_t)r->o.request_log))) {
		sim_complain("out of memory");
		return 1;
	}
	cfg.addr = (struct sockaddr *)&r->la.ss;
	cfg.listen_fd = r->listen_fd;
	cfg.cert_pem = r->tls.cert_pem;
	cfg.key_pem = r->tls.key_pem;
	cfg.threads = (unsigned)r->o.threads;
	cfg.timeout_secs = 30;
	cfg.verbose = r->o.verbose;
	cfg.max_connections = (unsigned)fit_fd_limit(r->o.max_connections);
	cfg.deadline_secs = (unsigned)r->o.deadline;
	cfg.login_throttle = (unsigned)r->o.throttle;
	cfg.max_per_address = (unsigned)r->o.per_address;
	cfg.accept_rate = (unsigned)r->o.accept_rate;
	cfg.head_secs = (unsigned)r->o.head_deadline;
	cfg.faults = &r->faults;
	cfg.ctx = &r->ctx;
	if (sim_server_start(&r->srv, &cfg, err, sizeof(err)) < 0) {
		sim_complain("%s: %s", r->o.listen, err);
		return 1;
	}
	if (r->o.flow > 0) {
		sim_flow_config fc = { r->o.flow, r->o.late_percent, r->o.late_seconds };

		if (sim_flow_start(&r->flow, r->store, &fc, err, sizeof(err)) < 0) {
			sim_complain("%s", err);
			return 1;
		}
	}
	return 0;
}

static void run_release(struct run *r)
{
	sim_flow_stop(r->flow);
	sim_server_stop(r->srv);
	sim_reqlog_free(r->ctx.reqlog);
	sim_store_close(r->store);
	if (r->lock_fd >= 0)
		close(r->lock_fd);
	if (r->listen_fd >= 0 && !r->srv)
		close(r->listen_fd);
	sim_tls_release(&r->tls);
	free(r->names);
}

/* --write-corpus: the files, then exit (0, or 1 after a one-line complaint). */
static int write_corpus(const sim_options *o)
{
	char err[1024] = "";

	/* Dated up to today's midnight (UTC): the same seed writes the same bytes all day. */
	int64_t day = sim_clock_now() / 86400 * 86400;

	if (sim_seed_corpus(o->corpus_dir, o->seed > 0 ? o->seed : 1,
			    o->corpus_count ? o->corpus_count : SIM_CORPUS_COUNT, day, err,
			    sizeof(err)) < 0) {
		sim_complain("%s", err);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct run r = { .lock_fd = -1, .listen_fd = -1 };
	sigset_t sigs;
	int rc, sig, ret;

	ret = read_settings(&r, argc, argv);
	if (ret != 0)
		return ret < 0 ? 0 : ret;
	if (r.o.corpus_dir)
		return write_corpus(&r.o);
	/* Every thread started from here on (store, server) inherits this mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* The port first: a busy one is said before the store is opened or seeded. */
	r.listen_fd = listen_early(&r.la, r.o.listen);
	if (r.listen_fd < 0)
		ret = 1;
	else if ((ret = open_state(&r)) == 0 && (ret = prepare_tls(&r)) == 0 &&
		 (ret = start_serving(&r)) == 0) {
		printf("pps-sim: ready url=%s://%s:%u cacert=%s accounts=%s\n",
		       r.o.no_tls ? "http" : "https", r.la.host, sim_server_port(r.srv),
		       r.o.no_tls ? "-" : r.tls.cert_path, r.names);
		fflush(stdout);
		do {
			rc = sigwait(&sigs, &sig);
		} while (rc == EINTR);
	}
	run_release(&r);
	return ret;
}
