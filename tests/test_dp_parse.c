/* SPDX-License-Identifier: BSD-3-Clause */
/* Table-driven: each row a hand-built frame and the fields it must yield. */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_parse.h"
#include "tb_pkt.h"

struct row {
	const char *what;
	int nvlan;
	const char *src, *dst;
	uint8_t proto;
	uint8_t v4opt;
	int v6ext;
	uint16_t frag_off;
	bool mf;
	uint32_t plen;
	int cut; /* bytes removed from the end of the frame */
	enum dp_parse_rc rc;
	bool lost; /* the cut is inside the IP datagram: read as far as it goes */
};

static const struct row rows[] = {
    {"ipv4 tcp", 0, "192.0.2.10", "198.51.100.1", IPPROTO_TCP, 0, 0, 0, 0, 100, 0, DP_PARSE_OK,
     false},
    {"ipv4 udp", 0, "192.0.2.10", "198.51.100.1", IPPROTO_UDP, 0, 0, 0, 0, 40, 0, DP_PARSE_OK,
     false},
    {"vlan ipv4 tcp", 1, "192.0.2.10", "198.51.100.1", IPPROTO_TCP, 0, 0, 0, 0, 10, 0, DP_PARSE_OK,
     false},
    {"qinq ipv6 udp", 2, "2001:db8::1", "2001:db8:1::2", IPPROTO_UDP, 0, 0, 0, 0, 33, 0,
     DP_PARSE_OK, false},
    {"ipv4 options", 0, "192.0.2.10", "198.51.100.1", IPPROTO_TCP, 3, 0, 0, 0, 17, 0, DP_PARSE_OK,
     false},
    {"ipv6 two ext", 0, "2001:db8::1", "2001:db8::2", IPPROTO_TCP, 0, 2, 0, 0, 64, 0, DP_PARSE_OK,
     false},
    {"ipv6 empty tcp", 0, "2001:db8::1", "2001:db8::2", IPPROTO_TCP, 0, 0, 0, 0, 0, 0, DP_PARSE_OK,
     false},
    {"ipv4 icmp", 0, "192.0.2.10", "198.51.100.1", IPPROTO_ICMP, 0, 0, 0, 0, 8, 0,
     DP_PARSE_OTHER_L4, false},
    {"ipv4 first frag", 0, "192.0.2.10", "198.51.100.1", IPPROTO_UDP, 0, 0, 0, 1, 64, 0,
     DP_PARSE_OK, false},
    {"ipv4 later frag", 0, "192.0.2.10", "198.51.100.1", IPPROTO_UDP, 0, 0, 8, 0, 64, 0,
     DP_PARSE_FRAGMENT, false},
    /* A capture cut short of the IP length (a snap length): the headers
     * there are read, the datagram's length is what the IP header says. */
    {"ipv4 cut in tcp hdr", 0, "192.0.2.10", "198.51.100.1", IPPROTO_TCP, 0, 0, 0, 0, 0, 10,
     DP_PARSE_ERR_L4, true},
    {"ipv6 cut", 0, "2001:db8::1", "2001:db8::2", IPPROTO_UDP, 0, 0, 0, 0, 20, 5, DP_PARSE_OK,
     true},
    {"ipv4 tcp cut in payload", 0, "192.0.2.10", "198.51.100.1", IPPROTO_TCP, 0, 0, 0, 0, 100, 60,
     DP_PARSE_OK, true},
    {"vlan ipv6 tcp cut", 1, "2001:db8::1", "2001:db8::2", IPPROTO_TCP, 0, 0, 0, 0, 1000, 900,
     DP_PARSE_OK, true},
    {"eth only", 0, "192.0.2.10", "198.51.100.1", IPPROTO_TCP, 0, 0, 0, 0, 0, 40, DP_PARSE_ERR_L3,
     false},
    {"half eth", 0, "192.0.2.10", "198.51.100.1", IPPROTO_TCP, 0, 0, 0, 0, 0, 47, DP_PARSE_ERR_L2,
     false},
    {"vlan cut", 1, "192.0.2.10", "198.51.100.1", IPPROTO_TCP, 0, 0, 0, 0, 0, 42, DP_PARSE_ERR_L2,
     false},
};

