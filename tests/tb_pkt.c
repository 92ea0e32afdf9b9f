/* SPDX-License-Identifier: BSD-3-Clause */
#include "tb_pkt.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static void
w16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
w24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int
tb_addr(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, text, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, text, out) == 1)
		return 6;
	return 0;
}

uint32_t
tb_frame(const struct tb_spec *s, uint8_t *out, uint32_t cap)
{
	static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1};
	uint32_t off = 12, l4len, iphl, l3, l4, total;
	uint32_t ext = s->family == 6 ? (uint32_t)s->ipv6_ext * 8 : 0;
	uint32_t l4hdr = s->proto == IPPROTO_TCP ? 20 : s->proto == IPPROTO_UDP ? 8 : 0;

	iphl = s->family == 4 ? 20u + s->ipv4_opt_words * 4u : 40u + ext;
	l4len = l4hdr + s->plen;
	total = 14 + (uint32_t)s->nvlan * 4 + iphl + l4len;
	if (total > cap)
		return 0;
	memcpy(out, macs, 12);
	for (int i = 0; i < s->nvlan; i++) {
		w16(out + off, s->nvlan == 2 && i == 0 ? 0x88a8 : 0x8100);
		w16(out + off + 2, s->vlan[i]);
		off += 4;
	}
	w16(out + off, s->family == 4 ? 0x0800 : 0x86dd);
	off += 2;
	l3 = off;
	l4 = l3 + iphl;
	if (s->family == 4) {
		uint8_t *ip = out + l3;

		memset(ip, 0, iphl);
		ip[0] = (uint8_t)(0x40 | (iphl / 4));
		w16(ip + 2, iphl + l4len);
		w16(ip + 4, 0x1234);
		w16(ip + 6, (s->more_frags ? 0x2000u : 0) | s->frag_offset);
		ip[8] = 64;
		ip[9] = s->proto;
		memcpy(ip + 12, s->src, 4);
		memcpy(ip + 16, s->dst, 4);
		memset(ip + 20, 1, iphl - 20); /* NOP options */
		w16(ip + 10, csum_fold(csum_add(0, ip, iphl)));
	} else {
		uint8_t *ip = out + l3;
		uint8_t nh = s->proto;

		memset(ip, 0, 40 + ext);
		ip[0] = 0x60;
		w16(ip + 4, ext + l4len);
		ip[7] = 64;
		memcpy(ip + 8, s->src, 16);
		memcpy(ip + 24, s->dst, 16);
		/* Chain: [HBH] [DST ...] transport; each 8 bytes with PadN. */
		for (int i = s->ipv6_ext - 1; i >= 0; i--) {
			uint8_t *h = ip + 40 + i * 8;

			h[0] = nh;
			h[1] = 0;
			h[2] = 1; /* PadN */
			h[3] = 4;
			nh = i == 0 ? IPPROTO_HOPOPTS : IPPROTO_DSTOPTS;
		}
		ip[6] = nh;
	}
	if (s->proto == IPPROTO_TCP) {
		uint8_t *t = out + l4;

		memset(t, 0, 20);
		w16(t, s->sport);
		w16(t + 2, s->dport);
		w16(t + 4, s->seq >> 16);
		w16(t + 6, s->seq & 0xffff);
		t[12] = 5 << 4;
		t[13] = s->tcp_flags ? s->tcp_flags : 0x18;
		w16(t + 14, 65535);
	} else if (s->proto == IPPROTO_UDP) {
		uint8_t *u = out + l4;

		w16(u, s->sport);
		w16(u + 2, s->dport);
		w16(u + 4, l4len);
		w16(u + 6, 0);
	}
	if (s->plen)
		memcpy(out + l4 + l4hdr, s->payload, s->plen);
	if (l4hdr && s->frag_offset == 0 && !s->more_frags) {
		/* Pseudo-header checksum (RFC 793 / RFC 768 / RFC 8200 8.1). */
		uint32_t sum = 0, alen = s->family == 4 ? 4 : 16;
		uint8_t ph[4] = {0, 0, 0, s->proto};

		sum = csum_add(sum, s->src, alen);
		sum = csum_add(sum, s->dst, alen);
		sum = csum_add(sum, ph, 4);
		sum += l4len;
		sum = csum_add(sum, out + l4, l4len);
		uint16_t c = csum_fold(sum);
		if (s->proto == IPPROTO_UDP && c == 0)
			c = 0xffff;
		w16(out + l4 + (s->proto == IPPROTO_TCP ? 16 : 6), c);
	}
	return total;
}

uint32_t
tb_tls_client_hello(uint8_t *out, uint32_t cap, const char *sni, bool ech, uint32_t pad)
{
	return tb_tls_client_hello_ks(out, cap, sni, ech, pad, 0);
}

