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
	PF_PASS_PORT,        /* TCP or UDP from or to a configured port */
	PF_PASS_SERVER,      /* from or to a vendor server prefix */
	PF_PASS_TUNNEL,      /* MPLS, GRE/ERSPAN or VXLAN: the dataplane looks inside */
	PF_DROP_PORT,        /* TCP or UDP of no interest */
	PF_DROP_OTHER_L4,    /* IP, neither TCP nor UDP, no server */
	PF_DROP_FRAGMENT,    /* later IP fragment, no server */
	PF_DROP_NOT_IP,      /* ARP, LLDP, too many VLAN tags, ... */
	PF_DROP_MALFORMED,   /* truncated or inconsistent headers */
	PF_REASON_COUNT
};

#define PF_FIRST_DROP PF_DROP_PORT

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

/* pf_ports index: PF_PORT_TCP or PF_PORT_UDP times 65536, plus the port. */
#define PF_PORT_TCP 0
#define PF_PORT_UDP 1

#endif
