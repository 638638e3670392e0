/*
 * pps-sim's flags: the options a run is started with, their defaults and their one table
 * (parser, checks and --help). Parses and checks only; starts nothing.
 */
#ifndef PPS_SIM_OPTIONS_H
#define PPS_SIM_OPTIONS_H

#include <stddef.h>

#define SIM_EXIT_USAGE	 2
#define SIM_MAX_ACCOUNTS 64
#define SIM_DEFAULT_PORT "10000"
#define SIM_CORPUS_COUNT 10000

struct sim_account_arg {
	char name[128];
	const char *password; /* points into argv */
	size_t password_len;
	unsigned modules;
};

typedef struct sim_options {
	const char *listen;
	const char *state_dir;
	const char *fixture;
	const char *faults;
	const char *cert;
	const char *key;
	const char *corpus_dir; /* --write-corpus */
	long corpus_count;	/* 0: SIM_CORPUS_COUNT */
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
	struct sim_account_arg accounts[SIM_MAX_ACCOUNTS];
	size_t naccounts;
} sim_options;

/* Prints one line "pps-sim: ..." on stderr. */
void sim_complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sets every option to its default. */
void sim_options_init(sim_options *o);

/*
 * Parses argv into o (after sim_options_init). Returns 0 to go on, 1 after --help or --version
 * (printed on stdout; exit 0), -1 after a one-line complaint on stderr (exit 2).
 */
int sim_options_parse(sim_options *o, int argc, char **argv);

#endif
