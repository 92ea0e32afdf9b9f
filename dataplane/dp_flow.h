/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_flow.h - one worker's flow table: TCP and UDP flows by their 5-tuple,
 * both directions in one entry, with idle and hard timeouts and a fixed
 * capacity.
 *
 * Ownership and threads: a table belongs to one worker, which alone reads
 * and writes it; nothing in it is shared.  The control plane reads only
 * the counters in struct dp_flow_stats (relaxed loads).
 *
 * Invariants:
 *  - A key is canonical (the lower address/port pair first), so both
 *    directions of a flow find the same entry; dp_flow.client_is_a says
 *    which side is the client.
 *  - Every entry leaves the table exactly once and is counted once: ended
 *    (RST, or FIN from both sides), expired idle, expired hard, or evicted
 *    to make room.  created - (ended + idle + hard + evicted + restarted) ==
 *    active (dp_flow_stats_active), restarted being the flows held when the
 *    process last stopped, which the control plane counts on restoring.
 *  - Before an entry is reused, the table calls release() on it, so the
 *    owner frees what the flow holds (reassembly buffer, stream state).
 *
 * Memory: capacity entries of sizeof(struct dp_flow), a free list of
 * their positions (4 bytes each) and the index (struct dp_flow_bucket, 64
 * bytes for each 2 to 4 entries), all allocated at init; nothing later.
 *
 * The index: buckets of seven (hash, position) pairs, one cache line each;
 * a key lives in its home bucket (hash & bucket_mask) or, when that was
 * full, in the next with room; a bucket's overflow counts the keys stored
 * past it from a home at or before it, so a lookup stops at the first
 * bucket with none.  The key itself is only in the entry, whose first line
 * a packet reads anyway: a packet of a known flow reads two cache lines
 * (its bucket and its entry), where rte_hash read four (two buckets, the
 * key slot, then the entry; measured: issue 21).  Freed positions are used
 * again first (a stack), so the entries in use stay close together.
 *
 * A burst: dp_flow_lookup_burst prefetches every key's bucket, then reads
 * them and prefetches each candidate entry, so the misses of a backbone's
 * million flows overlap instead of queueing; dp_flow_get_at takes each
 * packet's position from it in order, checking it still holds the
 * packet's key (an earlier packet of the burst may have ended that flow,
 * or created the one a miss was for).
 *
 * Errors: dp_flow_table_init returns 0, -EINVAL (capacity or timeouts out
 * of range) or -ENOMEM.  dp_flow_get returns NULL when the table is full
 * and nothing could be evicted (counted in stats.full).
 */
#ifndef DP_FLOW_H
#define DP_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_parse.h"

#define DP_FLOW_MIN_CAPACITY 64
/* At most this many keys a dp_flow_lookup_burst. */
#define DP_FLOW_BURST_MAX 64
#define DP_FLOW_MAX_CAPACITY (64u << 20)

/* Direction of a packet within its flow. */
enum dp_dir { DP_DIR_C2S = 0, DP_DIR_S2C = 1 };

/* What a flow is to us; decided once. */
enum dp_flow_state {
	DP_FLOW_FREE = 0,
	DP_FLOW_OPEN,	/* still inspected */
	DP_FLOW_VENDOR, /* a vendor's: packets and bytes counted, no inspection */
	DP_FLOW_OTHER,	/* not a vendor's: bypassed */
};

struct dp_flow_key {
	uint8_t a[16], b[16]; /* addresses, IPv4 in the first 4 bytes */
	uint16_t pa, pb;      /* ports, host order */
	uint8_t family, proto;
	/* Always 0: keys are hashed and compared as bytes, six words at
	 * once, and fill the entry's first line with its hot fields. */
	uint8_t zero[10];
};

_Static_assert(sizeof(struct dp_flow_key) == 48, "keys are six words");

/* An entry.  Its first cache line holds all a bypassed packet reads and
 * writes (the key it is checked against, the times, the state and marks);
 * the rest is read only while the flow is inspected or a vendor's. */
