/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_worker_types.h - what a worker and the control plane both hold: the
 * worker's statistics, the per-organisation counters, the events a worker
 * hands out (client sightings, learned server addresses) and the sizes a
 * worker is configured with.  Plain data: no DPDK, Hyperscan or ring types,
 * so control-plane headers include this and not the worker's internals.
 *
 * Every counter is written by one worker alone (DP_CTR_ADD) and read by the
 * control plane with relaxed loads (DP_CTR_READ): counters only grow, so a
 * read may be a little behind but never torn.
 */
#ifndef DP_WORKER_TYPES_H
#define DP_WORKER_TYPES_H

#include <stdint.h>

#include "dp_flow.h"
#include "dp_parse.h"
#include "dp_types.h"

/* A worker's statistics.  All uint64_t (the control plane sums them as an
 * array); cache-aligned so two workers never share a line. */
struct dp_wstats {
	uint64_t rx_pkts;
	uint64_t rx_bytes;
	uint64_t outcome[DP_OUT_COUNT];
	uint64_t drop[DP_DROP_COUNT];
	uint64_t parse_err[DP_LAYER_COUNT];
	uint64_t tls_ech; /* ClientHellos carrying encrypted_client_hello */
	struct dp_flow_stats flow;
	uint64_t reasm_no_buffer;      /* a flow needed a reassembly buffer, none was free */
	uint64_t dns_tcp_unread;       /* DNS-over-TCP answer streams no longer followed */
	uint64_t learned;	       /* addresses learned from DNS answers here */
	uint64_t learned_evicted;      /* unexpired learned addresses replaced for room */
	uint64_t learn_events_lost;    /* learn_out full */
	uint64_t quic_version_neg;     /* Version Negotiation packets from servers */
	uint64_t stream_failed;	       /* payload streams that could not open or scan */
	uint64_t quic_unknown_version; /* client long headers of versions not read */
	uint64_t client_events_lost;   /* ring full, live mode only */
	uint64_t streams_cut;	       /* payload streams closed unscanned: two reloads old */
	uint64_t reloads;	       /* generations adopted */
	uint64_t busy_cycles;	       /* TSC cycles spent outside rx_burst */
	uint64_t busy_pkts;	       /* packets those cycles covered */
	uint64_t capture_cut;	       /* frames cut short of their IP length (a snap length) */
	uint64_t unsupported[DP_UNSUP_COUNT]; /* encapsulations recognised, not opened */
	uint64_t name_events_lost; /* names of a vendor's own level not handed out: ring full */
	/* One-sided taps: flows by the direction of their first packet, and
	 * of those the ones that showed the other direction too (last: a
	 * state file written before them restores the rest). */
	uint64_t flow_first_side[2]; /* by enum dp_dir */
	uint64_t flow_both_sides[2]; /* by the first packet's direction */
	uint64_t partial_expired;    /* names still arriving after flows.partial_timeout */
	/* Offline capture time (dp_clock.h; last, as above): frames dropped
	 * for a stamp no capture holds, frames whose step the clock held. */
	uint64_t time_invalid;
	uint64_t time_held;
} __attribute__((aligned(64)));

/* Per (organisation, vendor, signal): flows decided and their traffic.
 * Laid out [(org * n_vendors + vendor) * DP_SIG_COUNT + signal]. */
struct dp_org_ctr {
	uint64_t sessions;
	uint64_t pkts[2];   /* by enum dp_dir, from the flow's first packet */
	uint64_t bytes[2];  /* frame bytes as the tap delivered them */
	uint64_t last_seen; /* unix seconds */
	/* Of sessions, those decided by a name or a payload signature whose
	 * server address is not the vendor's: no DNS answer for the vendor's
	 * names taught it, no server prefix holds it and none of the vendor's
	 * own networks (its ASes: dp_gen_set_vendor_nets).  A name alone is no
	 * proof (a VPN's decoy ClientHello carries the vendor's names to its
	 * own servers); the rest are corroborated.  Last: a state file of
	 * format 3 holds the fields before it. */
	uint64_t name_only;
};

