/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_parse.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

#define ETH_HLEN 14
#define VLAN_HLEN 4
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_MPLS 0x8847
#define ETHERTYPE_MPLS_MC 0x8848
#define ETHERTYPE_TEB 0x6558      /* transparent Ethernet bridging over GRE */
#define ETHERTYPE_ERSPAN2 0x88be
#define ETHERTYPE_ERSPAN3 0x22eb
#define IPPROTO_GRE_ 47

static enum dp_parse_rc parse_eth(const uint8_t *p, uint32_t len, struct dp_pkt *pkt);
static enum dp_parse_rc parse_ipv4(const uint8_t *ip, uint32_t len, struct dp_pkt *pkt);
static enum dp_parse_rc parse_ipv6(const uint8_t *ip, uint32_t len, struct dp_pkt *pkt);

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* One more tunnel level, or false when nested too deep. */
static bool
enter_tunnel(struct dp_pkt *pkt)
{
	if (pkt->encap == DP_PARSE_MAX_ENCAP)
		return false;
	pkt->encap++;
	return true;
}

/* The version nibble tells IPv4 from IPv6 where no ethertype does. */
static enum dp_parse_rc
parse_ip_by_version(const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	if (len == 0)
		return DP_PARSE_ERR_L3;
	if (p[0] >> 4 == 4)
		return parse_ipv4(p, len, pkt);
	if (p[0] >> 4 == 6)
		return parse_ipv6(p, len, pkt);
	return DP_PARSE_NOT_IP;
}

/* RFC 3032: label stack entries until the bottom-of-stack bit.  What follows
 * is IP (by version nibble) or, for an Ethernet pseudowire, the RFC 4385
 * control word (first nibble 0) and a frame. */
static enum dp_parse_rc
parse_mpls(const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t off = 0;

	if (!enter_tunnel(pkt))
		return DP_PARSE_ERR_L2;
	for (int i = 0;; i++) {
		if (i == DP_PARSE_MAX_MPLS || off + 4 > len)
			return DP_PARSE_ERR_L2;
		off += 4;
		if (p[off - 2] & 0x01)
			break;
	}
	if (off < len && p[off] >> 4 == 0) {
		if (off + 4 > len)
			return DP_PARSE_ERR_L2;
		return parse_eth(p + off + 4, len - off - 4, pkt);
	}
	return parse_ip_by_version(p + off, len - off, pkt);
}

static enum dp_parse_rc
parse_ethertype(uint16_t type, const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	switch (type) {
	case ETHERTYPE_IPV4:
		return parse_ipv4(p, len, pkt);
	case ETHERTYPE_IPV6:
		return parse_ipv6(p, len, pkt);
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return parse_mpls(p, len, pkt);
	default:
		return DP_PARSE_NOT_IP;
	}
}

static enum dp_parse_rc
parse_eth(const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t off = ETH_HLEN;
	uint16_t type;

	if (len < ETH_HLEN)
		return DP_PARSE_ERR_L2;
	type = rd16(p + 12);
	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
		if (pkt->vlans == DP_PARSE_MAX_VLAN || off + VLAN_HLEN > len)
			return DP_PARSE_ERR_L2;
		type = rd16(p + off + 2);
		off += VLAN_HLEN;
		pkt->vlans++;
	}
	return parse_ethertype(type, p + off, len - off, pkt);
}

/* RFC 2784 / RFC 2890 GRE, version 0.  ERSPAN (draft-foschiano-erspan):
 * type II is an 8-byte header, type III 12 bytes plus an 8-byte
 * platform-specific subheader when its O flag is set; both carry a frame. */
static enum dp_parse_rc
parse_gre(const uint8_t *g, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t off = 4;
	uint16_t flags, proto;

	if (!enter_tunnel(pkt))
		return DP_PARSE_ERR_L2;
	if (len < 4)
		return DP_PARSE_ERR_L3;
	flags = rd16(g);
	proto = rd16(g + 2);
	if ((flags & 0x0007) != 0)
		return DP_PARSE_OTHER_L4; /* version 1: PPTP's enhanced GRE */
	off += (flags & 0x8000) ? 4 : 0; /* checksum and reserved */
	off += (flags & 0x2000) ? 4 : 0; /* key */
	off += (flags & 0x1000) ? 4 : 0; /* sequence number */
	if (off > len)
		return DP_PARSE_ERR_L3;
	switch (proto) {
	case ETHERTYPE_TEB:
		return parse_eth(g + off, len - off, pkt);
	case ETHERTYPE_ERSPAN2:
		if (off + 8 > len || (g[off] >> 4) != 1)
			return DP_PARSE_ERR_L3;
		return parse_eth(g + off + 8, len - off - 8, pkt);
	case ETHERTYPE_ERSPAN3:
		if (off + 12 > len || (g[off] >> 4) != 2)
			return DP_PARSE_ERR_L3;
		off += (g[off + 11] & 0x01) ? 20 : 12;
		if (off > len)
			return DP_PARSE_ERR_L3;
		return parse_eth(g + off, len - off, pkt);
	default:
		return parse_ethertype(proto, g + off, len - off, pkt);
	}
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
		pkt->sport = rd16(l4);
		pkt->dport = rd16(l4 + 2);
		pkt->tcp_flags = l4[13];
		pkt->seq = (uint32_t)l4[4] << 24 | (uint32_t)l4[5] << 16 | (uint32_t)l4[6] << 8 | l4[7];
		pkt->payload = l4 + hlen;
		pkt->payload_len = len - hlen;
		return DP_PARSE_OK;
	}
	if (pkt->proto == IPPROTO_UDP) {
		uint32_t ulen;

		if (len < 8)
			return DP_PARSE_ERR_L4;
		ulen = rd16(l4 + 4);
		/* RFC 768: the length covers header and data.  A first fragment
		 * carries less than ulen; only then may ulen exceed what we have. */
		if (ulen < 8)
			return DP_PARSE_ERR_L4;
		pkt->sport = rd16(l4);
		pkt->dport = rd16(l4 + 2);
		pkt->payload = l4 + 8;
		pkt->payload_len = (ulen <= len ? ulen : len) - 8;
		if (pkt->dport == DP_VXLAN_PORT) {
			/* RFC 7348 5: flags with the I bit, 24-bit VNI, then a frame. */
			if (pkt->payload_len < 8 || !(pkt->payload[0] & 0x08))
				return DP_PARSE_ERR_L4;
			if (!enter_tunnel(pkt))
				return DP_PARSE_ERR_L2;
			return parse_eth(pkt->payload + 8, pkt->payload_len - 8, pkt);
		}
		return DP_PARSE_OK;
	}
	if (pkt->proto == IPPROTO_GRE_)
		return parse_gre(l4, len, pkt);
	return DP_PARSE_OTHER_L4;
}

static enum dp_parse_rc
parse_ipv4(const uint8_t *ip, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t ihl, tot;
	uint16_t frag;

	if (len < 20 || (ip[0] >> 4) != 4)
		return DP_PARSE_ERR_L3;
	ihl = (uint32_t)(ip[0] & 0x0f) * 4;
	tot = rd16(ip + 2);
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
	frag = rd16(ip + 6);
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

static enum dp_parse_rc
parse_ipv6(const uint8_t *ip, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t plen, off = 40;
	uint8_t nh;
	int i;

	if (len < 40 || (ip[0] >> 4) != 6)
		return DP_PARSE_ERR_L3;
	plen = rd16(ip + 4);
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
			if (rd16(ip + off + 2) & 0xfff8) {
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
	return parse_eth(frame, len, pkt);
}
