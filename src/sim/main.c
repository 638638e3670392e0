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
#include "sim/fixture.h"
#include "sim/clock.h"
#include "sim/flow.h"
#include "sim/reqlog.h"
#include "sim/seed.h"
#include "sim/server.h"
#include "sim/sim.h"
#include "sim/store.h"
#include "sim/tls.h"

#include "util/opts.h"

#include "util/banned.h"

#define EXIT_USAGE	 2
#define MAX_ACCOUNTS	 64
#define NAMES_LEN	 65536
#define DEFAULT_PORT	 "10000"
#define DEFAULT_COUNT	 10000L
#define DEFAULT_LOG	 10000L
#define DEFAULT_CONNS	 3000L
#define DEFAULT_DEADLINE 15L
#define DEFAULT_THROTTLE 20L
#define DEFAULT_PER_ADDR 128L
#define DEFAULT_ACCEPTS	 200L
#define DEFAULT_HEAD	 5L
/* File descriptors beside the connections: store, WAL, listening socket, log... */
#define SPARE_FDS 64

struct account_arg {
	char name[128];
	const char *password; /* points into argv */
	size_t password_len;
	unsigned modules;
};

struct options {
	const char *listen;
	const char *state_dir;
	const char *fixture;
	const char *faults;
	const char *cert;
	const char *key;
	long seed;
	long max_count;
	long threads;
	long flow;
	long request_log;
	long max_connections;
	long deadline;
	long throttle;
	long per_address;
	long accept_rate;
	long head_deadline;
	long clock_offset;
	long late_percent, late_seconds;
	int pod;
	int no_tls;
	int verbose;
	struct account_arg accounts[MAX_ACCOUNTS];
	size_t naccounts;
};