static void
test_dp_parse_frame_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		uint8_t payload[2000], frame[4096];
		struct tb_spec s = {0};
		struct dp_pkt p;
		uint32_t len;

		for (uint32_t k = 0; k < r->plen; k++)
			payload[k] = (uint8_t)(k * 13);
		s.nvlan = r->nvlan;
		s.vlan[0] = 100;
		s.vlan[1] = 200;
		s.family = tb_addr(r->src, s.src);
		tb_addr(r->dst, s.dst);
		s.proto = r->proto;
		s.sport = 40000 + (uint16_t)i;
		s.dport = 443;
		s.ipv4_opt_words = r->v4opt;
		s.ipv6_ext = r->v6ext;
		s.frag_offset = r->frag_off;
		s.more_frags = r->mf;
		s.payload = payload;
		s.plen = r->plen;
		len = tb_frame(&s, frame, sizeof(frame));
		assert_true(len > (uint32_t)r->cut);
		len -= (uint32_t)r->cut;
		print_message("row %zu: %s\n", i, r->what);
		assert_int_equal(dp_parse_frame(frame, len, &p), r->rc);
		if (r->rc == DP_PARSE_ERR_L2)
			continue;
		if (r->rc == DP_PARSE_OK || r->rc == DP_PARSE_OTHER_L4 ||
		    r->rc == DP_PARSE_FRAGMENT) {
			assert_int_equal(p.family, s.family);
			assert_memory_equal(p.saddr, s.src, s.family == 4 ? 4 : 16);
			assert_memory_equal(p.daddr, s.dst, s.family == 4 ? 4 : 16);
			assert_int_equal(p.vlans, r->nvlan);
		}
		if (r->rc == DP_PARSE_OK) {
			uint32_t have = r->lost ? r->plen - (uint32_t)r->cut : r->plen;

			assert_int_equal(p.proto, r->proto);
			assert_int_equal(p.sport, s.sport);
			assert_int_equal(p.dport, 443);
			assert_int_equal(p.payload_len, have);
			if (have)
				assert_memory_equal(p.payload, payload, have);
		}
		if (r->rc != DP_PARSE_ERR_L3)
			assert_int_equal(p.lost, r->lost ? (uint32_t)r->cut : 0);
	}
}

/* Bytes a builder cannot make: corrupt headers patched in place. */
static void
test_dp_parse_frame_corrupt(void **state)
{
	uint8_t frame[256], pl[8] = {0};
	struct tb_spec s = {0};
	struct dp_pkt p;
	uint32_t len;

	(void)state;
	s.family = tb_addr("192.0.2.1", s.src);
	tb_addr("192.0.2.2", s.dst);
	s.proto = IPPROTO_TCP;
	s.payload = pl;
	s.plen = sizeof(pl);
	len = tb_frame(&s, frame, sizeof(frame));

	frame[14] = 0x44; /* IHL 4 < 5 */
	assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_ERR_L3);
	frame[14] = 0x45;
	frame[14 + 20 + 12] = 0x40; /* TCP data offset 4 */
	assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_ERR_L4);
	frame[14 + 20 + 12] = 0xf0; /* TCP data offset 60 > segment */
	assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_ERR_L4);
	frame[14 + 20 + 12] = 0x50;
	frame[14 + 2] = 0xff; /* total length beyond frame: a capture cut short */
	assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_OK);
	assert_int_equal(p.lost, (uint32_t)(0xff << 8 | frame[14 + 3]) - (len - 14));
	assert_int_equal(p.payload_len, sizeof(pl));
	frame[14 + 2] = 0;
	frame[14] = 0x65; /* version 6 under ethertype IPv4 */
	assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_ERR_L3);
	frame[12] = 0x08;
	frame[13] = 0x06; /* ARP */
	assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_NOT_IP);
	/* Five stacked VLAN tags exceed DP_PARSE_MAX_VLAN. */
	for (int i = 0; i < 5; i++) {
		frame[12 + i * 4] = 0x81;
		frame[13 + i * 4] = 0x00;
	}
	assert_int_equal(dp_parse_frame(frame, 14 + 5 * 4 + 2, &p), DP_PARSE_ERR_L2);
}

