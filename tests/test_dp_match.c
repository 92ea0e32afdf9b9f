/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_match.h"

static const struct dp_match_pattern pats[] = {
    {"kaspersky.com", DP_MATCH_DOMAIN, 0, 0, 0},
    {"kaspersky-labs.com", DP_MATCH_DOMAIN, 0, 0, 0},
    {"kaspersky.ru", DP_MATCH_DOMAIN, 0, 0, 0},
    {"example.net", DP_MATCH_DOMAIN, 3, 3, 0},
    {"^ksn-[a-z0-9]+\\.cdn\\.example$", DP_MATCH_REGEX, 5, 5, 0},
    /* One vendor by role, group 7: its own level (8, rank 0), update (9),
     * web (10), a regex of update hosts (11), as ctl_tables ranks them. */
    {"vendor.example", DP_MATCH_DOMAIN, 8, 7, 0},
    {"upd.vendor.example", DP_MATCH_DOMAIN, 9, 7, 3},
    {"www.vendor.example", DP_MATCH_DOMAIN, 10, 7, 3},
    {"^s[0-9]+\\.upd\\.vendor\\.example$", DP_MATCH_REGEX, 11, 7, 1000},
    /* Another vendor's suffix inside the first's names: other group. */
    {"upd.vendor.example", DP_MATCH_DOMAIN, 12, 12, 0},
};

static const struct {
	const char *name;
	uint64_t want;
} rows[] = {
    {"kaspersky.com", 1},
    {"dnl-03.geo.kaspersky.com", 1},
    {"KASPERSKY.COM", 1},
    {"notkaspersky.com", 0},
    {"kaspersky.com.evil.example", 0},
    {"kaspersky.community", 0},
    {"xkaspersky-labs.com", 0},
    {"a.kaspersky-labs.com", 1},
    {"kaspersky.ru", 1},
    {"kasperskyaru", 0}, /* the dot is literal */
    {"www.example.net", 1 << 3},
    {"ksn-42.cdn.example", 1 << 5},
    {"xksn-42.cdn.example", 0},
    {"", 0},
    {"vendor.example", 1 << 8}, /* in no role: the vendor's own level */
    {"blog.vendor.example", 1 << 8},
    {"upd.vendor.example", 1 << 9 | 1 << 12},
    {"a.upd.vendor.example", 1 << 9 | 1 << 12},
    {"s01.upd.vendor.example", 1 << 11 | 1 << 12}, /* the regex outranks the suffix */
    {"www.vendor.example", 1 << 10},
    {"wwwx.vendor.example", 1 << 8},
};

static void
test_dp_match_name_label_boundary(void **state)
{
	struct dp_match *m;
	hs_scratch_t *s = NULL;
	char err[256];
	int idx;

	(void)state;
	assert_int_equal(
	    dp_match_compile(pats, sizeof(pats) / sizeof(pats[0]), &m, err, sizeof(err), &idx), 0);
	assert_int_equal(dp_match_scratch_fit(m, &s), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t v = 99;

		print_message("row %zu: %s\n", i, rows[i].name);
		assert_int_equal(dp_match_name(m, s, rows[i].name, strlen(rows[i].name), &v), 0);
		assert_int_equal(v, rows[i].want);
	}
	hs_free_scratch(s);
	dp_match_free(m);
}

static void
test_dp_match_compile_bad_regex(void **state)
{
	const struct dp_match_pattern bad[] = {
	    {"kaspersky.com", DP_MATCH_DOMAIN, 0, 0, 0},
	    {"(unclosed", DP_MATCH_REGEX, 0, 0, 0},
	};
	struct dp_match *m = NULL;
	char err[256];
	int idx;

	(void)state;
	assert_int_equal(dp_match_compile(bad, 2, &m, err, sizeof(err), &idx), -EINVAL);
	assert_int_equal(idx, 1);
	assert_true(strlen(err) > 0);
	assert_null(m);
}

/* Vendors known only by server prefixes: no patterns, nothing matches. */
static void
test_dp_match_compile_empty(void **state)
{
	struct dp_match *m;
	hs_scratch_t *s = NULL; /* no database: nothing is allocated */
	uint64_t v = 99;
	char err[64];
	int idx;

	(void)state;
	assert_int_equal(dp_match_compile(NULL, 0, &m, err, sizeof(err), &idx), 0);
	assert_int_equal(dp_match_scratch_fit(m, &s), 0);
	assert_null(s);
	assert_int_equal(dp_match_name(m, s, "kaspersky.com", 13, &v), 0);
	assert_int_equal(v, 0);
	dp_match_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_match_name_label_boundary),
	    cmocka_unit_test(test_dp_match_compile_bad_regex),
	    cmocka_unit_test(test_dp_match_compile_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
