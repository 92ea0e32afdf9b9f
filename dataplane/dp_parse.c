/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_parse.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#include "dp_parse_private.h"

enum dp_parse_rc
dp_parse_ip(const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	if (len == 0)
		return DP_PARSE_ERR_L3;
	if (p[0] >> 4 == 4)
		return dp_parse_ipv4(p, len, pkt);
	if (p[0] >> 4 == 6)
		return dp_parse_ipv6(p, len, pkt);
	return DP_PARSE_NOT_IP;
}

enum dp_parse_rc
dp_parse_ethertype(uint16_t type, const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	switch (type) {
	case DP_ETH_IPV4:
		return dp_parse_ipv4(p, len, pkt);
	case DP_ETH_IPV6:
		return dp_parse_ipv6(p, len, pkt);
	case DP_ETH_MPLS:
	case DP_ETH_MPLS_MC:
		return dp_tunnel_mpls(p, len, pkt);
	case DP_ETH_PPPOE_SESSION:
		return dp_tunnel_pppoe(p, len, pkt);
	default:
		return DP_PARSE_NOT_IP;
	}
}

enum dp_parse_rc
dp_parse_eth(const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t off = ETH_HLEN;
	uint16_t type;

	if (len < ETH_HLEN)
		return DP_PARSE_ERR_L2;
	type = dp_rd16(p + 12);
	while (type == DP_ETH_VLAN || type == DP_ETH_QINQ || type == DP_ETH_QINQ_OLD) {
		if (pkt->vlans == DP_PARSE_MAX_VLAN || off + VLAN_HLEN > len)
			return DP_PARSE_ERR_L2;
		type = dp_rd16(p + off + 2);
		off += VLAN_HLEN;
		pkt->vlans++;
	}
	return dp_parse_ethertype(type, p + off, len - off, pkt);
}

static enum dp_parse_rc
parse_l4(const uint8_t *l4, uint32_t len, struct dp_pkt *pkt)
{
	if (pkt->proto == IPPROTO_TCP) {
		uint32_t hlen;

		if (len < 20)
			return DP_PARSE_ERR_L4;
		hlen = (uint32_t)(l4[12] >> 4) * 4;
		if (hlen < 20 || hlen > len)
			return DP_PARSE_ERR_L4;
		pkt->sport = dp_rd16(l4);
		pkt->dport = dp_rd16(l4 + 2);
		pkt->tcp_flags = l4[13];
		pkt->seq =
		    (uint32_t)l4[4] << 24 | (uint32_t)l4[5] << 16 | (uint32_t)l4[6] << 8 | l4[7];
		pkt->payload = l4 + hlen;
		pkt->payload_len = len - hlen;
		return DP_PARSE_OK;
	}
	if (pkt->proto == IPPROTO_UDP) {
		uint32_t ulen;

		if (len < 8)
			return DP_PARSE_ERR_L4;
		ulen = dp_rd16(l4 + 4);
		/* RFC 768: the length covers header and data.  A first fragment
		 * carries less than ulen; only then may ulen exceed what we have. */
		if (ulen < 8)
			return DP_PARSE_ERR_L4;
		pkt->sport = dp_rd16(l4);
		pkt->dport = dp_rd16(l4 + 2);
		pkt->payload = l4 + 8;
		pkt->payload_len = (ulen <= len ? ulen : len) - 8;
		if (dp_tunnel_udp_port(pkt->sport, pkt->dport))
			return dp_tunnel_udp(pkt->payload, pkt->payload_len, pkt);
		return DP_PARSE_OK;
	}
	return dp_tunnel_ip(l4, len, pkt);
}

