/* SPDX-License-Identifier: BSD-3-Clause */
/* The session kinds tc_gen writes (TLS, HTTP, DNS over UDP and TCP with
 * the flows to the addresses answers teach, QUIC, configured servers,
 * payload signatures), each in or out of a tunnel, and the oddities:
 * frames the dataplane must drop or count apart. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_flow.h"

/* Vendor servers: learned from DNS answers (203.0.113.192/30,
 * 2001:db8:5f::/64) and configured (203.0.113.196/30, 2001:db8:5d::/64,
 * as config/tapcensus.yaml says). */
#define LEARNED_V4 "203.0.113.191/30"
#define LEARNED_V6 "2001:db8:5f::/64"
/* Answers over TCP teach addresses of their own (203.0.113.250-.253,
 * 2001:db8:5c::/64), so a flow to one is counted only if those answers
 * were read. */
#define LEARNED_TCP_V4 "203.0.113.249/30"
#define LEARNED_TCP_V6 "2001:db8:5c::/64"
#define CONFIGURED_V4 "203.0.113.195/30"
#define CONFIGURED_V6 "2001:db8:5d::/64"
#define ANSWER_TTL 300

static void
dns_session(int org, int client, int vendor, int nvlan)
{
	enum role role;
	int nidx;
	const char *name = tc_pick_name(vendor, &role, &nidx);
	uint8_t q[512], a[1024], ch[4096];
	struct tb_rr rr[2];
	char v4[64], v6[64];
	uint8_t addr[16];
	struct gflow gf, tls;
	uint32_t lq, la, lc;
	uint16_t id = (uint16_t)tc_rnd();
	/* A vendor role's names resolve to an address of its own (k = role):
	 * an address taught by names of two roles would count in both. */
	unsigned k = tc_rnd() % 4;
	bool tcp = tc_rnd() % 4 == 0;
	const char *l4 = tcp ? LEARNED_TCP_V4 : LEARNED_V4, *l6 = tcp ? LEARNED_TCP_V6 : LEARNED_V6;

	/* Vendor names resolve to the learned range, others elsewhere. */
	if (vendor)
		k = (unsigned)role;
	tc_addr_in(vendor ? l4 : "203.0.113.199/32", vendor ? k : 10 + k, addr);
	inet_ntop(AF_INET, addr, v4, sizeof(v4));
	tc_addr_in(vendor ? l6 : "2001:db8:5e::/64", vendor ? k : 60 + k, addr);
	inet_ntop(AF_INET6, addr, v6, sizeof(v6));
	rr[0] = (struct tb_rr){NULL, 1, ANSWER_TTL, v4};
	rr[1] = (struct tb_rr){NULL, 28, ANSWER_TTL, v6};

	if (tcp) {
		/* Over TCP (RFC 7766): each message after a two-octet length;
		 * the answer in two segments, in order or not.  Addresses are
		 * learned once the whole answer is there. */
		uint32_t cut;

		tc_gflow_init(&gf, org, client, IPPROTO_TCP, 53, nvlan);
		gf.role = role;
		gf.name = nidx;
		tc_handshake(&gf, O_NONAME, 0);
		lq = tb_dns_query(q + 2, sizeof(q) - 2, id, name, 1);
		q[0] = (uint8_t)(lq >> 8);
		q[1] = (uint8_t)lq;
		tc_fsend(&gf, 0, 0x18, q, lq + 2, 0, vendor ? O_VENDOR : O_OTHER, S_DNS);
		la = tb_dns_response(a + 2, sizeof(a) - 2, id, name, rr, 2);
		a[0] = (uint8_t)(la >> 8);
		a[1] = (uint8_t)la;
		cut = 1 + tc_rnd() % (la + 1);
		if (tc_rnd() % 2) {
			tc_fsend(&gf, 1, 0x18, a, cut, 0, O_NONAME, 0);
			tc_fsend(&gf, 1, 0x18, a + cut, la + 2 - cut, cut, O_NONAME, 0);
		} else {
			tc_fsend(&gf, 1, 0x18, a + cut, la + 2 - cut, cut, O_NONAME, 0);
			tc_fsend(&gf, 1, 0x18, a, cut, 0, O_NONAME, 0);
		}
		tc_teardown(&gf, lq + 2, la + 2);
	} else {
		tc_gflow_init(&gf, org, client, IPPROTO_UDP, 53, nvlan);
		gf.role = role;
		gf.name = nidx;
		lq = tb_dns_query(q, sizeof(q), id, name, 1);
		tc_fsend(&gf, 0, 0, q, lq, 0, vendor ? O_VENDOR : O_OTHER, S_DNS);
		la = tb_dns_response(a, sizeof(a), id, name, rr, 2);
		tc_fsend(&gf, 1, 0, a, la, 0, O_NONAME, 0);
	}
	if (!vendor || tc_rnd() % 2)
		return;

	/* The client then connects to the address it learned, with an
	 * Encrypted Client Hello whose outer name is a provider's.  With
	 * queues, the flow stays in the answer's: a replay has no timing, and
	 * another worker could read the flow before the control thread has
	 * passed it the address (on a live tap the answer comes first). */
	tc_gflow_init(&tls, org, client, IPPROTO_TCP, 443, nvlan);
	tls.role = role; /* the address counts for the role that taught it */
	tc_to_server(&tls, l4, l6, k);
	tls.vendor_server = true;
	tcg.out.pin = (int)tc_out_queue(&tcg.out, &gf.f.c2s);
	/* The handshake waits for a name; the ClientHello offers ECH, so its
	 * name is the provider's, not the server's: the learned vendor
	 * address decides, at the ClientHello. */
	tc_handshake(&tls, O_NONAME, 0);
	lc = tb_tls_client_hello(ch, sizeof(ch), "ech-public.example.net", true, tc_rnd() % 200);
	tc_fsend(&tls, 0, 0x18, ch, lc, 0, O_VENDOR, S_LEARNED);
	tcg.truth.ech++;
	tc_teardown(&tls, lc, tc_bulk(&tls, 1 + tc_rnd() % 3, 0x17, 0));
	tcg.out.pin = -1;
}

