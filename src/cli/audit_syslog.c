/*
 * audit_syslog = on: each audit line also goes to the local syslog socket (a datagram unix
 * socket, /dev/log unless audit_syslog_socket names another) as one RFC 5424 message:
 * "<13>1 TIMESTAMP HOST pps PID audit - JSON" (facility user, severity notice). The file is the
 * record: a failure here warns once and never stops an action.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/auditpriv.h"
#include "cli/cli.h"
#include "util/buf.h"

#include "util/banned.h"

/* LOG_USER (1) * 8 + LOG_NOTICE (5). */
#define AUDIT_PRI 13

static void warn_once(cli_ctx *ctx, int err)
{
	struct cli_audit *a = ctx->audit;

	if (a->syslog_warned)
		return;
	a->syslog_warned = 1;
	cli_errorf(ctx,
		   "warning: audit_syslog: cannot send to the syslog socket '%s': %s (the audit "
		   "file '%s' holds the record)",
		   a->syslog_socket, strerror(err), a->path ? a->path : "");
}

static int connect_socket(struct cli_audit *a)
{
	struct sockaddr_un sun;

	if (strlen(a->syslog_socket) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, a->syslog_socket, strlen(a->syslog_socket) + 1);
	a->syslog_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (a->syslog_fd < 0)
		return -1;
	if (connect(a->syslog_fd, (const struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;

		close(a->syslog_fd);
		a->syslog_fd = -1;
		errno = e;
		return -1;
	}
	return 0;
}

void cli_audit_syslog(cli_ctx *ctx, const char *json)
{
	struct cli_audit *a = ctx->audit;
	char now[32], host[256];
	ppsbuf b = PPSBUF_INIT;
	ssize_t n;

	if (a->syslog_warned)
		return;
	if (a->syslog_fd < 0 && connect_socket(a)) {
		warn_once(ctx, errno);
		return;
	}
	cli_audit_now(now);
	if (gethostname(host, sizeof(host)) || !host[0])
		snprintf(host, sizeof(host), "-");
	host[sizeof(host) - 1] = '\0';
	/* A host name with a space would shift the header's fields. */
	for (char *p = host; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			*p = '_';
	if (ppsbuf_addf(&b, "<%d>1 %s %s pps %ld audit - %s", AUDIT_PRI, now, host, (long)getpid(),
			json)) {
		warn_once(ctx, ENOMEM);
		return;
	}
	do
		n = send(a->syslog_fd, b.buf, b.len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		warn_once(ctx, errno);
	ppsbuf_release(&b);
}
