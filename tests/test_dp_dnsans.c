/* SPDX-License-Identifier: BSD-3-Clause */
/* DNS answers: CNAME chains, A/AAAA with TTLs, and the RFC 9267 checks on
 * hand-written messages a builder would not produce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_dnsans.h"
#include "tb_pkt.h"

static void
test_dp_dns_answers_chain(void **state)
{
	static const struct tb_rr rr[] = {
	    {NULL, 5, 60, "Edge.CDN.example"},
	    {"edge.cdn.example", 5, 60, "a1.cdn.example"},
	    {"a1.cdn.example", 1, 300, "203.0.113.77"},
	    {"a1.cdn.example", 28, 0x80000001u, "2001:db8:5f::4"},
	    {"other.example", 1, 300, "203.0.113.78"}, /* off the chain */
	    {NULL, 16, 300, "203.0.113.79"},	       /* TXT-typed: ignored */
	};
	uint8_t msg[1024], want[16];
	struct dp_dns_addr a[DP_DNS_MAX_ADDRS];
	struct dp_name q;
	unsigned n;
	uint32_t len = tb_dns_response(msg, sizeof(msg), 3, "Upd.Kaspersky.com", rr, 6);

	(void)state;
	assert_int_equal(dp_dns_answers(msg, len, &q, a, &n), DP_NAME_FOUND);
	assert_string_equal(q.s, "upd.kaspersky.com");
	assert_int_equal(n, 2);
	tb_addr("203.0.113.77", want);
	assert_int_equal(a[0].family, 4);
	assert_memory_equal(a[0].addr, want, 4);
	assert_int_equal(a[0].ttl, 300);
	tb_addr("2001:db8:5f::4", want);
	assert_int_equal(a[1].family, 6);
	assert_memory_equal(a[1].addr, want, 16);
	assert_int_equal(a[1].ttl, 0); /* RFC 2181 8: top bit set reads as 0 */

	/* Every cut of the message: truncated, never past the end (ASan). */
	for (uint32_t cut = 0; cut < len; cut++) {
		enum dp_name_rc rc = dp_dns_answers(msg, cut, &q, a, &n);

		assert_true(rc == DP_NAME_TRUNCATED || (rc == DP_NAME_FOUND && n < 2));
	}
}

struct row {
	const char *what;
	uint8_t msg[96];
	uint32_t len;
	enum dp_name_rc rc;
	unsigned n;
};

/* Header of a response with one question and k answers; question "a". */
#define HDR_R(k) 0, 1, 0x81, 0x80, 0, 1, 0, k, 0, 0, 0, 0
#define Q_A 1, 'a', 0, 0, 1, 0, 1
#define RR_A(ttl) 0, 1, 0, 1, 0, 0, 0, ttl, 0, 4, 203, 0, 113, 5
static const struct row rows[] = {
    {"one A by pointer", {HDR_R(1), Q_A, 0xc0, 12, RR_A(9)}, 35, DP_NAME_FOUND, 1},
    {"query, not response", {0, 1, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, Q_A}, 19, DP_NAME_NOT_PROTO, 0},
    {"NXDOMAIN", {0, 1, 0x81, 0x83, 0, 1, 0, 0, 0, 0, 0, 0, Q_A}, 19, DP_NAME_NOT_PROTO, 0},
    {"two questions",
     {0, 1, 0x81, 0x80, 0, 2, 0, 0, 0, 0, 0, 0, Q_A, Q_A},
     26,
     DP_NAME_MALFORMED,
     0},
    {"pointer to itself", {HDR_R(1), Q_A, 0xc0, 19, RR_A(9)}, 35, DP_NAME_MALFORMED, 0},
    {"forward pointer", {HDR_R(1), Q_A, 0xc0, 40, RR_A(9)}, 35, DP_NAME_MALFORMED, 0},
    {"pointer into the header", {HDR_R(1), Q_A, 0xc0, 2, RR_A(9)}, 35, DP_NAME_MALFORMED, 0},
    {"pointer loop", {HDR_R(1), Q_A, 1, 'b', 0xc0, 21, RR_A(9)}, 37, DP_NAME_MALFORMED, 0},
    {"reserved label type", {HDR_R(1), Q_A, 0x40, 12, RR_A(9)}, 35, DP_NAME_MALFORMED, 0},
    {"A with RDLENGTH 5",
     {HDR_R(1), Q_A, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0, 5, 203, 0, 113, 5, 1},
     36,
     DP_NAME_MALFORMED,
     0},
    {"RDLENGTH past the end",
     {HDR_R(1), Q_A, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 9, 0, 40, 203, 0, 113, 5},
     35,
     DP_NAME_TRUNCATED,
     0},
    {"ANCOUNT claims more", {HDR_R(3), Q_A, 0xc0, 12, RR_A(9)}, 35, DP_NAME_TRUNCATED, 1},
    {"TTL 0 kept as 0", {HDR_R(1), Q_A, 0xc0, 12, RR_A(0)}, 35, DP_NAME_FOUND, 1},
    {"CNAME to the root, then an A of the name",
     {HDR_R(2), Q_A, 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 9, 0, 1, 0, 0xc0, 12, RR_A(9)},
     48,
     DP_NAME_FOUND,
     1},
    {"RDLENGTH of a CNAME longer than its name",
     {HDR_R(1), Q_A, 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 9, 0, 3, 0, 0, 0},
     34,
     DP_NAME_MALFORMED,
     0},
};

static void
test_dp_dns_answers_table(void **state)
{
	struct dp_dns_addr a[DP_DNS_MAX_ADDRS];
	struct dp_name q;
	unsigned n;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("row %zu: %s\n", i, rows[i].what);
		assert_int_equal(dp_dns_answers(rows[i].msg, rows[i].len, &q, a, &n), rows[i].rc);
		assert_int_equal(n, rows[i].n);
	}
}

/* A name of 128 one-octet labels exceeds 255 octets. */
static void
test_dp_dns_answers_long_name(void **state)
{
	uint8_t msg[600] = {HDR_R(0)};
	struct dp_dns_addr a[DP_DNS_MAX_ADDRS];
	struct dp_name q;
	uint32_t o = 12;
	unsigned n;

	(void)state;
	for (int i = 0; i < 128; i++) {
		msg[o++] = 1;
		msg[o++] = 'x';
	}
	msg[o++] = 0;
	o += 4;
	assert_int_equal(dp_dns_answers(msg, o, &q, a, &n), DP_NAME_MALFORMED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_dns_answers_chain),
	    cmocka_unit_test(test_dp_dns_answers_table),
	    cmocka_unit_test(test_dp_dns_answers_long_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