/* An IPv6 extension chain longer than DP_PARSE_MAX_EXTHDR is refused. */
static void
test_dp_parse_frame_long_ext_chain(void **state)
{
	uint8_t frame[512];
	struct tb_spec s = {0};
	struct dp_pkt p;
	uint32_t len;

	(void)state;
	s.family = tb_addr("2001:db8::1", s.src);
	tb_addr("2001:db8::2", s.dst);
	s.proto = IPPROTO_UDP;
	s.ipv6_ext = DP_PARSE_MAX_EXTHDR + 1;
	len = tb_frame(&s, frame, sizeof(frame));
	assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_ERR_L3);
	s.ipv6_ext = DP_PARSE_MAX_EXTHDR;
	len = tb_frame(&s, frame, sizeof(frame));
	assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_OK);
}

/* Every tunnel a tap delivers: the inner client's fields come out. */
static void
test_dp_parse_frame_encapsulations(void **state)
{
	static const char *const names[TB_ENC_COUNT] = {
	    "none",  "mpls",  "mpls pw",  "gre ip", "gre teb", "erspan2", "erspan3",
	    "vxlan", "pppoe", "ip in ip", "gtp-u",  "geneve",  "l2tpv2"};
	uint8_t inner[512], frame[1024], pl[24];
	struct tb_spec s = {0};
	struct dp_pkt p;

	(void)state;
	memset(pl, 0x5a, sizeof(pl));
	for (int fam = 4; fam <= 6; fam += 2) {
		s.family = tb_addr(fam == 4 ? "192.0.2.77" : "2001:db8:1::77", s.src);
		tb_addr(fam == 4 ? "198.51.100.1" : "2001:db8:2::1", s.dst);
		s.proto = IPPROTO_TCP;
		s.sport = 51000;
		s.dport = 443;
		s.nvlan = 1;
		s.vlan[0] = 12;
		s.payload = pl;
		s.plen = sizeof(pl);
		uint32_t ilen = tb_frame(&s, inner, sizeof(inner));

		for (int k = 0; k < TB_ENC_COUNT; k++) {
			uint32_t len =
			    tb_encap((enum tb_encap)k, inner, ilen, frame, sizeof(frame));

			print_message("IPv%d in %s\n", fam, names[k]);
			assert_true(len > 0);
			assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_OK);
			assert_int_equal(p.family, fam);
			assert_memory_equal(p.saddr, s.src, fam == 4 ? 4 : 16);
			assert_memory_equal(p.daddr, s.dst, fam == 4 ? 4 : 16);
			assert_int_equal(p.sport, 51000);
			assert_int_equal(p.dport, 443);
			assert_int_equal(p.payload_len, sizeof(pl));
			assert_memory_equal(p.payload, pl, sizeof(pl));
			assert_int_equal(p.encap, k == TB_ENC_NONE ? 0 : 1);
			/* Cut anywhere inside the tunnel headers: an error, never a read
			 * past the end (ASan). */
			for (uint32_t cut = 0; cut < len - ilen + 14; cut++) {
				enum dp_parse_rc rc = dp_parse_frame(frame, cut, &p);

				assert_true(rc >= DP_PARSE_NOT_IP);
			}
		}
	}
}

/* Tunnels in tunnels: DP_PARSE_MAX_ENCAP levels parse, one more does not. */
static void
test_dp_parse_frame_encap_depth(void **state)
{
	uint8_t a[2048], b[2048];
	struct tb_spec s = {0};
	struct dp_pkt p;
	uint32_t len;

	(void)state;
	s.family = tb_addr("192.0.2.5", s.src);
	tb_addr("198.51.100.1", s.dst);
	s.proto = IPPROTO_UDP;
	s.dport = 53;
	len = tb_frame(&s, a, sizeof(a));
	for (int d = 1; d <= DP_PARSE_MAX_ENCAP + 1; d++) {
		len = tb_encap(d & 1 ? TB_ENC_VXLAN : TB_ENC_ERSPAN2, a, len, b, sizeof(b));
		memcpy(a, b, len);
		assert_int_equal(dp_parse_frame(a, len, &p),
				 d <= DP_PARSE_MAX_ENCAP ? DP_PARSE_OK : DP_PARSE_ERR_L2);
	}
}

