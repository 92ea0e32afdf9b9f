/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_parse.h - what a tap delivers, down to TCP and UDP: Ethernet, 802.1Q and
 * QinQ tags, MPLS label stacks (RFC 3032, with an Ethernet pseudowire's
 * control word, RFC 4385), IPv4 with options, IPv6 with extension headers,
 * GRE (RFC 2784/2890) carrying IP, Ethernet or ERSPAN types II and III, and
 * VXLAN (RFC 7348, UDP port 4789).
 *
 * dp_parse_frame() reads a contiguous frame and fills a struct dp_pkt whose
 * pointers all point into that frame: the frame must outlive the dp_pkt.
 * Tunnels are followed to the innermost packet: its addresses, ports and
 * payload are what dp_pkt holds (the client is the inner sender).  Parsing
 * never reads outside [frame, frame + len) and every loop is bounded
 * (DP_PARSE_MAX_VLAN tags, DP_PARSE_MAX_MPLS labels, DP_PARSE_MAX_EXTHDR
 * extension headers per IPv6 header, DP_PARSE_MAX_ENCAP nested tunnels).
 *
 * Return value (enum dp_parse_rc):
 *   DP_PARSE_OK        TCP or UDP: addresses, ports and payload are set.
 *   DP_PARSE_NOT_IP    not IPv4/IPv6 after the tags and tunnels.
 *   DP_PARSE_OTHER_L4  IP whose transport is not TCP/UDP (nor a tunnel).
 *   DP_PARSE_FRAGMENT  IP fragment with non-zero offset; addresses set.
 *   DP_PARSE_ERR_L2    short or over-tagged Ethernet, bad MPLS stack,
 *                      tunnels nested too deep.
 *   DP_PARSE_ERR_L3    bad IPv4/IPv6 header or extension chain, bad GRE or
 *                      ERSPAN header.
 *   DP_PARSE_ERR_L4    bad TCP, UDP or VXLAN header.
 * The payload of a first fragment is the bytes of that fragment only.
 */
#ifndef DP_PARSE_H
#define DP_PARSE_H

#include <stdint.h>

#include "dp_wire.h" /* the limits, the tunnels' numbers */

/* TCP flags as dp_pkt.tcp_flags holds them (RFC 9293 3.1). */
#define DP_TCP_FIN 0x01
#define DP_TCP_SYN 0x02
#define DP_TCP_RST 0x04
#define DP_TCP_ACK 0x10

/* What a frame starts with: the capture's link type. */
enum dp_link {
	DP_LINK_ETHERNET = 0,
	DP_LINK_RAW,  /* an IPv4 or IPv6 packet (pcap LINKTYPE_RAW, _IPV4, _IPV6) */
	DP_LINK_SLL,  /* Linux cooked capture v1 (LINKTYPE_LINUX_SLL) */
	DP_LINK_SLL2, /* Linux cooked capture v2 (LINKTYPE_LINUX_SLL2) */
	DP_LINK_COUNT
};

/* Encapsulations recognised but not opened, counted by kind. */
enum dp_unsupported {
	DP_UNSUP_NONE = 0,
	DP_UNSUP_GRE_V1, /* PPTP's enhanced GRE */
	DP_UNSUP_ESP,	 /* IPsec ESP: encrypted */
	DP_UNSUP_L2TPV3, /* over IP or UDP */
	DP_UNSUP_COUNT
};

enum dp_parse_rc {
	DP_PARSE_OK = 0,
	DP_PARSE_NOT_IP,
	DP_PARSE_OTHER_L4,
	DP_PARSE_FRAGMENT,
	DP_PARSE_ERR_L2,
	DP_PARSE_ERR_L3,
	DP_PARSE_ERR_L4,
};

struct dp_pkt {
	const uint8_t *saddr; /* 4 or 16 bytes, network order */
	const uint8_t *daddr;
	const uint8_t *payload; /* L4 payload */
	uint32_t payload_len;
	uint32_t seq;	/* TCP sequence number, host order */
	uint16_t sport; /* host order */
	uint16_t dport;
	uint8_t family; /* 4 or 6 */
	uint8_t proto;	/* IPPROTO_* of the transport */
	uint8_t tcp_flags;
	uint8_t vlans;	     /* 802.1Q/802.1ad tags seen, all layers */
	uint8_t encap;	     /* tunnels followed (MPLS, GRE, ERSPAN, PPPoE, IP in IP, VXLAN, GTP-U,
				Geneve, L2TPv2) */
	uint8_t unsupported; /* enum dp_unsupported: what was recognised, not opened */
	uint32_t lost;	     /* bytes of the outermost IP datagram the capture does not
			      * hold (a snap length): what is there is parsed, and the
			      * datagram's wire length is the frame's plus these */
};

/* An Ethernet frame. */
enum dp_parse_rc dp_parse_frame(const uint8_t *frame, uint32_t len, struct dp_pkt *pkt);
/* A frame of the given link type. */
enum dp_parse_rc dp_parse_link(enum dp_link link, const uint8_t *frame, uint32_t len,
			       struct dp_pkt *pkt);

#endif
