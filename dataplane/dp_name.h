/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_name.h - host names extracted from packets, and the result codes of the
 * extractors (dp_tls, dp_http, dp_dns).
 *
 * A struct dp_name holds at most DP_NAME_MAX bytes, lower case, NUL
 * terminated, without a trailing dot, made of [a-z0-9._-] with no empty
 * label.  Anything else is refused, so a matched name can never smuggle a
 * newline or a second label boundary into the Hyperscan patterns.
 */
#ifndef DP_NAME_H
#define DP_NAME_H

#include <stddef.h>
#include <stdint.h>

#define DP_NAME_MAX 253

enum dp_name_rc {
	DP_NAME_FOUND = 0, /* the message parsed and carried a name */
	DP_NAME_NONE,	   /* the message parsed and carried no name */
	DP_NAME_NOT_PROTO, /* the payload is not this protocol's message */
	DP_NAME_TRUNCATED, /* the message continues beyond this packet */
	DP_NAME_MALFORMED, /* the message contradicts itself */
};

struct dp_name {
	uint16_t len;
	char s[DP_NAME_MAX + 1];
};

/* Validate and copy raw bytes into *n.  Returns 0, or -EINVAL if the bytes
 * are not a host name (n is then empty). */
int dp_name_set(struct dp_name *n, const uint8_t *raw, size_t len);

#endif
