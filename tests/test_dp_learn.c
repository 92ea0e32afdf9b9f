/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_learn through the worker: addresses learned from DNS answers over UDP
 * and TCP decide flows to them, and travel between workers. */
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

/* A vendor's DNS answer teaches its addresses (CNAME chain followed, a
 * record off the chain ignored); a later flow to one, even an ECH
 * ClientHello with no usable name, is the vendor's until the TTL runs out. */
static void
test_dp_worker_learned_ip(void **state)
{
	static const struct tb_rr rr[] = {
	    {NULL, 5, 600, "cdn.kaspersky.example"},
	    {"cdn.kaspersky.example", 1, 300, "203.0.113.77"},
	    {"cdn.kaspersky.example", 28, 100, "2001:db8:5f::4"},
	    {"unrelated.example", 1, 300, "203.0.113.78"},
	};
	struct dp_worker_cfg small = tbw_wcfg;
	struct dp_worker *w = tbw_new_worker(9);
	uint8_t q[512], ans[1024], ch[1024];
	uint32_t lq = tb_dns_query(q, sizeof(q), 9, "dnl-07.geo.kaspersky.com", 1);
	uint32_t la = tb_dns_response(ans, sizeof(ans), 9, "dnl-07.geo.kaspersky.com", rr, 4);
	uint32_t lc = tb_tls_client_hello(ch, sizeof(ch), NULL, true, 0);
	struct dp_learn_event ev;
	struct tbw_conv d, c;

	(void)state;
	tbw_conv_init(&d, w, "192.0.2.30", "203.0.113.53", IPPROTO_UDP, 53);
	assert_int_equal(tbw_conv_send(&d, 0, 0, q, lq, 0), DP_OUT_VENDOR);
	assert_int_equal(tbw_conv_send(&d, 1, 0, ans, la, 0), DP_OUT_MATCHED);
	assert_int_equal(w->st.learned, 2);
	/* An NXDOMAIN answer teaches nothing and is no parse error. */
	ans[3] = 0x83;
	assert_int_equal(tbw_conv_send(&d, 1, 0, ans, la, 0), DP_OUT_MATCHED);
	assert_int_equal(w->st.learned, 2);
	assert_int_equal(w->st.parse_err[DP_LAYER_DNS], 0);
	ans[3] = 0x80;
	assert_int_equal(rte_ring_count(w->learn_out), 2);
	assert_int_equal(rte_ring_dequeue_elem(w->learn_out, &ev, sizeof(ev)), 0);
	assert_int_equal(ev.expires, T0 + 300);
	assert_int_equal(ev.vendors, 1);

	/* The handshake waits; the ClientHello offers ECH (no name to go by):
	 * the learned address decides, the handshake counted with it. */
	tbw_conv_init(&c, w, "198.51.100.8", "203.0.113.77", IPPROTO_TCP, 443);
	assert_int_equal(tbw_conv_send(&c, 0, 0x02, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(tbw_conv_send(&c, 1, 0x12, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_VENDOR);
	tbw_assert_traffic(w, &c, 2, 0, DP_SIG_LEARNED_IP, 1);

	tbw_conv_init(&c, w, "2001:db8:1::8", "2001:db8:5f::4", IPPROTO_TCP, 443);
	c.now = T0 + 99;
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_VENDOR);
	tbw_assert_traffic(w, &c, 1, 0, DP_SIG_LEARNED_IP, 1);
	tbw_conv_init(&c, w, "2001:db8:1::8", "2001:db8:5f::4", IPPROTO_TCP, 443);
	c.now = T0 + 100; /* the AAAA's TTL has run out */
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_NO_NAME);
	tbw_conv_init(&c, w, "198.51.100.8", "203.0.113.78", IPPROTO_TCP, 443);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_NO_NAME);
	assert_int_equal(dp_worker_ctr(w, 2, 0, DP_SIG_LEARNED_IP)->sessions, 1);
	/* Every ClientHello is inspected now, those to learned addresses too. */
	assert_int_equal(w->st.tls_ech, 4);

	/* What another worker learned arrives through learn_in. */
	ev.expires = T0 + 1000;
	tb_addr("203.0.113.79", ev.addr);
	ev.family = 4;
	ev.vendors = 2;
	assert_int_equal(rte_ring_enqueue_elem(w->learn_in, &ev, sizeof(ev)), 0);
	assert_int_equal(dp_learn_apply(w, 8), 1);
	tbw_conv_init(&c, w, "198.51.100.8", "203.0.113.79", IPPROTO_TCP, 443);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_VENDOR);
	assert_int_equal(dp_worker_ctr(w, 2, 1, DP_SIG_LEARNED_IP)->sessions, 1);
	dp_worker_free(w);

	/* A table of 16 (every slot probed) takes 16 addresses; the 17th
	 * replaces one that has not expired, and that is counted. */
	small.learned_capacity = 16;
	w = tbw_new_worker_cfg(13, &small);
	for (int i = 0; i < 17; i++) {
		ev.addr[3] = (uint8_t)(100 + i);
		assert_int_equal(rte_ring_enqueue_elem(w->learn_in, &ev, sizeof(ev)), 0);
	}
	assert_int_equal(dp_learn_apply(w, 32), 17);
	assert_int_equal(w->st.learned_evicted, 1);
	dp_worker_free(w);
}

