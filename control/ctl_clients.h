/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_clients.h - exact unique-client sets per (organisation, vendor).
 *
 * Fed by the control thread alone from the workers' event rings; a client
 * address counts once per (organisation, vendor) whatever signals it shows.
 * The set holds at most `capacity` entries: past that, new clients are
 * counted in ctl_clients_full() and the unique figures become lower bounds,
 * which the exported metric makes visible.  Client addresses never leave
 * this module: only counts do.
 */
#ifndef CTL_CLIENTS_H
#define CTL_CLIENTS_H

#include <stdint.h>

#include <rte_ring.h>

#include "dp_worker.h"

struct ctl_clients;

/* NULL with rte_errno set on failure. */
struct ctl_clients *ctl_clients_create(unsigned capacity, unsigned n_orgs, unsigned n_vendors);
void ctl_clients_free(struct ctl_clients *c);

/* 1 if the client is new, 0 if known, -ENOSPC when the set is full. */
int ctl_clients_add(struct ctl_clients *c, const struct dp_client_event *ev);

/* Moves up to max events from ring into the set; returns how many. */
unsigned ctl_clients_drain(struct ctl_clients *c, struct rte_ring *ring, unsigned max);

uint64_t ctl_clients_count(const struct ctl_clients *c, uint32_t org, unsigned vendor);
uint64_t ctl_clients_entries(const struct ctl_clients *c);
uint64_t ctl_clients_full(const struct ctl_clients *c);
unsigned ctl_clients_capacity(const struct ctl_clients *c);

#endif
