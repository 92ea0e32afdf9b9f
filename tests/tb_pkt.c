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
		w16(ph, 0);
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

uint32_t
tb_dns_query(uint8_t *out, uint32_t cap, uint16_t id, const char *qname, uint16_t qtype)
{
	uint32_t o = 12;
	const char *p = qname;

	if (cap < 12 + strlen(qname) + 6)
		return 0;
	memset(out, 0, 12);
	w16(out, id);
	w16(out + 2, 0x0100); /* RD */
	w16(out + 4, 1);
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
	w16(out + o, qtype);
	w16(out + o + 2, 1);
	return o + 4;
}
