/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker's per-packet stage on hand-built frames: outcome, counters per
 * (org, vendor, signal), client events; flows (timeouts, a full table);
 * survival of mutated frames. */
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

#include "tb_worker.h"

struct row {
	const char *src;
	enum tbw_kind k;
	const char *name;
	int nvlan;
	enum dp_outcome out;
	uint32_t org;
	int vendor; /* -1: none */
	enum dp_signal sig;
};

static const struct row rows[] = {
    {"192.0.2.5", K_TLS, "dnl-01.geo.kaspersky.com", 0, DP_OUT_VENDOR, 1, 0, DP_SIG_TLS_SNI},
    {"192.0.2.5", K_DNS, "kaspersky.com", 1, DP_OUT_VENDOR, 1, 0, DP_SIG_DNS},
    {"2001:db8:1::7", K_HTTP, "upd.kaspersky.com", 2, DP_OUT_VENDOR, 1, 0, DP_SIG_HTTP_HOST},
    {"198.51.100.3", K_TLS, "www.example.net", 0, DP_OUT_VENDOR, 2, 1, DP_SIG_TLS_SNI},
    {"192.0.2.200", K_DNS, "a.kaspersky.com", 0, DP_OUT_VENDOR, 0, 0, DP_SIG_DNS},
    {"192.0.2.5", K_TLS, "notkaspersky.com", 0, DP_OUT_OTHER_NAME, 0, -1, 0},
    {"192.0.2.5", K_HTTP, "kaspersky.com.evil.example", 0, DP_OUT_OTHER_NAME, 0, -1, 0},
};

static void
test_dp_worker_packet_table(void **state)
{
	struct dp_worker *w = tbw_new_worker(0);
	uint64_t sessions[3][2][DP_SIG_COUNT] = {{{0}}};
	unsigned events = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		uint8_t frame[4096];
		uint32_t len = tbw_build(frame, sizeof(frame), r->src, r->k, r->name, r->nvlan);
		uint64_t before = w->st.outcome[r->out];

		print_message("row %zu: %s %s\n", i, r->src, r->name);
		dp_worker_packet(w, frame, len, T0);
		assert_int_equal(w->st.outcome[r->out], before + 1);
		if (r->vendor >= 0) {
			sessions[r->org][r->vendor][r->sig]++;
			events++;
		}
	}
	for (uint32_t o = 0; o < 3; o++)
		for (unsigned v = 0; v < 2; v++)
			for (unsigned s = 0; s < DP_SIG_COUNT; s++) {
				const struct dp_org_ctr *c = dp_worker_ctr(w, o, v, s);

				assert_int_equal(c->sessions, sessions[o][v][s]);
				/* The packet's time, not the control clock's. */
				assert_int_equal(c->last_seen, sessions[o][v][s] ? T0 : 0);
			}
	assert_int_equal(rte_ring_count(w->events), events);
	{
		struct dp_client_sighting s;
		struct dp_client_event ev;
		uint8_t want[16] = {0};

		/* The first event is the first row's client, seen at its packet's time. */
		assert_int_equal(dp_worker_events_take(w, &s, 1), 1);
		assert_int_equal(s.seen, T0);
		ev = s.ev;
		tb_addr("192.0.2.5", want);
		assert_int_equal(ev.org, 1);
		assert_int_equal(ev.vendor, 0);
		assert_int_equal(ev.family, 4);
		assert_memory_equal(ev.addr, want, 4);
	}
	dp_worker_free(w);
}

/* A live worker whose ring is full counts the lost sighting. */
static void
test_dp_worker_packet_ring_full(void **state)
{
	struct dp_worker_cfg big = tbw_wcfg;
	struct dp_worker *w;
	uint8_t frame[4096];
	uint32_t len;
	unsigned cap;

	(void)state;
	big.flow.capacity = 1u << 17;
	w = tbw_new_worker_cfg(1, &big);
	cap = rte_ring_get_capacity(w->events);
	for (unsigned i = 0; i < cap + 5; i++) {
		/* A new flow each time: the same query from successive ports
		 * of two clients. */
		if (i % 60000 == 0)
			tbw_next_sport = 1024;
		len = tbw_build(frame, sizeof(frame), i < 60000 ? "192.0.2.9" : "192.0.2.10", K_DNS,
				"kaspersky.com", 0);
		dp_worker_packet(w, frame, len, T0);
	}
	assert_int_equal(rte_ring_count(w->events), cap);
	assert_int_equal(w->st.client_events_lost, 5);
	assert_int_equal(dp_worker_ctr(w, 1, 0, DP_SIG_DNS)->sessions, cap + 5);
	dp_worker_free(w);
}

