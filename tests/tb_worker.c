/* SPDX-License-Identifier: BSD-3-Clause */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tb_worker.h"

struct dp_lpm *tbw_orgs, *tbw_servers;
struct dp_match *tbw_match;
/* Server prefix 1 (203.0.113.96/28) serves vendor 1. */
const uint64_t tbw_server_vendors[2] = {0, 1u << 1};
volatile uint64_t tbw_clock_s = 1795000000;
volatile bool tbw_stop;

/* The organisation prefixes: 192.0.2.0/25, 2001:db8:1::/48 (org 1 at
 * setup) and 198.51.100.0/24 (org 2), with their LPM sizes. */
void
tbw_org_prefixes(struct dp_prefix p[3], struct dp_lpm_size *sz)
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
int
tbw_setup(void **state)
{
	static const struct dp_match_pattern pats[] = {
	    {"kaspersky.com", DP_MATCH_DOMAIN, 0, 0, 0},
	    {"example.net", DP_MATCH_DOMAIN, 1, 1, 0},
	    {"User-Agent: [^\\r\\n]*Kaspersky", DP_MATCH_PAYLOAD, 1, 1, 0},
	};
	struct dp_lpm_size sz = {0};
	struct dp_prefix p[3];
	const char *why;
	char err[128];
	int idx;

	(void)state;
	tbw_org_prefixes(p, &sz);
	tbw_orgs = dp_lpm_create("wtest", &sz, 0);
	if (tbw_orgs == NULL || dp_lpm_add(tbw_orgs, &p[0], 1) || dp_lpm_add(tbw_orgs, &p[1], 1) ||
	    dp_lpm_add(tbw_orgs, &p[2], 2))
		return -1;
	memset(&sz, 0, sizeof(sz));
	dp_prefix_parse("203.0.113.96/28", &p[0], &why);
	dp_lpm_size_add(&sz, &p[0]);
	tbw_servers = dp_lpm_create("wsrv", &sz, 0);
	if (tbw_servers == NULL || dp_lpm_add(tbw_servers, &p[0], 1))
		return -1;
	return dp_match_compile(pats, 3, &tbw_match, err, sizeof(err), &idx);
}

const struct dp_worker_cfg tbw_wcfg = {
    .flow = {.capacity = 1024, .idle_timeout = 60, .hard_timeout = 600},
    .reasm_bytes = 4096,
    .reasm_buffers = 2,
    .stream_bytes = 256,
    .learned_capacity = 1024,
    .learned_max_ttl = 3600,
};

struct dp_worker *
tbw_new_worker_cfg(unsigned id, const struct dp_worker_cfg *cfg)
{
	struct dp_gen *g =
	    dp_gen_create(1, tbw_orgs, tbw_match, tbw_servers, tbw_server_vendors, 3, 2, NULL, 0);
	struct dp_worker *w;
	struct dp_worker_bind bind = {.clock = &tbw_clock_s, .stop = &tbw_stop};

	assert_non_null(g);
	w = dp_worker_create(id, 2, g, cfg, &bind, 0);
	assert_non_null(w);
	return w;
}

struct dp_worker *
tbw_new_worker(unsigned id)
{
	return tbw_new_worker_cfg(id, &tbw_wcfg);
}

uint16_t tbw_next_sport = 40000;

uint32_t
tbw_build(uint8_t *frame, uint32_t cap, const char *src, enum tbw_kind k, const char *name,
	  int nvlan)
{
	uint8_t pl[2048];
	struct tb_spec s = {0};

	s.family = tb_addr(src, s.src);
	tb_addr(s.family == 4 ? "203.0.113.9" : "2001:db8:5e::1", s.dst);
	s.sport = tbw_next_sport++; /* a flow of its own */
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

/* The one outcome a packet gets: which counter moved. */
int
tbw_feed(struct dp_worker *w, const uint8_t *frame, uint32_t len, uint32_t now)
{
	struct dp_wstats before = w->st;

	dp_worker_packet(w, frame, len, now);
	for (int o = 0; o < DP_OUT_COUNT; o++)
		if (w->st.outcome[o] != before.outcome[o])
			return o;
	return -1;
}

void
tbw_conv_init(struct tbw_conv *c, struct dp_worker *w, const char *client, const char *server,
	      uint8_t proto, uint16_t dport)
{
	memset(c, 0, sizeof(*c));
	c->w = w;
	c->now = T0;
	c->side[0].family = tb_addr(client, c->side[0].src);
	tb_addr(server, c->side[0].dst);
	c->side[0].proto = proto;
	c->side[0].sport = tbw_next_sport++;
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
int
tbw_conv_send(struct tbw_conv *c, int dir, uint8_t flags, const uint8_t *pl, uint32_t len,
	      uint32_t off)
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
	return tbw_feed(c->w, frame, n, c->now);
}

void
tbw_assert_traffic(struct dp_worker *w, const struct tbw_conv *c, uint32_t org, unsigned vendor,
		   enum dp_signal sig, uint64_t sessions)
{
	const struct dp_org_ctr *k = dp_worker_ctr(w, org, vendor, sig);

	assert_int_equal(k->sessions, sessions);
	for (int d = 0; d < 2; d++) {
		assert_int_equal(k->pkts[d], c->pkts[d]);
		assert_int_equal(k->bytes[d], c->bytes[d]);
	}
}
