/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_flow.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "dp_types.h"

/* How far a full table looks for a victim before giving up on a packet. */
#define EVICT_BUDGET 64

int
dp_flow_table_init(struct dp_flow_table *t, const char *name, const struct dp_flow_cfg *cfg,
		   struct dp_flow_stats *st, void (*release)(void *, struct dp_flow *), void *ctx,
		   int socket)
{
	uint32_t n_buckets;

	memset(t, 0, sizeof(*t));
	if (cfg->capacity < DP_FLOW_MIN_CAPACITY || cfg->capacity > DP_FLOW_MAX_CAPACITY ||
	    cfg->idle_timeout == 0 || cfg->hard_timeout < cfg->idle_timeout)
		return -EINVAL;
	/* A bucket for every four entries or fewer (a power of two): at most
	 * 4/7 of the ways in use, so few keys leave their home bucket. */
	n_buckets = rte_align32pow2((cfg->capacity + 3) / 4);
	t->buckets = rte_zmalloc_socket("dp_flow_index", (size_t)n_buckets * sizeof(*t->buckets),
					RTE_CACHE_LINE_SIZE, socket);
	t->flows = rte_zmalloc_socket(name, (size_t)cfg->capacity * sizeof(*t->flows),
				      RTE_CACHE_LINE_SIZE, socket);
	t->free_ids =
	    rte_malloc_socket("dp_flow_free", (size_t)cfg->capacity * sizeof(uint32_t), 0, socket);
	if (t->buckets == NULL || t->flows == NULL || t->free_ids == NULL) {
		rte_free(t->buckets);
		rte_free(t->flows);
		rte_free(t->free_ids);
		memset(t, 0, sizeof(*t));
		return -ENOMEM;
	}
	t->bucket_mask = n_buckets - 1;
	t->n_slots = cfg->capacity;
	/* Position 0 on top: a fresh table fills from the front. */
	for (uint32_t i = 0; i < cfg->capacity; i++)
		t->free_ids[i] = cfg->capacity - 1 - i;
	t->n_free = cfg->capacity;
	t->idle = cfg->idle_timeout;
	t->hard = cfg->hard_timeout;
	t->st = st;
	t->release = release;
	t->ctx = ctx;
	return 0;
}

void
dp_flow_table_fini(struct dp_flow_table *t)
{
	if (t->flows != NULL)
		for (uint32_t i = 0; i < t->n_slots; i++)
			if (t->flows[i].state != DP_FLOW_FREE)
				t->release(t->ctx, &t->flows[i]);
	rte_free(t->flows);
	rte_free(t->buckets);
	rte_free(t->free_ids);
	memset(t, 0, sizeof(*t));
}

/* The canonical order of the two ends is any total order both directions
 * agree on: here the addresses' bytes as native words, then the ports
 * (cheaper than memcmp for the one compare every packet pays). */
void
dp_flow_key_make(const struct dp_pkt *p, struct dp_flow_key *k, bool *src_is_a)
{
	bool lt;

	memset(k, 0, sizeof(*k));
	if (p->family == 4) {
		uint32_t sa, da;

		memcpy(&sa, p->saddr, 4);
		memcpy(&da, p->daddr, 4);
		lt = sa < da || (sa == da && p->sport <= p->dport);
		memcpy(k->a, lt ? &sa : &da, 4);
		memcpy(k->b, lt ? &da : &sa, 4);
	} else {
		uint64_t sa[2], da[2];

		memcpy(sa, p->saddr, 16);
		memcpy(da, p->daddr, 16);
		lt = sa[0] < da[0] || (sa[0] == da[0] &&
				       (sa[1] < da[1] || (sa[1] == da[1] && p->sport <= p->dport)));
		memcpy(k->a, lt ? sa : da, 16);
		memcpy(k->b, lt ? da : sa, 16);
	}
	*src_is_a = lt;
	k->pa = lt ? p->sport : p->dport;
	k->pb = lt ? p->dport : p->sport;
	k->family = p->family;
	k->proto = p->proto;
}

static inline bool
key_equal(const struct dp_flow_key *a, const struct dp_flow_key *b)
{
	const uint64_t *x = (const uint64_t *)a, *y = (const uint64_t *)b;

	return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4]) |
		(x[5] ^ y[5])) == 0;
}

uint32_t
dp_flow_key_hash(const struct dp_flow_table *t, const struct dp_flow_key *k)
{
	(void)t;
	return rte_hash_crc(k, sizeof(*k), 0);
}