/* Header fields a builder gets right, patched wrong. */
static void
test_dp_parse_frame_bad_tunnels(void **state)
{
	uint8_t inner[256], frame[512];
	struct tb_spec s = {0};
	struct dp_pkt p;
	uint32_t ilen, len;

	(void)state;
	s.family = tb_addr("192.0.2.5", s.src);
	tb_addr("198.51.100.1", s.dst);
	s.proto = IPPROTO_TCP;
	ilen = tb_frame(&s, inner, sizeof(inner));

	len = tb_encap(TB_ENC_VXLAN, inner, ilen, frame, sizeof(frame));
	frame[14 + 20 + 8] = 0; /* VXLAN without the I flag */
	assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_ERR_L4);
	len = tb_encap(TB_ENC_ERSPAN2, inner, ilen, frame, sizeof(frame));
	frame[34 + 8] = 0x30; /* version 3 under the type II ethertype */
	assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_ERR_L3);
	len = tb_encap(TB_ENC_GRE_TEB, inner, ilen, frame, sizeof(frame));
	frame[35] = 0x01; /* GRE version 1 */
	assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_OTHER_L4);
	len = tb_encap(TB_ENC_MPLS, inner, ilen, frame, sizeof(frame));
	/* Clear every bottom-of-stack bit: the stack runs off the frame. */
	for (uint32_t o = 14; o + 4 <= len; o += 4)
		frame[o + 2] &= 0xfe;
	assert_int_equal(dp_parse_frame(frame, len, &p), DP_PARSE_ERR_L2);
}

/* Captures of other link types: raw IP (pcap RAW, IPV4, IPV6) and Linux
 * cooked captures v1 and v2 carry the same packet after another header. */
static void
test_dp_parse_link_types(void **state)
{
	static const struct {
		const char *what;
		enum dp_link link;
		int fam;
	} rows[] = {
	    {"raw ipv4", DP_LINK_RAW, 4},   {"raw ipv6", DP_LINK_RAW, 6},
	    {"sll ipv4", DP_LINK_SLL, 4},   {"sll ipv6", DP_LINK_SLL, 6},
	    {"sll2 ipv4", DP_LINK_SLL2, 4}, {"sll2 ipv6", DP_LINK_SLL2, 6},
	};
	uint8_t eth[512], frame[600], pl[30];

	(void)state;
	memset(pl, 0x33, sizeof(pl));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tb_spec s = {0};
		struct dp_pkt p;
		uint32_t n, ip, len;
		uint16_t type = rows[i].fam == 4 ? 0x0800 : 0x86dd;

		print_message("row %zu: %s\n", i, rows[i].what);
		s.family = tb_addr(rows[i].fam == 4 ? "192.0.2.9" : "2001:db8::9", s.src);
		tb_addr(rows[i].fam == 4 ? "198.51.100.9" : "2001:db8:9::9", s.dst);
		s.proto = IPPROTO_UDP;
		s.sport = 40001;
		s.dport = 53;
		s.payload = pl;
		s.plen = sizeof(pl);
		n = tb_frame(&s, eth, sizeof(eth));
		ip = n - 14;
		memset(frame, 0, sizeof(frame));
		if (rows[i].link == DP_LINK_RAW) {
			memcpy(frame, eth + 14, ip);
			len = ip;
		} else if (rows[i].link == DP_LINK_SLL) {
			frame[1] = 4; /* sent by us */
			frame[3] = 1; /* ARPHRD_ETHER */
			frame[5] = 6;
			frame[14] = (uint8_t)(type >> 8);
			frame[15] = (uint8_t)type;
			memcpy(frame + 16, eth + 14, ip);
			len = 16 + ip;
		} else {
			frame[0] = (uint8_t)(type >> 8);
			frame[1] = (uint8_t)type;
			frame[7] = 2; /* interface index */
			frame[9] = 1; /* ARPHRD_ETHER */
			frame[11] = 6;
			memcpy(frame + 20, eth + 14, ip);
			len = 20 + ip;
		}
		assert_int_equal(dp_parse_link(rows[i].link, frame, len, &p), DP_PARSE_OK);
		assert_int_equal(p.family, rows[i].fam);
		assert_memory_equal(p.saddr, s.src, rows[i].fam == 4 ? 4 : 16);
		assert_int_equal(p.sport, 40001);
		assert_int_equal(p.payload_len, sizeof(pl));
		/* The same bytes as Ethernet are not IP. */
		assert_int_not_equal(dp_parse_frame(frame, len, &p), DP_PARSE_OK);
		/* Cut inside the link header: an error. */
		for (uint32_t cut = 0; cut < len - ip; cut++)
			assert_true(dp_parse_link(rows[i].link, frame, cut, &p) >= DP_PARSE_NOT_IP);
	}
}

