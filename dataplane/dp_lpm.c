/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_lpm.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

/* DIR-24-8 and the trie index their first level by 24 bits, then one
 * 256-entry tbl8 group per further byte. */
#define TBL24_ENTRIES (1u << 24)
#define TBL8_ENTRIES 256u
#define NH_BYTES 4u
/* A rib node with its mempool header, as DPDK 22.11 lays them out. */
#define RIB4_NODE_BYTES 128u
#define RIB6_NODE_BYTES 192u

void
dp_lpm_size_add(struct dp_lpm_size *sz, const struct dp_prefix *p)
{
	if (p->family == 4) {
		sz->v4_rules++;
		sz->v4_tbl8s += p->len > 24 ? 1 : 0;
	} else {
		sz->v6_rules++;
		sz->v6_tbl8s += p->len > 24 ? (p->len - 24 + 7) / 8 : 0;
	}
}

static int
cmp_prefix(const struct dp_prefix *a, const struct dp_prefix *b)
{
	int c = (int)a->family - (int)b->family;

	if (c == 0)
		c = memcmp(a->addr, b->addr, a->family == 4 ? 4 : sizeof(a->addr));
	if (c == 0)
		c = (int)a->len - (int)b->len;
	return c;
}

static int
cmp_ptr(const void *a, const void *b)
{
	return cmp_prefix(*(const struct dp_prefix *const *)a, *(const struct dp_prefix *const *)b);
}

/* What rte_fib and rte_fib6 reserve for a set added in address order
 * (DPDK 22.11, lib/fib): they refuse a route when the groups reserved so
 * far reach the size given at creation, reserving per route, not per group
 * in use.  DIR-24-8: one group per route longer than /24 unless a route
 * under the same /24 is there already.  The trie: a route longer than /24
 * with no deeper route inside its byte-aligned floor yet reserves one group
 * per byte between its covering route (at least /24) and its own last
 * byte.  In address order (shorter first at one address) the routes a
 * route could find are the one just before it and the enclosing ones, on a
 * stack as in ctl_orgs' nesting count. */
static unsigned
ceil8(unsigned len)
{
	return (len + 7) / 8;
}

static bool
same_bits(const struct dp_prefix *a, const struct dp_prefix *b, unsigned bits)
{
	unsigned bytes = bits / 8, rest = bits % 8;

	if (a->family != b->family || memcmp(a->addr, b->addr, bytes) != 0)
		return false;
	return rest == 0 || ((a->addr[bytes] ^ b->addr[bytes]) & (0xff00u >> rest) & 0xff) == 0;
}

int
dp_lpm_size_of(struct dp_lpm_size *sz, const void *base, size_t n, size_t stride)
{
	const struct dp_prefix **v = NULL, *stack[129], *prev = NULL;
	const char *b = base;
	unsigned depth = 0;
	bool sorted = true;

	memset(sz, 0, sizeof(*sz));
	for (size_t i = 1; i < n && sorted; i++)
		sorted = cmp_prefix((const void *)(b + (i - 1) * stride),
				    (const void *)(b + i * stride)) <= 0;
	if (!sorted) {
		v = malloc(n * sizeof(*v));
		if (v == NULL)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			v[i] = (const void *)(b + i * stride);
		qsort(v, n, sizeof(*v), cmp_ptr);
	}
	for (size_t i = 0; i < n; i++) {
		const struct dp_prefix *p = v ? v[i] : (const void *)(b + i * stride);
		unsigned parent = 24;

		if (prev != NULL && cmp_prefix(prev, p) == 0)
			continue; /* the same route again: its next hop replaced */
		while (depth > 0 && !same_bits(stack[depth - 1], p, stack[depth - 1]->len))
			depth--;
		if (depth > 0 && stack[depth - 1]->len > parent)
			parent = stack[depth - 1]->len;
		if (p->family == 4) {
			sz->v4_rules++;
			if (p->len > 24 &&
			    !(prev != NULL && prev->len > 24 && same_bits(prev, p, 24)))
				sz->v4_tbl8s++;
		} else {
			unsigned floor = p->len & ~7u;

			sz->v6_rules++;
			if (p->len > 24 &&
			    !(prev != NULL && prev->len > floor && same_bits(prev, p, floor)))
				sz->v6_tbl8s += ceil8(p->len) - ceil8(parent);
		}
		stack[depth++] = p;
		prev = p;
	}
	free(v);
	return 0;
}

/* ---- A whole table at once ---- */

struct route {
	struct dp_prefix p;
	uint32_t index;
};

static int
cmp_route(const void *a, const void *b)
{
	return cmp_prefix(&((const struct route *)a)->p, &((const struct route *)b)->p);
}

