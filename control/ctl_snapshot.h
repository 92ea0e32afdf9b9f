/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_snapshot.h - a consistent-enough copy of every worker's counters, summed
 * off the hot path by the control thread, plus each port's ethdev stats.
 *
 * Sessions are summed over workers; last-seen takes the latest.  The copy is
 * what the exposition and the summary are rendered from, so a scrape never
 * touches worker memory.
 */
#ifndef CTL_SNAPSHOT_H
#define CTL_SNAPSHOT_H

#include <stdint.h>

#include "ctl_census.h"
#include "ctl_config.h"
#include "ctl_state.h"
#include "ctl_unlisted.h"
#include "dp_worker_types.h"
#include "pf_shared.h"

struct ctl_persist_stats;
struct ctl_reload_stats;

struct ctl_port_stats {
	char name[CTL_NAME_LEN];
	uint64_t ipackets, ibytes, imissed, ierrors, rx_nombuf;
};

struct ctl_snapshot {
	unsigned n_workers, n_ports, n_orgs, n_vendors;
	struct dp_wstats total;
	struct dp_wstats *worker; /* [n_workers] */
	uint16_t *worker_port;	  /* index into ports[] */
	uint64_t *worker_gap;	  /* [n_workers] dp_worker_max_gap, TSC cycles */
	uint16_t *worker_queue;
	struct ctl_port_stats *ports;
	struct dp_org_ctr *ctr;	     /* [(org * n_vendors + vendor) * DP_SIG_COUNT + sig] */
	uint64_t learn_forward_lost; /* set by the control thread, which counts it */
	/* Names of the vendors' own levels, fed by the control thread from the
	 * workers (ctl_workers_drain), kept in the state file. */
	struct ctl_unlisted unlisted;
	/* Restored from the state file: added to total and ctr on collect. */
	struct dp_wstats base;
	struct dp_org_ctr *base_ctr;
	/* The state writes' and the reloads' counters, owned by their
	 * modules (ctl_persist.h, ctl_reload.h); NULL: none. */
	const struct ctl_persist_stats *state;
	const struct ctl_reload_stats *reload;
	bool census; /* census: configured (push figures below) */
	struct ctl_census_stats push;
	/* The XDP prefilter in front of net_af_xdp ports, when there is one. */
	bool pf_on;
	struct pf_counter pf[PF_REASON_COUNT];
	uint64_t pf_learn_failed;
	/* The endpoint's connections cut for a request head too slow. */
	uint64_t http_heads_cut;
};

/* 0 or -ENOMEM. */
int ctl_snapshot_init(struct ctl_snapshot *s, unsigned n_workers, unsigned n_ports, unsigned n_orgs,
		      unsigned n_vendors);
void ctl_snapshot_fini(struct ctl_snapshot *s);

/* stats[w] and ctr[w] are worker w's statistics and the counters of the
 * generation published to it: call it only when every worker has adopted
 * that (outside a reload).  port_ids[i] is the ethdev id of ports[i]. */
void ctl_snapshot_collect(struct ctl_snapshot *s, const struct dp_wstats *const *stats,
			  const struct dp_org_ctr *const *ctr, const uint16_t *port_ids);

/* After a reload: the base counters become base + the replaced
 * generations' counters (old[w], n_old of them, in the running index
 * space), carried to the new organisation table by map (old index -> new,
 * UINT32_MAX: gone, dropped).  0 or -ENOMEM (s unchanged). */
int ctl_snapshot_regen(struct ctl_snapshot *s, unsigned n_orgs, const uint32_t *map,
		       const struct dp_org_ctr *const *old, unsigned n_old);

/* The state file's section of the counters (ctl_state.h): u32 count, the
 * dataplane totals (struct dp_wstats, u64 each); u32 count, { u32 org,
 * u16 vendor, u16 signal, struct dp_org_ctr (before format 4: without
 * name_only) } for each counter set with a session or a packet.  The read
 * adds them to base and base_ctr (restored counts each set read); totals
 * of a build with more counters than this one start from zero, of one
 * with fewer are read and the newer start from zero (told).  0, or
 * -EBADMSG. */
void ctl_snapshot_state_write(struct ctl_state_out *o, const struct ctl_snapshot *sn);
int ctl_snapshot_state_read(struct ctl_state_in *in, struct ctl_snapshot *snap, uint64_t *restored);

static inline const struct dp_org_ctr *
ctl_snapshot_ctr(const struct ctl_snapshot *s, uint32_t org, unsigned vendor, unsigned sig)
{
	return &s->ctr[((size_t)org * s->n_vendors + vendor) * DP_SIG_COUNT + sig];
}

#endif
