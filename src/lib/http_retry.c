/*
 * libpps's retry policy: which failures may be tried again (never a request that may have
 * changed something and reached the server), and how long to wait before the next attempt.
 */
#include "lib/http_int.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "util/banned.h"

int pps__http_idempotent(const char *method)
{
	return !strcmp(method, "GET") || !strcmp(method, "HEAD");
}

int pps__http_may_retry(const char *method, long status, int curl_code)
{
	/* Refused: nothing reached the server, so even a release may be tried again. */
	if (curl_code == CURLE_COULDNT_CONNECT)
		return 1;
	if (!pps__http_idempotent(method))
		return 0;
	switch ((CURLcode)curl_code) {
	case CURLE_OK:
		return status == 429 || (status >= 500 && status <= 599);
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE: /* the connection dropped mid-body: a GET may be asked again */
		return 1;
	default:
		return 0;
	}
}

long pps__http_retry_delay_ms(long base_ms, int attempt, long status, long retry_after_s,
			      uint32_t jitter)
{
	long d = base_ms > 0 ? base_ms : 1;

	if ((status == 429 || status == 503) && retry_after_s >= 0) {
		if (retry_after_s > PPS__RETRY_AFTER_MAX_MS / 1000)
			return PPS__RETRY_AFTER_MAX_MS;
		return retry_after_s * 1000;
	}
	for (int i = 0; i < attempt && d < PPS__RETRY_MAX_DELAY_MS; i++)
		d *= 2;
	if (d > PPS__RETRY_MAX_DELAY_MS)
		d = PPS__RETRY_MAX_DELAY_MS;
	/* Jitter keeps clients that failed together from coming back together. */
	d += (long)(jitter % (uint32_t)(d / 10 + 1));
	return d > PPS__RETRY_MAX_DELAY_MS ? PPS__RETRY_MAX_DELAY_MS : d;
}

static uint32_t next_random(pps_client *c)
{
	uint32_t x = c->rng ? c->rng : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	c->rng = x;
	return x;
}

void pps__http_sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Whether a failed attempt may have reached the server whole: its request head went out (and
 * with it the body, which libcurl sends right after), or libcurl wanted to send it again.
 */
int pps__http_may_have_arrived(const struct attempt *a)
{
	return a->rc == CURLE_SEND_FAIL_REWIND || a->request_size > 0;
}

/*
 * The wait before the next attempt, at most the timeout; -1 when the server asks for a longer
 * one (its Retry-After, into *too_long), which is not waited for.
 */
static long retry_delay(pps_client *c, const struct attempt *a, int attempt, long *too_long)
{
	long delay;

	if ((a->status == 429 || a->status == 503) && a->retry_after_s >= 0 &&
	    a->retry_after_s * 1000 > c->timeout_ms) {
		*too_long = a->retry_after_s;
		return -1;
	}
	delay = pps__http_retry_delay_ms(c->retry_base_ms, attempt, a->status, a->retry_after_s,
					 next_random(c));
	return delay > c->timeout_ms ? c->timeout_ms : delay;
}

long pps__http_next_wait(pps_client *c, const char *method, const pps__sink *to,
			 const struct attempt *a, int code, int attempt, long *too_long)
{
	if (attempt >= c->retries || !pps__http_may_retry(method, a->status, (int)a->rc))
		return -1;
	/* An answer that cannot be read (headers too large) would come back the same. */
	if (a->rc == CURLE_RECV_ERROR && code == PPS_EPROTO)
		return -1;
	/* A sink that has handed records on cannot take them again. */
	if (to && to->restart(to->ctx) < 0)
		return -1;
	return retry_delay(c, a, attempt, too_long);
}
