/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_prefix.h - an IPv4 or IPv6 prefix, as written in configuration.
 *
 * dp_prefix_parse() accepts "192.0.2.0/24", "2001:db8::/32", or an address
 * alone (a host prefix).  It returns 0, or -EINVAL with a reason in *why for
 * a bad address, a length out of range, host bits set beyond the length, or
 * an IPv4-mapped IPv6 prefix (inside ::ffff:0:0/96: it never matches).
 */
#ifndef DP_PREFIX_H
#define DP_PREFIX_H

#include <stdint.h>

struct dp_prefix {
	uint8_t family; /* 4 or 6 */
	uint8_t len;
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
};

int dp_prefix_parse(const char *text, struct dp_prefix *p, const char **why);

/* Does the prefix contain addr (4 or 16 bytes of the prefix's family)? */
int dp_prefix_contains(const struct dp_prefix *p, const uint8_t *addr);

#endif
