/*
 * The client handle of libpps: copies of the options, their defaults, the error detail and the
 * transport's state. Talks to no server itself (http.c does) and never prints.
 */
#include "lib/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/banned.h"

/* A volatile pointer keeps the compiler from dropping stores to memory about to be freed. */
static void wipe(char *s)
{
	volatile char *p = s;

	if (!s)
		return;
	while (*p)
		*p++ = '\0';
}

static int copy_opt(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

static uint32_t seed(const pps_client *c)
{
	struct timespec ts;
	uintptr_t addr = (uintptr_t)c;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec ^ (uint32_t)addr ^
	       ((uint32_t)getpid() << 16) ^ 1u;
}

int pps_client_new(pps_client **out, const pps_client_options *opts, char *err, size_t errlen)
{
	pps_client *c = NULL;
	char scratch[PPS__MSG_MAX];
	int ret;

	*out = NULL;
	if (!err || errlen == 0) {
		err = scratch;
		errlen = sizeof(scratch);
	}
	err[0] = '\0';
	if (!opts) {
		snprintf(err, errlen, "no client options given");
		return PPS_EUSAGE;
	}
	if (opts->version == 0 || opts->version > PPS_CLIENT_OPTIONS_VERSION) {
		snprintf(err, errlen,
			 "pps_client_options has version %u: initialize it with "
			 "PPS_CLIENT_OPTIONS_INIT (this libpps knows versions 1 to %u)",
			 opts->version, (unsigned)PPS_CLIENT_OPTIONS_VERSION);
		return PPS_EUSAGE;
	}
	if (opts->timeout_ms < 0 || opts->retries < PPS_RETRIES_NONE || opts->retry_base_ms < 0) {
		snprintf(err, errlen, "timeout, retries and retry delay must not be negative");
		return PPS_EUSAGE;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return PPS_ENOMEM;
	}
	pps__error_reset(c);
	c->server_time = -1;
	if (!opts->url && opts->dry_run) {
		/* Nothing is sent: the requests are shown relative to the API root. */
		c->base = strdup(PPS_API_BASE);
		c->host = strdup("");
		ret = c->base && c->host ? PPS_OK : PPS_ENOMEM;
	} else {
		ret = pps__http_base_url(opts->url, &c->base, &c->host, &c->port, err, errlen);
	}
	if (ret < 0) {
		if (ret == PPS_ENOMEM)
			snprintf(err, errlen, "out of memory");
		goto done;
	}
	if (copy_opt(&c->username, opts->username) || copy_opt(&c->password, opts->password) ||
	    copy_opt(&c->cacert, opts->cacert) || copy_opt(&c->proxy, opts->proxy) ||
	    copy_opt(&c->user_agent, opts->user_agent ? opts->user_agent : "pps/" PPS_VERSION)) {
		ret = PPS_ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	c->insecure = opts->insecure != 0;
	c->no_proxy = opts->no_proxy != 0;
	c->timeout_ms = opts->timeout_ms ? opts->timeout_ms : PPS__DEFAULT_TIMEOUT_MS;
	c->retries = opts->retries == PPS_RETRIES_NONE ? 0
		     : opts->retries		       ? opts->retries
						       : PPS__DEFAULT_RETRIES;
	c->retry_base_ms = opts->retry_base_ms ? opts->retry_base_ms : PPS__DEFAULT_RETRY_BASE_MS;
	c->log = opts->log;
	c->log_ctx = opts->log_ctx;
	c->on_request = opts->on_request;
	c->request_ctx = opts->request_ctx;
	c->dry_run = opts->dry_run != 0;
	c->rng = seed(c);
	ret = pps__http_open(c);
	if (ret < 0) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	*out = c;
	c = NULL;
done:
	pps_client_free(c);
	return ret;
}

void pps_client_free(pps_client *c)
{
	if (!c)
		return;
	pps__http_close(c);
	wipe(c->password);
	free(c->password);
	free(c->username);
	free(c->cacert);
	free(c->proxy);
	free(c->user_agent);
	free(c->base);
	free(c->host);
	free(c->server_message);
	free(c);
}

const pps_error *pps_client_last_error(const pps_client *c)
{
	return &c->err;
}

long pps_client_connections(const pps_client *c)
{
	return c->connections;
}

int64_t pps_client_server_time(const pps_client *c)
{
	return c->server_time;
}
