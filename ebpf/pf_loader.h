/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pf_loader.h - load the XDP prefilter and keep its maps (user space).
 *
 * Skeleton rhythm: pf_loader_open() opens, sets the read-only globals and
 * loads; the caller fills ports and server prefixes through pf_ctl.h on
 * pf_loader_maps().  On a tap, DPDK's net_af_xdp loads the AF_XDP build
 * instead (xdp_prog=) and the control plane opens its pinned maps.  All functions return 0 or a
 * negative errno; pf_loader_open returns NULL with errno set.
 */
#ifndef PF_LOADER_H
#define PF_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_prefix.h"
#include "pf_ctl.h"
#include "pf_shared.h"

struct pf_loader;

struct pf_loader *pf_loader_open(bool redirect_xsk);
void pf_loader_destroy(struct pf_loader *pf);

/* Its maps, for pf_ctl.h's operations; valid until pf_loader_destroy. */
const struct pf_maps *pf_loader_maps(struct pf_loader *pf);
int pf_loader_prog_fd(const struct pf_loader *pf);

/* The program over frame under BPF_PROG_TEST_RUN, repeat times: the
 * verdict in *retval, the kernel's mean ns a run in *ns (either NULL). */
int pf_loader_run(const struct pf_loader *pf, const void *frame, uint32_t len, uint32_t repeat,
		  uint32_t *retval, uint32_t *ns);

#endif
