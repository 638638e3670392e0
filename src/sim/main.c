/* pps-sim: an emulator of the PPS REST API. Flags, start-up, signals, shutdown. */
#include <stdio.h>
#include <string.h>

#include "pps/version.h"

int main(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: pps-sim [--listen ADDR:PORT] [--state-dir DIR] [--seed N]\n");
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("pps-sim %s\n", PPS_VERSION);
		return 0;
	}
	fprintf(stderr, "pps-sim: not yet able to serve\n");
	return 2;
}
