/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_lookup.h - `tapcensus --lookup FILE`: the organisation each address
 * of FILE is attributed to, by the same tables the workers use; for an
 * operator checking a table, and for the tests' oracle (libloc's own
 * `location lookup`).  Local: nothing of it is exported.
 *
 * Input: one address a line (IPv4 or IPv6; blank lines and '#' comments
 * skipped).  Output, one line per address in input order, tab-separated:
 *     org_id  AS  country  sector  government
 * (AS 0 when the organisation is not one AS's; "unattributed ... ZZ" for
 * an address in no prefix).  A line that is no address prints "invalid"
 * and is told on stderr with its line number.
 *
 * ctl_lookup_run() returns the number of invalid lines, or -EIO.
 */
#ifndef CTL_LOOKUP_H
#define CTL_LOOKUP_H

#include <stdio.h>

#include "ctl_orgs.h"
#include "dp_lpm.h"

int ctl_lookup_run(FILE *in, FILE *out, const char *name, const struct ctl_orgs *o,
		   const struct dp_lpm *t);

#endif
