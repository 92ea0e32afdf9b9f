/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_lpm.h - a prefix table: address -> index, by longest prefix match
 * (rte_lpm for IPv4, rte_lpm6 for IPv6).  It holds the organisation table
 * (client address -> organisation index) and the vendors' configured
 * server prefixes (server address -> a row of vendors) alike.
 *
 * Built once by the control plane, then read-only: workers look up
 * concurrently without locks.  An address in no prefix maps to 0
 * (DP_ORG_UNATTRIBUTED for organisations, no vendor for servers).  Indexes
 * must stay at or below DP_LPM_MAX_INDEX (rte_lpm6 keeps 21 bits of next
 * hop).
 *
 * dp_lpm_create() returns NULL with rte_errno set; dp_lpm_add() returns 0
 * or a negative errno (-ENOSPC when the sizes given to create are exceeded).
 */
#ifndef DP_LPM_H
#define DP_LPM_H

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>

#include "dp_prefix.h"
#include "dp_types.h"

#define DP_LPM_MAX_INDEX ((1u << 21) - 1)

struct dp_lpm {
	struct rte_lpm *v4;
	struct rte_lpm6 *v6;
};

/* Size hints: rules per family and tbl8 groups (sum of dp_lpm_tbl8s()). */
struct dp_lpm_size {
	unsigned v4_rules, v4_tbl8s, v6_rules, v6_tbl8s;
};

/* Adds what one prefix needs to *sz. */
void dp_lpm_size_add(struct dp_lpm_size *sz, const struct dp_prefix *p);

struct dp_lpm *dp_lpm_create(const char *name, const struct dp_lpm_size *sz, int socket);
int dp_lpm_add(struct dp_lpm *t, const struct dp_prefix *p, uint32_t index);
void dp_lpm_free(struct dp_lpm *t);

static inline uint32_t
dp_lpm_lookup(const struct dp_lpm *t, uint8_t family, const uint8_t *addr)
{
	uint32_t hop;

	if (family == 4) {
		uint32_t a;

		__builtin_memcpy(&a, addr, 4);
		if (rte_lpm_lookup(t->v4, rte_be_to_cpu_32(a), &hop) == 0)
			return hop;
		return DP_ORG_UNATTRIBUTED;
	}
	if (rte_lpm6_lookup(t->v6, addr, &hop) == 0)
		return hop;
	return DP_ORG_UNATTRIBUTED;
}

#endif
