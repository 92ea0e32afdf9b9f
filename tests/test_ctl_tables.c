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
	"dpdk:\n  ports:\n    - name: net_null0\n  workers: [1]\n"                                 \
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
		uint32_t org;	  /* in the organisation table */
		uint64_t servers; /* vendors behind the address as a server */
	} addrs[] = {
	    {"192.0.2.9", 1, 0},     {"198.51.100.9", 2, 0},  {"203.0.113.9", 0, 1},
	    {"203.0.113.200", 0, 2}, {"2001:db8:5::1", 0, 1}, {"2001:db8:6::1", 0, 0},
	};
	static const struct {
		const char *name;
		uint64_t vendors;
	} names[] = {
	    {"kaspersky.com", 1},    {"dnl-03.geo.kaspersky.com", 1},
	    {"notkaspersky.com", 0}, {"kaspersky.com.evil.example", 0},
	    {"www.example.net", 2},  {"upd12.example.org", 2},
	    {"upd.example.org", 0},
	};
	struct ctl_config *cfg;
	struct ctl_orgs *orgs;
	struct ctl_tables t;
	hs_scratch_t *scratch = NULL;
	char err[512];

	(void)state;
	tb_write_file(1, "orgs.csv",
		      "192.0.2.0/24,gov-a,A,US,government,true\n"
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
		assert_int_equal(
		    dp_match_name(t.match, scratch, names[i].name, strlen(names[i].name), &v), 0);
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

/* The vendors a match found are exactly one, of that role (NULL: none). */
static void
assert_one_role(const struct ctl_config *cfg, uint64_t v, const char *role)
{
	if (role == NULL) {
		assert_int_equal(v, 0);
		return;
	}
	assert_int_equal(__builtin_popcountll(v), 1);
	assert_string_equal(cfg->vendors[__builtin_ctzll(v)].role, role);
}

/* The shipped catalogue (config/vendors/kaspersky.yaml): each name of
 * shared/research/kaspersky-endpoints.md decides for the role its facts
 * give, look-alikes for none; the legacy KSN protocol's first bytes
 * (libprotoident's match_kaspersky) are the reputation role's signature. */
static void
test_ctl_tables_catalogue(void **state)
{
	static const struct {
		const char *name;
		const char *role; /* NULL: not the vendor's */
	} names[] = {
	    {"activation-v2.kaspersky.com", "activation"},
	    {"activate.activation-v2.kaspersky.com", "activation"},
	    {"refresh-bkg.activation-v2.kaspersky.com", "activation"},
	    {"activation-v2.geo.kaspersky.com", "activation"},
	    {"s00.upd.kaspersky.com", "update"},
	    {"s19.upd.kaspersky.com", "update"},
	    {"p10.upd.kaspersky.com", "update"},
	    {"s20.upd.kaspersky.com", "other"},
	    {"dnl-00.geo.kaspersky.com", "update"},
	    {"dnl-19.geo.kaspersky.com", "update"},
	    {"dnl-20.geo.kaspersky.com", "other"},
	    {"dnl-3.geo.kaspersky.com", "other"}, /* grade E: a typo in a script */
	    {"cm.k.kaspersky-labs.com", "update"},
	    {"downloads.upd.kaspersky.com", "update"},
	    {"downloads3.kaspersky-labs.com", "update"},
	    {"downloads0.kaspersky-labs.com", "other"}, /* grade E only */
	    {"rescuedisk.s.kaspersky-labs.com", "update"},
	    {"ksn-file-geo.kaspersky-labs.com", "reputation"},
	    {"ksn-crypto-wifiplus-geo.kaspersky-labs.com", "reputation"},
	    {"ksn-stat-geo.kaspersky-labs.com", "reputation"},
	    {"ksn-a-stat.kaspersky-labs.com", "other"},
	    {"dc1-file.ksn.kaspersky-labs.com", "reputation"},
	    {"ksn.kaspersky-labs.com", "reputation"},
	    {"ksn-kas.geoksn.kaspersky.com", "reputation"},
	    {"crl.kaspersky.com", "pki"},
	    {"ocsp.kaspersky.com", "pki"},
	    {"a1b2.ksc.kaspersky.com", "management"},
	    {"ksc.kaspersky.com", "management"},
	    {"s405.cloud.kaspersky.com", "management"},
	    {"cloud.kaspersky.com", "other"},
	    {"click.kaspersky.com", "product-ui"},
	    {"redirect.kaspersky.com", "product-ui"},
	    {"touch.kaspersky.com", "product-ui"},
	    {"gc.kis.v2.scr.kaspersky-labs.com", "product-ui"},
	    {"statistic.content.ipm-klca.kaspersky.com", "product-ui"},
	    {"products.s.kaspersky-labs.com", "distribution"},
	    {"aes.s.kaspersky-labs.com", "distribution"},
	    {"opentip.kaspersky.com", "threat-intel"},
	    {"taxii.tip.kaspersky.com", "threat-intel"},
	    {"kaspersky.com", "web"},
	    {"www.kaspersky.com", "web"},
	    {"support.kaspersky.com", "web"},
	    {"www.kaspersky.de", "web"},
	    {"kaspersky.co.uk", "web"},
	    {"securelist.com", "web"},
	    {"my.kaspersky.com", "web"},
	    {"hq.uis.kaspersky.com", "web"},
	    {"ds.kaspersky.com", "other"}, /* no role sourced; a decoy name */
	    {"blog.kaspersky.com", "other"},
	    {"upd.kaspersky.ru", "other"},
	    {"kaspersky-lab.com", NULL}, /* grade E */
	    {"notkaspersky.com", NULL},
	    {"kaspersky.com.evil.example", NULL},
	    {"kaspersky.community", NULL},
	};
	static const struct {
		const char *what;
		uint8_t bytes[8];
		const char *role;
	} payloads[] = {
	    {"KE 0 0", {'K', 'E', 0, 0, 1, 2, 3, 4}, "reputation"},
	    {"KE 0 2", {'K', 'E', 0, 2, 9, 9, 9, 9}, "reputation"},
	    {"KE 0 7", {'K', 'E', 0, 7, 0, 0, 0, 0}, "reputation"},
	    {"KS 0 0", {'K', 'S', 0, 0, 5, 5, 5, 5}, "reputation"},
	    {"KE 0 1", {'K', 'E', 0, 1, 0, 0, 0, 0}, NULL},
	    {"KE later", {0, 'K', 'E', 0, 0, 0, 0, 0}, NULL},
	};
	char text[512], err[512];
	struct ctl_config *cfg;
	struct ctl_orgs *orgs;
	struct ctl_tables t;
	hs_scratch_t *scratch = NULL;

	(void)state;
	tb_write_file(1, "orgs.csv", "192.0.2.0/24,gov-a,A,US,government,true\n");
	snprintf(
	    text, sizeof(text),
	    "dpdk:\n  ports:\n    - name: net_null0\n  workers: [1]\n"
	    "organisations: orgs.csv\nvendors:\n  - include: %s/config/vendors/kaspersky.yaml\n",
	    SOURCE_ROOT);
	assert_int_equal(ctl_config_load(tb_write_file(2, "t.yaml", text), &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(ctl_orgs_load(cfg->orgs_path, &orgs, err, sizeof(err)), 0);
	assert_int_equal(ctl_tables_build(cfg, orgs, 0, &t, err, sizeof(err)), 0);
	assert_int_equal(dp_match_scratch_fit(t.match, &scratch), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint64_t v = 99;

		print_message("name %s\n", names[i].name);
		assert_int_equal(
		    dp_match_name(t.match, scratch, names[i].name, strlen(names[i].name), &v), 0);
		assert_one_role(cfg, v, names[i].role);
	}
	for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
		hs_stream_t *st = dp_match_stream_open(t.match);
		uint64_t v = 0; /* the scan adds what it finds */

		print_message("payload %s\n", payloads[i].what);
		assert_non_null(st);
		assert_int_equal(dp_match_stream_scan(t.match, st, scratch, payloads[i].bytes,
						      sizeof(payloads[i].bytes), &v),
				 0);
		dp_match_stream_close(st, scratch);
		assert_one_role(cfg, v, payloads[i].role);
	}
	hs_free_scratch(scratch);
	ctl_tables_free(&t);
	ctl_orgs_free(orgs);
	ctl_config_free(cfg);
}

#define LOCDB "/usr/share/libloc-location/location.db"

/* Networks of AS asn in the location database, by Debian's own location
 * tool (python3-location: libloc's enumerator as its maintainers use it). */
static size_t
networks_by_location_tool(unsigned asn)
{
	char cmd[256], line[256];
	size_t n = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "location --database %s list-networks-by-as %u", LOCDB, asn);
	assert_non_null(p = popen(cmd, "r"));
	while (fgets(line, sizeof(line), p))
		n += strchr(line, '/') != NULL;
	assert_int_equal(pclose(p), 0);
	return n;
}

/* A vendor's asns: the networks of its ASes (from the libloc source) map
 * to every entry of that vendor and of no other; as many as the location
 * tool lists for those ASes. */
static void
test_ctl_tables_vendor_nets(void **state)
{
	static const struct {
		const char *addr;
		const char *vendor; /* NULL: nobody's network */
	} addrs[] = {
	    {"1.1.1.1", "kaspersky"}, /* AS13335 */
	    {"2606:4700:4700::1111", "kaspersky"},
	    {"80.156.1.1", "kaspersky"}, /* AS3320 */
	    {"8.8.8.8", "acme"},	 /* AS15169 */
	    {"192.0.2.1", NULL},
	    {"193.0.6.139", NULL}, /* AS3333 */
	};
	char text[1024], err[512];
	struct ctl_config *cfg;
	struct ctl_orgs *orgs;
	struct ctl_tables t;
	size_t want;

	(void)state;
	tb_write_file(1, "orgs.csv",
		      "prefix,org_id,name,country,sector,government\n"
		      "192.0.2.0/24,gov-a,A,US,government,true\n");
	snprintf(text, sizeof(text),
		 "dpdk:\n  ports:\n    - name: net_null0\n  workers: [1]\n"
		 "organisations:\n  sources:\n    - libloc: " LOCDB "\n    - csv: orgs.csv\n"
		 "vendors:\n  - include: %s/config/vendors/kaspersky.yaml\n"
		 "    asns: [13335, 3320]\n"
		 "  - name: acme\n    domains: [acme.example]\n    asns: [15169]\n",
		 SOURCE_ROOT);
	assert_int_equal(ctl_config_load(tb_write_file(2, "t.yaml", text), &cfg, err, sizeof(err)),
			 0);
	assert_int_equal(
	    ctl_orgs_load(tb_write_file(1, "orgs.csv",
					"prefix,org_id,name,country,sector,government\n192.0.2.0/"
					"24,gov-a,A,US,government,true\n"),
			  &orgs, err, sizeof(err)),
	    0);
	assert_int_equal(ctl_tables_build(cfg, orgs, 0, &t, err, sizeof(err)), 0);
	want = networks_by_location_tool(13335) + networks_by_location_tool(3320) +
	       networks_by_location_tool(15169);
	assert_true(want > 100);
	assert_int_equal(t.n_vendor_nets, want);
	assert_non_null(t.vendor_nets);
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		uint8_t a[16] = {0};
		uint8_t fam = strchr(addrs[i].addr, ':') ? 6 : 4;
		uint64_t mask = 0, got;
		uint32_t k;

		for (unsigned v = 0; addrs[i].vendor && v < cfg->n_vendors; v++)
			if (strcmp(cfg->vendors[v].name, addrs[i].vendor) == 0)
				mask |= 1ull << v;
		print_message("addr %s\n", addrs[i].addr);
		inet_pton(fam == 4 ? AF_INET : AF_INET6, addrs[i].addr, a);
		k = dp_lpm_lookup(t.vendor_nets, fam, a);
		got = k ? t.vendor_net_vendors[k] : 0;
		assert_int_equal(got, mask);
		/* They corroborate; they never decide: no server prefix. */
		k = dp_lpm_lookup(t.servers, fam, a);
		assert_int_equal(k ? t.server_vendors[k] : 0, 0);
	}
	ctl_tables_free(&t);
	ctl_orgs_free(orgs);
	ctl_config_free(cfg);
}

/* Without arguments the unit tests; with --world the one that reads the
 * world's location database (an e2e test of its own). */
int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_tables_build_lookups),
	    cmocka_unit_test(test_ctl_tables_build_bad_regex),
	    cmocka_unit_test(test_ctl_tables_catalogue),
	};
	const struct CMUnitTest world[] = {
	    cmocka_unit_test(test_ctl_tables_vendor_nets),
	};

	if (tb_eal_init())
		return 1;
	if (argc > 1 && strcmp(argv[1], "--world") == 0)
		return cmocka_run_group_tests(world, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
