/*
 * Parses pps-sim's --faults spec and draws per-request fault decisions from a seeded splitmix64
 * PRNG. Pure logic: it must not touch libmicrohttpd, sockets or the clock.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/faults.h"

#include "util/banned.h"

#define MAX_LATENCY_MS	   600000L
#define MAX_RETRY_AFTER	   86400L
#define DEFAULT_RETRY_SECS 1L

void sim_fault_spec_init(sim_fault_spec *spec)
{
	memset(spec, 0, sizeof(*spec));
	spec->latency_share = 1.0;
	spec->error_status = 500;
	spec->throttle_retry_after = DEFAULT_RETRY_SECS;
	spec->authfail_after = -1;
	spec->seed = 1;
}

/* A share: a decimal number in [0, 1], the whole string. */
static int parse_share(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < 0.0 || v > 1.0)
		return -1;
	*out = v;
	return 0;
}

/* A non-negative decimal integer no larger than max, the whole string (no sign, no space). */
static int parse_count(const char *s, long max, long *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "300ms", "2s" or "300" (milliseconds). */
static int parse_duration_ms(const char *s, long *out)
{
	char num[32];
	size_t len = strlen(s);
	long mult = 1, v;

	if (len > 2 && strcmp(s + len - 2, "ms") == 0) {
		len -= 2;
	} else if (len > 1 && s[len - 1] == 's') {
		len -= 1;
		mult = 1000;
	}
	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, s, len);
	num[len] = '\0';
	if (parse_count(num, MAX_LATENCY_MS, &v) < 0 || v * mult > MAX_LATENCY_MS)
		return -1;
	*out = v * mult;
	return 0;
}

/* Splits "a:b" in place: returns b (or NULL without a colon) and ends a at the colon. */
static char *split_colon(char *s)
{
	char *c = strchr(s, ':');

	if (!c)
		return NULL;
	*c = '\0';
	return c + 1;
}

static int bad(char *err, size_t errlen, const char *item, const char *why)
{
	snprintf(err, errlen, "invalid --faults item '%s': %s", item, why);
	return -1;
}

enum {
	F_LATENCY,
	F_ERROR,
	F_THROTTLE,
	F_RESET,
	F_TRUNCATE,
	F_GARBAGE,
	F_HTML,
	F_CTYPE,
	F_AUTHFAIL,
	F_INTERLEAVE,
	F_SEED,
	F_COUNT
};

static const char *const names[F_COUNT] = {
	[F_LATENCY] = "latency",
	[F_ERROR] = "error",
	[F_THROTTLE] = "throttle",
	[F_RESET] = "reset",
	[F_TRUNCATE] = "truncate",
	[F_GARBAGE] = "garbage",
	[F_HTML] = "html",
	[F_CTYPE] = "ctype",
	[F_AUTHFAIL] = "authfail_after",
	[F_INTERLEAVE] = "interleave",
	[F_SEED] = "seed",
};

/* Parses one item (modified in place; orig is the untouched text for messages). */
static int parse_item(sim_fault_spec *out, char *item, const char *orig, unsigned *seen, char *err,
		      size_t errlen)
{
	char *value = strchr(item, '='), *second;
	int which = -1;
	long n;

	if (!value)
		return bad(err, errlen, orig, "expected name=value");
	*value++ = '\0';
	for (int i = 0; i < F_COUNT; i++)
		if (strcmp(item, names[i]) == 0)
			which = i;
	if (which < 0)
		return bad(err, errlen, orig,
			   "unknown fault (latency, error, throttle, reset, truncate, garbage, "
			   "html, ctype, authfail_after, interleave, seed)");
	if (*seen & (1u << which))
		return bad(err, errlen, orig, "given twice");
	*seen |= 1u << which;

	switch (which) {
	case F_LATENCY:
		second = split_colon(value);
		if (parse_duration_ms(value, &out->latency_ms) < 0)
			return bad(err, errlen, orig,
				   "expected a duration such as 300ms, 2s or 300 (at most 600s)");
		if (second && parse_share(second, &out->latency_share) < 0)
			return bad(err, errlen, orig, "the share must be a number from 0 to 1");
		return 0;
	case F_ERROR:
		second = split_colon(value);
		if (parse_share(value, &out->error_share) < 0)
			return bad(err, errlen, orig, "the share must be a number from 0 to 1");
		if (second) {
			if (parse_count(second, 599, &n) < 0 || n < 500)
				return bad(err, errlen, orig, "the status must be 500 to 599");
			out->error_status = (int)n;
		}
		return 0;
	case F_THROTTLE:
		second = split_colon(value);
		if (parse_share(value, &out->throttle_share) < 0)
			return bad(err, errlen, orig, "the share must be a number from 0 to 1");
		if (second && parse_count(second, MAX_RETRY_AFTER, &out->throttle_retry_after) < 0)
			return bad(err, errlen, orig, "Retry-After must be 0 to 86400 seconds");
		return 0;
	case F_AUTHFAIL:
		if (parse_count(value, 1000000000L, &out->authfail_after) < 0)
			return bad(err, errlen, orig, "expected a number of requests");
		return 0;
	case F_SEED: {
		char *end;
		unsigned long long s;

		if (*value < '0' || *value > '9')
			return bad(err, errlen, orig, "expected a non-negative integer");
		errno = 0;
		s = strtoull(value, &end, 10);
		if (errno || *end)
			return bad(err, errlen, orig, "expected a non-negative integer");
		out->seed = (uint64_t)s;
		return 0;
	}
	default: {
		double *share = which == F_RESET      ? &out->reset_share
				: which == F_TRUNCATE ? &out->truncate_share
				: which == F_GARBAGE  ? &out->garbage_share
				: which == F_HTML     ? &out->html_share
				: which == F_CTYPE    ? &out->ctype_share
						      : &out->interleave_share;

		if (parse_share(value, share) < 0)
			return bad(err, errlen, orig, "the share must be a number from 0 to 1");
		return 0;
	}
	}
}

