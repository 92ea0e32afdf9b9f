/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_orgline.h - the line reader of the AS-keyed organisation sources
 * (CAIDA AS2Org, ASdb: ctl_orgas.c): each line of a source file, trimmed
 * and numbered, and errors that name the file, the line and the field.
 *
 * A line is read byte by byte, so a NUL inside it is seen and refused
 * (as a C string it would end there, the rest read as nothing); a line
 * over 4,096 bytes is refused; a UTF-8 byte-order mark on the first line
 * is dropped; empty lines are skipped, comment lines given (the formats
 * put meaning in some).  With skip (on_error: skip) a refused line is
 * told on stderr, counted in the source's skipped, and reading goes on.
 *
 * Errors: -EINVAL with "FILE:LINE: FIELD: reason" in err, -ENOMEM, -EIO,
 * or the open's negative errno ("FILE: cannot open: reason").
 */
#ifndef CTL_ORGLINE_H
#define CTL_ORGLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_orgs.h"

struct ctl_orgline {
	struct ctl_orgs *o;
	unsigned src; /* the source read: o->src[src] */
	bool skip;    /* on_error: skip */
	char *err;
	size_t err_len;
	int line; /* the line being read, from 1 */
};

/* "AS15169", "as15169" or "15169": 1 to 4294967295.  0, or -EINVAL. */
int ctl_orgline_asn(const char *s, uint32_t *out);

/* Refuses the current line at field (fmt with one string a): -EINVAL, or
 * 0 when skipping (told and counted). */
int ctl_orgline_err(struct ctl_orgline *r, const char *field, const char *fmt, const char *a);

/* fn on each line of the source's file, stopping at its first non-zero
 * return. */
int ctl_orgline_each(struct ctl_orgline *r, int (*fn)(struct ctl_orgline *r, char *line, void *arg),
		     void *arg);

#endif