enum dp_parse_rc
dp_parse_ipv4(const uint8_t *ip, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t ihl, tot;
	uint16_t frag;

	if (len < 20 || (ip[0] >> 4) != 4)
		return DP_PARSE_ERR_L3;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	tot = dp_rd16(ip + 2);
	/* Options are skipped by IHL; total length bounds the datagram, so
	 * Ethernet padding after it is ignored.  A capture cut short of it (a
	 * snap length) is read as far as it goes. */
	if (ihl < 20 || tot < ihl || ihl > len)
		return DP_PARSE_ERR_L3;
	if (tot > len) {
		if (pkt->lost == 0 && pkt->encap == 0)
			pkt->lost = tot - len;
		tot = len;
	}
	pkt->family = 4;
	pkt->saddr = ip + 12;
	pkt->daddr = ip + 16;
	pkt->proto = ip[9];
	frag = dp_rd16(ip + 6);
	if (frag & 0x1fff)
		return DP_PARSE_FRAGMENT;
	return parse_l4(ip + ihl, tot - ihl, pkt);
}

static bool
ipv6_is_exthdr(uint8_t nh)
{
	switch (nh) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
	case 135: /* Mobility, RFC 6275 */
	case 139: /* HIP, RFC 7401 */
	case 140: /* Shim6, RFC 5533 */
		return true;
	default:
		return false;
	}
}

enum dp_parse_rc
dp_parse_ipv6(const uint8_t *ip, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t plen, off = 40;
	uint8_t nh;
	int i;

	if (len < 40 || (ip[0] >> 4) != 6)
		return DP_PARSE_ERR_L3;
	plen = dp_rd16(ip + 4);
	/* plen 0 means a Jumbo Payload option (RFC 2675), never on a tap MTU.
	 * A capture cut short of the payload length is read as far as it goes. */
	if (plen == 0)
		return DP_PARSE_ERR_L3;
	if (40 + plen > len) {
		if (pkt->lost == 0 && pkt->encap == 0)
			pkt->lost = 40 + plen - len;
	} else {
		len = 40 + plen;
	}
	pkt->family = 6;
	pkt->saddr = ip + 8;
	pkt->daddr = ip + 24;
	nh = ip[6];

	/* RFC 8200 section 4: walk the chain; every extension header but the
	 * Fragment header carries its length in 8-octet units (AH in 4). */
	for (i = 0; ipv6_is_exthdr(nh); i++) {
		uint32_t hl;

		if (i == DP_PARSE_MAX_EXTHDR || off + 8 > len)
			return DP_PARSE_ERR_L3;
		if (nh == IPPROTO_FRAGMENT) {
			if (dp_rd16(ip + off + 2) & 0xfff8) {
				pkt->proto = ip[off];
				return DP_PARSE_FRAGMENT;
			}
			hl = 8;
		} else if (nh == IPPROTO_AH) {
			hl = ((uint32_t)ip[off + 1] + 2) * 4;
		} else {
			hl = ((uint32_t)ip[off + 1] + 1) * 8;
		}
		if (off + hl > len)
			return DP_PARSE_ERR_L3;
		nh = ip[off];
		off += hl;
	}
	pkt->proto = nh;
	return parse_l4(ip + off, len - off, pkt);
}

enum dp_parse_rc
dp_parse_frame(const uint8_t *frame, uint32_t len, struct dp_pkt *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	return dp_parse_eth(frame, len, pkt);
}

enum dp_parse_rc
dp_parse_link(enum dp_link link, const uint8_t *frame, uint32_t len, struct dp_pkt *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	switch (link) {
	case DP_LINK_ETHERNET:
		return dp_parse_eth(frame, len, pkt);
	case DP_LINK_RAW:
		return dp_parse_ip(frame, len, pkt);
	case DP_LINK_SLL:
		/* Linux cooked capture v1: 16 bytes, the protocol (an ethertype
		 * for the protocols we read) in the last two. */
		if (len < 16)
			return DP_PARSE_ERR_L2;
		return dp_parse_ethertype(dp_rd16(frame + 14), frame + 16, len - 16, pkt);
	case DP_LINK_SLL2:
		/* v2: 20 bytes, the protocol first. */
		if (len < 20)
			return DP_PARSE_ERR_L2;
		return dp_parse_ethertype(dp_rd16(frame), frame + 20, len - 20, pkt);
	default:
		return DP_PARSE_ERR_L2;
	}
}
