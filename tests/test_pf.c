/* SPDX-License-Identifier: BSD-3-Clause */
/* The XDP prefilter under BPF_PROG_TEST_RUN: each row a hand-built packet,
 * the verdict it must get and the counter it must bump; a ClientHello
 * split over segments passes whole. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <cmocka.h>
#include <linux/bpf.h>

#include "dp_parse.h"
#include "pf_loader.h"
#include "tb_pkt.h"

/* What a row's packet carries after its L4 header. */
enum body { B_ZERO, B_NONE, B_HELLO, B_HELLO_SHORT, B_HTTP, B_QUIC_LONG, B_QUIC_SHORT };

struct row {
	const char *what;
	const char *src, *dst;
	uint8_t proto;
	uint16_t sport, dport;
	int nvlan, v6ext;
	uint16_t frag;
	int cut;       /* keep only this many bytes; 0 keeps all */
	uint8_t flags; /* TCP; 0 is ACK|PSH */
	enum body body;
	enum pf_reason want;
};

#define ACK 0x10
static const struct row rows[] = {
    {"dns query v4", "192.0.2.1", "203.0.113.9", IPPROTO_UDP, 40000, 53, 0, 0, 0, 0, 0, B_ZERO,
     PF_PASS_DNS},
    {"dns answer v6", "2001:db8::53", "2001:db8::1", IPPROTO_UDP, 53, 40000, 0, 0, 0, 0, 0, B_ZERO,
     PF_PASS_DNS},
    {"dns over tcp", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 53, 1, 0, 0, 0, 0, B_ZERO,
     PF_PASS_DNS},
    {"syn to ssh", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 22, 0, 0, 0, 0, 0x02, B_NONE,
     PF_PASS_TCP_CONTROL},
    {"fin+ack", "203.0.113.9", "192.0.2.1", IPPROTO_TCP, 443, 40000, 0, 0, 0, 0, 0x11, B_NONE,
     PF_PASS_TCP_CONTROL},
    {"rst v6", "2001:db8::1", "2001:db8::2", IPPROTO_TCP, 40000, 443, 0, 0, 0, 0, 0x04, B_NONE,
     PF_PASS_TCP_CONTROL},
    {"bare ack", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 443, 0, 0, 0, 0, ACK, B_NONE,
     PF_DROP_TCP},
    {"bulk to 443", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 443, 0, 0, 0, 0, 0, B_ZERO,
     PF_DROP_TCP},
    {"client hello", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40001, 443, 1, 0, 0, 0, 0, B_HELLO,
     PF_PASS_TLS},
    {"client hello v6 ext", "2001:db8::1", "2001:db8::2", IPPROTO_TCP, 40001, 443, 0, 2, 0, 0, 0,
     B_HELLO, PF_PASS_TLS},
    {"hello to ssh port", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40001, 22, 0, 0, 0, 0, 0,
     B_HELLO, PF_DROP_TCP},
    /* The management role's ports: a range, both ends included. */
    {"hello to range start", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40001, 23100, 0, 0, 0, 0, 0,
     B_HELLO, PF_PASS_TLS},
    {"hello to range end", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40001, 23199, 0, 0, 0, 0, 0,
     B_HELLO, PF_PASS_TLS},
    {"hello below range", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40001, 23099, 0, 0, 0, 0, 0,
     B_HELLO, PF_DROP_TCP},
    {"hello above range", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40001, 23200, 0, 0, 0, 0, 0,
     B_HELLO, PF_DROP_TCP},
    {"server's hello back", "203.0.113.9", "192.0.2.1", IPPROTO_TCP, 443, 40001, 0, 0, 0, 0, 0,
     B_HELLO, PF_DROP_TCP},
    {"http get", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40002, 80, 0, 0, 0, 0, 0, B_HTTP,
     PF_PASS_HTTP},
    {"http get to 8080", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40002, 8080, 0, 0, 0, 0, 0,
     B_HTTP, PF_DROP_TCP},
    {"quic initial", "192.0.2.1", "203.0.113.9", IPPROTO_UDP, 40003, 443, 0, 0, 0, 0, 0,
     B_QUIC_LONG, PF_PASS_QUIC},
    {"quic handshake back", "203.0.113.9", "192.0.2.1", IPPROTO_UDP, 443, 40003, 0, 0, 0, 0, 0,
     B_QUIC_LONG, PF_PASS_QUIC},
    {"quic short header", "192.0.2.1", "203.0.113.9", IPPROTO_UDP, 40003, 443, 0, 0, 0, 0, 0,
     B_QUIC_SHORT, PF_DROP_UDP},
    {"long header to 4433", "192.0.2.1", "203.0.113.9", IPPROTO_UDP, 40003, 4433, 0, 0, 0, 0, 0,
     B_QUIC_LONG, PF_DROP_UDP},
    {"to server v4", "192.0.2.1", "198.51.100.7", IPPROTO_TCP, 40000, 8080, 0, 0, 0, 0, 0, B_ZERO,
     PF_PASS_SERVER},
    {"from server v6", "2001:db8:5e::9", "2001:db8::1", IPPROTO_UDP, 9999, 40000, 1, 0, 0, 0, 0,
     B_ZERO, PF_PASS_SERVER},
    {"gre", "192.0.2.1", "203.0.113.9", 47, 0, 0, 0, 0, 0, 0, 0, B_ZERO, PF_PASS_TUNNEL},
    {"vxlan", "192.0.2.1", "203.0.113.9", IPPROTO_UDP, 49152, 4789, 1, 0, 0, 0, 0, B_ZERO,
     PF_PASS_TUNNEL},
    {"icmp", "192.0.2.1", "203.0.113.9", IPPROTO_ICMP, 0, 0, 0, 0, 0, 0, 0, B_ZERO,
     PF_DROP_OTHER_L4},
    {"later fragment", "192.0.2.1", "203.0.113.9", IPPROTO_UDP, 0, 0, 0, 0, 100, 0, 0, B_ZERO,
     PF_DROP_FRAGMENT},
    {"fragment of server", "198.51.100.7", "192.0.2.1", IPPROTO_UDP, 0, 0, 0, 0, 100, 0, 0, B_ZERO,
     PF_PASS_SERVER},
    {"cut in ip header", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 443, 0, 0, 0, 20, 0,
     B_ZERO, PF_DROP_MALFORMED},
    {"cut in vlan tag", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 443, 1, 0, 0, 16, 0, B_ZERO,
     PF_DROP_MALFORMED},
    {"cut before ports", "2001:db8::1", "2001:db8::2", IPPROTO_UDP, 40000, 53, 0, 0, 0, 55, 0,
     B_ZERO, PF_DROP_MALFORMED},
    {"cut in tcp header", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 443, 0, 0, 0, 44, 0,
     B_ZERO, PF_DROP_MALFORMED},
    {"ethernet only", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 443, 0, 0, 0, 14, 0, B_ZERO,
     PF_DROP_MALFORMED},
};

