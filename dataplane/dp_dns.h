/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_dns.h - the question name of a DNS query (RFC 1035 4.1).
 *
 * dp_dns_qname() reads a DNS message (a UDP payload) and returns the first
 * question's name of a standard query (QR=0, OPCODE=0).  Responses and other
 * opcodes give DP_NAME_NOT_PROTO.  Following RFC 9267, it refuses
 * compression pointers in the question (nothing precedes it to point to),
 * labels over 63 octets, names over 255 octets, labels holding a dot, and a
 * question cut before its QTYPE and QCLASS: all DP_NAME_MALFORMED.  A query
 * for the root, or with QDCOUNT 0, gives DP_NAME_NONE.
 */
#ifndef DP_DNS_H
#define DP_DNS_H

#include <stdint.h>

#include "dp_name.h"

#define DP_DNS_PORT 53
#define DP_DNS_HDR_LEN 12
#define DP_DNS_MAX_WIRE_NAME 255 /* RFC 1035 2.3.4, length octets included */
#define DP_DNS_MAX_LABEL 63

enum dp_name_rc dp_dns_qname(const uint8_t *p, uint32_t len, struct dp_name *name);

#endif
