/* SPDX-License-Identifier: BSD-3-Clause */
/* The XDP prefilter under BPF_PROG_TEST_RUN: each row a hand-built packet,
 * the verdict it must get and the counter it must bump. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <bpf/bpf.h>
#include <cmocka.h>
#include <linux/bpf.h>

#include "pf_loader.h"
#include "tb_pkt.h"

struct row {
	const char *what;
	const char *src, *dst;
	uint8_t proto;
	uint16_t sport, dport;
	int nvlan, v6ext;
	uint16_t frag;
	int cut; /* keep only this many bytes; 0 keeps all */
	enum pf_reason want;
};

static const struct row rows[] = {
	{"dns query v4", "192.0.2.1", "203.0.113.9", IPPROTO_UDP, 40000, 53, 0, 0, 0, 0, PF_PASS_DNS},
	{"dns answer v6", "2001:db8::53", "2001:db8::1", IPPROTO_UDP, 53, 40000, 0, 0, 0, 0, PF_PASS_DNS},
	{"dns over tcp", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 53, 1, 0, 0, 0, PF_PASS_DNS},
	{"https to port", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 443, 0, 0, 0, 0, PF_PASS_PORT},
	{"https reply", "203.0.113.9", "192.0.2.1", IPPROTO_TCP, 443, 40000, 2, 0, 0, 0, PF_PASS_PORT},
	{"quic v6 ext", "2001:db8::1", "2001:db8::2", IPPROTO_UDP, 40000, 443, 0, 2, 0, 0, PF_PASS_PORT},
	{"ssh dropped", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 22, 0, 0, 0, 0, PF_DROP_PORT},
	{"udp 443 is not tcp 8443", "192.0.2.1", "203.0.113.9", IPPROTO_UDP, 40000, 8443, 1, 0, 0, 0, PF_DROP_PORT},
	{"to server v4", "192.0.2.1", "198.51.100.7", IPPROTO_TCP, 40000, 8080, 0, 0, 0, 0, PF_PASS_SERVER},
	{"from server v6", "2001:db8:5e::9", "2001:db8::1", IPPROTO_UDP, 9999, 40000, 1, 0, 0, 0, PF_PASS_SERVER},
	{"gre", "192.0.2.1", "203.0.113.9", 47, 0, 0, 0, 0, 0, 0, PF_PASS_TUNNEL},
	{"vxlan", "192.0.2.1", "203.0.113.9", IPPROTO_UDP, 49152, 4789, 1, 0, 0, 0, PF_PASS_TUNNEL},
	{"icmp", "192.0.2.1", "203.0.113.9", IPPROTO_ICMP, 0, 0, 0, 0, 0, 0, PF_DROP_OTHER_L4},
	{"later fragment", "192.0.2.1", "203.0.113.9", IPPROTO_UDP, 0, 0, 0, 0, 100, 0, PF_DROP_FRAGMENT},
	{"fragment of server", "198.51.100.7", "192.0.2.1", IPPROTO_UDP, 0, 0, 0, 0, 100, 0, PF_PASS_SERVER},
	{"cut in ip header", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 443, 0, 0, 0, 20, PF_DROP_MALFORMED},
	{"cut in vlan tag", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 443, 1, 0, 0, 16, PF_DROP_MALFORMED},
	{"cut before ports", "2001:db8::1", "2001:db8::2", IPPROTO_UDP, 40000, 53, 0, 0, 0, 55, PF_DROP_MALFORMED},
	/* BPF_PROG_TEST_RUN refuses frames under 14 bytes: the shortest is a bare Ethernet header. */
	{"ethernet only", "192.0.2.1", "203.0.113.9", IPPROTO_TCP, 40000, 443, 0, 0, 0, 14, PF_DROP_MALFORMED},
};

static struct pf_loader *pf;

static int
setup(void **state)
{
	struct dp_prefix p;
	const char *why;

	(void)state;
	pf = pf_loader_open(false);
	if (pf == NULL) {
		print_error("cannot load the prefilter: %s (root and BPF needed)\n", strerror(errno));
		return -1;
	}
	if (pf_loader_port_add(pf, PF_PORT_TCP, 80) || pf_loader_port_add(pf, PF_PORT_TCP, 443) ||
	    pf_loader_port_add(pf, PF_PORT_UDP, 443))
		return -1;
	if (dp_prefix_parse("198.51.100.0/24", &p, &why) || pf_loader_server_add(pf, &p))
		return -1;
	if (dp_prefix_parse("2001:db8:5e::/64", &p, &why) || pf_loader_server_add(pf, &p))
		return -1;
	return 0;
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
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len, .repeat = 1);
	int err = bpf_prog_test_run_opts(pf_loader_prog_fd(pf), &o);

	*retval = o.retval;
	return err;
}

static void
test_pf_verdict_table(void **state)
{
	struct pf_counter before[PF_REASON_COUNT], after[PF_REASON_COUNT];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		uint8_t frame[512], pl[32] = {0};
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
		s.payload = pl;
		s.plen = sizeof(pl);
		len = tb_frame(&s, frame, sizeof(frame));
		if (r->cut)
			len = (uint32_t)r->cut;
		print_message("row %zu: %s\n", i, r->what);
		assert_int_equal(pf_loader_stats(pf, before), 0);
		assert_int_equal(run(frame, len, &ret), 0);
		assert_int_equal(ret, r->want >= PF_FIRST_DROP ? XDP_DROP : XDP_PASS);
		assert_int_equal(pf_loader_stats(pf, after), 0);
		for (int k = 0; k < PF_REASON_COUNT; k++) {
			assert_int_equal(after[k].packets - before[k].packets, k == (int)r->want);
			assert_int_equal(after[k].bytes - before[k].bytes,
					 k == (int)r->want ? len : 0);
		}
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

/* An MPLS frame passes as a tunnel without looking inside. */
static void
test_pf_verdict_mpls(void **state)
{
	uint8_t inner[128], frame[256];
	struct tb_spec s = {0};
	uint32_t len, ret;

	(void)state;
	s.family = tb_addr("192.0.2.1", s.src);
	tb_addr("203.0.113.9", s.dst);
	s.proto = IPPROTO_TCP;
	s.dport = 22;
	len = tb_encap(TB_ENC_MPLS, inner, tb_frame(&s, inner, sizeof(inner)), frame, sizeof(frame));
	assert_int_equal(run(frame, len, &ret), 0);
	assert_int_equal(ret, XDP_PASS);
}

/* Removing a server prefix takes effect at once. */
static void
test_pf_server_del(void **state)
{
	uint8_t frame[256];
	struct tb_spec s = {0};
	struct dp_prefix p;
	const char *why;
	uint32_t len, ret;

	(void)state;
	s.family = tb_addr("192.0.2.1", s.src);
	tb_addr("198.51.100.7", s.dst);
	s.proto = IPPROTO_TCP;
	s.sport = 1234;
	s.dport = 9000;
	len = tb_frame(&s, frame, sizeof(frame));
	assert_int_equal(run(frame, len, &ret), 0);
	assert_int_equal(ret, XDP_PASS);
	assert_int_equal(dp_prefix_parse("198.51.100.0/24", &p, &why), 0);
	assert_int_equal(pf_loader_server_del(pf, &p), 0);
	assert_int_equal(run(frame, len, &ret), 0);
	assert_int_equal(ret, XDP_DROP);
	assert_int_equal(pf_loader_server_add(pf, &p), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pf_verdict_table),
		cmocka_unit_test(test_pf_verdict_not_ip),
		cmocka_unit_test(test_pf_verdict_mpls),
		cmocka_unit_test(test_pf_server_del),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