/* The row's body into pl; its length. */
static uint32_t
body(enum body b, uint8_t *pl, uint32_t cap)
{
	memset(pl, 0, cap);
	switch (b) {
	case B_NONE:
		return 0;
	case B_HELLO:
		return tb_tls_client_hello(pl, cap, "dnl-01.geo.kaspersky.com", false, 0);
	case B_HTTP:
		return tb_http_get(pl, cap, "upd.kaspersky.com", "/");
	case B_QUIC_LONG:
		pl[0] = 0xc3; /* long header, Initial */
		pl[4] = 1;    /* version 1 */
		return 64;
	case B_QUIC_SHORT:
		pl[0] = 0x43;
		return 64;
	default:
		return 32;
	}
}

static struct pf_loader *pf;

static int
setup_maps(void)
{
	struct dp_prefix p;
	const char *why;

	if (pf_ctl_port_add(pf_loader_maps(pf), PF_PORT_TCP, 80) ||
	    pf_ctl_port_add(pf_loader_maps(pf), PF_PORT_TCP, 443) ||
	    pf_ctl_port_add(pf_loader_maps(pf), PF_PORT_UDP, 443) ||
	    pf_ctl_port_range_add(pf_loader_maps(pf), PF_PORT_TCP, 23100, 23199) ||
	    pf_ctl_port_range_add(pf_loader_maps(pf), PF_PORT_TCP, 23199, 23100) != -EINVAL)
		return -1;
	if (dp_prefix_parse("198.51.100.0/24", &p, &why) ||
	    pf_ctl_server_add(pf_loader_maps(pf), &p, PF_SRV_CONFIGURED))
		return -1;
	if (dp_prefix_parse("2001:db8:5e::/64", &p, &why) ||
	    pf_ctl_server_add(pf_loader_maps(pf), &p, PF_SRV_CONFIGURED))
		return -1;
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	pf = pf_loader_open(false);
	if (pf == NULL) {
		print_error("cannot load the prefilter: %s (root and BPF needed)\n",
			    strerror(errno));
		return -1;
	}
	return setup_maps();
}

