/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_dnsans.h - the addresses a DNS response gives for its question name
 * (RFC 1035 4.1), following CNAME chains within the answer section.
 *
 * dp_dns_answers() reads a response (QR=1, OPCODE 0, RCODE 0) and fills
 * out with the A and AAAA records whose owner is the question name or a
 * name it reaches by CNAMEs earlier in the answer section, with their TTLs.
 * The question name itself is written to *qname.  Checks of RFC 9267:
 * every compression pointer must point backwards, before the name that
 * holds it and past the header (no loops, no forward pointers), at most
 * DP_DNS_MAX_POINTERS per name; labels of at most 63 octets, names of at
 * most 255; RDLENGTH within the message, 4 for A, 16 for AAAA; at most
 * DP_DNS_MAX_RECORDS answers read.
 *
 * Returns DP_NAME_FOUND (n_out set, possibly 0), DP_NAME_NOT_PROTO for a
 * query, another opcode or an error response, DP_NAME_MALFORMED for a
 * violation, DP_NAME_TRUNCATED when the message is cut short.
 */
#ifndef DP_DNSANS_H
#define DP_DNSANS_H

#include <stdint.h>

#include "dp_name.h"

#define DP_DNS_MAX_POINTERS 16
#define DP_DNS_MAX_RECORDS 64
#define DP_DNS_MAX_CHAIN 8
#define DP_DNS_MAX_ADDRS 16

struct dp_dns_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t addr[16];
	uint32_t ttl;
};

enum dp_name_rc dp_dns_answers(const uint8_t *p, uint32_t len, struct dp_name *qname,
			       struct dp_dns_addr *out, unsigned *n_out);

#endif
