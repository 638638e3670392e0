/*
 * libpps's words for a failed transfer: libcurl's result mapped to a pps_code and described in
 * one line, cause first, naming the host, port and proxy (never their credentials).
 */
#include "lib/http_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/banned.h"

int pps__http_code_from_curl(int curl_code)
{
	switch ((CURLcode)curl_code) {
	case CURLE_OK:
		return PPS_OK;
	case CURLE_OUT_OF_MEMORY:
		return PPS_ENOMEM;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_USE_SSL_FAILED:
		return PPS_ETLS;
	case CURLE_PARTIAL_FILE:
#if LIBCURL_VERSION_NUM >= 0x080600
	case CURLE_TOO_LARGE:
#endif
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_FILESIZE_EXCEEDED:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_TOO_MANY_REDIRECTS:
	case CURLE_WRITE_ERROR:
		return PPS_EPROTO;
	default:
		return PPS_ENET;
	}
}

/*
 * The proxy libcurl goes through for this client, as "HOST port N" (never its credentials),
 * into out: --proxy, else the environment libcurl reads. Returns 1, or 0 when there is none.
 */
static int proxy_of(const pps_client *c, char *out, size_t len)
{
	int https = pps__http_has_prefix_nocase(c->base, "https://");
	const char *p = NULL, *np = getenv("no_proxy");
	char *h = NULL, *port = NULL;
	CURLU *u;
	int found = 0;

	if (c->no_proxy)
		return 0;
	if (c->proxy && *c->proxy) {
		p = c->proxy;
	} else {
		if (!np)
			np = getenv("NO_PROXY");
		if (np && (!strcmp(np, "*") || strstr(np, c->host)))
			return 0;
		p = getenv(https ? "https_proxy" : "http_proxy");
		if (!p && https)
			p = getenv("HTTPS_PROXY");
		if (!p)
			p = getenv("all_proxy");
		if (!p)
			p = getenv("ALL_PROXY");
	}
	if (!p || !*p)
		return 0;
	u = curl_url();
	if (u && curl_url_set(u, CURLUPART_URL, p, CURLU_GUESS_SCHEME) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK && h) {
		/* libcurl's default proxy port is 1080 whatever the scheme. */
		if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
			port = NULL;
		snprintf(out, len, "%s port %s", h, port ? port : "1080");
		found = 1;
	}
	curl_free(h);
	curl_free(port);
	if (u)
		curl_url_cleanup(u);
	return found;
}

/* What the description of a failed transfer draws on. */
struct failure {
	const struct attempt *a;
	const char *host;
	long port;
	long timeout_ms;
	const char *cacert;
	char eb[CURL_ERROR_SIZE + 64]; /* libcurl's words, redacted */
	char proxy[300];	       /* "HOST port N" of the proxy when via */
	int via;
};

/* Reaching the server: connecting, resolving, waiting for it. */
static void describe_reach(const struct failure *f, char *out, size_t len)
{
	const char *host = f->host, *eb = f->eb, *proxy = f->proxy;
	long port = f->port, err = f->a->os_errno;

	switch (f->a->rc) {
	case CURLE_COULDNT_CONNECT:
		/* libcurl connects to the proxy first: a refusal there is the proxy's. */
		if (f->via && err == ECONNREFUSED)
			snprintf(out, len, "connection refused by the proxy %s (on the way to %s)",
				 proxy, host);
		else if (f->via)
			snprintf(out, len,
				 "could not connect to the proxy %.120s (on the way to %s): %.150s",
				 proxy, host, eb);
		else if (err == ECONNREFUSED)
			snprintf(out, len, "connection refused by %s port %ld", host, port);
		else if (err == ETIMEDOUT)
			snprintf(out, len, "connection to %s port %ld timed out", host, port);
		else if (err == ENETUNREACH || err == EHOSTUNREACH)
			snprintf(out, len, "%s port %ld is unreachable", host, port);
		else
			snprintf(out, len, "could not connect to %s port %ld: %s", host, port, eb);
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(out, len, "could not resolve host '%s'", host);
		break;
	case CURLE_COULDNT_RESOLVE_PROXY:
		if (f->via)
			snprintf(out, len, "could not resolve the proxy %s (on the way to %s)",
				 proxy, host);
		else
			snprintf(out, len, "could not resolve the proxy: %.200s", eb);
		break;
	default: /* CURLE_OPERATION_TIMEDOUT */
		snprintf(out, len, "no answer from %s port %ld within %ld ms", host, port,
			 f->timeout_ms);
		break;
	}
}

/* TLS: the certificate, the CA file, the handshake. */
static void describe_tls(const struct failure *f, char *out, size_t len)
{
	const char *host = f->host, *eb = f->eb;

	switch (f->a->rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		if (strstr(eb, "expired"))
			snprintf(out, len, "certificate of '%s' has expired", host);
		else if (strstr(eb, "not yet valid"))
			snprintf(out, len,
				 "certificate of '%s' is not yet valid: check both clocks", host);
		else if (strstr(eb, "match"))
			snprintf(out, len, "certificate of '%s' is for another host name", host);
		else
			snprintf(out, len, "certificate of '%s' is not trusted", host);
		break;
	case CURLE_SSL_CACERT_BADFILE:
		snprintf(out, len, "cannot read the CA certificates in '%s'",
			 f->cacert ? f->cacert : "the system store");
		break;
	default: /* CURLE_SSL_CONNECT_ERROR */
		/* OpenSSL reads a plain "HTTP/1.1 400" as a record of a wrong version, GnuTLS as
		 * an unexpected packet: the port speaks HTTP, not TLS. */
		if (strstr(eb, "wrong version number") || strstr(eb, "unexpected TLS packet") ||
		    strstr(eb, "packet length too long") || strstr(eb, "http request"))
			snprintf(out, len,
				 "the server does not speak TLS here; is the URL http://?");
		else
			snprintf(out, len, "tls handshake with %s port %ld failed: %s", f->host,
				 f->port, eb);
		break;
	}
}

