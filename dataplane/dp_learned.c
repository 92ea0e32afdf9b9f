/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_learned.h"
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "dp_types.h"

int
dp_learned_init(struct dp_learned *t, uint32_t capacity, uint64_t *evicted, int socket)
{
	memset(t, 0, sizeof(*t));
	if (!rte_is_power_of_2(capacity) || capacity < DP_LEARNED_PROBE)
		return -EINVAL;
	t->e = rte_zmalloc_socket("dp_learned", (size_t)capacity * sizeof(*t->e),
				  RTE_CACHE_LINE_SIZE, socket);
	if (t->e == NULL)
		return -ENOMEM;
	t->mask = capacity - 1;
	t->evicted = evicted;
	return 0;
}

void
dp_learned_fini(struct dp_learned *t)
{
	rte_free(t->e);
	memset(t, 0, sizeof(*t));
}

static uint32_t
slot0(const struct dp_learned *t, uint8_t family, const uint8_t *addr)
{
	return rte_hash_crc(addr, family == 4 ? 4 : 16, family) & t->mask;
}

static int
same(const struct dp_learned_entry *e, uint8_t family, const uint8_t *addr)
{
	return e->family == family && memcmp(e->addr, addr, family == 4 ? 4 : 16) == 0;
}

void
dp_learned_add(struct dp_learned *t, uint8_t family, const uint8_t *addr, uint64_t vendors,
	       uint32_t expires, uint32_t now)
{
	uint32_t s = slot0(t, family, addr);
	struct dp_learned_entry *victim = NULL;

	for (uint32_t i = 0; i < DP_LEARNED_PROBE; i++) {
		struct dp_learned_entry *e = &t->e[(s + i) & t->mask];

		if (e->expires > now && same(e, family, addr)) {
			e->vendors |= vendors;
			e->expires = RTE_MAX(e->expires, expires);
			return;
		}
		if (victim == NULL || e->expires < victim->expires)
			victim = e;
	}
	/* Not held: the first free or expired slot, else the one expiring first. */
	if (victim->expires > now)
		DP_CTR_ADD(*t->evicted, 1);
	memset(victim->addr, 0, sizeof(victim->addr));
	memcpy(victim->addr, addr, family == 4 ? 4 : 16);
	victim->family = family;
	victim->vendors = vendors;
	victim->expires = expires;
}

uint64_t
dp_learned_lookup(const struct dp_learned *t, uint8_t family, const uint8_t *addr, uint32_t now)
{
	uint32_t s = slot0(t, family, addr);

	for (uint32_t i = 0; i < DP_LEARNED_PROBE; i++) {
		const struct dp_learned_entry *e = &t->e[(s + i) & t->mask];

		if (e->expires > now && same(e, family, addr))
			return e->vendors;
	}
	return 0;
}

int
dp_learned_iterate(const struct dp_learned *t,
		   int (*fn)(void *arg, const struct dp_learned_entry *e), void *arg)
{
	for (uint32_t i = 0; i <= t->mask; i++) {
		int rc;

		if (t->e[i].expires != 0 && (rc = fn(arg, &t->e[i])) != 0)
			return rc;
	}
	return 0;
}
