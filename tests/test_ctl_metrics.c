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
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, tb_ctl_setup, NULL);
}
