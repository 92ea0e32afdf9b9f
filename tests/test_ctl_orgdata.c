/* SPDX-License-Identifier: BSD-3-Clause */
/* The organisation table's sources: the operator's CSV, IPFire's location
 * database (Debian's libloc-database, 2022-10-29), CAIDA's AS2Org and
 * ASdb, written here in their published formats; merged in order, the
 * longest prefix attributing; errors by file, line and field. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl_clients.h"
#include "ctl_config.h"
#include "ctl_locdb.h"
#include "ctl_metrics.h"
#include "ctl_orgdata.h"
#include "ctl_orgs.h"
#include "ctl_snapshot.h"
#include "ctl_tables.h"
#include "ctl_view.h"
#include "tb_eal.h"

#include "tb_orgdata.h"

/* Later sources override earlier ones for the same prefix; a longer
 * prefix of an earlier source still attributes its addresses. */
static void
test_ctl_orgdata_csv_merge(void **state)
{
	static const struct tb_orgdata_look look[] = {
	    {"192.0.2.1", "wide-2", NULL, NULL, NULL, false, 0},
	    {"192.0.2.129", "narrow", NULL, NULL, NULL, false, 0},
	    {"198.51.100.1", "only-1", NULL, NULL, NULL, false, 0},
	    {"198.51.100.129", "unattributed", NULL, NULL, NULL, false, 0}, /* carved out */
	    {"203.0.113.1", "unattributed", NULL, NULL, NULL, false, 0},
	};
	struct ctl_orgs *o;

	(void)state;
	tb_write_file(1, "a.csv",
		      HDR "192.0.2.0/24,wide,Wide,US,x,false\n"
			  "192.0.2.128/25,narrow,Narrow,US,x,false\n"
			  "198.51.100.0/24,only-1,One,US,x,false\n");
	tb_write_file(2, "b.csv",
		      HDR "192.0.2.0/24,wide-2,Wide Two,US,x,false\n"
			  "198.51.100.128/25,unattributed,Carved out,ZZ,none,false\n");
	tb_orgdata_check(CFG_HEAD
			 "organisations:\n  sources:\n    - csv: a.csv\n    - csv: b.csv\n",
			 look, sizeof(look) / sizeof(look[0]), &o);
	assert_int_equal(o->n_src, 2);
	assert_int_equal(o->n_prefixes, 4);
	assert_int_equal(o->src[0].rows, 3);
	assert_int_equal(o->src[0].overridden, 1);
	assert_int_equal(o->src[1].rows, 2);
	assert_int_equal(o->src[1].overridden, 0);
	ctl_orgs_free(o);
	ctl_config_free(tb_orgdata_cfg);
}

/* on_error: skip - each malformed row told, counted, left out. */
static void
test_ctl_orgdata_skip(void **state)
{
	static const struct tb_orgdata_look look[] = {
	    {"192.0.2.1", "a", NULL, NULL, NULL, false, 0},
	    {"198.51.100.1", "unattributed", NULL, NULL, NULL, false, 0},
	    {"203.0.113.1", "c", NULL, NULL, NULL, false, 0},
	};
	struct ctl_orgs *o;

	(void)state;
	tb_write_file(1, "a.csv",
		      HDR "192.0.2.0/24,a,A,US,x,false\n"
			  "198.51.100.0/33,b,B,US,x,false\n"
			  "198.51.100.0/24,b,B,usa,x,false\n"
			  "192.0.2.0/24,dup,Dup,US,x,false\n"
			  "203.0.113.0/24,c,C,US,x,false\n");
	tb_orgdata_check(CFG_HEAD
			 "organisations:\n  on_error: skip\n  sources:\n    - csv: a.csv\n",
			 look, sizeof(look) / sizeof(look[0]), &o);
	assert_int_equal(o->src[0].skipped, 3);
	assert_int_equal(o->src[0].rows, 2);
	assert_int_equal(o->n_prefixes, 2);
	ctl_orgs_free(o);
	ctl_config_free(tb_orgdata_cfg);
}

