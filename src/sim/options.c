/*
 * pps-sim's flags (options.h): each declared once in one table of offsets into sim_options,
 * read by the parser (util/opts.c), the checks and --help. Starts nothing, opens nothing.
 */
#include "sim/options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/account.h"

#include "util/opts.h"

#include "util/banned.h"

void sim_options_init(sim_options *o)
{
	memset(o, 0, sizeof(*o));
	o->listen = "127.0.0.1:" SIM_DEFAULT_PORT;
	o->max_count = 10000;
	o->threads = 2;
	o->request_log = 10000;
	o->max_connections = 3000;
	o->deadline = 15;
	o->throttle = 20;
	o->per_address = 128;
	o->accept_rate = 200;
	o->head_deadline = 5;
}

void sim_complain(const char *fmt, ...)
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
	sim_options *o = target;
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
static int parse_account(const char *arg, struct sim_account_arg *out, char *why, size_t len)
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
	sim_options *o = target;

	if (o->naccounts == SIM_MAX_ACCOUNTS) {
		snprintf(why, len, "too many accounts (at most %d)", SIM_MAX_ACCOUNTS);
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

#define OPTS sim_options
/* The flags of pps-sim, each declared once: the parser, its checks and --help read this table. */
static const opt_spec sim_opts[] = {
	OPT_STRING_AT("--listen", OPTS, listen, "ADDR:PORT",
		      "address to bind (default 127.0.0.1:" SIM_DEFAULT_PORT "; port 0 picks one)"),
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
		      "inject faults, e.g. latency=300ms,error=0.2:503,seed=7 or interleave=0.3 "
		      "(another admin's write between a client's read and write of a user)"),
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

int sim_options_parse(sim_options *o, int argc, char **argv)
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
			sim_complain("%s (see pps-sim --help)", err);
		else
			sim_complain("%s", err);
		return -1;
	}
	if (!o->cert != !o->key) {
		sim_complain("--cert and --key go together");
		return -1;
	}
	if (o->cert && o->no_tls) {
		sim_complain("--cert and --key make no sense with --no-tls");
		return -1;
	}
	return 0;
}