static int
teardown(void **state)
{
	(void)state;
	pf_loader_destroy(pf);
	return 0;
}

static int
run(const uint8_t *frame, uint32_t len, uint32_t *retval)
{
	return pf_loader_run(pf, frame, len, 1, retval, NULL);
}

static void
test_pf_verdict_table(void **state)
{
	struct pf_counter before[PF_REASON_COUNT], after[PF_REASON_COUNT];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		uint8_t frame[2048], pl[1024];
		struct tb_spec s = {0};
		uint32_t len, ret;

		s.family = tb_addr(r->src, s.src);
		tb_addr(r->dst, s.dst);
		s.proto = r->proto;
		s.sport = r->sport;
		s.dport = r->dport;
		s.nvlan = r->nvlan;
		s.vlan[0] = 10;
		s.vlan[1] = 20;
		s.ipv6_ext = r->v6ext;
		s.frag_offset = r->frag;
		s.tcp_flags = r->flags;
		s.payload = pl;
		s.plen = body(r->body, pl, sizeof(pl));
		len = tb_frame(&s, frame, sizeof(frame));
		if (r->cut)
			len = (uint32_t)r->cut;
		print_message("row %zu: %s\n", i, r->what);
		assert_int_equal(pf_ctl_stats(pf_loader_maps(pf), before), 0);
		assert_int_equal(run(frame, len, &ret), 0);
		assert_int_equal(ret, r->want >= PF_FIRST_DROP ? XDP_DROP : XDP_PASS);
		assert_int_equal(pf_ctl_stats(pf_loader_maps(pf), after), 0);
		for (int k = 0; k < PF_REASON_COUNT; k++) {
			assert_int_equal(after[k].packets - before[k].packets, k == (int)r->want);
			assert_int_equal(after[k].bytes - before[k].bytes,
					 k == (int)r->want ? len : 0);
		}
	}
}

/* A ClientHello in three segments: the first passes as TLS, the other two
 * as its rest, the flow's next data is bulk again; another flow's data in
 * between is not the rest. */
static void
test_pf_tls_rest(void **state)
{
	uint8_t hello[1024], frame[2048];
	uint32_t hl =
	    tb_tls_client_hello(hello, sizeof(hello), "dnl-01.geo.kaspersky.com", false, 400);
	const struct {
		int flow;
		uint32_t off, len;
		enum pf_reason want;
	} segs[] = {
	    {0, 0, 100, PF_PASS_TLS},	    {1, 100, 40, PF_DROP_TCP},
	    {0, 100, 60, PF_PASS_TLS_REST}, {0, 160, 0, PF_PASS_TLS_REST}, /* the rest: hl - 160 */
	    {0, 300, 32, PF_DROP_TCP}, /* (padding bytes: no record start) */
	};
	struct pf_counter before[PF_REASON_COUNT], after[PF_REASON_COUNT];

	(void)state;
	assert_true(hl > 200);
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		struct tb_spec s = {0};
		uint32_t len, ret;

		s.family = tb_addr("192.0.2.44", s.src);
		tb_addr("203.0.113.9", s.dst);
		s.proto = IPPROTO_TCP;
		s.sport = (uint16_t)(41000 + segs[i].flow);
		s.dport = 443;
		s.payload = hello + segs[i].off;
		s.plen = segs[i].len ? segs[i].len : hl - segs[i].off;
		len = tb_frame(&s, frame, sizeof(frame));
		print_message("segment %zu\n", i);
		assert_int_equal(pf_ctl_stats(pf_loader_maps(pf), before), 0);
		assert_int_equal(run(frame, len, &ret), 0);
		assert_int_equal(ret, segs[i].want >= PF_FIRST_DROP ? XDP_DROP : XDP_PASS);
		assert_int_equal(pf_ctl_stats(pf_loader_maps(pf), after), 0);
		assert_int_equal(after[segs[i].want].packets - before[segs[i].want].packets, 1);
	}
}