/* QUIC: the ClientHello in one Initial, or over two (either order), as
 * version 1 or 2; then server packets and client short headers.  One in
 * twenty tries a version no one reads and gets Version Negotiation. */
static void
quic_session(int org, int client, int vendor, unsigned nbulk, int nvlan)
{
	enum role role;
	int nidx;
	const char *name = tc_pick_name(vendor, &role, &nidx);
	enum out o = vendor ? O_VENDOR : O_OTHER;
	uint8_t hello[4096], pkt[1500], dcid[8];
	struct gflow gf;
	uint32_t version = tc_rnd() % 4 == 0 ? 0x6b3343cfu : 1u, hl, len;
	bool pq = tc_rnd() % 2;

	tc_gflow_init(&gf, org, client, IPPROTO_UDP, 443, nvlan);
	gf.role = role;
	gf.name = nidx;
	for (int i = 0; i < 8; i++)
		dcid[i] = (uint8_t)tc_rnd();
	if (tc_rnd() % 20 == 0) {
		memset(pkt, 0, 1200);
		memcpy(pkt, (const uint8_t[]){0xc0, 0xff, 0, 0, 29, 8}, 6);
		tc_fsend(&gf, 0, 0, pkt, 1200, 0, O_NONAME, 0);
		tcg.truth.quic_unknown++;
		memcpy(pkt, (const uint8_t[]){0x80, 0, 0, 0, 0, 0, 8}, 7);
		memcpy(pkt + 7, dcid, 8);
		memcpy(pkt + 15, (const uint8_t[]){0, 0, 0, 1, 0x6b, 0x33, 0x43, 0xcf}, 8);
		tc_fsend(&gf, 1, 0, pkt, 23, 0, O_NONAME, 0);
		tcg.truth.quic_vn++;
		return;
	}
	hl = tb_tls_hello_message(hello, sizeof(hello), name, pq ? 1216 : 0);
	if (!pq) {
		struct tb_crypto_frag one[] = {{0, hello, hl}};

		len = tb_quic_initial(pkt, sizeof(pkt), version, dcid, 0, one, 1, 1200);
		tc_fsend(&gf, 0, 0, pkt, len, 0, o, S_QUIC);
	} else {
		uint32_t cut = 900 + tc_rnd() % 200;
		struct tb_crypto_frag a[] = {{0, hello, cut}}, b[] = {{cut, hello + cut, hl - cut}};
		bool reverse = tc_rnd() % 2;

		len = tb_quic_initial(pkt, sizeof(pkt), version, dcid, reverse, reverse ? b : a, 1,
				      1200);
		tc_fsend(&gf, 0, 0, pkt, len, 0, O_PARTIAL, S_QUIC);
		len = tb_quic_initial(pkt, sizeof(pkt), version, dcid, !reverse, reverse ? a : b, 1,
				      1200);
		tc_fsend(&gf, 0, 0, pkt, len, 0, o, S_QUIC);
	}
	for (unsigned i = 0; i < nbulk + 1; i++) {
		uint32_t l = 100 + tc_rnd() % 1100;

		for (uint32_t k = 0; k < l; k++)
			pkt[k] = (uint8_t)tc_rnd();
		pkt[0] = i == 0 ? 0xc0 : 0x40; /* the server's Initial, then short headers */
		tc_fsend(&gf, 1, 0, pkt, l, 0, O_NONAME, 0);
	}
	pkt[0] = 0x41;
	tc_fsend(&gf, 0, 0, pkt, 60, 0, O_NONAME, 0);
}

