/*
 * The CMake consumer: asks the server named by PPS_URL (PPS_USERNAME, PPS_PASSWORD, PPS_CACERT)
 * for its health and prints the parsed body with jansson, which comes in through pps::pps.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>
#include <pps/pps.h>

int main(void)
{
	pps_client_options opts;
	pps_client *client = NULL;
	pps_response *resp = NULL;
	char err[256], *text = NULL;
	int status = EXIT_FAILURE;

	pps_client_options_init(&opts, PPS_CLIENT_OPTIONS_VERSION);
	opts.url = getenv("PPS_URL");
	opts.username = getenv("PPS_USERNAME");
	opts.password = getenv("PPS_PASSWORD");
	opts.cacert = getenv("PPS_CACERT");
	if (pps_global_init() != PPS_OK)
		return EXIT_FAILURE;
	if (pps_client_new(&client, &opts, err, sizeof(err)) != PPS_OK) {
		fprintf(stderr, "consumer: %s\n", err);
		goto done;
	}
	if (pps_health(&resp, client) != PPS_OK) {
		fprintf(stderr, "consumer: %s\n", pps_client_last_error(client)->message);
		goto done;
	}
	/* resp->json is owned by resp; json_dumps returns a new string we free. */
	text = resp->json ? json_dumps(resp->json, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (!text) {
		fprintf(stderr, "consumer: the health answer is not JSON\n");
		goto done;
	}
	printf("consumer: pps %s, HTTP %ld, %s\n", PPS_VERSION, resp->status, text);
	status = EXIT_SUCCESS;

done:
	free(text);
	pps_response_free(resp);
	pps_client_free(client);
	pps_global_cleanup();
	return status;
}