/* A tap on the servers' side sees the answer without its query: the
 * question it repeats names the vendor, its addresses are learned (no
 * session: the client's side is not seen); another name's teach nothing. */
static void
test_dp_worker_answer_alone(void **state)
{
	static const struct tb_rr rr[] = {{NULL, 1, 300, "203.0.113.81"}};
	struct dp_worker *w = tbw_new_worker(22);
	uint8_t ans[512], ch[1024];
	uint32_t la = tb_dns_response(ans, sizeof(ans), 7, "s03.upd.kaspersky.com", rr, 1);
	uint32_t lc = tb_tls_client_hello(ch, sizeof(ch), NULL, true, 0);
	struct tbw_conv d, c;

	(void)state;
	tbw_conv_init(&d, w, "192.0.2.31", "203.0.113.53", IPPROTO_UDP, 53);
	assert_int_equal(tbw_conv_send(&d, 1, 0, ans, la, 0), DP_OUT_NO_NAME);
	assert_int_equal(w->st.learned, 1);
	assert_int_equal(dp_worker_ctr(w, 1, 0, DP_SIG_DNS)->sessions, 0);
	la = tb_dns_response(ans, sizeof(ans), 8, "cdn.unrelated.example", rr, 1);
	tbw_conv_init(&d, w, "192.0.2.32", "203.0.113.53", IPPROTO_UDP, 53);
	assert_int_equal(tbw_conv_send(&d, 1, 0, ans, la, 0), DP_OUT_NO_NAME);
	assert_int_equal(w->st.learned, 1);
	/* A client's nameless flow to the address it taught: the vendor's. */
	tbw_conv_init(&c, w, "198.51.100.9", "203.0.113.81", IPPROTO_TCP, 443);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_VENDOR);
	assert_int_equal(dp_worker_ctr(w, 2, 0, DP_SIG_LEARNED_IP)->sessions, 1);
	dp_worker_free(w);
}

/* An address learned from names of two roles of one vendor (a CDN behind
 * update and activation names) decides a nameless flow once, under the
 * vendor's own level; two vendors' bits both count. */
