/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_worker.h - one worker lcore: receive a burst, follow each packet's
 * flow, inspect undecided flows, count.  Workers never write shared state.
 * This is the control plane's view of a worker; its insides are in
 * dp_worker_ctx.h (the worker's files and the tests only).
 *
 * Ownership and threads:
 *  - The control plane creates a worker (dp_worker_create) with its first
 *    generation of tables and what binds it to a port, queue, clock and RCU
 *    state, then launches dp_worker_loop on a worker lcore.  From then on
 *    the worker alone writes its statistics and counters; the control plane
 *    reads them (dp_worker_stats, dp_worker_counters: relaxed loads) off the
 *    hot path.
 *  - Each flow decided as a vendor's reports its client once, as a
 *    dp_client_event; the control plane takes them (dp_worker_events_take)
 *    and dedups them into exact unique-client sets.  When the worker's ring
 *    is full the event is counted in client_events_lost, unless the worker
 *    is lossless (offline replay), where it waits for room instead: the
 *    control plane must then keep taking events until the worker returns.
 *  - Server addresses the worker learns from DNS answers go into its own
 *    learned table at once and out as dp_learn_events
 *    (dp_learn_take); the control plane gives them to every other
 *    worker (dp_learn_give), which applies them at the top of each
 *    burst.  Each learned table has one writer.
 *  - Flows: see dp_flow.h.  A packet that would start a flow but finds no
 *    room in the flow table is counted in flow.full and as untracked: it is
 *    not inspected and never a session.
 *  - Payload signatures: the first stream_bytes of each direction of every
 *    flow are fed to a Hyperscan stream, opened at the direction's first
 *    payload and closed when the bound is reached, the flow is a vendor's,
 *    or it ends.  A match makes the flow a vendor's (signal payload), even
 *    one whose name said otherwise; a name decides first within a packet.
 *
 * Reload (RCU): what a reload replaces - organisation and server tables,
 * the Hyperscan databases, and this worker's counters sized for the new
 * organisation table - is one struct dp_gen.  The control plane publishes
 * a new one (dp_gen_publish), the worker adopts it at the top of its
 * next burst and reports a quiescent state (rte_rcu_qsbr) after every
 * burst; once every worker has, the control plane folds the old counters
 * (dp_gen_counters) into its own and frees the old generation.  Vendors
 * never change on a reload (their indices are stable: flows, learned
 * addresses and events keep their vendor bits).  Organisation indices do:
 * a flow remembers the generation its org was looked up in and looks it up
 * again in the new table at its next packet; client events carry their
 * generation, so the control plane maps stale ones.  A payload stream keeps
 * scanning against the database it was opened on while that is the current
 * or the previous generation's (the scratch fits both); a stream two
 * reloads old is closed unscanned and counted in streams_cut.
 *
 * Time: flow timeouts and learned TTLs run on the packets' clock when the
 * port stamps packets (net_pcap replays the capture's timestamps), else on
 * the control plane's coarse wall clock; last_seen and client sightings
 * take the same clock.
 *
 * Errors: constructors return NULL with rte_errno set (EINVAL, ENOMEM).
 */
#ifndef DP_WORKER_H
#define DP_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_gen.h"
#include "dp_worker_types.h"

struct dp_worker;
struct dp_gen;
struct dp_lpm;
struct dp_match;
struct rte_rcu_qsbr;

/* Offline: the frames (by their position in the worker's capture, from 0)
 * whose pcap record holds a microsecond field of 10^6 or more, and the
 * stamp net_pcap makes of each (dp_clock.h cannot tell it from a good one);
 * sorted by position.  The worker drops such a frame, counted as
 * time_invalid, when it arrives at that position with that stamp. */
struct dp_bad_stamps {
	uint64_t *pos;
	uint64_t *stamp;
	uint32_t n;
};

/* What binds a worker to its place: the RX queue it polls, the clocks and
 * flags the control plane keeps, and its RCU slot. */
struct dp_worker_bind {
	uint16_t port, queue;
	const volatile uint64_t *clock; /* unix seconds, kept by the control plane */
	const volatile bool *stop;	/* dp_worker_loop returns once set */
	struct rte_rcu_qsbr *qs;	/* NULL: no reloads (tests) */
	unsigned qs_id;
	int ts_off;		  /* mbuf timestamp dynfield (offline: net_pcap's capture time, us
				   * since the epoch), -1: none, the clock instead */
	uint64_t ts_flag;	  /* its ol_flags bit */
	bool lossless;		  /* offline: wait for room in the event rings */
	uint8_t link;		  /* enum dp_link: what the port's frames start with */
	uint64_t report_names;	  /* vendors whose deciding names are handed out
				   * (dp_worker_names_take): the vendors' own levels */
	uint32_t pace_pps;	  /* offline: at most this many packets a second (0: as
				   * fast as the port gives them) */
	struct dp_bad_stamps bad; /* offline: the capture's damaged stamps (the
				   * caller's, kept while the worker runs) */
};

/* Allocates the worker, its rings, flow table, reassembly pool and learned
 * table; gen becomes its first generation and the worker's to free.
 * Returns NULL with rte_errno set (EINVAL for sizes out of range, ENOMEM);
 * gen is then still the caller's. */
struct dp_worker *dp_worker_create(unsigned id, unsigned n_vendors, struct dp_gen *gen,
				   const struct dp_worker_cfg *cfg,
				   const struct dp_worker_bind *bind, int socket);
/* Frees the worker and its last published generation. */
void dp_worker_free(struct dp_worker *w);

/* Follow, inspect and count one contiguous frame at time now (seconds of
 * the flow clock): the per-packet stage, its flow looked up alone. */
void dp_worker_packet(struct dp_worker *w, const uint8_t *frame, uint32_t len, uint32_t now);

/* The same for n frames as the burst loop takes them: parsed, their flows
 * looked up DP_BURST at a time, then each followed in order.  Counts are
 * those of n dp_worker_packet calls. */
void dp_worker_packets(struct dp_worker *w, const uint8_t *const *frames, const uint32_t *lens,
		       unsigned n, uint32_t now);

/* The lcore entry point: the burst loop, until *bind.stop. */
int dp_worker_loop(void *arg);

/* ---- What the control plane reads and hands over ---- */

/* The worker's statistics, read with DP_CTR_READ while it runs. */
const struct dp_wstats *dp_worker_stats(const struct dp_worker *w);

/* The longest time (TSC cycles) between two of the worker's rx_bursts
 * returning - its packets' wait beyond the NIC's own - since it started or
 * since dp_worker_gap_restart() (control plane: at a reload's start, so
 * that a reload's effect on the workers shows). */
uint64_t dp_worker_max_gap(const struct dp_worker *w);

/* The worker's clock (Unix seconds) as of its last burst: the packets'
 * own time where the port stamps it (net_pcap: the capture's), else the
 * control plane's.  0 before the first burst. */
uint32_t dp_worker_clock(const struct dp_worker *w);
void dp_worker_gap_restart(struct dp_worker *w);

/* The counters of the generation last published to the worker. */
const struct dp_org_ctr *dp_worker_counters(const struct dp_worker *w);

/* The worker's flow clock (seconds): the capture's offline. */
uint32_t dp_worker_now(const struct dp_worker *w);

/* Moves up to max client sightings out of the worker's ring (each with
 * the worker's clock when it happened: the capture's offline); returns
 * how many. */
unsigned dp_worker_events_take(struct dp_worker *w, struct dp_client_sighting *s, unsigned max);

/* Up to max names that decided flows for a vendor in bind.report_names,
 * one per flow (lost ones counted in name_events_lost). */
unsigned dp_worker_names_take(struct dp_worker *w, struct dp_name_event *ev, unsigned max);

/* Moves up to max addresses the worker learned out of it; returns how many. */
unsigned dp_learn_take(struct dp_worker *w, struct dp_learn_event *ev, unsigned max);

/* Gives the worker an address another worker learned: 0, or -ENOBUFS when
 * its ring is full (the caller counts the loss). */
int dp_learn_give(struct dp_worker *w, const struct dp_learn_event *ev);

/* Puts an address into the worker's learned table directly: before the
 * worker is launched only (restoring the state file). */
void dp_learn_seed(struct dp_worker *w, const struct dp_learn_event *ev, uint32_t now);

/* Applies what other workers learned (at most budget entries); returns how
 * many.  The worker calls it at the top of each burst; tests call it too. */
unsigned dp_learn_apply(struct dp_worker *w, unsigned budget);

#endif
