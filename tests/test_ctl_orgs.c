/* SPDX-License-Identifier: BSD-3-Clause */
/* The organisation table: CSV errors by file, line and field; attribution
 * by longest prefix; Hyperscan errors mapped to the YAML line. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_config.h"
#include "ctl_lookup.h"
#include "ctl_orgcsv.h"
#include "ctl_orgs.h"
#include "ctl_tables.h"
#include "tb_eal.h"

#define HDR "prefix,org_id,name,country,sector,government\n"

struct row {
	const char *what;
	const char *csv;
	const char *want;
};

static const struct row rows[] = {
    {"bad prefix", HDR "192.0.2.0/33,a,A,US,x,false\n", "2: prefix: prefix length out of range"},
    {"host bits", "# c\n192.0.2.1/24,a,A,US,x,false\n",
     "2: prefix: host bits set beyond the prefix length"},
    {"bad country", HDR "192.0.2.0/24,a,A,usa,x,false\n",
     "2: country: 'usa' is not an ISO 3166-1 alpha-2 code (two capitals)"},
    {"bad gov", HDR "192.0.2.0/24,a,A,US,x,maybe\n",
     "2: government: 'maybe' is not true/false/yes/no/1/0"},
    {"field count", HDR "\n192.0.2.0/24,a,A,US,x\n",
     "3: (record): expected 6 fields: prefix,org_id,name,country,sector,government"},
    {"quotes", HDR "192.0.2.0/24,a,\"A,US,x,false\n", "2: (record): unbalanced quotes"},
    {"duplicate prefix", HDR "192.0.2.0/24,a,A,US,x,false\n192.0.2.0/24,b,B,US,x,false\n",
     "3: prefix: the same prefix is on line 2"},
    {"inconsistent org", HDR "192.0.2.0/25,a,A,US,x,false\n192.0.2.128/25,a,A,GB,x,false\n",
     "3: org_id: 'a' appears earlier with another name, country, sector or government flag"},
    {"reserved id", HDR "192.0.2.0/24,other,A,US,x,false\n", "2: org_id: 'other' is reserved"},
    {"bad id", HDR "192.0.2.0/24,a b,A,US,x,false\n",
     "2: org_id: 'a b': use 1-63 letters, digits, '-', '_' or '.'"},
    {"empty", HDR "# nothing yet\n",
     " organisations: no prefix in the table (every client "
     "would be unattributed)"},
};

static void
test_ctl_orgs_load_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *path = tb_write_file(1, "orgs.csv", rows[i].csv);
		struct ctl_orgs *o = (void *)1;
		char err[512], want[600];

		print_message("row %zu: %s\n", i, rows[i].what);
		assert_int_equal(ctl_orgs_load(path, &o, err, sizeof(err)), -EINVAL);
		assert_null(o);
		snprintf(want, sizeof(want), "%s:%s", path, rows[i].want);
		assert_string_equal(err, want);
	}
}

/* Names reach label values, JSON and the summary table: UTF-8 (RFC 3629)
 * without control characters, at most 127 bytes - cleaned, never refused
 * (real registry data has all of these). */
static void
test_ctl_orgs_clean_name(void **state)
{
	static char a200[201], a127[128], a126e[129], a126[127], a125c[127], a125[126];
	static const struct {
		const char *what, *in, *out;
		bool changed;
	} rows[] = {
	    {"plain", "Acme Bank", "Acme Bank", false},
	    {"utf-8 kept", "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	     "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", false},
	    {"latin-1 byte", "Caf\xe9", "Caf\\xe9", true},
	    {"overlong",
	     "A\xc0\xaf"
	     "B",
	     "A\\xc0\\xafB", true},
	    {"surrogate", "A\xed\xa0\x80", "A\\xed\\xa0\\x80", true},
	    {"cut sequence", "\xe2\x82", "\\xe2\\x82", true},
	    {"c0 control",
	     "A\x1b"
	     "B",
	     "A\\x1bB", true},
	    {"c1 control", "A\xc2\x85", "A\\xc2\\x85", true},
	    {"del", "A\x7f", "A\\x7f", true},
	    {"right-to-left override",
	     "Bank\xe2\x80\xae"
	     "fdp.exe",
	     "Bank\\xe2\\x80\\xaefdp.exe", true},
	    {"isolates and marks",
	     "\xe2\x81\xa6"
	     "A\xe2\x80\x8f",
	     "\\xe2\\x81\\xa6A\\xe2\\x80\\x8f", true},
	    {"arabic letter mark", "A\xd8\x9c", "A\\xd8\\x9c", true},
	    {"other punctuation kept",
	     "A\xe2\x80\x94"
	     "B",
	     "A\xe2\x80\x94"
	     "B",
	     false},
	    {"long", a200, a127, true},
	    {"a character across the end", a126e, a126, true},
	    {"an escape across the end", a125c, a125, true},
	};

	(void)state;
	memset(a200, 'a', 200);
	memset(a127, 'a', 127);
	memset(a126e, 'a', 126);
	memcpy(a126e + 126, "\xc3\xa9", 2);
	memset(a126, 'a', 126);
	memset(a125c, 'a', 125);
	a125c[125] = '\x01';
	memset(a125, 'a', 125);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char out[CTL_ORG_NAME_LEN];

		print_message("row %zu: %s\n", i, rows[i].what);
		assert_int_equal(ctl_orgs_clean_name(rows[i].in, out, sizeof(out)),
				 rows[i].changed);
		assert_string_equal(out, rows[i].out);
	}
}

