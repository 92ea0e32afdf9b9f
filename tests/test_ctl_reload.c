/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_reload: what a reload may change (the schema's restart fields are
 * refused by name, the rest go through) and the organisation map. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_reload.h"
#include "tb_ctl.h"

#define BASE_YAML                                                                                  \
	"dpdk:\n  ports:\n    - name: net_null0\n  workers: [1]\n%s"                               \
	"organisations: orgs2.csv\nvendors:\n"                                                     \
	"  - name: %s\n    domains: [kaspersky.com]\n"                                             \
	"  - name: other\n    domains: [example.net]\n%s"

/* Each row is the running fixture's configuration with one change. */
static void
test_ctl_reload_build_table(void **state)
{
	static const struct {
		const char *extra_top, *vendor0, *extra_end, *csv;
		int rc;
		const char *msg; /* in the error; or, on success, NULL */
		unsigned gone, added;
		uint32_t map[3]; /* running index -> new */
		bool force;
	} rows[] = {
	    /* The same organisations in another order: every index moves. */
	    {"",
	     "kaspersky",
	     "",
	     "198.51.100.0/24,bank-b,Bank B,GB,finance,false\n"
	     "192.0.2.0/24,gov-a,Agency A,US,government,true\n",
	     0,
	     NULL,
	     0,
	     0,
	     {0, 2, 1},
	     false},
	    /* One gone (half the table), one new, forced: the one gone is
	     * parked after the listed ones; live fields change freely. */
	    {"metrics:\n  max_orgs: 5\npersistence:\n  interval: 30\n",
	     "kaspersky",
	     "",
	     "192.0.2.0/24,gov-a,Agency A,US,government,true\n"
	     "203.0.113.0/24,isp-c,ISP C,DE,telecom,false\n",
	     0,
	     NULL,
	     1,
	     1,
	     {0, 1, 3},
	     true},
	    /* Not forced: half the table leaving at once is refused. */
	    {"",
	     "kaspersky",
	     "",
	     "192.0.2.0/24,gov-a,Agency A,US,government,true\n"
	     "203.0.113.0/24,isp-c,ISP C,DE,telecom,false\n",
	     -EINVAL,
	     "orgs2.csv: organisations: 1 of the 2 organisations would leave the table, "
	     "more than reload.max_org_loss_percent (10%) allows; POST /-/reload?force=1 applies "
	     "it",
	     0,
	     0,
	     {0},
	     false},
	    /* Within the configured share it goes through. */
	    {"reload:\n  max_org_loss_percent: 50\n",
	     "kaspersky",
	     "",
	     "192.0.2.0/24,gov-a,Agency A,US,government,true\n",
	     0,
	     NULL,
	     1,
	     0,
	     {0, 1, 2},
	     false},
	    {"metrics:\n  port: 9999\n",
	     "kaspersky",
	     "",
	     "192.0.2.0/24,gov-a,A,US,x,true\n",
	     -EINVAL,
	     "metrics.port: differs from the running configuration",
	     0,
	     0,
	     {0},
	     false},
	    {"clients:\n  capacity: 2048\n",
	     "kaspersky",
	     "",
	     "192.0.2.0/24,gov-a,A,US,x,true\n",
	     -EINVAL,
	     "clients.capacity: differs",
	     0,
	     0,
	     {0},
	     false},
	    {"flows:\n  idle_timeout: 30\n",
	     "kaspersky",
	     "",
	     "192.0.2.0/24,gov-a,A,US,x,true\n",
	     -EINVAL,
	     ": flows: differs",
	     0,
	     0,
	     {0},
	     false},
	    {"learned:\n  max_ttl: 60\n",
	     "kaspersky",
	     "",
	     "192.0.2.0/24,gov-a,A,US,x,true\n",
	     -EINVAL,
	     ": learned: differs",
	     0,
	     0,
	     {0},
	     false},
	    {"prefilter:\n  tcp_ports: [443]\n",
	     "kaspersky",
	     "",
	     "192.0.2.0/24,gov-a,A,US,x,true\n",
	     -EINVAL,
	     ": prefilter: differs",
	     0,
	     0,
	     {0},
	     false},
	    {"persistence:\n  dir: /tmp\n",
	     "kaspersky",
	     "",
	     "192.0.2.0/24,gov-a,A,US,x,true\n",
	     -EINVAL,
	     "persistence.dir: differs",
	     0,
	     0,
	     {0},
	     false},
	    {"",
	     "kasper",
	     "",
	     "192.0.2.0/24,gov-a,A,US,x,true\n",
	     -EINVAL,
	     "vendors[0]: vendor 'kasper' role 'other' where 'kaspersky' role 'other' runs",
	     0,
	     0,
	     {0},
	     false},
	    {"",
	     "kaspersky",
	     "  - name: third\n    domains: [example.com]\n",
	     "192.0.2.0/24,gov-a,A,US,x,true\n",
	     -EINVAL,
	     "vendors: 3 vendor roles listed, 2 running",
	     0,
	     0,
	     {0},
	     false},
	    /* A role added to a vendor: a restart. */
	    {"",
	     "kaspersky",
	     "    roles:\n      - role: update\n        domains: [upd.example.net]\n",
	     "192.0.2.0/24,gov-a,A,US,x,true\n",
	     -EINVAL,
	     "vendors: 3 vendor roles listed, 2 running",
	     0,
	     0,
	     {0},
	     false},
	    {"",
	     "kaspersky",
	     "",
	     "192.0.2.0/24,gov-a,A,USA,x,true\n",
	     -EINVAL,
	     "orgs2.csv:1: country:",
	     0,
	     0,
	     {0},
	     false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char yaml[1024], err[1024] = "";
		struct ctl_reload r;
		const char *path;
		int rc;

		print_message("row %zu\n", i);
		tb_write_file(3, "orgs2.csv", rows[i].csv);
		snprintf(yaml, sizeof(yaml), BASE_YAML, rows[i].extra_top, rows[i].vendor0,
			 rows[i].extra_end);
		path = tb_write_file(4, "reload.yaml", yaml);
		rc = ctl_reload_load(path, &r, err, sizeof(err));
		if (rc == 0)
			rc = ctl_reload_build(&r, tb_cfg, tb_orgs, rows[i].force, 0, err,
					      sizeof(err));
		if (rows[i].msg != NULL) {
			assert_int_equal(rc, rows[i].rc);
			if (strstr(err, rows[i].msg) == NULL)
				fail_msg("row %zu: '%s' not in '%s'", i, rows[i].msg, err);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(r.gone, rows[i].gone);
			assert_int_equal(r.added, rows[i].added);
			assert_int_equal(r.n_map, tb_orgs->n_orgs);
			for (unsigned k = 0; k < r.n_map; k++)
				assert_int_equal(r.org_map[k], rows[i].map[k]);
		}
		ctl_reload_free(&r);
	}
}

/* An organisation that leaves the table keeps its place (parked, not
 * exported) and comes back with it. */
static void
test_ctl_reload_parked_comes_back(void **state)
{
	char err[1024] = "";
	struct ctl_reload r1, r2;
	const char *path;
	char yaml[1024];

	(void)state;
	snprintf(yaml, sizeof(yaml), BASE_YAML, "", "kaspersky", "");
	path = tb_write_file(4, "reload.yaml", yaml);
	tb_write_file(3, "orgs2.csv", "192.0.2.0/24,gov-a,Agency A,US,government,true\n");
	assert_int_equal(ctl_reload_load(path, &r1, err, sizeof(err)), 0);
	assert_int_equal(ctl_reload_build(&r1, tb_cfg, tb_orgs, true, 0, err, sizeof(err)), 0);
	assert_int_equal(r1.orgs->n_orgs, 3);
	assert_int_equal(r1.orgs->n_parked, 1);
	assert_string_equal(r1.orgs->orgs[2].id, "bank-b");
	assert_true(r1.orgs->orgs[2].parked);
	ctl_tables_free(&r1.tables); /* two generations of LPMs would not fit in -m 512 */
	/* Listed again, after another: it returns to the index the table gives. */
	tb_write_file(3, "orgs2.csv",
		      "203.0.113.0/24,isp-c,ISP C,DE,telecom,false\n"
		      "192.0.2.0/24,gov-a,Agency A,US,government,true\n"
		      "198.51.100.0/24,bank-b,Bank B,GB,finance,false\n");
	assert_int_equal(ctl_reload_load(path, &r2, err, sizeof(err)), 0);
	assert_int_equal(ctl_reload_build(&r2, r1.cfg, r1.orgs, false, 0, err, sizeof(err)), 0);
	assert_int_equal(r2.back, 1);
	assert_int_equal(r2.gone, 0);
	assert_int_equal(r2.added, 1);
	assert_int_equal(r2.orgs->n_parked, 0);
	assert_int_equal(r2.org_map[1], 2); /* gov-a */
	assert_int_equal(r2.org_map[2], 3); /* bank-b, back */
	ctl_reload_free(&r2);
	ctl_reload_free(&r1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_reload_build_table),
	    cmocka_unit_test(test_ctl_reload_parked_comes_back),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, tb_ctl_setup, NULL);
}
