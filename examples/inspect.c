/*
 * inspect: reads saved messages (.eml files, or "-" for standard input) and prints the
 * inspection of each as one line of JSON (headers, hops, authentication, links, attachments
 * with their hashes, warnings). The bytes are fed to the inspector as they are read.
 * "guid=G" inspects a quarantined message as it downloads, from the server of PPS_URL
 * (PPS_USERNAME, PPS_PASSWORD and, for a private CA, PPS_CACERT).
 *
 *   cc inspect.c $(pkg-config --cflags --libs pps) -o inspect
 *   ./inspect message.eml
 *   PPS_URL=https://127.0.0.1:10000 PPS_USERNAME=api PPS_PASSWORD=secret ./inspect guid=G
 *
 * deb-check-args: inspect.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <pps/pps.h>

static void print(json_t *result)
{
	json_dumpf(result, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(result);
}

static int inspect_guid(const char *guid)
{
	pps_client_options opts;
	pps_client *client = NULL;
	json_t *result = NULL;
	char err[256];
	int rc;

	pps_client_options_init(&opts, PPS_CLIENT_OPTIONS_VERSION);
	opts.url = getenv("PPS_URL");
	opts.username = getenv("PPS_USERNAME");
	opts.password = getenv("PPS_PASSWORD");
	opts.cacert = getenv("PPS_CACERT");
	if (pps_client_new(&client, &opts, err, sizeof(err)) != 0) {
		fprintf(stderr, "inspect: %s\n", err);
		return 1;
	}
	rc = pps_quarantine_inspect(&result, client, guid, NULL);
	if (rc != 0)
		fprintf(stderr, "inspect: '%s': %s: %s\n", guid, pps_code_name(rc),
			pps_client_last_error(client)->message);
	else
		print(result);
	pps_client_free(client);
	return rc != 0;
}

static int inspect_file(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	pps_inspector *in = NULL;
	json_t *result = NULL;
	char buf[65536];
	size_t n;
	int rc;

	if (!f) {
		fprintf(stderr, "inspect: cannot open '%s'\n", path);
		return 1;
	}
	rc = pps_inspector_new(&in, NULL);
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		rc = pps_inspector_feed(in, buf, n);
	if (rc == 0 && !ferror(f))
		rc = pps_inspector_finish(&result, in);
	if (f != stdin)
		fclose(f);
	pps_inspector_free(in);
	if (rc != 0 || !result) {
		fprintf(stderr, "inspect: '%s': %s\n", path, pps_code_name(rc));
		return 1;
	}
	print(result);
	return 0;
}

int main(int argc, char **argv)
{
	int i, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: inspect FILE.eml|-|guid=GUID...\n");
		return 2;
	}
	for (i = 1; i < argc; i++)
		failed |= strncmp(argv[i], "guid=", 5) ? inspect_file(argv[i])
						       : inspect_guid(argv[i] + 5);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
