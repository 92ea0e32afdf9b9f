/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_publish.h - what leaves the box, and the one place it is published:
 * the exposition text (/metrics) and the API table (/api/v1, DPDK
 * telemetry), both rendered from one view by the control thread, once a
 * second, and swapped in together.  Readers - the HTTP threads and DPDK's
 * telemetry thread, whose callbacks take no context, hence one
 * process-wide publication - hold the lock between acquire and release and
 * never see a half-built copy.
 *
 * Errors: ctl_publish_view returns 0 or -ENOMEM (the last publication
 * stays).
 */
#ifndef CTL_PUBLISH_H
#define CTL_PUBLISH_H

#include <stddef.h>

#include "ctl_api.h"
#include "ctl_view.h"

struct ctl_published {
	const char *metrics; /* the exposition, or NULL before the first */
	size_t metrics_len;
	const struct ctl_api_table *api; /* or NULL before the first */
};

/* Renders v (exposition and API table) and publishes both. */
int ctl_publish_view(const struct ctl_view *v);

/* Publishes what is given, taking ownership (either may be NULL); the
 * previous publication is freed.  ctl_publish_set(NULL, 0, NULL) at the
 * end of the process. */
void ctl_publish_set(char *metrics, size_t len, struct ctl_api_table *api);

/* Locks and returns the publication; ctl_publish_release unlocks. */
const struct ctl_published *ctl_publish_acquire(void);
void ctl_publish_release(void);

#endif