static uint64_t
sum(const uint64_t *v, unsigned n)
{
	uint64_t s = 0;

	for (unsigned i = 0; i < n; i++)
		s += v[i];
	return s;
}

/* Truncations and bit flips of valid frames: every one ends in exactly one
 * outcome or drop, and nothing reads outside the frame (ASan watches). */
static void
test_dp_worker_packet_mutations(void **state)
{
	static const char *const names[] = {"dnl-01.geo.kaspersky.com", "x.example.net", "a.b"};
	struct dp_worker *w = tbw_new_worker(2);
	uint64_t rng = 42, fed = 0;
	uint8_t frame[4096], *copy;

	(void)state;
	for (int k = 0; k < 3; k++)
		for (int nv = 0; nv < 3; nv++) {
			uint32_t len =
			    tbw_build(frame, sizeof(frame), nv == 1 ? "2001:db8:1::5" : "192.0.2.5",
				      (enum tbw_kind)k, names[(k + nv) % 3], nv);

			for (uint32_t cut = 0; cut <= len; cut++) {
				/* Exact-size heap copy so ASan sees any overread. */
				copy = malloc(cut ? cut : 1);
				memcpy(copy, frame, cut);
				dp_worker_packet(w, copy, cut, T0);
				free(copy);
				fed++;
			}
			for (int i = 0; i < 3000; i++) {
				uint32_t n = 1 + (uint32_t)(rng % 4);

				copy = malloc(len);
				memcpy(copy, frame, len);
				while (n--) {
					rng = rng * 6364136223846793005ull + 1442695040888963407ull;
					copy[(rng >> 33) % len] ^=
					    (uint8_t)(1u << ((rng >> 29) & 7));
				}
				dp_worker_packet(w, copy, len, T0);
				free(copy);
				fed++;
			}
			rte_ring_reset(w->events);
		}
	assert_int_equal(sum(w->st.outcome, DP_OUT_COUNT) + sum(w->st.drop, DP_DROP_COUNT), fed);
	print_message("%" PRIu64 " mutated frames: %" PRIu64 " dropped, %" PRIu64 " vendor\n", fed,
		      sum(w->st.drop, DP_DROP_COUNT), w->st.outcome[DP_OUT_VENDOR]);
	dp_worker_free(w);
}

/* Idle and hard timeouts end a flow; the next packet starts a new one. */
static void
test_dp_worker_flow_timeouts(void **state)
{
	struct dp_worker *w = tbw_new_worker(6);
	uint8_t pl[512];
	uint32_t len = tb_dns_query(pl, sizeof(pl), 1, "kaspersky.com", 1);
	struct tbw_conv c;

	(void)state;
	tbw_conv_init(&c, w, "192.0.2.23", "203.0.113.53", IPPROTO_UDP, 53);
	assert_int_equal(tbw_conv_send(&c, 0, 0, pl, len, 0), DP_OUT_VENDOR);
	c.now += 59;
	assert_int_equal(tbw_conv_send(&c, 0, 0, pl, len, 0), DP_OUT_MATCHED);
	c.now += 60; /* idle_timeout */
	assert_int_equal(tbw_conv_send(&c, 0, 0, pl, len, 0), DP_OUT_VENDOR);
	assert_int_equal(w->st.flow.idle, 1);
	for (int i = 0; i < 11; i++) {
		c.now += 50; /* never idle */
		assert_int_equal(tbw_conv_send(&c, 0, 0, pl, len, 0), DP_OUT_MATCHED);
	}
	c.now += 50; /* 600 s after the flow began: hard_timeout */
	assert_int_equal(tbw_conv_send(&c, 0, 0, pl, len, 0), DP_OUT_VENDOR);
	assert_int_equal(w->st.flow.hard, 1);
	assert_int_equal(dp_worker_ctr(w, 1, 0, DP_SIG_DNS)->sessions, 3);
	/* The sweep expires what no packet revisits. */
	assert_int_equal(dp_flow_sweep(&w->flows, c.now + 60, w->flows.n_slots), 1);
	assert_int_equal(w->st.flow.idle, 2);
	assert_int_equal(w->st.flow.created, 3);
	dp_worker_free(w);
}

