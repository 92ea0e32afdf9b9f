/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_reasm.h"

#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

int
dp_reasm_pool_init(struct dp_reasm_pool *p, uint32_t n_bufs, uint32_t size, int socket)
{
	memset(p, 0, sizeof(*p));
	if (n_bufs == 0 || size == 0)
		return -EINVAL;
	p->data = rte_malloc_socket("dp_reasm", (size_t)n_bufs * size, RTE_CACHE_LINE_SIZE, socket);
	p->bufs = rte_zmalloc_socket("dp_reasm_bufs", (size_t)n_bufs * sizeof(*p->bufs), 0, socket);
	p->free = rte_malloc_socket("dp_reasm_free", (size_t)n_bufs * sizeof(*p->free), 0, socket);
	if (p->data == NULL || p->bufs == NULL || p->free == NULL)
		goto err_nomem;
	for (uint32_t i = 0; i < n_bufs; i++)
		p->free[i] = n_bufs - 1 - i;
	p->n_free = p->n_bufs = n_bufs;
	p->size = size;
	return 0;

err_nomem:
	dp_reasm_pool_fini(p);
	return -ENOMEM;
}

void
dp_reasm_pool_fini(struct dp_reasm_pool *p)
{
	rte_free(p->data);
	rte_free(p->bufs);
	rte_free(p->free);
	memset(p, 0, sizeof(*p));
}

int
dp_reasm_alloc(struct dp_reasm_pool *p)
{
	uint32_t idx;

	if (p->n_free == 0)
		return -ENOBUFS;
	idx = p->free[--p->n_free];
	memset(&p->bufs[idx], 0, sizeof(p->bufs[idx]));
	return (int)idx;
}

void
dp_reasm_free(struct dp_reasm_pool *p, uint32_t idx)
{
	p->free[p->n_free++] = idx;
}

int
dp_reasm_add(struct dp_reasm_pool *p, uint32_t idx, uint64_t off, const uint8_t *d, uint32_t len)
{
	struct dp_reasm_buf *b = &p->bufs[idx];
	uint8_t *buf = p->data + (uint64_t)idx * p->size;
	uint32_t lo, hi, i, j, cur;

	if (off >= p->size || len == 0)
		return (int)dp_reasm_contig(p, idx);
	lo = (uint32_t)off;
	hi = (uint32_t)RTE_MIN(off + len, (uint64_t)p->size);

	/* Copy into the gaps only: held bytes stay as first received. */
	cur = lo;
	for (i = 0; i < b->n && cur < hi; i++) {
		if (b->r[i].hi <= cur)
			continue;
		if (b->r[i].lo > cur)
			memcpy(buf + cur, d + (cur - lo), RTE_MIN(hi, b->r[i].lo) - cur);
		cur = RTE_MAX(cur, b->r[i].hi);
	}
	if (cur < hi)
		memcpy(buf + cur, d + (cur - lo), hi - cur);

	/* Merge [lo, hi) into the sorted ranges: i is the first range that
	 * touches or follows it, j the first past it. */
	for (i = 0; i < b->n && b->r[i].hi < lo; i++)
		;
	for (j = i; j < b->n && b->r[j].lo <= hi; j++) {
		lo = RTE_MIN(lo, b->r[j].lo);
		hi = RTE_MAX(hi, b->r[j].hi);
	}
	if (i == j) {
		if (b->n == DP_REASM_MAX_RANGES)
			return -ENOSPC;
		memmove(&b->r[i + 1], &b->r[i], (b->n - i) * sizeof(b->r[0]));
		b->n++;
	} else if (j - i > 1) {
		memmove(&b->r[i + 1], &b->r[j], (b->n - j) * sizeof(b->r[0]));
		b->n -= j - i - 1;
	}
	b->r[i].lo = lo;
	b->r[i].hi = hi;
	return (int)dp_reasm_contig(p, idx);
}

void
dp_reasm_shift(struct dp_reasm_pool *p, uint32_t idx, uint32_t n)
{
	struct dp_reasm_buf *b = &p->bufs[idx];
	uint8_t *buf = p->data + (uint64_t)idx * p->size;
	uint32_t i, k = 0;

	n = RTE_MIN(n, dp_reasm_contig(p, idx));
	if (n == 0)
		return;
	for (i = 0; i < b->n; i++) {
		if (b->r[i].hi <= n)
			continue;
		b->r[k].lo = RTE_MAX(b->r[i].lo, n) - n;
		b->r[k].hi = b->r[i].hi - n;
		k++;
	}
	b->n = k;
	if (k > 0)
		memmove(buf, buf + n, b->r[k - 1].hi);
}