/* Every error names the file, the line and the field. */
static void
test_ctl_orgdata_errors(void **state)
{
	static const struct {
		const char *what, *file, *text, *cfg, *want;
	} rows[] = {
	    {"as2org row before a format line", "x.as-org2info.txt",
	     "15169|20220101|GOOGLE|GOGL-ARIN|a|ARIN\n", "    - as2org: F\n    - csv: ok.csv\n",
	     "F:1: (record): a row before a '# format:org_id|...' or '# format:aut|...' line"},
	    {"as2org bad aut", "x.as-org2info.txt",
	     "# format:aut|changed|aut_name|org_id|opaque_id|source\nAS-X|1|N|O|a|ARIN\n",
	     "    - as2org: F\n    - csv: ok.csv\n",
	     "F:2: aut: 'AS-X' is not an AS number (1-4294967295)"},
	    {"as2org short org row", "x.as-org2info.txt",
	     "# format:org_id|changed|org_name|country|source\nGOGL|1|Google\n",
	     "    - as2org: F\n    - csv: ok.csv\n",
	     "F:2: (record): expected 5 fields: org_id|changed|org_name|country|source"},
	    {"as2org empty", "x.as-org2info.txt", "", "    - as2org: F\n    - csv: ok.csv\n",
	     "F: no organisation and no AS row (an empty or cut file)"},
	    {"as2org formats only", "x.as-org2info.txt",
	     "# format:org_id|changed|org_name|country|source\n",
	     "    - as2org: F\n    - csv: ok.csv\n",
	     "F: no organisation and no AS row (an empty or cut file)"},
	    {"as2org org id over 63", "x.as-org2info.txt",
	     "# format:org_id|changed|org_name|country|source\n"
	     "ORG-0123456789012345678901234567890123456789012345678901234567890123|1|N|US|ARIN\n",
	     "    - as2org: F\n    - csv: ok.csv\n", "F:2: org_id: longer than 63 characters"},
	    {"as2org aut's org id over 63", "x.as-org2info.txt",
	     "# format:aut|changed|aut_name|org_id|opaque_id|source\n"
	     "64496|1|N|ORG-0123456789012345678901234567890123456789012345678901234567890123|a|"
	     "ARIN\n",
	     "    - as2org: F\n    - csv: ok.csv\n", "F:2: org_id: longer than 63 characters"},
	    {"as2org another layout", "x.as-org2info.txt",
	     "# format:org_id|org_name|changed|country|source\nGOGL|Google|1|US|ARIN\n",
	     "    - as2org: F\n    - csv: ok.csv\n",
	     "F:1: # format: 'org_id|org_name|changed|country|source' is neither "
	     "'org_id|changed|org_name|country|source' nor "
	     "'aut|changed|aut_name|org_id|opaque_id|source'"},
	    {"as2org org id twice", "x.as-org2info.txt",
	     "# format:org_id|changed|org_name|country|source\nA-1|1|First|US|ARIN\n"
	     "B-2|1|Other|US|ARIN\nA-1|1|Second|DE|RIPE\n",
	     "    - as2org: F\n    - csv: ok.csv\n",
	     "F:4: org_id: 'A-1' is given twice (first on line 2)"},
	    {"asdb over 32 fields", "asdb.csv",
	     "ASN,Category 1 - Layer 1\n"
	     "AS64496,Other,Other,Other,Other,Other,Other,Other,Other,Other,Other,Other,Other,"
	     "Other,Other,Other,Other,Other,Other,Other,Other,Other,Other,Other,Other,Other,Other,"
	     "Other,Other,Other,Other,Other,Other\n",
	     "    - asdb: F\n    - csv: ok.csv\n",
	     "F:2: (record): more than 32 fields (an ASN and its category pairs)"},
	    {"asdb without header", "asdb.csv", "AS1,Other,Other\n",
	     "    - asdb: F\n    - csv: ok.csv\n",
	     "F:1: (header): expected ASdb's 'ASN,Category 1 - Layer 1,...' or "
	     "'asn,sector,government'"},
	    {"asdb bad asn", "asdb.csv", "ASN,Category 1 - Layer 1\nAS0,Other\n",
	     "    - asdb: F\n    - csv: ok.csv\n",
	     "F:2: ASN: 'AS0' is not an AS number (1-4294967295)"},
	    {"simple sector", "sec.csv", "asn,sector,government\n64496,a b,false\n",
	     "    - asdb: F\n    - csv: ok.csv\n",
	     "F:2: sector: 'a b': use 1-47 letters, digits, '-', '_' or '.'"},
	    {"simple government", "sec.csv", "asn,sector,government\n64496,gov,perhaps\n",
	     "    - asdb: F\n    - csv: ok.csv\n",
	     "F:2: government: 'perhaps' is not true/false/yes/no/1/0"},
	    {"same prefix twice in one source", "dup.csv",
	     HDR "192.0.2.0/24,a,A,US,x,false\n\n192.0.2.0/24,b,B,US,x,false\n", "    - csv: F\n",
	     "F:4: prefix: the same prefix is on line 2"},
	    {"not a location database", "fake.db", "hello\n", "    - libloc: F\n",
	     "F: damaged location database: shorter than a location database's header "
	     "(truncated?)"},
	};

	(void)state;
	tb_write_file(3, "ok.csv", HDR "192.0.2.0/24,a,A,US,x,false\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *path = tb_write_file(1, rows[i].file, rows[i].text);
		char cfgtext[1024], src[512], want[1024], err[1024];
		struct ctl_config *cfg;
		struct ctl_orgs *o = (void *)1;
		const char *p;
		size_t w = 0;

		print_message("row %zu: %s\n", i, rows[i].what);
		/* F in the texts stands for the file's path. */
		for (p = rows[i].cfg; *p && w + strlen(path) + 1 < sizeof(src); p++)
			w += (size_t)(*p == 'F' ? snprintf(src + w, sizeof(src) - w, "%s", path)
						: snprintf(src + w, sizeof(src) - w, "%c", *p));
		snprintf(cfgtext, sizeof(cfgtext), CFG_HEAD "organisations:\n  sources:\n%s", src);
		w = 0;
		for (p = rows[i].want; *p && w + strlen(path) + 1 < sizeof(want); p++)
			w += (size_t)(*p == 'F' && (p == rows[i].want)
					  ? snprintf(want + w, sizeof(want) - w, "%s", path)
					  : snprintf(want + w, sizeof(want) - w, "%c", *p));
		assert_int_equal(
		    ctl_config_load(tb_write_file(7, "tc.yaml", cfgtext), &cfg, err, sizeof(err)),
		    0);
		assert_int_equal(ctl_orgdata_load(&cfg->orgdata, &o, err, sizeof(err)), -EINVAL);
		assert_null(o);
		assert_string_equal(err, want);
		ctl_config_free(cfg);
	}
}

