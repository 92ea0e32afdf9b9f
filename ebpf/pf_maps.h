/* SPDX-License-Identifier: BSD-3-Clause */
/* pf_maps.h - the prefilter's maps, one purpose each. */
#ifndef PF_MAPS_H
#define PF_MAPS_H

#include <bpf/bpf_helpers.h>
#include <linux/bpf.h>

#include "pf_shared.h"

/* Packets and bytes per reason, per CPU; user space sums the CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PF_REASON_COUNT);
	__type(key, __u32);
	__type(value, struct pf_counter);
} pf_stats SEC(".maps");

/* Ports of interest: 1 at [proto * 65536 + port]. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * 65536);
	__type(key, __u32);
	__type(value, __u8);
} pf_ports SEC(".maps");

/* Vendor server prefixes, configured or learned: IPv4 and IPv6. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct pf_v4_key);
	__type(value, __u8);
} pf_servers_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct pf_v6_key);
	__type(value, __u8);
} pf_servers_v6 SEC(".maps");

/* ClientHellos spanning segments: the rest of the record passes too. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct pf_flow_key);
	__type(value, struct pf_tls_rest);
} pf_tls_rest SEC(".maps");

/* AF_XDP sockets of the DPDK workers, by RX queue (net_af_xdp wants this name). */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

#endif
