/*
 * A typed option binder in the spirit of git's parse-options: each option is declared once, with
 * its type, its target and its help, and the parser, the checks and the help text are read from
 * that one table. Knows nothing of pps; prints nothing but the help it is asked for.
 */
#ifndef PPS_UTIL_OPTS_H
#define PPS_UTIL_OPTS_H

#include <stddef.h>
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
	const char *name;  /* "--listen"; NULL ends the table */
	const char *alias; /* another spelling ("-v"), or NULL */
	opt_kind kind;
	void *target;
	long min, max;		    /* OPT_LONG */
	const char *const *choices; /* OPT_CHOICE, NULL-terminated */
	int (*call)(const char *value, void *target, char *err, size_t errlen); /* OPT_CALL */
	const char *metavar; /* the value's name in the help ("ADDR:PORT") */
	const char *help;    /* what it does; '\n' starts another line of help */
	int hidden;	     /* parsed but left out of the synopsis */
} opt_spec;

enum { OPT_STOP_HELP = 1, OPT_STOP_VERSION = 2 };

/*
 * Parses argv[1..argc-1] against specs: "--name value", "--name=value", a flag alone. Each value
 * goes to its option's target as its kind says. Returns 0, OPT_STOP_HELP or OPT_STOP_VERSION
 * when one of those was given, or -1 with a one-line reason in err ("invalid --seed 'x':
 * expected a number from 0 to 10000000", "unknown option '--bogus'").
 */
int opt_parse(const opt_spec *specs, int argc, char **argv, char *err, size_t errlen);

/* Writes "[--listen ADDR:PORT] [--no-tls] ..." wrapped to width, each line after the first
 * indented by indent spaces. */
void opt_synopsis(FILE *out, const opt_spec *specs, size_t width, size_t indent);

/* Writes one entry per option: "  --name METAVAR  help", the help aligned at column col. */
void opt_help(FILE *out, const opt_spec *specs, size_t col);

#endif
