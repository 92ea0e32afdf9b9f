/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tb_pkt.h - hand-built packets for tests and the traffic generator.
 *
 * Written from the RFCs independently of dataplane/: tests compare what the
 * dataplane extracts with what these builders put in.  Builders return the
 * number of bytes written, or 0 when cap is too small.
 */
#ifndef TB_PKT_H
#define TB_PKT_H

#include <stdbool.h>
#include <stdint.h>

struct tb_spec {
	int nvlan; /* 0, 1 or 2 (QinQ: outer 0x88a8) */
	uint16_t vlan[2];
	int family; /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint8_t proto; /* IPPROTO_TCP / IPPROTO_UDP / other */
	uint16_t sport, dport;
	uint8_t tcp_flags; /* 0 means ACK|PSH */
	uint32_t seq;
	uint8_t ipv4_opt_words; /* IPv4 options, 4-byte words (NOPs) */
	int ipv6_ext;		/* number of Hop-by-Hop + Destination options headers */
	uint16_t frag_offset;	/* in 8-byte units; >0 makes a later fragment */
	bool more_frags;
	const uint8_t *payload;
	uint32_t plen;
};

uint32_t tb_frame(const struct tb_spec *s, uint8_t *out, uint32_t cap);

/* TLS 1.3-style ClientHello record; sni NULL for none; pad adds a padding
 * extension of that many bytes (to make large ClientHellos). */
uint32_t tb_tls_client_hello(uint8_t *out, uint32_t cap, const char *sni, bool ech, uint32_t pad);
/* The same with a key_share extension of key_share bytes of key before
 * the server_name (a post-quantum browser ClientHello: 1216). */
uint32_t tb_tls_client_hello_ks(uint8_t *out, uint32_t cap, const char *sni, bool ech, uint32_t pad,
				uint32_t key_share);
uint32_t tb_http_get(uint8_t *out, uint32_t cap, const char *host, const char *path);
uint32_t tb_dns_query(uint8_t *out, uint32_t cap, uint16_t id, const char *qname, uint16_t qtype);

/* A resource record of a response: owner NULL means "the question name,
 * by a compression pointer"; data is an address (A 1, AAAA 28) or a name
 * (CNAME 5). */
struct tb_rr {
	const char *owner;
	uint16_t type;
	uint32_t ttl;
	const char *data;
};

/* A response to an A query for qname carrying the records rr[0..n). */
uint32_t tb_dns_response(uint8_t *out, uint32_t cap, uint16_t id, const char *qname,
			 const struct tb_rr *rr, unsigned n);

/* Tap encapsulations around a frame made by tb_frame (RFC 3032 MPLS, RFC
 * 4385 pseudowire control word, RFC 2784/2890 GRE, ERSPAN II/III per
 * draft-foschiano-erspan, RFC 7348 VXLAN).  The outer addresses are
 * 203.0.113.250 -> 203.0.113.251, in no organisation of the sample table. */
enum tb_encap {
	TB_ENC_NONE = 0,
	TB_ENC_MPLS,	/* two labels, then the inner IP packet */
	TB_ENC_MPLS_PW, /* one label, control word, the inner frame */
	TB_ENC_GRE_IP,	/* GRE with a key, the inner IP packet */
	TB_ENC_GRE_TEB, /* GRE, the inner frame */
	TB_ENC_ERSPAN2,
	TB_ENC_ERSPAN3, /* with the optional platform-specific subheader */
	TB_ENC_VXLAN,
	TB_ENC_PPPOE,  /* a PPPoE session, PPP, the inner IP packet */
	TB_ENC_IPIP,   /* IPv4 carrying the inner IP packet (4, or 41: 6in4) */
	TB_ENC_GTPU,   /* GTP-U G-PDU with a sequence number and a PDU session extension */
	TB_ENC_GENEVE, /* Geneve with one option, the inner frame */
	TB_ENC_L2TP,   /* L2TPv2 data with its length, PPP with address and control */
	TB_ENC_COUNT
};

uint32_t tb_encap(enum tb_encap kind, const uint8_t *inner, uint32_t inner_len, uint8_t *out,
		  uint32_t cap);

/* QUIC (tb_quic.c, sealed through OpenSSL's EVP_KDF and EVP_CIPHER). */
struct tb_crypto_frag {
	uint64_t off;
	const uint8_t *data;
	uint32_t len;
};

/* The client's Initial keys (RFC 9001 5.2; version 1 or 0x6b3343cf). */
int tb_quic_keys(uint32_t version, const uint8_t *dcid, uint32_t dcid_len, uint8_t key[16],
		 uint8_t iv[12], uint8_t hp[16]);

/* A protected client Initial with an 8-byte DCID, packet number pn, one
 * CRYPTO frame per frag (in the order given), padded to size bytes. */
uint32_t tb_quic_initial(uint8_t *out, uint32_t cap, uint32_t version, const uint8_t dcid[8],
			 uint32_t pn, const struct tb_crypto_frag *frag, unsigned n, uint32_t size);

/* A ClientHello handshake message (no record header), as QUIC sends it. */
uint32_t tb_tls_hello_message(uint8_t *out, uint32_t cap, const char *sni, uint32_t key_share);

/* Parse "192.0.2.1" or "2001:db8::1" into spec addresses; returns family. */
int tb_addr(const char *text, uint8_t out[16]);

#endif