uint32_t
tb_tls_client_hello_ks(uint8_t *out, uint32_t cap, const char *sni, bool ech, uint32_t pad,
		       uint32_t key_share)
{
	uint8_t b[16384];
	uint32_t o = 0, ext_start, hs_start;
	static const uint16_t suites[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f};

	b[o++] = 22;
	b[o++] = 3;
	b[o++] = 1;
	o += 2; /* record length */
	hs_start = o;
	b[o++] = 1; /* ClientHello */
	o += 3;
	b[o++] = 3;
	b[o++] = 3;
	for (int i = 0; i < 32; i++)
		b[o++] = (uint8_t)(i * 7 + 3);
	b[o++] = 32;
	for (int i = 0; i < 32; i++)
		b[o++] = (uint8_t)(0xa0 + i);
	w16(b + o, sizeof(suites));
	o += 2;
	for (size_t i = 0; i < sizeof(suites) / 2; i++, o += 2)
		w16(b + o, suites[i]);
	b[o++] = 1;
	b[o++] = 0;
	o += 2; /* extensions length */
	ext_start = o;
	if (key_share) {
		/* RFC 8446 4.2.8, one share of X25519MLKEM768 (0x11ec), before
		 * the server_name as browsers that shuffle extensions may send it. */
		if (o + 10 + key_share > sizeof(b) - 1024)
			return 0;
		w16(b + o, 51);
		w16(b + o + 2, key_share + 6);
		w16(b + o + 4, key_share + 4);
		w16(b + o + 6, 0x11ec);
		w16(b + o + 8, key_share);
		for (uint32_t i = 0; i < key_share; i++)
			b[o + 10 + i] = (uint8_t)(i * 31 + 7);
		o += 10 + key_share;
	}
	if (sni != NULL) {
		uint32_t n = (uint32_t)strlen(sni);

		w16(b + o, 0);
		w16(b + o + 2, n + 5);
		w16(b + o + 4, n + 3);
		b[o + 6] = 0;
		w16(b + o + 7, n);
		memcpy(b + o + 9, sni, n);
		o += 9 + n;
	}
	/* supported_versions: TLS 1.3 */
	w16(b + o, 43);
	w16(b + o + 2, 3);
	b[o + 4] = 2;
	w16(b + o + 5, 0x0304);
	o += 7;
	if (ech) {
		w16(b + o, 0xfe0d);
		w16(b + o + 2, 8);
		memset(b + o + 4, 0x5a, 8);
		o += 12;
	}
	if (pad) {
		if (o + 4 + pad > sizeof(b))
			return 0;
		w16(b + o, 21);
		w16(b + o + 2, pad);
		memset(b + o + 4, 0, pad);
		o += 4 + pad;
	}
	w16(b + ext_start - 2, o - ext_start);
	w24(b + hs_start + 1, o - hs_start - 4);
	w16(b + 3, o - 5);
	if (o > cap)
		return 0;
	memcpy(out, b, o);
	return o;
}

uint32_t
tb_http_get(uint8_t *out, uint32_t cap, const char *host, const char *path)
{
	int n = snprintf((char *)out, cap,
			 "GET %s HTTP/1.1\r\nUser-Agent: tb/1.0\r\nHost: %s\r\nAccept: */*\r\n\r\n",
			 path, host);
	return n < 0 || (uint32_t)n >= cap ? 0 : (uint32_t)n;
}

/* A name in uncompressed wire form at out; returns its length. */
static uint32_t
wire_name(uint8_t *out, const char *p)
{
	uint32_t o = 0;

	while (*p) {
		const char *dot = strchr(p, '.');
		uint32_t l = dot ? (uint32_t)(dot - p) : (uint32_t)strlen(p);

		out[o++] = (uint8_t)l;
		memcpy(out + o, p, l);
		o += l;
		p += l;
		if (*p == '.')
			p++;
	}
	out[o++] = 0;
	return o;
}

uint32_t
tb_dns_query(uint8_t *out, uint32_t cap, uint16_t id, const char *qname, uint16_t qtype)
{
	uint32_t o = 12;

	if (cap < 12 + strlen(qname) + 6)
		return 0;
	memset(out, 0, 12);
	w16(out, id);
	w16(out + 2, 0x0100); /* RD */
	w16(out + 4, 1);
	o += wire_name(out + o, qname);
	w16(out + o, qtype);
	w16(out + o + 2, 1);
	return o + 4;
}

