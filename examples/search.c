/*
 * search: a Smart Search over the last hours, one line per record as it arrives.
 *
 *   cc search.c $(pkg-config --cflags --libs pps) -o search
 *   PPS_URL=https://pps.example.com:10000 PPS_USERNAME=api PPS_PASSWORD=... ./search 24 [recipient]
 *
 * PPS_CACERT names a CA file to trust. Exit status: 0, or 1 with libpps's message on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>
#include <pps/pps.h>

static const char *field(json_t *record, const char *name)
{
	const char *s = json_string_value(json_object_get(record, name));

	return s ? s : "-";
}

/* Called with each record while the answer is still arriving; the record is lent. */
static int print_record(void *ctx, json_t *record)
{
	size_t *n = ctx;

	++*n;
	printf("%s  %s  %s -> %s  %s\n", field(record, "Date"), field(record, "GUID"),
	       field(record, "Sender"), field(record, "Recipients"), field(record, "Subject"));
	return 0;
}

int main(int argc, char **argv)
{
	pps_client_options opts = PPS_CLIENT_OPTIONS_INIT;
	pps_smartsearch_req req = PPS_SMARTSEARCH_REQ_INIT;
	pps_client *client = NULL;
	size_t n = 0;
	pps_visitor visitor = { .version = PPS_VISITOR_VERSION, .record = print_record, .ctx = &n };
	char since[32], err[256];
	int rc = 1;

	snprintf(since, sizeof(since), "%s hours ago", argc > 1 ? argv[1] : "24");
	opts.url = getenv("PPS_URL");
	opts.username = getenv("PPS_USERNAME");
	opts.password = getenv("PPS_PASSWORD");
	opts.cacert = getenv("PPS_CACERT");
	if (pps_global_init() != 0)
		return 1;
	if (pps_client_new(&client, &opts, err, sizeof(err)) != 0) {
		fprintf(stderr, "search: %s\n", err);
		goto done;
	}
	if (pps_time_parse(&req.start, since, (int64_t)time(NULL)) != 0) {
		fprintf(stderr, "search: bad number of hours '%s'\n", argv[1]);
		goto done;
	}
	req.env_rcpt = argc > 2 ? argv[2] : NULL;
	req.count = 1000;
	if (pps_smartsearch_each(client, &req, &visitor) != 0) {
		fprintf(stderr, "search: %s\n", pps_client_last_error(client)->message);
		goto done;
	}
	fprintf(stderr, "search: %zu records\n", n);
	rc = 0;
done:
	pps_client_free(client);
	pps_global_cleanup();
	return rc;
}
