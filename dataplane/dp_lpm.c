/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_lpm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

void
dp_lpm_size_add(struct dp_lpm_size *sz, const struct dp_prefix *p)
{
	/* rte_lpm: a prefix longer than /24 takes one tbl8 group below its
	 * tbl24 entry.  rte_lpm6: the first 24 bits index tbl24, then one tbl8
	 * level per further byte. */
	if (p->family == 4) {
		sz->v4_rules++;
		sz->v4_tbl8s += p->len > 24 ? 1 : 0;
	} else {
		sz->v6_rules++;
		sz->v6_tbl8s += p->len > 24 ? (p->len - 24 + 7) / 8 : 0;
	}
}

struct dp_lpm *
dp_lpm_create(const char *name, const struct dp_lpm_size *sz, int socket)
{
	struct rte_lpm_config c4 = {
		.max_rules = sz->v4_rules + 16,
		.number_tbl8s = sz->v4_tbl8s + 16,
	};
	struct rte_lpm6_config c6 = {
		.max_rules = sz->v6_rules + 16,
		.number_tbl8s = sz->v6_tbl8s + 16,
	};
	char n[RTE_LPM_NAMESIZE];
	struct dp_lpm *t;

	t = rte_zmalloc_socket("dp_lpm", sizeof(*t), 0, socket);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(n, sizeof(n), "%s4", name);
	t->v4 = rte_lpm_create(n, socket, &c4);
	snprintf(n, sizeof(n), "%s6", name);
	t->v6 = t->v4 ? rte_lpm6_create(n, socket, &c6) : NULL;
	if (t->v6 == NULL) {
		int e = rte_errno;

		dp_lpm_free(t);
		rte_errno = e;
		return NULL;
	}
	return t;
}

int
dp_lpm_add(struct dp_lpm *t, const struct dp_prefix *p, uint32_t index)
{
	int rc;

	if (index > DP_LPM_MAX_INDEX)
		return -ERANGE;
	if (p->family == 4) {
		uint32_t a;

		memcpy(&a, p->addr, 4);
		rc = rte_lpm_add(t->v4, rte_be_to_cpu_32(a), p->len, index);
	} else {
		rc = rte_lpm6_add(t->v6, p->addr, p->len, index);
	}
	return rc < 0 ? rc : 0;
}

void
dp_lpm_free(struct dp_lpm *t)
{
	if (t == NULL)
		return;
	rte_lpm_free(t->v4);
	rte_lpm6_free(t->v6);
	rte_free(t);
}
