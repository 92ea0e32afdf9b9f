/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_worker.h - one worker lcore: receive a burst, follow each packet's
 * flow, inspect undecided flows, count.  Workers never write shared state.
 *
 * Ownership and threads:
 *  - The control plane allocates a dp_worker (dp_worker_create), fills the
 *    read-only inputs (orgs, match, clock) and launches dp_worker_loop on a
 *    worker lcore.  From then on the worker alone writes st and ctr; the
 *    control plane only reads them (relaxed 64-bit loads), off the hot path.
 *  - Each flow decided as a vendor's reports its client once, as a
 *    dp_client_event on the worker's single-producer/single-consumer ring;
 *    the control plane dedups them into exact unique-client sets.  When the
 *    ring is full the event is counted in st.client_events_lost, unless the
 *    worker is lossless (offline replay), where it waits for room instead:
 *    the control plane must then drain the rings until the worker returns.
 *  - Server addresses the worker learns from DNS answers go into its own
 *    learned table at once and out on learn_out; the control plane forwards
 *    them to every other worker's learn_in, which the worker applies at the
 *    top of each burst.  Each table has one writer.
 *  - Flows: see dp_flow.h.  A packet that finds no room in the flow table
 *    is inspected on its own (no reassembly) and counted in flow.full.
 *  - Payload signatures: the first stream_bytes of each direction of every
 *    flow are fed to a Hyperscan stream, opened at the direction's first
 *    payload and closed when the bound is reached, the flow is a vendor's,
 *    or it ends.  A match makes the flow a vendor's (signal payload), even
 *    one whose name said otherwise; a name decides first within a packet.
 *
 * Time: flow timeouts and learned TTLs run on the packets' clock when the
 * port stamps packets (net_pcap replays the capture's timestamps), else on
 * the control plane's coarse wall clock.  last_seen is always wall clock.
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

#include "dp_flow.h"
#include "dp_learned.h"
#include "dp_match.h"
#include "dp_orgs.h"
#include "dp_quic.h"
#include "dp_reasm.h"
#include "dp_types.h"

#define DP_BURST 32
#define DP_LINBUF 16384
#define DP_EVENT_RING 65536
#define DP_LEARN_RING 4096


struct dp_wstats {
	uint64_t rx_pkts;
	uint64_t rx_bytes;
	uint64_t outcome[DP_OUT_COUNT];
	uint64_t drop[DP_DROP_COUNT];
	uint64_t parse_err[DP_LAYER_COUNT];
	uint64_t tls_ech;            /* ClientHellos carrying encrypted_client_hello */
	struct dp_flow_stats flow;
	uint64_t reasm_no_buffer;    /* a flow needed a reassembly buffer, none was free */
	uint64_t dns_tcp_unread;     /* DNS-over-TCP answer streams no longer followed */
	uint64_t learned;            /* addresses learned from DNS answers here */
	uint64_t learned_evicted;    /* unexpired learned addresses replaced for room */
	uint64_t learn_events_lost;  /* learn_out full */
	uint64_t quic_version_neg;   /* Version Negotiation packets from servers */
	uint64_t stream_failed;      /* payload streams that could not open or scan */
	uint64_t quic_unknown_version; /* client long headers of versions not read */
	uint64_t client_events_lost; /* ring full, live mode only */
	uint64_t busy_cycles;        /* TSC cycles spent outside rx_burst */
	uint64_t busy_pkts;          /* packets those cycles covered */
} __rte_cache_aligned;

/* Per (organisation, vendor, signal): flows decided and their traffic. */
struct dp_org_ctr {
	uint64_t sessions;
	uint64_t pkts[2];   /* by enum dp_dir, from the flow's first packet */
	uint64_t bytes[2];  /* frame bytes as the tap delivered them */
	uint64_t last_seen; /* unix seconds */
};

/* A server address learned from a DNS answer, between workers. */
struct dp_learn_event {
	uint64_t vendors;
	uint32_t expires;
	uint8_t family;
	uint8_t pad[3];
	uint8_t addr[16];
};

/* Sizes and timeouts of a worker's tables, from configuration. */
struct dp_worker_cfg {
	struct dp_flow_cfg flow;
	uint32_t reasm_bytes;   /* kept of the client's first bytes */
	uint32_t reasm_buffers; /* flows that can wait for the rest at once */
	uint32_t stream_bytes;  /* of each direction scanned for payload signatures */
	uint32_t learned_capacity; /* power of two */
	uint32_t learned_max_ttl;  /* seconds; longer TTLs are cut to this */
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
	const struct dp_orgs *servers;   /* configured server prefixes -> index */
	const uint64_t *server_vendors;  /* index -> vendors */
	const volatile uint64_t *clock; /* unix seconds, kept by the control plane */
	const volatile bool *stop;
	hs_scratch_t *scratch;
	struct rte_ring *events;
	struct rte_ring *learn_out, *learn_in;
	struct dp_flow_table flows;
	struct dp_reasm_pool reasm;
	struct dp_learned learned;
	uint32_t learned_max_ttl;
	uint32_t stream_bytes; /* 0: no payload signatures configured */
	uint32_t now;         /* the flow clock, seconds */
	uint64_t sweep_tsc;   /* when the busy sweep last ran */
	uint64_t sweep_step;  /* TSC cycles per SWEEP_BUSY entries: a whole pass a second */
	int ts_off;           /* mbuf timestamp dynfield, -1 when the port has none */
	uint64_t ts_flag;
	struct dp_org_ctr *ctr;
	unsigned n_orgs, n_vendors;
	uint16_t port, queue;
	bool lossless;
	struct dp_quic *quic;
	uint8_t linbuf[DP_LINBUF] __rte_cache_aligned;
	uint8_t qplain[DP_LINBUF]; /* a decrypted QUIC Initial */
};

/* Allocates the worker, its counters, rings, flow table, reassembly pool,
 * learned table and scratch clone.  Returns NULL with rte_errno set
 * (EINVAL for sizes out of range, ENOMEM). */
struct dp_worker *dp_worker_create(unsigned id, unsigned n_orgs, unsigned n_vendors,
				   const struct dp_orgs *orgs, const struct dp_match *match,
				   const struct dp_worker_cfg *cfg, int socket);
void dp_worker_free(struct dp_worker *w);

/* Follow, inspect and count one contiguous frame at time now (seconds of
 * the flow clock): the per-packet stage. */
void dp_worker_packet(struct dp_worker *w, const uint8_t *frame, uint32_t len, uint32_t now);

/* Applies what learn_in holds (at most budget entries); returns how many. */
unsigned dp_worker_learn_apply(struct dp_worker *w, unsigned budget);

/* The lcore entry point: the burst loop, until *w->stop. */
int dp_worker_loop(void *arg);

static inline struct dp_org_ctr *
dp_worker_ctr(struct dp_worker *w, uint32_t org, unsigned vendor, enum dp_signal sig)
{
	return &w->ctr[((size_t)org * w->n_vendors + vendor) * DP_SIG_COUNT + sig];
}

#endif
