/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker's per-packet stage on hand-built frames: outcome, counters per
 * (org, vendor, signal), client events; flows (one session each, traffic
 * both ways, timeouts, eviction), TCP reassembly, learned and configured
 * server addresses; and survival of mutated frames. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_hash.h>

#include "dp_worker_private.h"
#include "tb_eal.h"
#include "tb_pkt.h"

static struct dp_lpm *orgs, *servers;
static struct dp_match *match;
/* Server prefix 1 (203.0.113.96/28) serves vendor 1. */
static const uint64_t server_vendors[] = {0, 1u << 1};
#define T0 1793491200u
static volatile uint64_t clock_s = 1795000000;
static volatile bool stop;

/* The organisation prefixes: 192.0.2.0/25, 2001:db8:1::/48 (org 1 at
 * setup) and 198.51.100.0/24 (org 2), with their LPM sizes. */
static void
org_prefixes(struct dp_prefix p[3], struct dp_lpm_size *sz)
{
	const char *why;

	dp_prefix_parse("192.0.2.0/25", &p[0], &why);
	dp_prefix_parse("2001:db8:1::/48", &p[1], &why);
	dp_prefix_parse("198.51.100.0/24", &p[2], &why);
	memset(sz, 0, sizeof(*sz));
	for (int i = 0; i < 3; i++)
		dp_lpm_size_add(sz, &p[i]);
}

/* Org 1: 192.0.2.0/25 and 2001:db8:1::/48; org 2: 198.51.100.0/24. */
static int
setup(void **state)
{
	static const struct dp_match_pattern pats[] = {
		{"kaspersky.com", DP_MATCH_DOMAIN, 0},
		{"example.net", DP_MATCH_DOMAIN, 1},
		{"User-Agent: [^\\r\\n]*Kaspersky", DP_MATCH_PAYLOAD, 1},
	};
	struct dp_lpm_size sz = {0};
	struct dp_prefix p[3];
	const char *why;
	char err[128];
	int idx;

	(void)state;
	org_prefixes(p, &sz);
	orgs = dp_lpm_create("wtest", &sz, 0);
	if (orgs == NULL || dp_lpm_add(orgs, &p[0], 1) || dp_lpm_add(orgs, &p[1], 1) ||
	    dp_lpm_add(orgs, &p[2], 2))
		return -1;
	memset(&sz, 0, sizeof(sz));
	dp_prefix_parse("203.0.113.96/28", &p[0], &why);
	dp_lpm_size_add(&sz, &p[0]);
	servers = dp_lpm_create("wsrv", &sz, 0);
	if (servers == NULL || dp_lpm_add(servers, &p[0], 1))
		return -1;
	return dp_match_compile(pats, 3, &match, err, sizeof(err), &idx);
}

static const struct dp_worker_cfg wcfg = {
	.flow = {.capacity = 1024, .idle_timeout = 60, .hard_timeout = 600},
	.reasm_bytes = 4096,
	.reasm_buffers = 2,
	.stream_bytes = 256,
	.learned_capacity = 1024,
	.learned_max_ttl = 3600,
};

static struct dp_worker *
new_worker_cfg(unsigned id, const struct dp_worker_cfg *cfg)
{
	struct dp_gen *g = dp_gen_create(1, orgs, match, servers, server_vendors, 3, 2, NULL, 0);
	struct dp_worker *w;
	struct dp_worker_bind bind = {.clock = &clock_s, .stop = &stop};

	assert_non_null(g);
	w = dp_worker_create(id, 2, g, cfg, &bind, 0);
	assert_non_null(w);
	return w;
}

static struct dp_worker *
new_worker(unsigned id)
{
	return new_worker_cfg(id, &wcfg);
}

enum kind { K_TLS, K_HTTP, K_DNS };

static uint16_t next_sport = 40000;

static uint32_t
build(uint8_t *frame, uint32_t cap, const char *src, enum kind k, const char *name, int nvlan)
{
	uint8_t pl[2048];
	struct tb_spec s = {0};

	s.family = tb_addr(src, s.src);
	tb_addr(s.family == 4 ? "203.0.113.9" : "2001:db8:5e::1", s.dst);
	s.sport = next_sport++; /* a flow of its own */
	s.nvlan = nvlan;
	s.vlan[0] = 7;
	s.vlan[1] = 8;
	s.payload = pl;
	if (k == K_DNS) {
		s.proto = IPPROTO_UDP;
		s.dport = 53;
		s.plen = tb_dns_query(pl, sizeof(pl), 1, name, 28);
	} else if (k == K_TLS) {
		s.proto = IPPROTO_TCP;
		s.dport = 443;
		s.plen = tb_tls_client_hello(pl, sizeof(pl), name, false, 0);
	} else {
		s.proto = IPPROTO_TCP;
		s.dport = 80;
		s.plen = tb_http_get(pl, sizeof(pl), name, "/");
	}
	return tb_frame(&s, frame, cap);
}