static void
test_dp_worker_address_one_role(void **state)
{
	struct dp_worker_cfg roles = tbw_wcfg;
	uint8_t ch[1024];
	uint32_t lc = tb_tls_client_hello(ch, sizeof(ch), NULL, true, 0);
	struct dp_learn_event ev = {.family = 4, .vendors = 3, .expires = T0 + 1000};
	struct dp_worker *w;
	struct tbw_conv c;

	(void)state;
	/* Vendors 0 and 1 as two roles of one vendor, 0 its own level. */
	roles.same_vendor[0] = roles.same_vendor[1] = 3;
	roles.address_role[0] = roles.address_role[1] = 0;
	for (int shared = 1; shared >= 0; shared--) {
		w = tbw_new_worker_cfg((unsigned)(20 + shared), shared ? &roles : &tbw_wcfg);
		tb_addr("203.0.113.80", ev.addr);
		assert_int_equal(rte_ring_enqueue_elem(w->learn_in, &ev, sizeof(ev)), 0);
		assert_int_equal(dp_learn_apply(w, 8), 1);
		tbw_conv_init(&c, w, "198.51.100.9", "203.0.113.80", IPPROTO_TCP, 443);
		assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_VENDOR);
		assert_int_equal(dp_worker_ctr(w, 2, 0, DP_SIG_LEARNED_IP)->sessions, 1);
		assert_int_equal(dp_worker_ctr(w, 2, 1, DP_SIG_LEARNED_IP)->sessions,
				 shared ? 0 : 1);
		dp_worker_free(w);
	}
}

/* DNS over TCP (RFC 7766): two answers back to back in the server's
 * stream, cut at the given offsets and sent in the given order (index of
 * each piece); each answer teaches its two addresses once whole.  Reading
 * stops, counted, when an answer is longer than a reassembly buffer. */
static const struct {
	const char *what;
	uint32_t reasm_bytes;
	unsigned n;	 /* pieces */
	uint32_t cut[5]; /* piece i is [cut[i], cut[i+1]) of the stream */
	unsigned order[4];
	uint64_t learned, unread;
} tcp_rows[] = {
    {"one segment", 4096, 1, {0, ~0u}, {0}, 4, 0},
    {"length alone, then the rest", 4096, 2, {0, 1, ~0u}, {0, 1}, 4, 0},
    {"second answer first", 4096, 2, {0, 100, ~0u}, {1, 0}, 4, 0},
    {"four pieces reversed", 4096, 4, {0, 30, 99, 140, ~0u}, {3, 2, 1, 0}, 4, 0},
    {"answer longer than the buffer", 64, 3, {0, 40, 80, ~0u}, {0, 1, 2}, 0, 1},
};

static void
test_dp_worker_dns_tcp_answers(void **state)
{
	static const struct tb_rr rr1[] = {{NULL, 1, 300, "203.0.113.81"},
					   {NULL, 28, 300, "2001:db8:5f::81"}};
	static const struct tb_rr rr2[] = {{NULL, 1, 300, "203.0.113.82"},
					   {NULL, 28, 300, "2001:db8:5f::82"}};
	uint8_t q[300], st[2048];
	uint32_t lq = tb_dns_query(q + 2, sizeof(q) - 2, 3, "ksn.kaspersky.com", 1), n1, n2;

	(void)state;
	q[0] = (uint8_t)(lq >> 8);
	q[1] = (uint8_t)lq;
	n1 = tb_dns_response(st + 2, sizeof(st) - 2, 3, "ksn.kaspersky.com", rr1, 2);
	st[0] = (uint8_t)(n1 >> 8);
	st[1] = (uint8_t)n1;
	n2 = tb_dns_response(st + 4 + n1, sizeof(st) - 4 - n1, 4, "ksn.kaspersky.com", rr2, 2);
	st[2 + n1] = (uint8_t)(n2 >> 8);
	st[3 + n1] = (uint8_t)n2;
	for (size_t i = 0; i < sizeof(tcp_rows) / sizeof(tcp_rows[0]); i++) {
		struct dp_worker_cfg cfg = tbw_wcfg;
		struct dp_worker *w;
		struct tbw_conv c;

		print_message("row %zu: %s\n", i, tcp_rows[i].what);
		cfg.reasm_bytes = tcp_rows[i].reasm_bytes;
		w = tbw_new_worker_cfg(20 + (unsigned)i, &cfg);
		tbw_conv_init(&c, w, "192.0.2.31", "203.0.113.53", IPPROTO_TCP, 53);
		assert_int_equal(tbw_conv_send(&c, 0, 0x02, NULL, 0, 0), DP_OUT_NO_NAME);
		assert_int_equal(tbw_conv_send(&c, 1, 0x12, NULL, 0, 0), DP_OUT_NO_NAME);
		assert_int_equal(tbw_conv_send(&c, 0, 0x18, q, lq + 2, 0), DP_OUT_VENDOR);
		for (unsigned k = 0; k < tcp_rows[i].n; k++) {
			unsigned p = tcp_rows[i].order[k];
			uint32_t lo = tcp_rows[i].cut[p];
			uint32_t hi =
			    tcp_rows[i].cut[p + 1] == ~0u ? 4 + n1 + n2 : tcp_rows[i].cut[p + 1];

			assert_int_equal(tbw_conv_send(&c, 1, 0x18, st + lo, hi - lo, lo),
					 DP_OUT_MATCHED);
		}
		assert_int_equal(w->st.learned, tcp_rows[i].learned);
		assert_int_equal(w->st.dns_tcp_unread, tcp_rows[i].unread);
		/* Every buffer given back once nothing is pending. */
		assert_int_equal(w->reasm.n_free, w->reasm.n_bufs);
		tbw_assert_traffic(w, &c, 1, 0, DP_SIG_DNS, 1);
		dp_worker_free(w);
	}
}

