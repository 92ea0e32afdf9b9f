/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_api.h - what scripts and DPDK telemetry read: a table of the
 * organisations with sessions (aggregates only, never a client address)
 * and the dataplane totals, built by the control thread once a second and
 * published whole; readers (the HTTP threads, DPDK's telemetry thread)
 * take it under one mutex and never see a table being built.
 *
 * JSON (GET /api/v1/orgs):
 *   {"generated": UNIX_S, "organisations_configured": N,
 *    "vendors": ["kaspersky", "kaspersky/update", ...],  vendor roles (role
 *                                          other named by the vendor alone)
 *    "organisations": [ORG, ...]}           sorted by id
 * ORG (also GET /api/v1/orgs/ID):
 *   {"id": .., "name": .., "country": .., "sector": .., "government": bool,
 *    "vendors": {"kaspersky/update": {"role": "update",
 *                              "sessions": {"tls-sni": N, ...},
 *                              "packets": N, "bytes": N,
 *                              "unique_clients": {"1d": N, "30d": N, "all": N},
 *                              "last_seen": UNIX_S}, ...}}
 * The unattributed row is listed as id "unattributed".
 *
 * Errors: ctl_api_build returns NULL (ENOMEM); the JSON writers return 0
 * or -EIO when writing to the stream failed.
 */
#ifndef CTL_API_H
#define CTL_API_H

#include <stdio.h>

#include "ctl_view.h"

struct ctl_api_vendor {
	uint64_t sessions[DP_SIG_COUNT];
	uint64_t name_only;   /* of them, decided by a name alone (dp_org_ctr) */
	uint64_t pkts, bytes; /* both directions */
	uint64_t clients[CTL_WIN_COUNT];
	uint64_t last_seen;
};

struct ctl_api_org {
	struct ctl_org org;
	struct ctl_api_vendor *v; /* [n_vendors] */
};

struct ctl_api_table {
	uint64_t generated;
	unsigned configured; /* organisations in the table, unattributed excluded */
	unsigned n_vendors, n;
	char (*vendors)[2 * CTL_NAME_LEN]; /* ctl_vendor_key: NAME, or NAME/ROLE */
	char (*roles)[CTL_NAME_LEN];
	struct ctl_api_org *orgs; /* [n], by id */
	struct ctl_api_vendor *stats;
	struct dp_wstats total;
	uint64_t flows_active;
	uint64_t reloads_ok, reloads_failed;
};

/* From the view: its organisations with sessions. */
struct ctl_api_table *ctl_api_build(const struct ctl_view *v);
void ctl_api_free(struct ctl_api_table *t);
const struct ctl_api_org *ctl_api_find(const struct ctl_api_table *t, const char *id);

/* The dataplane's counters (ctl_counters.h) by their keys, and the flows
 * held: GET /api/v1/dataplane. */
int ctl_api_json_dataplane(FILE *f, const struct ctl_api_table *t);
int ctl_api_json_orgs(FILE *f, const struct ctl_api_table *t);
int ctl_api_json_org(FILE *f, const struct ctl_api_table *t, const struct ctl_api_org *o);

#endif
