/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pf_ctl.h - the prefilter's maps from user space, by file descriptor:
 * ports of interest, vendor server prefixes (configured and learned), and
 * the per-CPU counters.  The descriptors come from our own loader
 * (pf_loader_maps, tests and the benchmark) or from the maps DPDK's
 * net_af_xdp pinned when it loaded the AF_XDP build (pf_ctl_open_pinned).
 *
 * Server prefixes carry a value, PF_SRV_CONFIGURED bits (others may come);
 * learned addresses are a separate LRU map whose entries carry when their
 * TTL runs out, which the program itself checks.
 *
 * All functions return 0 or a negative errno.
 */
#ifndef PF_CTL_H
#define PF_CTL_H

#include <stdint.h>

#include "dp_prefix.h"
#include "pf_shared.h"

#define PF_SRV_CONFIGURED 1
#define PF_SRV_LEARNED 2

struct pf_maps {
	int stats, ports, v4, v6, learned4, learned6;
};

/* Removes the pins a previous run left under dir, so that the next load
 * creates the maps afresh (counters from zero, the current layout). */
int pf_ctl_unpin(const char *dir);

/* Opens the maps pinned under dir (PF_PIN_DIR); closes with pf_ctl_close. */
int pf_ctl_open_pinned(const char *dir, struct pf_maps *m);
void pf_ctl_close(struct pf_maps *m);

/* Empties the ports, server and learned maps (a pinned map may hold a
 * previous run's). */
int pf_ctl_clear(const struct pf_maps *m);

int pf_ctl_port_add(const struct pf_maps *m, int proto_idx, uint16_t port);
/* Every port of lo..hi (both included); -EINVAL when lo > hi. */
int pf_ctl_port_range_add(const struct pf_maps *m, int proto_idx, uint16_t lo, uint16_t hi);
/* Adds bits (PF_SRV_*) to the prefix's entry; removes bits, deleting the
 * entry when none is left.  Removing from an absent entry is 0. */
int pf_ctl_server_add(const struct pf_maps *m, const struct dp_prefix *p, uint8_t bits);
int pf_ctl_server_del(const struct pf_maps *m, const struct dp_prefix *p, uint8_t bits);

/* A learned server address (4 or 16 bytes by family) for ttl seconds. */
int pf_ctl_learned_add(const struct pf_maps *m, uint8_t family, const uint8_t *addr, uint32_t ttl);
/* Deletes learned addresses whose TTL has run out; returns how many. */
int pf_ctl_learned_sweep(const struct pf_maps *m);

/* Sums the per-CPU counters into out[PF_REASON_COUNT]. */
int pf_ctl_stats(const struct pf_maps *m, struct pf_counter *out);

/* A reason's label value (pass_tls, drop_tcp, ...); "unknown" out of range. */
const char *pf_reason_name(enum pf_reason r);

#endif