struct row {
	const char *src;
	enum kind k;
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
	struct dp_worker *w = new_worker(0);
	uint64_t sessions[3][2][DP_SIG_COUNT] = {{{0}}};
	unsigned events = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		uint8_t frame[4096];
		uint32_t len = build(frame, sizeof(frame), r->src, r->k, r->name, r->nvlan);
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
				assert_int_equal(c->last_seen, sessions[o][v][s] ? clock_s : 0);
			}
	assert_int_equal(rte_ring_count(w->events), events);
	{
		struct dp_client_event ev;
		uint8_t want[16] = {0};

		/* The first event is the first row's client. */
		assert_int_equal(rte_ring_dequeue_elem(w->events, &ev, sizeof(ev)), 0);
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
	struct dp_worker_cfg big = wcfg;
	struct dp_worker *w;
	uint8_t frame[4096];
	uint32_t len;
	unsigned cap;

	(void)state;
	big.flow.capacity = 1u << 17;
	w = new_worker_cfg(1, &big);
	cap = rte_ring_get_capacity(w->events);
	for (unsigned i = 0; i < cap + 5; i++) {
		/* A new flow each time: the same query from successive ports
		 * of two clients. */
		if (i % 60000 == 0)
			next_sport = 1024;
		len = build(frame, sizeof(frame), i < 60000 ? "192.0.2.9" : "192.0.2.10", K_DNS,
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
	struct dp_worker *w = new_worker(2);
	uint64_t rng = 42, fed = 0;
	uint8_t frame[4096], *copy;

	(void)state;
	for (int k = 0; k < 3; k++)
		for (int nv = 0; nv < 3; nv++) {
			uint32_t len = build(frame, sizeof(frame), nv == 1 ? "2001:db8:1::5" : "192.0.2.5",
					     (enum kind)k, names[(k + nv) % 3], nv);

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
					copy[(rng >> 33) % len] ^= (uint8_t)(1u << ((rng >> 29) & 7));
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

/* ---- Flows ---- */

/* The one outcome a packet gets: which counter moved. */
static int
feed(struct dp_worker *w, const uint8_t *frame, uint32_t len, uint32_t now)
{
	struct dp_wstats before = w->st;

	dp_worker_packet(w, frame, len, now);
	for (int o = 0; o < DP_OUT_COUNT; o++)
		if (w->st.outcome[o] != before.outcome[o])
			return o;
	return -1;
}

/* Both ends of a conversation, with the traffic the test expects counted. */
struct conv {
	struct dp_worker *w;
	struct tb_spec side[2]; /* [DP_DIR_C2S], [DP_DIR_S2C] */
	uint32_t isn[2];
	uint64_t pkts[2], bytes[2];
	uint32_t now;
};

static void
conv_init(struct conv *c, struct dp_worker *w, const char *client, const char *server,
	  uint8_t proto, uint16_t dport)
{
	memset(c, 0, sizeof(*c));
	c->w = w;
	c->now = T0;
	c->side[0].family = tb_addr(client, c->side[0].src);
	tb_addr(server, c->side[0].dst);
	c->side[0].proto = proto;
	c->side[0].sport = next_sport++;
	c->side[0].dport = dport;
	c->side[1] = c->side[0];
	memcpy(c->side[1].src, c->side[0].dst, 16);
	memcpy(c->side[1].dst, c->side[0].src, 16);
	c->side[1].sport = dport;
	c->side[1].dport = c->side[0].sport;
	c->isn[0] = 0xfffffe00u; /* the client's stream wraps past 2^32 */
	c->isn[1] = 5000;
}

/* Sends len bytes of pl at stream offset off (TCP) from one side. */
static int
conv_send(struct conv *c, int dir, uint8_t flags, const uint8_t *pl, uint32_t len, uint32_t off)
{
	struct tb_spec *s = &c->side[dir];
	uint8_t frame[4096];
	uint32_t n;

	s->tcp_flags = flags;
	s->seq = c->isn[dir] + 1 + off;
	if (flags & 0x02)
		s->seq = c->isn[dir];
	s->payload = pl;
	s->plen = len;
	n = tb_frame(s, frame, sizeof(frame));
	assert_true(n > 0);
	c->pkts[dir]++;
	c->bytes[dir] += n;
	return feed(c->w, frame, n, c->now);
}

static void
assert_traffic(struct dp_worker *w, const struct conv *c, uint32_t org, unsigned vendor,
	       enum dp_signal sig, uint64_t sessions)
{
	const struct dp_org_ctr *k = dp_worker_ctr(w, org, vendor, sig);

	assert_int_equal(k->sessions, sessions);
	for (int d = 0; d < 2; d++) {
		assert_int_equal(k->pkts[d], c->pkts[d]);
		assert_int_equal(k->bytes[d], c->bytes[d]);
	}
}

/* A post-quantum-sized ClientHello in three segments, the last first, the
 * first twice (the copy garbled: the first copy is kept), then the rest of
 * the connection: one session, every packet and byte of both directions. */
static void
test_dp_worker_flow_split_client_hello(void **state)
{
	struct dp_worker *w = new_worker(3);
	uint8_t ch[4096], junk[600], data[1000];
	uint32_t len = tb_tls_client_hello_ks(ch, sizeof(ch), "dnl-05.geo.kaspersky.com", false, 500,
					      1216);
	struct conv c;

	(void)state;
	assert_true(len > 1800);
	memset(junk, 0xff, sizeof(junk));
	memset(data, 0x17, sizeof(data));
	conv_init(&c, w, "192.0.2.20", "203.0.113.9", IPPROTO_TCP, 443);
	assert_int_equal(conv_send(&c, 0, 0x02, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(conv_send(&c, 1, 0x12, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(conv_send(&c, 0, 0x10, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(conv_send(&c, 0, 0x18, ch + 1200, len - 1200, 1200), DP_OUT_PARTIAL);
	assert_int_equal(conv_send(&c, 0, 0x18, ch, 600, 0), DP_OUT_PARTIAL);
	assert_int_equal(conv_send(&c, 0, 0x18, junk, 600, 0), DP_OUT_PARTIAL);
	assert_int_equal(conv_send(&c, 0, 0x18, ch + 600, 600, 600), DP_OUT_VENDOR);
	assert_int_equal(w->reasm.n_free, w->reasm.n_bufs); /* given back on deciding */
	assert_int_equal(conv_send(&c, 1, 0x18, data, sizeof(data), 0), DP_OUT_MATCHED);
	assert_int_equal(conv_send(&c, 1, 0x18, data, sizeof(data), 1000), DP_OUT_MATCHED);
	assert_int_equal(conv_send(&c, 0, 0x11, NULL, 0, len), DP_OUT_MATCHED);
	assert_int_equal(conv_send(&c, 1, 0x11, NULL, 0, 2000), DP_OUT_MATCHED);
	assert_traffic(w, &c, 1, 0, DP_SIG_TLS_SNI, 1);
	assert_int_equal(w->st.flow.created, 1);
	assert_int_equal(w->st.flow.ended, 1);
	/* The last ACK finds no flow and starts none. */
	assert_int_equal(conv_send(&c, 0, 0x10, NULL, 0, len + 1), DP_OUT_NO_NAME);
	assert_int_equal(w->st.flow.created, 1);
	assert_int_equal(rte_ring_count(w->events), 1);
	dp_worker_free(w);
}

/* Picked up mid-connection (no SYN): an HTTP request head in two segments;
 * a DNS query over TCP in two; a non-vendor flow is bypassed after. */
static void
test_dp_worker_flow_split_http_and_dns_tcp(void **state)
{
	struct dp_worker *w = new_worker(4);
	uint8_t req[512], q[300], body[100];
	uint32_t len = tb_http_get(req, sizeof(req), "upd.kaspersky.ru.", "/index.xml");
	struct conv c, d, e;
	uint32_t cut;

	(void)state;
	memset(body, '<', sizeof(body));
	conv_init(&c, w, "198.51.100.7", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(conv_send(&c, 0, 0x18, req, 20, 0), DP_OUT_PARTIAL);
	assert_int_equal(conv_send(&c, 0, 0x18, req + 20, len - 20, 20), DP_OUT_OTHER_NAME);
	assert_int_equal(conv_send(&c, 1, 0x18, body, sizeof(body), 0), DP_OUT_BYPASSED);

	len = tb_http_get(req, sizeof(req), "upd.kaspersky.com", "/index.xml");
	cut = (uint32_t)(strstr((char *)req, "kaspersky") - (char *)req); /* inside the Host */
	conv_init(&d, w, "198.51.100.7", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(conv_send(&d, 0, 0x18, req, cut, 0), DP_OUT_PARTIAL);
	assert_int_equal(conv_send(&d, 0, 0x18, req + cut, len - cut, cut), DP_OUT_VENDOR);
	assert_int_equal(conv_send(&d, 1, 0x18, body, sizeof(body), 0), DP_OUT_MATCHED);
	assert_traffic(w, &d, 2, 0, DP_SIG_HTTP_HOST, 1);

	/* RFC 1035 4.2.2: two octets of length, then the query. */
	len = tb_dns_query(q + 2, sizeof(q) - 2, 7, "ksn.kaspersky.com", 1);
	q[0] = (uint8_t)(len >> 8);
	q[1] = (uint8_t)len;
	conv_init(&e, w, "2001:db8:1::9", "2001:db8:5e::53", IPPROTO_TCP, 53);
	assert_int_equal(conv_send(&e, 0, 0x02, NULL, 0, 0), DP_OUT_NO_NAME);
	assert_int_equal(conv_send(&e, 0, 0x18, q, 1, 0), DP_OUT_PARTIAL);
	assert_int_equal(conv_send(&e, 0, 0x18, q + 1, len + 1, 1), DP_OUT_VENDOR);
	assert_traffic(w, &e, 1, 0, DP_SIG_DNS, 1);
	dp_worker_free(w);
}

/* A head longer than reassembly keeps is app_truncated; with every buffer
 * lent, a flow that needs one is app_truncated and counted. */
static void
test_dp_worker_flow_reassembly_limits(void **state)
{
	struct dp_worker *w = new_worker(5);
	uint8_t ch[8192];
	uint32_t len = tb_tls_client_hello_ks(ch, sizeof(ch), "dnl-05.geo.kaspersky.com", false, 0,
					      5000);
	struct conv c[3], big;

	(void)state;
	/* The name comes after a key share, past 4096 bytes: never seen. */
	conv_init(&big, w, "192.0.2.21", "203.0.113.9", IPPROTO_TCP, 443);
	assert_int_equal(conv_send(&big, 0, 0x18, ch, 1400, 0), DP_OUT_PARTIAL);
	assert_int_equal(conv_send(&big, 0, 0x18, ch + 1400, 1400, 1400), DP_OUT_PARTIAL);
	assert_int_equal(conv_send(&big, 0, 0x18, ch + 2800, 1400, 2800), DP_OUT_APP_TRUNCATED);
	assert_int_equal(conv_send(&big, 0, 0x18, ch + 4200, len - 4200, 4200), DP_OUT_BYPASSED);
	assert_int_equal(w->st.outcome[DP_OUT_VENDOR], 0);

	len = tb_tls_client_hello(ch, sizeof(ch), "kaspersky.com", false, 100);
	for (int i = 0; i < 3; i++) {
		conv_init(&c[i], w, "192.0.2.22", "203.0.113.9", IPPROTO_TCP, 443);
		assert_int_equal(conv_send(&c[i], 0, 0x18, ch, 50, 0),
				 i < 2 ? DP_OUT_PARTIAL : DP_OUT_APP_TRUNCATED);
	}
	assert_int_equal(w->st.reasm_no_buffer, 1);
	assert_int_equal(w->reasm.n_free, 0);
	assert_int_equal(conv_send(&c[1], 0, 0x18, ch + 50, len - 50, 50), DP_OUT_VENDOR);
	assert_int_equal(w->reasm.n_free, 1);
	dp_worker_free(w);
}

/* Idle and hard timeouts end a flow; the next packet starts a new one. */
static void
test_dp_worker_flow_timeouts(void **state)
{
	struct dp_worker *w = new_worker(6);
	uint8_t pl[512];
	uint32_t len = tb_dns_query(pl, sizeof(pl), 1, "kaspersky.com", 1);
	struct conv c;

	(void)state;
	conv_init(&c, w, "192.0.2.23", "203.0.113.53", IPPROTO_UDP, 53);
	assert_int_equal(conv_send(&c, 0, 0, pl, len, 0), DP_OUT_VENDOR);
	c.now += 59;
	assert_int_equal(conv_send(&c, 0, 0, pl, len, 0), DP_OUT_MATCHED);
	c.now += 60; /* idle_timeout */
	assert_int_equal(conv_send(&c, 0, 0, pl, len, 0), DP_OUT_VENDOR);
	assert_int_equal(w->st.flow.idle, 1);
	for (int i = 0; i < 11; i++) {
		c.now += 50; /* never idle */
		assert_int_equal(conv_send(&c, 0, 0, pl, len, 0), DP_OUT_MATCHED);
	}
	c.now += 50; /* 600 s after the flow began: hard_timeout */
	assert_int_equal(conv_send(&c, 0, 0, pl, len, 0), DP_OUT_VENDOR);
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
	struct dp_worker_cfg small = wcfg;
	struct dp_worker *w;
	uint8_t pl[512];
	uint32_t lv = tb_dns_query(pl, sizeof(pl), 1, "kaspersky.com", 1);
	struct conv c;
	unsigned cap;

	(void)state;
	small.flow.capacity = 64;
	w = new_worker_cfg(7, &small);
	cap = w->flows.n_slots;
	assert_true(cap >= 64);
	for (unsigned i = 0; i < 200; i++) {
		conv_init(&c, w, "192.0.2.24", "203.0.113.53", IPPROTO_UDP, 53);
		assert_int_equal(conv_send(&c, 0, 0, pl, lv, 0), DP_OUT_VENDOR);
	}
	assert_int_equal(w->st.flow.created + w->st.flow.full, 200);
	assert_int_equal(w->st.flow.evicted, 0);
	assert_int_equal(dp_worker_ctr(w, 1, 0, DP_SIG_DNS)->sessions, 200);
	print_message("capacity 64: %" PRIu64 " flows held, %" PRIu64 " full\n",
		      w->st.flow.created, w->st.flow.full);
	dp_worker_free(w);

	w = new_worker_cfg(8, &small);
	lv = tb_dns_query(pl, sizeof(pl), 1, "www.example.org", 1);
	for (unsigned i = 0; i < 200; i++) {
		conv_init(&c, w, "192.0.2.24", "203.0.113.53", IPPROTO_UDP, 53);
		assert_int_equal(conv_send(&c, 0, 0, pl, lv, 0), DP_OUT_OTHER_NAME);
	}
	assert_int_equal(w->st.flow.created, 200);
	assert_int_equal(w->st.flow.full, 0);
	assert_int_equal(w->st.flow.created - w->st.flow.evicted, rte_hash_count(w->flows.h));
	dp_worker_free(w);
}

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
	struct dp_worker_cfg small = wcfg;
	struct dp_worker *w = new_worker(9);
	uint8_t q[512], ans[1024], ch[1024];
	uint32_t lq = tb_dns_query(q, sizeof(q), 9, "dnl-07.geo.kaspersky.com", 1);
	uint32_t la = tb_dns_response(ans, sizeof(ans), 9, "dnl-07.geo.kaspersky.com", rr, 4);
	uint32_t lc = tb_tls_client_hello(ch, sizeof(ch), NULL, true, 0);
	struct dp_learn_event ev;
	struct conv d, c;

	(void)state;
	conv_init(&d, w, "192.0.2.30", "203.0.113.53", IPPROTO_UDP, 53);
	assert_int_equal(conv_send(&d, 0, 0, q, lq, 0), DP_OUT_VENDOR);
	assert_int_equal(conv_send(&d, 1, 0, ans, la, 0), DP_OUT_MATCHED);
	assert_int_equal(w->st.learned, 2);
	/* An NXDOMAIN answer teaches nothing and is no parse error. */
	ans[3] = 0x83;
	assert_int_equal(conv_send(&d, 1, 0, ans, la, 0), DP_OUT_MATCHED);
	assert_int_equal(w->st.learned, 2);
	assert_int_equal(w->st.parse_err[DP_LAYER_DNS], 0);
	ans[3] = 0x80;
	assert_int_equal(rte_ring_count(w->learn_out), 2);
	assert_int_equal(rte_ring_dequeue_elem(w->learn_out, &ev, sizeof(ev)), 0);
	assert_int_equal(ev.expires, T0 + 300);
	assert_int_equal(ev.vendors, 1);

	conv_init(&c, w, "198.51.100.8", "203.0.113.77", IPPROTO_TCP, 443);
	assert_int_equal(conv_send(&c, 0, 0x02, NULL, 0, 0), DP_OUT_VENDOR);
	assert_int_equal(conv_send(&c, 1, 0x12, NULL, 0, 0), DP_OUT_MATCHED);
	assert_int_equal(conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_MATCHED);
	assert_traffic(w, &c, 2, 0, DP_SIG_LEARNED_IP, 1);

	conv_init(&c, w, "2001:db8:1::8", "2001:db8:5f::4", IPPROTO_TCP, 443);
	c.now = T0 + 99;
	assert_int_equal(conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_VENDOR);
	assert_traffic(w, &c, 1, 0, DP_SIG_LEARNED_IP, 1);
	conv_init(&c, w, "2001:db8:1::8", "2001:db8:5f::4", IPPROTO_TCP, 443);
	c.now = T0 + 100; /* the AAAA's TTL has run out */
	assert_int_equal(conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_NO_NAME);
	conv_init(&c, w, "198.51.100.8", "203.0.113.78", IPPROTO_TCP, 443);
	assert_int_equal(conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_NO_NAME);
	assert_int_equal(dp_worker_ctr(w, 2, 0, DP_SIG_LEARNED_IP)->sessions, 1);
	/* Only inspected ClientHellos are seen: the two undecided ones. */
	assert_int_equal(w->st.tls_ech, 2);

	/* What another worker learned arrives through learn_in. */
	ev.expires = T0 + 1000;
	tb_addr("203.0.113.79", ev.addr);
	ev.family = 4;
	ev.vendors = 2;
	assert_int_equal(rte_ring_enqueue_elem(w->learn_in, &ev, sizeof(ev)), 0);
	assert_int_equal(dp_worker_learn_apply(w, 8), 1);
	conv_init(&c, w, "198.51.100.8", "203.0.113.79", IPPROTO_TCP, 443);
	assert_int_equal(conv_send(&c, 0, 0x02, NULL, 0, 0), DP_OUT_VENDOR);
	assert_int_equal(dp_worker_ctr(w, 2, 1, DP_SIG_LEARNED_IP)->sessions, 1);
	dp_worker_free(w);

	/* A table of 16 (every slot probed) takes 16 addresses; the 17th
	 * replaces one that has not expired, and that is counted. */
	small.learned_capacity = 16;
	w = new_worker_cfg(13, &small);
	for (int i = 0; i < 17; i++) {
		ev.addr[3] = (uint8_t)(100 + i);
		assert_int_equal(rte_ring_enqueue_elem(w->learn_in, &ev, sizeof(ev)), 0);
	}
	assert_int_equal(dp_worker_learn_apply(w, 32), 17);
	assert_int_equal(w->st.learned_evicted, 1);
	dp_worker_free(w);
}

/* DNS over TCP (RFC 7766): two answers back to back in the server's
 * stream, cut at the given offsets and sent in the given order (index of
 * each piece); each answer teaches its two addresses once whole.  Reading
 * stops, counted, when an answer is longer than a reassembly buffer. */
static const struct {
	const char *what;
	uint32_t reasm_bytes;
	unsigned n;           /* pieces */
	uint32_t cut[5];      /* piece i is [cut[i], cut[i+1]) of the stream */
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
		struct dp_worker_cfg cfg = wcfg;
		struct dp_worker *w;
		struct conv c;

		print_message("row %zu: %s\n", i, tcp_rows[i].what);
		cfg.reasm_bytes = tcp_rows[i].reasm_bytes;
		w = new_worker_cfg(20 + (unsigned)i, &cfg);
		conv_init(&c, w, "192.0.2.31", "203.0.113.53", IPPROTO_TCP, 53);
		assert_int_equal(conv_send(&c, 0, 0x02, NULL, 0, 0), DP_OUT_NO_NAME);
		assert_int_equal(conv_send(&c, 1, 0x12, NULL, 0, 0), DP_OUT_NO_NAME);
		assert_int_equal(conv_send(&c, 0, 0x18, q, lq + 2, 0), DP_OUT_VENDOR);
		for (unsigned k = 0; k < tcp_rows[i].n; k++) {
			unsigned p = tcp_rows[i].order[k];
			uint32_t lo = tcp_rows[i].cut[p];
			uint32_t hi = tcp_rows[i].cut[p + 1] == ~0u ? 4 + n1 + n2 : tcp_rows[i].cut[p + 1];

			assert_int_equal(conv_send(&c, 1, 0x18, st + lo, hi - lo, lo), DP_OUT_MATCHED);
		}
		assert_int_equal(w->st.learned, tcp_rows[i].learned);
		assert_int_equal(w->st.dns_tcp_unread, tcp_rows[i].unread);
		/* Every buffer given back once nothing is pending. */
		assert_int_equal(w->reasm.n_free, w->reasm.n_bufs);
		assert_traffic(w, &c, 1, 0, DP_SIG_DNS, 1);
		dp_worker_free(w);
	}
}

/* A configured server prefix decides the flow at its first packet, before
 * any name: signal server-ip, the prefix's vendor. */
static void
test_dp_worker_server_ip(void **state)
{
	struct dp_worker *w = new_worker(10);
	uint8_t ch[1024];
	uint32_t lc = tb_tls_client_hello(ch, sizeof(ch), "www.example.org", false, 0);
	struct conv c;

	(void)state;
	conv_init(&c, w, "192.0.2.40", "203.0.113.100", IPPROTO_TCP, 443);
	assert_int_equal(conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_VENDOR);
	assert_int_equal(conv_send(&c, 1, 0x18, ch, 100, 0), DP_OUT_MATCHED);
	assert_traffic(w, &c, 1, 1, DP_SIG_SERVER_IP, 1);
	conv_init(&c, w, "192.0.2.40", "203.0.113.112", IPPROTO_TCP, 443);
	assert_int_equal(conv_send(&c, 0, 0x18, ch, lc, 0), DP_OUT_OTHER_NAME);
	dp_worker_free(w);
}

/* QUIC: a ClientHello over two Initials (the second half first), v1 and
 * v2; then the server's packets are matched.  An unknown version and a
 * server's Version Negotiation are counted. */
static void
test_dp_worker_quic(void **state)
{
	static const uint8_t dcid[8] = {9, 8, 7, 6, 5, 4, 3, 2};
	static const uint32_t versions[] = {DP_QUIC_V1, DP_QUIC_V2};
	struct dp_worker *w = new_worker(11);
	uint8_t hello[4096], pkt[1500], resp[300];
	uint32_t hl = tb_tls_hello_message(hello, sizeof(hello), "dnl-09.geo.kaspersky.com", 1216);
	struct conv c;

	(void)state;
	memset(resp, 0x42, sizeof(resp));
	for (size_t v = 0; v < 2; v++) {
		struct tb_crypto_frag a[] = {{1000, hello + 1000, hl - 1000}};
		struct tb_crypto_frag b[] = {{0, hello, 1000}};
		uint32_t len;

		conv_init(&c, w, v ? "2001:db8:1::30" : "198.51.100.50", v ? "2001:db8:5e::443" :
			  "203.0.113.9", IPPROTO_UDP, 443);
		len = tb_quic_initial(pkt, sizeof(pkt), versions[v], dcid, 1, a, 1, 1200);
		assert_int_equal(conv_send(&c, 0, 0, pkt, len, 0), DP_OUT_PARTIAL);
		len = tb_quic_initial(pkt, sizeof(pkt), versions[v], dcid, 0, b, 1, 1200);
		assert_int_equal(conv_send(&c, 0, 0, pkt, len, 0), DP_OUT_VENDOR);
		assert_int_equal(conv_send(&c, 1, 0, resp, sizeof(resp), 0), DP_OUT_MATCHED);
		assert_traffic(w, &c, v ? 1 : 2, 0, DP_SIG_QUIC_SNI, 1);
	}

	conv_init(&c, w, "192.0.2.51", "203.0.113.9", IPPROTO_UDP, 443);
	memcpy(pkt, (const uint8_t[]){0xc0, 0xff, 0, 0, 29, 8}, 6); /* draft-29 */
	assert_int_equal(conv_send(&c, 0, 0, pkt, 1200, 0), DP_OUT_NO_NAME);
	assert_int_equal(w->st.quic_unknown_version, 1);
	memcpy(pkt, (const uint8_t[]){0x80, 0, 0, 0, 0, 8}, 6);
	assert_int_equal(conv_send(&c, 1, 0, pkt, 40, 0), DP_OUT_BYPASSED);
	assert_int_equal(w->st.quic_version_neg, 1);
	dp_worker_free(w);
}

/* Payload signatures: a User-Agent in a request whose Host names no
 * vendor; one split across two segments (stream mode); one past the first
 * stream_bytes, never seen. */
static void
test_dp_worker_payload_signature(void **state)
{
	struct dp_worker *w = new_worker(12);
	char req[600];
	int len = snprintf(req, sizeof(req),
			   "GET /x HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: "
			   "Mozilla/5.0 Kaspersky/21.3\r\n\r\n");
	char *ua = strstr(req, "Kasp");
	struct conv c;

	(void)state;
	conv_init(&c, w, "192.0.2.60", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(conv_send(&c, 0, 0x18, (uint8_t *)req, (uint32_t)len, 0), DP_OUT_VENDOR);
	assert_int_equal(conv_send(&c, 1, 0x18, (uint8_t *)req, 10, 0), DP_OUT_MATCHED);
	assert_traffic(w, &c, 1, 1, DP_SIG_PAYLOAD, 1);

	/* The name decides other_name, the signature completes a packet later. */
	conv_init(&c, w, "192.0.2.61", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(conv_send(&c, 0, 0x18, (uint8_t *)req, (uint32_t)(ua - req), 0),
			 DP_OUT_OTHER_NAME);
	assert_int_equal(conv_send(&c, 0, 0x18, (uint8_t *)ua, (uint32_t)(len - (ua - req)),
				   (uint32_t)(ua - req)),
			 DP_OUT_VENDOR);
	assert_int_equal(dp_worker_ctr(w, 1, 1, DP_SIG_PAYLOAD)->sessions, 2);

	/* Past 256 bytes of the client's direction: not scanned. */
	conv_init(&c, w, "192.0.2.62", "203.0.113.9", IPPROTO_TCP, 80);
	memset(req, 'x', 300);
	assert_int_equal(conv_send(&c, 0, 0x18, (uint8_t *)req, 300, 0), DP_OUT_NO_NAME);
	len = snprintf(req, sizeof(req), "User-Agent: Kaspersky\r\n");
	assert_int_equal(conv_send(&c, 0, 0x18, (uint8_t *)req, (uint32_t)len, 300),
			 DP_OUT_BYPASSED);
	assert_int_equal(dp_worker_ctr(w, 1, 1, DP_SIG_PAYLOAD)->sessions, 2);
	assert_int_equal(w->st.stream_failed, 0);
	dp_worker_free(w);
}


/* A reload between packets: the organisation table swapped (192.0.2.0/25
 * becomes org 2, 198.51.100.0/24 org 1) and the payload signature replaced.
 * A decided flow's next packet counts in the new generation's counters
 * under its new index; a payload stream opened before the reload still
 * matches on the old database, a new one only on the new; a stream two
 * reloads old is cut and counted; client events carry their generation. */
static void
test_dp_worker_reload(void **state)
{
	static const struct dp_match_pattern pats2[] = {
		{"kaspersky.com", DP_MATCH_DOMAIN, 0},
		{"example.net", DP_MATCH_DOMAIN, 1},
		{"X-Agent: other", DP_MATCH_PAYLOAD, 1},
	};
	struct dp_worker *w = new_worker(13);
	struct dp_lpm_size sz = {0};
	struct dp_lpm *swapped;
	struct dp_match *match2;
	struct dp_prefix p[3];
	struct dp_gen *g, *old;
	struct dp_client_event ev;
	char err[128], req[600];
	int idx, len = snprintf(req, sizeof(req),
				"GET /x HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: "
				"Mozilla/5.0 Kaspersky/21.3\r\n\r\n");
	uint32_t cut = (uint32_t)(strstr(req, "Kasp") - req);
	uint8_t hello[1024];
	uint32_t hl = tb_tls_client_hello(hello, sizeof(hello), "dnl-01.geo.kaspersky.com", false, 0);
	struct conv a, b, c, d;

	(void)state;
	org_prefixes(p, &sz);
	swapped = dp_lpm_create("wswap", &sz, 0);
	assert_non_null(swapped);
	assert_int_equal(dp_lpm_add(swapped, &p[0], 2), 0);
	assert_int_equal(dp_lpm_add(swapped, &p[1], 2), 0);
	assert_int_equal(dp_lpm_add(swapped, &p[2], 1), 0);
	assert_int_equal(dp_match_compile(pats2, 3, &match2, err, sizeof(err), &idx), 0);

	/* Generation 1: a TLS flow decided (org 1), a payload stream opened. */
	conv_init(&a, w, "192.0.2.70", "203.0.113.9", IPPROTO_TCP, 443);
	assert_int_equal(conv_send(&a, 0, 0x18, hello, hl, 0), DP_OUT_VENDOR);
	conv_init(&b, w, "192.0.2.71", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(conv_send(&b, 0, 0x18, (uint8_t *)req, cut, 0), DP_OUT_OTHER_NAME);

	g = dp_gen_create(2, swapped, match2, servers, server_vendors, 3, 2, match, 0);
	assert_non_null(g);
	old = dp_worker_publish(w, g);
	dp_worker_adopt(w);
	assert_int_equal(w->gen, 2);
	assert_int_equal(w->st.reloads, 2); /* the first generation, then this */
	assert_int_equal(old->ctr[(1 * 2 + 0) * DP_SIG_COUNT + DP_SIG_TLS_SNI].sessions, 1);

	/* The decided flow's next packet: org 2 now, in the new counters. */
	assert_int_equal(conv_send(&a, 1, 0x18, hello, 100, 0), DP_OUT_MATCHED);
	assert_int_equal(dp_worker_ctr(w, 2, 0, DP_SIG_TLS_SNI)->pkts[1], 1);
	assert_int_equal(dp_worker_ctr(w, 2, 0, DP_SIG_TLS_SNI)->sessions, 0);
	assert_int_equal(dp_worker_ctr(w, 1, 0, DP_SIG_TLS_SNI)->pkts[1], 0);
	/* The old stream matches on the old signature. */
	assert_int_equal(conv_send(&b, 0, 0x18, (uint8_t *)req + cut, (uint32_t)len - cut, cut),
			 DP_OUT_VENDOR);
	assert_int_equal(dp_worker_ctr(w, 2, 1, DP_SIG_PAYLOAD)->sessions, 1);
	/* A new stream: the old signature no longer, the new one yes. */
	conv_init(&c, w, "198.51.100.8", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(conv_send(&c, 0, 0x18, (uint8_t *)req, (uint32_t)len, 0),
			 DP_OUT_OTHER_NAME);
	assert_int_equal(conv_send(&c, 0, 0x18, (uint8_t *)"X-Agent: other\r\n", 16,
				   (uint32_t)len),
			 DP_OUT_VENDOR);
	assert_int_equal(dp_worker_ctr(w, 1, 1, DP_SIG_PAYLOAD)->sessions, 1);
	dp_gen_free(old);

	/* Two more reloads over an open stream: cut, never scanned on a freed
	 * database. */
	conv_init(&d, w, "198.51.100.9", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(conv_send(&d, 0, 0x18, (uint8_t *)req, cut, 0), DP_OUT_OTHER_NAME);
	for (uint16_t id = 3; id <= 4; id++) {
		g = dp_gen_create(id, swapped, match2, servers, server_vendors, 3, 2, match2, 0);
		assert_non_null(g);
		dp_gen_free(dp_worker_publish(w, g));
		dp_worker_adopt(w);
	}
	assert_int_equal(conv_send(&d, 0, 0x18, (uint8_t *)"X-Agent: other\r\n", 16, cut),
			 DP_OUT_BYPASSED);
	assert_int_equal(w->st.streams_cut, 1);

	/* Events: the first flow's in generation 1, the rest in 2. */
	for (unsigned k = 0; k < 3; k++) {
		static const uint16_t gens[3] = {1, 2, 2};
		static const uint32_t org[3] = {1, 2, 1};

		assert_int_equal(rte_ring_dequeue_elem(w->events, &ev, sizeof(ev)), 0);
		assert_int_equal(ev.gen, gens[k]);
		assert_int_equal(ev.org, org[k]);
	}
	dp_worker_free(w);
	dp_match_free(match2);
	dp_lpm_free(swapped);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dp_worker_packet_table),
		cmocka_unit_test(test_dp_worker_packet_ring_full),
		cmocka_unit_test(test_dp_worker_packet_mutations),
		cmocka_unit_test(test_dp_worker_flow_split_client_hello),
		cmocka_unit_test(test_dp_worker_flow_split_http_and_dns_tcp),
		cmocka_unit_test(test_dp_worker_flow_reassembly_limits),
		cmocka_unit_test(test_dp_worker_flow_timeouts),
		cmocka_unit_test(test_dp_worker_flow_table_full),
		cmocka_unit_test(test_dp_worker_learned_ip),
		cmocka_unit_test(test_dp_worker_dns_tcp_answers),
		cmocka_unit_test(test_dp_worker_server_ip),
		cmocka_unit_test(test_dp_worker_quic),
		cmocka_unit_test(test_dp_worker_payload_signature),
		cmocka_unit_test(test_dp_worker_reload),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, setup, NULL);
}
