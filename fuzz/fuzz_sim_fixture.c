/* Fuzzes the fixture loader with arbitrary text, into one store kept for the whole run. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/fixture.h"
#include "sim/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sim_store *st;
	char err[256];

	if (!st) {
		char dir[] = "/tmp/pps-fuzz-fixture.XXXXXX";
		if (!mkdtemp(dir) || sim_store_open(&st, dir, err, sizeof(err)) != 0)
			abort();
	}
	sim_fixture_load_text(st, (const char *)data, size, "fuzz.json", err, sizeof(err));
	return 0;
}
