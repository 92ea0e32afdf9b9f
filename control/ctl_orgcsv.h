/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_orgcsv.h - the operator's organisation CSV, a source of ctl_orgs:
 *     prefix,org_id,name,country,sector,government
 * (RFC 4180 quoting; '#' comment lines; an optional header line; a UTF-8
 * byte-order mark allowed).  An organisation may own many prefixes, but
 * every row of it must repeat the same name, country, sector and
 * government flag.  A row of org_id "unattributed" is a carve-out: its
 * prefix attributes nobody (inside a location database's network, say);
 * its other fields are checked, not used.  Names are cleaned (ctl_orgs_clean_name: cut to 127
 * bytes, odd bytes escaped), never refused.
 *
 * ctl_orgcsv_read() adds the rows of o->src[src].path to o: 0, -ENOENT or
 * -EACCES (unreadable), -ENOMEM, or -EINVAL with "FILE:LINE: FIELD:
 * reason" in err for the first malformed row - unless skip, when each
 * malformed row is told on stderr with the same words, counted in the
 * source's skipped, and left out.
 */
#ifndef CTL_ORGCSV_H
#define CTL_ORGCSV_H

#include <stdbool.h>
#include <stddef.h>

struct ctl_orgs;

int ctl_orgcsv_read(struct ctl_orgs *o, unsigned src, bool skip, char *err, size_t err_len);

/* Loads one CSV file as the whole table (refusing malformed rows): the
 * simple case, and the tests'.  ctl_orgs_finish's errors too. */
int ctl_orgs_load(const char *path, struct ctl_orgs **out, char *err, size_t err_len);

#endif
