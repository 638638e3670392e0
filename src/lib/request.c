/*
 * A request as it goes out, for the caller to see: its method, URL and body, and two ways of
 * writing it (a text line, a runnable curl command). Sends nothing; never writes a password.
 */
#include "lib/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

const char *pps_request_method(const pps_request *req)
{
	return req->method;
}

const char *pps_request_url(const pps_request *req)
{
	return req->url;
}

const char *pps_request_body(const pps_request *req)
{
	return req->body;
}

/* Appends s quoted for a POSIX shell ('...', a quote as '\''). 0 or -1. */
static int shell_quote(ppsbuf *out, const char *s)
{
	if (ppsbuf_addch(out, '\'') < 0)
		return -1;
	for (; *s; s++) {
		if (*s == '\'' ? ppsbuf_adds(out, "'\\''") < 0 : ppsbuf_addch(out, *s) < 0)
			return -1;
	}
	return ppsbuf_addch(out, '\'');
}

/* " -x 'value'" */
static int shell_opt(ppsbuf *b, const char *opt, const char *value)
{
	if (ppsbuf_addch(b, ' ') < 0 || ppsbuf_adds(b, opt) < 0)
		return -1;
	if (!value)
		return 0;
	return ppsbuf_addch(b, ' ') < 0 ? -1 : shell_quote(b, value);
}

static int curl_line(ppsbuf *b, const pps_request *r)
{
	const pps_client *c = r->client;

	/*
	 * -g: no globbing of [] and {} in the URL; --path-as-is: no squashing of "/../" in a
	 * user id. --fail-with-body keeps curl's exit status meaningful, like pps's.
	 */
	if (ppsbuf_adds(b, "curl -sS -g --path-as-is --fail-with-body") < 0 ||
	    shell_opt(b, "-X", r->method) < 0 || shell_opt(b, "-H", "Accept: application/json") < 0)
		return -1;
	if (r->body && (shell_opt(b, "-H", "Content-Type: application/json") < 0 ||
			shell_opt(b, "--data-binary", r->body) < 0))
		return -1;
	if (c->username && ppsbuf_adds(b, " -u \"$PPS_USERNAME:$PPS_PASSWORD\"") < 0)
		return -1;
	if (c->cacert && shell_opt(b, "--cacert", c->cacert) < 0)
		return -1;
	if (c->insecure && shell_opt(b, "--insecure", NULL) < 0)
		return -1;
	if (c->no_proxy && shell_opt(b, "--noproxy", "*") < 0)
		return -1;
	if (!c->no_proxy && c->proxy && shell_opt(b, "--proxy", c->proxy) < 0)
		return -1;
	return ppsbuf_addch(b, ' ') < 0 ? -1 : shell_quote(b, r->url);
}

int pps_request_format_new(char **out, const pps_request *req, pps_request_format format)
{
	ppsbuf b = PPSBUF_INIT;
	int rc;

	*out = NULL;
	switch (format) {
	case PPS_REQUEST_TEXT:
		rc = ppsbuf_addf(&b, "%s %s%s%s", req->method, req->url, req->body ? " " : "",
				 req->body ? req->body : "");
		break;
	case PPS_REQUEST_CURL:
		rc = curl_line(&b, req);
		break;
	default:
		return PPS_EUSAGE;
	}
	if (rc < 0) {
		ppsbuf_release(&b);
		return PPS_ENOMEM;
	}
	*out = ppsbuf_detach(&b, NULL);
	return *out ? PPS_OK : PPS_ENOMEM;
}
