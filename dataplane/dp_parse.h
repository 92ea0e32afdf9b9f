/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_parse.h - Ethernet / 802.1Q / QinQ / IPv4 / IPv6 / TCP / UDP parsing.
 *
 * dp_parse_frame() reads a contiguous frame and fills a struct dp_pkt whose
 * pointers all point into that frame: the frame must outlive the dp_pkt.
 * It never reads outside [frame, frame + len) and never loops more than
 * DP_PARSE_MAX_VLAN + DP_PARSE_MAX_EXTHDR times, whatever the input.
 *
 * Return value (enum dp_parse_rc):
 *   DP_PARSE_OK        TCP or UDP: addresses, ports and payload are set.
 *   DP_PARSE_NOT_IP    not IPv4/IPv6 after the VLAN tags; nothing else set.
 *   DP_PARSE_OTHER_L4  IP whose transport is not TCP/UDP; addresses set.
 *   DP_PARSE_FRAGMENT  IP fragment with non-zero offset; addresses set.
 *   DP_PARSE_ERR_L2/L3/L4  malformed at that layer (includes truncation).
 * The payload of a first fragment is the bytes of that fragment only.
 */
#ifndef DP_PARSE_H
#define DP_PARSE_H

#include <stdint.h>

#define DP_PARSE_MAX_VLAN 4
#define DP_PARSE_MAX_EXTHDR 8

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
	const uint8_t *saddr;   /* 4 or 16 bytes, network order */
	const uint8_t *daddr;
	const uint8_t *payload; /* L4 payload */
	uint32_t payload_len;
	uint16_t sport;         /* host order */
	uint16_t dport;
	uint8_t family;         /* 4 or 6 */
	uint8_t proto;          /* IPPROTO_* of the transport */
	uint8_t tcp_flags;
	uint8_t vlans;          /* number of 802.1Q/802.1ad tags seen */
};

enum dp_parse_rc dp_parse_frame(const uint8_t *frame, uint32_t len, struct dp_pkt *pkt);

#endif
