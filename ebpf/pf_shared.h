/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pf_shared.h - what the XDP prefilter and user space agree on.
 *
 * Every packet the prefilter sees ends in exactly one reason, counted in the
 * per-CPU map pf_stats at that index: the PF_PASS_* reasons pass it on, the
 * PF_DROP_* reasons drop it in the kernel.  Names (pf_reason_name) are label
 * values in /metrics.
 */
#ifndef PF_SHARED_H
#define PF_SHARED_H

#include <linux/types.h>

enum pf_reason {
	PF_PASS_DNS = 0,     /* UDP or TCP from or to port 53 */
	PF_PASS_TCP_CONTROL, /* TCP with SYN, FIN or RST: flows start and end */
	PF_PASS_TLS,	     /* to a TCP port of interest, a TLS ClientHello's first bytes */
	PF_PASS_TLS_REST,    /* the rest of a ClientHello record longer than its segment */
	PF_PASS_HTTP,	     /* to a TCP port of interest, an HTTP request's first bytes */
	PF_PASS_QUIC,	     /* UDP from or to a port of interest, a QUIC long header */
	PF_PASS_SERVER,	     /* from or to a vendor server prefix or learned address */
	PF_PASS_TUNNEL,	     /* MPLS, GRE/ERSPAN or VXLAN: the dataplane looks inside */
	PF_DROP_TCP,	     /* TCP of no interest: bulk payload, bare ACKs */
	PF_DROP_UDP,	     /* UDP of no interest */
	PF_DROP_OTHER_L4,    /* IP, neither TCP nor UDP, no server */
	PF_DROP_FRAGMENT,    /* later IP fragment, no server */
	PF_DROP_NOT_IP,	     /* ARP, LLDP, too many VLAN tags, ... */
	PF_DROP_MALFORMED,   /* truncated or inconsistent headers */
	PF_REASON_COUNT
};

#define PF_FIRST_DROP PF_DROP_TCP

/* Where the AF_XDP build's maps are pinned (libbpf's default root). */
#define PF_PIN_DIR "/sys/fs/bpf"

struct pf_counter {
	__u64 packets;
	__u64 bytes;
};

/* LPM trie keys (struct bpf_lpm_trie_key layout). */
struct pf_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct pf_v6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct pf_v6_addr {
	__u8 addr[16];
};

/* A TCP flow, client to server, whose ClientHello record is longer than
 * its first segment: pf_tls_rest holds the bytes still to come. */
struct pf_flow_key {
	__u8 src[16], dst[16]; /* IPv4 in the first 4 bytes */
	__u16 sport, dport;
	__u8 family;
	__u8 pad[3];
};

/* A ClientHello record (RFC 8446 5.1: at most 2^14 bytes plus the header)
 * may take this many more segments at most. */
#define PF_TLS_REST_MAX_SEGMENTS 16

struct pf_tls_rest {
	__u32 bytes;	/* of the record still to come */
	__u32 segments; /* further segments allowed */
};

/* pf_ports index: PF_PORT_TCP or PF_PORT_UDP times 65536, plus the port. */
#define PF_PORT_TCP 0
#define PF_PORT_UDP 1

#endif
