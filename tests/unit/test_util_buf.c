/* Unit tests of src/util/buf.c: growth, formatting, the cap, detach. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"

static void test_buf__starts_empty_and_terminated(void **state)
{
	ppsbuf b = PPSBUF_INIT;

	(void)state;
	assert_int_equal(b.len, 0);
	assert_string_equal(b.buf, "");
	ppsbuf_release(&b);
}

static void test_buf__grows_and_formats(void **state)
{
	ppsbuf b = PPSBUF_INIT;

	(void)state;
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ppsbuf_addf(&b, "%d,", i % 10), 0);
	assert_int_equal(b.len, 2000);
	assert_memory_equal(b.buf, "0,1,2,", 6);
	assert_int_equal(b.buf[b.len], '\0');
	ppsbuf_setlen(&b, 3);
	assert_string_equal(b.buf, "0,1");
	ppsbuf_release(&b);
}

static void test_buf__cap_refuses_without_change(void **state)
{
	ppsbuf b;

	(void)state;
	ppsbuf_init(&b, 8);
	assert_int_equal(ppsbuf_adds(&b, "12345678"), 0);
	assert_int_equal(ppsbuf_addch(&b, '9'), -1);
	assert_int_equal(ppsbuf_addf(&b, "%s", "x"), -1);
	assert_string_equal(b.buf, "12345678");
	ppsbuf_release(&b);
}

static void test_buf__detach_hands_over(void **state)
{
	ppsbuf b = PPSBUF_INIT;
	size_t len;
	char *s;

	(void)state;
	s = ppsbuf_detach(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(ppsbuf_add(&b, "a\0b", 3), 0);
	s = ppsbuf_detach(&b, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(s, "a\0b", 3);
	assert_int_equal(b.len, 0);
	free(s);
	ppsbuf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf__starts_empty_and_terminated),
		cmocka_unit_test(test_buf__grows_and_formats),
		cmocka_unit_test(test_buf__cap_refuses_without_change),
		cmocka_unit_test(test_buf__detach_hands_over),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