static void
session_body(int org, int client, enum sig s, int vendor, unsigned nbulk, int nvlan)
{
	enum role role;
	int nidx;
	const char *name = tc_pick_name(vendor, &role, &nidx);
	enum out o = vendor ? O_VENDOR : O_OTHER;
	uint8_t pl[4096], resp[64];
	struct gflow gf;
	uint32_t len, s_off;

	if (s == S_DNS) {
		dns_session(org, client, vendor, nvlan);
		return;
	}
	if (s == S_QUIC) {
		quic_session(org, client, vendor, nbulk, nvlan);
		return;
	}
	tc_gflow_init(&gf, org, client, IPPROTO_TCP, s == S_TLS || s == S_SERVER ? 443 : 80, nvlan);
	/* Configured servers and the payload signature are the vendor's own
	 * level; a name counts for its role. */
	gf.role = s == S_SERVER ? R_OTHER : role;
	gf.name = s == S_SERVER ? -1 : nidx;
	if (s == S_SERVER) {
		/* A configured vendor server and a ClientHello without a name:
		 * the address decides, at the ClientHello. */
		tc_to_server(&gf, CONFIGURED_V4, CONFIGURED_V6, tc_rnd() % 4);
		gf.vendor_server = true;
		tc_handshake(&gf, O_NONAME, 0);
		len = tb_tls_client_hello(pl, sizeof(pl), NULL, false, tc_rnd() % 100);
		tc_fsend(&gf, 0, 0x18, pl, len, 0, O_VENDOR, S_SERVER);
		tc_teardown(&gf, len, tc_bulk(&gf, nbulk, 0x17, 0));
		return;
	}
	tc_handshake(&gf, O_NONAME, 0);
	if (s == S_TLS) {
		bool ech = tc_rnd() % 8 == 0;
		/* A third are post-quantum browser ClientHellos (a 1216-byte key
		 * share before the name, about 1.5 KB): two segments. */
		bool pq = tc_rnd() % 3 == 0;

		len = tb_tls_client_hello_ks(pl, sizeof(pl), name, ech, tc_rnd() % 300,
					     pq ? 1216 : 0);
		tc_send_head(&gf, pl, len, pq ? 1000 + tc_rnd() % 200 : 0, o, S_TLS);
		tcg.truth.ech += ech;
		/* ServerHello: a handshake record, but not a ClientHello. */
		memcpy(resp, (const uint8_t[]){22, 3, 3, 0, 40, 2, 0, 0, 36}, 9);
		memset(resp + 9, 0x33, 36);
		tc_fsend(&gf, 1, 0x18, resp, 45, 0, O_NONAME, 0);
		s_off = tc_bulk(&gf, nbulk, 0x17, 45);
	} else {
		static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
		char *host;

		if (s == S_PAYLOAD || (!vendor && tc_rnd() % 4 == 0)) {
			name = tc_pick_name(0, &role, &nidx);
			gf.role = R_OTHER;
			gf.name = -1;
			/* A vendor's update agent behind a neutral host name: the
			 * payload signature of config/tapcensus.yaml decides. */
			len = (uint32_t)snprintf((char *)pl, sizeof(pl),
						 "GET /upd/index.xml HTTP/1.1\r\nHost: %s\r\n"
						 "User-Agent: Kaspersky Endpoint Security/12.3\r\n"
						 "\r\n",
						 name);
			tc_send_head(&gf, pl, len, 0, O_VENDOR, S_PAYLOAD);
		} else {
			len = tb_http_get(pl, sizeof(pl), name, "/bases/av/kdb/i386/kdb.xml");
			host = strstr((char *)pl, "Host: ");
			/* Half the request heads are cut inside the Host value. */
			tc_send_head(&gf, pl, len,
				     tc_rnd() % 2 ? (uint32_t)(host + 8 - (char *)pl) : 0, o,
				     S_HTTP);
		}
		tc_fsend(&gf, 1, 0x18, (const uint8_t *)ok, sizeof(ok) - 1, 0, O_NONAME, 0);
		s_off = tc_bulk(&gf, nbulk, '<', sizeof(ok) - 1);
	}
	tc_teardown(&gf, len, s_off);
}

void
tc_session(int org, int client, enum sig s, int vendor, unsigned nbulk)
{
	int nvlan = tc_rnd() % 4 == 0 ? (int)(1 + tc_rnd() % 2) : 0;

	tcg.encap = tc_rnd() % 100 < tcg.encap_pct
			? (enum tb_encap)(1 + tc_rnd() % (TB_ENC_COUNT - 1))
			: TB_ENC_NONE;
	session_body(org, client, s, vendor, nbulk, nvlan);
	tcg.encap = TB_ENC_NONE;
}