/* Outer Ethernet + IPv4 header for a tunnel; returns the IPv4 header offset. */
static uint32_t
outer_ipv4(uint8_t *out, uint8_t proto, uint32_t l4len)
{
	static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a};
	uint8_t *ip = out + 14;

	memcpy(out, macs, 12);
	w16(out + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	w16(ip + 2, 20 + l4len);
	ip[8] = 64;
	ip[9] = proto;
	tb_addr("203.0.113.250", ip + 12);
	tb_addr("203.0.113.251", ip + 16);
	w16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	return 14;
}

/* Offset of the IP header in a frame from tb_frame (after any VLAN tags). */
static uint32_t
ip_offset(const uint8_t *f)
{
	uint32_t off = 12;

	while ((f[off] == 0x81 && f[off + 1] == 0x00) || (f[off] == 0x88 && f[off + 1] == 0xa8))
		off += 4;
	return off + 2;
}

/* An outer IPv4/UDP datagram to dport carrying header h and body. */
static uint32_t
udp_tunnel(uint8_t *out, uint32_t cap, uint16_t dport, const uint8_t *h, uint32_t hdr,
	   const uint8_t *body, uint32_t blen)
{
	uint32_t o;

	if (14 + 20 + 8 + hdr + blen > cap)
		return 0;
	o = outer_ipv4(out, 17, 8 + hdr + blen) + 20;
	w16(out + o, dport == 1701 ? 1701 : 49153);
	w16(out + o + 2, dport);
	w16(out + o + 4, (uint16_t)(8 + hdr + blen));
	w16(out + o + 6, 0);
	memcpy(out + o + 8, h, hdr);
	memcpy(out + o + 8 + hdr, body, blen);
	return o + 8 + hdr + blen;
}

