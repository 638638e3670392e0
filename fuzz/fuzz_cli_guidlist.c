/*
 * Fuzzes the local_guid line parser: any bytes are lines of GUIDs, quoted GUIDs, comma lists or
 * JSON records. Checks that a valid entry's GUID has a GUID's shape and that duplicates point back.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/guidlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cli_guidlist l = CLI_GUIDLIST_INIT;
	const char *folder = size && (data[0] & 1) ? "Quarantine" : NULL;

	if (cli_guidlist_parse(&l, (const char *)data, size) == 0 &&
	    (folder || cli_guidlist_resolve_folders(&l) == 0) &&
	    cli_guidlist_mark_duplicates(&l, folder) == 0) {
		for (size_t i = 0; i < l.n; i++) {
			const cli_guid_entry *e = &l.v[i];

			if (!e->text || e->line == 0)
				abort();
			if (!e->why && (!e->guid || !cli_guid_valid(e->guid)))
				abort();
			if (!e->why && !folder && !e->folder)
				abort();
			if (e->dup_of && (e->why || e->dup_of > i || l.v[e->dup_of - 1].dup_of ||
					  strcmp(l.v[e->dup_of - 1].guid, e->guid) != 0))
				abort();
		}
	}
	cli_guidlist_release(&l);
	return 0;
}