/* A full table evicts undecided and bypassed flows, never a vendor's; with
 * nothing to evict the packet is inspected alone and counted as full. */
static void
test_dp_worker_flow_table_full(void **state)
{
	struct dp_worker_cfg small = tbw_wcfg;
	struct dp_worker *w;
	uint8_t pl[512];
	uint32_t lv = tb_dns_query(pl, sizeof(pl), 1, "kaspersky.com", 1);
	struct tbw_conv c;
	unsigned cap;

	(void)state;
	small.flow.capacity = 64;
	w = tbw_new_worker_cfg(7, &small);
	cap = w->flows.n_slots;
	assert_int_equal(cap, 64); /* exactly the capacity */
	/* Vendor flows are never evicted: once the table is full of them, a
	 * new flow's packet has no entry and is untracked, not a session. */
	for (unsigned i = 0, vendor = 0; i < 200; i++) {
		int o;

		tbw_conv_init(&c, w, "192.0.2.24", "203.0.113.53", IPPROTO_UDP, 53);
		o = tbw_conv_send(&c, 0, 0, pl, lv, 0);
		assert_int_equal(o, vendor < w->st.flow.created || w->st.flow.full == 0
					? DP_OUT_VENDOR
					: DP_OUT_UNTRACKED);
		vendor += o == DP_OUT_VENDOR;
	}
	assert_int_equal(w->st.flow.created + w->st.flow.full, 200);
	assert_true(w->st.flow.full > 0);
	assert_int_equal(w->st.flow.evicted, 0);
	assert_int_equal(dp_worker_ctr(w, 1, 0, DP_SIG_DNS)->sessions, w->st.flow.created);
	assert_int_equal(w->st.outcome[DP_OUT_UNTRACKED], w->st.flow.full);
	print_message("capacity 64: %" PRIu64 " flows held, %" PRIu64 " full\n", w->st.flow.created,
		      w->st.flow.full);
	dp_worker_free(w);

	w = tbw_new_worker_cfg(8, &small);
	lv = tb_dns_query(pl, sizeof(pl), 1, "www.example.org", 1);
	for (unsigned i = 0; i < 200; i++) {
		tbw_conv_init(&c, w, "192.0.2.24", "203.0.113.53", IPPROTO_UDP, 53);
		assert_int_equal(tbw_conv_send(&c, 0, 0, pl, lv, 0), DP_OUT_OTHER_NAME);
	}
	assert_int_equal(w->st.flow.created, 200);
	assert_int_equal(w->st.flow.full, 0);
	assert_int_equal(w->st.flow.created - w->st.flow.evicted, dp_flow_count(&w->flows));
	dp_worker_free(w);
}

/* A table full of vendor flows (nameless ClientHellos to a configured
 * server prefix: decided by the address), then a real flow of 1,000 packets
 * to that prefix: it has no entry, and its packets are untracked - none is
 * a session (before, each client packet was inspected alone and counted as
 * a server-ip session). */
static void
test_dp_worker_flow_table_full_no_sessions(void **state)
{
	struct dp_worker_cfg small = tbw_wcfg;
	uint8_t data[200], ch[512];
	uint32_t lc = tb_tls_client_hello(ch, sizeof(ch), NULL, false, 0);
	struct tbw_conv c;
	struct dp_worker *w;
	uint64_t held, sessions;

	(void)state;
	memset(data, 0x17, sizeof(data));
	small.flow.capacity = 64;
	w = tbw_new_worker_cfg(9, &small);
	for (unsigned i = 0; i < 4 * w->flows.n_slots; i++) {
		tbw_conv_init(&c, w, "192.0.2.30", "203.0.113.100", IPPROTO_TCP, 443);
		tbw_conv_send(&c, 0, 0x18, ch, lc, 0);
	}
	held = w->st.flow.created;
	sessions = dp_worker_ctr(w, 1, 1, DP_SIG_SERVER_IP)->sessions;
	assert_int_equal(sessions, held);
	assert_int_equal(w->st.outcome[DP_OUT_UNTRACKED], 4 * w->flows.n_slots - held);
	tbw_conv_init(&c, w, "192.0.2.31", "203.0.113.101", IPPROTO_TCP, 443);
	for (unsigned i = 0; i < 500; i++) {
		assert_int_equal(tbw_conv_send(&c, 0, DP_TCP_ACK, data, sizeof(data), i * 200),
				 DP_OUT_UNTRACKED);
		assert_int_equal(tbw_conv_send(&c, 1, DP_TCP_ACK, data, sizeof(data), i * 200),
				 DP_OUT_UNTRACKED);
	}
	assert_int_equal(dp_worker_ctr(w, 1, 1, DP_SIG_SERVER_IP)->sessions, sessions);
	assert_int_equal(w->st.flow.created, held);
	dp_worker_free(w);
}