/* dst += src, read while src's worker may still write it: sums add up,
 * last-seen keeps the latest. */
static inline void
dp_org_ctr_add(struct dp_org_ctr *dst, const struct dp_org_ctr *src)
{
	uint64_t seen = DP_CTR_READ(src->last_seen);

	dst->sessions += DP_CTR_READ(src->sessions);
	dst->name_only += DP_CTR_READ(src->name_only);
	for (int d = 0; d < 2; d++) {
		dst->pkts[d] += DP_CTR_READ(src->pkts[d]);
		dst->bytes[d] += DP_CTR_READ(src->bytes[d]);
	}
	if (seen > dst->last_seen)
		dst->last_seen = seen;
}

/* Has the counter set seen anything - a session, or a packet of one?  A
 * set that has not is neither exported as a series nor kept in the state
 * file (counters only grow: one seen stays seen). */
static inline bool
dp_org_ctr_seen(const struct dp_org_ctr *c)
{
	return c->sessions != 0 || c->pkts[0] != 0 || c->pkts[1] != 0;
}

/* A server address learned from a DNS answer, between workers. */
struct dp_learn_event {
	uint64_t vendors;
	uint32_t expires;
	uint8_t family;
	uint8_t pad[3];
	uint8_t addr[16];
};

/* A client seen reaching a vendor: one per vendor flow, and one more when
 * the evidence that its address is real comes after the decision. */
#define DP_CLIENT_UNVERIFIED 0x80 /* in vendor: no evidence (yet) */
struct dp_client_event {
	uint32_t org;	/* in the organisation table of generation gen */
	uint8_t vendor; /* | DP_CLIENT_UNVERIFIED */
	uint8_t family;
	uint16_t gen;
	uint8_t addr[16];
};

/* A client event as the worker's ring holds it: with the worker's clock
 * when it happened (seconds: the capture's offline), so that a sighting
 * keeps its day however late the control plane takes it; decided marks
 * the event of the flow's decision (one per vendor session, whatever its
 * evidence; sig its signal), not the second one evidence brings later;
 * name_only marks a decided session that rests on the name alone (the
 * server's address is none of the vendor's: dp_org_ctr.name_only). */
struct dp_client_sighting {
	struct dp_client_event ev;
	uint32_t seen;
	uint8_t sig;
	uint8_t decided;
	uint8_t name_only;
};

/* A name that decided a flow for a vendor's own level (bind.report_names):
 * a host under the vendor's domains that no role lists.  name holds len
 * bytes, as extracted (lower case, no trailing dot), not NUL-terminated. */
#define DP_NAME_EVENT_MAX 253
struct dp_name_event {
	uint8_t vendor;
	uint8_t len;
	char name[DP_NAME_EVENT_MAX + 1];
};

/* Sizes and timeouts of a worker's tables, from configuration. */
struct dp_worker_cfg {
	struct dp_flow_cfg flow;
	uint32_t reasm_bytes;	   /* kept of the client's first bytes */
	uint32_t reasm_buffers;	   /* flows that can wait for the rest at once */
	uint32_t partial_timeout;  /* seconds a flow waits for the rest of a name */
	uint32_t stream_bytes;	   /* of each direction scanned for payload signatures */
	uint32_t learned_capacity; /* power of two */
	uint32_t learned_max_ttl;  /* seconds; longer TTLs are cut to this */
	uint32_t learned_min_ttl;  /* seconds; shorter TTLs (0 too) are raised to this */
	bool client_evidence;	   /* a client counts only on evidence its address is real */
	/* A decision by address (a configured server prefix, a learned
	 * address) that names several roles of one vendor - a CDN address
	 * behind update and activation names alike - counts once, under the
	 * vendor's own level (role other), or its first role when it has
	 * none: same_vendor[v] is the mask of v's vendor's roles,
	 * address_role[v] that role.  Zero masks: every bit counts (tests). */
	uint64_t same_vendor[DP_MAX_VENDORS];
	uint8_t address_role[DP_MAX_VENDORS];
};

#endif