/* ARP and an unknown ethertype are not IP. */
static void
test_pf_verdict_not_ip(void **state)
{
	uint8_t arp[60] = {0};
	uint32_t ret;

	(void)state;
	arp[12] = 0x08;
	arp[13] = 0x06;
	assert_int_equal(run(arp, sizeof(arp), &ret), 0);
	assert_int_equal(ret, XDP_DROP);
}

/* Every tunnel the dataplane opens passes whole, without looking inside
 * (inside: bulk TCP to port 22, which alone would be dropped). */
static void
test_pf_verdict_tunnels(void **state)
{
	uint8_t inner[128], frame[256];
	struct tb_spec s = {0};
	uint32_t len, ret;

	(void)state;
	s.family = tb_addr("192.0.2.1", s.src);
	tb_addr("203.0.113.9", s.dst);
	s.proto = IPPROTO_TCP;
	s.dport = 22;
	for (int k = TB_ENC_NONE; k < TB_ENC_COUNT; k++) {
		print_message("encapsulation %d\n", k);
		len = tb_encap((enum tb_encap)k, inner, tb_frame(&s, inner, sizeof(inner)), frame,
			       sizeof(frame));
		assert_int_equal(run(frame, len, &ret), 0);
		assert_int_equal(ret, k == TB_ENC_NONE ? XDP_DROP : XDP_PASS);
	}
}

/* A TCP segment without payload from 192.0.2.1 to dst:dport. */
static uint32_t
tcp_frame(const char *dst, uint16_t dport, uint8_t *frame, uint32_t cap)
{
	struct tb_spec s = {0};

	s.family = tb_addr("192.0.2.1", s.src);
	tb_addr(dst, s.dst);
	s.proto = IPPROTO_TCP;
	s.sport = 40000;
	s.dport = dport;
	return tb_frame(&s, frame, cap);
}

/* Removing a server prefix takes effect at once. */
static void
test_pf_server_del(void **state)
{
	uint8_t frame[256];
	uint32_t len = tcp_frame("198.51.100.7", 9000, frame, sizeof(frame)), ret;
	struct dp_prefix p;
	const char *why;

	(void)state;
	assert_int_equal(run(frame, len, &ret), 0);
	assert_int_equal(ret, XDP_PASS);
	assert_int_equal(dp_prefix_parse("198.51.100.0/24", &p, &why), 0);
	assert_int_equal(pf_ctl_server_del(pf_loader_maps(pf), &p, PF_SRV_CONFIGURED), 0);
	assert_int_equal(run(frame, len, &ret), 0);
	assert_int_equal(ret, XDP_DROP);
	assert_int_equal(pf_ctl_server_add(pf_loader_maps(pf), &p, PF_SRV_CONFIGURED), 0);
}

/* A learned address passes while its TTL runs, not after (the program
 * deletes it), and the sweep removes what expired unseen. */
static void
test_pf_learned(void **state)
{
	const struct pf_maps *m = pf_loader_maps(pf);
	uint8_t frame[256], a[16], b[16];
	uint32_t len = tcp_frame("203.0.113.77", 8443, frame, sizeof(frame)), ret;
	uint64_t until;

	(void)state;
	assert_int_equal(run(frame, len, &ret), 0);
	assert_int_equal(ret, XDP_DROP);
	tb_addr("203.0.113.77", a);
	assert_int_equal(pf_ctl_learned_add(m, 4, a, 60), 0);
	assert_int_equal(run(frame, len, &ret), 0);
	assert_int_equal(ret, XDP_PASS);
	/* A shorter TTL later does not cut the longer one. */
	assert_int_equal(pf_ctl_learned_add(m, 4, a, 0), 0);
	assert_int_equal(run(frame, len, &ret), 0);
	assert_int_equal(ret, XDP_PASS);
	assert_int_equal(pf_ctl_clear(m), 0);
	assert_int_equal(pf_ctl_learned_add(m, 4, a, 0), 0); /* expires at once */
	assert_int_equal(run(frame, len, &ret), 0);
	assert_int_equal(ret, XDP_DROP);
	assert_int_not_equal(bpf_map_lookup_elem(m->learned4, a, &until), 0);
	/* Expired and never looked at: the sweep takes it, not the live one. */
	tb_addr("2001:db8:77::1", b);
	assert_int_equal(pf_ctl_learned_add(m, 6, b, 0), 0);
	assert_int_equal(pf_ctl_learned_add(m, 4, a, 60), 0);
	assert_int_equal(pf_ctl_learned_sweep(m), 1);
	assert_int_equal(bpf_map_lookup_elem(m->learned4, a, &until), 0);
	assert_int_equal(pf_ctl_clear(m), 0);
	assert_int_not_equal(bpf_map_lookup_elem(m->learned4, a, &until), 0);
	/* The table test's configuration again. */
	assert_int_equal(setup_maps(), 0);
}

