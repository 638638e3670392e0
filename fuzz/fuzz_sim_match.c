/*
 * Fuzzes the emulator's matchers: the first line is a pattern, the rest the subject or address.
 * Partial-address patterns, the analyzer, the quarantine matchers and list matching all run.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sim_analyzer *an;
	char *text = malloc(size + 1);
	char *value, *nl, *q, *s;
	sim_addr_pattern *p;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	nl = strchr(text, '\n');
	value = nl ? nl + 1 : text + size;
	if (nl)
		*nl = '\0';
	p = sim_addr_pattern_new(text);
	if (p) {
		sim_addr_match(p, value);
		sim_addr_pattern_free(p);
	}
	if (!an)
		an = sim_analyzer_new();
	if (an) {
		q = sim_analyze(an, text, 1);
		s = sim_analyze(an, value, 0);
		if (q && s)
			sim_subject_match(q, s);
		free(q);
		free(s);
	}
	sim_qaddr_match(text, value);
	sim_qsubject_match(text, value);
	sim_list_match(text, value);
	free(text);
	return 0;
}
