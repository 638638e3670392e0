/*
 * export: a streaming export of a quarantine folder (or a Smart Search with -s) as NDJSON on
 * stdout. Memory stays flat however many records there are: each one is written and dropped
 * as soon as it has arrived.
 *
 *   cc export.c $(pkg-config --cflags --libs pps) -o export
 *   PPS_URL=... PPS_USERNAME=... PPS_PASSWORD=... ./export FOLDER SENDER-PATTERN > out.ndjson
 *   PPS_URL=... PPS_USERNAME=... PPS_PASSWORD=... ./export -s "7 days" > trace.ndjson
 *
 * deb-check-args: -s 2020-01-01T00:00:00Z
 *
 * A body that breaks off is an error: the lines already written stay, the message goes to
 * stderr and the exit status is 1, so a partial export is never taken for a whole one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pps/pps.h>

/* Each record as compact JSON text, made as it is parsed (no tree is built). */
static int write_line(void *ctx, const char *json, size_t len)
{
	size_t *n = ctx;

	if (fwrite(json, 1, len, stdout) != len || putchar('\n') == EOF)
		return -1; /* stops the transfer: the call returns PPS_ECANCELED */
	++*n;
	return 0;
}

/* Each time what arrived is parsed: push the lines out to whoever reads them. */
static int flush_lines(void *ctx)
{
	(void)ctx;
	return fflush(stdout) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	pps_client_options opts = PPS_CLIENT_OPTIONS_INIT;
	pps_client *client = NULL;
	size_t n = 0;
	pps_visitor visitor = { .version = PPS_VISITOR_VERSION,
				.record_text = write_line,
				.ctx = &n,
				.parsed = flush_lines };
	int64_t now = (int64_t)time(NULL);
	char err[256];
	int rc = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: export FOLDER SENDER | export -s SINCE\n");
		return 1;
	}
	opts.url = getenv("PPS_URL");
	opts.username = getenv("PPS_USERNAME");
	opts.password = getenv("PPS_PASSWORD");
	opts.cacert = getenv("PPS_CACERT");
	if (pps_global_init() != 0)
		return 1;
	if (pps_client_new(&client, &opts, err, sizeof(err)) != 0) {
		fprintf(stderr, "export: %s\n", err);
		goto done;
	}
	if (strcmp(argv[1], "-s") == 0) {
		pps_smartsearch_req req = PPS_SMARTSEARCH_REQ_INIT;

		if (pps_time_parse(&req.start, argv[2], now) != 0) {
			fprintf(stderr, "export: bad time '%s'\n", argv[2]);
			goto done;
		}
		req.count = 1000000;
		rc = pps_smartsearch_each(client, &req, &visitor);
	} else {
		pps_quarantine_search_req req = PPS_QUARANTINE_SEARCH_REQ_INIT;

		req.folder = argv[1];
		req.sender = argv[2];
		pps_time_parse(&req.start, "10 years ago", now);
		pps_time_parse(&req.end, "now", now);
		req.limit = 1000;
		rc = pps_quarantine_search_each(client, &req, &visitor);
	}
	if (rc != 0)
		fprintf(stderr, "export: %s (after %zu records)\n",
			pps_client_last_error(client)->message, n);
	else
		fprintf(stderr, "export: %zu records\n", n);
	rc = rc != 0;
done:
	pps_client_free(client);
	pps_global_cleanup();
	return rc;
}
