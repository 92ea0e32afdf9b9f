/* SPDX-License-Identifier: BSD-3-Clause */
/* The encapsulations a tap delivers, opened to the client's packet inside:
 * MPLS and Ethernet pseudowires, GRE and ERSPAN II/III, PPPoE, IP in IP and
 * 6in4, VXLAN, GTP-U, Geneve and L2TPv2.  What is recognised but not opened
 * (PPTP's GRE, ESP, L2TPv3) is marked in pkt->unsupported, never silently
 * taken for something else. */
#include <netinet/in.h>
#include <string.h>

#include "dp_parse_private.h"

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057
#define GTPU_MAX_EXT 8

/* RFC 3032: label stack entries until the bottom-of-stack bit.  What follows
 * is IP (by version nibble) or, for an Ethernet pseudowire, the RFC 4385
 * control word (first nibble 0) and a frame. */
enum dp_parse_rc
dp_tunnel_mpls(const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t off = 0;

	if (!dp_parse_enter_tunnel(pkt))
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
		return dp_parse_eth(p + off + 4, len - off - 4, pkt);
	}
	return dp_parse_ip(p + off, len - off, pkt);
}

/* RFC 2784 / RFC 2890 GRE, version 0.  ERSPAN (draft-foschiano-erspan):
 * type II is an 8-byte header, type III 12 bytes plus an 8-byte
 * platform-specific subheader when its O flag is set; both carry a frame. */
static enum dp_parse_rc
parse_gre(const uint8_t *g, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t off = 4;
	uint16_t flags, proto;

	if (!dp_parse_enter_tunnel(pkt))
		return DP_PARSE_ERR_L2;
	if (len < 4)
		return DP_PARSE_ERR_L3;
	flags = dp_rd16(g);
	proto = dp_rd16(g + 2);
	if ((flags & 0x0007) != 0) {
		pkt->unsupported = DP_UNSUP_GRE_V1; /* PPTP's enhanced GRE (RFC 2637) */
		return DP_PARSE_OTHER_L4;
	}
	off += (flags & 0x8000) ? 4 : 0; /* checksum and reserved */
	off += (flags & 0x2000) ? 4 : 0; /* key */
	off += (flags & 0x1000) ? 4 : 0; /* sequence number */
	if (off > len)
		return DP_PARSE_ERR_L3;
	switch (proto) {
	case DP_ETH_TEB:
		return dp_parse_eth(g + off, len - off, pkt);
	case DP_ETH_ERSPAN2:
		if (off + 8 > len || (g[off] >> 4) != 1)
			return DP_PARSE_ERR_L3;
		return dp_parse_eth(g + off + 8, len - off - 8, pkt);
	case DP_ETH_ERSPAN3:
		if (off + 12 > len || (g[off] >> 4) != 2)
			return DP_PARSE_ERR_L3;
		off += (g[off + 11] & 0x01) ? 20 : 12;
		if (off > len)
			return DP_PARSE_ERR_L3;
		return dp_parse_eth(g + off, len - off, pkt);
	default:
		return dp_parse_ethertype(proto, g + off, len - off, pkt);
	}
}

/* A PPP frame's protocol (RFC 1661 2): IPv4 and IPv6 are read; LCP, IPCP
 * and the rest of the link's control are not IP. */
static enum dp_parse_rc
ppp_payload(uint16_t proto, const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	if (proto == PPP_IPV4)
		return dp_parse_ipv4(p, len, pkt);
	if (proto == PPP_IPV6)
		return dp_parse_ipv6(p, len, pkt);
	return DP_PARSE_NOT_IP;
}

enum dp_parse_rc
dp_tunnel_pppoe(const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t plen;

	/* RFC 2516 4: version 1 type 1, code 0 (session data), session id,
	 * length of the PPP frame. */
	if (!dp_parse_enter_tunnel(pkt))
		return DP_PARSE_ERR_L2;
	if (len < 8 || p[0] != 0x11 || p[1] != 0)
		return DP_PARSE_ERR_L2;
	plen = dp_rd16(p + 4);
	if (plen < 2)
		return DP_PARSE_ERR_L2;
	if (plen > len - 6)
		plen = len - 6; /* a capture cut short: the IP header says the rest */
	return ppp_payload(dp_rd16(p + 6), p + 8, plen - 2, pkt);
}

enum dp_parse_rc
dp_tunnel_ip(const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	switch (pkt->proto) {
	case DP_IPPROTO_GRE:
		return parse_gre(p, len, pkt);
	case DP_IPPROTO_IPIP: /* RFC 2003 */
		if (!dp_parse_enter_tunnel(pkt))
			return DP_PARSE_ERR_L2;
		return dp_parse_ipv4(p, len, pkt);
	case DP_IPPROTO_IPV6: /* RFC 4213 3.5: 6in4, and IPv6 in IPv6 */
		if (!dp_parse_enter_tunnel(pkt))
			return DP_PARSE_ERR_L2;
		return dp_parse_ipv6(p, len, pkt);
	case IPPROTO_ESP:
		pkt->unsupported = DP_UNSUP_ESP; /* encrypted: nothing to read */
		return DP_PARSE_OTHER_L4;
	case 115: /* L2TPv3 over IP (RFC 3931) */
		pkt->unsupported = DP_UNSUP_L2TPV3;
		return DP_PARSE_OTHER_L4;
	default:
		return DP_PARSE_OTHER_L4;
	}
}

