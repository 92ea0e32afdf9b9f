/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_census_store.h - what the census holds between pushes: per UTC day,
 * organisation and vendor a HyperLogLog sketch of the clients (ctl_hll.h:
 * keyed hashes, no address), and per organisation, vendor group and signal
 * the session total as last pushed (offline: with the days whose sessions
 * are not sent yet).  Both on one index (ctl_index.h).  No database here:
 * a push takes a batch (ctl_census_store_take), ctl_census_push.h sends it,
 * and ctl_census_store_sent says how it went.
 *
 * Invariants: a sketch only grows; a sketch is pending (dirty) from its
 * change to the push that sent it; while a batch is out, no sketch is
 * dropped or moved (its rows name their entries), so that a failed push
 * marks them pending again; session rows chain from the last pushed total
 * (first = the total before, last = after).
 * Errors: -ENOMEM (counted where the stats say), -EINVAL for a sketch that
 * does not unpack.  The control thread's only.
 */
#ifndef CTL_CENSUS_STORE_H
#define CTL_CENSUS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_config.h"
#include "ctl_hll.h"
#include "ctl_orgs.h"

/* Sketches kept at most (memory and the state file): past it the oldest
 * day's go first, counted in dropped. */
#define CTL_CENSUS_KEEP_MAX 200000

/* A sketch row of a batch: bytea's text form of the packed sketch. */
struct ctl_census_row {
	uint32_t day; /* days since 1970-01-01, UTC */
	char vendor[CTL_NAME_LEN];
	struct ctl_org org;			     /* id and labels */
	char sketch[2 + 2 * CTL_HLL_PACKED_MAX + 1]; /* \x and hex */
	uint32_t entry;
};

/* A session row of a batch: the totals before and after it. */
struct ctl_census_srow {
	uint32_t day;
	char org[CTL_ORG_ID_LEN];
	char vendor[CTL_NAME_LEN];
	uint8_t sig;
	bool labelled;	    /* lab holds its organisation's labels */
	struct ctl_org lab; /* its organisation's row goes first (foreign key) */
	uint64_t first, last;
	uint64_t first_name_only, last_name_only; /* the same, of the name-only sessions */
};

/* What one push sends. */
struct ctl_census_batch {
	struct ctl_census_row *rows;
	size_t n_rows;
	struct ctl_census_srow *srows;
	size_t n_srows;
};

struct ctl_census_store_stats {
	uint64_t dropped;	/* unsent sketches given up for room */
	uint64_t clients_lost;	/* sightings not sketched: out of memory */
	uint64_t sessions_lost; /* daily sessions not kept: out of memory */
	unsigned sketches;	/* kept */
	unsigned pending;	/* changed since last sent, and out in a batch */
};

/* What the session totals are read from besides the daily sessions: the
 * counters (cumulative sessions per organisation, vendor and signal). */
struct ctl_snapshot;
struct ctl_census_src {
	const struct ctl_config *cfg;
	const struct ctl_orgs *orgs;
	const struct ctl_snapshot *snap;
	uint64_t clock; /* the control clock: the day of counter sessions */
};

struct ctl_census_store;

/* daily: sessions come by the day they happened (ctl_census_store_session)
 * rather than from the counters at each take.  keep_max: sketches kept at
 * most (the census: CTL_CENSUS_KEEP_MAX): past it the oldest day's go.
 * NULL when out of memory (or keep_max 0). */
struct ctl_census_store *ctl_census_store_create(bool daily, uint32_t keep_max);
void ctl_census_store_free(struct ctl_census_store *s);

/* A client (its keyed hash) of org using vendor's product on day. */
int ctl_census_store_client(struct ctl_census_store *s, uint32_t day, const struct ctl_org *org,
			    const char *vendor, uint64_t hash);

/* Daily stores: one session of org, vendor group and sig on day (0, or
 * -ENOMEM, counted); else nothing. */
int ctl_census_store_session(struct ctl_census_store *s, const struct ctl_org *org,
			     const char *vendor, unsigned sig, bool name_only, uint32_t day);

/* At start, after the state is restored: the counters' totals are the
 * "before" (counted before this start; daily: what was not pushed goes to
 * the day of src->clock). */
int ctl_census_store_prime(struct ctl_census_store *s, const struct ctl_census_src *src);

/* The batch of a push: every pending sketch and the session rows since
 * the last push (from the counters - none when src is NULL - or the
 * days).  An empty batch is none.  0 or -ENOMEM (nothing taken). */
int ctl_census_store_take(struct ctl_census_store *s, const struct ctl_census_src *src,
			  struct ctl_census_batch *b);

/* The batch went through (sent) or not: its sketches leave the pending,
 * its session totals become the "before"; or all stays to go again.  The
 * batch is emptied. */
void ctl_census_store_sent(struct ctl_census_store *s, struct ctl_census_batch *b, bool sent);

void ctl_census_batch_free(struct ctl_census_batch *b);

/* The state file's part: each pending sketch (packed; a batch out counts
 * as pending), each session total as last pushed. */
typedef void (*ctl_census_sketch_fn)(void *arg, uint32_t day, const char *org, const char *vendor,
				     const uint8_t *sketch, size_t len);
typedef void (*ctl_census_total_fn)(void *arg, const char *org, const char *vendor, unsigned sig,
				    uint64_t prev, uint64_t prev_name_only);
void ctl_census_store_export(const struct ctl_census_store *s, ctl_census_sketch_fn sketch,
			     ctl_census_total_fn total, void *arg);

/* Back from the state file: a sketch of org unioned into what is there
 * (pending), a session total. */
int ctl_census_store_import_sketch(struct ctl_census_store *s, const struct ctl_org *org,
				   const char *vendor, uint32_t day, const uint8_t *sketch,
				   size_t len);
int ctl_census_store_import_total(struct ctl_census_store *s, const char *org, const char *vendor,
				  unsigned sig, uint64_t prev, uint64_t prev_name_only);

/* The estimate of one kept sketch (tests, the report's checks): -1 none. */
double ctl_census_store_estimate(const struct ctl_census_store *s, uint32_t day, const char *org,
				 const char *vendor);

void ctl_census_store_stats(const struct ctl_census_store *s, struct ctl_census_store_stats *out);

#endif
