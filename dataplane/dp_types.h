/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_types.h - small types shared by the dataplane, the control plane and tests.
 *
 * Invariants:
 *  - Every packet a worker receives ends in exactly one dp_outcome (it was
 *    processed) or exactly one dp_drop reason (it could not be).  The control
 *    plane exports both, so received == sum(outcomes) + sum(drops) always holds.
 *  - Names of the enum values (dp_*_name()) are stable: they are Prometheus
 *    label values and appear in dashboards.
 */
#ifndef DP_TYPES_H
#define DP_TYPES_H

#include <stdint.h>

/* How a vendor was recognised. */
enum dp_signal {
	DP_SIG_TLS_SNI = 0, /* server_name of a TLS ClientHello over TCP */
	DP_SIG_QUIC_SNI,    /* server_name of a ClientHello in QUIC Initial packets */
	DP_SIG_HTTP_HOST,   /* Host of an HTTP/1.x request */
	DP_SIG_DNS,	    /* the question of a DNS query */
	DP_SIG_SERVER_IP,   /* a flow to a configured server prefix */
	DP_SIG_LEARNED_IP,  /* a flow to an address a vendor name resolved to */
	DP_SIG_PAYLOAD,	    /* a raw payload signature in a flow's first bytes */
	DP_SIG_COUNT
};

/* What happened to a packet that was processed.  A flow's outcome is
 * decided once, by one packet (vendor, other_name, app_malformed,
 * app_truncated, or no_name for a first payload with nothing to identify);
 * its later packets are matched or bypassed.  Packets of a flow before the
 * decision are no_name (no payload, or the server's) or partial. */
enum dp_outcome {
	DP_OUT_VENDOR = 0,    /* decided its flow: a vendor's (name, address, signature) */
	DP_OUT_OTHER_NAME,    /* decided its flow: a name (SNI, Host, query) of no vendor */
	DP_OUT_NO_NAME,	      /* valid IP/TCP/UDP, nothing to identify */
	DP_OUT_APP_MALFORMED, /* looked like TLS/QUIC/HTTP/DNS but did not parse */
	DP_OUT_APP_TRUNCATED, /* a ClientHello or request head longer than reassembly keeps */
	DP_OUT_PARTIAL,	      /* held for reassembly: the name is not complete yet */
	DP_OUT_MATCHED,	      /* a later packet of a vendor's flow: counted, not inspected */
	DP_OUT_BYPASSED,      /* a later packet of a decided non-vendor flow */
	DP_OUT_OTHER_L4,      /* IP but neither TCP nor UDP */
	DP_OUT_FRAGMENT,      /* IP fragment after the first: no ports */
	DP_OUT_NOT_IP,	      /* ARP, LLDP, ... */
	DP_OUT_UNTRACKED,     /* would start a flow, but the flow table had no room */
	DP_OUT_COUNT
};

/* Why a packet could not be processed. */
enum dp_drop {
	DP_DROP_L2_MALFORMED = 0, /* short Ethernet header, too many VLAN tags */
	DP_DROP_L3_MALFORMED,	  /* bad IPv4/IPv6 header or extension chain */
	DP_DROP_L4_MALFORMED,	  /* bad TCP or UDP header */
	DP_DROP_SCAN_ERROR,	  /* Hyperscan returned an error */
	DP_DROP_OVERSIZE,	  /* an mbuf chain that does not hold the frame's length
				   * (net_pcap keeps caplen mod 64 KiB of a larger frame) */
	DP_DROP_COUNT
};

/* Layers whose parse errors are counted separately. */
enum dp_layer {
	DP_LAYER_L2 = 0,
	DP_LAYER_L3,
	DP_LAYER_L4,
	DP_LAYER_TLS,
	DP_LAYER_QUIC,
	DP_LAYER_HTTP,
	DP_LAYER_DNS,
	DP_LAYER_COUNT
};

/* Bump a counter only this thread writes; readers load it relaxed. */
#define DP_CTR_ADD(field, n) __atomic_store_n(&(field), (field) + (n), __ATOMIC_RELAXED)
#define DP_CTR_READ(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

/* Sentinel organisation index for clients in no configured prefix. */
#define DP_ORG_UNATTRIBUTED 0u

/* Vendors are a bitmask in the match path. */
#define DP_MAX_VENDORS 64

const char *dp_signal_name(enum dp_signal s);
const char *dp_outcome_name(enum dp_outcome o);
const char *dp_drop_name(enum dp_drop d);
const char *dp_layer_name(enum dp_layer l);
/* enum dp_unsupported (dp_parse.h) by value. */
const char *dp_unsupported_name(unsigned kind);

#endif
