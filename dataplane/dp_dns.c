/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_dns.h"

#include <string.h>


enum dp_name_rc
dp_dns_qname(const uint8_t *p, uint32_t len, struct dp_name *name)
{
	uint8_t text[DP_DNS_MAX_WIRE_NAME];
	uint32_t off = DP_DNS_HDR_LEN, tlen = 0;
	uint16_t flags, qdcount;

	name->len = 0;
	name->s[0] = '\0';
	if (len < DP_DNS_HDR_LEN)
		return DP_NAME_MALFORMED;
	flags = (uint16_t)(p[2] << 8 | p[3]);
	if ((flags & 0x8000) || ((flags >> 11) & 0xf) != 0)
		return DP_NAME_NOT_PROTO;
	qdcount = (uint16_t)(p[4] << 8 | p[5]);
	if (qdcount == 0)
		return DP_NAME_NONE;

	/* Each iteration consumes at least one octet, and off - 12 is bounded
	 * by the wire name limit, so the loop ends within 255 iterations. */
	for (;;) {
		uint8_t l;

		if (off >= len)
			return DP_NAME_MALFORMED;
		l = p[off++];
		if (l == 0)
			break;
		if (l > DP_DNS_MAX_LABEL)
			return DP_NAME_MALFORMED; /* pointer (0xc0) or reserved type */
		if (off - DP_DNS_HDR_LEN + l > DP_DNS_MAX_WIRE_NAME - 1 || off + l > len)
			return DP_NAME_MALFORMED;
		if (memchr(p + off, '.', l) != NULL)
			return DP_NAME_MALFORMED;
		if (tlen > 0)
			text[tlen++] = '.';
		memcpy(text + tlen, p + off, l);
		tlen += l;
		off += l;
	}
	if (off + 4 > len)
		return DP_NAME_MALFORMED; /* QTYPE and QCLASS */
	if (tlen == 0)
		return DP_NAME_NONE;
	return dp_name_set(name, text, tlen) == 0 ? DP_NAME_FOUND : DP_NAME_MALFORMED;
}
