/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_reasm.h - reassembly of the first bytes of a byte stream (a TCP
 * client's stream, a QUIC connection's CRYPTO stream) from pieces that may
 * arrive out of order, overlap or repeat.
 *
 * A pool holds a fixed number of buffers of one size, allocated at init;
 * a flow borrows one only while it waits for the rest of a name, so the pool
 * bounds memory however many flows are open.  One worker owns a pool.
 *
 * Invariants:
 *  - Bytes [0, contig) of a buffer are the stream's first bytes, each as
 *    first received: a retransmission or an overlap never rewrites a byte
 *    (RFC 9293 3.10.7.4 lets a receiver keep either copy; taking the first
 *    keeps a later forged overlap from changing a name already half seen).
 *  - Bytes at or past the buffer size are dropped; contig never exceeds it.
 *  - At most DP_REASM_MAX_RANGES disjoint ranges are held; a piece that
 *    would need more is refused (-ENOSPC), so work per piece is bounded.
 *
 * Errors: dp_reasm_pool_init returns 0, -EINVAL or -ENOMEM.
 * dp_reasm_alloc returns a buffer index >= 0, or -ENOBUFS when all are lent.
 * dp_reasm_add returns the new contig, or -ENOSPC (too many ranges).
 */
#ifndef DP_REASM_H
#define DP_REASM_H

#include <stdint.h>

#define DP_REASM_MAX_RANGES 8

struct dp_reasm_range {
	uint32_t lo, hi; /* [lo, hi) */
};

struct dp_reasm_buf {
	uint32_t n; /* ranges held, sorted and disjoint */
	struct dp_reasm_range r[DP_REASM_MAX_RANGES];
	uint32_t since; /* for the borrower: when it started waiting (seconds) */
};

struct dp_reasm_pool {
	uint8_t *data;		   /* n_bufs * size bytes */
	struct dp_reasm_buf *bufs; /* n_bufs */
	uint32_t *free;		   /* stack of free indexes */
	uint32_t n_free, n_bufs, size;
};

int dp_reasm_pool_init(struct dp_reasm_pool *p, uint32_t n_bufs, uint32_t size, int socket);
void dp_reasm_pool_fini(struct dp_reasm_pool *p);

int dp_reasm_alloc(struct dp_reasm_pool *p);
void dp_reasm_free(struct dp_reasm_pool *p, uint32_t idx);

/* Adds len bytes at stream offset off. */
int dp_reasm_add(struct dp_reasm_pool *p, uint32_t idx, uint64_t off, const uint8_t *d,
		 uint32_t len);

/* Drops the first n bytes of the stream, n at most contig: the rest, held
 * bytes and gaps alike, moves down by n (a reader that consumed a prefix
 * makes room for what follows).  Work: the bytes held past n. */
void dp_reasm_shift(struct dp_reasm_pool *p, uint32_t idx, uint32_t n);

static inline const uint8_t *
dp_reasm_data(const struct dp_reasm_pool *p, uint32_t idx)
{
	return p->data + (uint64_t)idx * p->size;
}

/* Bytes [0, contig) are present. */
static inline uint32_t
dp_reasm_contig(const struct dp_reasm_pool *p, uint32_t idx)
{
	const struct dp_reasm_buf *b = &p->bufs[idx];

	return b->n > 0 && b->r[0].lo == 0 ? b->r[0].hi : 0;
}

#endif
