/* pps: the command line over libpps. Global options, then dispatch through the command table. */
#include <stdio.h>
#include <string.h>

#include "pps/pps.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("pps %s\n", PPS_VERSION);
		return 0;
	}
	fprintf(stderr, "usage: pps [--version]\n");
	return 2;
}
