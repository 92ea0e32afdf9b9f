/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_metrics_private.h - between the exposition's files: ctl_metrics.c
 * (the entry, the dataplane, port and prefilter families) and
 * ctl_metrics_orgs.c (the organisation families and their aggregates).
 */
#ifndef CTL_METRICS_PRIVATE_H
#define CTL_METRICS_PRIVATE_H

#include <stdio.h>

#include "ctl_view.h"

/* The per-organisation families; 0 or -ENOMEM (nothing written then). */
int ctl_metrics_render_orgs(FILE *f, const struct ctl_view *v);

/* Organisations active and their unique clients by country, sector and
 * government, per vendor and window. */
void ctl_metrics_render_groups(FILE *f, const struct ctl_view *v);

/* The client key a vendor's use is counted under (product or web), -1
 * when it has none: its product key, or its web role. */
int ctl_metrics_use_key(const struct ctl_config *cfg, unsigned group, bool web);

#endif
