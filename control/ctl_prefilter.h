/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_prefilter.h - the XDP prefilter in front of net_af_xdp ports, its
 * maps kept current by the control thread.
 *
 * DPDK's net_af_xdp loads the AF_XDP build of ebpf/pf.bpf.c on each such
 * port's interface (xdp_prog=, which ctl_prefilter_prepare adds to a port's
 * arguments when they lack it: prefilter.program, by default the one this
 * build made) and the program hands what passes to the workers' sockets.
 * Its maps are pinned under /sys/fs/bpf (mounted by ctl_prefilter_prepare
 * when it is not a BPF file system), one set for every port.
 *
 * The control thread:
 *  - at start empties them (a previous run's), then loads the ports of
 *    interest and the configured server prefixes (ctl_prefilter_open);
 *  - on a reload swaps the configured server prefixes (ctl_prefilter_servers);
 *  - adds each server address the workers learn, for its TTL
 *    (ctl_prefilter_learned), and once a second sweeps the expired ones
 *    and reads the per-CPU counters (ctl_prefilter_tick).
 *
 * Errors: 0 or a negative errno with a message in err naming what failed.
 */
#ifndef CTL_PREFILTER_H
#define CTL_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_config.h"
#include "pf_shared.h"

struct ctl_prefilter;

/* Is any configured port a net_af_xdp one? */
bool ctl_prefilter_wanted(const struct ctl_config *cfg);

/* Before EAL init: the BPF file system, no old pins, and xdp_prog= on
 * net_af_xdp ports (ctl_prefilter_port_args, which is all a reloaded
 * configuration needs to compare equal). */
int ctl_prefilter_prepare(struct ctl_config *cfg, char *err, size_t err_len);
int ctl_prefilter_port_args(struct ctl_config *cfg, char *err, size_t err_len);

/* After the ports have started (the program is loaded then). */
int ctl_prefilter_open(const struct ctl_config *cfg, struct ctl_prefilter **out, char *err,
		       size_t err_len);
void ctl_prefilter_close(struct ctl_prefilter *p);

int ctl_prefilter_servers(struct ctl_prefilter *p, const struct ctl_config *old,
			  const struct ctl_config *cfg);
void ctl_prefilter_learned(struct ctl_prefilter *p, uint8_t family, const uint8_t *addr,
			   uint32_t ttl);
/* Sweeps expired learned addresses; out[PF_REASON_COUNT] gets the counters. */
void ctl_prefilter_tick(struct ctl_prefilter *p, struct pf_counter *out);

/* Learned addresses the map refused (full, or an error). */
uint64_t ctl_prefilter_learn_failed(const struct ctl_prefilter *p);

#endif