/* A NUL byte inside a line is refused at its line, never read as the
 * line's end (the rest of the row would have been lost silently). */
static void
test_ctl_orgdata_nul_in_line(void **state)
{
	static const char text[] = "# format:aut|changed|aut_name|org_id|opaque_id|source\n"
				   "64496|1|N|ORG-1|a|ARIN\n"
				   "64497|1|N\0|ORG-2|a|ARIN\n";
	const char *path = tb_write_file(1, "nul.as-org2info.txt", "");
	char cfgtext[1024], err[1024], want[1200];
	struct ctl_config *cfg;
	struct ctl_orgs *o = (void *)1;
	FILE *f = fopen(path, "wb");

	(void)state;
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, f), sizeof(text) - 1);
	fclose(f);
	tb_write_file(3, "ok.csv", HDR "192.0.2.0/24,a,A,US,x,false\n");
	snprintf(cfgtext, sizeof(cfgtext),
		 CFG_HEAD "organisations:\n  sources:\n    - as2org: %s\n    - csv: ok.csv\n",
		 path);
	assert_int_equal(
	    ctl_config_load(tb_write_file(7, "tc.yaml", cfgtext), &cfg, err, sizeof(err)), 0);
	assert_int_equal(ctl_orgdata_load(&cfg->orgdata, &o, err, sizeof(err)), -EINVAL);
	assert_null(o);
	snprintf(want, sizeof(want), "%s:3: (record): a NUL byte in the line", path);
	assert_string_equal(err, want);
	ctl_config_free(cfg);
}