/* A receiving failure; returns the code (an unreadable answer is PPS_EPROTO). */
static int describe_recv(const struct failure *f, int code, char *out, size_t len)
{
	const char *host = f->host, *eb = f->eb;
	long port = f->port;

	if (strstr(eb, "Too large response headers")) {
		/* Answered, but not as HTTP can be read: a bad response, not the network. */
		snprintf(out, len,
			 "the response headers from %s port %ld are larger than the 300 KiB "
			 "libcurl accepts",
			 host, port);
		return PPS_EPROTO;
	}
	if (f->via && strstr(eb, "proxy"))
		snprintf(out, len, "the proxy %.120s refused to reach %s port %ld: %.150s",
			 f->proxy, host, port, eb);
	else if (f->a->os_errno == ECONNRESET)
		snprintf(out, len, "connection to %s port %ld was reset", host, port);
	else
		snprintf(out, len, "receiving from %s port %ld failed: %s", host, port, eb);
	return code;
}

/* The exchange broke off: sending, an answer missing, cut short, too large or not HTTP. */
static void describe_exchange(const struct failure *f, char *out, size_t len)
{
	const char *host = f->host, *eb = f->eb;
	long port = f->port;

	switch (f->a->rc) {
	case CURLE_SEND_ERROR:
		if (f->a->os_errno == ECONNRESET || f->a->os_errno == EPIPE)
			snprintf(out, len, "connection to %s port %ld was reset while sending",
				 host, port);
		else
			snprintf(out, len, "sending to %s port %ld failed: %s", host, port, eb);
		break;
	case CURLE_GOT_NOTHING:
		snprintf(out, len, "%s port %ld closed the connection without answering", host,
			 port);
		break;
	case CURLE_PARTIAL_FILE:
		snprintf(out, len, "response body was cut short");
		break;
	case CURLE_SEND_FAIL_REWIND:
		/* on_seek() refused libcurl's silent re-send on a fresh connection. */
		snprintf(out, len, "connection to %s port %ld closed before answering", host, port);
		break;
	case CURLE_FILESIZE_EXCEEDED:
		snprintf(out, len, "response body is larger than 1 GiB");
		break;
	default: /* CURLE_WEIRD_SERVER_REPLY */
		snprintf(out, len, "%s port %ld does not answer in HTTP: %s", host, port, eb);
		break;
	}
}

/* The rest: the write side, memory, any other failure. Returns the code. */
static int describe_other(pps_client *c, const struct failure *f, const struct sink *s, int code,
			  char *out, size_t len)
{
	const char *host = f->host, *eb = f->eb;
	long port = f->port;

	switch (f->a->rc) {
	case CURLE_WRITE_ERROR:
		/* The write side stopped the transfer and said why in the handle. */
		if (s->code) {
			snprintf(out, len, "%s", c->msg);
			return s->code;
		}
		snprintf(out, len, "writing the response failed");
		return code;
	case CURLE_OUT_OF_MEMORY:
		/*
		 * libcurl says "out of memory" for a response header line over its 100 KiB
		 * limit too; once a status line came back, that is by far the likelier cause.
		 */
		if (f->a->status > 0 || f->a->request_size > 0) {
			snprintf(out, len,
				 "a response header from %s port %ld is larger than the 100 KiB "
				 "libcurl accepts",
				 host, port);
			return PPS_EPROTO;
		}
		snprintf(out, len, "out of memory");
		return code;
	default:
		if (code == PPS_ETLS)
			snprintf(out, len, "tls failure with %s port %ld: %s", host, port, eb);
		else
			snprintf(out, len, "request to %s port %ld failed: %s", host, port, eb);
		return code;
	}
}

int pps__http_describe(pps_client *c, const struct attempt *a, const struct sink *s, char *out,
		       size_t len)
{
	struct failure f = { .a = a,
			     .host = c->host,
			     .port = c->port,
			     .timeout_ms = c->timeout_ms,
			     .cacert = c->cacert };
	int code = pps__http_code_from_curl(a->rc);

	f.via = proxy_of(c, f.proxy, sizeof(f.proxy));
	/* libcurl quotes a proxy URL it cannot use whole, credentials and all. */
	pps__http_redact_words(c->http->errbuf[0] ? c->http->errbuf : curl_easy_strerror(a->rc),
			       f.eb, sizeof(f.eb));
	switch (a->rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_OPERATION_TIMEDOUT:
		describe_reach(&f, out, len);
		return code;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
		describe_tls(&f, out, len);
		return code;
	case CURLE_RECV_ERROR:
		return describe_recv(&f, code, out, len);
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SEND_FAIL_REWIND:
	case CURLE_FILESIZE_EXCEEDED:
	case CURLE_WEIRD_SERVER_REPLY:
		describe_exchange(&f, out, len);
		return code;
	default:
		return describe_other(c, &f, s, code, out, len);
	}
}
