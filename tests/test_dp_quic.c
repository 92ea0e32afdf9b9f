/* SPDX-License-Identifier: BSD-3-Clause */
/* QUIC Initial decryption: the RFC 9001 and RFC 9369 key vectors, the RFC
 * 9001 A.2 protected packet, packets sealed by tb_quic (v1, v2, several
 * CRYPTO frames), and every cut and bit flip of a packet. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dp_quic.h"
#include "dp_tls.h"
#include "tb_pkt.h"

static struct dp_quic *q;

static void
unhex(const char *h, uint8_t *out, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		sscanf(h + 2 * i, "%2hhx", &out[i]);
}

struct key_row {
	uint32_t version;
	const char *key, *iv, *hp;
};

/* RFC 9001 A.1 and RFC 9369 A.1, DCID 8394c8f03e515708. */
static const struct key_row key_rows[] = {
    {DP_QUIC_V1, "1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c",
     "9f50449e04a0e810283a1e9933adedd2"},
    {DP_QUIC_V2, "8b1a0bc121284290a29e0971b5cd045d", "91f73e2351d8fa91660e909f",
     "45b95e15235d6f45a6b19cbcb0294ba9"},
};

static void
test_dp_quic_client_keys_vectors(void **state)
{
	static const uint8_t dcid[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
	struct dp_quic_keys k;
	uint8_t want[16], tk[16], tiv[12], thp[16];

	(void)state;
	for (size_t i = 0; i < sizeof(key_rows) / sizeof(key_rows[0]); i++) {
		assert_int_equal(dp_quic_client_keys(key_rows[i].version, dcid, 8, &k), 0);
		unhex(key_rows[i].key, want, 16);
		assert_memory_equal(k.key, want, 16);
		unhex(key_rows[i].iv, want, 12);
		assert_memory_equal(k.iv, want, 12);
		unhex(key_rows[i].hp, want, 16);
		assert_memory_equal(k.hp, want, 16);
		/* The test builder's own derivation agrees with the RFC too. */
		assert_int_equal(tb_quic_keys(key_rows[i].version, dcid, 8, tk, tiv, thp), 0);
		assert_memory_equal(tk, k.key, 16);
	}
	assert_int_equal(dp_quic_client_keys(0xff00001d, dcid, 8, &k), -ENOTSUP);
}

static uint32_t
load_a2(uint8_t *pkt)
{
	FILE *f = fopen(SOURCE_ROOT "/tests/vectors/rfc9001-a2-client-initial.hex", "r");
	char line[256];
	uint32_t n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t l = strcspn(line, "\n");

		if (line[0] == '#')
			continue;
		unhex(line, pkt + n, (uint32_t)l / 2);
		n += (uint32_t)l / 2;
	}
	fclose(f);
	return n;
}

/* RFC 9001 A.2: one CRYPTO frame at offset 0 of 241 bytes, a ClientHello
 * for example.com. */