/* One of each packet the dataplane must survive and count but not attribute. */
void
tc_oddities(void)
{
	uint8_t frame[256], pl[1024];
	struct gflow gf;
	struct flow f;
	uint32_t len;

	/* ARP request: not IP. */
	memset(frame, 0, 42);
	memset(frame, 0xff, 6);
	frame[12] = 0x08;
	frame[13] = 0x06;
	tc_emit_frame(frame, 42);
	tcg.truth.outcome[O_NOTIP]++;

	/* ICMP echo: IP, neither TCP nor UDP. */
	tc_flow_init(&f, 0, 0, IPPROTO_ICMP, 0, 0);
	tc_set_payload(&f.c2s, (const uint8_t *)"\x08\0\0\0\0\0\0\0", 8);
	tc_emit(&f.c2s, O_OTHERL4);

	/* A later IPv4 fragment. */
	tc_flow_init(&f, 1, 2, IPPROTO_UDP, 53, 0);
	f.c2s.frag_offset = 185;
	tc_set_payload(&f.c2s, pl, 100);
	memset(pl, 0x41, 100);
	tc_emit(&f.c2s, O_FRAG);

	/* A 10-byte runt. */
	tc_emit_frame(frame, 10);
	tcg.truth.drop[D_L2]++;
	tcg.truth.perr[L_L2]++;

	/* IPv4 header length 4 words. */
	tc_flow_init(&f, 3, 1, IPPROTO_TCP, 443, 0);
	tc_set_payload(&f.c2s, pl, 20);
	len = tb_frame(&f.c2s, frame, sizeof(frame));
	frame[14] = 0x44;
	tc_emit_frame(frame, len);
	tcg.truth.drop[D_L3]++;
	tcg.truth.perr[L_L3]++;

	/* IPv6 cut inside its payload (a snap length too short): read as far
	 * as it goes - a UDP flow to port 53 whose bytes ('A's) are no DNS
	 * query. */
	tc_flow_init(&f, 0, 1, IPPROTO_UDP, 53, 0);
	tc_set_payload(&f.c2s, pl, 60);
	len = tb_frame(&f.c2s, frame, sizeof(frame));
	tc_emit_frame(frame, len - 30);
	tcg.truth.outcome[O_NONAME]++;
	tcg.truth.flows_created++;
	tcg.truth.capture_cut++;

	/* TCP data offset pointing past the segment. */
	tc_flow_init(&f, 2, 2, IPPROTO_TCP, 80, 1); /* an even client: IPv4 */
	tc_set_payload(&f.c2s, pl, 8);
	len = tb_frame(&f.c2s, frame, sizeof(frame));
	frame[14 + 4 + 20 + 12] = 0xf0;
	tc_emit_frame(frame, len);
	tcg.truth.drop[D_L4]++;
	tcg.truth.perr[L_L4]++;

	/* A vendor ClientHello whose session id length is 40: malformed. */
	tc_gflow_init(&gf, 4, 4, IPPROTO_TCP, 443, 0);
	len = tb_tls_client_hello(pl, sizeof(pl), "dnl-01.geo.kaspersky.com", false, 0);
	pl[5 + 4 + 2 + 32] = 40;
	tc_fsend(&gf, 0, 0x18, pl, len, 0, O_APPBAD, 0);
	tcg.truth.perr[L_TLS]++;

	/* A vendor ClientHello cut before its server_name whose rest never
	 * comes: held for reassembly until the flow times out. */
	tc_gflow_init(&gf, 4, 4, IPPROTO_TCP, 443, 0);
	tb_tls_client_hello(pl, sizeof(pl), "dnl-02.geo.kaspersky.com", false, 0);
	tc_fsend(&gf, 0, 0x18, pl, 80, 0, O_PARTIAL, 0);

	/* Two Host fields. */
	tc_gflow_init(&gf, 5, 5, IPPROTO_TCP, 80, 2);
	len = (uint32_t)snprintf(
	    (char *)pl, sizeof(pl),
	    "GET / HTTP/1.1\r\nHost: kaspersky.com\r\nHost: kaspersky.ru\r\n\r\n");
	tc_fsend(&gf, 0, 0x18, pl, len, 0, O_APPBAD, 0);
	tcg.truth.perr[L_HTTP]++;

	/* A DNS query whose question is a compression pointer. */
	tc_gflow_init(&gf, 6, 6, IPPROTO_UDP, 53, 0);
	memcpy(pl, (const uint8_t[]){0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}, 18);
	tc_fsend(&gf, 0, 0, pl, 18, 0, O_APPBAD, 0);
	tcg.truth.perr[L_DNS]++;
}