int sim_fault_spec_parse(sim_fault_spec *out, const char *spec, char *err, size_t errlen)
{
	char *copy = NULL, *item, *next;
	unsigned seen = 0;
	int rc = -1;

	sim_fault_spec_init(out);
	if (!*spec)
		return 0;
	copy = strdup(spec);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	for (item = copy; item; item = next) {
		char orig[128];

		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		snprintf(orig, sizeof(orig), "%s", item);
		if (!*item) {
			snprintf(err, errlen, "invalid --faults '%s': empty item", spec);
			goto done;
		}
		if (parse_item(out, item, orig, &seen, err, errlen) < 0)
			goto done;
	}
	rc = 0;
done:
	free(copy);
	if (rc < 0)
		sim_fault_spec_init(out);
	return rc;
}

int sim_fault_spec_active(const sim_fault_spec *s)
{
	return (s->latency_ms > 0 && s->latency_share > 0) || s->error_share > 0 ||
	       s->throttle_share > 0 || s->reset_share > 0 || s->truncate_share > 0 ||
	       s->garbage_share > 0 || s->html_share > 0 || s->ctype_share > 0 ||
	       s->authfail_after >= 0 || s->interleave_share > 0;
}

int sim_faults_init(sim_faults *f, const sim_fault_spec *spec)
{
	f->spec = *spec;
	f->state = spec->seed;
	f->requests = 0;
	memset(f->armed, 0, sizeof(f->armed));
	f->next_armed = 0;
	f->interleaves = 0;
	return pthread_mutex_init(&f->lock, NULL) == 0 ? 0 : -1;
}

void sim_faults_release(sim_faults *f)
{
	for (size_t i = 0; i < sizeof(f->armed) / sizeof(f->armed[0]); i++)
		free(f->armed[i]);
	pthread_mutex_destroy(&f->lock);
}

/* splitmix64: small, fast, and every seed (0 too) gives a full-period sequence. */
static uint64_t next_u64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform draw in [0, 1): a share of 1 always hits, a share of 0 never does. */
static double next_unit(uint64_t *state)
{
	return (double)(next_u64(state) >> 11) * 0x1.0p-53;
}

void sim_faults_draw(sim_faults *f, sim_fault_draw *out)
{
	const sim_fault_spec *s = &f->spec;
	double u[9] = { 0 };
	/* The ninth draw only with interleave, so that the other faults' seeds draw as before. */
	size_t n = s->interleave_share > 0 ? 9 : 8;

	pthread_mutex_lock(&f->lock);
	out->request = ++f->requests;
	for (size_t i = 0; i < n; i++)
		u[i] = next_unit(&f->state);
	pthread_mutex_unlock(&f->lock);
	out->interleave = n == 9 && u[8] < s->interleave_share;

	out->latency_ms = s->latency_ms > 0 && u[0] < s->latency_share ? s->latency_ms : 0;
	if (s->authfail_after >= 0 && out->request > (unsigned long)s->authfail_after)
		out->before = SIM_FAULT_AUTHFAIL;
	else if (u[1] < s->error_share)
		out->before = SIM_FAULT_ERROR;
	else if (u[2] < s->throttle_share)
		out->before = SIM_FAULT_THROTTLE;
	else
		out->before = SIM_FAULT_PASS;

	if (u[3] < s->reset_share)
		out->after = SIM_FAULT_RESET;
	else if (u[4] < s->truncate_share)
		out->after = SIM_FAULT_TRUNCATE;
	else if (u[5] < s->garbage_share)
		out->after = SIM_FAULT_GARBAGE;
	else if (u[6] < s->html_share)
		out->after = SIM_FAULT_HTML;
	else if (u[7] < s->ctype_share)
		out->after = SIM_FAULT_CTYPE;
	else
		out->after = SIM_FAULT_KEEP;
}

void sim_faults_arm(sim_faults *f, const char *user)
{
	const size_t n = sizeof(f->armed) / sizeof(f->armed[0]);
	char *copy = strdup(user);

	if (!copy)
		return;
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < n; i++) {
		if (f->armed[i] && strcmp(f->armed[i], user) == 0) {
			free(copy);
			copy = NULL;
			break;
		}
	}
	if (copy) {
		free(f->armed[f->next_armed]);
		f->armed[f->next_armed] = copy;
		f->next_armed = (f->next_armed + 1) % n;
	}
	pthread_mutex_unlock(&f->lock);
}

unsigned long sim_faults_take(sim_faults *f, const char *user, int fire)
{
	unsigned long n = 0;

	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < sizeof(f->armed) / sizeof(f->armed[0]); i++) {
		if (f->armed[i] && strcmp(f->armed[i], user) == 0) {
			free(f->armed[i]);
			f->armed[i] = NULL;
			n = fire ? ++f->interleaves : 0;
			break;
		}
	}
	pthread_mutex_unlock(&f->lock);
	return n;
}
