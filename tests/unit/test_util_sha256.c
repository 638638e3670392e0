/* Unit tests of src/util/sha256.c: the FIPS 180-4 vectors and every padding boundary. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/sha256.h"

static void check(const void *data, size_t len, const char *want)
{
	char hex[65];

	sha256_hex(data, len, hex);
	assert_string_equal(hex, want);
}

static void test_sha256__fips_vectors(void **state)
{
	char *million = malloc(1000000);

	(void)state;
	check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	assert_non_null(million);
	memset(million, 'a', 1000000);
	check(million, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

static void test_sha256__padding_boundaries(void **state)
{
	static const struct {
		size_t n;
		const char *want;
	} cases[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
		{ 120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c" },
	};
	char buf[128];

	(void)state;
	memset(buf, 'a', sizeof(buf));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(buf, cases[i].n, cases[i].want);
}

/* Fed in pieces of every size, the digest is the one of the whole. */
static void test_sha256__pieces(void **state)
{
	char buf[300], whole[65], hex[65];

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7);
	sha256_hex(buf, sizeof(buf), whole);
	for (size_t step = 1; step <= 130; step++) {
		sha256_ctx c;

		sha256_init(&c);
		for (size_t at = 0; at < sizeof(buf); at += step)
			sha256_update(&c, buf + at,
				      at + step > sizeof(buf) ? sizeof(buf) - at : step);
		sha256_final_hex(&c, hex);
		assert_string_equal(hex, whole);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256__fips_vectors),
		cmocka_unit_test(test_sha256__padding_boundaries),
		cmocka_unit_test(test_sha256__pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
