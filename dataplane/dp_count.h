/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_count.h - counting a vendor's flows, for the worker's files: the
 * session and traffic a flow brings when it is decided (dp_count_vendor_flow),
 * each later packet of it (dp_count_matched, inline: every matched packet
 * pays it), and the events the worker hands the control plane
 * (dp_count_event).  Counters are the adopted generation's; only this
 * worker writes them (DP_CTR_ADD), the control plane reads them.
 */
#ifndef DP_COUNT_H
#define DP_COUNT_H

#include "dp_name.h"
#include "dp_worker_ctx.h"

/* The flow just decided (dp_inspect_decide: f->vendors and f->sig are
 * the decision's): one session per vendor and its traffic so far counted,
 * name-only where no address in behind (the vendors its server address
 * stood for before) nor the vendor's networks corroborate it, its client
 * reported once per vendor. */
void dp_count_session(struct dp_worker *w, struct dp_flow *f, uint64_t behind);

/* The flow's client, once per vendor, to the control plane: verified when
 * the flow shows an exchange (or evidence is not asked for), else flagged
 * DP_CLIENT_UNVERIFIED and reported again once it does.  decided: the
 * report of the flow's decision, its session; name_only: the vendors (a
 * mask) whose session rests on the name alone (decided reports only). */
void dp_count_clients(struct dp_worker *w, struct dp_flow *f, bool decided, uint64_t name_only);

/* An event onto ring r: live, a full ring loses it (counted in *lost);
 * lossless (offline), it waits for room - the control thread drains until
 * every worker has returned, so the wait always ends. */
/* A name that decided a flow for vendor (one of bind.report_names) onto
 * the names ring. */
void dp_count_name(struct dp_worker *w, unsigned vendor, const struct dp_name *name);

void dp_count_event(struct dp_worker *w, struct rte_ring *r, void *ev, unsigned size,
		    uint64_t *lost);

static inline void
dp_count_touch(struct dp_org_ctr *c, uint64_t now)
{
	if (c->last_seen < now)
		__atomic_store_n(&c->last_seen, now, __ATOMIC_RELAXED);
}

/* A packet of a decided vendor flow. */
static inline void
dp_count_matched(struct dp_worker *w, const struct dp_flow *f, enum dp_dir dir, uint32_t len)
{
	uint64_t vendors = f->vendors, now = w->now;

	while (vendors) {
		unsigned v = (unsigned)__builtin_ctzll(vendors);
		struct dp_org_ctr *c = dp_worker_ctr(w, f->org, v, f->sig);

		vendors &= vendors - 1;
		DP_CTR_ADD(c->pkts[dir], 1);
		DP_CTR_ADD(c->bytes[dir], len);
		dp_count_touch(c, now);
	}
}

#endif
