/* The audit trail's clock, shared by the file (audit.c) and syslog (audit_syslog.c). */
#include <time.h>

#include "cli/auditpriv.h"

#include "util/banned.h"

/* The current time as UTC ISO 8601 (2026-01-02T03:04:05Z). */
void cli_audit_now(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