/* The configuration of sources: errors at their line. */
static void
test_ctl_orgdata_config_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} rows[] = {
	    {"organisations:\n  on_error: skip\n", "organisations.sources: missing"},
	    {"organisations:\n  sources:\n    - csv: a.csv\n      libloc: b.db\n",
	     "organisations.sources[0]: one of csv, libloc, as2org, asdb per source, not two"},
	    {"organisations:\n  sources:\n    - licence: x\n",
	     "organisations.sources[0]: says none of csv, libloc, as2org, asdb"},
	    {"organisations:\n  sources:\n    - csv: a.csv\n      countries: [US]\n",
	     "organisations.sources[0].countries: only for a libloc source"},
	    {"organisations:\n  sources:\n    - libloc: a.db\n      countries: [usa]\n",
	     "organisations.sources[0].countries[0]: 'usa' is not an ISO 3166-1 alpha-2 code"},
	    {"organisations:\n  sources:\n    - libloc: a.db\n      exclude_flags: [hosting]\n",
	     "organisations.sources[0].exclude_flags[0]: 'hosting': one of anonymous-proxy, "
	     "satellite, anycast, drop"},
	    {"organisations:\n  sources:\n    - csv: a.csv\n      date: 2024-02-30\n",
	     "organisations.sources[0].date: '2024-02-30': no such day"},
	    {"organisations:\n  sources:\n    - asdb: a.csv\n",
	     "organisations.sources: no csv or libloc source: nothing gives prefixes"},
	    {"organisations:\n  on_error: ignore\n  sources:\n    - csv: a.csv\n",
	     "organisations.on_error: 'ignore': refuse (the default) or skip"},
	    {"organisations: [a.csv]\n",
	     "organisations: expected a file (CSV) or a mapping with sources"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char text[1024], err[1024];
		struct ctl_config *cfg = NULL;

		snprintf(text, sizeof(text), CFG_HEAD "%s", rows[i].text);
		print_message("row %zu: %s", i, rows[i].text);
		assert_int_equal(
		    ctl_config_load(tb_write_file(7, "tc.yaml", text), &cfg, err, sizeof(err)),
		    -EINVAL);
		if (strstr(err, rows[i].want) == NULL)
			fail_msg("'%s' does not say '%s'", err, rows[i].want);
	}
}

/* Without arguments the unit tests; with --world those that read the
 * world's location database (seconds each: an e2e test of their own). */
int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_orgdata_csv_merge),
	    cmocka_unit_test(test_ctl_orgdata_skip),
	    cmocka_unit_test(test_ctl_orgdata_errors),
	    cmocka_unit_test(test_ctl_orgdata_nul_in_line),
	    cmocka_unit_test(test_ctl_orgdata_config_errors),
	};
	bool w = argc > 1 && strcmp(argv[1], "--world") == 0;

	if (tb_eal_init_mem(w ? 2048 : 256)) /* the world's tables */
		return 1;
	return w ? test_ctl_orgdata_world() : cmocka_run_group_tests(tests, NULL, NULL);
}
