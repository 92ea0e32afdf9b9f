/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_worker.h - one worker lcore: receive a burst, classify each packet,
 * count.  Workers never write shared state.
 *
 * Ownership and threads:
 *  - The control plane allocates a dp_worker (dp_worker_create), fills the
 *    read-only inputs (orgs, match, clock) and launches dp_worker_loop on a
 *    worker lcore.  From then on the worker alone writes st and ctr; the
 *    control plane only reads them (relaxed 64-bit loads), off the hot path.
 *  - Each client seen sending a vendor signal is reported once per packet as
 *    a dp_client_event on the worker's single-producer/single-consumer ring;
 *    the control plane dedups them into exact unique-client sets.  When the
 *    ring is full the event is counted in st.client_events_lost, unless the
 *    worker is lossless (offline replay), where it waits for room instead:
 *    the control plane must then drain the rings until the worker returns.
 *
 * Counter layout: ctr[(org * n_vendors + vendor) * DP_SIG_COUNT + signal].
 */
#ifndef DP_WORKER_H
#define DP_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include <hs/hs.h>
#include <rte_common.h>
#include <rte_ring.h>

#include "dp_match.h"
#include "dp_orgs.h"
#include "dp_types.h"

#define DP_BURST 32
#define DP_LINBUF 16384
#define DP_EVENT_RING 65536

/* Bump a counter only this thread writes; readers load it relaxed. */
#define DP_CTR_ADD(field, n) __atomic_store_n(&(field), (field) + (n), __ATOMIC_RELAXED)
#define DP_CTR_READ(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

struct dp_wstats {
	uint64_t rx_pkts;
	uint64_t rx_bytes;
	uint64_t outcome[DP_OUT_COUNT];
	uint64_t drop[DP_DROP_COUNT];
	uint64_t parse_err[DP_LAYER_COUNT];
	uint64_t tls_ech;            /* ClientHellos carrying encrypted_client_hello */
	uint64_t client_events_lost; /* ring full, live mode only */
	uint64_t busy_cycles;        /* TSC cycles spent outside rx_burst */
	uint64_t busy_pkts;          /* packets those cycles covered */
} __rte_cache_aligned;

struct dp_org_ctr {
	uint64_t sessions;
	uint64_t last_seen; /* unix seconds */
};

struct dp_client_event {
	uint32_t org;
	uint8_t vendor;
	uint8_t family;
	uint16_t pad;
	uint8_t addr[16];
};

struct dp_worker {
	struct dp_wstats st;
	/* Read-only inputs, set before launch. */
	const struct dp_orgs *orgs;
	const struct dp_match *match;
	const volatile uint64_t *clock; /* unix seconds, kept by the control plane */
	const volatile bool *stop;
	hs_scratch_t *scratch;
	struct rte_ring *events;
	struct dp_org_ctr *ctr;
	unsigned n_orgs, n_vendors;
	uint16_t port, queue;
	bool lossless;
	uint8_t linbuf[DP_LINBUF] __rte_cache_aligned;
};

/* Allocates the worker, its counters, event ring and scratch clone.
 * Returns NULL with rte_errno set. */
struct dp_worker *dp_worker_create(unsigned id, unsigned n_orgs, unsigned n_vendors,
				   const struct dp_orgs *orgs, const struct dp_match *match,
				   int socket);
void dp_worker_free(struct dp_worker *w);

/* Classify and count one contiguous frame (the per-packet stage). */
void dp_worker_packet(struct dp_worker *w, const uint8_t *frame, uint32_t len);

/* The lcore entry point: the burst loop, until *w->stop. */
int dp_worker_loop(void *arg);

static inline struct dp_org_ctr *
dp_worker_ctr(struct dp_worker *w, uint32_t org, unsigned vendor, enum dp_signal sig)
{
	return &w->ctr[((size_t)org * w->n_vendors + vendor) * DP_SIG_COUNT + sig];
}

#endif