/* Through the CSV: a name cleaned is counted, the row kept. */
static void
test_ctl_orgs_load_cleans(void **state)
{
	const char *csv = tb_write_file(1, "orgs.csv",
					HDR "192.0.2.0/24,a,\"A\x1b"
					    "B\",US,x,false\n"
					    "198.51.100.0/24,b,Caf\xe9,US,x,false\n");
	struct ctl_orgs *o;
	char err[512];

	(void)state;
	assert_int_equal(ctl_orgs_load(csv, &o, err, sizeof(err)), 0);
	assert_int_equal(o->n_orgs, 3);
	assert_string_equal(o->orgs[1].name, "A\\x1bB");
	assert_string_equal(o->orgs[2].name, "Caf\\xe9");
	assert_int_equal(o->src[0].cleaned, 2);
	assert_int_equal(o->src[0].rows, 2);
	ctl_orgs_free(o);
}

/* A byte-order mark (spreadsheets write one) is no part of the first field. */
static void
test_ctl_orgs_load_bom(void **state)
{
	const char *csv = tb_write_file(1, "orgs.csv",
					"\xef\xbb\xbf"
					"192.0.2.0/24,a,A,US,x,false\n");
	struct ctl_orgs *o;
	char err[512];

	(void)state;
	assert_int_equal(ctl_orgs_load(csv, &o, err, sizeof(err)), 0);
	assert_int_equal(o->n_orgs, 2);
	assert_int_equal(o->n_nested, 0);
	ctl_orgs_free(o);
}

static const char good_csv[] = HDR "192.0.2.0/24,wide,\"Wide, Inc.\",US,telecom,false\n"
				   "192.0.2.128/25,narrow,\"Narrow \"\"N\"\"\",GB,health,yes\n"
				   "192.0.2.200/32,host,Host,DE,education,1\n"
				   "2001:db8::/32,wide,\"Wide, Inc.\",US,telecom,false\n"
				   "2001:db8:1:2::/64,narrow,\"Narrow \"\"N\"\"\",GB,health,yes\n";

