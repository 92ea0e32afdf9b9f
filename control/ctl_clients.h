/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_clients.h - exact unique-client sets per (organisation, vendor), with
 * the time each client was last seen, for sliding windows.
 *
 * Fed by the control thread alone from the workers' event rings; a client
 * counts once per (organisation, vendor) whatever signals it shows.  IPv6
 * clients are aggregated to their first ipv6_prefix bits (a /64 is one
 * household or one host's privacy addresses), IPv4 clients are whole.
 * Evidence: an event flagged DP_CLIENT_UNVERIFIED (the worker saw no
 * exchange that proves the address real: a spoofed ClientHello, a query
 * not answered yet) is held apart - it counts in no organisation's figures,
 * only in the unverified totals - until an event for the same client
 * brings the evidence.
 *
 * The set holds at most `capacity` entries.  When it is full a newcomer
 * takes the place of an entry that counts for less: one last seen before
 * the longest window (30 days), else an unverified one (a verified client
 * in a window is never replaced, and an unverified newcomer only replaces
 * an unverified entry or an expired one); failing that it is counted in
 * ctl_clients_full() and the figures become lower bounds.  Windows are
 * counted from the last-seen times; "all" (since the first start) counts
 * each verified client once as it arrives, so entries replaced for room
 * still count there (a client back after being replaced counts again).
 * Evidence of the vendor (dp_worker_types.h: name_only): an entry is
 * corroborated once a session of it was (a decision whose server address is
 * the vendor's); a union entry once any of its roles' entries is, verified.
 * ctl_clients_windows counts those apart too.
 * Client addresses never leave this module except into a snapshot file
 * (ctl_clients_iterate): only counts are exported.
 */
#ifndef CTL_CLIENTS_H
#define CTL_CLIENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl_state.h"
#include "dp_worker_types.h"

/* The windows counted: 1 day, 30 days, and since the first start. */
enum ctl_window { CTL_WIN_1D, CTL_WIN_30D, CTL_WIN_ALL, CTL_WIN_COUNT };

extern const char *const ctl_window_names[CTL_WIN_COUNT];
extern const uint32_t ctl_window_secs[CTL_WIN_COUNT]; /* 0: unbounded */

/* Why an entry was replaced to make room. */
enum ctl_evict { CTL_EVICT_EXPIRED, CTL_EVICT_UNVERIFIED, CTL_EVICT_COUNT };

struct ctl_clients;

/* NULL with rte_errno set on failure (EINVAL: ipv6_prefix not in 1..128). */
struct ctl_clients *ctl_clients_create(unsigned capacity, unsigned n_orgs, unsigned n_vendors,
				       unsigned ipv6_prefix);
void ctl_clients_free(struct ctl_clients *c);

/* Clients of vendor v also count under key also[v] (also[v] < n_vendors,
 * itself with no second key), or under none (UINT16_MAX): a vendor's
 * product use is the union of its product roles, one client however many
 * roles it reaches; verified clients only (an unverified one is held
 * under its role alone).  also has n_vendors entries, copied.  0, -EINVAL for a
 * map out of range or chained, -ENOMEM. */
int ctl_clients_union(struct ctl_clients *c, const uint16_t *also);

/* Seen at unix time now: 1 if the client counts from now on (new and
 * verified, or verified now), 0 otherwise (known; or unverified - ev->vendor
 * carries DP_CLIENT_UNVERIFIED; its time moves forward, never back),
 * -ENOSPC when the set is full and nothing may be replaced, -EINVAL for an
 * organisation or vendor out of range, -ESTALE for an event of a
 * generation older than the one before (or of an organisation a reload
 * removed), counted in ctl_clients_stale(). */
int ctl_clients_add(struct ctl_clients *c, const struct dp_client_event *ev, uint32_t now,
		    bool corroborated);

/* ctl_clients_add for each of n sightings, each at its own time (the
 * worker's clock when it happened: a replay's days stay its own).  The
 * burst is rewritten in place into this set's generation, those of a
 * generation gone left out (counted stale): the first (returned) many are
 * what was added, for the census to be fed the same (ctl_census_feed). */
unsigned ctl_clients_add_burst(struct ctl_clients *c, struct dp_client_sighting *s, unsigned n);

/* Since start, for one (organisation, vendor). */
uint64_t ctl_clients_count(const struct ctl_clients *c, uint32_t org, unsigned vendor);

/* Verified clients per window at now: out[(org * n_vendors + vendor) *
 * CTL_WIN_COUNT + window], n_orgs * n_vendors * CTL_WIN_COUNT values; and,
 * when unverified is not NULL, the unverified ones per vendor and window
 * (n_vendors * CTL_WIN_COUNT); when corroborated is not NULL, the verified
 * and corroborated ones, laid out as out.  One pass over the set. */
void ctl_clients_windows(const struct ctl_clients *c, uint32_t now, uint64_t *out,
			 uint64_t *unverified, uint64_t *corroborated);

/* Calls fn for every entry (key as stored: IPv6 already cut to the prefix;
 * DP_CLIENT_UNVERIFIED in its vendor when unverified; corroborated as
 * above) until it returns non-zero, which is returned. */
int ctl_clients_iterate(const struct ctl_clients *c,
			int (*fn)(void *arg, const struct dp_client_event *key, uint32_t seen,
				  bool corroborated),
			void *arg);

/* After a reload to generation gen: a new set of n_orgs organisations
 * holding every entry of c, its organisation carried by map (old index ->
 * new; UINT32_MAX: gone, left out), with the same last-seen times and
 * counters.  Events still tagged with c's generation are carried by the
 * same map as they are drained.  NULL with rte_errno set (ENOMEM). */
struct ctl_clients *ctl_clients_regen(const struct ctl_clients *c, unsigned n_orgs,
				      const uint32_t *map, uint16_t gen);

uint64_t ctl_clients_entries(const struct ctl_clients *c);
uint64_t ctl_clients_stale(const struct ctl_clients *c);
uint64_t ctl_clients_full(const struct ctl_clients *c);
uint64_t ctl_clients_unverified(const struct ctl_clients *c);
uint64_t ctl_clients_evicted(const struct ctl_clients *c, enum ctl_evict why);
unsigned ctl_clients_capacity(const struct ctl_clients *c);

/* The state file's section of the client sets (ctl_state.h): u64 count,
 * { struct dp_client_event (organisation and vendor key by the file's
 * lists, DP_CLIENT_UNVERIFIED kept), u32 last seen, (format 6) u8 flags
 * (1: corroborated; earlier formats: name-only) }.  The read adds each to
 * c (restored counts those taken) and hands it to each (when not NULL) in
 * the running index space.  0, or -EBADMSG. */
void ctl_clients_state_write(struct ctl_state_out *o, const struct ctl_clients *c);
int ctl_clients_state_read(struct ctl_state_in *in, struct ctl_clients *c,
			   void (*each)(void *arg, const struct dp_client_event *ev, uint32_t seen),
			   void *arg, uint64_t *restored);

#endif