/* IPv6 covers: the trie reserves groups per route, from its covering
 * route's last byte down to its own, so sibling routes under a common
 * byte-aligned parent each reserve the groups they share.  A route at
 * that parent (with the next hop its addresses map to anyway: the
 * enclosing route's, or none) makes them reserve only their own part and
 * changes no lookup.  One is worth adding where two or more routes longer
 * than the parent, not inside one another, lie under it and none is the
 * parent itself (/32 and longer: the first 24 bits reserve nothing).  r
 * holds n routes sorted; covers go to out (NULL: only counted). */
static size_t
add_covers(const struct route *r, size_t n, struct route *out)
{
	size_t added = 0;

	for (unsigned k = 4; k < 16; k++) {
		const struct route *first = NULL, *top = NULL;
		unsigned tops = 0;
		bool exists = false;

		for (size_t i = 0; i <= n; i++) {
			const struct route *x = i < n ? &r[i] : NULL;

			if (x != NULL && (x->p.family != 6 || x->p.len < 8 * k))
				continue;
			if (x == NULL || first == NULL ||
			    memcmp(x->p.addr, first->p.addr, k) != 0) {
				if (tops >= 2 && !exists) {
					if (out != NULL) {
						struct route *c = &out[added];

						memset(c, 0, sizeof(*c));
						c->p.family = 6;
						c->p.len = (uint8_t)(8 * k);
						memcpy(c->p.addr, first->p.addr, k);
						c->index =
						    UINT32_MAX; /* from its enclosing route */
					}
					added++;
				}
				first = x;
				top = NULL;
				tops = 0;
				exists = false;
				if (x == NULL)
					break;
			}
			if (x->p.len == 8 * k) {
				exists = true;
			} else if (top == NULL || !same_bits(&top->p, &x->p, top->p.len)) {
				top = x;
				tops++;
			}
		}
	}
	return added;
}

/* Fewer routes, the same lookups (r sorted, n routes; returns the count
 * kept, still sorted): a route that maps to what its enclosing route maps
 * to (or, with none, to 0) is dropped; two sibling routes of one index
 * with nothing between them become their parent, unless the parent is a
 * route already.  Repeated while it changes: location data lists many
 * neighbouring networks of one AS (IPFire's 2022 database: 1.07 million
 * IPv4 networks, 483,000 routes after this). */
static size_t
compress(struct route *r, size_t n)
{
	for (unsigned pass = 0; pass < 130; pass++) {
		const struct route *stack[129];
		unsigned depth = 0;
		size_t w = 0;
		bool changed = false;

		for (size_t i = 0; i < n; i++) {
			struct route *x = &r[i];
			unsigned bit;

			while (depth > 0 &&
			       !same_bits(&stack[depth - 1]->p, &x->p, stack[depth - 1]->p.len))
				depth--;
			if (x->index ==
			    (depth > 0 ? stack[depth - 1]->index : DP_ORG_UNATTRIBUTED)) {
				changed = true;
				continue;
			}
			bit = x->p.len - 1u;
			if (x->p.len > 0 && i + 1 < n && r[i + 1].p.family == x->p.family &&
			    r[i + 1].p.len == x->p.len && r[i + 1].index == x->index &&
			    !(x->p.addr[bit / 8] & (0x80u >> (bit % 8))) &&
			    same_bits(&r[i + 1].p, &x->p, bit) &&
			    (r[i + 1].p.addr[bit / 8] & (0x80u >> (bit % 8))) &&
			    !(w > 0 && r[w - 1].p.family == x->p.family && r[w - 1].p.len == bit &&
			      memcmp(r[w - 1].p.addr, x->p.addr, sizeof(x->p.addr)) == 0)) {
				x->p.len = (uint8_t)bit; /* the parent, in the first one's place */
				i++;
				changed = true;
			}
			r[w] = *x;
			stack[depth++] = &r[w];
			w++;
		}
		n = w;
		if (!changed)
			break;
	}
	return n;
}

