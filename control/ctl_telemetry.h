/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_telemetry.h - tapcensus commands on DPDK's telemetry socket, so that
 * usertools/dpdk-telemetry.py (or any client of the v2 socket) shows them:
 *   /tapcensus/stats        dataplane totals: received, processed by
 *                           outcome, dropped by reason, flows, reloads
 *   /tapcensus/orgs         ids of the organisations with sessions (at most
 *                           RTE_TEL_MAX_ARRAY_ENTRIES; "count" tells all)
 *   /tapcensus/org,ID       one of them: name, country, sector, government,
 *                           and per vendor sessions, packets, bytes and
 *                           unique clients per window
 * Keys are DPDK's (letters, digits, '_', '/'): signal tls-sni is
 * sessions_tls_sni, a vendor named like-this is like_this.
 * Answers come from the table ctl_api publishes once a second, never from
 * the dataplane, and hold aggregates only.
 *
 * ctl_telemetry_register() returns 0 or the negative errno of the first
 * command DPDK refused (telemetry disabled by --no-telemetry is no error:
 * the commands are then registered but never asked for).
 */
#ifndef CTL_TELEMETRY_H
#define CTL_TELEMETRY_H

int ctl_telemetry_register(void);

#endif
