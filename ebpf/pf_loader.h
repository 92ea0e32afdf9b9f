/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pf_loader.h - load the XDP prefilter and keep its maps (user space).
 *
 * Skeleton rhythm: pf_loader_open() opens, sets the read-only globals and
 * loads; the caller fills ports and server prefixes; attaching to an
 * interface is pf_loader_attach().  All functions return 0 or a negative
 * errno; pf_loader_open returns NULL with errno set.
 */
#ifndef PF_LOADER_H
#define PF_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_prefix.h"
#include "pf_shared.h"

struct pf_loader;

struct pf_loader *pf_loader_open(bool redirect_xsk);
void pf_loader_destroy(struct pf_loader *pf);

int pf_loader_port_add(struct pf_loader *pf, int proto_idx, uint16_t port);
int pf_loader_server_add(struct pf_loader *pf, const struct dp_prefix *p);
int pf_loader_server_del(struct pf_loader *pf, const struct dp_prefix *p);

/* Sums the per-CPU counters into out[PF_REASON_COUNT]. */
int pf_loader_stats(struct pf_loader *pf, struct pf_counter *out);
int pf_loader_prog_fd(const struct pf_loader *pf);
const char *pf_reason_name(enum pf_reason r);

#endif
