/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_tls.h"
#include "tb_pkt.h"

struct row {
	const char *what;
	const char *sni;
	bool ech;
	uint32_t pad;
	int cut; /* keep only this many bytes; 0 keeps all */
	enum dp_name_rc rc;
	const char *want;
};

static const struct row rows[] = {
    {"plain sni", "dnl-03.geo.kaspersky.com", false, 0, 0, DP_NAME_FOUND,
     "dnl-03.geo.kaspersky.com"},
    {"upper case", "DNL-03.Geo.Kaspersky.COM", false, 0, 0, DP_NAME_FOUND,
     "dnl-03.geo.kaspersky.com"},
    {"no sni", NULL, false, 0, 0, DP_NAME_NONE, ""},
    {"ech flagged", "public.example.net", true, 0, 0, DP_NAME_FOUND, "public.example.net"},
    {"big hello cut after sni", "a.kaspersky.com", false, 1500, 200, DP_NAME_FOUND,
     "a.kaspersky.com"},
    {"cut inside sni", "a.kaspersky.com", false, 0, 105, DP_NAME_TRUNCATED, ""},
    {"cut inside random", "a.kaspersky.com", false, 0, 20, DP_NAME_TRUNCATED, ""},
    {"bad name chars", "exa mple.com", false, 0, 0, DP_NAME_MALFORMED, ""},
};

static void
test_dp_tls_sni_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		uint8_t buf[4096];
		struct dp_name n;
		bool ech = !r->ech;
		uint32_t len = tb_tls_client_hello(buf, sizeof(buf), r->sni, r->ech, r->pad);

		print_message("row %zu: %s\n", i, r->what);
		assert_true(len > 0);
		if (r->cut)
			len = (uint32_t)r->cut;
		assert_int_equal(dp_tls_sni(buf, len, &n, &ech), r->rc);
		assert_string_equal(n.s, r->want);
		if (r->rc == DP_NAME_FOUND || r->rc == DP_NAME_NONE)
			assert_int_equal(ech, r->ech);
	}
}

static void
test_dp_tls_sni_not_hello(void **state)
{
	static const uint8_t appdata[] = {23, 3, 3, 0, 5, 1, 2, 3, 4, 5};
	static const uint8_t server_hello[] = {22, 3, 3, 0, 4, 2, 0, 0, 0};
	struct dp_name n;
	bool ech;

	(void)state;
	assert_int_equal(dp_tls_sni(appdata, sizeof(appdata), &n, &ech), DP_NAME_NOT_PROTO);
	assert_int_equal(dp_tls_sni(server_hello, sizeof(server_hello), &n, &ech),
			 DP_NAME_NOT_PROTO);
	assert_int_equal(dp_tls_sni(appdata, 3, &n, &ech), DP_NAME_NOT_PROTO);
}

/* Inner lengths that overrun their container are malformed, not truncated. */
static void
test_dp_tls_sni_inner_overrun(void **state)
{
	uint8_t buf[512];
	struct dp_name n;
	bool ech;
	uint32_t len = tb_tls_client_hello(buf, sizeof(buf), "x.example.org", false, 0);
	/* Offset of the session id length: 5 record + 4 handshake + 2 + 32. */
	uint32_t sid = 5 + 4 + 2 + 32;

	(void)state;
	buf[sid] = 33; /* session id over 32 */
	assert_int_equal(dp_tls_sni(buf, len, &n, &ech), DP_NAME_MALFORMED);
	buf[sid] = 32;
	/* cipher_suites length odd */
	buf[sid + 1 + 32 + 1] = 9;
	assert_int_equal(dp_tls_sni(buf, len, &n, &ech), DP_NAME_MALFORMED);
	buf[sid + 1 + 32 + 1] = 10;
	/* handshake length larger than the record's 16 KiB bound is fine to
	 * declare, but an extensions block longer than the handshake is not. */
	uint32_t ext_len_off = sid + 1 + 32 + 2 + 10 + 2;
	buf[ext_len_off] = 0x7f;
	assert_int_equal(dp_tls_sni(buf, len, &n, &ech), DP_NAME_MALFORMED);
}

/* Every prefix of a valid ClientHello and every single-byte corruption must
 * return without reading outside the buffer (ASan checks the reads). */
static void
test_dp_tls_sni_every_prefix_and_flip(void **state)
{
	uint8_t buf[1024], copy[1024];
	struct dp_name n;
	bool ech;
	uint32_t len = tb_tls_client_hello(buf, sizeof(buf), "update.kaspersky.com", true, 40);

	(void)state;
	for (uint32_t l = 0; l <= len; l++) {
		memcpy(copy, buf, l);
		enum dp_name_rc rc = dp_tls_sni(copy, l, &n, &ech);
		assert_true(rc <= DP_NAME_MALFORMED);
	}
	for (uint32_t i = 0; i < len; i++) {
		for (int b = 0; b < 8; b++) {
			memcpy(copy, buf, len);
			copy[i] ^= (uint8_t)(1 << b);
			enum dp_name_rc rc = dp_tls_sni(copy, len, &n, &ech);
			assert_true(rc <= DP_NAME_MALFORMED);
			assert_true(n.len <= DP_NAME_MAX);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_tls_sni_table),
	    cmocka_unit_test(test_dp_tls_sni_not_hello),
	    cmocka_unit_test(test_dp_tls_sni_inner_overrun),
	    cmocka_unit_test(test_dp_tls_sni_every_prefix_and_flip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
