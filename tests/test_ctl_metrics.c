/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_metrics: the exposition of a hand-filled snapshot, line by line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_counters.h"
#include "ctl_metrics.h"
#include "tb_ctl.h"

static void
test_ctl_metrics_render_exact_lines(void **state)
{
	static const char *const want[] = {
	    "# TYPE tapcensus_org_sessions_total counter\n",
	    "tapcensus_org_sessions_total{org=\"gov-a\",org_name=\"Agency \\\"A\\\"\\\\x\","
	    "country=\"US\",sector=\"government\",government=\"true\",vendor=\"kaspersky\",role="
	    "\"other\","
	    "signal=\"tls-sni\"} 5\n",
	    "tapcensus_org_sessions_name_only_total{org=\"gov-a\",org_name=\"Agency "
	    "\\\"A\\\"\\\\x\","
	    "country=\"US\",sector=\"government\",government=\"true\",vendor=\"kaspersky\",role="
	    "\"other\","
	    "signal=\"dns\"} 2\n",
	    "tapcensus_vendor_catalogue_info{vendor=\"kaspersky\",role=\"other\",confidence="
	    "\"unsourced\"} 1\n",
	    "tapcensus_org_unique_clients{org=\"gov-a\",org_name=\"Agency \\\"A\\\"\\\\x\","
	    "country=\"US\",sector=\"government\",government=\"true\",vendor=\"kaspersky\",role="
	    "\"other\","
	    "window=\"1d\"} 2\n",
	    "tapcensus_country_organisations_active{country=\"US\",vendor=\"kaspersky\","
	    "use=\"product\",window=\"30d\"} 1\n",
	    "tapcensus_country_organisations_active{country=\"GB\",vendor=\"kaspersky\","
	    "use=\"product\",window=\"all\"} 0\n",
	    "tapcensus_country_unique_clients{country=\"US\",vendor=\"kaspersky\",use=\"product\","
	    "window=\"all\"} "
	    "2\n",
	    "tapcensus_sector_unique_clients{sector=\"finance\",vendor=\"kaspersky\",use="
	    "\"product\",window=\"1d\"} "
	    "0\n",
	    "tapcensus_government_organisations_active{vendor=\"kaspersky\",use=\"product\",window="
	    "\"1d\"} 1\n",
	    "tapcensus_government_unique_clients{vendor=\"other\",use=\"product\",window=\"all\"} "
	    "0\n",
	    "tapcensus_org_last_seen_timestamp_seconds{org=\"gov-a\",org_name=\"Agency "
	    "\\\"A\\\"\\\\x\",country=\"US\",sector=\"government\",government=\"true\","
	    "vendor=\"kaspersky\",role=\"other\"} 1795000100\n",
	    "tapcensus_org_product_clients{org=\"gov-a\",org_name=\"Agency \\\"A\\\"\\\\x\","
	    "country=\"US\",sector=\"government\",government=\"true\",vendor=\"kaspersky\","
	    "window=\"30d\"} 2\n",
	    "tapcensus_packets_received_total 100\n",
	    "tapcensus_packets_processed_total{outcome=\"vendor\"} 7\n",
	    "tapcensus_packets_dropped_total{reason=\"l3_malformed\"} 3\n",
	    "tapcensus_port_rx_missed_total{port=\"net_pcap0\"} 3\n",
	    "tapcensus_queue_rx_packets_total{port=\"net_pcap0\",queue=\"0\"} 100\n",
	    "tapcensus_organisations_configured 2\n",
	};
	struct ctl_snapshot s;
	struct ctl_clients *c;
	size_t len;
	char *buf;

	(void)state;
	tb_ctl_fill(tb_orgs, &s, &c);
	buf = tb_ctl_render(tb_cfg, tb_orgs, &s, c, &len);
	/* No name-only series where there is none (tls-sni: 5, all corroborated). */
	assert_null(
	    strstr(buf, "tapcensus_org_sessions_name_only_total{org=\"gov-a\",org_name=\"Agency "
			"\\\"A\\\"\\\\x\",country=\"US\",sector=\"government\",government=\"true\","
			"vendor=\"kaspersky\",role=\"other\",signal=\"tls-sni\"}"));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		print_message("line %zu\n", i);
		assert_non_null(strstr(buf, want[i]));
	}
	/* Inactive organisations and vendors have no organisation series. */
	assert_null(strstr(buf, "bank-b"));
	assert_null(strstr(buf, "tapcensus_org_sessions_total{org=\"gov-a\",org_name=\"Agency "
				"\\\"A\\\"\\\\x\",country=\"US\",sector=\"government\","
				"government=\"true\",vendor=\"other\""));
	/* A signal that recognised nothing has no series. */
	assert_null(strstr(buf, "signal=\"http-host\"}"));
	/* No client address leaves the box. */
	assert_null(strstr(buf, "192.0.2."));
	free(buf);
	ctl_clients_free(c);
	ctl_snapshot_fini(&s);
}

/* The counter table (ctl_counters.h): each family once in the exposition,
 * each value from the field it names (set here by the field's own name),
 * every offset a uint64_t inside struct dp_wstats, keys unique. */
