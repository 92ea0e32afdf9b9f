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
	DP_SIG_TLS_SNI = 0,
	DP_SIG_HTTP_HOST,
	DP_SIG_DNS,
	DP_SIG_COUNT
};

/* What happened to a packet that was processed. */
enum dp_outcome {
	DP_OUT_VENDOR = 0,   /* carried a name that matched a vendor */
	DP_OUT_OTHER_NAME,   /* carried a name (SNI, Host, query) of no vendor */
	DP_OUT_NO_NAME,      /* valid IP/TCP/UDP, nothing to identify */
	DP_OUT_APP_MALFORMED, /* looked like TLS/HTTP/DNS but did not parse */
	DP_OUT_APP_TRUNCATED, /* a ClientHello or request head cut by the segment end */
	DP_OUT_OTHER_L4,     /* IP but neither TCP nor UDP */
	DP_OUT_FRAGMENT,     /* IP fragment after the first: no ports */
	DP_OUT_NOT_IP,       /* ARP, LLDP, ... */
	DP_OUT_COUNT
};

/* Why a packet could not be processed. */
enum dp_drop {
	DP_DROP_L2_MALFORMED = 0, /* short Ethernet header, too many VLAN tags */
	DP_DROP_L3_MALFORMED,     /* bad IPv4/IPv6 header or extension chain */
	DP_DROP_L4_MALFORMED,     /* bad TCP or UDP header */
	DP_DROP_SCAN_ERROR,       /* Hyperscan returned an error */
	DP_DROP_COUNT
};

/* Layers whose parse errors are counted separately. */
enum dp_layer {
	DP_LAYER_L2 = 0,
	DP_LAYER_L3,
	DP_LAYER_L4,
	DP_LAYER_TLS,
	DP_LAYER_HTTP,
	DP_LAYER_DNS,
	DP_LAYER_COUNT
};

/* Sentinel organisation index for clients in no configured prefix. */
#define DP_ORG_UNATTRIBUTED 0u

/* Vendors are a bitmask in the match path. */
#define DP_MAX_VENDORS 64

const char *dp_signal_name(enum dp_signal s);
const char *dp_outcome_name(enum dp_outcome o);
const char *dp_drop_name(enum dp_drop d);
const char *dp_layer_name(enum dp_layer l);

#endif
