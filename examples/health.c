/*
 * health: asks a PPS server for its health (GET /pss/health) and prints the HTTP status and the
 * server's answer. The server and the account come from the environment: PPS_URL, PPS_USERNAME,
 * PPS_PASSWORD and, for a private CA, PPS_CACERT.
 *
 *   cc health.c $(pkg-config --cflags --libs pps) -o health
 *   PPS_URL=https://127.0.0.1:10000 PPS_USERNAME=api PPS_PASSWORD=secret ./health
 */
#include <stdio.h>
#include <stdlib.h>

#include <pps/pps.h>

int main(void)
{
	pps_client_options opts;
	pps_client *client = NULL;
	pps_response *resp = NULL;
	char err[256];
	int rc, status = EXIT_FAILURE;

	pps_client_options_init(&opts, PPS_CLIENT_OPTIONS_VERSION);
	opts.url = getenv("PPS_URL");
	opts.username = getenv("PPS_USERNAME");
	opts.password = getenv("PPS_PASSWORD");
	opts.cacert = getenv("PPS_CACERT");
	if (!opts.url || !opts.username || !opts.password) {
		fprintf(stderr, "health: set PPS_URL, PPS_USERNAME and PPS_PASSWORD\n");
		return 2;
	}
	if (pps_global_init() != PPS_OK) {
		fprintf(stderr, "health: cannot set up libpps\n");
		return EXIT_FAILURE;
	}
	rc = pps_client_new(&client, &opts, err, sizeof(err));
	if (rc != PPS_OK) {
		fprintf(stderr, "health: %s\n", err);
		goto done;
	}

	rc = pps_health(&resp, client);
	if (rc != PPS_OK) {
		/* The detail of the failure stays in the client until its next call. */
		const pps_error *e = pps_client_last_error(client);
		fprintf(stderr, "health: %s (%s, HTTP %ld)\n", e->message, pps_code_name(rc),
			e->http_status);
		goto done;
	}
	printf("status %ld\n%.*s\n", resp->status, (int)resp->body_len, resp->body);
	status = EXIT_SUCCESS;

done:
	pps_response_free(resp);
	pps_client_free(client);
	pps_global_cleanup();
	return status;
}
