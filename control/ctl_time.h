/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_time.h - the control plane's monotonic clock, for intervals and
 * timeouts (never for the capture's or the census's time: ctl_app.h's
 * clock).
 */
#ifndef CTL_TIME_H
#define CTL_TIME_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds. */
static inline uint64_t
ctl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
