/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_workers.h - the workers as a whole, seen from the control thread:
 * the mbuf pool and the ports they poll, one worker per RX queue bound to
 * its port, queue, clock and RCU slot, their first generation, and what
 * flows out of them (client events into the unique-client sets, learned
 * addresses to every other worker, to the prefilter and to the table the
 * state file keeps).
 *
 * Threads: every function here runs on the control thread.  Waiting (for
 * a quiescent state, for workers to return) always drains the workers'
 * rings meanwhile: a lossless worker (offline replay) may itself be waiting
 * for room in its ring.
 *
 * Errors: ctl_workers_setup returns 0 or a negative errno with the reason
 * in err (naming the configuration field where one is at fault).
 */
#ifndef CTL_WORKERS_H
#define CTL_WORKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_census.h"
#include "ctl_clients.h"
#include "ctl_config.h"
#include "ctl_prefilter.h"
#include "ctl_snapshot.h"
#include "ctl_state.h"
#include "ctl_tables.h"
#include "ctl_unlisted.h"
#include "dp_learned.h"
#include "dp_worker.h"

struct rte_mempool;
struct rte_rcu_qsbr;

struct ctl_workers {
	struct dp_worker *w[CTL_MAX_WORKERS];
	unsigned n;
	unsigned lcores[CTL_MAX_WORKERS];
	uint16_t port_ids[CTL_MAX_PORTS];
	unsigned n_ports;
	struct rte_mempool *pool;
	struct rte_rcu_qsbr *qs;
	uint16_t gen; /* the workers' current generation */
	const volatile uint64_t *clock;
	struct ctl_prefilter *pf;  /* learned addresses go there too; may be NULL */
	struct dp_learned learned; /* every worker's, for the state file */
	uint64_t learned_evicted;
	uint64_t learn_forward_lost;   /* addresses a worker's ring had no room for */
	struct ctl_unlisted *unlisted; /* the snapshot's: names of the vendors' own levels */
};

/* Starts the configured ports and creates one worker per RX queue, on the
 * generation-1 tables t; snap learns which port and queue each worker
 * reads.  links: offline replay, worker w's frames are of link type
 * links[w] and it waits for room in its rings (lossless); NULL: live,
 * Ethernet; bad (NULL when live): worker w's damaged stamps, bad[w], kept
 * by the caller while the workers run.  pace_pps: offline, each worker receives at most that many
 * packets a second (0: as fast as it can).  On error what was made stays
 * in ws for ctl_workers_free. */
/* The latest of the workers' clocks (dp_worker_clock), 0 before any. */
uint32_t ctl_workers_clock(const struct ctl_workers *ws);

int ctl_workers_setup(struct ctl_workers *ws, const struct ctl_config *cfg,
		      const struct ctl_tables *t, unsigned n_orgs, const uint8_t *links,
		      const struct dp_bad_stamps *bad, uint32_t pace_pps,
		      const volatile uint64_t *clock, const volatile bool *stop,
		      struct ctl_snapshot *snap, char *err, size_t err_len);

/* Launches every worker on its lcore; 0 or the first failure (told). */
int ctl_workers_launch(struct ctl_workers *ws);

/* Moves client events into clients and forwards learned addresses. */
void ctl_workers_drain(struct ctl_workers *ws, struct ctl_clients *clients,
		       const struct ctl_census_feed *feed);

/* Waits until every worker has passed a quiescent state since now (after
 * publishing generations); a worker that has returned is not waited for. */
void ctl_workers_quiescent(struct ctl_workers *ws, struct ctl_clients *clients,
			   const struct ctl_census_feed *feed);

/* Waits for every worker to return from its loop, draining until the last
 * has. */
void ctl_workers_join(struct ctl_workers *ws, struct ctl_clients *clients,
		      const struct ctl_census_feed *feed);

/* Packets the workers received so far. */
uint64_t ctl_workers_rx(const struct ctl_workers *ws);

/* Every worker's statistics and the published counters into snap. */
void ctl_workers_collect(const struct ctl_workers *ws, struct ctl_snapshot *snap);

/* Hands every address of ws->learned (restored from the state file) to
 * every worker and the prefilter: before launch only.  now: 0 when the
 * clock is not known yet (offline: the capture's). */
void ctl_workers_seed_learned(struct ctl_workers *ws, uint32_t now);

/* Stops the ports and frees the workers, the pool and the RCU state. */
void ctl_workers_free(struct ctl_workers *ws);

/* The state file's section of the learned server addresses (ctl_state.h):
 * u64 count, { u8 family, addr[16], u64 vendors (bits by the file's vendor
 * list), u32 expires }.  l may be NULL when writing (no entries).  The
 * read adds to l those of vendors still configured (below n_vendors) not
 * yet expired at now; one of no such vendor counts in in->dropped.  0, or
 * -EBADMSG. */
void ctl_workers_learned_write(struct ctl_state_out *o, const struct dp_learned *l);
int ctl_workers_learned_read(struct ctl_state_in *in, unsigned n_vendors, struct dp_learned *l,
			     uint32_t now, uint64_t *restored);

#endif
