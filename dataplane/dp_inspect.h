/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_inspect.h - the worker's stage for flows still open: what a packet
 * tells (names from TLS, QUIC, HTTP and DNS, reassembled when they arrive
 * in pieces), the server's address as candidate, payload signatures, and
 * the decision - the flow becomes the vendors' (dp_inspect_decide, which
 * has dp_count.c count it) or another's.
 */
#ifndef DP_INSPECT_H
#define DP_INSPECT_H

#include "dp_worker_ctx.h"

/* A packet of a flow still open - what it tells, and whether
 * that decides the flow.  Returns the packet's outcome, or DP_OUT_COUNT + a
 * drop reason. */
unsigned dp_inspect_packet(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p,
			   enum dp_dir dir);

/* A new flow's server address - a configured server prefix
 * or a learned address - makes the vendors behind it the flow's candidates
 * (f->vendors, with f->sig SERVER_IP or LEARNED_IP) while the flow is open:
 * a name, when one comes, decides; they decide a flow that carries none. */
void dp_inspect_address(struct dp_worker *w, struct dp_flow *f);

/* The flow is decided by its candidates. DP_OUT_VENDOR. */
unsigned dp_inspect_by_address(struct dp_worker *w, struct dp_flow *f);

/* A packet's payload (of a flow not decided by it otherwise: r, its
 * outcome so far) through the direction's signature stream: a match
 * decides the flow, DP_OUT_VENDOR, signal payload; else r. */
unsigned dp_inspect_signatures(struct dp_worker *w, struct dp_flow *f, enum dp_dir d,
			       const struct dp_pkt *p, unsigned r);

/* The flow is the vendors': its streams closed, its state VENDOR with
 * vendors and signal sig, and its session counted (dp_count_session). */
void dp_inspect_decide(struct dp_worker *w, struct dp_flow *f, uint64_t vendors,
		       enum dp_signal sig);

#endif
