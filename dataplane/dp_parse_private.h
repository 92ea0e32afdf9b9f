/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_parse_private.h - between the frame parser's files: dp_parse.c (the
 * link layers, Ethernet, IPv4, IPv6, TCP and UDP) and dp_tunnel.c (the
 * encapsulations a tap delivers, opened to the client's packet inside).
 * Each function reads [p, p + len) and fills *pkt; the return codes are
 * dp_parse.h's.
 */
#ifndef DP_PARSE_PRIVATE_H
#define DP_PARSE_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_parse.h"

#define ETH_HLEN 14
#define VLAN_HLEN 4

static inline uint16_t
dp_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* One more tunnel level, or false when nested too deep. */
static inline bool
dp_parse_enter_tunnel(struct dp_pkt *pkt)
{
	if (pkt->encap == DP_PARSE_MAX_ENCAP)
		return false;
	pkt->encap++;
	return true;
}

/* dp_parse.c */
enum dp_parse_rc dp_parse_eth(const uint8_t *p, uint32_t len, struct dp_pkt *pkt);
enum dp_parse_rc dp_parse_ethertype(uint16_t type, const uint8_t *p, uint32_t len,
				    struct dp_pkt *pkt);
enum dp_parse_rc dp_parse_ipv4(const uint8_t *ip, uint32_t len, struct dp_pkt *pkt);
enum dp_parse_rc dp_parse_ipv6(const uint8_t *ip, uint32_t len, struct dp_pkt *pkt);
/* IPv4 or IPv6 by the version nibble, where no ethertype says which. */
enum dp_parse_rc dp_parse_ip(const uint8_t *p, uint32_t len, struct dp_pkt *pkt);

/* dp_tunnel.c */
/* RFC 3032 MPLS: IP, or an Ethernet pseudowire's frame. */
enum dp_parse_rc dp_tunnel_mpls(const uint8_t *p, uint32_t len, struct dp_pkt *pkt);
/* RFC 2516 PPPoE session: PPP carrying IPv4 or IPv6. */
enum dp_parse_rc dp_tunnel_pppoe(const uint8_t *p, uint32_t len, struct dp_pkt *pkt);
/* What an IP header's protocol carries other than TCP and UDP: GRE and
 * ERSPAN, IPv4 in IP (4), IPv6 in IP (41, 6in4); ESP, L2TPv3 and PPTP's GRE
 * are counted as unsupported (pkt->unsupported). */
enum dp_parse_rc dp_tunnel_ip(const uint8_t *p, uint32_t len, struct dp_pkt *pkt);
/* Does a UDP datagram between these ports carry a tunnel we open: VXLAN
 * (4789), GTP-U (2152), Geneve (6081), L2TPv2 (1701)? */
bool dp_tunnel_udp_port(uint16_t sport, uint16_t dport);
/* Opens the UDP payload of such a datagram (pkt->sport/dport set). */
enum dp_parse_rc dp_tunnel_udp(const uint8_t *p, uint32_t len, struct dp_pkt *pkt);

#endif
