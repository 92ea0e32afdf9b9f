/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_clock.h - an offline worker's capture clock: each frame's stamp read
 * whole, stamps no capture can hold refused, and a clock no single frame
 * moves far.
 *
 * net_pcap stamps a frame with (uint64_t)tv_sec * 1000000 + tv_usec from
 * libpcap, which reads a pcap record's two 32-bit fields as signed: a
 * capture's seconds past 2038-01-19 (the format's field is unsigned) come
 * negative, and so does the product.  dp_clock_seconds() reads the stamp
 * as the signed microseconds it is and gives such seconds back their 2^32.
 * A stamp before DP_CLOCK_MIN (all-zero stamps, 1970) or more than
 * DP_CLOCK_AHEAD past the wall clock (a capture from the future) is
 * -ERANGE: the worker drops the frame and counts it (time_invalid).
 *
 * dp_clock_step() keeps the clock (what the control plane's windows, days
 * and the flow sweeps follow) from being moved by one frame: a step forward
 * of more than DP_CLOCK_JUMP is taken only when DP_CLOCK_CONFIRM frames in
 * a row lie that far ahead (within DP_CLOCK_JUMP of the first of them: a
 * capture resumed after a gap); until then each such frame is held (the
 * worker counts time_held) and keeps its own time for itself alone.  The
 * clock never moves back.  A microsecond field of 10^6 or more cannot be
 * told from the stamp (2^31 and more read as a time up to 36 minutes
 * earlier): the control plane finds those records in its pass over the
 * file, and the worker drops them by position (dp_bad_stamps).
 */
#ifndef DP_CLOCK_H
#define DP_CLOCK_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#define DP_CLOCK_MIN 946684800u /* 2000-01-01 00:00 UTC */
#define DP_CLOCK_AHEAD 86400u	/* a stamp may lie a day past the wall clock (zones, skew) */
#define DP_CLOCK_JUMP 86400u	/* a step forward larger than this needs confirming */
#define DP_CLOCK_CONFIRM 4u	/* frames in a row that confirm it */

struct dp_clock {
	uint32_t now;	 /* seconds; 0 until the first frame */
	uint32_t cand;	 /* the time a step ahead would take */
	uint32_t cand_n; /* frames in a row seen near cand */
};

/* The stamp's Unix seconds into *sec, or -ERANGE (wall: the wall clock,
 * Unix seconds). */
static inline int
dp_clock_seconds(uint64_t stamp_us, uint64_t wall, uint32_t *sec)
{
	int64_t us = (int64_t)stamp_us;
	int64_t s = us >= 0 ? us / 1000000 : -((999999 - us) / 1000000); /* floor */

	if (s < 0) /* libpcap's signed seconds past 2038 */
		s += INT64_C(1) << 32;
	if (s < DP_CLOCK_MIN || s > UINT32_MAX || (uint64_t)s > wall + DP_CLOCK_AHEAD)
		return -ERANGE;
	*sec = (uint32_t)s;
	return 0;
}

/* A frame of time sec: true when it was held (the clock did not follow). */
static inline bool
dp_clock_step(struct dp_clock *c, uint32_t sec)
{
	if (c->now == 0 || (uint64_t)sec <= (uint64_t)c->now + DP_CLOCK_JUMP) {
		if (sec > c->now)
			c->now = sec;
		c->cand_n = 0;
		return false;
	}
	if (c->cand_n == 0 || sec > c->cand + (uint64_t)DP_CLOCK_JUMP ||
	    sec + (uint64_t)DP_CLOCK_JUMP < c->cand) {
		c->cand = sec;
		c->cand_n = 0;
	}
	if (++c->cand_n < DP_CLOCK_CONFIRM)
		return true;
	c->now = sec > c->cand ? sec : c->cand;
	c->cand_n = 0;
	return false;
}

#endif
