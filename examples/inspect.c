/*
 * inspect: reads saved messages (.eml files, or "-" for standard input) and prints the
 * inspection of each as one line of JSON (headers, hops, authentication, links, attachments
 * with their hashes, warnings). The bytes are fed to the inspector as they are read.
 *
 *   cc inspect.c $(pkg-config --cflags --libs pps) -o inspect
 *   ./inspect message.eml
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <pps/pps.h>

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
	json_dumpf(result, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(result);
	return 0;
}

int main(int argc, char **argv)
{
	int i, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: inspect FILE.eml... (- for standard input)\n");
		return 2;
	}
	for (i = 1; i < argc; i++)
		failed |= inspect_file(argv[i]);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