struct dp_flow {
	struct dp_flow_key key;
	uint32_t first_seen, last_seen; /* seconds, the worker's clock */
	uint8_t state;			/* enum dp_flow_state */
	uint8_t sig;			/* enum dp_signal that decided a vendor flow */
	uint8_t client_is_a;
	uint8_t marks;	   /* DP_MARK_*: FINs seen, evidence of a real client */
	uint16_t gen;	   /* the worker generation org was looked up in */
	uint8_t scan_done; /* bit per enum dp_dir: its payload scanned as far as it goes */
	uint8_t spare;
	/* -- the second cache line -- */
	uint64_t vendors;	    /* when DP_FLOW_VENDOR */
	uint64_t pkts[2], bytes[2]; /* by enum dp_dir: while open or a vendor's */
	uint32_t org;		    /* the client's organisation */
	uint32_t reasm;		    /* reassembly buffer + 1; 0 for none */
	void *hs[2];		    /* Hyperscan stream per enum dp_dir, while scanning */
	uint32_t scanned[2];	    /* payload bytes fed to them */
	uint32_t c_base;	    /* client stream: sequence number of offset 0 */
	uint32_t s_base;	    /* server stream: the same */
	uint32_t s_next;	    /* DNS over TCP: server stream offset of the next answer */
	uint16_t hs_gen[2];	    /* the generation whose database each stream runs on */
	uint8_t c_base_known;
	uint8_t s_base_known;
} __attribute__((aligned(64)));

_Static_assert(__builtin_offsetof(struct dp_flow, vendors) == 64,
	       "a bypassed packet's fields fill the entry's first cache line");

/* dp_flow.marks.  A client's address is real (not spoofed) when the tap
 * shows an exchange: for TCP the client sending after the server did (a
 * spoofer never sees the server's SYN-ACK), for UDP the server replying. */
#define DP_MARK_FIN_C2S 0x01	     /* 1 << DP_DIR_C2S */
#define DP_MARK_FIN_S2C 0x02	     /* 1 << DP_DIR_S2C */
#define DP_MARK_SERVER 0x04	     /* a packet from the server */
#define DP_MARK_EXCHANGE 0x08	     /* evidence of the exchange */
#define DP_MARK_CLIENT_SENT 0x10     /* the client reported, unverified */
#define DP_MARK_CLIENT_VERIFIED 0x20 /* the client reported verified */
#define DP_MARK_CLIENT 0x40	     /* a packet from the client */
/* A packet of direction dir has been seen. */
#define DP_MARK_SEEN(dir) ((dir) == DP_DIR_S2C ? DP_MARK_SERVER : DP_MARK_CLIENT)

struct dp_flow_stats {
	uint64_t created;
	uint64_t ended;	    /* RST, or FIN both ways */
	uint64_t idle;	    /* expired: no packet for idle_timeout */
	uint64_t hard;	    /* expired: older than hard_timeout */
	uint64_t evicted;   /* removed early to make room for a new flow */
	uint64_t full;	    /* a packet that found no flow and no room */
	uint64_t restarted; /* held when the process stopped (the control plane
			     * counts these on restoring its state) */
};

/* Flows held now: every flow created and not yet removed. */
static inline uint64_t
dp_flow_stats_active(const struct dp_flow_stats *s)
{
	return s->created - s->ended - s->idle - s->hard - s->evicted - s->restarted;
}

struct dp_flow_cfg {
	uint32_t capacity;
	uint32_t idle_timeout; /* seconds */
	uint32_t hard_timeout; /* seconds */
};

#define DP_FLOW_BUCKET_WAYS 7

/* One cache line of the index: a way is empty when its id is 0. */
struct dp_flow_bucket {
	uint32_t hash[DP_FLOW_BUCKET_WAYS]; /* the key's dp_flow_key_hash */
	uint32_t overflow;		    /* keys homed here or before, stored beyond */
	uint32_t id[DP_FLOW_BUCKET_WAYS];   /* the entry's position + 1 */
	uint32_t spare;
} __attribute__((aligned(64)));