/* With clients.evidence, a client is reported verified only once the flow
 * shows an exchange: TCP, the client sending after the server; UDP, the
 * server replying.  A one-packet ClientHello (a spoofed source) stays
 * unverified; a DNS query is reported unverified, then verified with its
 * answer. */
static void
test_dp_worker_client_evidence(void **state)
{
	struct dp_worker_cfg cfg = tbw_wcfg;
	uint8_t ch[512], q[256], ans[512];
	uint32_t lc = tb_tls_client_hello(ch, sizeof(ch), "dnl-02.geo.kaspersky.com", false, 0);
	uint32_t lq = tb_dns_query(q, sizeof(q), 5, "kaspersky.com", 1);
	struct tb_rr rr = {NULL, 1, 60, "203.0.113.70"};
	uint32_t la = tb_dns_response(ans, sizeof(ans), 5, "kaspersky.com", &rr, 1);
	struct dp_client_sighting ev[8];
	struct dp_worker *w;
	struct tbw_conv c;

	(void)state;
	cfg.client_evidence = true;
	w = tbw_new_worker_cfg(16, &cfg);
	/* Spoofed: the ClientHello alone. */
	tbw_conv_init(&c, w, "192.0.2.70", "203.0.113.9", IPPROTO_TCP, 443);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_VENDOR);
	assert_int_equal(dp_worker_events_take(w, ev, 8), 1);
	assert_int_equal(ev[0].ev.vendor, 0 | DP_CLIENT_UNVERIFIED);
	assert_int_equal(ev[0].decided, 1); /* a session, evidence or not */
	assert_int_equal(ev[0].sig, DP_SIG_TLS_SNI);
	/* A handshake the server answered, then the ClientHello: verified. */
	tbw_conv_init(&c, w, "192.0.2.71", "203.0.113.9", IPPROTO_TCP, 443);
	tbw_conv_send(&c, 0, 0x02, NULL, 0, 0);
	tbw_conv_send(&c, 1, 0x12, NULL, 0, 0);
	tbw_conv_send(&c, 0, 0x10, NULL, 0, 0);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_VENDOR);
	assert_int_equal(dp_worker_events_take(w, ev, 8), 1);
	assert_int_equal(ev[0].ev.vendor, 0);
	/* DNS: the query decides, unverified; the answer verifies, once. */
	tbw_conv_init(&c, w, "192.0.2.72", "203.0.113.53", IPPROTO_UDP, 53);
	assert_int_equal(tbw_conv_send(&c, 0, 0, q, lq, 0), DP_OUT_VENDOR);
	assert_int_equal(dp_worker_events_take(w, ev, 8), 1);
	assert_int_equal(ev[0].ev.vendor, 0 | DP_CLIENT_UNVERIFIED);
	assert_int_equal(ev[0].decided, 1);
	assert_int_equal(ev[0].sig, DP_SIG_DNS);
	assert_int_equal(tbw_conv_send(&c, 1, 0, ans, la, 0), DP_OUT_MATCHED);
	assert_int_equal(tbw_conv_send(&c, 1, 0, ans, la, 0), DP_OUT_MATCHED);
	assert_int_equal(dp_worker_events_take(w, ev, 8), 1);
	assert_int_equal(ev[0].ev.vendor, 0);
	assert_int_equal(ev[0].decided, 0); /* the same session, now verified */
	dp_worker_free(w);
}

/* A product whose system resolver fails asks public resolvers directly
 * (the vendor's network-settings table lists them, in this order): its
 * queries count in the dns signal whichever resolver they go to. */
