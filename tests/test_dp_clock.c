/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_clock: stamps as net_pcap makes them from a pcap record's fields
 * (libpcap reads both as signed 32-bit), and a clock one frame cannot move. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dp_clock.h"

#define WALL 1796169600u /* 2026-12-02, the wall clock of every row */

/* net_pcap's stamp of a record whose fields hold sec and usec. */
static uint64_t
stamp(uint32_t sec, uint32_t usec)
{
	return (uint64_t)(int64_t)(int32_t)sec * 1000000 + (uint64_t)(int64_t)(int32_t)usec;
}

static void
test_dp_clock_seconds(void **state)
{
	static const struct {
		const char *what;
		uint32_t sec, usec;
		uint64_t wall;
		int rc;
		uint32_t want;
	} rows[] = {
	    {"2024-04-01 midday", 1711972800, 999999, WALL, 0, 1711972800},
	    {"2000-01-01, the first second taken", 946684800, 0, WALL, 0, 946684800},
	    {"1999-12-31 23:59:59", 946684799, 0, WALL, -ERANGE, 0},
	    {"all-zero stamp", 0, 0, WALL, -ERANGE, 0},
	    {"a day past the wall clock", WALL + 86400, 0, WALL, 0, WALL + 86400},
	    {"a second later: the future", WALL + 86401, 0, WALL, -ERANGE, 0},
	    /* Past 2^31 seconds: the signed field comes negative. */
	    {"2039-01-01 (wall in 2040)", 2177452800u, 500000, 2208988800u, 0, 2177452800u},
	    {"2100-01-01 (wall in 2100)", 4102444800u, 0, 4102444800u, 0, 4102444800u},
	    {"2100-01-01 (wall now)", 4102444800u, 0, WALL, -ERANGE, 0},
	    {"2106-02-07, the last second", 4294967295u, 0, 4294967295u, 0, 4294967295u},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t got = 0;

		print_message("row %zu: %s\n", i, rows[i].what);
		assert_int_equal(
		    dp_clock_seconds(stamp(rows[i].sec, rows[i].usec), rows[i].wall, &got),
		    rows[i].rc);
		assert_int_equal(got, rows[i].want);
	}
}

/* Frames in order, each row the frame's time, whether it is held and the
 * clock after it. */
static void
test_dp_clock_step(void **state)
{
	static const uint32_t T = 1793491200; /* 2026-11-01 */
	static const struct {
		const char *what;
		uint32_t sec;
		bool held;
		uint32_t now;
	} rows[] = {
	    {"the first frame sets it", T, false, T},
	    {"forward", T + 10, false, T + 10},
	    {"back: the clock stays", T + 5, false, T + 10},
	    {"a day ahead, no more", T + 10 + 86400, false, T + 10 + 86400},
	    {"one frame 24 days ahead: held", T + 25 * 86400, true, T + 10 + 86400},
	    {"the capture goes on", T + 20 + 86400, false, T + 20 + 86400},
	    {"a gap of 3 days: 1", T + 4 * 86400, true, T + 20 + 86400},
	    {"2", T + 4 * 86400 + 1, true, T + 20 + 86400},
	    {"3", T + 4 * 86400 + 1, true, T + 20 + 86400},
	    {"4 in a row: taken", T + 4 * 86400 + 2, false, T + 4 * 86400 + 2},
	    {"two far frames apart: 1", T + 30 * 86400, true, T + 4 * 86400 + 2},
	    {"a different far time restarts", T + 60 * 86400, true, T + 4 * 86400 + 2},
	    {"a normal frame resets", T + 4 * 86400 + 3, false, T + 4 * 86400 + 3},
	};
	struct dp_clock c = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("row %zu: %s\n", i, rows[i].what);
		assert_int_equal(dp_clock_step(&c, rows[i].sec), rows[i].held);
		assert_int_equal(c.now, rows[i].now);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_clock_seconds),
	    cmocka_unit_test(test_dp_clock_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
