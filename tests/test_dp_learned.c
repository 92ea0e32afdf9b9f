/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_learned: server addresses with an expiry, merged, replaced for room,
 * walked for the state file. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_learned.h"
#include "tb_eal.h"

static const uint8_t A[16] = {198, 51, 100, 80};
static const uint8_t B[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x80};

/* Each step adds (when vendors != 0) and then looks up at `at`. */
static void
test_dp_learned_add_lookup_table(void **state)
{
	static const struct {
		const uint8_t *addr;
		uint8_t family;
		uint64_t vendors; /* added with expires at now; 0: no add */
		uint32_t expires, now;
		uint32_t at;
		uint64_t want;
	} rows[] = {
	    {A, 4, 1, 100, 10, 50, 1},	 /* learned, in force */
	    {A, 4, 0, 0, 0, 99, 1},	 /* the last second before expiry */
	    {A, 4, 0, 0, 0, 100, 0},	 /* expired at its expiry */
	    {A, 4, 2, 200, 120, 150, 2}, /* relearned after expiry: only the new vendor */
	    {A, 4, 1, 140, 130, 150, 3}, /* merged; the later expiry (200) kept */
	    {A, 4, 0, 0, 0, 199, 3},	 {B, 6, 4, 300, 70, 250, 4}, /* IPv6 beside it */
	    {A, 4, 0, 0, 0, 250, 0},
	};
	uint64_t evicted = 0;
	struct dp_learned t;

	(void)state;
	assert_int_equal(dp_learned_init(&t, 64, &evicted, 0), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("row %zu\n", i);
		if (rows[i].vendors != 0)
			dp_learned_add(&t, rows[i].family, rows[i].addr, rows[i].vendors,
				       rows[i].expires, rows[i].now);
		assert_int_equal(dp_learned_lookup(&t, rows[i].family, rows[i].addr, rows[i].at),
				 rows[i].want);
	}
	assert_int_equal(evicted, 0);
	dp_learned_fini(&t);
}

static int
count_entry(void *arg, const struct dp_learned_entry *e)
{
	uint64_t *seen = arg;

	seen[0]++;
	seen[1] |= e->vendors;
	return 0;
}

static int
stop_at_first(void *arg, const struct dp_learned_entry *e)
{
	(void)arg;
	(void)e;
	return 7;
}

/* A table of DP_LEARNED_PROBE slots holds that many addresses; one more
 * replaces the one expiring first, counted as evicted. */
static void
test_dp_learned_evicts_earliest(void **state)
{
	uint64_t evicted = 0, seen[2] = {0};
	struct dp_learned t;
	uint8_t a[16] = {203, 0, 113, 0};

	(void)state;
	assert_int_equal(dp_learned_init(&t, 8, &evicted, 0), -EINVAL);	 /* below the probe */
	assert_int_equal(dp_learned_init(&t, 24, &evicted, 0), -EINVAL); /* not a power of two */
	assert_int_equal(dp_learned_init(&t, DP_LEARNED_PROBE, &evicted, 0), 0);
	for (unsigned i = 0; i < DP_LEARNED_PROBE; i++) {
		a[3] = (uint8_t)(i + 1);
		dp_learned_add(&t, 4, a, 1u << (i % 8), 1000 + i, 0);
	}
	assert_int_equal(evicted, 0);
	a[3] = 200;
	dp_learned_add(&t, 4, a, 1, 5000, 0);
	assert_int_equal(evicted, 1);
	a[3] = 1; /* expired first: the one replaced */
	assert_int_equal(dp_learned_lookup(&t, 4, a, 0), 0);
	a[3] = 2;
	assert_int_equal(dp_learned_lookup(&t, 4, a, 0), 2);
	assert_int_equal(dp_learned_iterate(&t, count_entry, seen), 0);
	assert_int_equal(seen[0], DP_LEARNED_PROBE);
	assert_int_equal(seen[1], 0xff);
	assert_int_equal(dp_learned_iterate(&t, stop_at_first, NULL), 7);
	dp_learned_fini(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_learned_add_lookup_table),
	    cmocka_unit_test(test_dp_learned_evicts_earliest),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
