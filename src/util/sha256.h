/* SHA-256 (FIPS 180-4) of a byte string, as lower-case hex. No PPS knowledge. */
#ifndef PPS_UTIL_SHA256_H
#define PPS_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* Writes the 64 hex digits and a NUL into hex (65 bytes). */
void sha256_hex(const void *data, size_t len, char hex[65]);

/* The same over data that comes in pieces: init, update per piece, final. */
typedef struct sha256_ctx {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t fill;
} sha256_ctx;
void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final_hex(sha256_ctx *c, char hex[65]);

#endif
