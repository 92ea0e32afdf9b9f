/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_index.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_BUCKETS 1024u

/* FNV-1a over the key's bytes. */
static uint32_t
key_hash(const struct ctl_index *ix, const void *key)
{
	const uint8_t *k = key;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < ix->key_len; i++)
		h = (h ^ k[i]) * 16777619u;
	return h;
}

static const void *
key_at(const struct ctl_index *ix, const void *base, uint32_t pos)
{
	return (const uint8_t *)base + (size_t)pos * ix->stride;
}

void
ctl_index_init(struct ctl_index *ix, size_t key_len, size_t stride)
{
	memset(ix, 0, sizeof(*ix));
	ix->key_len = key_len;
	ix->stride = stride;
}

void
ctl_index_fini(struct ctl_index *ix)
{
	free(ix->buckets);
	free(ix->next);
	ctl_index_init(ix, ix->key_len, ix->stride);
}

uint32_t
ctl_index_find(const struct ctl_index *ix, const void *base, const void *key)
{
	if (ix->n_buckets == 0)
		return CTL_INDEX_NONE;
	for (uint32_t i = ix->buckets[key_hash(ix, key) & (ix->n_buckets - 1)]; i != CTL_INDEX_NONE;
	     i = ix->next[i])
		if (memcmp(key_at(ix, base, i), key, ix->key_len) == 0)
			return i;
	return CTL_INDEX_NONE;
}

/* Buckets (at least n, a power of two) and next[] (at least n) made for n
 * positions, every chain empty. */
static int
reserve(struct ctl_index *ix, uint32_t n)
{
	uint32_t nb = ix->n_buckets ? ix->n_buckets : FIRST_BUCKETS, *b = ix->buckets;

	while (nb < n)
		nb *= 2;
	if (n > ix->cap) {
		uint32_t cap = ix->cap ? ix->cap : 256, *next;

		while (cap < n)
			cap *= 2;
		if ((next = realloc(ix->next, cap * sizeof(*next))) == NULL)
			return -ENOMEM;
		ix->next = next;
		ix->cap = cap;
	}
	if (nb != ix->n_buckets && (b = malloc(nb * sizeof(*b))) == NULL)
		return -ENOMEM;
	if (b != ix->buckets)
		free(ix->buckets);
	ix->buckets = b;
	ix->n_buckets = nb;
	memset(b, 0xff, nb * sizeof(*b));
	return 0;
}

static void
chain(struct ctl_index *ix, const void *base, uint32_t pos)
{
	uint32_t k = key_hash(ix, key_at(ix, base, pos)) & (ix->n_buckets - 1);

	ix->next[pos] = ix->buckets[k];
	ix->buckets[k] = pos;
}

int
ctl_index_rebuild(struct ctl_index *ix, const void *base, uint32_t n)
{
	int rc = reserve(ix, n);

	if (rc != 0)
		return rc;
	for (uint32_t i = 0; i < n; i++)
		chain(ix, base, i);
	return 0;
}

int
ctl_index_insert(struct ctl_index *ix, const void *base, uint32_t pos)
{
	if (pos >= ix->n_buckets) /* one chain a position on average, at most */
		return ctl_index_rebuild(ix, base, pos + 1);
	if (pos >= ix->cap) {
		uint32_t cap = ix->cap ? ix->cap * 2 : 256, *next;

		while (cap <= pos)
			cap *= 2;
		if ((next = realloc(ix->next, cap * sizeof(*next))) == NULL)
			return -ENOMEM;
		ix->next = next;
		ix->cap = cap;
	}
	chain(ix, base, pos);
	return 0;
}
