/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_view.h - one view of a snapshot, built once per collection, which
 * every renderer reads: the exposition (ctl_metrics), the API table
 * (ctl_api, and through it DPDK telemetry) and the summary (ctl_summary).
 * What several of them need is computed here once: the client windows (the
 * since-start counts among them), each organisation's sessions, the
 * organisations with sessions and those listed, the flows held, the
 * packets processed and dropped.
 *
 * Aggregates only: a view holds counts, never a client address.  Built and
 * read by the control thread; the snapshot, tables and client sets it
 * points at must outlive it.
 *
 * Errors: ctl_view_build returns 0 or -ENOMEM (nothing to free then).
 */
#ifndef CTL_VIEW_H
#define CTL_VIEW_H

#include <stdint.h>

#include "ctl_clients.h"
#include "ctl_config.h"
#include "ctl_orgs.h"
#include "ctl_persist.h"
#include "ctl_reload.h"
#include "ctl_snapshot.h"

/* One organisation's figures for one vendor. */
struct ctl_view_vendor {
	const struct dp_org_ctr *ctr; /* [DP_SIG_COUNT], the snapshot's */
	uint64_t sessions;	      /* every signal */
	uint64_t pkts, bytes;	      /* both directions, every signal */
	uint64_t last_seen;	      /* the latest of the signals' */
	const uint64_t *clients;      /* [CTL_WIN_COUNT] */
};

struct ctl_view {
	const struct ctl_config *cfg;
	const struct ctl_orgs *orgs;
	const struct ctl_snapshot *snap;
	const struct ctl_clients *clients;
	uint32_t now;		/* unix seconds: the end of the client windows */
	unsigned n_keys;	/* client keys: vendor roles, then vendors' product use
				 * (ctl_config_client_keys) */
	uint64_t *win;		/* [(org * n_keys + key) * CTL_WIN_COUNT + window] */
	uint64_t *win_corro;	/* as win: those with a corroborated session */
	uint64_t *unverified;	/* [key * CTL_WIN_COUNT + window]: clients without
				 * evidence their address is real, counted apart */
	uint64_t *org_sessions; /* [n_orgs]: every vendor and signal */
	uint32_t *active;	/* organisations with sessions, in table order, parked
				 * ones left out */
	uint32_t n_active;	/* the unattributed row (0) among them when it has any */
	uint32_t orgs_listed;	/* organisations the table lists: neither the
				 * unattributed row nor the parked */
	uint64_t flows_active;
	uint64_t processed, dropped;	/* packets: the sums of ctl_counters.h's families */
	struct ctl_persist_stats state; /* the state writes' counters (zero: none) */
	struct ctl_reload_stats reload; /* the reloads' */
};

int ctl_view_build(struct ctl_view *v, const struct ctl_config *cfg, const struct ctl_orgs *orgs,
		   const struct ctl_snapshot *snap, const struct ctl_clients *clients,
		   uint32_t now);
void ctl_view_fini(struct ctl_view *v);

/* Organisation org's clients under client key k, [CTL_WIN_COUNT]. */
static inline const uint64_t *
ctl_view_clients(const struct ctl_view *v, uint32_t org, unsigned k)
{
	return &v->win[((size_t)org * v->n_keys + k) * CTL_WIN_COUNT];
}

/* Of those, the corroborated (ctl_clients.h), [CTL_WIN_COUNT]. */
static inline const uint64_t *
ctl_view_clients_corroborated(const struct ctl_view *v, uint32_t org, unsigned k)
{
	return &v->win_corro[((size_t)org * v->n_keys + k) * CTL_WIN_COUNT];
}

/* Organisation org's figures for vendor vendor. */
void ctl_view_vendor(const struct ctl_view *v, uint32_t org, unsigned vendor,
		     struct ctl_view_vendor *out);

#endif
