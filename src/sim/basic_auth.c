/*
 * Basic credentials read strictly (basic_auth.h). libmicrohttpd's own reader hands the password
 * back as a C string, so "user:pass\0junk" would log in as user:pass.
 */
#include "sim/basic_auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/banned.h"

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes n bytes of padded base64 into out (room for n / 4 * 3 + 1); the length, or -1. */
static long b64_decode(const char *in, size_t n, unsigned char *out)
{
	size_t o = 0;

	if (n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)in[i + (size_t)k];

			/* '=' only in the last group, only at its end. */
			if (c == '=' && i + 4 == n && k >= 2) {
				pad++;
				v[k] = 0;
				continue;
			}
			if (pad || (v[k] = b64_value(c)) < 0)
				return -1;
		}
		out[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (unsigned char)((v[1] & 15) << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (unsigned char)((v[2] & 3) << 6 | v[3]);
	}
	return (long)o;
}

enum sim_basic sim_basic_parse(const char *header, char **user, char **pass)
{
	const char *p;
	unsigned char *raw;
	const unsigned char *colon;
	size_t n;
	long len;
	enum sim_basic ret = SIM_BASIC_MALFORMED;

	*user = *pass = NULL;
	if (!header || strncasecmp(header, "Basic", 5) != 0 ||
	    (header[5] != ' ' && header[5] != '\t'))
		return SIM_BASIC_NONE;
	for (p = header + 5; *p == ' ' || *p == '\t'; p++)
		;
	n = strcspn(p, " \t");
	if (p[n] && p[n + strspn(p + n, " \t")])
		return SIM_BASIC_MALFORMED; /* something after the token */
	raw = malloc(n / 4 * 3 + 1);
	if (!raw)
		return SIM_BASIC_NOMEM;
	len = b64_decode(p, n, raw);
	if (len < 0)
		goto done;
	if (memchr(raw, '\0', (size_t)len)) {
		ret = SIM_BASIC_NUL;
		goto done;
	}
	colon = memchr(raw, ':', (size_t)len);
	if (!colon)
		goto done;
	*user = strndup((const char *)raw, (size_t)(colon - raw));
	*pass = strndup((const char *)colon + 1, (size_t)(raw + len - colon - 1));
	if (!*user || !*pass) {
		free(*user);
		free(*pass);
		*user = *pass = NULL;
		ret = SIM_BASIC_NOMEM;
		goto done;
	}
	ret = SIM_BASIC_OK;
done:
	free(raw);
	return ret;
}