static void
test_ctl_metrics_counter_table(void **state)
{
	static const char *const want[] = {
	    "tapcensus_flows_removed_total{reason=\"idle_timeout\"} 71\n",
	    "tapcensus_quic_version_packets_total{kind=\"version_negotiation\"} 72\n",
	    "tapcensus_packets_dropped_total{reason=\"capture_time\"} 73\n",
	    "tapcensus_packets_unsupported_total{kind=\"esp\"} 74\n",
	    "tapcensus_vendor_unlisted_name_events_lost_total 75\n",
	    "tapcensus_payload_streams_cut_total 76\n",
	    "tapcensus_packets_truncated_total 77\n",
	    "tapcensus_parse_errors_total{layer=\"l4\"} 78\n",
	    "tapcensus_capture_time_held_total 79\n",
	};
	struct ctl_snapshot s;
	struct ctl_clients *c;
	size_t len;
	char *buf, type[160], keys[64][64];
	unsigned n_keys = 0;

	(void)state;
	tb_ctl_fill(tb_orgs, &s, &c);
	s.total.flow.idle = 71;
	s.total.quic_version_neg = 72;
	s.total.time_invalid = 73;
	s.total.unsupported[DP_UNSUP_ESP] = 74;
	s.total.name_events_lost = 75;
	s.total.streams_cut = 76;
	s.total.capture_cut = 77;
	s.total.parse_err[DP_LAYER_L4] = 78;
	s.total.time_held = 79;
	buf = tb_ctl_render(tb_cfg, tb_orgs, &s, c, &len);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		print_message("line %zu\n", i);
		assert_non_null(strstr(buf, want[i]));
	}
	assert_null(strstr(buf, "kind=\"none\"")); /* unsupported starts at 1 */
	for (unsigned i = 0; i < ctl_ctr_table_len; i++) {
		const struct ctl_ctr_desc *d = &ctl_ctr_table[i];
		const char *at;

		print_message("family %s\n", d->metric);
		snprintf(type, sizeof(type), "# TYPE %s %s\n", d->metric, d->type);
		at = strstr(buf, type);
		assert_non_null(at);
		assert_null(strstr(at + 1, type));
		assert_true(d->offset % sizeof(uint64_t) == 0);
		assert_true(d->offset + (d->label ? d->count : 1) * sizeof(uint64_t) <=
			    sizeof(struct dp_wstats));
		for (unsigned k = 0; k < CTL_CTR_MORE && d->more[k].value; k++)
			assert_true(d->more[k].offset % sizeof(uint64_t) == 0 &&
				    d->more[k].offset < sizeof(struct dp_wstats));
		for (unsigned k = 0; k < n_keys; k++)
			assert_string_not_equal(keys[k], d->key);
		assert_true(n_keys < 64);
		snprintf(keys[n_keys++], sizeof(keys[0]), "%s", d->key);
	}
	assert_int_equal(ctl_ctr_sum(ctl_ctr_dropped, &s.total),
			 s.total.drop[0] + s.total.drop[1] + s.total.drop[2] + s.total.drop[3] +
			     s.total.drop[4] + 73);
	free(buf);
	ctl_clients_free(c);
	ctl_snapshot_fini(&s);
}

/* metrics.max_orgs 1: bank-b (fewer sessions) is folded into "other",
 * whose series sum it; the groups still count every organisation. */
static void
test_ctl_metrics_cap_folds_into_other(void **state)
{
	static const char other[] = "{org=\"other\",org_name=\"Organisations beyond "
				    "metrics.max_orgs\",country=\"\",sector=\"\",government=\"\","
				    "vendor=\"kaspersky\",role=\"other\"";
	struct ctl_snapshot s;
	struct ctl_clients *c;
	struct dp_client_event e;
	char want[512], *buf;
	size_t len;

	(void)state;
	tb_ctl_fill(tb_orgs, &s, &c);
	((struct dp_org_ctr *)ctl_snapshot_ctr(&s, 2, 0, DP_SIG_HTTP_HOST))->sessions = 3;
	((struct dp_org_ctr *)ctl_snapshot_ctr(&s, 2, 0, DP_SIG_HTTP_HOST))->pkts[1] = 40;
	e = tb_ctl_ev(2, 0, "198.51.100.1");
	ctl_clients_add(c, &e, T0, false);
	tb_cfg->max_orgs = 1;
	buf = tb_ctl_render(tb_cfg, tb_orgs, &s, c, &len);
	tb_cfg->max_orgs = 0;
	snprintf(want, sizeof(want), "tapcensus_org_sessions_total%s,signal=\"http-host\"} 3\n",
		 other);
	assert_non_null(strstr(buf, want));
	snprintf(want, sizeof(want),
		 "tapcensus_org_flow_packets_total%s,signal=\"http-host\",direction=\"server_to_"
		 "client\"} 40\n",
		 other);
	assert_non_null(strstr(buf, want));
	snprintf(want, sizeof(want), "tapcensus_org_unique_clients%s,window=\"all\"} 1\n", other);
	assert_non_null(strstr(buf, want));
	assert_non_null(strstr(buf, "tapcensus_org_sessions_total{org=\"gov-a\""));
	assert_null(strstr(buf, "bank-b"));
	assert_non_null(strstr(buf, "tapcensus_organisations_exported 1\n"));
	assert_non_null(strstr(buf, "tapcensus_organisations_folded 1\n"));
	assert_non_null(strstr(buf, "tapcensus_country_organisations_active{country=\"GB\","
				    "vendor=\"kaspersky\",use=\"product\",window=\"all\"} 1\n"));
	free(buf);
	/* No cap: both their own, nothing folded. */
	buf = tb_ctl_render(tb_cfg, tb_orgs, &s, c, &len);
	assert_null(strstr(buf, "{org=\"other\""));
	assert_non_null(strstr(buf, "tapcensus_organisations_exported 2\n"));
	assert_non_null(strstr(buf, "tapcensus_organisations_folded 0\n"));
	free(buf);
	ctl_clients_free(c);
	ctl_snapshot_fini(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_metrics_render_exact_lines),
	    cmocka_unit_test(test_ctl_metrics_cap_folds_into_other),
	    cmocka_unit_test(test_ctl_metrics_counter_table),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, tb_ctl_setup, NULL);
}
