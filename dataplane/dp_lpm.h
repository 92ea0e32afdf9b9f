/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_lpm.h - a prefix table: address -> index, by longest prefix match
 * (DPDK's rte_fib, DIR-24-8, for IPv4; rte_fib6, a multibit trie, for
 * IPv6; both keep their routes in an rte_rib tree, so adding a route costs
 * its depth, not the number of routes already there; a small family is
 * looked up in the tree alone, DP_LPM_TREE_MAX).  It holds the
 * organisation table (client address -> organisation index) and the
 * vendors' configured server prefixes (server address -> a row of vendors)
 * alike.
 *
 * Built once by the control plane (any thread), then read-only: workers
 * look up concurrently without locks.  An address in no prefix maps to 0
 * (DP_ORG_UNATTRIBUTED for organisations, no vendor for servers).  Indexes
 * must stay at or below DP_LPM_MAX_INDEX.
 *
 * Sizing: both structures take their sizes at creation (routes, and the
 * 256-entry tbl8 groups below the first 24 bits), and refuse a route when
 * the groups they have reserved reach it - reserving per route, not per
 * group in use.  dp_lpm_size_add() gives an upper bound one prefix at a
 * time (fine for a few hundred); dp_lpm_size_of() counts what a whole set
 * reserves when added in address order (family, address, then length), as
 * a routing-table-sized set must be: the bound would be several times the
 * memory.
 *
 * dp_lpm_create() returns NULL with rte_errno set; dp_lpm_add() returns 0
 * or a negative errno (-ENOSPC when the sizes given to create are exceeded,
 * -ERANGE for an index past DP_LPM_MAX_INDEX).
 */
#ifndef DP_LPM_H
#define DP_LPM_H

#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_fib.h>
#include <rte_fib6.h>

#include "dp_prefix.h"
#include "dp_types.h"

#define DP_LPM_MAX_INDEX ((1u << 24) - 1)

/* A family with at most this many routes is looked up in the rib tree
 * itself (rte_fib's "dummy" type): a few hops, where DIR-24-8 and the trie
 * would each take a 64 MiB first level (the server prefixes, a city's
 * table).  Lookups happen once a flow, so the hops cost little. */
#define DP_LPM_TREE_MAX 4096

struct dp_lpm {
	struct rte_fib *v4;
	struct rte_fib6 *v6;
};

/* Size hints: routes per family and tbl8 groups. */
struct dp_lpm_size {
	unsigned v4_rules, v4_tbl8s, v6_rules, v6_tbl8s;
};

/* Adds an upper bound of what one prefix needs to *sz. */
void dp_lpm_size_add(struct dp_lpm_size *sz, const struct dp_prefix *p);

/* Sets *sz to what n prefixes reserve when added in address order: base
 * points at the first, each an element of stride bytes that begins with its
 * struct dp_prefix.  Given in that order already (checked), nothing is
 * copied; otherwise the order is found on a copy of pointers (and the
 * caller must add them in it).  0 or -ENOMEM. */
int dp_lpm_size_of(struct dp_lpm_size *sz, const void *base, size_t n, size_t stride);

struct dp_lpm *dp_lpm_create(const char *name, const struct dp_lpm_size *sz, int socket);

/* A table of n prefixes, in any order: base points at the first, each an
 * element of stride bytes that begins with its struct dp_prefix and holds
 * its uint32_t index at index_off.  Sized exactly (*sz says for what),
 * with IPv6 covers where they save reservations (routes at byte-aligned
 * parents of several routes, mapping to what the parent's addresses map to
 * anyway: no lookup changes).  NULL with rte_errno set; when the structure
 * refused a prefix, *bad is its element's position (else SIZE_MAX). */
struct dp_lpm *dp_lpm_build(const char *name, const void *base, size_t n, size_t stride,
			    size_t index_off, int socket, struct dp_lpm_size *sz, size_t *bad);
int dp_lpm_add(struct dp_lpm *t, const struct dp_prefix *p, uint32_t index);
void dp_lpm_free(struct dp_lpm *t);

/* Bytes the table's lookup structures take (tbl24s, tbl8 groups, the rib
 * nodes), from the sizes it was created with. */
size_t dp_lpm_footprint(const struct dp_lpm_size *sz);

static inline uint32_t
dp_lpm_lookup(const struct dp_lpm *t, uint8_t family, const uint8_t *addr)
{
	uint64_t hop = DP_ORG_UNATTRIBUTED;

	if (family == 4) {
		uint32_t a;

		__builtin_memcpy(&a, addr, 4);
		a = rte_be_to_cpu_32(a);
		rte_fib_lookup_bulk(t->v4, &a, &hop, 1);
	} else {
		uint8_t a[1][RTE_FIB6_IPV6_ADDR_SIZE];

		__builtin_memcpy(a[0], addr, 16);
		rte_fib6_lookup_bulk(t->v6, a, &hop, 1);
	}
	return (uint32_t)hop;
}

#endif
