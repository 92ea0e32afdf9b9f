/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_dns.h"

#include <string.h>

#include "dp_cursor.h"

/* RFC 1035 4.1.1-4.1.2: the header, then the first question's name,
 * type and class.  The message is whole (a UDP datagram, or a TCP message
 * its length prefix delimits): running out is malformed. */
enum dp_name_rc
dp_dns_qname(const uint8_t *p, uint32_t len, struct dp_name *name)
{
	struct dp_cur c = dp_cur_make(p, len, len);
	uint8_t text[DP_DNS_MAX_WIRE_NAME];
	uint32_t wire = 0, tlen = 0;
	const uint8_t *hdr, *label;
	uint16_t flags, qdcount;

	name->len = 0;
	name->s[0] = '\0';
	if ((hdr = dp_cur_take(&c, DP_DNS_HDR_LEN)) == NULL)
		return DP_NAME_MALFORMED;
	flags = (uint16_t)(hdr[2] << 8 | hdr[3]);
	if ((flags & 0x8000) || ((flags >> 11) & 0xf) != 0)
		return DP_NAME_NOT_PROTO;
	qdcount = (uint16_t)(hdr[4] << 8 | hdr[5]);
	if (qdcount == 0)
		return DP_NAME_NONE;

	/* Each label takes at least one octet of the wire name's 255, so the
	 * loop ends within 255 iterations. */
	for (;;) {
		uint32_t l = dp_cur_uint(&c, 1);

		if (c.st != DP_CUR_OK)
			return DP_NAME_MALFORMED;
		wire++;
		if (l == 0)
			break;
		if (l > DP_DNS_MAX_LABEL)
			return DP_NAME_MALFORMED; /* pointer (0xc0) or reserved type */
		if (wire + l > DP_DNS_MAX_WIRE_NAME - 1 || (label = dp_cur_take(&c, l)) == NULL)
			return DP_NAME_MALFORMED;
		if (memchr(label, '.', l) != NULL)
			return DP_NAME_MALFORMED;
		if (tlen > 0)
			text[tlen++] = '.';
		memcpy(text + tlen, label, l);
		tlen += l;
		wire += l;
	}
	if (dp_cur_take(&c, 4) == NULL)
		return DP_NAME_MALFORMED; /* QTYPE and QCLASS */
	if (tlen == 0)
		return DP_NAME_NONE;
	return dp_name_set(name, text, tlen) == 0 ? DP_NAME_FOUND : DP_NAME_MALFORMED;
}
