/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_wire.h - the wire's numbers and the parse limits that the dataplane
 * (dp_parse.c, dp_tunnel.c) and the XDP prefilter (ebpf/pf.bpf.c) share,
 * so that the prefilter passes every frame the dataplane can read: the
 * tags it walks, the extension headers, the tunnels it opens.  Macros
 * only (the BPF build includes it too): no types, no includes.
 */
#ifndef DP_WIRE_H
#define DP_WIRE_H

/* Parse limits: a frame with more is not read (counted as malformed). */
#define DP_PARSE_MAX_VLAN 4   /* 802.1Q / 802.1ad tags in a row */
#define DP_PARSE_MAX_MPLS 8   /* MPLS labels */
#define DP_PARSE_MAX_EXTHDR 8 /* IPv6 extension headers */
#define DP_PARSE_MAX_ENCAP 3  /* tunnels inside tunnels */

/* Ethertypes (IEEE 802 numbers, RFC 7042). */
#define DP_ETH_IPV4 0x0800
#define DP_ETH_IPV6 0x86dd
#define DP_ETH_VLAN 0x8100
#define DP_ETH_QINQ 0x88a8
#define DP_ETH_QINQ_OLD 0x9100 /* pre-802.1ad QinQ, still on taps */
#define DP_ETH_MPLS 0x8847
#define DP_ETH_MPLS_MC 0x8848
#define DP_ETH_TEB 0x6558 /* transparent Ethernet bridging (GRE, Geneve) */
#define DP_ETH_ERSPAN2 0x88be
#define DP_ETH_ERSPAN3 0x22eb
#define DP_ETH_PPPOE_SESSION 0x8864

/* IP protocols that carry a tunnel. */
#define DP_IPPROTO_IPIP 4
#define DP_IPPROTO_IPV6 41
#define DP_IPPROTO_GRE 47

/* UDP ports of the tunnels opened (either end for L2TP). */
#define DP_VXLAN_PORT 4789
#define DP_GTPU_PORT 2152
#define DP_GENEVE_PORT 6081
#define DP_L2TP_PORT 1701

#endif
