/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_lpm: longest prefix match over IPv4 and IPv6, sized from the prefixes. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dp_lpm.h"
#include "tb_eal.h"
#include "tb_rnd.h"

static const struct {
	const char *prefix;
	uint32_t index;
} prefixes[] = {
    {"192.0.2.0/24", 1},
    {"192.0.2.128/25", 2},
    {"192.0.2.200", 3},
    {"2001:db8::/32", 4},
    {"2001:db8:1::/48", 5},
    {"2001:db8:1::7", 6},
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
	    {"192.0.2.1", 1},	  {"192.0.2.127", 1},
	    {"192.0.2.128", 2},	  {"192.0.2.200", 3},
	    {"192.0.2.201", 2},	  {"192.0.3.1", 0},
	    {"203.0.113.1", 0},	  {"198.51.100.9", DP_LPM_MAX_INDEX},
	    {"2001:db8::1", 4},	  {"2001:db8:1::1", 5},
	    {"2001:db8:1::7", 6}, {"2001:db8:2::7", 4},
	    {"2001:db9::1", 0},	  {"::1", 0},
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
	/* An index past DP_LPM_MAX_INDEX is refused. */
	assert_int_equal(dp_lpm_add(t, &p, DP_LPM_MAX_INDEX + 1), -ERANGE);
	assert_int_equal(dp_lpm_add(t, &p, 9), 0);
	assert_int_equal(dp_lpm_lookup(t, 4, (const uint8_t[]){203, 0, 113, 5}), 9);
	dp_lpm_free(t);
}

/* A seeded generator, so a failure repeats. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	return tb_rnd(&rng);
}

struct row {
	struct dp_prefix p;
	uint32_t index;
};

static int
by_prefix(const void *a, const void *b)
{
	return memcmp(&((const struct row *)a)->p, &((const struct row *)b)->p,
		      sizeof(struct dp_prefix));
}

/* The longest of rows containing addr, by a scan of them all. */
static uint32_t
brute(const struct row *rows, size_t n, uint8_t family, const uint8_t *addr)
{
	int best = -1;
	uint32_t index = 0;

	for (size_t i = 0; i < n; i++)
		if (rows[i].p.family == family && dp_prefix_contains(&rows[i].p, addr) &&
		    (int)rows[i].p.len > best) {
			best = rows[i].p.len;
			index = rows[i].index;
		}
	return index;
}

static void
mask(struct dp_prefix *p)
{
	for (unsigned b = p->len; b < (p->family == 4 ? 32u : 128u); b++)
		p->addr[b / 8] &= (uint8_t) ~(0x80u >> (b % 8));
}

/* dp_lpm_build drops redundant routes, merges siblings and adds IPv6
 * covers: whatever it does, every lookup must equal the longest match by
 * brute force, over nested, neighbouring and repeated prefixes whose
 * indexes repeat (so that there is something to merge), both families;
 * a small set (the rib tree alone) and a large one (DIR-24-8, the trie). */
static void
brute_force(size_t want, bool big)
{
	enum { N = 24000 };
	const unsigned lookups = big ? 6000 : 30000;
	static struct row rows[N];
	struct dp_lpm_size sz;
	struct dp_lpm *t;
	size_t bad, n = 0;

	while (n < want) {
		struct row *r = &rows[n];
		bool v6 = rnd() % 3 == 0;

		memset(r, 0, sizeof(*r));
		r->p.family = v6 ? 6 : 4;
		if (n > 0 && rnd() % 2 == 0) {
			/* Near an earlier one: inside it, its sibling, or its parent. */
			const struct row *o = &rows[rnd() % n];
			unsigned max = o->p.family == 4 ? 32 : 128, len;

			r->p = o->p;
			len = o->p.len + (rnd() % 9) - 3;
			r->p.len = (uint8_t)(len > max ? max : len < 1 ? 1 : len);
			for (unsigned b = o->p.len; b < r->p.len; b++)
				if (rnd() % 2)
					r->p.addr[b / 8] |= (uint8_t)(0x80u >> (b % 8));
			if (rnd() % 3 == 0 && r->p.len > 0) {
				unsigned b = r->p.len - 1u;

				r->p.addr[b / 8] ^= (uint8_t)(0x80u >> (b % 8));
			}
		} else {
			/* Few top bits, so that prefixes meet. */
			r->p.addr[0] = v6 ? 0x20 : (uint8_t)(192 + rnd() % 2);
			r->p.addr[1] = (uint8_t)(rnd() % 4);
			for (unsigned k = 2; k < (v6 ? 16u : 4u); k++)
				r->p.addr[k] = (uint8_t)rnd();
			r->p.len = (uint8_t)(v6 ? 20 + rnd() % 100 : 8 + rnd() % 25);
		}
		mask(&r->p);
		r->index = 1 + rnd() % 7;
		n++;
	}
	/* Once per prefix, as ctl_orgs hands them over. */
	qsort(rows, n, sizeof(rows[0]), by_prefix);
	for (size_t i = 1, w = 1; i <= n; i++) {
		if (i == n) {
			n = w;
			break;
		}
		if (memcmp(&rows[i].p, &rows[w - 1].p, sizeof(rows[i].p)) != 0)
			rows[w++] = rows[i];
	}
	t = dp_lpm_build("test_lpm_brute", rows, n, sizeof(rows[0]), offsetof(struct row, index), 0,
			 &sz, &bad);
	assert_non_null(t);
	print_message("%zu prefixes -> %u+%u routes, %u+%u groups\n", n, sz.v4_rules, sz.v6_rules,
		      sz.v4_tbl8s, sz.v6_tbl8s);
	/* Both structures: the rib tree alone, or DIR-24-8 and the trie. */
	assert_int_equal(sz.v4_rules > DP_LPM_TREE_MAX, big);
	assert_int_equal(sz.v6_rules > DP_LPM_TREE_MAX, big);
	/* Something was merged or dropped (IPv6 gains covers: IPv4 tells). */
	size_t n4 = 0;
	for (size_t i = 0; i < n; i++)
		n4 += rows[i].p.family == 4;
	assert_true(sz.v4_rules < n4);
	for (unsigned i = 0; i < lookups; i++) {
		const struct row *o = &rows[rnd() % n];
		uint8_t a[16];

		/* An address in a prefix (its edges too), or near one. */
		memcpy(a, o->p.addr, 16);
		for (unsigned b = o->p.len; b < (o->p.family == 4 ? 32u : 128u); b++)
			if (i % 3 == 0 ? 1 : i % 3 == 1 ? 0 : rnd() % 2)
				a[b / 8] |= (uint8_t)(0x80u >> (b % 8));
		if (i % 7 == 0)
			a[rnd() % (o->p.family == 4 ? 4 : 16)] ^= (uint8_t)(1u << (rnd() % 8));
		assert_int_equal(dp_lpm_lookup(t, o->p.family, a), brute(rows, n, o->p.family, a));
	}
	dp_lpm_free(t);
}

static void
test_dp_lpm_build_equals_brute_force(void **state)
{
	(void)state;
	brute_force(3000, false);
	brute_force(24000, true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_lpm_lookup_longest),
	    cmocka_unit_test(test_dp_lpm_add_limits),
	    cmocka_unit_test(test_dp_lpm_build_equals_brute_force),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
