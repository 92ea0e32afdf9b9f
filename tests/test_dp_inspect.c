/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_inspect through the worker: names split over segments and Initials,
 * reassembly limits, QUIC, configured server prefixes, payload signatures. */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_hash.h>

#include "tb_worker.h"

/* A post-quantum-sized ClientHello in three segments, the last first, the
 * first twice (the copy garbled: the first copy is kept), then the rest of
 * the connection: one session, every packet and byte of both directions. */
static void
test_dp_worker_flow_split_client_hello(void **state)
{
	struct dp_worker *w = tbw_new_worker(3);
	uint8_t ch[4096], junk[600], data[1000];
	uint32_t len =
	    tb_tls_client_hello_ks(ch, sizeof(ch), "dnl-05.geo.kaspersky.com", false, 500, 1216);
	struct tbw_conv c;

	(void)state;
	assert_true(len > 1800);
	memset(junk, 0xff, sizeof(junk));
	memset(data, 0x17, sizeof(data));
	tbw_conv_init(&c, w, "192.0.2.20", "203.0.113.9", IPPROTO_TCP, 443);
	assert_int_equal(tbw_conv_send(&c, 0, 0x02, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(tbw_conv_send(&c, 1, 0x12, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(tbw_conv_send(&c, 0, 0x10, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch + 1200, len - 1200, 1200), DP_OUT_PARTIAL);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, 600, 0), DP_OUT_PARTIAL);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, junk, 600, 0), DP_OUT_PARTIAL);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch + 600, 600, 600), DP_OUT_VENDOR);
	assert_int_equal(w->reasm.n_free, w->reasm.n_bufs); /* given back on deciding */
	assert_int_equal(tbw_conv_send(&c, 1, 0x18, data, sizeof(data), 0), DP_OUT_MATCHED);
	assert_int_equal(tbw_conv_send(&c, 1, 0x18, data, sizeof(data), 1000), DP_OUT_MATCHED);
	assert_int_equal(tbw_conv_send(&c, 0, 0x11, NULL, 0, len), DP_OUT_MATCHED);
	assert_int_equal(tbw_conv_send(&c, 1, 0x11, NULL, 0, 2000), DP_OUT_MATCHED);
	tbw_assert_traffic(w, &c, 1, 0, DP_SIG_TLS_SNI, 1);
	assert_int_equal(w->st.flow.created, 1);
	assert_int_equal(w->st.flow.ended, 1);
	/* The last ACK finds no flow and starts none. */
	assert_int_equal(tbw_conv_send(&c, 0, 0x10, NULL, 0, len + 1), DP_OUT_NO_NAME);
	assert_int_equal(w->st.flow.created, 1);
	assert_int_equal(rte_ring_count(w->events), 1);
	dp_worker_free(w);
}

/* Picked up mid-connection (no SYN): an HTTP request head in two segments;
 * a DNS query over TCP in two; a non-vendor flow is bypassed after. */