/* The prefilter passes every frame the dataplane reads (both from
 * dp_wire.h): each row a ClientHello to 443 behind the tags, headers or
 * tunnel it names, which dp_parse_frame must read to its TCP header and
 * the prefilter must pass (as TLS, or whole as a tunnel). */
struct pass_row {
	const char *what;
	uint16_t tpid[DP_PARSE_MAX_VLAN]; /* tags in front, outermost first */
	int ntags;
	int family, v6ext, v4opt;
	enum tb_encap encap;
};

static const struct pass_row pass_rows[] = {
    {"plain v4", {0}, 0, 4, 0, 0, TB_ENC_NONE},
    {"plain v6", {0}, 0, 6, 0, 0, TB_ENC_NONE},
    {"one 802.1Q tag", {0x8100}, 1, 4, 0, 0, TB_ENC_NONE},
    {"802.1ad QinQ", {0x88a8, 0x8100}, 2, 6, 0, 0, TB_ENC_NONE},
    {"old QinQ 0x9100", {0x9100, 0x8100}, 2, 4, 0, 0, TB_ENC_NONE},
    {"0x9100 alone", {0x9100}, 1, 4, 0, 0, TB_ENC_NONE},
    {"three tags", {0x88a8, 0x8100, 0x8100}, 3, 4, 0, 0, TB_ENC_NONE},
    {"four tags, the limit", {0x9100, 0x88a8, 0x8100, 0x8100}, 4, 6, 0, 0, TB_ENC_NONE},
    {"v4 options, 40 bytes", {0}, 0, 4, 0, 10, TB_ENC_NONE},
    {"v6 three ext headers", {0}, 0, 6, 3, 0, TB_ENC_NONE},
    {"v6 four ext headers", {0}, 0, 6, 4, 0, TB_ENC_NONE},
    {"v6 ext headers at the limit", {0}, 0, 6, DP_PARSE_MAX_EXTHDR, 0, TB_ENC_NONE},
    {"four tags, v6 at the ext limit",
     {0x88a8, 0x8100, 0x9100, 0x8100},
     4,
     6,
     DP_PARSE_MAX_EXTHDR,
     0,
     TB_ENC_NONE},
    {"mpls", {0}, 0, 4, 0, 0, TB_ENC_MPLS},
    {"mpls pseudowire", {0}, 0, 6, 0, 0, TB_ENC_MPLS_PW},
    {"gre ip", {0}, 0, 4, 0, 0, TB_ENC_GRE_IP},
    {"gre teb", {0}, 0, 6, 0, 0, TB_ENC_GRE_TEB},
    {"erspan ii", {0}, 0, 4, 0, 0, TB_ENC_ERSPAN2},
    {"erspan iii", {0}, 0, 4, 0, 0, TB_ENC_ERSPAN3},
    {"vxlan", {0}, 0, 6, 0, 0, TB_ENC_VXLAN},
    {"pppoe", {0}, 0, 4, 0, 0, TB_ENC_PPPOE},
    {"ipip", {0}, 0, 4, 0, 0, TB_ENC_IPIP},
    {"6in4", {0}, 0, 6, 0, 0, TB_ENC_IPIP},
    {"gtp-u", {0}, 0, 4, 0, 0, TB_ENC_GTPU},
    {"geneve", {0}, 0, 6, 0, 0, TB_ENC_GENEVE},
    {"l2tp", {0}, 0, 4, 0, 0, TB_ENC_L2TP},
};

/* frame with tags inserted after its MAC addresses; the new length. */
static uint32_t
add_tags(uint8_t *frame, uint32_t len, uint32_t cap, const uint16_t *tpid, int n)
{
	uint32_t add = (uint32_t)n * 4;

	if (len + add > cap)
		return 0;
	memmove(frame + 12 + add, frame + 12, len - 12);
	for (int i = 0; i < n; i++) {
		uint8_t *t = frame + 12 + i * 4;

		t[0] = (uint8_t)(tpid[i] >> 8);
		t[1] = (uint8_t)tpid[i];
		t[2] = 0;
		t[3] = (uint8_t)(10 + i); /* VLAN id */
	}
	return len + add;
}