static void
test_ctl_orgs_load_and_lookup(void **state)
{
	static const struct {
		const char *addr;
		const char *org;
	} look[] = {
	    {"192.0.2.1", "wide"},
	    {"192.0.2.127", "wide"},
	    {"192.0.2.128", "narrow"},
	    {"192.0.2.199", "narrow"},
	    {"192.0.2.200", "host"},
	    {"192.0.2.201", "narrow"},
	    {"198.51.100.1", "unattributed"},
	    {"2001:db8::1", "wide"},
	    {"2001:db8:1:2::99", "narrow"},
	    {"2001:db8:1:3::1", "wide"},
	    {"2001:db9::1", "unattributed"},
	};
	const char *csv = tb_write_file(1, "orgs.csv", good_csv);
	const char *yaml = tb_write_file(2, "tc.yaml",
					 "dpdk:\n  ports:\n    - name: net_null0\n  workers: [1]\n"
					 "organisations: orgs.csv\n"
					 "vendors:\n  - name: k\n    domains: [kaspersky.com]\n");
	struct ctl_config *cfg;
	struct ctl_orgs *o;
	struct ctl_tables t;
	char err[512];

	(void)state;
	assert_int_equal(ctl_config_load(yaml, &cfg, err, sizeof(err)), 0);
	assert_int_equal(ctl_orgs_load(csv, &o, err, sizeof(err)), 0);
	assert_int_equal(o->n_orgs, 4);
	assert_int_equal(o->n_prefixes, 5);
	/* narrow's /25 and /64 inside wide's, host's /32 inside narrow's. */
	assert_int_equal(o->n_nested, 3);
	assert_int_equal(o->nested_line, 3);
	assert_string_equal(o->orgs[0].id, "unattributed");
	assert_string_equal(o->orgs[1].name, "Wide, Inc.");
	assert_string_equal(o->orgs[2].name, "Narrow \"N\"");
	assert_true(o->orgs[2].government);
	assert_true(o->orgs[3].government);
	assert_false(o->orgs[1].government);
	/* By id, as the state file names organisations. */
	assert_int_equal(ctl_orgs_find(o, "unattributed"), 0);
	assert_int_equal(ctl_orgs_find(o, "wide"), 1);
	assert_int_equal(ctl_orgs_find(o, "narrow"), 2);
	assert_int_equal(ctl_orgs_find(o, "host"), 3);
	assert_int_equal(ctl_orgs_find(o, "Wide"), -1);
	assert_int_equal(ctl_orgs_find(o, "an-id-longer-than-any-organisation-id-can-be-"
					  "which-is-sixty-three-bytes"),
			 -1);
	assert_int_equal(ctl_tables_build(cfg, o, 0, &t, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(look) / sizeof(look[0]); i++) {
		uint8_t a[16] = {0};
		int fam = strchr(look[i].addr, ':') ? 6 : 4;

		assert_int_equal(inet_pton(fam == 4 ? AF_INET : AF_INET6, look[i].addr, a), 1);
		print_message("lookup %s\n", look[i].addr);
		assert_string_equal(o->orgs[dp_lpm_lookup(t.orgs, (uint8_t)fam, a)].id,
				    look[i].org);
	}
	/* --lookup: one answer a line, whatever its length (a line of 300
	 * characters is one invalid line, not two). */
	{
		char in_text[1024], *out_text = NULL;
		size_t out_len = 0;
		int n = snprintf(in_text, sizeof(in_text), "192.0.2.1\n");
		FILE *in, *out;

		for (int k = 0; k < 300; k++)
			in_text[n++] = 'x';
		n += snprintf(in_text + n, sizeof(in_text) - (size_t)n, "\n2001:db8:1:2::99\n");
		assert_non_null(in = fmemopen(in_text, (size_t)n, "r"));
		assert_non_null(out = open_memstream(&out_text, &out_len));
		assert_int_equal(ctl_lookup_run(in, out, "addrs.txt", o, t.orgs), 1);
		fclose(in);
		fclose(out);
		assert_string_equal(out_text, "wide\t0\tUS\ttelecom\tfalse\n"
					      "invalid\n"
					      "narrow\t0\tGB\thealth\ttrue\n");
		free(out_text);
	}
	ctl_tables_free(&t);
	ctl_orgs_free(o);
	ctl_config_free(cfg);
}

static void
test_ctl_tables_build_bad_regex(void **state)
{
	const char *csv = tb_write_file(1, "orgs.csv", good_csv);
	const char *yaml = tb_write_file(2, "tc.yaml",
					 "dpdk:\n  ports:\n    - name: net_null0\n  workers: [1]\n"
					 "organisations: orgs.csv\n"
					 "vendors:\n  - name: k\n    domains: [kaspersky.com]\n"
					 "    regexes:\n      - 'ok'\n      - '(broken'\n");
	struct ctl_config *cfg;
	struct ctl_orgs *o;
	struct ctl_tables t;
	char err[512], want[600];

	(void)state;
	(void)csv;
	assert_int_equal(ctl_config_load(yaml, &cfg, err, sizeof(err)), 0);
	assert_int_equal(ctl_orgs_load(cfg->orgs_path, &o, err, sizeof(err)), 0);
	assert_int_equal(ctl_tables_build(cfg, o, 0, &t, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:11: vendors[0].regexes[1]: Hyperscan: ", yaml);
	assert_memory_equal(err, want, strlen(want));
	ctl_orgs_free(o);
	ctl_config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_orgs_load_errors),
	    cmocka_unit_test(test_ctl_orgs_clean_name),
	    cmocka_unit_test(test_ctl_orgs_load_cleans),
	    cmocka_unit_test(test_ctl_orgs_load_bom),
	    cmocka_unit_test(test_ctl_orgs_load_and_lookup),
	    cmocka_unit_test(test_ctl_tables_build_bad_regex),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
