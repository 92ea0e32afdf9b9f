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
 * Reload (RCU): what a reload replaces - organisation and server tables,
 * the Hyperscan databases, and this worker's counters sized for the new
 * organisation table - is one struct dp_gen.  The control plane publishes
 * a new one (dp_worker_publish), the worker adopts it at the top of its
 * next burst and reports a quiescent state (rte_rcu_qsbr) after every
 * burst; once every worker has, the control plane folds the old counters
 * into its own and frees the old generation.  Vendors never change on a
 * reload (their indices are stable: flows, learned addresses and events
 * keep their vendor bits).  Organisation indices do: a flow remembers the
 * generation its org was looked up in and looks it up again in the new
 * table at its next packet; client events carry their generation, so the
 * control plane maps stale ones.  A payload stream keeps scanning against
 * the database it was opened on while that is the current or the previous
 * generation's (the scratch fits both); a stream two reloads old is closed
 * unscanned and counted in st.streams_cut.
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
#include <rte_rcu_qsbr.h>
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
	uint64_t streams_cut;        /* payload streams closed unscanned: two reloads old */
	uint64_t reloads;            /* generations adopted */
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
	uint32_t org;     /* in the organisation table of generation gen */
	uint8_t vendor;
	uint8_t family;
	uint16_t gen;
	uint8_t addr[16];
};

/* One generation of the reloadable tables, as one worker sees them.  The
 * tables are the control plane's and shared by every worker; ctr and
 * scratch belong to this generation (dp_gen_free frees them). */
struct dp_gen {
	const struct dp_orgs *orgs;
	const struct dp_match *match;
	const struct dp_orgs *servers;  /* configured server prefixes -> index; may be NULL */
	const uint64_t *server_vendors; /* index -> vendors */
	struct dp_org_ctr *ctr;         /* n_orgs * n_vendors * DP_SIG_COUNT */
	hs_scratch_t *scratch;          /* fits match and the previous generation's */
	unsigned n_orgs;
	uint16_t id;
};

struct dp_worker {
	struct dp_wstats st;
	/* The adopted generation's fields, copied for the hot path. */
	const struct dp_orgs *orgs;
	const struct dp_match *match;
	const struct dp_orgs *servers;
	const uint64_t *server_vendors;
	hs_scratch_t *scratch;
	struct dp_org_ctr *ctr;
	unsigned n_orgs;
	uint16_t gen, prev_gen;
	const struct dp_match *prev_match; /* payload streams opened before the reload */
	struct dp_gen *cur;                /* adopted */
	struct dp_gen *next;               /* published by the control plane */
	struct rte_rcu_qsbr *qs;           /* NULL: no reloads (tests) */
	unsigned qs_id;
	/* Read-only inputs, set before launch. */
	const volatile uint64_t *clock; /* unix seconds, kept by the control plane */
	const volatile bool *stop;
	struct rte_ring *events;
	struct rte_ring *learn_out, *learn_in;
	struct dp_flow_table flows;
	struct dp_reasm_pool reasm;
	struct dp_learned learned;
	uint32_t learned_max_ttl;
	uint32_t stream_bytes; /* 0: no payload signatures configured */
	uint32_t stream_cfg;   /* flows.stream_bytes */
	uint32_t now;         /* the flow clock, seconds */
	uint64_t sweep_tsc;   /* when the busy sweep last ran */
	uint64_t sweep_step;  /* TSC cycles per SWEEP_BUSY entries: a whole pass a second */
	int ts_off;           /* mbuf timestamp dynfield, -1 when the port has none */
	uint64_t ts_flag;
	unsigned n_vendors;
	uint16_t port, queue;
	bool lossless;
	struct dp_quic *quic;
	uint8_t linbuf[DP_LINBUF] __rte_cache_aligned;
	uint8_t qplain[DP_LINBUF]; /* a decrypted QUIC Initial */
};

/* A generation for one worker: the shared tables, and counters and a
 * scratch of its own (the scratch also fits prev's databases, for the
 * payload streams opened before).  NULL with rte_errno set (ENOMEM). */
struct dp_gen *dp_gen_create(uint16_t id, const struct dp_orgs *orgs, const struct dp_match *match,
			     const struct dp_orgs *servers, const uint64_t *server_vendors,
			     unsigned n_orgs, unsigned n_vendors, const struct dp_match *prev,
			     int socket);
void dp_gen_free(struct dp_gen *g);

/* Allocates the worker, its rings, flow table, reassembly pool and learned
 * table; gen becomes its first generation and the worker's to free.
 * Returns NULL with rte_errno set (EINVAL for sizes out of range, ENOMEM);
 * gen is then still the caller's. */
struct dp_worker *dp_worker_create(unsigned id, unsigned n_vendors, struct dp_gen *gen,
				   const struct dp_worker_cfg *cfg, int socket);
/* Frees the worker and its last published generation. */
void dp_worker_free(struct dp_worker *w);

/* Hands the worker a new generation (same vendors) and returns the one it
 * replaces, which the caller frees once every worker has reported a
 * quiescent state after this call (rte_rcu_qsbr_start/check), not before. */
struct dp_gen *dp_worker_publish(struct dp_worker *w, struct dp_gen *g);

/* Adopts the published generation if it is new: called by the worker at
 * the top of each burst (and by tests between packets). */
void dp_worker_adopt(struct dp_worker *w);

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
