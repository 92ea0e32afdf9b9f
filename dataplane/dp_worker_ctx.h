/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_worker_ctx.h - the worker's context (as l3fwd keeps its lcore context
 * apart from its stages): struct dp_worker and the generation it adopted,
 * and the small helpers on what a flow holds.  It declares no stage: each
 * stage file has its header and its name - dp_worker.c the burst loop,
 * dp_inspect.c (dp_inspect.h) reading and deciding undecided flows,
 * dp_count.c (dp_count.h) counting decided ones and the events out,
 * dp_learn.c (dp_learn.h) server addresses from DNS answers, dp_gen.c
 * (dp_worker.h) generations.  Nothing outside dataplane/ includes it but
 * the tests.
 *
 * Invariants: only the worker's lcore writes a struct dp_worker after
 * dp_worker_create, except `next` (the control plane publishes it with a
 * release store) and the rings' consumer/producer ends the control plane
 * owns (events and learn_out it drains, learn_in it fills).
 */
#ifndef DP_WORKER_CTX_H
#define DP_WORKER_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include <hs/hs.h>
#include <rte_common.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dp_clock.h"
#include "dp_flow.h"
#include "dp_learned.h"
#include "dp_lpm.h"
#include "dp_match.h"
#include "dp_quic.h"
#include "dp_reasm.h"
#include "dp_types.h"
#include "dp_worker.h"

#define DP_BURST 32
#define DP_LINBUF 16384
#define DP_EVENT_RING 65536
#define DP_LEARN_RING 4096
#define DP_NAME_RING 1024
#define DP_HTTPS_PORT 443

/* One generation of the reloadable tables, as one worker sees them.  The
 * tables are the control plane's and shared by every worker; ctr and
 * scratch belong to this generation (dp_gen_free frees them). */
struct dp_gen {
	const struct dp_lpm *orgs;
	const struct dp_match *match;
	const struct dp_lpm *servers;	    /* configured server prefixes -> index; may be NULL */
	const uint64_t *server_vendors;	    /* index -> vendors */
	const struct dp_lpm *vendor_nets;   /* the vendors' own networks; may be NULL */
	const uint64_t *vendor_net_vendors; /* index -> vendors */
	struct dp_org_ctr *ctr;		    /* n_orgs * n_vendors * DP_SIG_COUNT */
	hs_scratch_t *scratch;		    /* fits match and the previous generation's */
	unsigned n_orgs;
	uint16_t id;
};

struct dp_worker {
	struct dp_wstats st;
	/* The adopted generation's fields, copied for the hot path. */
	const struct dp_lpm *orgs;
	const struct dp_match *match;
	const struct dp_lpm *servers;
	const uint64_t *server_vendors;
	const struct dp_lpm *vendor_nets;
	const uint64_t *vendor_net_vendors;
	hs_scratch_t *scratch;
	struct dp_org_ctr *ctr;
	unsigned n_orgs;
	uint16_t gen, prev_gen;
	const struct dp_match *prev_match; /* payload streams opened before the reload */
	struct dp_gen *cur;		   /* adopted */
	struct dp_gen *next;		   /* published by the control plane */
	struct dp_worker_bind bind;	   /* set at create */
	struct rte_ring *events;
	struct rte_ring *learn_out, *learn_in;
	struct rte_ring *names; /* dp_name_event: names of the vendors' own levels */
	struct dp_flow_table flows;
	struct dp_reasm_pool reasm;
	struct dp_learned learned;
	uint32_t learned_max_ttl, learned_min_ttl;
	bool evidence;			      /* clients count on evidence of an exchange only */
	uint32_t stream_bytes;		      /* 0: no payload signatures configured */
	uint32_t stream_cfg;		      /* flows.stream_bytes */
	uint32_t partial_timeout;	      /* flows.partial_timeout, seconds */
	uint64_t same_vendor[DP_MAX_VENDORS]; /* dp_worker_cfg's: one role per address decision */
	uint8_t address_role[DP_MAX_VENDORS];
	uint32_t now;		 /* the flow clock, seconds */
	uint64_t sweep_tsc;	 /* when the busy sweep last ran */
	uint64_t burst_tsc;	 /* when the last rx_burst returned */
	uint32_t clock_out;	 /* now as of the last burst, for the control plane */
	struct dp_clock capture; /* offline: the capture's clock (dp_clock.h) */
	uint64_t wall;		 /* offline: the wall clock, Unix seconds, per burst */
	uint64_t frames;	 /* offline: frames stamped so far (bind.bad's positions) */
	uint32_t bad_next;	 /* the next of bind.bad to meet */
	uint64_t pace_tsc;	 /* bind.pace_pps: when the loop began */
	uint64_t max_gap;	 /* the longest TSC time between two, since gap_epoch changed */
	uint32_t gap_epoch;	 /* the control plane's: a new value restarts max_gap */
	uint32_t gap_seen;	 /* the epoch max_gap is of */
	uint64_t sweep_step;	 /* TSC cycles per SWEEP_BUSY entries: a whole pass a second */
	unsigned n_vendors;
	struct dp_quic *quic;
	/* The burst under way: each frame parsed with its flow key, then the
	 * keys looked up at once (dp_worker.c). */
	struct dp_staged {
		struct dp_pkt p;
		struct dp_flow_key key;
		uint32_t wire, now;
		bool src_is_a;
	} staged[DP_BURST];
	uint32_t staged_hash[DP_BURST];
	int32_t staged_pos[DP_BURST];
	uint8_t linbuf[DP_LINBUF] __rte_cache_aligned;
	uint8_t qplain[DP_LINBUF]; /* a decrypted QUIC Initial */
};

static inline struct dp_org_ctr *
dp_worker_ctr(struct dp_worker *w, uint32_t org, unsigned vendor, enum dp_signal sig)
{
	return &w->ctr[((size_t)org * w->n_vendors + vendor) * DP_SIG_COUNT + sig];
}

/* ---- What a flow holds, given back ---- */

static inline void
dp_worker_release_reasm(struct dp_worker *w, struct dp_flow *f)
{
	if (f->reasm != 0)
		dp_reasm_free(&w->reasm, f->reasm - 1);
	f->reasm = 0;
}

static inline void
dp_worker_close_stream(struct dp_worker *w, struct dp_flow *f, int d)
{
	if (f->hs[d] != NULL)
		dp_match_stream_close(f->hs[d], w->scratch);
	f->hs[d] = NULL;
	f->scanned[d] = UINT32_MAX; /* never reopened */
}

/* The flow table's release callback: reassembly buffer and streams. */
void dp_worker_release_flow(void *ctx, struct dp_flow *f);

/* ---- A TCP stream's offsets (RFC 9293 3.4: mod 2^32) ---- */

/* A stream picked up mid-way (no SYN seen): this segment starts it. */
static inline void
dp_stream_base(uint32_t *base, uint8_t *known, uint32_t seq)
{
	if (!*known) {
		*base = seq;
		*known = 1;
	}
}

/* The segment at sequence number seq, from stream offset 'from' on:
 * bytes before 'from' are cut off, *off is where the rest starts.  False
 * when nothing remains. */
static inline bool
dp_stream_clip(uint32_t base, uint32_t from, uint32_t seq, const uint8_t **d, uint32_t *len,
	       uint32_t *off)
{
	uint32_t o = seq - base;

	if (o - from >= (1u << 31)) {
		uint32_t skip = from - o;

		if (skip >= *len)
			return false;
		*d += skip;
		*len -= skip;
		o = from;
	}
	*off = o;
	return true;
}

#endif
