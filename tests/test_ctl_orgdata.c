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

#define LOCDB "/usr/share/libloc-location/location.db"

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
#define HDR "prefix,org_id,name,country,sector,government\n"
#define CFG_HEAD                                                                                   \
	"dpdk:\n  ports:\n    - name: net_null0\n  workers: [1]\n"                                 \
	"vendors:\n  - name: k\n    domains: [kaspersky.com]\n"

/* CAIDA's AS2Org (YYYYMMDD.as-org2info.txt): organisations, then ASes. */
static const char as2org[] = "# name: AS Org\n"
			     "# format:org_id|changed|org_name|country|source\n"
			     "GOGL-ARIN|20220101|Google LLC|US|ARIN\n"
			     "DTAG-RIPE|20220101|Deutsche Telekom AG|DE|RIPE\n"
			     "# format:aut|changed|aut_name|org_id|opaque_id|source\n"
			     "15169|20220101|GOOGLE|GOGL-ARIN|abc_ARIN|ARIN\n"
			     "36040|20220101|YOUTUBE|GOGL-ARIN|abc_ARIN|ARIN\n"
			     "3320|20220101|DTAG|DTAG-RIPE|def_RIPE|RIPE\n";

/* Stanford's ASdb: categories in layer pairs, quoted where they hold commas. */
static const char asdb[] =
    "ASN,Category 1 - Layer 1,Category 1 - Layer 2,Category 2 - Layer 1,Category 2 - Layer 2\n"
    "AS15169,Computer and Information Technology,Search,\"Media, Publishing, and "
    "Broadcasting\",Online Media\n"
    "AS359,Computer and Information Technology,Other,Government and Public "
    "Administration,Military\n"
    "AS3320,\"Media, Publishing, and Broadcasting\",Telecommunications,,\n";

struct look {
	const char *addr, *id, *name, *country, *sector;
	bool government;
	uint32_t asn;
};

/* Loads cfg_tail's organisations, checks each address's organisation. */
static struct ctl_config *kept_cfg; /* check()'s configuration, when it keeps the table */

