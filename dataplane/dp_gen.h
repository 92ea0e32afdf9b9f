/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_gen.h - a worker's generations: what a reload replaces (the shared
 * tables, with counters and a scratch of the worker's own), created by the
 * control plane, published to a worker and adopted by it between bursts
 * (RCU: the old one is freed once every worker has been quiescent since).
 */
#ifndef DP_GEN_H
#define DP_GEN_H

#include <stdint.h>

#include "dp_lpm.h"
#include "dp_match.h"
#include "dp_worker_types.h"

struct dp_gen;
struct dp_worker;

/* A generation for one worker: the shared tables (the caller's, freed by
 * the caller once no worker holds them), and counters and a scratch of its
 * own (the scratch also fits prev's databases, for the payload streams
 * opened before).  servers and server_vendors may be NULL.  NULL with
 * rte_errno set (ENOMEM). */
struct dp_gen *dp_gen_create(uint16_t id, const struct dp_lpm *orgs, const struct dp_match *match,
			     const struct dp_lpm *servers, const uint64_t *server_vendors,
			     unsigned n_orgs, unsigned n_vendors, const struct dp_match *prev,
			     int socket);
void dp_gen_free(struct dp_gen *g);

/* The vendors' own networks (an LPM whose next hop indexes net_vendors,
 * the vendors each belongs to), set before the generation is published:
 * a decided session to an address in a vendor's networks is corroborated
 * (dp_org_ctr.name_only not counted) even when the address decided
 * nothing.  Both NULL (the default): no vendor lists its networks. */
void dp_gen_set_vendor_nets(struct dp_gen *g, const struct dp_lpm *nets,
			    const uint64_t *net_vendors);

/* A generation's counters, [n_orgs * n_vendors * DP_SIG_COUNT]. */
const struct dp_org_ctr *dp_gen_counters(const struct dp_gen *g);

/* Hands the worker a new generation (same vendors) and returns the one it
 * replaces, which the caller frees once every worker has reported a
 * quiescent state after this call (rte_rcu_qsbr_start/check), not before. */
struct dp_gen *dp_gen_publish(struct dp_worker *w, struct dp_gen *g);

/* Adopts the published generation if it is new: called by the worker at
 * the top of each burst (and by tests between packets). */
void dp_gen_adopt(struct dp_worker *w);

#endif
