/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_tables.h - the read-only tables workers use, built from configuration:
 * the organisation LPM tables, the vendor Hyperscan database, and the
 * configured vendor server prefixes (an LPM whose next hop indexes
 * server_vendors, the set of vendors behind that prefix); and the vendors'
 * own networks, those of the ASes a vendor lists (asns:, read from the first
 * libloc organisation source), an LPM whose next hop indexes
 * vendor_net_vendors: they corroborate a name (dp_count: evidence), they
 * never decide a flow (a vendor's AS also carries its websites).
 *
 * ctl_tables_build() returns 0, or a negative errno with "FILE:LINE: FIELD:
 * reason" in err (a regex Hyperscan refuses is reported at its line in the
 * YAML file; a prefix LPM refuses at its line in the CSV).
 */
#ifndef CTL_TABLES_H
#define CTL_TABLES_H

#include <stddef.h>

#include "ctl_config.h"
#include "ctl_orgs.h"
#include "dp_lpm.h"
#include "dp_match.h"

struct ctl_tables {
	struct dp_lpm *orgs;
	struct dp_match *match;
	struct dp_lpm *servers;
	uint64_t *server_vendors;     /* [0] unused: next hop 0 is "no prefix" */
	struct dp_lpm_size orgs_size; /* what the organisation LPM was made for */
	struct dp_lpm *vendor_nets;   /* NULL: no vendor lists asns */
	uint64_t *vendor_net_vendors; /* [0] unused */
	size_t n_vendor_nets;
	struct dp_lpm_size vendor_nets_size;
};

int ctl_tables_build(const struct ctl_config *cfg, const struct ctl_orgs *orgs, int socket,
		     struct ctl_tables *out, char *err, size_t err_len);
void ctl_tables_free(struct ctl_tables *t);

struct dp_gen;
/* A worker's generation id of t (dp_gen_create, the vendors' networks
 * set): NULL with rte_errno set. */
struct dp_gen *ctl_tables_gen(const struct ctl_tables *t, uint16_t id, unsigned n_orgs,
			      unsigned n_vendors, const struct dp_match *prev, int socket);

#endif
