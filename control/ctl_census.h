/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_census.h - what a tap pushes to the census database (PostgreSQL
 * with the hll extension; schema in config/census.sql): per UTC day,
 * organisation and vendor, a HyperLogLog sketch (ctl_hll.h) of the
 * organisation's clients using the vendor's product (any role but web;
 * clients with evidence their address is real), keyed-hashed so that no
 * address leaves the box; the sessions of those roles by signal (each row
 * keeps the total it began the day with and takes the latest: sessions
 * = last - first, a day's from the push that first saw them to the last
 * of the day - a push's interval is the grain at midnight; offline, each
 * session by the day it happened: ctl_census_daily); and the
 * organisations' labels.
 *
 * Pushes are idempotent: a day's sketch only grows, and the database
 * keeps hll_union(what it had, what came), so a retry or a restart never
 * counts a client twice.  A push runs on a thread of its own (libpq, one
 * transaction); the control thread only packs the sketches that changed.
 * While the database is away the tap goes on counting and retries,
 * backing off (1, 2, 4 ... 64 intervals); sketches stay until pushed, in
 * memory and in the state file (ctl_census_export / _import: a restart
 * while the database is away loses nothing), at most CTL_CENSUS_KEEP_MAX.
 *
 * Threads: every function but the push thread's own is the control
 * thread's.  Errors: ctl_census_create returns NULL (ENOMEM);
 * ctl_census_add returns 0 or -ENOMEM (counted as lost).
 */
#ifndef CTL_CENSUS_H
#define CTL_CENSUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctl_config.h"
#include "ctl_orgs.h"

struct ctl_census;

/* Sketches kept at most (memory and the state file): past it the oldest
 * day's go first, counted in sketches_dropped. */
#define CTL_CENSUS_KEEP_MAX 200000

struct ctl_census_stats {
	uint64_t pushes_ok, pushes_failed;
	uint64_t sketches_dropped; /* unsent sketches given up for room (the oldest day) */
	uint64_t sketches_sent;   /* sketch rows written, all pushes */
	uint64_t clients_lost;    /* sightings not sketched: out of memory */
	uint64_t sessions_lost;   /* daily: sessions not kept by day: out of memory */
	unsigned sketches;        /* kept (organisation, vendor, day) */
	unsigned pending;         /* changed since their last push */
	uint64_t last_ok;         /* Unix time of the last good push, 0 none */
	char last_error[512];     /* the last failure's reason ("" none) */
};

/* What a push reads besides the sketches: the sessions of the product
 * roles, per organisation, vendor and signal, from the counters. */
struct ctl_snapshot;
struct ctl_census_src {
	const struct ctl_config *cfg;
	const struct ctl_orgs *orgs;
	const struct ctl_snapshot *snap; /* collected: cumulative sessions */
	uint64_t clock;                  /* the control clock: the day of the sessions */
};

struct ctl_census *ctl_census_create(const struct ctl_census_cfg *cfg);
void ctl_census_free(struct ctl_census *c);

/* At start, after the state is restored: the sessions counted before are
 * not this run's to push (0 or -ENOMEM). */
int ctl_census_prime(struct ctl_census *c, const struct ctl_census_src *src);

/* Offline replays: sessions are taken by the day they happened (each
 * flow's decision, from its sighting: ctl_census_session) rather than from
 * the counters at each push, so a replay of months gives each day its own
 * sessions whatever the pushes' pace.  Call before ctl_census_prime. */
void ctl_census_daily(struct ctl_census *c);

/* Daily: one product session of org, vendor (its group) and signal sig at
 * now, name_only when it rests on the name alone (0; -ENOMEM, counted in
 * sessions_lost).  Otherwise nothing.  Each session row carries both
 * totals: all sessions and the name-only ones among them. */
int ctl_census_session(struct ctl_census *c, const struct ctl_org *org, const char *vendor,
		       unsigned sig, bool name_only, uint32_t now);

/* A client of org (its id and labels) using vendor's product, at now. */
int ctl_census_add(struct ctl_census *c, const struct ctl_org *org, const char *vendor,
		   uint8_t family, const uint8_t *addr, unsigned v6_prefix, uint32_t now);

/* Starts a push when the interval has passed and none is under way;
 * collects one that ended.  now_s: a monotonic clock in seconds (pushes
 * keep the wall's pace even when a replay runs on the capture's clock). */
void ctl_census_tick(struct ctl_census *c, uint64_t now_s, const struct ctl_census_src *src);

/* At a stop: waits for a push under way, then pushes what is pending
 * (the connection attempt gives up after 10 s).  0, or -EIO (told). */
int ctl_census_flush(struct ctl_census *c, const struct ctl_census_src *src);

void ctl_census_stats(const struct ctl_census *c, struct ctl_census_stats *out);

/* The fingerprint of the census key (ctl_hll_key_fingerprint): a push
 * fails, told, when the database's differs; the state file keeps it with
 * the unsent sketches. */
const char *ctl_census_fingerprint(const struct ctl_census *c);

/* The state file's part: each unsent sketch (packed), and each session
 * total as last pushed. */
typedef void (*ctl_census_sketch_fn)(void *arg, uint32_t day, const char *org, const char *vendor,
				     const uint8_t *sketch, size_t len);
typedef void (*ctl_census_total_fn)(void *arg, const char *org, const char *vendor, unsigned sig,
				    uint64_t prev, uint64_t prev_name_only);
void ctl_census_export(const struct ctl_census *c, ctl_census_sketch_fn sketch,
		       ctl_census_total_fn total, void *arg);

/* Back from the state file: an unsent sketch of org (unioned into what
 * is there; -EINVAL when it does not unpack), a session total. */
int ctl_census_import_sketch(struct ctl_census *c, const struct ctl_org *org, const char *vendor,
			     uint32_t day, const uint8_t *sketch, size_t len);
int ctl_census_import_total(struct ctl_census *c, const char *org, const char *vendor,
			    unsigned sig, uint64_t prev, uint64_t prev_name_only);

/* The tapcensus_push_* families. */
void ctl_census_render(FILE *f, const struct ctl_census_stats *s);

#endif
