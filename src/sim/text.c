/* UTF-8 checks (utf8proc) and log-line escaping for pps-sim. */
#include "sim/text.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <utf8proc.h>

#include "util/buf.h"

#include "util/banned.h"

int sim_utf8_valid(const char *s, size_t n)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0;

	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);

		if (k <= 0 || cp == 0)
			return 0;
		i += (size_t)k;
	}
	return 1;
}

char *sim_utf8_scrub(const char *s, size_t n)
{
	static const char replacement[] = "\xEF\xBF\xBD";
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	ppsbuf b = PPSBUF_INIT;
	size_t i = 0;

	if (ppsbuf_grow(&b, n + 1) < 0)
		return NULL;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);

		if (k <= 0 || cp == 0) {
			if (ppsbuf_add(&b, replacement, sizeof(replacement) - 1) < 0)
				goto fail;
			i++;
			continue;
		}
		if (ppsbuf_add(&b, s + i, (size_t)k) < 0)
			goto fail;
		i += (size_t)k;
	}
	if (ppsbuf_adds(&b, "") < 0)
		goto fail;
	return ppsbuf_detach(&b, NULL);
fail:
	ppsbuf_release(&b);
	return NULL;
}

void sim_log_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}