/* The bucket a key of this hash calls home. */
static inline struct dp_flow_bucket *
home(const struct dp_flow_table *t, uint32_t hash)
{
	return &t->buckets[hash & t->bucket_mask];
}

/* The bucket after bk, the last followed by the first. */
static inline struct dp_flow_bucket *
next_bucket(const struct dp_flow_table *t, const struct dp_flow_bucket *bk)
{
	return &t->buckets[(uint32_t)(bk - t->buckets + 1) & t->bucket_mask];
}

/* The position of key k (its hash), or DP_FLOW_MISS. */
static int32_t
index_find(const struct dp_flow_table *t, const struct dp_flow_key *k, uint32_t hash)
{
	const struct dp_flow_bucket *bk = home(t, hash);

	for (uint32_t probes = 0; probes <= t->bucket_mask; probes++, bk = next_bucket(t, bk)) {
		for (unsigned w = 0; w < DP_FLOW_BUCKET_WAYS; w++)
			if (bk->id[w] != 0 && bk->hash[w] == hash &&
			    key_equal(&t->flows[bk->id[w] - 1].key, k))
				return (int32_t)(bk->id[w] - 1);
		if (bk->overflow == 0)
			break;
	}
	return DP_FLOW_MISS;
}

/* A free position for a key of this hash (not in the table), entered in
 * the index; -ENOSPC when every position is in use. */
static int32_t
index_add(struct dp_flow_table *t, uint32_t hash)
{
	struct dp_flow_bucket *bk = home(t, hash);
	uint32_t id;

	if (t->n_free == 0)
		return -ENOSPC;
	id = t->free_ids[--t->n_free];
	/* Fewer keys than ways: a bucket with room comes within a lap. */
	for (;; bk = next_bucket(t, bk)) {
		for (unsigned w = 0; w < DP_FLOW_BUCKET_WAYS; w++)
			if (bk->id[w] == 0) {
				bk->id[w] = id + 1;
				bk->hash[w] = hash;
				return (int32_t)id;
			}
		bk->overflow++;
	}
}

/* Entry f's way cleared, the buckets its key passed told, its position
 * free again. */
static void
index_del(struct dp_flow_table *t, struct dp_flow *f)
{
	uint32_t id = (uint32_t)(f - t->flows) + 1;
	struct dp_flow_bucket *bk = home(t, dp_flow_key_hash(t, &f->key));

	for (uint32_t probes = 0; probes <= t->bucket_mask; probes++, bk = next_bucket(t, bk)) {
		for (unsigned w = 0; w < DP_FLOW_BUCKET_WAYS; w++)
			if (bk->id[w] == id) {
				bk->id[w] = 0;
				t->free_ids[t->n_free++] = id - 1;
				return;
			}
		bk->overflow--;
	}
}

static void
remove_slot(struct dp_flow_table *t, struct dp_flow *f, uint64_t *counter)
{
	t->release(t->ctx, f);
	index_del(t, f);
	f->state = DP_FLOW_FREE;
	DP_CTR_ADD(*counter, 1);
}

/* Which timeout, if any, the flow is past: its counter, or NULL. */
static uint64_t *
expired(struct dp_flow_table *t, const struct dp_flow *f, uint32_t now)
{
	if (now - f->last_seen >= t->idle && now >= f->last_seen)
		return &t->st->idle;
	if (now - f->first_seen >= t->hard && now >= f->first_seen)
		return &t->st->hard;
	return NULL;
}

unsigned
dp_flow_sweep(struct dp_flow_table *t, uint32_t now, unsigned budget)
{
	unsigned n = 0;

	for (unsigned i = 0; i < budget; i++) {
		struct dp_flow *f = &t->flows[t->sweep_at];
		uint64_t *why;

		t->sweep_at = t->sweep_at + 1 == t->n_slots ? 0 : t->sweep_at + 1;
		if (f->state == DP_FLOW_FREE || (why = expired(t, f, now)) == NULL)
			continue;
		remove_slot(t, f, why);
		n++;
	}
	return n;
}

/* A full table: expire what has timed out among the next entries, else
 * evict the least recently seen of them that is not a vendor's flow (a
 * vendor flow's packets and bytes are what operators read). */
static bool
make_room(struct dp_flow_table *t, uint32_t now)
{
	struct dp_flow *victim = NULL;

	if (dp_flow_sweep(t, now, EVICT_BUDGET) > 0)
		return true;
	for (unsigned i = 0; i < EVICT_BUDGET; i++) {
		struct dp_flow *f = &t->flows[(t->sweep_at + i) % t->n_slots];

		if (f->state == DP_FLOW_FREE || f->state == DP_FLOW_VENDOR)
			continue;
		if (victim == NULL || f->last_seen < victim->last_seen)
			victim = f;
	}
	if (victim == NULL)
		return false;
	remove_slot(t, victim, &t->st->evicted);
	return true;
}