struct dp_lpm *
dp_lpm_build(const char *name, const void *base, size_t n, size_t stride, size_t index_off,
	     int socket, struct dp_lpm_size *sz, size_t *bad)
{
	const char *b = base;
	const struct route *stack[129];
	struct route *r = malloc((n ? n : 1) * sizeof(*r)), *grown;
	struct dp_lpm *t = NULL;
	unsigned depth = 0;
	size_t total, kept;
	int rc;

	*bad = SIZE_MAX;
	rte_errno = ENOMEM;
	if (r == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		memcpy(&r[i].p, b + i * stride, sizeof(r[i].p));
		memcpy(&r[i].index, b + i * stride + index_off, sizeof(r[i].index));
	}
	qsort(r, n, sizeof(*r), cmp_route);
	kept = compress(r, n);
	total = kept + add_covers(r, kept, NULL);
	if ((grown = realloc(r, (total ? total : 1) * sizeof(*r))) == NULL)
		goto out;
	r = grown;
	add_covers(r, kept, r + kept);
	qsort(r, total, sizeof(*r), cmp_route);
	/* Each cover maps to what its enclosing route maps to. */
	for (size_t i = 0; i < total; i++) {
		while (depth > 0 &&
		       !same_bits(&stack[depth - 1]->p, &r[i].p, stack[depth - 1]->p.len))
			depth--;
		if (r[i].index == UINT32_MAX)
			r[i].index = depth > 0 ? stack[depth - 1]->index : DP_ORG_UNATTRIBUTED;
		if (depth == 0 || cmp_prefix(&stack[depth - 1]->p, &r[i].p) != 0)
			stack[depth++] = &r[i];
	}
	if ((rc = dp_lpm_size_of(sz, r, total, sizeof(*r))) != 0) {
		rte_errno = -rc;
		goto out;
	}
	if ((t = dp_lpm_create(name, sz, socket)) == NULL)
		goto out;
	for (size_t i = 0; i < total; i++) {
		if ((rc = dp_lpm_add(t, &r[i].p, r[i].index)) != 0) {
			/* Which of the caller's prefixes: the first equal one. */
			for (size_t j = 0; j < n && *bad == SIZE_MAX; j++)
				if (cmp_prefix((const void *)(b + j * stride), &r[i].p) == 0)
					*bad = j;
			dp_lpm_free(t);
			t = NULL;
			rte_errno = -rc;
			break;
		}
	}
out:
	free(r);
	return t;
}

size_t
dp_lpm_footprint(const struct dp_lpm_size *sz)
{
	return ((sz->v4_rules > DP_LPM_TREE_MAX) + (sz->v6_rules > DP_LPM_TREE_MAX)) *
		   (size_t)TBL24_ENTRIES * NH_BYTES +
	       ((size_t)sz->v4_tbl8s + sz->v6_tbl8s + 2) * TBL8_ENTRIES * NH_BYTES +
	       2 * ((size_t)sz->v4_rules * RIB4_NODE_BYTES +
		    (size_t)sz->v6_rules * RIB6_NODE_BYTES);
}

struct dp_lpm *
dp_lpm_create(const char *name, const struct dp_lpm_size *sz, int socket)
{
	/* Routes: the rib keeps up to two nodes a route (the route and an
	 * intermediate one), which rte_fib sizes from max_routes itself.  A
	 * few groups spare: a set sized exactly is never refused by one. */
	struct rte_fib_conf c4 = {
	    .type = sz->v4_rules <= DP_LPM_TREE_MAX ? RTE_FIB_DUMMY : RTE_FIB_DIR24_8,
	    .default_nh = DP_ORG_UNATTRIBUTED,
	    .max_routes = (int)(sz->v4_rules + 16),
	    .dir24_8 = {.nh_sz = RTE_FIB_DIR24_8_4B, .num_tbl8 = sz->v4_tbl8s + 16},
	};
	struct rte_fib6_conf c6 = {
	    .type = sz->v6_rules <= DP_LPM_TREE_MAX ? RTE_FIB6_DUMMY : RTE_FIB6_TRIE,
	    .default_nh = DP_ORG_UNATTRIBUTED,
	    .max_routes = (int)(sz->v6_rules + 16),
	    .trie = {.nh_sz = RTE_FIB6_TRIE_4B, .num_tbl8 = sz->v6_tbl8s + 16},
	};
	char n[24]; /* short: the rib names its node pool "MP_" + this */
	struct dp_lpm *t;

	t = rte_zmalloc_socket("dp_lpm", sizeof(*t), 0, socket);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(n, sizeof(n), "%s4", name);
	t->v4 = rte_fib_create(n, socket, &c4);
	snprintf(n, sizeof(n), "%s6", name);
	t->v6 = t->v4 ? rte_fib6_create(n, socket, &c6) : NULL;
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
		rc = rte_fib_add(t->v4, rte_be_to_cpu_32(a), p->len, index);
	} else {
		rc = rte_fib6_add(t->v6, p->addr, p->len, index);
	}
	return rc < 0 ? rc : 0;
}

void
dp_lpm_free(struct dp_lpm *t)
{
	if (t == NULL)
		return;
	rte_fib_free(t->v4);
	rte_fib6_free(t->v6);
	rte_free(t);
}
