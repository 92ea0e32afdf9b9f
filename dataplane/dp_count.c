/* SPDX-License-Identifier: BSD-3-Clause */
/* Counting a vendor's flow: its session and traffic into the generation's
 * counters, its client out to the control plane; and the worker's events
 * onto their rings. */
#include <string.h>

#include <rte_pause.h>

#include "dp_count.h"

/* Hands an event to the control plane: live, a full ring loses it (counted
 * in *lost); offline, the control thread drains until every worker has
 * returned, so waiting for room always ends. */
void
dp_count_event(struct dp_worker *w, struct rte_ring *r, void *ev, unsigned size, uint64_t *lost)
{
	while (rte_ring_enqueue_elem(r, ev, size) != 0) {
		if (!w->bind.lossless) {
			DP_CTR_ADD(*lost, 1);
			return;
		}
		rte_pause();
	}
}

static void
report_client(struct dp_worker *w, const struct dp_flow *f, unsigned vendor, bool verified,
	      bool decided, bool name_only)
{
	struct dp_client_sighting s = {.ev = {.org = f->org,
					      .vendor = (uint8_t)vendor,
					      .family = f->key.family,
					      .gen = f->gen},
				       .seen = w->now,
				       .sig = f->sig,
				       .decided = decided,
				       .name_only = name_only};

	if (!verified)
		s.ev.vendor |= DP_CLIENT_UNVERIFIED;
	memcpy(s.ev.addr, dp_flow_client(f), 16);
	dp_count_event(w, w->events, &s, sizeof(s), &w->st.client_events_lost);
}

void
dp_count_clients(struct dp_worker *w, struct dp_flow *f, bool decided, uint64_t name_only)
{
	bool verified = !w->evidence || (f->marks & DP_MARK_EXCHANGE);

	for (uint64_t v = f->vendors; v != 0; v &= v - 1)
		report_client(w, f, (unsigned)__builtin_ctzll(v), verified, decided,
			      (name_only & (v & -v)) != 0);
	f->marks |= verified ? DP_MARK_CLIENT_VERIFIED : DP_MARK_CLIENT_SENT;
}

/* Is an address behind which stand the vendors (roles) behind also vendor
 * v's - v itself or another role of its vendor? */
static inline bool
dp_count_address_is(const struct dp_worker *w, uint64_t behind, unsigned v)
{
	uint64_t same = w->same_vendor[v] ? w->same_vendor[v] : 1ull << v;

	return (behind & same) != 0;
}

/* The vendors whose own networks (dp_gen_set_vendor_nets) hold the
 * flow's server. */
static uint64_t
dp_count_in_vendor_nets(const struct dp_worker *w, const struct dp_flow *f)
{
	uint32_t i;

	if (w->vendor_nets == NULL)
		return 0;
	i = dp_lpm_lookup(w->vendor_nets, f->key.family, dp_flow_server(f));
	return i ? w->vendor_net_vendors[i] : 0;
}

/* The flow just decided (dp_inspect_decide set its vendors and signal):
 * one session per vendor, its traffic so far, its client. */
void
dp_count_session(struct dp_worker *w, struct dp_flow *f, uint64_t behind)
{
	uint64_t now = w->now; /* the packet's time (the capture's offline) */
	uint64_t vendors = f->vendors, name_only = 0, nets = ~0ull; /* ~0: not looked up */
	enum dp_signal sig = (enum dp_signal)f->sig;

	while (vendors) {
		unsigned v = (unsigned)__builtin_ctzll(vendors);
		struct dp_org_ctr *c = dp_worker_ctr(w, f->org, v, sig);

		vendors &= vendors - 1;
		DP_CTR_ADD(c->sessions, 1);
		if (!dp_count_address_is(w, behind, v) && nets == ~0ull)
			nets = dp_count_in_vendor_nets(w, f);
		if (!dp_count_address_is(w, behind, v) && !(nets & (1ull << v))) {
			DP_CTR_ADD(c->name_only, 1);
			name_only |= 1ull << v;
		}
		for (int d = 0; d < 2; d++) {
			DP_CTR_ADD(c->pkts[d], f->pkts[d]);
			DP_CTR_ADD(c->bytes[d], f->bytes[d]);
		}
		dp_count_touch(c, now);
	}
	dp_count_clients(w, f, true, name_only);
}

void
dp_count_name(struct dp_worker *w, unsigned vendor, const struct dp_name *name)
{
	struct dp_name_event ev = {.vendor = (uint8_t)vendor};

	ev.len = (uint8_t)(name->len > DP_NAME_EVENT_MAX ? DP_NAME_EVENT_MAX : name->len);
	memcpy(ev.name, name->s, ev.len);
	dp_count_event(w, w->names, &ev, sizeof(ev), &w->st.name_events_lost);
}