static void
test_pf_passes_what_dataplane_parses(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pass_rows) / sizeof(pass_rows[0]); i++) {
		const struct pass_row *r = &pass_rows[i];
		uint8_t pl[1024], inner[2048], frame[4096];
		struct tb_spec s = {0};
		struct dp_pkt p;
		uint32_t len, ret;

		s.family = tb_addr(r->family == 4 ? "192.0.2.1" : "2001:db8::1", s.src);
		tb_addr(r->family == 4 ? "203.0.113.9" : "2001:db8::2", s.dst);
		s.proto = IPPROTO_TCP;
		s.sport = 40000;
		s.dport = 443;
		s.ipv6_ext = r->v6ext;
		s.ipv4_opt_words = (uint8_t)r->v4opt;
		s.payload = pl;
		s.plen = body(B_HELLO, pl, sizeof(pl));
		len = tb_frame(&s, inner, sizeof(inner));
		if (r->encap != TB_ENC_NONE)
			len = tb_encap(r->encap, inner, len, frame, sizeof(frame));
		else
			memcpy(frame, inner, len);
		len = add_tags(frame, len, sizeof(frame), r->tpid, r->ntags);
		print_message("row %zu: %s\n", i, r->what);
		assert_true(len > 0);
		assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_OK);
		assert_int_equal(p.proto, IPPROTO_TCP);
		assert_int_equal(p.dport, 443);
		assert_int_equal(p.payload_len, s.plen);
		assert_int_equal(run(frame, len, &ret), 0);
		assert_int_equal(ret, XDP_PASS);
	}
}

/* The same over real traffic: every frame of the bundled Chromium
 * captures that the dataplane reads, the prefilter does not drop as
 * unreadable (not IP, malformed); it may drop by its policy (bulk TCP). */
static void
test_pf_passes_captures(void **state)
{
	static const char *const files[] = {"chromium-tls-split.pcap", "chromium-quic-silent.pcap",
					    "chromium-quic-answer.pcap"};
	struct pf_counter before[PF_REASON_COUNT], after[PF_REASON_COUNT];
	unsigned read_ok = 0;

	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char path[512];
		uint8_t hdr[24], rec[16], frame[65536];
		FILE *in;

		snprintf(path, sizeof(path), "%s/tests/captures/%s", SOURCE_ROOT, files[f]);
		in = fopen(path, "rb");
		assert_non_null(in);
		assert_int_equal(fread(hdr, 1, sizeof(hdr), in), sizeof(hdr));
		assert_int_equal(hdr[20], 1); /* LINKTYPE_ETHERNET, little-endian file */
		while (fread(rec, 1, sizeof(rec), in) == sizeof(rec)) {
			uint32_t cap = (uint32_t)rec[8] | (uint32_t)rec[9] << 8 |
				       (uint32_t)rec[10] << 16 | (uint32_t)rec[11] << 24;
			struct dp_pkt p;
			uint32_t ret;

			assert_true(cap <= sizeof(frame));
			assert_int_equal(fread(frame, 1, cap, in), cap);
			if (dp_parse_frame(frame, cap, &p) != DP_PARSE_OK)
				continue;
			read_ok++;
			assert_int_equal(pf_ctl_stats(pf_loader_maps(pf), before), 0);
			assert_int_equal(run(frame, cap, &ret), 0);
			assert_int_equal(pf_ctl_stats(pf_loader_maps(pf), after), 0);
			assert_int_equal(after[PF_DROP_NOT_IP].packets,
					 before[PF_DROP_NOT_IP].packets);
			assert_int_equal(after[PF_DROP_MALFORMED].packets,
					 before[PF_DROP_MALFORMED].packets);
		}
		fclose(in);
	}
	assert_true(read_ok >= 20);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pf_verdict_table),
	    cmocka_unit_test(test_pf_tls_rest),
	    cmocka_unit_test(test_pf_verdict_not_ip),
	    cmocka_unit_test(test_pf_verdict_tunnels),
	    cmocka_unit_test(test_pf_server_del),
	    cmocka_unit_test(test_pf_learned),
	    cmocka_unit_test(test_pf_passes_what_dataplane_parses),
	    cmocka_unit_test(test_pf_passes_captures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
