/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_clients.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

struct ctl_clients {
	struct rte_hash *set;
	uint64_t *counts; /* [org * n_vendors + vendor] */
	unsigned n_orgs, n_vendors, capacity;
	uint64_t entries, full;
};

struct ctl_clients *
ctl_clients_create(unsigned capacity, unsigned n_orgs, unsigned n_vendors)
{
	static unsigned seq;
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = capacity,
		.key_len = sizeof(struct dp_client_event),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
	};
	struct ctl_clients *c;

	c = rte_zmalloc("ctl_clients", sizeof(*c), 0);
	if (c == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	c->n_orgs = n_orgs;
	c->n_vendors = n_vendors;
	c->capacity = capacity;
	c->counts = rte_zmalloc("ctl_client_counts",
				(size_t)n_orgs * n_vendors * sizeof(*c->counts), 0);
	snprintf(name, sizeof(name), "clients%u", __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	c->set = c->counts ? rte_hash_create(&p) : NULL;
	if (c->set == NULL) {
		ctl_clients_free(c);
		rte_errno = ENOMEM;
		return NULL;
	}
	return c;
}

void
ctl_clients_free(struct ctl_clients *c)
{
	if (c == NULL)
		return;
	rte_hash_free(c->set);
	rte_free(c->counts);
	rte_free(c);
}

int
ctl_clients_add(struct ctl_clients *c, const struct dp_client_event *ev)
{
	struct dp_client_event key = *ev;
	int rc;

	if (key.org >= c->n_orgs || key.vendor >= c->n_vendors)
		return -EINVAL;
	key.pad = 0;
	if (key.family == 4)
		memset(key.addr + 4, 0, 12);
	if (rte_hash_lookup(c->set, &key) >= 0)
		return 0;
	if (c->entries >= c->capacity) {
		c->full++;
		return -ENOSPC;
	}
	rc = rte_hash_add_key(c->set, &key);
	if (rc < 0) {
		c->full++;
		return -ENOSPC;
	}
	c->entries++;
	c->counts[(size_t)key.org * c->n_vendors + key.vendor]++;
	return 1;
}

unsigned
ctl_clients_drain(struct ctl_clients *c, struct rte_ring *ring, unsigned max)
{
	struct dp_client_event ev[64];
	unsigned total = 0;

	while (total < max) {
		unsigned n = rte_ring_dequeue_burst_elem(ring, ev, sizeof(ev[0]), 64, NULL);

		for (unsigned i = 0; i < n; i++)
			ctl_clients_add(c, &ev[i]);
		total += n;
		if (n < 64)
			break;
	}
	return total;
}

uint64_t
ctl_clients_count(const struct ctl_clients *c, uint32_t org, unsigned vendor)
{
	return c->counts[(size_t)org * c->n_vendors + vendor];
}

uint64_t
ctl_clients_entries(const struct ctl_clients *c)
{
	return c->entries;
}

uint64_t
ctl_clients_full(const struct ctl_clients *c)
{
	return c->full;
}

unsigned
ctl_clients_capacity(const struct ctl_clients *c)
{
	return c->capacity;
}