bool
dp_tunnel_udp_port(uint16_t sport, uint16_t dport)
{
	return dport == DP_VXLAN_PORT || dport == DP_GTPU_PORT || dport == DP_GENEVE_PORT ||
	       dport == DP_L2TP_PORT || sport == DP_L2TP_PORT;
}

/* 3GPP TS 29.281 5: version 1, protocol type GTP, message type 255 (G-PDU);
 * the optional fields when E, S or PN is set, then extension headers (each
 * its length in 4-octet units, the next type in its last octet).  Other
 * messages (echo, error indication) are the tunnel's own: plain UDP. */
static enum dp_parse_rc
gtpu(const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t off = 8;
	uint8_t next;

	if (len < 8)
		return DP_PARSE_ERR_L4;
	if ((p[0] >> 5) != 1 || !(p[0] & 0x10) || p[1] != 0xff)
		return DP_PARSE_OK;
	if (p[0] & 0x07) {
		if (len < 12)
			return DP_PARSE_ERR_L4;
		next = (p[0] & 0x04) ? p[11] : 0;
		off = 12;
		for (int i = 0; next != 0; i++) {
			uint32_t elen;

			if (i == GTPU_MAX_EXT || off >= len)
				return DP_PARSE_ERR_L4;
			elen = (uint32_t)p[off] * 4;
			if (elen == 0 || off + elen > len)
				return DP_PARSE_ERR_L4;
			next = p[off + elen - 1];
			off += elen;
		}
	}
	if (!dp_parse_enter_tunnel(pkt))
		return DP_PARSE_ERR_L2;
	return dp_parse_ip(p + off, len - off, pkt);
}

/* RFC 8926 3.4: version 0, options of Opt Len 4-octet words, the protocol
 * as an ethertype (a frame when 0x6558).  A control message (O) is the
 * tunnel's own. */
static enum dp_parse_rc
geneve(const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t off;

	if (len < 8 || (p[0] >> 6) != 0)
		return DP_PARSE_ERR_L4;
	if (p[1] & 0x80)
		return DP_PARSE_OK;
	off = 8 + (uint32_t)(p[0] & 0x3f) * 4;
	if (off > len)
		return DP_PARSE_ERR_L4;
	if (!dp_parse_enter_tunnel(pkt))
		return DP_PARSE_ERR_L2;
	if (dp_rd16(p + 2) == DP_ETH_TEB)
		return dp_parse_eth(p + off, len - off, pkt);
	return dp_parse_ethertype(dp_rd16(p + 2), p + off, len - off, pkt);
}

/* RFC 2661 3.1: version 2 data messages carry PPP (with or without its
 * address and control octets, RFC 1662 3.2, and a one-octet protocol when
 * compressed, RFC 1661 6.5).  Control messages are the tunnel's own;
 * version 3 is L2TPv3, not opened. */
static enum dp_parse_rc
l2tp(const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	uint32_t off = 2;
	uint16_t flags, proto;

	if (len < 2)
		return DP_PARSE_ERR_L4;
	flags = dp_rd16(p);
	if ((flags & 0x000f) == 3) {
		pkt->unsupported = DP_UNSUP_L2TPV3;
		return DP_PARSE_OK;
	}
	if ((flags & 0x000f) != 2 || (flags & 0x8000))
		return DP_PARSE_OK;
	off += (flags & 0x4000) ? 2 : 0; /* length */
	off += 4;			 /* tunnel and session ids */
	off += (flags & 0x0800) ? 4 : 0; /* Ns, Nr */
	if (flags & 0x0200) {		 /* offset size, then that much padding */
		if (off + 2 > len)
			return DP_PARSE_ERR_L4;
		off += 2 + dp_rd16(p + off);
	}
	if (off + 2 > len)
		return DP_PARSE_ERR_L4;
	if (p[off] == 0xff && p[off + 1] == 0x03)
		off += 2;
	if (off >= len)
		return DP_PARSE_ERR_L4;
	if (p[off] & 0x01) {
		proto = p[off];
		off += 1;
	} else {
		if (off + 2 > len)
			return DP_PARSE_ERR_L4;
		proto = dp_rd16(p + off);
		off += 2;
	}
	if (!dp_parse_enter_tunnel(pkt))
		return DP_PARSE_ERR_L2;
	return ppp_payload(proto, p + off, len - off, pkt);
}

enum dp_parse_rc
dp_tunnel_udp(const uint8_t *p, uint32_t len, struct dp_pkt *pkt)
{
	switch (pkt->dport) {
	case DP_VXLAN_PORT:
		/* RFC 7348 5: flags with the I bit, 24-bit VNI, then a frame. */
		if (len < 8 || !(p[0] & 0x08))
			return DP_PARSE_ERR_L4;
		if (!dp_parse_enter_tunnel(pkt))
			return DP_PARSE_ERR_L2;
		return dp_parse_eth(p + 8, len - 8, pkt);
	case DP_GTPU_PORT:
		return gtpu(p, len, pkt);
	case DP_GENEVE_PORT:
		return geneve(p, len, pkt);
	default:
		return l2tp(p, len, pkt);
	}
}
