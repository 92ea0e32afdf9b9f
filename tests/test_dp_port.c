/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp_port - the RSS key dp_port gives a multi-queue port sends both
 * directions of a flow to one queue.  The NIC's Toeplitz hash is computed
 * here by DPDK's software implementation (rte_softrss) over the fields RSS
 * hashes for IPv4/IPv6 with TCP/UDP, for hand-written flows and for a
 * stream of pseudo-random ones, each in both directions.  The same check
 * with DPDK's default (Microsoft) key must fail for the hand-written flows:
 * the test can tell a symmetric key from one that is not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <rte_byteorder.h>
#include <rte_thash.h>

#include "dp_port.h"

struct row {
	const char *what;
	int family;
	uint8_t a[16], b[16];
	uint16_t pa, pb;
};

static const struct row rows[] = {
    {"v4 tls", 4, {192, 0, 2, 10}, {203, 0, 113, 200}, 51234, 443},
    {"v4 dns", 4, {198, 51, 100, 7}, {192, 0, 2, 53}, 40000, 53},
    {"v4 low ports", 4, {203, 0, 113, 1}, {203, 0, 113, 2}, 1, 2},
    {"v6 quic",
     6,
     {0x20, 0x01, 0x0d, 0xb8, 0, 0x10, [15] = 5},
     {0x20, 0x01, 0x0d, 0xb8, 0, 0x5e, [15] = 0x31},
     60001,
     443},
    {"v6 http",
     6,
     {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [14] = 0x12, [15] = 0x34},
     {0x20, 0x01, 0x0d, 0xb8, [15] = 1},
     33333,
     80},
};

/* Toeplitz hash of one direction, as the NIC computes it: addresses and
 * ports in the order src, dst, in host-order words. */
static uint32_t
hash_dir(const uint8_t *key, int family, const uint8_t *src, const uint8_t *dst, uint16_t sport,
	 uint16_t dport)
{
	union rte_thash_tuple t;
	uint32_t w[RTE_THASH_V6_L4_LEN];

	memset(&t, 0, sizeof(t));
	if (family == 4) {
		memcpy(&t.v4.src_addr, src, 4);
		memcpy(&t.v4.dst_addr, dst, 4);
		t.v4.src_addr = rte_be_to_cpu_32(t.v4.src_addr);
		t.v4.dst_addr = rte_be_to_cpu_32(t.v4.dst_addr);
		t.v4.sport = sport;
		t.v4.dport = dport;
		return rte_softrss((uint32_t *)&t, RTE_THASH_V4_L4_LEN, key);
	}
	for (int i = 0; i < 4; i++) {
		memcpy(&w[i], src + 4 * i, 4);
		memcpy(&w[4 + i], dst + 4 * i, 4);
		w[i] = rte_be_to_cpu_32(w[i]);
		w[4 + i] = rte_be_to_cpu_32(w[4 + i]);
	}
	memcpy(t.v6.src_addr, w, 16);
	memcpy(t.v6.dst_addr, w + 4, 16);
	t.v6.sport = sport;
	t.v6.dport = dport;
	return rte_softrss((uint32_t *)&t, RTE_THASH_V6_L4_LEN, key);
}

static int
symmetric(const uint8_t *key, const struct row *r)
{
	return hash_dir(key, r->family, r->a, r->b, r->pa, r->pb) ==
	       hash_dir(key, r->family, r->b, r->a, r->pb, r->pa);
}

static void
test_dp_port_key_is_symmetric(void **state)
{
	const uint8_t *key = dp_port_rss_key();

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("row %zu: %s\n", i, rows[i].what);
		assert_true(symmetric(key, &rows[i]));
	}
}

static void
test_dp_port_key_random_flows(void **state)
{
	const uint8_t *key = dp_port_rss_key();
	uint64_t x = 0x853c49e6748fea9bull;

	(void)state;
	for (int i = 0; i < 100000; i++) {
		struct row r = {"random", i & 1 ? 6 : 4, {0}, {0}, 0, 0};

		for (int k = 0; k < 16; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			r.a[k] = (uint8_t)x;
			r.b[k] = (uint8_t)(x >> 8);
		}
		r.pa = (uint16_t)(x >> 16);
		r.pb = (uint16_t)(x >> 32);
		if (!symmetric(key, &r))
			fail_msg("flow %d (family %d, ports %u %u) hashes apart", i, r.family, r.pa,
				 r.pb);
	}
}

/* The usual default key (Microsoft's RSS specification, its 40 bytes, the
 * rest zero) is not symmetric: the check above must see that. */
static void
test_dp_port_default_key_is_not(void **state)
{
	static const uint8_t ms_key[DP_PORT_RSS_KEY_LEN] = {
	    0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	    0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	    0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
	};
	int apart = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		apart += !symmetric(ms_key, &rows[i]);
	assert_int_equal(apart, (int)(sizeof(rows) / sizeof(rows[0])));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_port_key_is_symmetric),
	    cmocka_unit_test(test_dp_port_key_random_flows),
	    cmocka_unit_test(test_dp_port_default_key_is_not),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
