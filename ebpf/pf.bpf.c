/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pf.bpf.c - the XDP prefilter: pass what can identify a vendor's client,
 * drop the rest in the kernel, count every decision by reason.
 *
 * Passes: DNS (port 53, both ways, UDP and TCP); TCP with SYN, FIN or RST;
 * to a TCP port of interest, a segment that begins a TLS ClientHello record
 * (and, when the record is longer, the flow's next segments until it is
 * complete: post-quantum ClientHellos span two) or an HTTP request; UDP
 * from or to a port of interest with a QUIC long header; anything from or
 * to a vendor server prefix or learned address; tunnels (MPLS, PPPoE, GRE/ERSPAN,
 * IP in IP, 6in4, GTP-U, Geneve, L2TPv2,
 * VXLAN), whose insides the dataplane reads.  Drops everything else: the
 * bulk of a tap.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "dp_wire.h" /* the dataplane's limits and tunnels: pass what it reads */
#include "pf_maps.h"

/* Hand passing packets to the AF_XDP sockets in xsks_map instead of the
 * kernel stack: set by our loader before load, and always in the AF_XDP
 * build, which DPDK's net_af_xdp loads (xdp_prog=). */
#ifdef PF_XSK
const volatile __u8 redirect_xsk = 1;
#else
const volatile __u8 redirect_xsk = 0;
#endif

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

/* A learned address whose TTL has not run out; an expired one goes. */
static __always_inline int
learned(void *map, const void *key)
{
	__u64 *until = bpf_map_lookup_elem(map, key);

	if (!until)
		return 0;
	if (*until > bpf_ktime_get_ns())
		return 1;
	bpf_map_delete_elem(map, key);
	return 0;
}

static __always_inline int
server_v4(const __u8 *a)
{
	struct pf_v4_key k = {.prefixlen = 32};
	__u32 addr;

	__builtin_memcpy(k.addr, a, 4);
	if (bpf_map_lookup_elem(&pf_servers_v4, &k))
		return 1;
	__builtin_memcpy(&addr, a, 4);
	return learned(&pf_learned_v4, &addr);
}

static __always_inline int
server_v6(const __u8 *a)
{
	struct pf_v6_key k = {.prefixlen = 128};
	struct pf_v6_addr addr;

	__builtin_memcpy(k.addr, a, 16);
	if (bpf_map_lookup_elem(&pf_servers_v6, &k))
		return 1;
	__builtin_memcpy(addr.addr, a, 16);
	return learned(&pf_learned_v6, &addr);
}

static __always_inline int
port_wanted(__u32 proto_idx, __u16 port)
{
	__u32 key = proto_idx * 65536 + port;
	__u8 *v = bpf_map_lookup_elem(&pf_ports, &key);

	return v && *v;
}

#define M4(a, b, c, d) ((__u32)(a) | (__u32)(b) << 8 | (__u32)(c) << 16 | (__u32)(d) << 24)

/* RFC 9110 9.3: the methods a request line starts with (the first four
 * bytes; "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE" by theirs). */
static __always_inline int
http_request(__u32 w)
{
	return w == M4('G', 'E', 'T', ' ') || w == M4('P', 'O', 'S', 'T') ||
	       w == M4('H', 'E', 'A', 'D') || w == M4('P', 'U', 'T', ' ') ||
	       w == M4('D', 'E', 'L', 'E') || w == M4('O', 'P', 'T', 'I') ||
	       w == M4('C', 'O', 'N', 'N') || w == M4('P', 'A', 'T', 'C') ||
	       w == M4('T', 'R', 'A', 'C');
}

/* A segment of a ClientHello record that began in an earlier one. */
static __always_inline int
tls_rest(struct pf_flow_key *k, __u32 n)
{
	struct pf_tls_rest *r = bpf_map_lookup_elem(&pf_tls_rest, k);

	if (!r)
		return 0;
	r->bytes = n < r->bytes ? r->bytes - n : 0;
	if (r->segments > 0)
		r->segments--;
	if (r->bytes == 0 || r->segments == 0)
		bpf_map_delete_elem(&pf_tls_rest, k);
	return 1;
}

static __always_inline int
tcp_verdict(struct xdp_md *ctx, struct cursor *c, struct pf_flow_key *k)
{
	__u8 *th = take(c, 20), *p;
	__u32 opt, n, w;

	if (!th)
		return verdict(ctx, PF_DROP_MALFORMED);
	opt = (th[12] >> 4) * 4;
	if (opt < 20 || !take(c, opt - 20))
		return verdict(ctx, PF_DROP_MALFORMED);
	if (th[13] & 0x07) /* FIN, SYN, RST */
		return verdict(ctx, PF_PASS_TCP_CONTROL);
	p = c->pos;
	n = c->end - c->pos;
	if (n == 0)
		return verdict(ctx, PF_DROP_TCP);
	/* The server's bulk (from the port of interest) ends here, before
	 * the flow lookup. */
	if (!port_wanted(PF_PORT_TCP, k->dport))
		return verdict(ctx, PF_DROP_TCP);
	if (tls_rest(k, n))
		return verdict(ctx, PF_PASS_TLS_REST);
	if (p + 6 > (__u8 *)c->end)
		return verdict(ctx, PF_DROP_TCP);
	/* RFC 8446 5.1 and 4: a handshake record (22), legacy version 3.x,
	 * holding a ClientHello (1). */
	if (p[0] == 22 && p[1] == 3 && p[5] == 1) {
		__u32 record = ((__u32)p[3] << 8 | p[4]) + 5;

		if (record > n) {
			struct pf_tls_rest r = {record - n, PF_TLS_REST_MAX_SEGMENTS};

			bpf_map_update_elem(&pf_tls_rest, k, &r, BPF_ANY);
		}
		return verdict(ctx, PF_PASS_TLS);
	}
	__builtin_memcpy(&w, p, 4);
	if (http_request(w))
		return verdict(ctx, PF_PASS_HTTP);
	return verdict(ctx, PF_DROP_TCP);
}

