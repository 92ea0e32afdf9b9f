/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_learned.h - server addresses learned from DNS answers to vendor names,
 * each with the vendors it serves and when its TTL runs out.
 *
 * A fixed-size open-addressing table: capacity (a power of two) entries,
 * allocated at init.  One thread writes a table (each worker keeps its own
 * copy, fed by its own DNS answers and by what the control plane forwards
 * from other workers); lookups and inserts probe at most DP_LEARNED_PROBE
 * slots, so both are bounded.
 *
 * Invariants:
 *  - An entry whose expiry has passed is never returned; it is overwritten
 *    by the next insert that probes its slot.
 *  - Inserting an address already held merges the vendor sets and keeps
 *    the later expiry.  With no free or expired slot among those probed,
 *    the entry expiring first is replaced (counted in *evicted, the counter
 *    given to dp_learned_init).
 *
 * Errors: dp_learned_init returns 0, -EINVAL (capacity not a power of two,
 * or below DP_LEARNED_PROBE) or -ENOMEM.
 */
#ifndef DP_LEARNED_H
#define DP_LEARNED_H

#include <stdint.h>

#define DP_LEARNED_PROBE 16

struct dp_learned_entry {
	uint8_t addr[16];
	uint64_t vendors;
	uint32_t expires; /* seconds; 0 marks a free slot */
	uint8_t family;
};

struct dp_learned {
	struct dp_learned_entry *e;
	uint32_t mask;
	uint64_t *evicted; /* the owner's counter */
};

int dp_learned_init(struct dp_learned *t, uint32_t capacity, uint64_t *evicted, int socket);
void dp_learned_fini(struct dp_learned *t);

/* Adds or refreshes addr (4 or 16 bytes by family). */
void dp_learned_add(struct dp_learned *t, uint8_t family, const uint8_t *addr, uint64_t vendors,
		    uint32_t expires, uint32_t now);

/* Vendors addr serves at now, 0 when none. */
uint64_t dp_learned_lookup(const struct dp_learned *t, uint8_t family, const uint8_t *addr,
			   uint32_t now);

/* Calls fn for every address held (expired ones included, free slots not)
 * until it returns non-zero, which is returned; 0 after the last. */
int dp_learned_iterate(const struct dp_learned *t,
		       int (*fn)(void *arg, const struct dp_learned_entry *e), void *arg);

#endif
