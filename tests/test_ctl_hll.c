/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_hll: SipHash-2-4 against the reference vectors, client hashes by
 * family and IPv6 prefix, the explicit form (ascending as signed, no
 * duplicates, exact to 160), promotion, union, the storage format's header
 * and a malformed input refused.  tests/hll_check.sh compares the packed
 * sketches with PostgreSQL's own. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_hll.h"

static const uint8_t ref_key[CTL_HLL_KEY_LEN] = {0, 1, 2,  3,  4,  5,  6,  7,
						 8, 9, 10, 11, 12, 13, 14, 15};

/* The SipHash paper's vectors: key 00..0f, message 00..(len-1). */
static void
test_ctl_hll_siphash_vectors(void **state)
{
	static const struct {
		size_t len;
		uint64_t want;
	} rows[] = {
	    {0, 0x726fdb47dd0e0e31ull},
	    {1, 0x74f839c593dc67fdull},
	    {15, 0xa129ca6149be45e5ull},
	};
	uint8_t msg[64];

	(void)state;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(ctl_hll_siphash(ref_key, msg, rows[i].len), rows[i].want);
}

/* A client's hash under key, as the census takes it (ctl_hll_hasher). */
static uint64_t
keyed(const uint8_t key[CTL_HLL_KEY_LEN], uint8_t family, const uint8_t *a, unsigned v6_prefix)
{
	struct ctl_hll_hasher h;
	uint64_t v;

	assert_int_equal(ctl_hll_hasher_init(&h, key), 0);
	v = ctl_hll_hasher_client(&h, family, a, v6_prefix);
	ctl_hll_hasher_fini(&h);
	return v;
}

static uint64_t
client(const char *text, unsigned v6_prefix)
{
	uint8_t a[16] = {0};
	int v6 = strchr(text, ':') != NULL;

	assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, text, a), 1);
	return keyed(ref_key, v6 ? 6 : 4, a, v6_prefix);
}

/* One /64 hashes alike; another /64, another key or the other family not. */
static void
test_ctl_hll_client_hash(void **state)
{
	uint8_t other_key[CTL_HLL_KEY_LEN] = {1};
	uint8_t a[4] = {192, 0, 2, 1};

	(void)state;
	assert_int_equal(client("2001:db8:1:2::1", 64), client("2001:db8:1:2:aaaa::7", 64));
	assert_int_not_equal(client("2001:db8:1:2::1", 64), client("2001:db8:1:3::1", 64));
	assert_int_not_equal(client("2001:db8:1:2::1", 128), client("2001:db8:1:2::2", 128));
	assert_int_not_equal(client("192.0.2.1", 64), client("::ffff:192.0.2.1", 128));
	assert_int_not_equal(client("192.0.2.1", 64), keyed(other_key, 4, a, 64));
	assert_int_equal(client("192.0.2.1", 64), keyed(ref_key, 4, a, 64));
	/* The message is the family byte and the address (IPv6 to its /64). */
	assert_int_equal(client("192.0.2.1", 64),
			 ctl_hll_siphash(ref_key, (const uint8_t[]){4, 192, 0, 2, 1}, 5));
	assert_int_equal(client("2001:db8:1:2::1", 64),
			 ctl_hll_siphash(ref_key,
					 (const uint8_t[]){6, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0,
							   0, 0, 0, 0, 0, 0, 0},
					 17));
	/* One context, many clients: each hash as if alone. */
	{
		struct ctl_hll_hasher h;
		uint8_t b[4] = {198, 51, 100, 7};

		assert_int_equal(ctl_hll_hasher_init(&h, ref_key), 0);
		assert_int_equal(ctl_hll_hasher_client(&h, 4, a, 64), client("192.0.2.1", 64));
		assert_int_equal(ctl_hll_hasher_client(&h, 4, b, 64), client("198.51.100.7", 64));
		assert_int_equal(ctl_hll_hasher_client(&h, 4, a, 64), client("192.0.2.1", 64));
		ctl_hll_hasher_fini(&h);
	}
}

/* Explicit: ascending as signed 64-bit, each once, exact; the 161st
 * distinct hash makes registers; union of either form. */
