/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_orgloc.h - IPFire's location database as a source of ctl_orgs (see
 * ctl_orgdata.h for what it gives).  Read through libloc's own C library,
 * networks enumerated as the database holds them (nested ones too: the
 * longest prefix decides, as libloc's lookup does).
 *
 * ctl_orgloc_read() returns 0, -ENOENT/-EACCES, -ENOMEM, or -EINVAL with
 * "FILE: reason" in err (not a location database, damaged).
 */
#ifndef CTL_ORGLOC_H
#define CTL_ORGLOC_H

#include <stddef.h>
#include <stdint.h>

#include "dp_prefix.h"

struct ctl_orgs;
struct ctl_asmap;
struct ctl_orgsrc_cfg;

int ctl_orgloc_read(struct ctl_orgs *o, unsigned src, const struct ctl_orgsrc_cfg *cfg,
		    const struct ctl_asmap *as, char *err, size_t err_len);

/* A network of one of the ASes asked for. */
struct ctl_asnet {
	struct dp_prefix prefix;
	uint32_t asn;
};

/* Every network of the database at path whose AS is one of asns (nested
 * ones too), in the database's order: *out malloc'd (the caller frees it,
 * NULL when none), *n their count.  Same errors as ctl_orgloc_read. */
int ctl_orgloc_networks(const char *path, const uint32_t *asns, unsigned n_asns,
			struct ctl_asnet **out, size_t *n, char *err, size_t err_len);

#endif