/* An answer with TTL 0 (or a few seconds) still teaches its address for
 * learned.min_ttl: the client connects right after. */
static void
test_dp_worker_learned_min_ttl(void **state)
{
	static const struct tb_rr rr[] = {
	    {NULL, 1, 0, "203.0.113.81"},
	    {NULL, 1, 5, "203.0.113.82"},
	    {NULL, 1, 90, "203.0.113.83"},
	};
	static const struct {
		const char *addr;
		uint32_t after; /* seconds after the answer */
		enum dp_outcome want;
	} rows[] = {
	    {"203.0.113.81", 29, DP_OUT_VENDOR}, {"203.0.113.81", 30, DP_OUT_NO_NAME},
	    {"203.0.113.82", 29, DP_OUT_VENDOR}, {"203.0.113.82", 30, DP_OUT_NO_NAME},
	    {"203.0.113.83", 89, DP_OUT_VENDOR}, {"203.0.113.83", 90, DP_OUT_NO_NAME},
	};
	struct dp_worker_cfg cfg = tbw_wcfg;
	uint8_t q[512], ans[1024], ch[512];
	uint32_t lq = tb_dns_query(q, sizeof(q), 3, "dnl-09.geo.kaspersky.com", 1);
	uint32_t la = tb_dns_response(ans, sizeof(ans), 3, "dnl-09.geo.kaspersky.com", rr, 3);
	uint32_t lc = tb_tls_client_hello(ch, sizeof(ch), NULL, false, 0);
	struct dp_worker *w;
	struct tbw_conv d, c;

	(void)state;
	cfg.learned_min_ttl = 30;
	w = tbw_new_worker_cfg(15, &cfg);
	tbw_conv_init(&d, w, "192.0.2.60", "203.0.113.53", IPPROTO_UDP, 53);
	assert_int_equal(tbw_conv_send(&d, 0, 0, q, lq, 0), DP_OUT_VENDOR);
	assert_int_equal(tbw_conv_send(&d, 1, 0, ans, la, 0), DP_OUT_MATCHED);
	assert_int_equal(w->st.learned, 3);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("row %zu: %s +%u s\n", i, rows[i].addr, rows[i].after);
		tbw_conv_init(&c, w, "192.0.2.60", rows[i].addr, IPPROTO_TCP, 443);
		c.now = T0 + rows[i].after;
		assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, lc, 0), rows[i].want);
	}
	dp_worker_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_worker_learned_ip),
	    cmocka_unit_test(test_dp_worker_address_one_role),
	    cmocka_unit_test(test_dp_worker_answer_alone),
	    cmocka_unit_test(test_dp_worker_learned_min_ttl),
	    cmocka_unit_test(test_dp_worker_dns_tcp_answers),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, tbw_setup, NULL);
}
