/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_orgdata.h - the organisation table's sources, merged at load
 * (configuration key organisations; see config/tapcensus.yaml):
 *
 *   csv     the operator's table (ctl_orgcsv.h): prefix -> organisation;
 *   libloc  IPFire's location database (libloc): network -> AS, country,
 *           flags; the AS's name.  One organisation per AS and country
 *           ("AS64496-US", named after the AS), or the AS2Org organisation
 *           of the AS when an as2org source names one; networks with a
 *           flag in exclude_flags attribute nobody; countries, when given,
 *           keeps only networks of those countries;
 *   as2org  CAIDA's AS to organisation mapping (ctl_orgas.h);
 *   asdb    an AS -> sector table (ASdb, or asn,sector,government).
 *
 * The AS sources are read first, whatever their place in the list (a later
 * one overrides an earlier for the same AS); then the prefix sources in
 * order, a later one overriding an earlier for the same prefix; the
 * longest prefix attributes an address.  Put the operator's CSV last: an
 * organisation below the AS level (a county inside its ISP) is a longer
 * prefix, a correction the same prefix.
 *
 * Each source has a date (given, else the data's own: the database's
 * creation, a YYYYMMDD or YYYY-MM at the start of the file name; else the
 * file's modification time) and a licence (given, else the database's),
 * exposed by tapcensus_orgdata_info; max_age_days flags older sources.
 *
 * ctl_orgdata_load() returns 0, or a negative errno with "FILE:LINE:
 * FIELD: reason" in err (on_error: refuse, the default) - with skip, a
 * malformed row is told on stderr, counted, and left out.
 */
#ifndef CTL_ORGDATA_H
#define CTL_ORGDATA_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_orgs.h"

#define CTL_ORG_COUNTRIES_MAX 64

struct ctl_orgsrc_cfg {
	enum ctl_orgsrc_kind kind;
	char path[PATH_MAX];
	char licence[CTL_ORG_LICENCE_LEN];	  /* "" : the data's own, if any */
	int64_t date;				  /* 0: the data's own */
	uint32_t exclude_flags;			  /* libloc: LOC_NETWORK_FLAG_* */
	char countries[CTL_ORG_COUNTRIES_MAX][3]; /* libloc: only these; none: all */
	unsigned n_countries;
	int line; /* in the configuration */
};

struct ctl_orgdata_cfg {
	struct ctl_orgsrc_cfg src[CTL_ORG_SOURCES_MAX];
	unsigned n_src;
	bool skip_bad_rows;    /* on_error: skip */
	unsigned max_age_days; /* 0: no limit */
};

int ctl_orgdata_load(const struct ctl_orgdata_cfg *cfg, struct ctl_orgs **out, char *err,
		     size_t err_len);

/* The libloc flag called name ("anycast", "satellite", "anonymous-proxy",
 * "drop"), or 0. */
uint32_t ctl_orgdata_flag(const char *name);

#endif