uint32_t
tb_encap(enum tb_encap kind, const uint8_t *inner, uint32_t inner_len, uint8_t *out, uint32_t cap)
{
	uint32_t ipo = ip_offset(inner), iplen = inner_len - ipo, hdr, body;
	const uint8_t *payload = inner;
	uint8_t h[64];

	memset(h, 0, sizeof(h));
	switch (kind) {
	case TB_ENC_NONE:
		if (inner_len > cap)
			return 0;
		memcpy(out, inner, inner_len);
		return inner_len;
	case TB_ENC_MPLS:
	case TB_ENC_MPLS_PW: {
		static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a};
		uint32_t o = 14;

		if (kind == TB_ENC_MPLS) {
			w24(h, 1000 << 4);	   /* label 1000, TC 0, S 0 */
			h[3] = 64;		   /* TTL */
			w24(h + 4, 2000 << 4 | 1); /* label 2000, bottom of stack */
			h[7] = 64;
			hdr = 8;
			payload = inner + ipo;
			body = iplen;
		} else {
			w24(h, 3000 << 4 | 1);
			h[3] = 64;
			hdr = 8; /* the label and a zero control word */
			body = inner_len;
		}
		if (o + hdr + body > cap)
			return 0;
		memcpy(out, macs, 12);
		w16(out + 12, 0x8847);
		memcpy(out + o, h, hdr);
		memcpy(out + o + hdr, payload, body);
		return o + hdr + body;
	}
	case TB_ENC_GRE_IP:
		w16(h, 0x2000); /* K */
		w16(h + 2, inner[ipo - 2] << 8 | inner[ipo - 1]);
		w16(h + 4, 0);
		w16(h + 6, 42); /* key */
		hdr = 8;
		payload = inner + ipo;
		body = iplen;
		break;
	case TB_ENC_GRE_TEB:
		w16(h + 2, 0x6558);
		hdr = 4;
		body = inner_len;
		break;
	case TB_ENC_ERSPAN2:
		w16(h, 0x1000); /* S: ERSPAN II rides a sequenced GRE */
		w16(h + 2, 0x88be);
		w16(h + 6, 7);
		w16(h + 8, 1 << 12 | 100); /* Ver 1, VLAN 100 */
		w16(h + 10, 5);		   /* session 5 */
		hdr = 16;
		body = inner_len;
		break;
	case TB_ENC_ERSPAN3:
		w16(h, 0x1000);
		w16(h + 2, 0x22eb);
		w16(h + 6, 9);
		w16(h + 8, 2 << 12 | 100); /* Ver 2 */
		w16(h + 10, 5);
		h[8 + 11] = 0x01; /* O: platform-specific subheader follows */
		hdr = 8 + 12 + 8;
		body = inner_len;
		break;
	case TB_ENC_VXLAN: {
		uint32_t o;

		if (14 + 20 + 8 + 8 + inner_len > cap)
			return 0;
		o = outer_ipv4(out, 17, 8 + 8 + inner_len) + 20;
		w16(out + o, 49152);
		w16(out + o + 2, 4789);
		w16(out + o + 4, 16 + inner_len);
		w16(out + o + 6, 0);
		memset(out + o + 8, 0, 8);
		out[o + 8] = 0x08; /* I: the VNI is valid */
		w24(out + o + 12, 5001);
		memcpy(out + o + 16, inner, inner_len);
		return o + 16 + inner_len;
	}
	case TB_ENC_PPPOE: {
		static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a};

		if (14 + 8 + iplen > cap)
			return 0;
		memcpy(out, macs, 12);
		w16(out + 12, 0x8864);
		out[14] = 0x11;		  /* version 1, type 1 */
		out[15] = 0;		  /* session data */
		w16(out + 16, 0x1234);	  /* session id */
		w16(out + 18, 2 + iplen); /* the PPP frame */
		w16(out + 20, (inner[ipo] >> 4) == 4 ? 0x0021 : 0x0057);
		memcpy(out + 22, inner + ipo, iplen);
		return 22 + iplen;
	}
	case TB_ENC_IPIP:
		if (14 + 20 + iplen > cap)
			return 0;
		outer_ipv4(out, (inner[ipo] >> 4) == 4 ? 4 : 41, iplen);
		memcpy(out + 34, inner + ipo, iplen);
		return 34 + iplen;
	case TB_ENC_GTPU:
		h[0] = 0x32;		   /* version 1, GTP, S */
		h[1] = 0xff;		   /* G-PDU */
		w16(h + 2, 4 + 8 + iplen); /* after the first 8 octets */
		w16(h + 4, 0x0001);
		w16(h + 6, 0x0002); /* TEID */
		w16(h + 8, 77);	    /* sequence number */
		h[0] |= 0x04;	    /* E */
		h[11] = 0x85;	    /* PDU session container follows */
		h[12] = 2;	    /* 8 octets */
		h[13] = 0x10;
		h[14] = 9; /* QFI */
		h[19] = 0; /* no more */
		hdr = 20;
		return udp_tunnel(out, cap, 2152, h, hdr, inner + ipo, iplen);
	case TB_ENC_GENEVE:
		h[0] = 2; /* version 0, two option words */
		w16(h + 2, 0x6558);
		w24(h + 4, 5002);
		w16(h + 8, 0x0103); /* option class */
		h[10] = 0x01;	    /* type */
		h[11] = 1;	    /* one word of data */
		w16(h + 12, 0xabcd);
		hdr = 16;
		return udp_tunnel(out, cap, 6081, h, hdr, inner, inner_len);
	case TB_ENC_L2TP:
		w16(h, 0x4002); /* L, version 2 */
		w16(h + 2, 8 + 4 + iplen);
		w16(h + 4, 11); /* tunnel */
		w16(h + 6, 22); /* session */
		h[8] = 0xff;
		h[9] = 0x03;
		w16(h + 10, (inner[ipo] >> 4) == 4 ? 0x0021 : 0x0057);
		hdr = 12;
		return udp_tunnel(out, cap, 1701, h, hdr, inner + ipo, iplen);
	default:
		return 0;
	}
	if (14 + 20 + hdr + body > cap)
		return 0;
	outer_ipv4(out, 47, hdr + body);
	memcpy(out + 34, h, hdr);
	memcpy(out + 34 + hdr, payload, body);
	return 34 + hdr + body;
}

uint32_t
tb_dns_response(uint8_t *out, uint32_t cap, uint16_t id, const char *qname, const struct tb_rr *rr,
		unsigned n)
{
	uint8_t b[4096];
	uint32_t o = tb_dns_query(b, sizeof(b), id, qname, 1);

	if (o == 0)
		return 0;
	w16(b + 2, 0x8180); /* QR, RD, RA, RCODE 0 */
	w16(b + 6, (uint16_t)n);
	for (unsigned i = 0; i < n; i++) {
		uint32_t rdl;

		if (o + 300 + 16 > sizeof(b))
			return 0;
		if (rr[i].owner == NULL) {
			b[o++] = 0xc0; /* RFC 1035 4.1.4: a pointer to the question */
			b[o++] = 12;
		} else {
			o += wire_name(b + o, rr[i].owner);
		}
		w16(b + o, rr[i].type);
		w16(b + o + 2, 1);
		w16(b + o + 4, (uint16_t)(rr[i].ttl >> 16));
		w16(b + o + 6, (uint16_t)rr[i].ttl);
		if (rr[i].type == 5)
			rdl = wire_name(b + o + 10, rr[i].data);
		else
			rdl = tb_addr(rr[i].data, b + o + 10) == 4 ? 4 : 16;
		w16(b + o + 8, (uint16_t)rdl);
		o += 10 + rdl;
	}
	if (o > cap)
		return 0;
	memcpy(out, b, o);
	return o;
}
