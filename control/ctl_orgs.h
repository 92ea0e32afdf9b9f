/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_orgs.h - the organisation table: a CSV of
 *     prefix,org_id,name,country,sector,government
 * (RFC 4180 quoting; '#' comment lines; an optional header line).
 *
 * Organisation index 0 is always the "unattributed" row for clients in no
 * prefix (DP_ORG_UNATTRIBUTED); configured organisations follow in order of
 * first appearance.  An organisation may own many prefixes, but every row of
 * it must repeat the same name, country, sector and government flag.
 *
 * Parked organisations: one that leaves the table (a reload, or a restart
 * with a state file that names it) is kept after the listed ones, with no
 * prefix, so its counters and clients stay - in memory and in the state
 * file - and come back with it when a later table lists it again.  Parked
 * organisations are never exported (metrics, API, summary).
 *
 * ctl_orgs_load() returns 0, -ENOENT/-EACCES (unreadable), -ENOMEM, or
 * -EINVAL with "FILE:LINE: FIELD: reason" in err.
 */
#ifndef CTL_ORGS_H
#define CTL_ORGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_prefix.h"

#define CTL_ORG_ID_LEN 64
#define CTL_ORG_NAME_LEN 128
#define CTL_ORG_SECTOR_LEN 48
#define CTL_ORGS_MAX (1u << 20)

struct ctl_org {
	char id[CTL_ORG_ID_LEN];
	char name[CTL_ORG_NAME_LEN];
	char country[3];
	char sector[CTL_ORG_SECTOR_LEN];
	bool government;
	bool parked; /* not in the table now: kept for its counters and clients */
};

struct ctl_org_prefix {
	struct dp_prefix p;
	uint32_t org;
	int line;
};

struct rte_hash;

struct ctl_orgs {
	struct ctl_org *orgs;
	unsigned n_orgs; /* including index 0, unattributed */
	struct ctl_org_prefix *prefixes;
	unsigned n_prefixes;
	struct rte_hash *ids; /* org id -> index, configured organisations */
	/* Prefixes that lie inside another organisation's prefix: the longest
	 * match wins, which may or may not be what the table's author meant
	 * (a county inside its ISP is; two exports overlapping may not be). */
	unsigned n_nested;
	int nested_line; /* the first such prefix's line, 0 for none */
	unsigned n_parked;  /* of n_orgs */
	unsigned cap_orgs;  /* orgs[] allocated */
	uint32_t ids_cap;   /* entries the id hash was made for */
};

int ctl_orgs_load(const char *path, struct ctl_orgs **out, char *err, size_t err_len);

/* Says on stderr how many prefixes lie inside another organisation's, if
 * any, with the first one's line (a warning: the table loads). */
void ctl_orgs_tell_nested(const struct ctl_orgs *o, const char *path);
void ctl_orgs_free(struct ctl_orgs *o);

/* Parks org (its id, name and labels) after the others: 0 and its index in
 * *idx, -EEXIST when the id is there already, -ENOSPC past CTL_ORGS_MAX
 * organisations, -ENOMEM. */
int ctl_orgs_park(struct ctl_orgs *o, const struct ctl_org *org, uint32_t *idx);

/* The index of the organisation with this id ("unattributed" is 0), or -1. */
int32_t ctl_orgs_find(const struct ctl_orgs *o, const char *id);

#endif