static void
check(const char *cfg_tail, const struct look *look, size_t n, struct ctl_orgs **keep)
{
	const char *yaml = tb_write_file(7, "tc.yaml", cfg_tail);
	struct ctl_config *cfg;
	struct ctl_orgs *o;
	struct ctl_tables t;
	char err[1024];

	if (ctl_config_load(yaml, &cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	if (ctl_orgdata_load(&cfg->orgdata, &o, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	if (ctl_tables_build(cfg, o, 0, &t, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	for (size_t i = 0; i < n; i++) {
		uint8_t a[16] = {0};
		bool v6 = strchr(look[i].addr, ':') != NULL;
		const struct ctl_org *org;

		assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, look[i].addr, a), 1);
		org = &o->orgs[dp_lpm_lookup(t.orgs, v6 ? 6 : 4, a)];
		print_message("%s -> %s (%s, %s, %s)\n", look[i].addr, org->id, org->name,
			      org->country, org->sector);
		assert_string_equal(org->id, look[i].id);
		if (look[i].name != NULL) {
			assert_string_equal(org->name, look[i].name);
			assert_string_equal(org->country, look[i].country);
			assert_string_equal(org->sector, look[i].sector);
			assert_int_equal(org->government, look[i].government);
			assert_int_equal(org->asn, look[i].asn);
		}
	}
	ctl_tables_free(&t);
	if (keep != NULL) {
		*keep = o;
		kept_cfg = cfg;
		return;
	}
	ctl_orgs_free(o);
	ctl_config_free(cfg);
}

/* The exposition of an empty snapshot of o at now. */
static char *
render(const struct ctl_config *cfg, const struct ctl_orgs *o, uint32_t now)
{
	struct ctl_snapshot s;
	struct ctl_clients *c =
	    ctl_clients_create(1024, o->n_orgs, ctl_config_client_keys(cfg), 64);
	struct ctl_view v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(c);
	assert_int_equal(ctl_snapshot_init(&s, 1, 1, o->n_orgs, cfg->n_vendors), 0);
	assert_int_equal(ctl_view_build(&v, cfg, o, &s, c, now), 0);
	assert_int_equal(ctl_metrics_render(f, &v), 0);
	fclose(f);
	ctl_view_fini(&v);
	ctl_snapshot_fini(&s);
	ctl_clients_free(c);
	return buf;
}

/* Later sources override earlier ones for the same prefix; a longer
 * prefix of an earlier source still attributes its addresses. */
static void
test_ctl_orgdata_csv_merge(void **state)
{
	static const struct look look[] = {
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
	check(CFG_HEAD "organisations:\n  sources:\n    - csv: a.csv\n    - csv: b.csv\n", look,
	      sizeof(look) / sizeof(look[0]), &o);
	assert_int_equal(o->n_src, 2);
	assert_int_equal(o->n_prefixes, 4);
	assert_int_equal(o->src[0].rows, 3);
	assert_int_equal(o->src[0].overridden, 1);
	assert_int_equal(o->src[1].rows, 2);
	assert_int_equal(o->src[1].overridden, 0);
	ctl_orgs_free(o);
}

/* on_error: skip - each malformed row told, counted, left out. */
static void
test_ctl_orgdata_skip(void **state)
{
	static const struct look look[] = {
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
	check(CFG_HEAD "organisations:\n  on_error: skip\n  sources:\n    - csv: a.csv\n", look,
	      sizeof(look) / sizeof(look[0]), &o);
	assert_int_equal(o->src[0].skipped, 3);
	assert_int_equal(o->src[0].rows, 2);
	assert_int_equal(o->n_prefixes, 2);
	ctl_orgs_free(o);
}

/* The location database with AS2Org and ASdb, and the operator's CSV
 * last: an organisation below the AS level and a correction. */
static void
test_ctl_orgdata_libloc(void **state)
{
	static const struct look look[] = {
	    {"8.8.8.8", "GOGL-ARIN", "Google LLC", "US", "computer-and-information-technology",
	     false, 15169},
	    {"2001:4860:4860::8888", "GOGL-ARIN", "Google LLC", "US",
	     "computer-and-information-technology", false, 15169},
	    {"1.1.1.1", "AS13335-AU", "CLOUDFLARENET", "AU", "unknown", false, 13335},
	    {"55.1.1.1", "AS359-US", "AS359", "US", "computer-and-information-technology", true,
	     359},
	    {"80.156.0.1", "county", "County of Example", "DE", "government", true, 0},
	    {"80.156.1.1", "DTAG-RIPE", "Deutsche Telekom AG", "DE",
	     "media-publishing-and-broadcasting", false, 3320},
	    {"193.0.6.139", "ripe-ncc", "RIPE NCC", "NL", "internet", false, 0},
	    {"192.0.2.1", "unattributed", NULL, NULL, NULL, false, 0},
	};
	struct ctl_orgs *o;
	char yaml[1024];

	(void)state;
	if (access(LOCDB, R_OK) != 0)
		skip(); /* Debian's libloc-database: setup.sh installs it */
	tb_write_file(1, "20221001.as-org2info.txt", as2org);
	tb_write_file(2, "2022-05_categorized_ases.csv", asdb);
	tb_write_file(3, "operator.csv",
		      HDR "80.156.0.0/24,county,County of Example,DE,government,true\n"
			  "193.0.0.0/21,ripe-ncc,RIPE NCC,NL,internet,false\n");
	snprintf(yaml, sizeof(yaml),
		 CFG_HEAD "organisations:\n  max_age_days: 30\n  sources:\n"
			  "    - libloc: " LOCDB "\n"
			  "    - as2org: 20221001.as-org2info.txt\n      licence: CAIDA AUA\n"
			  "    - asdb: 2022-05_categorized_ases.csv\n"
			  "    - csv: operator.csv\n      date: 2024-11-30\n      licence: own\n");
	check(yaml, look, sizeof(look) / sizeof(look[0]), &o);
	assert_int_equal(o->n_src, 4);
	assert_string_equal(ctl_orgsrc_kind_name(o->src[0].kind), "libloc");
	/* What `location version` says: Sat, 29 Oct 2022 05:59:54 GMT. */
	assert_int_equal(o->src[0].date, 1667023194);
	assert_string_equal(o->src[0].licence, "CC BY-SA 4.0");
	assert_int_equal(o->src[1].date, 1664582400); /* 2022-10-01, from the file name */
	assert_int_equal(o->src[2].date, 1651363200); /* 2022-05-01 */
	assert_int_equal(o->src[3].date, 1732924800); /* 2024-11-30, configured */
	assert_string_equal(o->src[1].licence, "CAIDA AUA");
	assert_int_equal(o->src[1].rows, 3);
	assert_int_equal(o->src[2].rows, 3);
	assert_int_equal(o->src[3].rows, 2);
	assert_int_equal(o->src[3].overridden, 0);
	assert_int_equal(o->src[0].overridden, 1); /* 193.0.0.0/21, given again by the CSV */
	/* Each source in the exposition; dated 2024-11-30, the CSV is 718 days
	 * old at 2026-11-18 (1795000000), past max_age_days 30. */
	{
		char *buf = render(kept_cfg, o, 1795000000u), want[1024];
		static const char *const lines[] = {
		    ("tapcensus_orgdata_info{source=\"0\",kind=\"libloc\",file=\"" LOCDB "\","
		     "date=\"2022-10-29\",licence=\"CC BY-SA 4.0\"} 1\n"),
		    ("tapcensus_orgdata_info{source=\"2\",kind=\"asdb\",file=\"%s\",date=\"2022-05-"
		     "01\","
		     "licence=\"unknown\"} 1\n"),
		    "tapcensus_orgdata_rows{source=\"1\"} 3\n",
		    "tapcensus_orgdata_rows{source=\"3\"} 2\n",
		    "tapcensus_orgdata_prefixes_overridden{source=\"0\"} 1\n",
		    "tapcensus_orgdata_age_seconds{source=\"3\"} 62075200\n",
		    "tapcensus_orgdata_stale{source=\"3\"} 1\n",
		};

		for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
			snprintf(want, sizeof(want), lines[i], o->src[2].path);
			if (strstr(buf, want) == NULL)
				fail_msg("no line %s", want);
		}
		free(buf);
	}
	ctl_orgs_free(o);
	ctl_config_free(kept_cfg);
}

/* exclude_flags: anycast networks attribute nobody; countries keeps a
 * national table. */
/* A damaged location database is refused with the file and the reason,
 * never read (libloc trusts its file: these crashed the process or loaded
 * a fraction of the networks): copies of Debian's, each damaged one way
 * the format's header tells (big-endian offsets after the 8-byte magic). */
static void
test_ctl_orgdata_libloc_damaged(void **state)
{
	enum { CUT, BYTE, BE32 };
	static const struct {
		const char *what;
		int how;
		long at;    /* CUT: the length kept; BYTE, BE32: where (-1: the pool's last byte;
			     * -2: node 1's "zero" child) */
		uint32_t v; /* the value written */
		const char *why;
	} rows[] = {
	    {"cut at 100 bytes", CUT, 100, 0,
	     "shorter than a location database's header (truncated?)"},
	    {"cut at 4096 bytes", CUT, 4096, 0,
	     "shorter than a location database's header (truncated?)"},
	    {"cut after the header", CUT, 8192, 0,
	     "a section runs past the end of the file (truncated?)"},
	    {"no magic", BYTE, 0, 'X', "not a location database (no LOCDBXX magic)"},
	    {"version 9", BYTE, 7, 9, "a location database of a version other than 1"},
	    {"string pool without NUL", BYTE, -1, 'x', "the string pool does not end in NUL"},
	    {"a tree node pointing at itself", BE32, -2, 1,
	     "the network tree is not a tree (a node is reached twice)"},
	    {"the licence past the pool", BE32, 8 + 16, 0xfffffff0u,
	     "the vendor, description or licence is outside the string pool"},
	};
	char path[4096], err[4400];
	uint8_t *orig;
	long size;
	FILE *f;

	(void)state;
	if (access(LOCDB, R_OK) != 0)
		skip(); /* Debian's libloc-database: setup.sh installs it */
	assert_non_null(f = fopen(LOCDB, "rb"));
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	rewind(f);
	assert_non_null(orig = malloc((size_t)size));
	assert_int_equal(fread(orig, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	snprintf(path, sizeof(path), "%s", tb_write_file(1, "damaged.db", ""));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t *d = malloc((size_t)size);
		long len = size, at = rows[i].at;
		char want[4400];
		uint64_t n;
		FILE *out;

		print_message("row %zu: %s\n", i, rows[i].what);
		assert_non_null(d);
		memcpy(d, orig, (size_t)size);
		if (at == -1) /* the pool: offset and length at header bytes 52, 56 */
			at = (long)(be32(d + 8 + 52) + be32(d + 8 + 56)) - 1;
		else if (at == -2) /* the tree at 36, 40; node 1 of 12 bytes */
			at = (long)be32(d + 8 + 36) + 12;
		if (rows[i].how == CUT)
			len = rows[i].at;
		else if (rows[i].how == BYTE)
			d[at] = (uint8_t)rows[i].v;
		else
			for (int k = 0; k < 4; k++)
				d[at + k] = (uint8_t)(rows[i].v >> (24 - 8 * k));
		assert_non_null(out = fopen(path, "wb"));
		assert_int_equal(fwrite(d, 1, (size_t)len, out), (size_t)len);
		fclose(out);
		free(d);
		snprintf(want, sizeof(want), "%s: damaged location database: %s", path,
			 rows[i].why);
		assert_int_equal(ctl_locdb_open(path, &f, &n, err, sizeof(err)), -EINVAL);
		assert_null(f);
		assert_string_equal(err, want);
	}
	/* The whole file passes, with every network it declares. */
	assert_int_equal(ctl_locdb_open(LOCDB, &f, &(uint64_t){0}, err, sizeof(err)), 0);
	fclose(f);
	/* A FIFO (it would block start-up for ever) and a device. */
	snprintf(path + strlen(path) - strlen("damaged.db"), 16, "fifo.db");
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(ctl_locdb_open(path, &f, &(uint64_t){0}, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	unlink(path);
	assert_int_equal(ctl_locdb_open("/dev/zero", &f, &(uint64_t){0}, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "/dev/zero: cannot open: not a regular file (a FIFO or a device "
				 "never ends)");
	free(orig);
}

static void
test_ctl_orgdata_libloc_filters(void **state)
{
	static const struct look anycast[] =
	    {
		{"8.8.8.8", "unattributed", NULL, NULL, NULL, false, 0},
		{"1.1.1.1", "unattributed", NULL, NULL, NULL, false, 0},
		{"80.156.1.1", "AS3320-DE", "Deutsche Telekom AG", "DE", "unknown", false, 3320},
	    },
				 german[] = {
				     {"8.8.8.8", "unattributed", NULL, NULL, NULL, false, 0},
				     {"80.156.1.1", "AS3320-DE", "Deutsche Telekom AG", "DE",
				      "unknown", false, 3320},
				 };

	(void)state;
	if (access(LOCDB, R_OK) != 0)
		skip();
	check(CFG_HEAD "organisations:\n  sources:\n    - libloc: " LOCDB "\n"
		       "      exclude_flags: [anycast]\n",
	      anycast, sizeof(anycast) / sizeof(anycast[0]), NULL);
	check(CFG_HEAD "organisations:\n  sources:\n    - libloc: " LOCDB "\n"
		       "      countries: [DE]\n",
	      german, sizeof(german) / sizeof(german[0]), NULL);
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
	const struct CMUnitTest world[] = {
	    cmocka_unit_test(test_ctl_orgdata_libloc),
	    cmocka_unit_test(test_ctl_orgdata_libloc_filters),
	    cmocka_unit_test(test_ctl_orgdata_libloc_damaged),
	};
	bool w = argc > 1 && strcmp(argv[1], "--world") == 0;

	if (tb_eal_init_mem(w ? 2048 : 256)) /* the world's tables */
		return 1;
	return w ? cmocka_run_group_tests(world, NULL, NULL)
		 : cmocka_run_group_tests(tests, NULL, NULL);
}
