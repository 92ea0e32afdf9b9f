/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_orgas.h - what sources say about autonomous systems, for the
 * location database's networks (ctl_orgloc.h):
 *
 *   as2org  CAIDA's AS to Organization mapping (YYYYMMDD.as-org2info.txt):
 *           '|'-separated, in two parts each announced by a comment line,
 *             # format:org_id|changed|org_name|country|source
 *             # format:aut|changed|aut_name|org_id|opaque_id|source
 *           several ASes, one organisation: its id, name and country.
 *   asdb    Stanford's ASdb (ASN,Category 1 - Layer 1,Category 1 - Layer 2,
 *           ...; ASN as "AS15169" or 15169): the first category becomes the
 *           sector (lower case, words joined by '-', cut to 47 bytes);
 *           "Government and Public Administration" sets the government
 *           flag.  Or any CSV with the header asn,sector,government.
 *
 * A later source overrides an earlier one for the same AS (the fields it
 * gives).  Malformed rows: "FILE:LINE: FIELD: reason", refused or (skip)
 * told on stderr and counted in the source's skipped.
 *
 * Functions return 0 or a negative errno (-EINVAL with the reason in err,
 * -ENOENT/-EACCES for an unreadable file, -ENOMEM).
 */
#ifndef CTL_ORGAS_H
#define CTL_ORGAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_orgs;
struct ctl_asmap;

struct ctl_asmap *ctl_asmap_new(void);
void ctl_asmap_free(struct ctl_asmap *m);

/* Read o->src[src].path (rows counted there). */
int ctl_asmap_read_as2org(struct ctl_asmap *m, struct ctl_orgs *o, unsigned src, bool skip,
			  char *err, size_t err_len);
int ctl_asmap_read_asdb(struct ctl_asmap *m, struct ctl_orgs *o, unsigned src, bool skip, char *err,
			size_t err_len);

/* After the reads, before the lookups: 0 or -ENOMEM. */
int ctl_asmap_finish(struct ctl_asmap *m);

/* What the sources say about one AS; NULL fields when none says. */
struct ctl_as_view {
	const char *org_id, *org_name, *org_country; /* as2org */
	const char *sector;			     /* asdb */
	int government;				     /* asdb: 0, 1, or -1 unknown */
};

/* false when no source names asn. */
bool ctl_asmap_get(const struct ctl_asmap *m, uint32_t asn, struct ctl_as_view *out);

/* An ASdb category as a sector label: "Computer and Information
 * Technology" -> "computer-and-information-technology" (cap bytes). */
void ctl_asmap_sector_label(const char *category, char *out, size_t cap);

#endif