static void
test_ctl_hll_explicit_and_promotion(void **state)
{
	uint8_t buf[CTL_HLL_PACKED_MAX];
	struct ctl_hll h, g, u;
	size_t n;

	(void)state;
	ctl_hll_init(&h);
	n = ctl_hll_pack(&h, buf);
	assert_int_equal(n, 3);
	assert_memory_equal(buf, "\x11\x8b\x7f", 3);
	assert_int_equal(ctl_hll_add(&h, 5), 0);
	assert_int_equal(ctl_hll_add(&h, (uint64_t)-3), 0);
	assert_int_equal(ctl_hll_add(&h, 5), 0);
	assert_int_equal(ctl_hll_add(&h, 1), 0);
	assert_int_equal(ctl_hll_cardinality(&h), 3);
	n = ctl_hll_pack(&h, buf);
	assert_int_equal(n, 3 + 3 * 8);
	assert_memory_equal(buf,
			    "\x12\x8b\x7f"
			    "\xff\xff\xff\xff\xff\xff\xff\xfd"
			    "\x00\x00\x00\x00\x00\x00\x00\x01"
			    "\x00\x00\x00\x00\x00\x00\x00\x05",
			    n);
	for (uint64_t v = 100; h.n < CTL_HLL_EXPLICIT_MAX; v++)
		assert_int_equal(ctl_hll_add(&h, v << 11), 0);
	assert_int_equal(h.type, CTL_HLL_EXPLICIT);
	assert_int_equal(ctl_hll_cardinality(&h), 160);
	assert_int_equal(ctl_hll_add(&h, 7), 0);
	assert_int_equal(h.type, CTL_HLL_REGISTERS);
	/* 7: register 7, the rest 0 (no 1 bit: value 0); 5: register 5;
	 * 1 << 11 | 3: register 3, rest 1 (lowest bit set: value 1). */
	assert_int_equal(h.regs[7], 0);
	ctl_hll_init(&g);
	assert_int_equal(ctl_hll_add(&g, (uint64_t)1 << 11 | 3), 0);
	assert_int_equal(ctl_hll_add(&g, (uint64_t)4 << 11 | 3), 0);
	ctl_hll_init(&u);
	assert_int_equal(ctl_hll_union(&u, &g), 0);
	assert_int_equal(u.type, CTL_HLL_EXPLICIT);
	assert_int_equal(ctl_hll_union(&u, &h), 0);
	assert_int_equal(u.type, CTL_HLL_REGISTERS);
	assert_int_equal(u.regs[3], 3); /* 4 << 11: lowest 1 bit of the rest at position 3 */
	n = ctl_hll_pack(&u, buf);
	assert_int_equal(buf[0], 0x13); /* few registers: sparse */
	ctl_hll_fini(&g);
	assert_int_equal(ctl_hll_unpack(&g, buf, n), 0);
	assert_memory_equal(g.regs, u.regs, CTL_HLL_REGS);
	ctl_hll_fini(&g);
	ctl_hll_fini(&h);
	ctl_hll_fini(&u);
}

/* What does not unpack: other parameters, lengths, order. */
static void
test_ctl_hll_unpack_refuses(void **state)
{
	static const struct {
		const char *what;
		const char *bytes;
		size_t len;
	} rows[] = {
	    {"short", "\x11\x8b", 2},
	    {"version 2", "\x21\x8b\x7f", 3},
	    {"log2m 12", "\x11\x8c\x7f", 3},
	    {"regwidth 6", "\x11\xab\x7f", 3},
	    {"sparse off", "\x11\x8b\x3f", 3},
	    {"empty with data", "\x11\x8b\x7f\x00", 4},
	    {"explicit cut", "\x12\x8b\x7f\x00\x00\x00", 6},
	    {"explicit descending",
	     "\x12\x8b\x7f\x00\x00\x00\x00\x00\x00\x00\x02"
	     "\x00\x00\x00\x00\x00\x00\x00\x01",
	     19},
	    {"full cut", "\x14\x8b\x7f\x00", 4},
	    {"undefined", "\x10\x8b\x7f", 3},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ctl_hll h;

		print_message("row %zu: %s\n", i, rows[i].what);
		assert_int_equal(ctl_hll_unpack(&h, (const uint8_t *)rows[i].bytes, rows[i].len),
				 -EINVAL);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_hll_siphash_vectors),
	    cmocka_unit_test(test_ctl_hll_client_hash),
	    cmocka_unit_test(test_ctl_hll_explicit_and_promotion),
	    cmocka_unit_test(test_ctl_hll_unpack_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
