/*
 * A typed option binder in the spirit of git's parse-options: each option is declared once, with
 * its type, its target and its help, and the parser, the checks and the help text are read from
 * that one table. Knows nothing of pps; prints nothing but the help it is asked for.
 */
#ifndef PPS_UTIL_OPTS_H
#define PPS_UTIL_OPTS_H

#include <stddef.h> /* offsetof */
#include <stdio.h>

typedef enum opt_kind {
	OPT_BOOL,   /* no value; *(int *)target = 1 */
	OPT_STRING, /* *(const char **)target = the value (borrowed from argv) */
	OPT_LONG,   /* *(long *)target, from min to max */
	OPT_CHOICE, /* *(int *)target = the index of the value in choices */
	OPT_CALL,   /* call(value, target, err, errlen) decides; 0 or -1 */
	OPT_HELP,   /* opt_parse returns OPT_STOP_HELP */
	OPT_VERSION /* opt_parse returns OPT_STOP_VERSION */
} opt_kind;

typedef struct opt_spec {
	const char *name;	    /* "--listen"; NULL ends the table */
	const char *alias;	    /* another spelling ("-v"), or NULL */
	size_t offset;		    /* the target: base + offset (opt_parse's base) */
	long min, max;		    /* OPT_LONG */
	const char *const *choices; /* OPT_CHOICE, NULL-terminated */
	/* OPT_CALL: decides with the value, target = base + offset; 0, or -1 and why in err. */
	int (*call)(const char *value, void *target, char *err, size_t errlen);
	const char *metavar; /* the value's name in the help ("ADDR:PORT") */
	const char *help;    /* what it does; '\n' starts another line of help */
	const char *subject; /* what a refusal calls it ("invalid <subject> 'v'"); NULL: name */
	const char *expect; /* OPT_LONG: the refusal's reason; NULL: "expected a number from ..." */
	opt_kind kind;
	int hidden; /* parsed but left out of the synopsis */
} opt_spec;

enum { OPT_STOP_HELP = 1, OPT_STOP_VERSION = 2 };

/* Table entries, one per option: S the struct the offsets are into, F its member. */
#define OPT_BOOL_AT(N, A, S, F, H)                                                                 \
	{                                                                                          \
		.name = (N), .alias = (A), .kind = OPT_BOOL, .offset = offsetof(S, F), .help = (H) \
	}
#define OPT_STRING_AT(N, S, F, M, H)                                                       \
	{                                                                                  \
		.name = (N), .kind = OPT_STRING, .offset = offsetof(S, F), .metavar = (M), \
		.help = (H)                                                                \
	}
#define OPT_LONG_AT(N, S, F, LO, HI, M, H)                                                         \
	{                                                                                          \
		.name = (N), .kind = OPT_LONG, .offset = offsetof(S, F), .min = (LO), .max = (HI), \
		.metavar = (M), .help = (H)                                                        \
	}
#define OPT_CHOICE_AT(N, S, F, C, M, H)                                                    \
	{                                                                                  \
		.name = (N), .kind = OPT_CHOICE, .offset = offsetof(S, F), .choices = (C), \
		.metavar = (M), .help = (H)                                                \
	}
#define OPT_CALL_AT(N, OFF, FN, M, H)                                                         \
	{                                                                                     \
		.name = (N), .kind = OPT_CALL, .offset = (OFF), .call = (FN), .metavar = (M), \
		.help = (H)                                                                   \
	}
#define OPT_STOP(N, A, K, H)                                        \
	{                                                           \
		.name = (N), .alias = (A), .kind = (K), .help = (H) \
	}
#define OPT_TABLE_END        \
	{                    \
		.name = NULL \
	}

/*
 * Parses argv[1..argc-1] against specs: "--name value", "--name=value", a flag alone. Each value
 * goes to its option's target (base + offset) as its kind says. Returns 0, OPT_STOP_HELP or
 * OPT_STOP_VERSION when one of those was given, or -1 with a one-line reason in err ("invalid
 * --seed 'x': expected a number from 0 to 10000000", "unknown option '--bogus'").
 */
int opt_parse(const opt_spec *specs, void *base, int argc, char **argv, char *err, size_t errlen);

/*
 * One option at a time, for a program that reads its options among other words (pps takes its
 * global options before and after the command). opt_find returns the entry whose name or alias
 * is arg[0..len), or NULL; opt_takes_value whether it wants a value; opt_bind_one stores value
 * (NULL for a flag) into spec's target (base + offset) as its kind says. opt_bind_one returns 0,
 * or -1 with the one-line reason in err, worded as opt_parse words it.
 */
const opt_spec *opt_find(const opt_spec *specs, const char *arg, size_t len);
int opt_takes_value(const opt_spec *spec);
int opt_bind_one(const opt_spec *spec, void *base, const char *value, char *err, size_t errlen);

/* Writes "[--listen ADDR:PORT] [--no-tls] ..." wrapped to width, each line after the first
 * indented by indent spaces. */
void opt_synopsis(FILE *out, const opt_spec *specs, size_t width, size_t indent);

/* Writes one entry per option: "  --name METAVAR  help", the help aligned at column col. */
void opt_help(FILE *out, const opt_spec *specs, size_t col);

#endif