static bool
client_is_src(const struct dp_pkt *p)
{
	if (p->proto == IPPROTO_TCP && (p->tcp_flags & DP_TCP_SYN))
		return !(p->tcp_flags & DP_TCP_ACK);
	return p->sport >= p->dport;
}

void
dp_flow_lookup_burst(struct dp_flow_table *t, const uint32_t *hashes, unsigned n, int32_t *pos)
{
	t->n_burst_added = 0;
	for (unsigned i = 0; i < n; i++)
		rte_prefetch0(home(t, hashes[i]));
	/* Each key's first way of its hash in its home bucket: prefetched, to
	 * be checked by dp_flow_get_at; a miss is sure only when no key went
	 * past the home bucket. */
	for (unsigned i = 0; i < n; i++) {
		const struct dp_flow_bucket *bk = home(t, hashes[i]);

		pos[i] = bk->overflow == 0 ? DP_FLOW_MISS : DP_FLOW_UNKNOWN;
		for (unsigned w = 0; w < DP_FLOW_BUCKET_WAYS; w++)
			if (bk->id[w] != 0 && bk->hash[w] == hashes[i]) {
				pos[i] = (int32_t)(bk->id[w] - 1);
				rte_prefetch0(&t->flows[pos[i]]);
				break;
			}
	}
}

/* Was a key of this hash added since the burst was looked up? */
static inline bool
added_in_burst(const struct dp_flow_table *t, uint32_t hash)
{
	if (t->n_burst_added > DP_FLOW_BURST_MAX)
		return true;
	for (unsigned i = 0; i < t->n_burst_added; i++)
		if (t->burst_added[i] == hash)
			return true;
	return false;
}

struct dp_flow *
dp_flow_get_at(struct dp_flow_table *t, const struct dp_pkt *p, const struct dp_flow_key *k,
	       uint32_t sig, bool src_is_a, int32_t hint, uint32_t now, bool create, bool *created,
	       enum dp_dir *dir)
{
	struct dp_flow *f;
	int32_t pos = DP_FLOW_MISS;

	*created = false;
	if (hint >= 0 && t->flows[hint].state != DP_FLOW_FREE && key_equal(&t->flows[hint].key, k))
		pos = hint;
	else if (hint != DP_FLOW_MISS || added_in_burst(t, sig))
		/* Not looked up, ended since, or perhaps added since by an
		 * earlier packet of the burst: ask the table. */
		pos = index_find(t, k, sig);
	if (pos >= 0) {
		uint64_t *why;

		f = &t->flows[pos];
		why = expired(t, f, now);
		if (why == NULL)
			goto found;
		/* Timed out but not swept yet: it ends here, a new one begins. */
		remove_slot(t, f, why);
	}
	if (!create)
		return NULL;
	pos = index_add(t, sig);
	if (pos == -ENOSPC && make_room(t, now))
		pos = index_add(t, sig);
	if (pos < 0) {
		DP_CTR_ADD(t->st->full, 1);
		return NULL;
	}
	if (t->n_burst_added < DP_FLOW_BURST_MAX)
		t->burst_added[t->n_burst_added++] = sig;
	else
		t->n_burst_added = DP_FLOW_BURST_MAX + 1; /* too many to tell: ask again */
	f = &t->flows[pos];
	memset(f, 0, sizeof(*f));
	f->key = *k;
	f->state = DP_FLOW_OPEN;
	f->first_seen = now;
	f->client_is_a = client_is_src(p) == src_is_a;
	*created = true;
	DP_CTR_ADD(t->st->created, 1);
found:
	f->last_seen = now;
	*dir = (src_is_a == (bool)f->client_is_a) ? DP_DIR_C2S : DP_DIR_S2C;
	return f;
}

struct dp_flow *
dp_flow_get(struct dp_flow_table *t, const struct dp_pkt *p, uint32_t now, bool create,
	    bool *created, enum dp_dir *dir)
{
	struct dp_flow_key k;
	bool src_is_a;

	dp_flow_key_make(p, &k, &src_is_a);
	return dp_flow_get_at(t, p, &k, dp_flow_key_hash(t, &k), src_is_a, DP_FLOW_UNKNOWN, now,
			      create, created, dir);
}

void
dp_flow_end(struct dp_flow_table *t, struct dp_flow *f)
{
	remove_slot(t, f, &t->st->ended);
}
