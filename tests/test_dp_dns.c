/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_dns.h"
#include "tb_pkt.h"

static void
test_dp_dns_qname_valid(void **state)
{
	uint8_t buf[512];
	struct dp_name n;
	uint32_t len = tb_dns_query(buf, sizeof(buf), 7, "DNL-01.Kaspersky-Labs.com", 1);

	(void)state;
	assert_int_equal(dp_dns_qname(buf, len, &n), DP_NAME_FOUND);
	assert_string_equal(n.s, "dnl-01.kaspersky-labs.com");
	/* Without QTYPE/QCLASS the question is incomplete. */
	assert_int_equal(dp_dns_qname(buf, len - 4, &n), DP_NAME_MALFORMED);
}

/* Hand-written wire messages for what a builder will not produce. */
struct row {
	const char *what;
	uint8_t msg[80];
	uint32_t len;
	enum dp_name_rc rc;
};

#define HDR_Q 0, 1, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0
static const struct row rows[] = {
    {"response",
     {0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1},
     19,
     DP_NAME_NOT_PROTO},
    {"notify opcode",
     {0, 1, 0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1},
     19,
     DP_NAME_NOT_PROTO},
    {"pointer in question", {HDR_Q, 0xc0, 12, 0, 1, 0, 1}, 18, DP_NAME_MALFORMED},
    {"pointer to self", {HDR_Q, 1, 'a', 0xc0, 12, 0, 1, 0, 1}, 20, DP_NAME_MALFORMED},
    {"label 64", {HDR_Q, 64, 'a'}, 14, DP_NAME_MALFORMED},
    {"label past end", {HDR_Q, 10, 'a', 'b'}, 15, DP_NAME_MALFORMED},
    {"dot in label", {HDR_Q, 3, 'a', '.', 'b', 0, 0, 1, 0, 1}, 21, DP_NAME_MALFORMED},
    {"root", {HDR_Q, 0, 0, 2, 0, 1}, 17, DP_NAME_NONE},
    {"no question", {0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 12, DP_NAME_NONE},
    {"short header", {0, 1, 1, 0, 0}, 5, DP_NAME_MALFORMED},
    {"nul in label", {HDR_Q, 1, 0, 0, 0, 1, 0, 1}, 19, DP_NAME_MALFORMED},
};

static void
test_dp_dns_qname_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dp_name n;

		print_message("row %zu: %s\n", i, rows[i].what);
		assert_int_equal(dp_dns_qname(rows[i].msg, rows[i].len, &n), rows[i].rc);
	}
}

/* 128 one-octet labels make a 256-octet wire name: one over RFC 1035's 255. */
static void
test_dp_dns_qname_too_long(void **state)
{
	uint8_t buf[600] = {HDR_Q};
	uint32_t o = 12;
	struct dp_name n;

	(void)state;
	for (int i = 0; i < 127; i++) {
		buf[o++] = 1;
		buf[o++] = 'a';
	}
	buf[o++] = 0;
	buf[o++] = 0;
	buf[o++] = 1;
	buf[o++] = 0;
	buf[o++] = 1;
	/* 127 labels: 255 octets with the root, the limit: accepted. */
	assert_int_equal(dp_dns_qname(buf, o, &n), DP_NAME_FOUND);
	assert_int_equal(n.len, 253);
	o = 12;
	for (int i = 0; i < 128; i++) {
		buf[o++] = 1;
		buf[o++] = 'a';
	}
	buf[o++] = 0;
	o += 4;
	assert_int_equal(dp_dns_qname(buf, o, &n), DP_NAME_MALFORMED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_dns_qname_valid),
	    cmocka_unit_test(test_dp_dns_qname_table),
	    cmocka_unit_test(test_dp_dns_qname_too_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
