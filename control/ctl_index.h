/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_index.h - a chained hash index over an array its caller owns: each
 * element begins with a key of key_len bytes, compared and hashed byte for
 * byte (so a key is zeroed before it is filled: its padding is part of
 * it).  The index maps a key to its element's position; the caller passes
 * the array's base at each call (the array may move as it grows).
 *
 * Invariants: every position below the count the caller last inserted or
 * rebuilt with is chained exactly once; buckets are a power of two and at
 * least as many as the positions (grown by ctl_index_insert).
 * Errors: -ENOMEM (the index is unchanged).  Not thread-safe.
 */
#ifndef CTL_INDEX_H
#define CTL_INDEX_H

#include <stddef.h>
#include <stdint.h>

#define CTL_INDEX_NONE UINT32_MAX

struct ctl_index {
	uint32_t *buckets;
	uint32_t n_buckets;
	uint32_t *next; /* per position: the next in its chain */
	uint32_t cap;	/* positions next[] holds */
	size_t key_len, stride;
};

/* Elements of stride bytes, each beginning with its key_len-byte key. */
void ctl_index_init(struct ctl_index *ix, size_t key_len, size_t stride);
void ctl_index_fini(struct ctl_index *ix);

/* The position of key's element, or CTL_INDEX_NONE. */
uint32_t ctl_index_find(const struct ctl_index *ix, const void *base, const void *key);

/* Element pos (its key set; positions below it chained) chained in. */
int ctl_index_insert(struct ctl_index *ix, const void *base, uint32_t pos);

/* Every chain made again for elements [0, n) (after the caller moved
 * them: compacted, reordered). */
int ctl_index_rebuild(struct ctl_index *ix, const void *base, uint32_t n);

#endif