/* The burst path (parse all, look the flows up at once, follow each in
 * order) counts exactly what packet-by-packet does, where a burst holds a
 * flow's whole life twice over (its entry ended and made again within the
 * burst), flows joined mid-stream in both directions, a bypassed flow's
 * later packets and a DNS exchange.  Expected counts are the frames' own. */
static void
test_dp_worker_burst_same_as_single(void **state)
{
	enum { N = 96 };
	static uint8_t frames[N][1600];
	const uint8_t *fp[N];
	uint32_t lens[N];
	unsigned n = 0, bypassed = 0, vendor_pkts = 0;
	uint8_t ch[600], other[600], bulk[1000];
	uint32_t chl = tb_tls_client_hello(ch, sizeof(ch), "s07.upd.kaspersky.com", false, 0);
	uint32_t otl = tb_tls_client_hello(other, sizeof(other), "www.example.org", false, 0);
	struct dp_worker *single = tbw_new_worker(40), *burst = tbw_new_worker(41);

	(void)state;
	memset(bulk, 0x5a, sizeof(bulk));
	/* frame: client (0) or server (1) of conversation c, flags, payload */
	struct tb_spec conv[4][2];
	static const char *const clients[4] = {"192.0.2.20", "192.0.2.21", "198.51.100.22",
					       "2001:db8:1::23"};
	static const char *const servers[4] = {"203.0.113.9", "203.0.113.10", "203.0.113.11",
					       "2001:db8:5::1"};
	uint32_t seq[4][2] = {{100, 900}, {200, 800}, {300, 700}, {400, 600}};

	for (int c = 0; c < 4; c++) {
		struct tb_spec *k = &conv[c][0];

		memset(k, 0, sizeof(*k));
		k->family = strchr(clients[c], ':') ? 6 : 4;
		tb_addr(clients[c], k->src);
		tb_addr(servers[c], k->dst);
		k->proto = IPPROTO_TCP;
		k->sport = (uint16_t)(40000 + c);
		k->dport = 443;
		conv[c][1] = *k;
		memcpy(conv[c][1].src, k->dst, 16);
		memcpy(conv[c][1].dst, k->src, 16);
		conv[c][1].sport = k->dport;
		conv[c][1].dport = k->sport;
	}
#define FRAME(c, d, fl, P, L)                                                                      \
	do {                                                                                       \
		struct tb_spec *sp_ = &conv[c][d];                                                 \
		sp_->tcp_flags = (fl);                                                             \
		sp_->seq = seq[c][d];                                                              \
		sp_->payload = (P);                                                                \
		sp_->plen = (L);                                                                   \
		lens[n] = tb_frame(sp_, frames[n], sizeof(frames[n]));                             \
		assert_true(lens[n] > 0);                                                          \
		seq[c][d] += (L) + (((fl)&0x03) ? 1 : 0);                                          \
		n++;                                                                               \
	} while (0)
	for (int life = 0; life < 2; life++) {
		/* 0: the product's whole session, ended by FINs both ways */
		FRAME(0, 0, 0x02, NULL, 0);
		FRAME(1, 1, 0x10, bulk, sizeof(bulk)); /* 1: mid-stream, server first */
		FRAME(0, 1, 0x12, NULL, 0);
		FRAME(0, 0, 0x10, NULL, 0);
		FRAME(1, 0, 0x10, NULL, 0);
		FRAME(0, 0, 0x18, ch, chl);
		FRAME(2, 0, 0x02, NULL, 0); /* 2: another's name, then bypassed */
		FRAME(2, 1, 0x12, NULL, 0);
		FRAME(2, 0, 0x18, other, otl);
		FRAME(0, 1, 0x18, bulk, sizeof(bulk));
		vendor_pkts++;
		FRAME(2, 1, 0x18, bulk, sizeof(bulk));
		FRAME(2, 0, 0x10, NULL, 0);
		bypassed += 2;
		FRAME(0, 0, 0x11, NULL, 0);
		FRAME(0, 1, 0x11, NULL, 0);
		vendor_pkts += 2;
		FRAME(3, 0, 0x10, bulk, 200); /* 3: mid-stream, client first, IPv6 */
		FRAME(3, 1, 0x10, NULL, 0);
		/* the product's flow again, same 5-tuple, same burst */
		seq[0][0] += 5000;
		seq[0][1] += 5000;
	}
#undef FRAME
	for (unsigned i = 0; i < n; i++) {
		fp[i] = frames[i];
		dp_worker_packet(single, frames[i], lens[i], T0);
	}
	/* Two calls: the second's lookups find the flows the first made,
	 * and some of them ended and made again before their packets come. */
	dp_worker_packets(burst, fp, lens, 8, T0);
	dp_worker_packets(burst, fp + 8, lens + 8, n - 8, T0);
	/* The frames' own counts: two sessions of the product, its matched
	 * packets; the bypassed flow's later packets; flows made. */
	assert_int_equal(burst->st.outcome[DP_OUT_VENDOR], 2);
	assert_int_equal(burst->st.outcome[DP_OUT_MATCHED], vendor_pkts);
	assert_true(burst->st.outcome[DP_OUT_BYPASSED] >= bypassed);
	assert_int_equal(dp_worker_ctr(burst, 1, 0, DP_SIG_TLS_SNI)->sessions, 2);
	assert_int_equal(burst->st.flow.ended, 2);
	/* 0 twice, 1 at its server's data, 2, 3 at its client's data */
	assert_int_equal(burst->st.flow.created, 5);
	assert_int_equal(
	    burst->st.flow_both_sides[DP_DIR_C2S] + burst->st.flow_both_sides[DP_DIR_S2C], 5);
	/* And every counter equal to packet-by-packet's. */
	assert_memory_equal(&burst->st.outcome, &single->st.outcome, sizeof(single->st.outcome));
	assert_memory_equal(&burst->st.flow, &single->st.flow, sizeof(single->st.flow));
	assert_memory_equal(&burst->st.drop, &single->st.drop, sizeof(single->st.drop));
	assert_memory_equal(&burst->st.flow_both_sides, &single->st.flow_both_sides,
			    sizeof(single->st.flow_both_sides));
	for (uint32_t o = 0; o < 3; o++)
		for (unsigned v = 0; v < 2; v++)
			for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++) {
				const struct dp_org_ctr *a = dp_worker_ctr(single, o, v, sig);
				const struct dp_org_ctr *b = dp_worker_ctr(burst, o, v, sig);

				assert_int_equal(a->sessions, b->sessions);
				assert_int_equal(a->pkts[0] + a->pkts[1], b->pkts[0] + b->pkts[1]);
				assert_int_equal(a->bytes[0] + a->bytes[1],
						 b->bytes[0] + b->bytes[1]);
			}
	dp_worker_free(single);
	dp_worker_free(burst);
}