static void
test_dp_worker_flow_split_http_and_dns_tcp(void **state)
{
	struct dp_worker *w = tbw_new_worker(4);
	uint8_t req[512], q[300], body[100];
	uint32_t len = tb_http_get(req, sizeof(req), "upd.kaspersky.ru.", "/index.xml");
	struct tbw_conv c, d, e;
	uint32_t cut;

	(void)state;
	memset(body, '<', sizeof(body));
	tbw_conv_init(&c, w, "198.51.100.7", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, req, 20, 0), DP_OUT_PARTIAL);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, req + 20, len - 20, 20), DP_OUT_OTHER_NAME);
	assert_int_equal(tbw_conv_send(&c, 1, 0x18, body, sizeof(body), 0), DP_OUT_BYPASSED);

	len = tb_http_get(req, sizeof(req), "upd.kaspersky.com", "/index.xml");
	cut = (uint32_t)(strstr((char *)req, "kaspersky") - (char *)req); /* inside the Host */
	tbw_conv_init(&d, w, "198.51.100.7", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(tbw_conv_send(&d, 0, 0x18, req, cut, 0), DP_OUT_PARTIAL);
	assert_int_equal(tbw_conv_send(&d, 0, 0x18, req + cut, len - cut, cut), DP_OUT_VENDOR);
	assert_int_equal(tbw_conv_send(&d, 1, 0x18, body, sizeof(body), 0), DP_OUT_MATCHED);
	tbw_assert_traffic(w, &d, 2, 0, DP_SIG_HTTP_HOST, 1);

	/* RFC 1035 4.2.2: two octets of length, then the query. */
	len = tb_dns_query(q + 2, sizeof(q) - 2, 7, "ksn.kaspersky.com", 1);
	q[0] = (uint8_t)(len >> 8);
	q[1] = (uint8_t)len;
	tbw_conv_init(&e, w, "2001:db8:1::9", "2001:db8:5e::53", IPPROTO_TCP, 53);
	assert_int_equal(tbw_conv_send(&e, 0, 0x02, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(tbw_conv_send(&e, 0, 0x18, q, 1, 0), DP_OUT_PARTIAL);
	assert_int_equal(tbw_conv_send(&e, 0, 0x18, q + 1, len + 1, 1), DP_OUT_VENDOR);
	tbw_assert_traffic(w, &e, 1, 0, DP_SIG_DNS, 1);
	dp_worker_free(w);
}

/* A head longer than reassembly keeps is app_truncated; with every buffer
 * lent, a flow that needs one is app_truncated and counted. */
static void
test_dp_worker_flow_reassembly_limits(void **state)
{
	struct dp_worker *w = tbw_new_worker(5);
	uint8_t ch[8192];
	uint32_t len =
	    tb_tls_client_hello_ks(ch, sizeof(ch), "dnl-05.geo.kaspersky.com", false, 0, 5000);
	struct tbw_conv c[3], big;

	(void)state;
	/* The name comes after a key share, past 4096 bytes: never seen. */
	tbw_conv_init(&big, w, "192.0.2.21", "203.0.113.9", IPPROTO_TCP, 443);
	assert_int_equal(tbw_conv_send(&big, 0, 0x18, ch, 1400, 0), DP_OUT_PARTIAL);
	assert_int_equal(tbw_conv_send(&big, 0, 0x18, ch + 1400, 1400, 1400), DP_OUT_PARTIAL);
	assert_int_equal(tbw_conv_send(&big, 0, 0x18, ch + 2800, 1400, 2800), DP_OUT_APP_TRUNCATED);
	assert_int_equal(tbw_conv_send(&big, 0, 0x18, ch + 4200, len - 4200, 4200),
			 DP_OUT_BYPASSED);
	assert_int_equal(w->st.outcome[DP_OUT_VENDOR], 0);

	len = tb_tls_client_hello(ch, sizeof(ch), "kaspersky.com", false, 100);
	for (int i = 0; i < 3; i++) {
		tbw_conv_init(&c[i], w, "192.0.2.22", "203.0.113.9", IPPROTO_TCP, 443);
		assert_int_equal(tbw_conv_send(&c[i], 0, 0x18, ch, 50, 0),
				 i < 2 ? DP_OUT_PARTIAL : DP_OUT_APP_TRUNCATED);
	}
	assert_int_equal(w->st.reasm_no_buffer, 1);
	assert_int_equal(w->reasm.n_free, 0);
	assert_int_equal(tbw_conv_send(&c[1], 0, 0x18, ch + 50, len - 50, 50), DP_OUT_VENDOR);
	assert_int_equal(w->reasm.n_free, 1);
	dp_worker_free(w);
}

/* A configured server prefix decides the flow at its first packet, before
 * any name: signal server-ip, the prefix's vendor. */
static void
test_dp_worker_server_ip(void **state)
{
	struct dp_worker *w = tbw_new_worker(10);
	uint8_t ch[1024], anon[1024];
	uint32_t lc = tb_tls_client_hello(ch, sizeof(ch), "www.example.org", false, 0);
	uint32_t la = tb_tls_client_hello(anon, sizeof(anon), NULL, false, 0);
	struct tbw_conv c;

	(void)state;
	/* No name: the configured prefix decides, at the ClientHello. */
	tbw_conv_init(&c, w, "192.0.2.40", "203.0.113.100", IPPROTO_TCP, 443);
	assert_int_equal(tbw_conv_send(&c, 0, 0x02, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(tbw_conv_send(&c, 1, 0x12, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, anon, la, 0), DP_OUT_VENDOR);
	assert_int_equal(tbw_conv_send(&c, 1, 0x18, ch, 100, 0), DP_OUT_MATCHED);
	tbw_assert_traffic(w, &c, 1, 1, DP_SIG_SERVER_IP, 1);
	/* A name decides, even to a configured prefix: another's is no session. */
	tbw_conv_init(&c, w, "192.0.2.40", "203.0.113.101", IPPROTO_TCP, 443);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_OTHER_NAME);
	assert_int_equal(dp_worker_ctr(w, 1, 1, DP_SIG_SERVER_IP)->sessions, 1);
	tbw_conv_init(&c, w, "192.0.2.40", "203.0.113.112", IPPROTO_TCP, 443);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_OTHER_NAME);
	dp_worker_free(w);
}

/* Learned addresses cannot be poisoned into sessions: a flow that carries a
 * name is decided by it; the address decides only flows without one (no
 * SNI, Encrypted Client Hello, bulk joined mid-stream, the server speaking
 * first, a handshake and its end). */
static void
test_dp_worker_name_beats_address(void **state)
{
	static const struct {
		const char *what;
		enum { S_HELLO, S_ECH, S_HTTP, S_BULK, S_SERVER_FIRST, S_CLOSE } how;
		const char *name;
		enum dp_outcome want;
		enum dp_signal sig;
	} rows[] = {
	    {"another's sni", S_HELLO, "www.google.com", DP_OUT_OTHER_NAME, 0},
	    {"another's host", S_HTTP, "www.google.com", DP_OUT_OTHER_NAME, 0},
	    {"the vendor's sni", S_HELLO, "dnl-01.geo.kaspersky.com", DP_OUT_VENDOR,
	     DP_SIG_TLS_SNI},
	    {"no sni", S_HELLO, NULL, DP_OUT_VENDOR, DP_SIG_LEARNED_IP},
	    {"ech, a provider's public name", S_ECH, "ech-public.cdn.test", DP_OUT_VENDOR,
	     DP_SIG_LEARNED_IP},
	    /* Chromium's GREASE ECH: the true name outside. */
	    {"grease ech, the vendor's sni", S_ECH, "dnl-01.geo.kaspersky.com", DP_OUT_VENDOR,
	     DP_SIG_TLS_SNI},
	    {"bulk mid-stream", S_BULK, NULL, DP_OUT_VENDOR, DP_SIG_LEARNED_IP},
	    {"server first", S_SERVER_FIRST, NULL, DP_OUT_VENDOR, DP_SIG_LEARNED_IP},
	    {"handshake, then fin", S_CLOSE, NULL, DP_OUT_VENDOR, DP_SIG_LEARNED_IP},
	};
	struct dp_worker *w = tbw_new_worker(14);
	struct dp_learn_event ev = {.vendors = 1, .expires = T0 + 1000, .family = 4};
	uint64_t sessions[DP_SIG_COUNT] = {0}, before[DP_SIG_COUNT][2] = {{0}};
	uint8_t pl[1024];

	(void)state;
	tb_addr("8.8.8.8", ev.addr); /* what a spoofed answer taught */
	assert_int_equal(rte_ring_enqueue_elem(w->learn_in, &ev, sizeof(ev)), 0);
	assert_int_equal(dp_learn_apply(w, 8), 1);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tbw_conv c;
		uint32_t n;
		int o = -1;

		print_message("row %zu: %s\n", i, rows[i].what);
		tbw_conv_init(&c, w, "192.0.2.50", "8.8.8.8", IPPROTO_TCP,
			      rows[i].how == S_HTTP ? 80 : 443);
		if (rows[i].how != S_BULK) {
			assert_int_equal(tbw_conv_send(&c, 0, 0x02, NULL, 0, 0), DP_OUT_NO_NAME);
			assert_int_equal(tbw_conv_send(&c, 1, 0x12, NULL, 0, 0), DP_OUT_NO_NAME);
		}
		switch (rows[i].how) {
		case S_HELLO:
		case S_ECH:
			n = tb_tls_client_hello(pl, sizeof(pl), rows[i].name, rows[i].how == S_ECH,
						0);
			o = tbw_conv_send(&c, 0, 0x18, pl, n, 0);
			break;
		case S_HTTP:
			n = tb_http_get(pl, sizeof(pl), rows[i].name, "/");
			o = tbw_conv_send(&c, 0, 0x18, pl, n, 0);
			break;
		case S_BULK:
			memset(pl, 0x17, 300);
			o = tbw_conv_send(&c, 0, 0x18, pl, 300, 5000);
			break;
		case S_SERVER_FIRST:
			memset(pl, 0x17, 300);
			o = tbw_conv_send(&c, 1, 0x18, pl, 300, 0);
			break;
		case S_CLOSE:
			assert_int_equal(tbw_conv_send(&c, 0, 0x10, NULL, 0, 0), DP_OUT_NO_NAME);
			o = tbw_conv_send(&c, 0, 0x11, NULL, 0, 0);
			break;
		}
		assert_int_equal(o, rows[i].want);
		if (rows[i].want == DP_OUT_VENDOR) {
			const struct dp_org_ctr *k = dp_worker_ctr(w, 1, 0, rows[i].sig);

			/* One session more, and the whole conversation's traffic. */
			sessions[rows[i].sig]++;
			assert_int_equal(k->sessions, sessions[rows[i].sig]);
			assert_int_equal(k->pkts[0] - before[rows[i].sig][0], c.pkts[0]);
			assert_int_equal(k->pkts[1] - before[rows[i].sig][1], c.pkts[1]);
		}
		for (int sg = 0; sg < DP_SIG_COUNT; sg++)
			for (int d = 0; d < 2; d++)
				before[sg][d] = dp_worker_ctr(w, 1, 0, sg)->pkts[d];
	}
	assert_int_equal(dp_worker_ctr(w, 1, 0, DP_SIG_LEARNED_IP)->sessions, 5);
	dp_worker_free(w);
}

/* While a name is still arriving it decides, not the learned address: a
 * QUIC server acknowledging the first Initial; a ClientHello scattered in
 * shuffled CRYPTO frames over two Initials (Chromium's chaos protection:
 * more pieces than the reassembly holds ranges); a TLS head whose rest
 * never comes decides by the address once flows.partial_timeout passes. */
static void
test_dp_worker_name_still_arriving(void **state)
{
	static const uint8_t dcid[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct dp_worker_cfg cfg = tbw_wcfg;
	struct dp_learn_event ev = {.vendors = 1, .expires = T0 + 1000, .family = 4};
	uint8_t hello[4096], pkt[1500], ack[60], ch[4096];
	uint32_t hl = tb_tls_hello_message(hello, sizeof(hello), "dnl-09.geo.kaspersky.com", 1216);
	struct tb_crypto_frag a[] = {{0, hello, 900}}, b[] = {{900, hello + 900, hl - 900}};
	struct tb_crypto_frag p1[16], p2[16];
	struct dp_worker *w;
	struct tbw_conv c;
	uint32_t len, piece;

	(void)state;
	cfg.partial_timeout = 5;
	w = tbw_new_worker_cfg(15, &cfg);
	tb_addr("203.0.113.9", ev.addr);
	assert_int_equal(rte_ring_enqueue_elem(w->learn_in, &ev, sizeof(ev)), 0);
	assert_int_equal(dp_learn_apply(w, 8), 1);

	/* The server answers the first Initial (an ACK in its own Initial). */
	memset(ack, 0xc3, sizeof(ack));
	tbw_conv_init(&c, w, "198.51.100.50", "203.0.113.9", IPPROTO_UDP, 443);
	len = tb_quic_initial(pkt, sizeof(pkt), DP_QUIC_V1, dcid, 1, a, 1, 1200);
	assert_int_equal(tbw_conv_send(&c, 0, 0, pkt, len, 0), DP_OUT_PARTIAL);
	assert_int_equal(tbw_conv_send(&c, 1, 0, ack, sizeof(ack), 0), DP_OUT_PARTIAL);
	len = tb_quic_initial(pkt, sizeof(pkt), DP_QUIC_V1, dcid, 2, b, 1, 1200);
	assert_int_equal(tbw_conv_send(&c, 0, 0, pkt, len, 0), DP_OUT_VENDOR);
	tbw_assert_traffic(w, &c, 2, 0, DP_SIG_QUIC_SNI, 1);

	/* Sixteen pieces a packet, every other one first, then the rest; the
	 * second half first, so the name waits for the first. */
	piece = (hl + 31) / 32;
	for (unsigned i = 0; i < 16; i++) {
		unsigned k = i < 8 ? 2 * i : 2 * (i - 8) + 1;
		uint32_t o1 = k * piece, o2 = (16 + k) * piece;

		p1[i] = (struct tb_crypto_frag){o1, hello + o1, piece};
		p2[i] = (struct tb_crypto_frag){o2, hello + o2, o2 + piece > hl ? hl - o2 : piece};
	}
	tbw_conv_init(&c, w, "192.0.2.51", "203.0.113.9", IPPROTO_UDP, 443);
	len = tb_quic_initial(pkt, sizeof(pkt), DP_QUIC_V1, dcid, 2, p2, 16, 1250);
	assert_int_equal(tbw_conv_send(&c, 0, 0, pkt, len, 0), DP_OUT_PARTIAL);
	len = tb_quic_initial(pkt, sizeof(pkt), DP_QUIC_V1, dcid, 1, p1, 16, 1250);
	assert_int_equal(tbw_conv_send(&c, 0, 0, pkt, len, 0), DP_OUT_VENDOR);
	tbw_assert_traffic(w, &c, 1, 0, DP_SIG_QUIC_SNI, 1);

	/* The rest of a ClientHello never comes. */
	len = tb_tls_client_hello_ks(ch, sizeof(ch), "dnl-05.geo.kaspersky.com", false, 500, 1216);
	tbw_conv_init(&c, w, "198.51.100.52", "203.0.113.9", IPPROTO_TCP, 443);
	assert_int_equal(tbw_conv_send(&c, 0, 0x02, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(tbw_conv_send(&c, 1, 0x12, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, 1000, 0), DP_OUT_PARTIAL);
	c.now += 4;
	assert_int_equal(tbw_conv_send(&c, 0, 0x10, NULL, 0, 1000), DP_OUT_NO_NAME);
	assert_int_equal(w->st.partial_expired, 0);
	c.now += 1;
	assert_int_equal(tbw_conv_send(&c, 0, 0x10, NULL, 0, 1000), DP_OUT_VENDOR);
	assert_int_equal(w->st.partial_expired, 1);
	assert_int_equal(w->reasm.n_free, w->reasm.n_bufs);
	tbw_assert_traffic(w, &c, 2, 0, DP_SIG_LEARNED_IP, 1);
	dp_worker_free(w);
}

/* Evidence: a session decided by a name counts as name-only unless its
 * server's address is the vendor's - one a DNS answer for the vendor's
 * names taught, or in its server prefixes.  A VPN's decoy ClientHello
 * (Proton's stealth mode sends dc1-file.ksn.kaspersky-labs.com to its own
 * servers) is name-only; the product's, to the address its lookup just
 * returned, corroborated; a decision by address always is. */
static void
test_dp_worker_evidence(void **state)
{
	static const struct {
		const char *what, *server, *sni;
		unsigned vendor;
		enum dp_signal sig;
		uint64_t name_only;
	} rows[] = {
	    {"decoy: the vendor's name, another's server", "198.51.100.200",
	     "dc1-file.ksn.kaspersky.com", 0, DP_SIG_TLS_SNI, 1},
	    {"the product: its learned server", "203.0.113.9", "dc1-file.ksn.kaspersky.com", 0,
	     DP_SIG_TLS_SNI, 0},
	    {"a configured server of the name's vendor", "203.0.113.97", "upd.example.net", 1,
	     DP_SIG_TLS_SNI, 0},
	    {"another vendor's configured server", "203.0.113.98", "www.kaspersky.com", 0,
	     DP_SIG_TLS_SNI, 1},
	    {"no name: the learned address decides", "203.0.113.9", NULL, 0, DP_SIG_LEARNED_IP, 0},
	    {"the vendor's own network (its AS)", "198.51.100.130", "dc1-file.ksn.kaspersky.com", 0,
	     DP_SIG_TLS_SNI, 0},
	    {"the other vendor's network", "198.51.100.200", "www.kaspersky.com", 0, DP_SIG_TLS_SNI,
	     1},
	    {"its network, the other vendor's name", "198.51.100.201", "upd.example.net", 1,
	     DP_SIG_TLS_SNI, 0},
	};
	/* The vendors' own networks (asns: in the configuration): vendor 0's
	 * 198.51.100.128/26, vendor 1's 198.51.100.192/27. */
	static const uint64_t net_vendors[3] = {0, 1u << 0, 1u << 1};
	struct dp_worker *w = tbw_new_worker(16);
	struct dp_learn_event ev = {.vendors = 1, .expires = T0 + 1000, .family = 4};
	struct dp_client_sighting seen[8];
	struct dp_lpm_size sz = {0};
	struct dp_prefix np[2];
	struct dp_lpm *nets;
	struct dp_gen *g;
	const char *why;
	uint8_t pl[1024];

	(void)state;
	dp_prefix_parse("198.51.100.128/26", &np[0], &why);
	dp_prefix_parse("198.51.100.192/27", &np[1], &why);
	dp_lpm_size_add(&sz, &np[0]);
	dp_lpm_size_add(&sz, &np[1]);
	assert_non_null(nets = dp_lpm_create("evnets", &sz, 0));
	assert_int_equal(dp_lpm_add(nets, &np[0], 1), 0);
	assert_int_equal(dp_lpm_add(nets, &np[1], 2), 0);
	g = dp_gen_create(2, tbw_orgs, tbw_match, tbw_servers, tbw_server_vendors, 3, 2, tbw_match,
			  0);
	assert_non_null(g);
	dp_gen_set_vendor_nets(g, nets, net_vendors);
	g = dp_gen_publish(w, g);
	dp_gen_adopt(w);
	dp_gen_free(g);
	tb_addr("203.0.113.9", ev.addr);
	assert_int_equal(rte_ring_enqueue_elem(w->learn_in, &ev, sizeof(ev)), 0);
	assert_int_equal(dp_learn_apply(w, 8), 1);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct dp_org_ctr *k = dp_worker_ctr(w, 1, rows[i].vendor, rows[i].sig);
		uint64_t sessions = k->sessions, name_only = k->name_only;
		struct tbw_conv c;
		uint32_t n = tb_tls_client_hello(pl, sizeof(pl), rows[i].sni, false, 0);

		print_message("row %zu: %s\n", i, rows[i].what);
		tbw_conv_init(&c, w, "192.0.2.60", rows[i].server, IPPROTO_TCP, 443);
		assert_int_equal(tbw_conv_send(&c, 0, 0x02, NULL, 0, 0), DP_OUT_NO_NAME);
		assert_int_equal(tbw_conv_send(&c, 1, 0x12, NULL, 0, 0), DP_OUT_NO_NAME);
		assert_int_equal(tbw_conv_send(&c, 0, 0x18, pl, n, 0), DP_OUT_VENDOR);
		assert_int_equal(k->sessions, sessions + 1);
		assert_int_equal(k->name_only, name_only + rows[i].name_only);
		/* The decision's sighting carries it to the census. */
		n = dp_worker_events_take(w, seen, 8);
		assert_int_equal(n, 1);
		assert_int_equal(seen[0].decided, 1);
		assert_int_equal(seen[0].ev.vendor & 0x3f, rows[i].vendor);
		assert_int_equal(seen[0].name_only, rows[i].name_only);
	}
	/* The networks only corroborate: an address in them decides nothing. */
	{
		struct tbw_conv c;
		uint32_t n = tb_tls_client_hello(pl, sizeof(pl), NULL, false, 0);

		tbw_conv_init(&c, w, "192.0.2.61", "198.51.100.130", IPPROTO_TCP, 443);
		assert_int_equal(tbw_conv_send(&c, 0, 0x02, NULL, 0, 0), DP_OUT_NO_NAME);
		assert_int_equal(tbw_conv_send(&c, 1, 0x12, NULL, 0, 0), DP_OUT_NO_NAME);
		assert_int_not_equal(tbw_conv_send(&c, 0, 0x18, pl, n, 0), DP_OUT_VENDOR);
		assert_int_equal(dp_worker_events_take(w, seen, 8), 0);
	}
	dp_worker_free(w);
	dp_lpm_free(nets);
}

/* QUIC: a ClientHello over two Initials (the second half first), v1 and
 * v2; then the server's packets are matched.  An unknown version and a
 * server's Version Negotiation are counted. */
static void
test_dp_worker_quic(void **state)
{
	static const uint8_t dcid[8] = {9, 8, 7, 6, 5, 4, 3, 2};
	static const uint32_t versions[] = {DP_QUIC_V1, DP_QUIC_V2};
	struct dp_worker *w = tbw_new_worker(11);
	uint8_t hello[4096], pkt[1500], resp[300];
	uint32_t hl = tb_tls_hello_message(hello, sizeof(hello), "dnl-09.geo.kaspersky.com", 1216);
	struct tbw_conv c;

	(void)state;
	memset(resp, 0x42, sizeof(resp));
	for (size_t v = 0; v < 2; v++) {
		struct tb_crypto_frag a[] = {{1000, hello + 1000, hl - 1000}};
		struct tb_crypto_frag b[] = {{0, hello, 1000}};
		uint32_t len;

		tbw_conv_init(&c, w, v ? "2001:db8:1::30" : "198.51.100.50",
			      v ? "2001:db8:5e::443" : "203.0.113.9", IPPROTO_UDP, 443);
		len = tb_quic_initial(pkt, sizeof(pkt), versions[v], dcid, 1, a, 1, 1200);
		assert_int_equal(tbw_conv_send(&c, 0, 0, pkt, len, 0), DP_OUT_PARTIAL);
		len = tb_quic_initial(pkt, sizeof(pkt), versions[v], dcid, 0, b, 1, 1200);
		assert_int_equal(tbw_conv_send(&c, 0, 0, pkt, len, 0), DP_OUT_VENDOR);
		assert_int_equal(tbw_conv_send(&c, 1, 0, resp, sizeof(resp), 0), DP_OUT_MATCHED);
		tbw_assert_traffic(w, &c, v ? 1 : 2, 0, DP_SIG_QUIC_SNI, 1);
	}

	tbw_conv_init(&c, w, "192.0.2.51", "203.0.113.9", IPPROTO_UDP, 443);
	memcpy(pkt, (const uint8_t[]){0xc0, 0xff, 0, 0, 29, 8}, 6); /* draft-29 */
	assert_int_equal(tbw_conv_send(&c, 0, 0, pkt, 1200, 0), DP_OUT_NO_NAME);
	assert_int_equal(w->st.quic_unknown_version, 1);
	memcpy(pkt, (const uint8_t[]){0x80, 0, 0, 0, 0, 8}, 6);
	assert_int_equal(tbw_conv_send(&c, 1, 0, pkt, 40, 0), DP_OUT_BYPASSED);
	assert_int_equal(w->st.quic_version_neg, 1);
	dp_worker_free(w);
}

/* Payload signatures: a User-Agent in a request whose Host names no
 * vendor; one split across two segments (stream mode); one past the first
 * stream_bytes, never seen. */
static void
test_dp_worker_payload_signature(void **state)
{
	struct dp_worker *w = tbw_new_worker(12);
	char req[600];
	int len = snprintf(req, sizeof(req),
			   "GET /x HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: "
			   "Mozilla/5.0 Kaspersky/21.3\r\n\r\n");
	char *ua = strstr(req, "Kasp");
	struct tbw_conv c;

	(void)state;
	tbw_conv_init(&c, w, "192.0.2.60", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, (uint8_t *)req, (uint32_t)len, 0),
			 DP_OUT_VENDOR);
	assert_int_equal(tbw_conv_send(&c, 1, 0x18, (uint8_t *)req, 10, 0), DP_OUT_MATCHED);
	tbw_assert_traffic(w, &c, 1, 1, DP_SIG_PAYLOAD, 1);

	/* The name decides other_name, the signature completes a packet later. */
	tbw_conv_init(&c, w, "192.0.2.61", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, (uint8_t *)req, (uint32_t)(ua - req), 0),
			 DP_OUT_OTHER_NAME);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, (uint8_t *)ua, (uint32_t)(len - (ua - req)),
				       (uint32_t)(ua - req)),
			 DP_OUT_VENDOR);
	assert_int_equal(dp_worker_ctr(w, 1, 1, DP_SIG_PAYLOAD)->sessions, 2);

	/* Past 256 bytes of the client's direction: not scanned. */
	tbw_conv_init(&c, w, "192.0.2.62", "203.0.113.9", IPPROTO_TCP, 80);
	memset(req, 'x', 300);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, (uint8_t *)req, 300, 0), DP_OUT_NO_NAME);
	len = snprintf(req, sizeof(req), "User-Agent: Kaspersky\r\n");
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, (uint8_t *)req, (uint32_t)len, 300),
			 DP_OUT_BYPASSED);
	assert_int_equal(dp_worker_ctr(w, 1, 1, DP_SIG_PAYLOAD)->sessions, 2);
	assert_int_equal(w->st.stream_failed, 0);
	dp_worker_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_worker_flow_split_client_hello),
	    cmocka_unit_test(test_dp_worker_flow_split_http_and_dns_tcp),
	    cmocka_unit_test(test_dp_worker_flow_reassembly_limits),
	    cmocka_unit_test(test_dp_worker_server_ip),
	    cmocka_unit_test(test_dp_worker_name_beats_address),
	    cmocka_unit_test(test_dp_worker_name_still_arriving),
	    cmocka_unit_test(test_dp_worker_evidence),
	    cmocka_unit_test(test_dp_worker_quic),
	    cmocka_unit_test(test_dp_worker_payload_signature),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, tbw_setup, NULL);
}
