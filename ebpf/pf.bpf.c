/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pf.bpf.c - the XDP prefilter: pass what can identify a vendor's client,
 * drop the rest in the kernel, count every decision by reason.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "pf_maps.h"

/* Set by the loader before load: hand passing packets to the AF_XDP
 * sockets in xsks_map instead of the kernel stack. */
const volatile __u8 redirect_xsk = 0;

#define VLAN_MAX 2
#define V6_EXT_MAX 3
#define IPPROTO_GRE_ 47
#define VXLAN_PORT 4789
#define ETH_P_MPLS_UC_ 0x8847
#define ETH_P_MPLS_MC_ 0x8848

struct cursor {
	void *pos;
	void *end;
};

/* Returns a pointer to n bytes at the cursor and advances, or NULL. */
static __always_inline void *
take(struct cursor *c, __u32 n)
{
	void *p = c->pos;

	if (p + n > c->end)
		return NULL;
	c->pos = p + n;
	return p;
}

static __always_inline int
verdict(struct xdp_md *ctx, enum pf_reason r)
{
	__u32 key = r;
	struct pf_counter *ctr = bpf_map_lookup_elem(&pf_stats, &key);

	if (ctr) {
		ctr->packets++;
		ctr->bytes += ctx->data_end - ctx->data;
	}
	if (r >= PF_FIRST_DROP)
		return XDP_DROP;
	if (redirect_xsk)
		return bpf_redirect_map(&xsks_map, ctx->rx_queue_index, XDP_PASS);
	return XDP_PASS;
}

static __always_inline int
server_v4(const __u8 *a)
{
	struct pf_v4_key k = {.prefixlen = 32};

	__builtin_memcpy(k.addr, a, 4);
	return bpf_map_lookup_elem(&pf_servers_v4, &k) != NULL;
}

static __always_inline int
server_v6(const __u8 *a)
{
	struct pf_v6_key k = {.prefixlen = 128};

	__builtin_memcpy(k.addr, a, 16);
	return bpf_map_lookup_elem(&pf_servers_v6, &k) != NULL;
}

static __always_inline int
port_wanted(__u32 proto_idx, __u16 port)
{
	__u32 key = proto_idx * 65536 + port;
	__u8 *v = bpf_map_lookup_elem(&pf_ports, &key);

	return v && *v;
}

static __always_inline int
l4_verdict(struct xdp_md *ctx, struct cursor *c, __u8 proto)
{
	__u16 *ports, sport, dport;
	__u32 idx;

	if (proto == IPPROTO_GRE_)
		return verdict(ctx, PF_PASS_TUNNEL);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return verdict(ctx, PF_DROP_OTHER_L4);
	ports = take(c, 4);
	if (!ports)
		return verdict(ctx, PF_DROP_MALFORMED);
	sport = bpf_ntohs(ports[0]);
	dport = bpf_ntohs(ports[1]);
	if (sport == 53 || dport == 53)
		return verdict(ctx, PF_PASS_DNS);
	if (proto == IPPROTO_UDP && dport == VXLAN_PORT)
		return verdict(ctx, PF_PASS_TUNNEL);
	idx = proto == IPPROTO_TCP ? PF_PORT_TCP : PF_PORT_UDP;
	if (port_wanted(idx, dport) || port_wanted(idx, sport))
		return verdict(ctx, PF_PASS_PORT);
	return verdict(ctx, PF_DROP_PORT);
}

static __always_inline int
ipv4_verdict(struct xdp_md *ctx, struct cursor *c)
{
	struct iphdr *ip = take(c, sizeof(*ip));
	__u32 ihl;

	if (!ip || ip->version != 4 || ip->ihl < 5)
		return verdict(ctx, PF_DROP_MALFORMED);
	ihl = ip->ihl * 4;
	if (server_v4((const __u8 *)&ip->saddr) || server_v4((const __u8 *)&ip->daddr))
		return verdict(ctx, PF_PASS_SERVER);
	if (ip->frag_off & bpf_htons(0x1fff))
		return verdict(ctx, PF_DROP_FRAGMENT);
	if (!take(c, ihl - sizeof(*ip)))
		return verdict(ctx, PF_DROP_MALFORMED);
	return l4_verdict(ctx, c, ip->protocol);
}

static __always_inline int
ipv6_verdict(struct xdp_md *ctx, struct cursor *c)
{
	struct ipv6hdr *ip = take(c, sizeof(*ip));
	__u8 nh;

	if (!ip || ip->version != 6)
		return verdict(ctx, PF_DROP_MALFORMED);
	if (server_v6(ip->saddr.in6_u.u6_addr8) || server_v6(ip->daddr.in6_u.u6_addr8))
		return verdict(ctx, PF_PASS_SERVER);
	nh = ip->nexthdr;
#pragma unroll
	for (int i = 0; i < V6_EXT_MAX; i++) {
		__u8 *h;

		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS &&
		    nh != IPPROTO_FRAGMENT)
			break;
		h = take(c, 8);
		if (!h)
			return verdict(ctx, PF_DROP_MALFORMED);
		if (nh == IPPROTO_FRAGMENT) {
			if ((h[2] << 8 | h[3]) & 0xfff8)
				return verdict(ctx, PF_DROP_FRAGMENT);
		} else if (h[1] && !take(c, h[1] * 8)) {
			return verdict(ctx, PF_DROP_MALFORMED);
		}
		nh = h[0];
	}
	return l4_verdict(ctx, c, nh);
}

SEC("xdp")
int
tc_prefilter(struct xdp_md *ctx)
{
	struct cursor c = {(void *)(long)ctx->data, (void *)(long)ctx->data_end};
	struct ethhdr *eth = take(&c, sizeof(*eth));
	__u16 proto;

	if (!eth)
		return verdict(ctx, PF_DROP_MALFORMED);
	proto = eth->h_proto;
#pragma unroll
	for (int i = 0; i < VLAN_MAX; i++) {
		__u16 *tag;

		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		tag = take(&c, 4);
		if (!tag)
			return verdict(ctx, PF_DROP_MALFORMED);
		proto = tag[1];
	}
	if (proto == bpf_htons(ETH_P_IP))
		return ipv4_verdict(ctx, &c);
	if (proto == bpf_htons(ETH_P_IPV6))
		return ipv6_verdict(ctx, &c);
	if (proto == bpf_htons(ETH_P_MPLS_UC_) || proto == bpf_htons(ETH_P_MPLS_MC_))
		return verdict(ctx, PF_PASS_TUNNEL);
	return verdict(ctx, PF_DROP_NOT_IP);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
