/* SPDX-License-Identifier: BSD-3-Clause */
/* Stream reassembly: pieces in every order, overlaps keep the first copy,
 * the size bound and the range bound. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_reasm.h"
#include "tb_eal.h"

struct piece {
	uint32_t off, len;
	uint8_t fill; /* 0: the stream's own bytes; else this byte */
	int contig;   /* expected after adding */
};

struct row {
	const char *what;
	struct piece p[6];
	unsigned n;
	unsigned ranges; /* held at the end */
};

/* Stream byte i is (uint8_t)(i * 13 + 1); buffers hold 100 bytes. */
static const struct row rows[] = {
    {"in order", {{0, 40, 0, 40}, {40, 40, 0, 80}, {80, 20, 0, 100}}, 3, 1},
    {"reversed", {{80, 20, 0, 0}, {40, 40, 0, 0}, {0, 40, 0, 100}}, 3, 1},
    {"hole filled last",
     {{0, 10, 0, 10}, {20, 10, 0, 10}, {40, 10, 0, 10}, {10, 10, 0, 30}, {30, 10, 0, 50}},
     5,
     1},
    {"retransmission garbled: first copy kept",
     {{0, 30, 0, 30}, {0, 30, 0xee, 30}, {10, 40, 0, 50}},
     3,
     1},
    {"overlap spanning two ranges",
     {{10, 10, 0, 0}, {30, 10, 0, 0}, {5, 40, 0, 0}, {0, 5, 0, 45}},
     4,
     1},
    {"past the end is dropped", {{90, 30, 0, 0}, {0, 90, 0, 100}}, 2, 1},
    {"starting past the end", {{100, 10, 0, 0}, {0, 10, 0, 10}}, 2, 1},
};

static uint8_t
stream_byte(uint32_t i)
{
	return (uint8_t)(i * 13 + 1);
}

static void
test_dp_reasm_add_table(void **state)
{
	struct dp_reasm_pool pool;

	(void)state;
	assert_int_equal(dp_reasm_pool_init(&pool, 2, 100, 0), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		int idx = dp_reasm_alloc(&pool);
		int contig = 0;

		print_message("row %zu: %s\n", i, r->what);
		assert_true(idx >= 0);
		for (unsigned k = 0; k < r->n; k++) {
			uint8_t d[200];

			for (uint32_t j = 0; j < r->p[k].len; j++)
				d[j] = r->p[k].fill ? r->p[k].fill : stream_byte(r->p[k].off + j);
			contig = dp_reasm_add(&pool, (uint32_t)idx, r->p[k].off, d, r->p[k].len);
			assert_int_equal(contig, r->p[k].contig);
		}
		for (int j = 0; j < contig; j++)
			assert_int_equal(dp_reasm_data(&pool, (uint32_t)idx)[j],
					 stream_byte((uint32_t)j));
		assert_int_equal(pool.bufs[idx].n, r->ranges);
		dp_reasm_free(&pool, (uint32_t)idx);
	}
	dp_reasm_pool_fini(&pool);
}

/* More disjoint pieces than ranges are kept: refused, not grown. */
static void
test_dp_reasm_add_too_many_ranges(void **state)
{
	struct dp_reasm_pool pool;
	uint8_t d[4] = {1, 2, 3, 4};
	int idx;

	(void)state;
	assert_int_equal(dp_reasm_pool_init(&pool, 1, 1000, 0), 0);
	idx = dp_reasm_alloc(&pool);
	for (uint32_t k = 0; k < DP_REASM_MAX_RANGES; k++)
		assert_int_equal(dp_reasm_add(&pool, (uint32_t)idx, 10 + k * 10, d, 4), 0);
	assert_int_equal(dp_reasm_add(&pool, (uint32_t)idx, 500, d, 4), -ENOSPC);
	/* Pieces that join held ranges still go in. */
	assert_int_equal(dp_reasm_add(&pool, (uint32_t)idx, 14, d, 4), 0);
	assert_int_equal(pool.bufs[idx].n, DP_REASM_MAX_RANGES);
	assert_int_equal(dp_reasm_alloc(&pool), -ENOBUFS);
	dp_reasm_free(&pool, (uint32_t)idx);
	assert_int_equal(dp_reasm_alloc(&pool), idx);
	dp_reasm_pool_fini(&pool);
}

/* Shifting out a consumed prefix: what stays is the stream from there on,
 * gaps and ranges kept at their new offsets.  Pieces as in rows (byte i of
 * the stream is stream_byte(i)); after add, shift by 'by'. */
static const struct {
	const char *what;
	struct piece p[3];
	unsigned n, by;
	unsigned contig, ranges, last_hi; /* after the shift */
} shifts[] = {
    {"all consumed", {{0, 40, 0, 40}}, 1, 40, 0, 0, 0},
    {"part consumed", {{0, 40, 0, 40}}, 1, 15, 25, 1, 25},
    {"gap kept", {{0, 30, 0, 30}, {50, 10, 0, 30}}, 2, 30, 0, 1, 30},
    {"gap moves down", {{0, 30, 0, 30}, {50, 10, 0, 30}}, 2, 20, 10, 2, 40},
    {"more than contig is cut to contig", {{0, 10, 0, 10}, {20, 5, 0, 10}}, 2, 99, 0, 1, 15},
};

static void
test_dp_reasm_shift_table(void **state)
{
	struct dp_reasm_pool pool;

	(void)state;
	assert_int_equal(dp_reasm_pool_init(&pool, 1, 100, 0), 0);
	for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
		int idx = dp_reasm_alloc(&pool);
		uint32_t by;

		print_message("row %zu: %s\n", i, shifts[i].what);
		assert_true(idx >= 0);
		for (unsigned k = 0; k < shifts[i].n; k++) {
			const struct piece *pc = &shifts[i].p[k];
			uint8_t d[100];

			for (uint32_t b = 0; b < pc->len; b++)
				d[b] = stream_byte(pc->off + b);
			assert_int_equal(dp_reasm_add(&pool, (uint32_t)idx, pc->off, d, pc->len),
					 (int)pc->contig);
		}
		by = shifts[i].by < shifts[i].p[0].len ? shifts[i].by : shifts[i].p[0].len;
		dp_reasm_shift(&pool, (uint32_t)idx, shifts[i].by);
		assert_int_equal(dp_reasm_contig(&pool, (uint32_t)idx), shifts[i].contig);
		assert_int_equal(pool.bufs[idx].n, shifts[i].ranges);
		if (shifts[i].ranges > 0)
			assert_int_equal(pool.bufs[idx].r[shifts[i].ranges - 1].hi,
					 shifts[i].last_hi);
		/* Held bytes are the stream's from 'by' on. */
		for (unsigned r = 0; r < pool.bufs[idx].n; r++)
			for (uint32_t b = pool.bufs[idx].r[r].lo; b < pool.bufs[idx].r[r].hi; b++)
				assert_int_equal(dp_reasm_data(&pool, (uint32_t)idx)[b],
						 stream_byte(b + by));
		dp_reasm_free(&pool, (uint32_t)idx);
	}
	dp_reasm_pool_fini(&pool);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_reasm_add_table),
	    cmocka_unit_test(test_dp_reasm_add_too_many_ranges),
	    cmocka_unit_test(test_dp_reasm_shift_table),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
