/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_metrics.h - the Prometheus text exposition (format 0.0.4).
 *
 * Aggregates only: per organisation and vendor, never a client address.
 * Per-organisation series are emitted for every (organisation, vendor) with
 * at least one session, all signals included (zeros too) so that rate() sees
 * each series from its first scrape.  Every family has HELP and TYPE, counter
 * names end in _total, units are base units (seconds, bytes).
 */
#ifndef CTL_METRICS_H
#define CTL_METRICS_H

#include <stdio.h>

#include "ctl_view.h"

/* Renders the view; 0, -ENOMEM (the organisation families left out), or
 * -EIO when writing to f failed. */
int ctl_metrics_render(FILE *f, const struct ctl_view *v);

/* Renders the view to path (-o PATH): "-" is standard output; a regular
 * file, or a new one, is replaced whole (written beside it, renamed over
 * it); a device, FIFO or socket is written in place, never renamed over.
 * 0, or a negative errno, told on stderr with the path. */
int ctl_metrics_write_path(const char *path, const struct ctl_view *v);

#endif