struct dp_flow_table {
	struct dp_flow_bucket *buckets;
	uint32_t bucket_mask;
	struct dp_flow *flows; /* by position */
	uint32_t n_slots;      /* = the capacity */
	uint32_t *free_ids;    /* positions not in use, the next on top */
	uint32_t n_free;
	uint32_t sweep_at;
	uint32_t idle, hard;
	struct dp_flow_stats *st;
	void (*release)(void *ctx, struct dp_flow *f);
	void *ctx;
	/* The hashes of the keys added since the last burst was looked up:
	 * only a miss of one of these may have become a hit (more than fit:
	 * every miss is asked again). */
	uint32_t burst_added[DP_FLOW_BURST_MAX];
	unsigned n_burst_added;
};

/* name labels the entries' memory (rte_malloc's type, as the EAL's heap
 * dump shows it). */
int dp_flow_table_init(struct dp_flow_table *t, const char *name, const struct dp_flow_cfg *cfg,
		       struct dp_flow_stats *st, void (*release)(void *, struct dp_flow *),
		       void *ctx, int socket);
void dp_flow_table_fini(struct dp_flow_table *t);

/* The key of a parsed packet, and whether its sender is side a. */
void dp_flow_key_make(const struct dp_pkt *p, struct dp_flow_key *k, bool *src_is_a);

/* The key's hash, as the table computes it. */
uint32_t dp_flow_key_hash(const struct dp_flow_table *t, const struct dp_flow_key *k);

/* Flows held now (what the index holds). */
static inline uint32_t
dp_flow_count(const struct dp_flow_table *t)
{
	return t->n_slots - t->n_free;
}

/* The packet's flow, or a new one when create is true (*created set).
 * A new flow's client is the SYN's sender, the SYN-ACK's receiver, or else
 * the side with the higher port (servers listen on the low ones). */
struct dp_flow *dp_flow_get(struct dp_flow_table *t, const struct dp_pkt *p, uint32_t now,
			    bool create, bool *created, enum dp_dir *dir);

/* dp_flow_get_at's hint: not looked up (any negative value but MISS). */
#define DP_FLOW_UNKNOWN (-2)
#define DP_FLOW_MISS (-1) /* looked up, not there */

/* Looks up n keys (n <= DP_FLOW_BURST_MAX) by their hashes at once, every
 * bucket prefetched before any is read: pos[i] the position of an entry
 * that may be key i's, its first line prefetched (dp_flow_get_at checks
 * its key), DP_FLOW_MISS when key i is surely not held, or DP_FLOW_UNKNOWN
 * when only a full lookup can tell. */
void dp_flow_lookup_burst(struct dp_flow_table *t, const uint32_t *hashes, unsigned n,
			  int32_t *pos);

/* dp_flow_get for a packet whose key k (its hash, src_is_a) is made, and
 * hint its position from the burst's lookup (or DP_FLOW_UNKNOWN): checked,
 * never trusted blindly. */
struct dp_flow *dp_flow_get_at(struct dp_flow_table *t, const struct dp_pkt *p,
			       const struct dp_flow_key *k, uint32_t hash, bool src_is_a,
			       int32_t hint, uint32_t now, bool create, bool *created,
			       enum dp_dir *dir);

/* The flow ended (RST, FINs): released and removed now. */
void dp_flow_end(struct dp_flow_table *t, struct dp_flow *f);

/* Looks at up to budget entries from where the last call stopped and
 * expires those past a timeout at now.  Returns the number expired. */
unsigned dp_flow_sweep(struct dp_flow_table *t, uint32_t now, unsigned budget);

/* The client's and the server's address of a flow. */
static inline const uint8_t *
dp_flow_client(const struct dp_flow *f)
{
	return f->client_is_a ? f->key.a : f->key.b;
}

static inline const uint8_t *
dp_flow_server(const struct dp_flow *f)
{
	return f->client_is_a ? f->key.b : f->key.a;
}

#endif
