/* SPDX-License-Identifier: BSD-3-Clause */
/* pf_maps.h - the prefilter's maps, one purpose each. */
#ifndef PF_MAPS_H
#define PF_MAPS_H

#include <bpf/bpf_helpers.h>
#include <linux/bpf.h>

#include "pf_shared.h"

/* The AF_XDP build (PF_XSK) is loaded by DPDK's net_af_xdp, not by us: the
 * maps the control plane keeps are pinned by name under /sys/fs/bpf
 * (PF_PIN_DIR) for it to open. */
#ifdef PF_XSK
#define PF_PIN __uint(pinning, LIBBPF_PIN_BY_NAME)
#else
#define PF_PIN
#endif

/* Packets and bytes per reason, per CPU; user space sums the CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PF_REASON_COUNT);
	__type(key, __u32);
	__type(value, struct pf_counter);
	PF_PIN;
} pf_stats SEC(".maps");

/* Ports of interest: 1 at [proto * 65536 + port]. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * 65536);
	__type(key, __u32);
	__type(value, __u8);
	PF_PIN;
} pf_ports SEC(".maps");

/* Vendor server prefixes, configured or learned: IPv4 and IPv6. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct pf_v4_key);
	__type(value, __u8);
	PF_PIN;
} pf_servers_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct pf_v6_key);
	__type(value, __u8);
	PF_PIN;
} pf_servers_v6 SEC(".maps");

/* Server addresses learned from vendor DNS answers: value is when the TTL
 * runs out, CLOCK_MONOTONIC ns (bpf_ktime_get_ns); an entry past it is
 * deleted by the first packet that finds it, the least recent go first
 * when the map is full, and the control plane sweeps the rest. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u64);
	PF_PIN;
} pf_learned_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct pf_v6_addr);
	__type(value, __u64);
	PF_PIN;
} pf_learned_v6 SEC(".maps");

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
