/* SHA-256 (FIPS 180-4) of a byte string, as lower-case hex. No PPS knowledge. */
#ifndef PPS_UTIL_SHA256_H
#define PPS_UTIL_SHA256_H

#include <stddef.h>

/* Writes the 64 hex digits and a NUL into hex (65 bytes). */
void sha256_hex(const void *data, size_t len, char hex[65]);

#endif