static __always_inline int
l4_verdict(struct xdp_md *ctx, struct cursor *c, __u8 proto, struct pf_flow_key *k)
{
	__u16 *ports;
	__u8 *p;

	if (proto == DP_IPPROTO_GRE || proto == DP_IPPROTO_IPIP || proto == DP_IPPROTO_IPV6)
		return verdict(ctx, PF_PASS_TUNNEL);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return verdict(ctx, PF_DROP_OTHER_L4);
	ports = c->pos;
	if ((void *)(ports + 2) > c->end)
		return verdict(ctx, PF_DROP_MALFORMED);
	k->sport = bpf_ntohs(ports[0]);
	k->dport = bpf_ntohs(ports[1]);
	if (k->sport == 53 || k->dport == 53)
		return verdict(ctx, PF_PASS_DNS);
	if (proto == IPPROTO_TCP)
		return tcp_verdict(ctx, c, k);
	if (!take(c, 8))
		return verdict(ctx, PF_DROP_MALFORMED);
	if (k->dport == DP_VXLAN_PORT || k->dport == DP_GTPU_PORT || k->dport == DP_GENEVE_PORT ||
	    k->dport == DP_L2TP_PORT || k->sport == DP_L2TP_PORT)
		return verdict(ctx, PF_PASS_TUNNEL);
	/* RFC 9000 17.2: a long header (Initial, Handshake, Version
	 * Negotiation) sets the first bit; short headers carry only data. */
	p = c->pos;
	if (p + 1 <= (__u8 *)c->end && (p[0] & 0x80) &&
	    (port_wanted(PF_PORT_UDP, k->dport) || port_wanted(PF_PORT_UDP, k->sport)))
		return verdict(ctx, PF_PASS_QUIC);
	return verdict(ctx, PF_DROP_UDP);
}

static __always_inline int
ipv4_verdict(struct xdp_md *ctx, struct cursor *c)
{
	struct iphdr *ip = take(c, sizeof(*ip));
	struct pf_flow_key k = {.family = 4};
	__u32 ihl;

	if (!ip || ip->version != 4 || ip->ihl < 5)
		return verdict(ctx, PF_DROP_MALFORMED);
	ihl = ip->ihl * 4;
	if (server_v4((const __u8 *)&ip->saddr) || server_v4((const __u8 *)&ip->daddr))
		return verdict(ctx, PF_PASS_SERVER);
	if (ip->frag_off & bpf_htons(0x1fff))
		return verdict(ctx, PF_DROP_FRAGMENT);
	__builtin_memcpy(k.src, &ip->saddr, 4);
	__builtin_memcpy(k.dst, &ip->daddr, 4);
	if (!take(c, ihl - sizeof(*ip)))
		return verdict(ctx, PF_DROP_MALFORMED);
	return l4_verdict(ctx, c, ip->protocol, &k);
}

static __always_inline int
ipv6_verdict(struct xdp_md *ctx, struct cursor *c)
{
	struct ipv6hdr *ip = take(c, sizeof(*ip));
	struct pf_flow_key k = {.family = 6};
	__u8 nh;

	if (!ip || ip->version != 6)
		return verdict(ctx, PF_DROP_MALFORMED);
	if (server_v6(ip->saddr.in6_u.u6_addr8) || server_v6(ip->daddr.in6_u.u6_addr8))
		return verdict(ctx, PF_PASS_SERVER);
	__builtin_memcpy(k.src, ip->saddr.in6_u.u6_addr8, 16);
	__builtin_memcpy(k.dst, ip->daddr.in6_u.u6_addr8, 16);
	nh = ip->nexthdr;
#pragma unroll
	for (int i = 0; i < DP_PARSE_MAX_EXTHDR; i++) {
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
	return l4_verdict(ctx, c, nh, &k);
}

SEC("xdp")
int
xdp_prefilter(struct xdp_md *ctx)
{
	struct cursor c = {(void *)(long)ctx->data, (void *)(long)ctx->data_end};
	struct ethhdr *eth = take(&c, sizeof(*eth));
	__u16 proto;

	if (!eth)
		return verdict(ctx, PF_DROP_MALFORMED);
	proto = eth->h_proto;
#pragma unroll
	for (int i = 0; i < DP_PARSE_MAX_VLAN; i++) {
		__u16 *tag;

		if (proto != bpf_htons(DP_ETH_VLAN) && proto != bpf_htons(DP_ETH_QINQ) &&
		    proto != bpf_htons(DP_ETH_QINQ_OLD))
			break;
		tag = take(&c, 4);
		if (!tag)
			return verdict(ctx, PF_DROP_MALFORMED);
		proto = tag[1];
	}
	if (proto == bpf_htons(DP_ETH_IPV4))
		return ipv4_verdict(ctx, &c);
	if (proto == bpf_htons(DP_ETH_IPV6))
		return ipv6_verdict(ctx, &c);
	if (proto == bpf_htons(DP_ETH_MPLS) || proto == bpf_htons(DP_ETH_MPLS_MC) ||
	    proto == bpf_htons(DP_ETH_PPPOE_SESSION))
		return verdict(ctx, PF_PASS_TUNNEL);
	return verdict(ctx, PF_DROP_NOT_IP);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