/* Prints one line "pps-sim: ..." on stderr. */
static void complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void complain(const char *fmt, ...)
{
	va_list ap;

	fputs("pps-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* --flow-late PCT:SECS: a share in percent and a delay in seconds (target: the options). */
static int flow_late_opt(const char *value, void *target, char *why, size_t len)
{
	struct options *o = target;
	char *end;
	long pct, secs;

	errno = 0;
	pct = strtol(value, &end, 10);
	if (end == value || *end != ':' || errno || pct < 0 || pct > 100)
		goto bad;
	value = end + 1;
	secs = strtol(value, &end, 10);
	if (end == value || *end || errno || secs < 0 || secs > 86400)
		goto bad;
	o->late_percent = pct;
	o->late_seconds = secs;
	return 0;
bad:
	snprintf(why, len, "expected PERCENT:SECONDS (0 to 100, 0 to 86400), e.g. 20:90");
	return -1;
}

/* "pss,Quarantine,enduser" (any case) or "all" into SIM_MOD_* bits. */
static int parse_modules(const char *s, size_t len, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned bit;
	} mods[] = { { "pss", SIM_MOD_PSS },
		     { "quarantine", SIM_MOD_QUARANTINE },
		     { "enduser", SIM_MOD_ENDUSER },
		     { "all", SIM_MOD_ALL } };
	const char *p = s, *end = s + len;

	*out = 0;
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t n = (size_t)((comma ? comma : end) - p);
		unsigned bit = 0;

		for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
			if (strlen(mods[i].name) == n && strncasecmp(p, mods[i].name, n) == 0)
				bit = mods[i].bit;
		if (!bit)
			return -1;
		*out |= bit;
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

/*
 * NAME:PASSWORD[:MODULES]. With two colons or more, the part after the last one is the module
 * list; so a password holding a colon needs the modules spelled out (e.g. "a:p:ss:all").
 */
static int parse_account(const char *arg, struct account_arg *out, char *why, size_t len)
{
	const char *colon = strchr(arg, ':'), *last = strrchr(arg, ':');
	size_t namelen;

	if (!colon || colon == arg) {
		snprintf(why, len, "expected NAME:PASSWORD[:MODULES]");
		return -1;
	}
	namelen = (size_t)(colon - arg);
	if (namelen >= sizeof(out->name)) {
		snprintf(why, len, "the name is longer than %zu characters", sizeof(out->name) - 1);
		return -1;
	}
	memcpy(out->name, arg, namelen);
	out->name[namelen] = '\0';
	out->password = colon + 1;
	out->modules = SIM_MOD_ALL;
	if (last != colon) {
		if (parse_modules(last + 1, strlen(last + 1), &out->modules) < 0) {
			snprintf(
				why, len,
				"unknown module in '%s' (expected a comma list of pss, Quarantine, "
				"enduser)",
				last + 1);
			return -1;
		}
		out->password_len = (size_t)(last - out->password);
	} else {
		out->password_len = strlen(out->password);
	}
	if (!out->password_len) {
		snprintf(why, len, "empty password");
		return -1;
	}
	return 0;
}

/* --account: one more account of the options (target). */
static int add_account_opt(const char *value, void *target, char *why, size_t len)
{
	struct options *o = target;

	if (o->naccounts == MAX_ACCOUNTS) {
		snprintf(why, len, "too many accounts (at most %d)", MAX_ACCOUNTS);
		return -1;
	}
	if (parse_account(value, &o->accounts[o->naccounts], why, len) < 0)
		return -1;
	o->naccounts++;
	return 0;
}

static int nonempty_opt(const char *value, void *target, char *why, size_t len)
{
	if (!*value) {
		snprintf(why, len, "empty");
		return -1;
	}
	*(const char **)target = value;
	return 0;
}

static const char *const flavors[] = { "onprem", "pod", NULL };

#define OPTS struct options
/* The flags of pps-sim, each declared once: the parser, its checks and --help read this table. */
static const opt_spec sim_opts[] = {
	OPT_STRING_AT("--listen", OPTS, listen, "ADDR:PORT",
		      "address to bind (default 127.0.0.1:" DEFAULT_PORT "; port 0 picks one)"),
	OPT_CALL_AT("--state-dir", offsetof(OPTS, state_dir), nonempty_opt, "DIR",
		    "store and certificate (default $XDG_STATE_HOME/pps-sim)"),
	OPT_LONG_AT("--seed", OPTS, seed, 0, 10000000L, "N",
		    "add N synthetic messages (repeatable for the same N)"),
	OPT_STRING_AT("--fixture", OPTS, fixture, "FILE",
		      "load a JSON fixture (docs/sim-fixture.md)"),
	OPT_CALL_AT(
		"--account", 0, add_account_opt, "NAME:PASSWORD[:MODULES]",
		"add an account (repeatable); MODULES a comma list of pss,\nQuarantine, enduser "
		"(default all)"),
	OPT_LONG_AT("--max-count", OPTS, max_count, 1, 1000000000L, "N",
		    "cap of the Smart Search count (default 10000)"),
	OPT_BOOL_AT("--no-tls", NULL, OPTS, no_tls, "serve plain HTTP"),
	OPT_STRING_AT("--cert", OPTS, cert, "FILE",
		      "serve this certificate (with --key) instead of the generated one"),
	OPT_STRING_AT("--key", OPTS, key, "FILE", "the private key of --cert"),
	OPT_STRING_AT("--faults", OPTS, faults, "SPEC",
		      "inject faults, e.g. latency=300ms,error=0.2:503,seed=7"),
	OPT_LONG_AT("--threads", OPTS, threads, 1, 64, "N", "server threads (default 2)"),
	OPT_CHOICE_AT("--flavor", OPTS, pod, flavors, "onprem|pod",
		      "on-premise (default) or Proofpoint on Demand record shapes"),
	OPT_LONG_AT("--flow", OPTS, flow, 0, 100000L, "N",
		    "add about N new messages a second while running (default 0)"),
	OPT_CALL_AT("--flow-late", 0, flow_late_opt, "PCT:SECS",
		    "PCT% of the flow's messages become visible to searches SECS\nseconds after "
		    "their date (a busy server's late indexing)"),
	OPT_LONG_AT("--clock-offset", OPTS, clock_offset, -315360000L, 315360000L, "SECS",
		    "run the server's clock SECS seconds off the real one (negative:\nbehind); the "
		    "flow's dates and the Date header follow it"),
	OPT_LONG_AT("--request-log", OPTS, request_log, 0, 1000000L, "N",
		    "keep the last N requests for GET /rest/v1/sim/requests\n(default 10000; 0 "
		    "turns the log off)"),
	OPT_LONG_AT("--max-connections", OPTS, max_connections, 16, 1000000L, "N",
		    "connections served at once (default 3000)"),
	OPT_LONG_AT("--request-deadline", OPTS, deadline, 1, 3600L, "SECS",
		    "a request's head and body must arrive within (default 15)"),
	OPT_LONG_AT("--login-throttle", OPTS, throttle, 0, 1000000L, "N",
		    "failed logins a minute per address and account (10*N per\naddress) before the "
		    "password is no longer checked (429);\nper account from anywhere, each further "
		    "401 is delayed\n(default 20; 0 turns it off)"),
	OPT_LONG_AT("--max-per-address", OPTS, per_address, 0, 1000000L, "N",
		    "connections from one address at once (default 128; 0: no limit)"),
	OPT_LONG_AT("--accept-rate", OPTS, accept_rate, 0, 1000000L, "N",
		    "new connections a second from one address, bursts of 2*N\n(default 200; 0: no "
		    "limit)"),
	OPT_LONG_AT("--header-deadline", OPTS, head_deadline, 1, 3600L, "SECS",
		    "a request's head must arrive within (default 5)"),
	OPT_BOOL_AT("--verbose", "-v", OPTS, verbose, "log one line per request on stderr"),
	OPT_STOP("--help", "-h", OPT_HELP, "this help"),
	OPT_STOP("--version", NULL, OPT_VERSION, "the version"),
	OPT_TABLE_END,
};
#undef OPTS

/* Returns 0 to go on, 1 after --help/--version (exit 0), -1 on a bad flag (exit 2). */
static int parse_args(int argc, char **argv, struct options *o)
{
	const opt_spec *specs = sim_opts;
	char err[512];

	switch (opt_parse(specs, o, argc, argv, err, sizeof(err))) {
	case 0:
		break;
	case OPT_STOP_HELP:
		fputs("usage: pps-sim ", stdout);
		opt_synopsis(stdout, specs, 92, 15);
		fputc('\n', stdout);
		opt_help(stdout, specs, 25);
		return 1;
	case OPT_STOP_VERSION:
		printf("pps-sim %s\n", PPS_SIM_VERSION);
		return 1;
	default:
		if (!strncmp(err, "unknown option", 14))
			complain("%s (see pps-sim --help)", err);
		else
			complain("%s", err);
		return -1;
	}
	if (!o->cert != !o->key) {
		complain("--cert and --key go together");
		return -1;
	}
	if (o->cert && o->no_tls) {
		complain("--cert and --key make no sense with --no-tls");
		return -1;
	}
	return 0;
}

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
			complain("invalid --listen '%s': expected ADDR:PORT or [IPv6]:PORT", s);
			return -1;
		}
		hoststart = s + 1;
		hostlen = (size_t)(close - hoststart);
		portstr = close + 2;
	} else {
		const char *colon = strrchr(s, ':');

		if (!colon || strchr(s, ':') != colon) {
			complain("invalid --listen '%s': expected ADDR:PORT or [IPv6]:PORT", s);
			return -1;
		}
		hostlen = (size_t)(colon - s);
		portstr = colon + 1;
	}
	if (!hostlen || hostlen >= sizeof(out->name)) {
		complain("invalid --listen '%s': expected ADDR:PORT or [IPv6]:PORT", s);
		return -1;
	}
	{
		char *end;

		errno = 0;
		port = strtol(portstr, &end, 10);
		if (!*portstr || *end || errno || port < 0 || port > 65535) {
			complain("invalid --listen port '%s': expected a number from 0 to 65535",
				 portstr);
			return -1;
		}
	}
	memcpy(out->name, hoststart, hostlen);
	out->name[hostlen] = '\0';
	hints.ai_socktype = SOCK_STREAM;
	grc = getaddrinfo(out->name, NULL, &hints, &res);
	if (grc != 0 || !res) {
		complain("invalid --listen '%s': cannot resolve '%s': %s", s, out->name,
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
		complain("state directory path too long: '%s'", dir);
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		complain("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		n = read(fd, pid, sizeof(pid) - 1);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		if (e != EWOULDBLOCK)
			complain("cannot lock '%s': %s", path, strerror(e));
		else
			complain(
				"the state directory '%s' is in use by another pps-sim%s%s%s: give "
				"another --state-dir",
				dir, pid[0] ? " (pid " : "", pid, pid[0] ? ")" : "");
		close(fd);
		return -1;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, pid, (size_t)n) != n) {
		complain("cannot write '%s': %s", path, strerror(errno));
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
	complain("only %llu file descriptors allowed: serving at most %llu connections",
		 (unsigned long long)rl.rlim_cur,
		 (unsigned long long)(rl.rlim_cur > 2 * SPARE_FDS ? rl.rlim_cur - SPARE_FDS : 16));
	return rl.rlim_cur > 2 * SPARE_FDS ? (long)(rl.rlim_cur - SPARE_FDS) : 16;
}

static int add_accounts(sim_store *st, const struct options *o)
{
	for (size_t i = 0; i < o->naccounts; i++) {
		const struct account_arg *a = &o->accounts[i];
		char *pw = strndup(a->password, a->password_len);
		int rc;

		if (!pw) {
			complain("out of memory");
			return -1;
		}
		rc = sim_store_put_account(st, a->name, pw, a->modules);
		free(pw);
		if (rc < 0) {
			complain("cannot store the account '%s'", a->name);
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { .listen = "127.0.0.1:" DEFAULT_PORT,
			     .max_count = DEFAULT_COUNT,
			     .threads = 2,
			     .request_log = DEFAULT_LOG,
			     .max_connections = DEFAULT_CONNS,
			     .deadline = DEFAULT_DEADLINE,
			     .throttle = DEFAULT_THROTTLE,
			     .per_address = DEFAULT_PER_ADDR,
			     .accept_rate = DEFAULT_ACCEPTS,
			     .head_deadline = DEFAULT_HEAD };
	struct listen_addr la;
	sim_fault_spec faults;
	sim_store *store = NULL;
	sim_server *srv = NULL;
	sim_flow *flow = NULL;
	sim_tls tls = { 0 };
	sim_ctx ctx = { 0 };
	sim_server_config cfg = { 0 };
	char dir[PATH_MAX], path[PATH_MAX], err[1024] = "", *names = NULL;
	sigset_t sigs;
	int rc, sig, ret = 1, lock_fd = -1;

	rc = parse_args(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? 0 : EXIT_USAGE;
	sim_clock_set_offset(o.clock_offset);
	if (parse_listen(o.listen, &la) < 0)
		return EXIT_USAGE;
	if (sim_fault_spec_parse(&faults, o.faults ? o.faults : "", err, sizeof(err)) < 0) {
		complain("%s", err);
		return EXIT_USAGE;
	}
	if (o.state_dir ? absolute(o.state_dir, dir, sizeof(dir)) < 0
			: default_state_dir(path, sizeof(path)) < 0 ||
				  absolute(path, dir, sizeof(dir)) < 0) {
		complain("cannot name the state directory: give --state-dir DIR");
		return EXIT_USAGE;
	}

	/* Every thread started from here on (store, server) inherits this mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (make_dirs(dir) < 0) {
		complain("cannot create the state directory '%s': %s", dir, strerror(errno));
		goto done;
	}
	lock_fd = lock_state_dir(dir);
	if (lock_fd < 0)
		goto done;
	if (sim_store_open(&store, dir, err, sizeof(err)) < 0) {
		complain("%s", err);
		goto done;
	}
	if (add_accounts(store, &o) < 0)
		goto done;
	if (o.fixture && sim_fixture_load(store, o.fixture, err, sizeof(err)) < 0) {
		complain("%s", err);
		ret = EXIT_USAGE;
		goto done;
	}
	if (o.seed > 0 && sim_seed(store, o.seed, (int64_t)time(NULL), err, sizeof(err)) < 0) {
		complain("%s", err);
		goto done;
	}
	names = malloc(NAMES_LEN);
	if (!names || sim_store_account_names(store, names, NAMES_LEN) < 0) {
		complain("cannot read the accounts from the store");
		goto done;
	}
	if (!names[0]) {
		complain("no accounts: give --account NAME:PASSWORD");
		ret = EXIT_USAGE;
		goto done;
	}

	if (!o.no_tls) {
		if (o.cert) {
			if (absolute(o.cert, path, sizeof(path)) < 0 ||
			    sim_tls_load(&tls, path, o.key, err, sizeof(err)) < 0) {
				complain("%s", err[0] ? err : "certificate path too long");
				ret = EXIT_USAGE;
				goto done;
			}
		} else if (sim_tls_prepare(&tls, dir, la.name, err, sizeof(err)) < 0) {
			complain("%s", err);
			goto done;
		}
	}

	ctx.store = store;
	ctx.max_count = o.max_count;
	ctx.pod = o.pod;
	if (o.request_log > 0 && !(ctx.reqlog = sim_reqlog_new((size_t)o.request_log))) {
		complain("out of memory");
		goto done;
	}
	cfg.addr = (struct sockaddr *)&la.ss;
	cfg.cert_pem = tls.cert_pem;
	cfg.key_pem = tls.key_pem;
	cfg.threads = (unsigned)o.threads;
	cfg.timeout_secs = 30;
	cfg.verbose = o.verbose;
	cfg.max_connections = (unsigned)fit_fd_limit(o.max_connections);
	cfg.deadline_secs = (unsigned)o.deadline;
	cfg.login_throttle = (unsigned)o.throttle;
	cfg.max_per_address = (unsigned)o.per_address;
	cfg.accept_rate = (unsigned)o.accept_rate;
	cfg.head_secs = (unsigned)o.head_deadline;
	cfg.faults = &faults;
	cfg.ctx = &ctx;
	if (sim_server_start(&srv, &cfg, err, sizeof(err)) < 0) {
		complain("%s: %s", o.listen, err);
		goto done;
	}
	if (o.flow > 0) {
		sim_flow_config fc = { o.flow, o.late_percent, o.late_seconds };

		if (sim_flow_start(&flow, store, &fc, err, sizeof(err)) < 0) {
			complain("%s", err);
			goto done;
		}
	}
	printf("pps-sim: ready url=%s://%s:%u cacert=%s accounts=%s\n", o.no_tls ? "http" : "https",
	       la.host, sim_server_port(srv), o.no_tls ? "-" : tls.cert_path, names);
	fflush(stdout);

	do {
		rc = sigwait(&sigs, &sig);
	} while (rc == EINTR);
	ret = 0;
done:
	sim_flow_stop(flow);
	sim_server_stop(srv);
	sim_reqlog_free(ctx.reqlog);
	sim_store_close(store);
	if (lock_fd >= 0)
		close(lock_fd);
	sim_tls_release(&tls);
	free(names);
	return ret;
}
