/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_gen through the worker: a reload by RCU generation - flows looked up
 * again, counters in the new generation, streams on the previous database. */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_hash.h>

#include "tb_worker.h"

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
	    {"kaspersky.com", DP_MATCH_DOMAIN, 0, 0, 0},
	    {"example.net", DP_MATCH_DOMAIN, 1, 1, 0},
	    {"X-Agent: other", DP_MATCH_PAYLOAD, 1, 1, 0},
	};
	struct dp_worker *w = tbw_new_worker(13);
	struct dp_lpm_size sz = {0};
	struct dp_lpm *swapped;
	struct dp_match *match2;
	struct dp_prefix p[3];
	struct dp_gen *g, *old;
	struct dp_client_sighting ev;
	char err[128], req[600];
	int idx, len = snprintf(req, sizeof(req),
				"GET /x HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: "
				"Mozilla/5.0 Kaspersky/21.3\r\n\r\n");
	uint32_t cut = (uint32_t)(strstr(req, "Kasp") - req);
	uint8_t hello[1024];
	uint32_t hl =
	    tb_tls_client_hello(hello, sizeof(hello), "dnl-01.geo.kaspersky.com", false, 0);
	struct tbw_conv a, b, c, d;

	(void)state;
	tbw_org_prefixes(p, &sz);
	swapped = dp_lpm_create("wswap", &sz, 0);
	assert_non_null(swapped);
	assert_int_equal(dp_lpm_add(swapped, &p[0], 2), 0);
	assert_int_equal(dp_lpm_add(swapped, &p[1], 2), 0);
	assert_int_equal(dp_lpm_add(swapped, &p[2], 1), 0);
	assert_int_equal(dp_match_compile(pats2, 3, &match2, err, sizeof(err), &idx), 0);

	/* Generation 1: a TLS flow decided (org 1), a payload stream opened. */
	tbw_conv_init(&a, w, "192.0.2.70", "203.0.113.9", IPPROTO_TCP, 443);
	assert_int_equal(tbw_conv_send(&a, 0, 0x18, hello, hl, 0), DP_OUT_VENDOR);
	tbw_conv_init(&b, w, "192.0.2.71", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(tbw_conv_send(&b, 0, 0x18, (uint8_t *)req, cut, 0), DP_OUT_OTHER_NAME);

	g = dp_gen_create(2, swapped, match2, tbw_servers, tbw_server_vendors, 3, 2, tbw_match, 0);
	assert_non_null(g);
	old = dp_gen_publish(w, g);
	dp_gen_adopt(w);
	assert_int_equal(w->gen, 2);
	assert_int_equal(w->st.reloads, 2); /* the first generation, then this */
	assert_int_equal(old->ctr[(1 * 2 + 0) * DP_SIG_COUNT + DP_SIG_TLS_SNI].sessions, 1);

	/* The decided flow's next packet: org 2 now, in the new counters. */
	assert_int_equal(tbw_conv_send(&a, 1, 0x18, hello, 100, 0), DP_OUT_MATCHED);
	assert_int_equal(dp_worker_ctr(w, 2, 0, DP_SIG_TLS_SNI)->pkts[1], 1);
	assert_int_equal(dp_worker_ctr(w, 2, 0, DP_SIG_TLS_SNI)->sessions, 0);
	assert_int_equal(dp_worker_ctr(w, 1, 0, DP_SIG_TLS_SNI)->pkts[1], 0);
	/* The old stream matches on the old signature. */
	assert_int_equal(tbw_conv_send(&b, 0, 0x18, (uint8_t *)req + cut, (uint32_t)len - cut, cut),
			 DP_OUT_VENDOR);
	assert_int_equal(dp_worker_ctr(w, 2, 1, DP_SIG_PAYLOAD)->sessions, 1);
	/* A new stream: the old signature no longer, the new one yes. */
	tbw_conv_init(&c, w, "198.51.100.8", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(tbw_conv_send(&c, 0, 0x18, (uint8_t *)req, (uint32_t)len, 0),
			 DP_OUT_OTHER_NAME);
	assert_int_equal(
	    tbw_conv_send(&c, 0, 0x18, (uint8_t *)"X-Agent: other\r\n", 16, (uint32_t)len),
	    DP_OUT_VENDOR);
	assert_int_equal(dp_worker_ctr(w, 1, 1, DP_SIG_PAYLOAD)->sessions, 1);
	dp_gen_free(old);

	/* Two more reloads over an open stream: cut, never scanned on a freed
	 * database. */
	tbw_conv_init(&d, w, "198.51.100.9", "203.0.113.9", IPPROTO_TCP, 80);
	assert_int_equal(tbw_conv_send(&d, 0, 0x18, (uint8_t *)req, cut, 0), DP_OUT_OTHER_NAME);
	for (uint16_t id = 3; id <= 4; id++) {
		g = dp_gen_create(id, swapped, match2, tbw_servers, tbw_server_vendors, 3, 2,
				  match2, 0);
		assert_non_null(g);
		dp_gen_free(dp_gen_publish(w, g));
		dp_gen_adopt(w);
	}
	assert_int_equal(tbw_conv_send(&d, 0, 0x18, (uint8_t *)"X-Agent: other\r\n", 16, cut),
			 DP_OUT_BYPASSED);
	assert_int_equal(w->st.streams_cut, 1);

	/* Events: the first flow's in generation 1, the rest in 2. */
	for (unsigned k = 0; k < 3; k++) {
		static const uint16_t gens[3] = {1, 2, 2};
		static const uint32_t org[3] = {1, 2, 1};

		assert_int_equal(dp_worker_events_take(w, &ev, 1), 1);
		assert_int_equal(ev.ev.gen, gens[k]);
		assert_int_equal(ev.ev.org, org[k]);
	}
	dp_worker_free(w);
	dp_match_free(match2);
	dp_lpm_free(swapped);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_worker_reload),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, tbw_setup, NULL);
}
