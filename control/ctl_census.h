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
 * session by the day it happened); and the organisations' labels.
 *
 * The census is fed (ctl_census_feed: the drain's sightings, the restored
 * clients), keeps what it was fed in its store (ctl_census_store.h), and
 * pushes it (ctl_census_push.h) every interval.  Pushes are idempotent: a
 * day's sketch only grows, and the database keeps hll_union(what it had,
 * what came), so a retry or a restart never counts a client twice.  While
 * the database is away the tap goes on counting and retries, backing off
 * (1, 2, 4 ... 64 intervals); sketches stay until pushed, in memory and in
 * the state file (ctl_census_export / _import: a restart while the
 * database is away loses nothing), at most CTL_CENSUS_KEEP_MAX.
 *
 * Threads: the control thread's (the push has a thread of its own).
 * Errors: ctl_census_create returns NULL (ENOMEM); ctl_census_add returns
 * 0 or -ENOMEM (counted as lost).
 */
#ifndef CTL_CENSUS_H
#define CTL_CENSUS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctl_census_store.h"
#include "ctl_config.h"
#include "ctl_orgs.h"
#include "ctl_state.h"
#include "dp_worker_types.h"

struct ctl_census;

struct ctl_census_stats {
	uint64_t pushes_ok, pushes_failed;
	uint64_t sketches_dropped; /* unsent sketches given up for room (the oldest day) */
	uint64_t sketches_sent;	   /* sketch rows written, all pushes */
	uint64_t clients_lost;	   /* sightings not sketched: out of memory */
	uint64_t sessions_lost;	   /* daily: sessions not kept by day: out of memory */
	unsigned sketches;	   /* kept (organisation, vendor, day) */
	unsigned pending;	   /* changed since their last push */
	uint64_t last_ok;	   /* Unix time of the last good push, 0 none */
	char last_error[512];	   /* the last failure's reason ("" none) */
};

/* daily (offline replays): sessions are taken by the day they happened
 * (each flow's decision, from its sighting) rather than from the counters
 * at each push, so a replay of months gives each day its own sessions
 * whatever the pushes' pace. */
struct ctl_census *ctl_census_create(const struct ctl_census_cfg *cfg, bool daily);
void ctl_census_free(struct ctl_census *c);

/* What feeds the census: the sightings of the client sets' index space
 * (cfg and orgs are the configuration and organisations of the
 * generation the sets count in, switched with them at a hand-over). */
struct ctl_census_feed {
	struct ctl_census *census; /* NULL: no census */
	const struct ctl_config *cfg;
	const struct ctl_orgs *orgs;
};

/* n sightings, in the feed's index space: of an organisation (not parked,
 * not unattributed) and a product role, a flow's decision is a session of
 * its day (daily), a client with evidence its address is real a client of
 * its day's sketch. */
void ctl_census_feed(const struct ctl_census_feed *f, const struct dp_client_sighting *s,
		     unsigned n);

/* A client restored from the state file (the same rule, no session).
 * Both take a NULL feed as no census. */
void ctl_census_feed_client(const struct ctl_census_feed *f, const struct dp_client_event *ev,
			    uint32_t seen);

/* At start, after the state is restored: the sessions counted before are
 * not this run's to push (0 or -ENOMEM). */
int ctl_census_prime(struct ctl_census *c, const struct ctl_census_src *src);

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

/* The state file's part (ctl_census_store.h): each unsent sketch, each
 * session total as last pushed. */
void ctl_census_export(const struct ctl_census *c, ctl_census_sketch_fn sketch,
		       ctl_census_total_fn total, void *arg);
int ctl_census_import_sketch(struct ctl_census *c, const struct ctl_org *org, const char *vendor,
			     uint32_t day, const uint8_t *sketch, size_t len);
int ctl_census_import_total(struct ctl_census *c, const char *org, const char *vendor, unsigned sig,
			    uint64_t prev, uint64_t prev_name_only);

/* The state file's section of the census (ctl_state.h, format 3): (format
 * 6) the key's fingerprint; u64 count, { u32 day, name organisation, name
 * vendor, u16 length, the packed sketch } unsent; u64 count, { name
 * organisation, name vendor, u8 signal, u64 total, (format 5) u64
 * name-only total } the session totals as last pushed.  c may be NULL
 * (no census: empty lists written, the file's entries read and dropped).
 * The read returns 0 (restored counts the sketches taken; those of
 * organisations gone count in in->dropped), -EKEYREJECTED, told, when the
 * unsent sketches were made with another key than c's (merged, every
 * client would count twice). */
void ctl_census_state_write(struct ctl_state_out *o, const struct ctl_census *c);
int ctl_census_state_read(struct ctl_state_in *in, const struct ctl_orgs *orgs,
			  struct ctl_census *c, uint64_t *restored);

/* The tapcensus_push_* families. */
void ctl_census_render(FILE *f, const struct ctl_census_stats *s);

#endif