static void
test_dp_worker_public_resolvers(void **state)
{
	static const char *const resolvers[] = {"8.8.8.8", "1.1.1.1", "223.6.6.6", "9.9.9.9",
						"185.228.168.168"};
	struct dp_worker *w = tbw_new_worker(17);
	uint8_t q[256];
	uint32_t lq = tb_dns_query(q, sizeof(q), 7, "s01.upd.kaspersky.com", 1);

	(void)state;
	for (size_t i = 0; i < sizeof(resolvers) / sizeof(resolvers[0]); i++) {
		struct tbw_conv c;

		print_message("resolver %s\n", resolvers[i]);
		tbw_conv_init(&c, w, "192.0.2.80", resolvers[i], IPPROTO_UDP, 53);
		assert_int_equal(tbw_conv_send(&c, 0, 0, q, lq, 0), DP_OUT_VENDOR);
		assert_int_equal(dp_worker_ctr(w, 1, 0, DP_SIG_DNS)->sessions, i + 1);
	}
	dp_worker_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_worker_packet_table),
	    cmocka_unit_test(test_dp_worker_public_resolvers),
	    cmocka_unit_test(test_dp_worker_burst_same_as_single),
	    cmocka_unit_test(test_dp_worker_packet_ring_full),
	    cmocka_unit_test(test_dp_worker_packet_mutations),
	    cmocka_unit_test(test_dp_worker_flow_timeouts),
	    cmocka_unit_test(test_dp_worker_flow_table_full),
	    cmocka_unit_test(test_dp_worker_flow_table_full_no_sessions),
	    cmocka_unit_test(test_dp_worker_client_evidence),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, tbw_setup, NULL);
}
