/*
 * bulk_release: releases quarantined messages of one folder, GUIDs read one per line from
 * stdin, in batches of 100 (one POST each, never sent twice).
 *
 *   cc bulk_release.c $(pkg-config --cflags --libs pps) -o bulk_release
 *   PPS_URL=... PPS_USERNAME=... PPS_PASSWORD=... ./bulk_release Quarantine < guids.txt
 *   PPS_URL=... PPS_USERNAME=... PPS_PASSWORD=... ./bulk_release Quarantine 4:2:6 4:2:7
 *
 * It ends with a count on stdout.
 *
 * deb-check-args: Quarantine
 *
 * Exit status: 0 when every batch was released; 1 otherwise (each failure on stderr); 2 when
 * the outcome of a batch is unknown (its answer was lost: check before trying it again).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pps/pps.h>

#define BATCH 100

/* Releases the comma list of GUIDs in ids; prints the server's answer. */
static int release(pps_client *client, const char *folder, const char *ids)
{
	pps_quarantine_action_req req = PPS_QUARANTINE_ACTION_REQ_INIT;
	pps_response *resp = NULL;
	int rc;

	req.action = PPS_QA_RELEASE;
	req.folder = folder;
	req.localguid = ids;
	req.scan = PPS_FLAG_FALSE;
	rc = pps_quarantine_action(&resp, client, &req);
	if (rc == 0)
		printf("%s\n", resp->message);
	else
		fprintf(stderr, "bulk_release: %s: %s\n", pps_code_name(rc),
			pps_client_last_error(client)->message);
	pps_response_free(resp);
	return rc;
}

int main(int argc, char **argv)
{
	pps_client_options opts = PPS_CLIENT_OPTIONS_INIT;
	pps_client *client = NULL;
	char line[256], err[256];
	char *ids = NULL;
	size_t len = 0, n = 0, total = 0, batches = 0;
	int status = 0, rc, arg = 2;

	if (argc < 2) {
		fprintf(stderr,
			"usage: bulk_release FOLDER [GUID...] (else one GUID a line on stdin)\n");
		return 1;
	}
	opts.url = getenv("PPS_URL");
	opts.username = getenv("PPS_USERNAME");
	opts.password = getenv("PPS_PASSWORD");
	opts.cacert = getenv("PPS_CACERT");
	if (pps_global_init() != 0)
		return 1;
	if (pps_client_new(&client, &opts, err, sizeof(err)) != 0) {
		fprintf(stderr, "bulk_release: %s\n", err);
		status = 1;
		goto done;
	}
	ids = malloc(BATCH * sizeof(line));
	if (!ids) {
		status = 1;
		goto done;
	}
	for (;;) {
		int more;

		/* The GUIDs on the command line, else the lines of stdin. */
		if (argc > 2) {
			more = arg < argc;
			if (more)
				snprintf(line, sizeof(line), "%s", argv[arg++]);
		} else {
			more = fgets(line, sizeof(line), stdin) != NULL;
		}
		if (more)
			line[strcspn(line, "\r\n")] = '\0';
		if (more && line[0]) {
			len += (size_t)snprintf(ids + len, BATCH * sizeof(line) - len, "%s%s",
						n ? "," : "", line);
			n++;
		}
		if (n && (n == BATCH || !more)) {
			rc = release(client, argv[1], ids);
			if (rc == PPS_EUNKNOWN)
				status = 2;
			else if (rc != 0 && status == 0)
				status = 1;
			total += n;
			batches++;
			len = 0;
			n = 0;
		}
		if (!more)
			break;
	}
	printf("bulk_release: %zu GUIDs in %zu batches, %s\n", total, batches,
	       status == 0   ? "all released"
	       : status == 2 ? "some outcomes unknown"
			     : "some failed");
done:
	free(ids);
	pps_client_free(client);
	pps_global_cleanup();
	return status;
}