static void
test_dp_quic_open_rfc9001_a2(void **state)
{
	uint8_t pkt[1300], plain[1300];
	struct dp_quic_crypto fr[DP_QUIC_MAX_FRAMES];
	struct dp_name name;
	unsigned n;
	bool ech;
	uint32_t len = load_a2(pkt);

	(void)state;
	assert_int_equal(len, 1200);
	assert_int_equal(dp_quic_open(q, pkt, len, plain, fr, DP_QUIC_MAX_FRAMES, &n), DP_QUIC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(fr[0].off, 0);
	assert_int_equal(fr[0].len, 241);
	assert_int_equal(dp_tls_hello_sni(fr[0].data, fr[0].len, &name, &ech), DP_NAME_FOUND);
	assert_string_equal(name.s, "example.com");

	/* Every single-bit flip past the header is caught by the AEAD tag or
	 * changes what the header says; nothing is read out of bounds. */
	for (uint32_t i = 0; i < len * 8; i += 7) {
		enum dp_quic_rc rc;

		pkt[i / 8] ^= (uint8_t)(1u << (i % 8));
		rc = dp_quic_open(q, pkt, len, plain, fr, DP_QUIC_MAX_FRAMES, &n);
		if (i / 8 >= 22)
			assert_int_equal(rc, DP_QUIC_MALFORMED);
		else
			assert_int_not_equal(rc, DP_QUIC_OK);
		pkt[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	/* Every cut: never OK, never a crash (ASan). */
	for (uint32_t cut = 0; cut < len; cut++) {
		uint8_t *c = malloc(cut ? cut : 1);

		memcpy(c, pkt, cut);
		assert_int_not_equal(dp_quic_open(q, c, cut, plain, fr, DP_QUIC_MAX_FRAMES, &n),
				     DP_QUIC_OK);
		free(c);
	}
}

/* A post-quantum ClientHello over two Initials, the second half first. */
static void
test_dp_quic_open_split_hello(void **state)
{
	static const uint8_t dcid[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	static const uint32_t versions[] = {DP_QUIC_V1, DP_QUIC_V2};
	uint8_t hello[4096], pkt[1500], plain[1500];
	struct dp_quic_crypto fr[DP_QUIC_MAX_FRAMES];
	uint32_t hl = tb_tls_hello_message(hello, sizeof(hello), "dnl-09.geo.kaspersky.com", 1216);

	(void)state;
	assert_true(hl > 1300);
	for (size_t v = 0; v < 2; v++) {
		struct tb_crypto_frag a[] = {{1100, hello + 1100, hl - 1100}};
		struct tb_crypto_frag b[] = {{600, hello + 600, 500}, {0, hello, 600}};
		uint8_t whole[4096];
		struct dp_name name;
		unsigned n;
		bool ech;
		uint32_t len = tb_quic_initial(pkt, sizeof(pkt), versions[v], dcid, 1, a, 1, 1200);

		assert_int_equal(len, 1200);
		assert_int_equal(dp_quic_open(q, pkt, len, plain, fr, DP_QUIC_MAX_FRAMES, &n),
				 DP_QUIC_OK);
		assert_int_equal(n, 1);
		assert_int_equal(fr[0].off, 1100);
		assert_memory_equal(fr[0].data, hello + 1100, hl - 1100);
		memcpy(whole + 1100, fr[0].data, fr[0].len);

		len = tb_quic_initial(pkt, sizeof(pkt), versions[v], dcid, 0, b, 2, 1250);
		assert_int_equal(len, 1250);
		assert_int_equal(dp_quic_open(q, pkt, len, plain, fr, DP_QUIC_MAX_FRAMES, &n),
				 DP_QUIC_OK);
		assert_int_equal(n, 2);
		assert_int_equal(fr[1].off, 0);
		memcpy(whole + 600, fr[0].data, fr[0].len);
		memcpy(whole, fr[1].data, fr[1].len);
		assert_int_equal(dp_tls_hello_sni(whole, 1100, &name, &ech), DP_NAME_TRUNCATED);
		assert_int_equal(dp_tls_hello_sni(whole, hl, &name, &ech), DP_NAME_FOUND);
		assert_string_equal(name.s, "dnl-09.geo.kaspersky.com");
	}
}

struct row {
	const char *what;
	uint8_t first[7];
	enum dp_quic_rc rc;
};

/* What the first bytes alone decide. */
static const struct row rows[] = {
    {"short header", {0x40, 1, 2, 3, 4, 5, 6}, DP_QUIC_NOT_INITIAL},
    {"version negotiation", {0xc0, 0, 0, 0, 0, 8, 1}, DP_QUIC_VERSION_NEG},
    {"draft-29", {0xc0, 0xff, 0, 0, 29, 8, 1}, DP_QUIC_VERSION_UNKNOWN},
    {"v1 handshake type", {0xe0, 0, 0, 0, 1, 8, 1}, DP_QUIC_NOT_INITIAL},
    {"v2 initial type is 1", {0xc0, 0x6b, 0x33, 0x43, 0xcf, 8, 1}, DP_QUIC_NOT_INITIAL},
    {"v1 without the fixed bit", {0x80, 0, 0, 0, 1, 8, 1}, DP_QUIC_MALFORMED},
    {"DCID of 21 bytes", {0xc0, 0, 0, 0, 1, 21, 1}, DP_QUIC_MALFORMED},
    {"v1 cut after the DCID length", {0xc0, 0, 0, 0, 1, 8, 1}, DP_QUIC_TRUNCATED},
};

static void
test_dp_quic_open_headers(void **state)
{
	struct dp_quic_crypto fr[DP_QUIC_MAX_FRAMES];
	uint8_t plain[16];
	unsigned n;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("row %zu: %s\n", i, rows[i].what);
		assert_int_equal(
		    dp_quic_open(q, rows[i].first, 7, plain, fr, DP_QUIC_MAX_FRAMES, &n),
		    rows[i].rc);
	}
}

static int
setup(void **state)
{
	(void)state;
	q = dp_quic_create();
	return q == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	dp_quic_free(q);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_quic_client_keys_vectors),
	    cmocka_unit_test(test_dp_quic_open_rfc9001_a2),
	    cmocka_unit_test(test_dp_quic_open_split_hello),
	    cmocka_unit_test(test_dp_quic_open_headers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