/* Encapsulations recognised but not opened: counted by kind, never taken
 * for something else. */
static void
test_dp_parse_unsupported(void **state)
{
	static const struct {
		const char *what;
		uint8_t proto;	 /* of the outer IPv4 */
		uint16_t dport;	 /* UDP */
		uint8_t head[4]; /* the first bytes of its payload */
		enum dp_parse_rc rc;
		enum dp_unsupported kind;
	} rows[] = {
	    {"esp", 50, 0, {0, 0, 0x10, 0}, DP_PARSE_OTHER_L4, DP_UNSUP_ESP},
	    {"l2tpv3 over ip", 115, 0, {0, 0, 0, 1}, DP_PARSE_OTHER_L4, DP_UNSUP_L2TPV3},
	    {"pptp gre", 47, 0, {0x30, 0x01, 0x88, 0x0b}, DP_PARSE_OTHER_L4, DP_UNSUP_GRE_V1},
	    {"l2tpv3 over udp", IPPROTO_UDP, 1701, {0, 3, 0, 0}, DP_PARSE_OK, DP_UNSUP_L2TPV3},
	    {"l2tp control", IPPROTO_UDP, 1701, {0xc8, 0x02, 0, 20}, DP_PARSE_OK, DP_UNSUP_NONE},
	    {"gtp echo", IPPROTO_UDP, 2152, {0x32, 0x01, 0, 4}, DP_PARSE_OK, DP_UNSUP_NONE},
	    {"icmp", IPPROTO_ICMP, 0, {8, 0, 0, 0}, DP_PARSE_OTHER_L4, DP_UNSUP_NONE},
	};
	uint8_t frame[256], pl[40];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tb_spec s = {0};
		struct dp_pkt p;
		uint32_t len;

		print_message("row %zu: %s\n", i, rows[i].what);
		memset(pl, 0, sizeof(pl));
		memcpy(pl, rows[i].head, 4);
		s.family = tb_addr("192.0.2.9", s.src);
		tb_addr("198.51.100.9", s.dst);
		s.proto = rows[i].proto;
		s.sport = 1701;
		s.dport = rows[i].dport;
		s.payload = pl;
		s.plen = sizeof(pl);
		len = tb_frame(&s, frame, sizeof(frame));
		assert_int_equal(dp_parse_frame(frame, len, &p), rows[i].rc);
		assert_int_equal(p.unsupported, rows[i].kind);
	}
}

/* PPPoE carrying the link's own control (LCP) is not IP. */
static void
test_dp_parse_pppoe_control(void **state)
{
	uint8_t frame[64] = {0x02, 0,	 0,    0,    0,	   1,	 0x02, 0,    0,	   0, 0, 2, 0x88,
			     0x64, 0x11, 0x00, 0x12, 0x34, 0x00, 0x06, 0xc0, 0x21, 1, 1, 0, 4};
	struct dp_pkt p;

	(void)state;
	assert_int_equal(dp_parse_frame(frame, 26, &p), DP_PARSE_NOT_IP);
	frame[14] = 0x12; /* another version */
	assert_int_equal(dp_parse_frame(frame, 26, &p), DP_PARSE_ERR_L2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_parse_link_types),
	    cmocka_unit_test(test_dp_parse_unsupported),
	    cmocka_unit_test(test_dp_parse_pppoe_control),
	    cmocka_unit_test(test_dp_parse_frame_table),
	    cmocka_unit_test(test_dp_parse_frame_corrupt),
	    cmocka_unit_test(test_dp_parse_frame_long_ext_chain),
	    cmocka_unit_test(test_dp_parse_frame_encapsulations),
	    cmocka_unit_test(test_dp_parse_frame_encap_depth),
	    cmocka_unit_test(test_dp_parse_frame_bad_tunnels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
