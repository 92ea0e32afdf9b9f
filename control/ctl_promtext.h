/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_promtext.h - the pieces of the Prometheus text format (0.0.4) the
 * exposition's files share: a family's HELP and TYPE lines, and a label
 * value with backslash, double quote and newline escaped.
 */
#ifndef CTL_PROMTEXT_H
#define CTL_PROMTEXT_H

#include <stdint.h>
#include <stdio.h>

void ctl_promtext_family(FILE *f, const char *name, const char *type, const char *help);
void ctl_promtext_label(FILE *f, const char *s);

/* A family of one unlabelled sample: its HELP and TYPE lines, then NAME VALUE. */
void ctl_promtext_scalar(FILE *f, const char *name, const char *type, const char *help,
			 uint64_t value);

/* vendor="NAME",role="ROLE": the labels of a vendor role's series. */
void ctl_promtext_vendor(FILE *f, const char *vendor, const char *role);

#endif
