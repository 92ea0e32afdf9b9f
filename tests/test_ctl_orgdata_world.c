/* SPDX-License-Identifier: BSD-3-Clause */
/* The organisation sources against the world's location database
 * (Debian's libloc-database): test_ctl_orgdata --world. */
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

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
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

/* The location database with AS2Org and ASdb, and the operator's CSV
 * last: an organisation below the AS level and a correction. */
static void
test_ctl_orgdata_libloc(void **state)
{
	static const struct tb_orgdata_look look[] = {
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
	tb_write_file(1, "20221001.as-org2info.txt", tb_as2org);
	tb_write_file(2, "2022-05_categorized_ases.csv", tb_asdb);
	tb_write_file(3, "operator.csv",
		      HDR "80.156.0.0/24,county,County of Example,DE,government,true\n"
			  "193.0.0.0/21,ripe-ncc,RIPE NCC,NL,internet,false\n");
	snprintf(yaml, sizeof(yaml),
		 CFG_HEAD "organisations:\n  max_age_days: 30\n  sources:\n"
			  "    - libloc: " LOCDB "\n"
			  "    - as2org: 20221001.as-org2info.txt\n      licence: CAIDA AUA\n"
			  "    - asdb: 2022-05_categorized_ases.csv\n"
			  "    - csv: operator.csv\n      date: 2024-11-30\n      licence: own\n");
	tb_orgdata_check(yaml, look, sizeof(look) / sizeof(look[0]), &o);
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
		char *buf = render(tb_orgdata_cfg, o, 1795000000u), want[1024];
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
	ctl_config_free(tb_orgdata_cfg);
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
	static const struct tb_orgdata_look anycast[] =
	    {
		{"8.8.8.8", "unattributed", NULL, NULL, NULL, false, 0},
		{"1.1.1.1", "unattributed", NULL, NULL, NULL, false, 0},
		{"80.156.1.1", "AS3320-DE", "Deutsche Telekom AG", "DE", "unknown", false, 3320},
	    },
					    german[] = {
						{"8.8.8.8", "unattributed", NULL, NULL, NULL, false,
						 0},
						{"80.156.1.1", "AS3320-DE", "Deutsche Telekom AG",
						 "DE", "unknown", false, 3320},
					    };

	(void)state;
	if (access(LOCDB, R_OK) != 0)
		skip();
	tb_orgdata_check(CFG_HEAD "organisations:\n  sources:\n    - libloc: " LOCDB "\n"
				  "      exclude_flags: [anycast]\n",
			 anycast, sizeof(anycast) / sizeof(anycast[0]), NULL);
	tb_orgdata_check(CFG_HEAD "organisations:\n  sources:\n    - libloc: " LOCDB "\n"
				  "      countries: [DE]\n",
			 german, sizeof(german) / sizeof(german[0]), NULL);
}

int
test_ctl_orgdata_world(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_orgdata_libloc),
	    cmocka_unit_test(test_ctl_orgdata_libloc_filters),
	    cmocka_unit_test(test_ctl_orgdata_libloc_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
