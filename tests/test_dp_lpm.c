/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_lpm: longest prefix match over IPv4 and IPv6, sized from the prefixes. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_lpm.h"
#include "tb_eal.h"

static const struct {
	const char *prefix;
	uint32_t index;
} prefixes[] = {
	{"192.0.2.0/24", 1},   {"192.0.2.128/25", 2},    {"192.0.2.200", 3},
	{"2001:db8::/32", 4},  {"2001:db8:1::/48", 5},   {"2001:db8:1::7", 6},
	{"198.51.100.0/24", DP_LPM_MAX_INDEX},
};

static struct dp_lpm *
build(void)
{
	struct dp_lpm_size sz = {0};
	struct dp_prefix p[sizeof(prefixes) / sizeof(prefixes[0])];
	struct dp_lpm *t;
	const char *why;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		assert_int_equal(dp_prefix_parse(prefixes[i].prefix, &p[i], &why), 0);
		dp_lpm_size_add(&sz, &p[i]);
	}
	t = dp_lpm_create("test_lpm", &sz, 0);
	assert_non_null(t);
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		assert_int_equal(dp_lpm_add(t, &p[i], prefixes[i].index), 0);
	return t;
}

static void
test_dp_lpm_lookup_longest(void **state)
{
	static const struct {
		const char *addr;
		uint32_t index;
	} rows[] = {
		{"192.0.2.1", 1},       {"192.0.2.127", 1},  {"192.0.2.128", 2},
		{"192.0.2.200", 3},     {"192.0.2.201", 2},  {"192.0.3.1", 0},
		{"203.0.113.1", 0},     {"198.51.100.9", DP_LPM_MAX_INDEX},
		{"2001:db8::1", 4},     {"2001:db8:1::1", 5}, {"2001:db8:1::7", 6},
		{"2001:db8:2::7", 4},   {"2001:db9::1", 0},  {"::1", 0},
	};
	struct dp_lpm *t = build();

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t a[16] = {0};
		uint8_t family = strchr(rows[i].addr, ':') ? 6 : 4;

		assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, rows[i].addr, a), 1);
		print_message("row %zu: %s\n", i, rows[i].addr);
		assert_int_equal(dp_lpm_lookup(t, family, a), rows[i].index);
	}
	dp_lpm_free(t);
}

static void
test_dp_lpm_add_limits(void **state)
{
	struct dp_lpm_size sz = {0};
	struct dp_prefix p;
	struct dp_lpm *t;
	const char *why;

	(void)state;
	assert_int_equal(dp_prefix_parse("203.0.113.0/24", &p, &why), 0);
	dp_lpm_size_add(&sz, &p);
	t = dp_lpm_create("test_lpm_lim", &sz, 0);
	assert_non_null(t);
	/* rte_lpm6 keeps 21 bits of next hop: an index past them is refused. */
	assert_int_equal(dp_lpm_add(t, &p, DP_LPM_MAX_INDEX + 1), -ERANGE);
	assert_int_equal(dp_lpm_add(t, &p, 9), 0);
	assert_int_equal(dp_lpm_lookup(t, 4, (const uint8_t[]){203, 0, 113, 5}), 9);
	dp_lpm_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dp_lpm_lookup_longest),
		cmocka_unit_test(test_dp_lpm_add_limits),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
