/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_prefix: prefixes as configuration writes them, and containment. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_prefix.h"

static void
test_dp_prefix_parse_table(void **state)
{
	static const struct {
		const char *text;
		int rc;
		uint8_t family, len;
		uint8_t addr[16];
	} rows[] = {
	    {"192.0.2.0/24", 0, 4, 24, {192, 0, 2, 0}},
	    {"198.51.100.7", 0, 4, 32, {198, 51, 100, 7}},
	    {"0.0.0.0/0", 0, 4, 0, {0}},
	    {"2001:db8::/32", 0, 6, 32, {0x20, 0x01, 0x0d, 0xb8}},
	    {"2001:db8::1", 0, 6, 128, {0x20, 0x01, 0x0d, 0xb8, [15] = 1}},
	    {"192.0.2.1/24", -EINVAL, 0, 0, {0}}, /* host bits set */
	    {"192.0.2.0/33", -EINVAL, 0, 0, {0}},
	    {"2001:db8::/129", -EINVAL, 0, 0, {0}},
	    {"192.0.2.0/", -EINVAL, 0, 0, {0}},
	    {"192.0.2.0/x", -EINVAL, 0, 0, {0}},
	    {"example.org", -EINVAL, 0, 0, {0}},
	    {"", -EINVAL, 0, 0, {0}},
	    {"::ffff:192.0.2.0/120", -EINVAL, 0, 0, {0}}, /* IPv4-mapped: never on the wire */
	    {"::ffff:192.0.2.7", -EINVAL, 0, 0, {0}},
	    {"::/0", 0, 6, 0, {0}}, /* contains the mapped range: fine */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dp_prefix p;
		const char *why = NULL;
		int rc = dp_prefix_parse(rows[i].text, &p, &why);

		print_message("row %zu: %s\n", i, rows[i].text);
		assert_int_equal(rc, rows[i].rc);
		if (rc != 0) {
			assert_non_null(why);
			continue;
		}
		assert_int_equal(p.family, rows[i].family);
		assert_int_equal(p.len, rows[i].len);
		assert_memory_equal(p.addr, rows[i].addr, rows[i].family == 4 ? 4 : 16);
	}
}

static void
test_dp_prefix_contains_table(void **state)
{
	static const struct {
		const char *prefix;
		uint8_t addr[16];
		int in;
	} rows[] = {
	    {"192.0.2.0/24", {192, 0, 2, 0}, 1},
	    {"192.0.2.0/24", {192, 0, 2, 255}, 1},
	    {"192.0.2.0/24", {192, 0, 3, 0}, 0},
	    {"192.0.2.128/25", {192, 0, 2, 127}, 0},
	    {"192.0.2.128/25", {192, 0, 2, 128}, 1},
	    {"0.0.0.0/0", {203, 0, 113, 9}, 1},
	    {"2001:db8::/32", {0x20, 0x01, 0x0d, 0xb8, [15] = 9}, 1},
	    {"2001:db8::/32", {0x20, 0x01, 0x0d, 0xb9}, 0},
	    {"2001:db8::/63", {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1}, 1}, /* 2001:db8:0:1:: */
	    {"2001:db8::/64", {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1}, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dp_prefix p;
		const char *why;

		print_message("row %zu: %s\n", i, rows[i].prefix);
		assert_int_equal(dp_prefix_parse(rows[i].prefix, &p, &why), 0);
		assert_int_equal(!!dp_prefix_contains(&p, rows[i].addr), rows[i].in);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_prefix_parse_table),
	    cmocka_unit_test(test_dp_prefix_contains_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
