/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_tables: the organisation table, the vendors' names and their server
 * prefixes as the workers will look them up; errors at their line. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_orgcsv.h"
#include "ctl_tables.h"
#include "tb_ctl.h"

#define YAML                                                                                       \
	"dpdk:\n  ports:\n    - name: net_null0\n  workers: [1]\n"                                \
	"organisations: orgs.csv\nvendors:\n"                                                      \
	"  - name: kaspersky\n    domains: [kaspersky.com]\n"                                      \
	"    server_prefixes: [203.0.113.0/24, \"2001:db8:5::/48\"]\n"                             \
	"  - name: other\n    domains: [example.net]\n"                                            \
	"    server_prefixes: [203.0.113.128/25]\n"                                                \
	"    regexes: ['^upd[0-9]+\\.example\\.org$']\n"

static void
test_ctl_tables_build_lookups(void **state)
{
	static const struct {
		const char *addr;
		uint32_t org;     /* in the organisation table */
		uint64_t servers; /* vendors behind the address as a server */
	} addrs[] = {
		{"192.0.2.9", 1, 0},     {"198.51.100.9", 2, 0}, {"203.0.113.9", 0, 1},
		{"203.0.113.200", 0, 2}, {"2001:db8:5::1", 0, 1}, {"2001:db8:6::1", 0, 0},
	};
	static const struct {
		const char *name;
		uint64_t vendors;
	} names[] = {
		{"kaspersky.com", 1},        {"dnl-03.geo.kaspersky.com", 1},
		{"notkaspersky.com", 0},     {"kaspersky.com.evil.example", 0},
		{"www.example.net", 2},      {"upd12.example.org", 2},
		{"upd.example.org", 0},
	};
	struct ctl_config *cfg;
	struct ctl_orgs *orgs;
	struct ctl_tables t;
	hs_scratch_t *scratch = NULL;
	char err[512];

	(void)state;
	tb_write_file(1, "orgs.csv", "192.0.2.0/24,gov-a,A,US,government,true\n"
				     "198.51.100.0/24,bank-b,B,GB,finance,false\n");
	assert_int_equal(ctl_config_load(tb_write_file(2, "t.yaml", YAML), &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(ctl_orgs_load(cfg->orgs_path, &orgs, err, sizeof(err)), 0);
	assert_int_equal(ctl_tables_build(cfg, orgs, 0, &t, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		uint8_t a[16] = {0};
		uint8_t fam = strchr(addrs[i].addr, ':') ? 6 : 4;
		uint32_t s;

		print_message("addr %s\n", addrs[i].addr);
		inet_pton(fam == 4 ? AF_INET : AF_INET6, addrs[i].addr, a);
		assert_int_equal(dp_lpm_lookup(t.orgs, fam, a), addrs[i].org);
		s = dp_lpm_lookup(t.servers, fam, a);
		assert_int_equal(s ? t.server_vendors[s] : 0, addrs[i].servers);
	}
	assert_int_equal(dp_match_scratch_fit(t.match, &scratch), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t v = 99;

		print_message("name %s\n", names[i].name);
		assert_int_equal(dp_match_name(t.match, scratch, names[i].name,
					       strlen(names[i].name), &v), 0);
		assert_int_equal(v, names[i].vendors);
	}
	hs_free_scratch(scratch);
	ctl_tables_free(&t);
	ctl_orgs_free(orgs);
	ctl_config_free(cfg);
}

/* A regex Hyperscan refuses is named at its line in the YAML file. */
static void
test_ctl_tables_build_bad_regex(void **state)
{
	struct ctl_config *cfg;
	struct ctl_orgs *orgs;
	struct ctl_tables t;
	char err[512];

	(void)state;
	tb_write_file(1, "orgs.csv", "192.0.2.0/24,gov-a,A,US,government,true\n");
	assert_int_equal(ctl_config_load(tb_write_file(2, "t.yaml",
						       "dpdk:\n  ports:\n    - name: net_null0\n"
						       "  workers: [1]\norganisations: orgs.csv\n"
						       "vendors:\n  - name: v\n"
						       "    regexes:\n      - 'a('\n"),
					 &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(ctl_orgs_load(cfg->orgs_path, &orgs, err, sizeof(err)), 0);
	assert_int_equal(ctl_tables_build(cfg, orgs, 0, &t, err, sizeof(err)), -EINVAL);
	if (strstr(err, "t.yaml:9: vendors[0].regexes[0]: Hyperscan: ") == NULL)
		fail_msg("'%s'", err);
	ctl_orgs_free(orgs);
	ctl_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctl_tables_build_lookups),
		cmocka_unit_test(test_ctl_tables_build_bad_regex),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
