/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_orgs.h - the organisation table: organisations (id, name, country,
 * sector, government flag, AS) and the prefixes that attribute client
 * addresses to them.  It is filled by the sources of ctl_orgdata.h (the
 * operator's CSV, IPFire's location database, CAIDA's AS2Org, ASdb) through
 * the builder below, then read-only.
 *
 * Organisation index 0 is always the "unattributed" row for clients in no
 * prefix (DP_ORG_UNATTRIBUTED); configured organisations follow in order of
 * first appearance.  Names and labels are kept once per organisation; a
 * prefix is 28 bytes (the prefix, its organisation, its source and line).
 *
 * Prefixes after ctl_orgs_finish(): sorted by family, address and length
 * (the order dp_lpm_size_of() sizes for), one per prefix: where sources
 * give the same prefix twice, the later source wins (counted as overridden
 * in the earlier one); twice in one source is an error of that source.
 *
 * Parked organisations: one that leaves the table (a reload, or a restart
 * with a state file that names it) is kept after the listed ones, with no
 * prefix, so its counters and clients stay - in memory and in the state
 * file - and come back with it when a later table lists it again.  Parked
 * organisations are never exported (metrics, API, summary).
 *
 * Errors: functions return 0 or a negative errno; loaders write
 * "FILE:LINE: FIELD: reason" into err.
 */
#ifndef CTL_ORGS_H
#define CTL_ORGS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dp_prefix.h"

#define CTL_ORG_ID_LEN 64
#define CTL_ORG_NAME_LEN 128
#define CTL_ORG_SECTOR_LEN 48
#define CTL_ORGS_MAX (1u << 20)
#define CTL_ORG_SOURCES_MAX 8
#define CTL_ORG_LICENCE_LEN 128

struct ctl_org {
	char id[CTL_ORG_ID_LEN];
	char name[CTL_ORG_NAME_LEN];
	char country[3];
	char sector[CTL_ORG_SECTOR_LEN];
	bool government;
	bool parked;  /* not in the table now: kept for its counters and clients */
	uint32_t asn; /* the AS it was made from (location database), else 0 */
};

struct ctl_org_prefix {
	struct dp_prefix p;
	uint8_t src; /* index in ctl_orgs.src */
	uint32_t org;
	int line; /* in its source's file; 0 for a database */
};

/* One source as loaded, for the exposition (tapcensus_orgdata_*). */
enum ctl_orgsrc_kind { CTL_ORGSRC_CSV, CTL_ORGSRC_LIBLOC, CTL_ORGSRC_AS2ORG, CTL_ORGSRC_ASDB };

struct ctl_orgsrc_info {
	enum ctl_orgsrc_kind kind;
	char path[PATH_MAX];
	char licence[CTL_ORG_LICENCE_LEN];
	int64_t date;	     /* the data's date (Unix time, UTC midnight), 0 unknown */
	uint64_t rows;	     /* prefixes (or ASes) taken */
	uint64_t skipped;    /* malformed rows skipped (on_error: skip) */
	uint64_t overridden; /* prefixes a later source gave again */
	uint64_t excluded;   /* networks left out by flag or country */
	uint64_t cleaned;    /* names cut or escaped */
};

const char *ctl_orgsrc_kind_name(enum ctl_orgsrc_kind k);

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
	int nested_line;   /* the first such prefix's line, 0 for none */
	int nested_src;	   /* and its source */
	unsigned n_parked; /* of n_orgs */
	unsigned cap_orgs; /* orgs[] allocated */
	unsigned cap_prefixes;
	uint32_t ids_cap; /* entries the id hash was made for */
	struct ctl_orgsrc_info src[CTL_ORG_SOURCES_MAX];
	unsigned n_src;
};

/* The organisations the table lists: neither the unattributed row nor
 * the parked. */
static inline unsigned
ctl_orgs_listed(const struct ctl_orgs *o)
{
	return o->n_orgs - 1 - o->n_parked;
}

/* ---- Building a table (the sources) ---- */

/* An empty table with its unattributed row; orgs_hint sizes the id hash
 * (it grows).  NULL when out of memory. */
struct ctl_orgs *ctl_orgs_new(uint32_t orgs_hint);

/* Adds a source's description; its index, or -ENOSPC past
 * CTL_ORG_SOURCES_MAX. */
int ctl_orgs_add_source(struct ctl_orgs *o, enum ctl_orgsrc_kind kind, const char *path);

/* The organisation with org's id: found (*idx, and -EEXIST when its name
 * or labels differ from org's) or added (0).  -ENOSPC past CTL_ORGS_MAX,
 * -ENOMEM. */
int ctl_orgs_intern(struct ctl_orgs *o, const struct ctl_org *org, uint32_t *idx);

/* Appends a prefix of organisation org (0 or -ENOMEM). */
int ctl_orgs_add_prefix(struct ctl_orgs *o, const struct dp_prefix *p, uint32_t org, unsigned src,
			int line);

/* Sorts the prefixes, keeps the later source's of a prefix given twice,
 * counts the nested ones.  A prefix twice in one source is an error
 * ("FILE:LINE: prefix: the same prefix is on line N") unless skip, which
 * keeps the first and counts the second as skipped.  An empty table is an
 * error (every client would be unattributed). */
int ctl_orgs_finish(struct ctl_orgs *o, bool skip, char *err, size_t err_len);

/* Cleans a name for labels, JSON and the summary: bytes that are not
 * well-formed UTF-8 (RFC 3629: overlong forms, surrogates, past U+10FFFF)
 * and control characters (C0, DEL, C1) become "\xHH" escapes, and the
 * result is cut on a character boundary to fit cap bytes.  Returns true
 * when it changed anything. */
bool ctl_orgs_clean_name(const char *in, char *out, size_t cap);

/* An id made of letters, digits, '-', '_' and '.' (others become '_'),
 * cut to fit cap.  Returns true when it changed anything. */
bool ctl_orgs_clean_id(const char *in, char *out, size_t cap);

/* An ISO 3166-1 alpha-2 code as the table keeps it: two capitals. */
bool ctl_orgs_country_ok(const char *cc);

/* The government flag as every source writes it: true/yes/1 or
 * false/no/0, any case.  0, or -EINVAL. */
int ctl_orgs_parse_bool(const char *s, bool *out);

/* ---- Using it ---- */

/* Says on stderr how many prefixes lie inside another organisation's, if
 * any, with the first one's source and line (a warning: the table loads). */
void ctl_orgs_tell_nested(const struct ctl_orgs *o);
void ctl_orgs_free(struct ctl_orgs *o);

/* Parks org (its id, name and labels) after the others: 0 and its index in
 * *idx, -EEXIST when the id is there already, -ENOSPC past CTL_ORGS_MAX
 * organisations, -ENOMEM. */
int ctl_orgs_park(struct ctl_orgs *o, const struct ctl_org *org, uint32_t *idx);

/* The index of the organisation with this id ("unattributed" is 0), or -1. */
int32_t ctl_orgs_find(const struct ctl_orgs *o, const char *id);

/* The source description of prefix p: "FILE:LINE" or "FILE". */
void ctl_orgs_where(const struct ctl_orgs *o, const struct ctl_org_prefix *p, char *out,
		    size_t cap);

#endif
