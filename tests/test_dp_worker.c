/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker's per-packet stage on hand-built frames: outcome, counters per
 * (org, vendor, signal), client events; and survival of mutated frames. */
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

#include "dp_worker.h"
#include "tb_eal.h"
#include "tb_pkt.h"

static struct dp_orgs *orgs;
static struct dp_match *match;
static volatile uint64_t clock_s = 1795000000;
static volatile bool stop;

/* Org 1: 192.0.2.0/25 and 2001:db8:1::/48; org 2: 198.51.100.0/24. */
static int
setup(void **state)
{
	static const struct dp_match_pattern pats[] = {
		{"kaspersky.com", DP_MATCH_DOMAIN, 0},
		{"example.net", DP_MATCH_DOMAIN, 1},
	};
	struct dp_orgs_size sz = {0};
	struct dp_prefix p[3];
	const char *why;
	char err[128];
	int idx;

	(void)state;
	dp_prefix_parse("192.0.2.0/25", &p[0], &why);
	dp_prefix_parse("2001:db8:1::/48", &p[1], &why);
	dp_prefix_parse("198.51.100.0/24", &p[2], &why);
	for (int i = 0; i < 3; i++)
		dp_orgs_size_add(&sz, &p[i]);
	orgs = dp_orgs_create("wtest", &sz, 0);
	if (orgs == NULL || dp_orgs_add(orgs, &p[0], 1) || dp_orgs_add(orgs, &p[1], 1) ||
	    dp_orgs_add(orgs, &p[2], 2))
		return -1;
	return dp_match_compile(pats, 2, &match, err, sizeof(err), &idx);
}

static struct dp_worker *
new_worker(unsigned id)
{
	struct dp_worker *w = dp_worker_create(id, 3, 2, orgs, match, 0);

	assert_non_null(w);
	w->clock = &clock_s;
	w->stop = &stop;
	return w;
}

enum kind { K_TLS, K_HTTP, K_DNS };

static uint32_t
build(uint8_t *frame, uint32_t cap, const char *src, enum kind k, const char *name, int nvlan)
{
	uint8_t pl[2048];
	struct tb_spec s = {0};

	s.family = tb_addr(src, s.src);
	tb_addr(s.family == 4 ? "203.0.113.9" : "2001:db8:5e::1", s.dst);
	s.sport = 43210;
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
		dp_worker_packet(w, frame, len);
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
	struct dp_worker *w = new_worker(1);
	uint8_t frame[4096];
	uint32_t len = build(frame, sizeof(frame), "192.0.2.9", K_DNS, "kaspersky.com", 0);
	unsigned cap = rte_ring_get_capacity(w->events);

	(void)state;
	for (unsigned i = 0; i < cap + 5; i++)
		dp_worker_packet(w, frame, len);
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
				dp_worker_packet(w, copy, cut);
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
				dp_worker_packet(w, copy, len);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dp_worker_packet_table),
		cmocka_unit_test(test_dp_worker_packet_ring_full),
		cmocka_unit_test(test_dp_worker_packet_mutations),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, setup, NULL);
}
