/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_tables.h - the read-only tables workers use, built from configuration:
 * the organisation LPM tables, the vendor Hyperscan database, and the
 * configured vendor server prefixes (an LPM whose next hop indexes
 * server_vendors, the set of vendors behind that prefix).
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
#include "dp_match.h"
#include "dp_lpm.h"

struct ctl_tables {
	struct dp_lpm *orgs;
	struct dp_match *match;
	struct dp_lpm *servers;
	uint64_t *server_vendors; /* [0] unused: next hop 0 is "no prefix" */
	struct dp_lpm_size orgs_size; /* what the organisation LPM was made for */
};

int ctl_tables_build(const struct ctl_config *cfg, const struct ctl_orgs *orgs, int socket,
		     struct ctl_tables *out, char *err, size_t err_len);
void ctl_tables_free(struct ctl_tables *t);

#endif
