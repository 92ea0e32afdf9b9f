/* SPDX-License-Identifier: BSD-3-Clause */
/* The organisation sources' fixtures (tb_orgdata.h). */
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

/* CAIDA's AS2Org (YYYYMMDD.as-org2info.txt): organisations, then ASes. */
const char tb_as2org[] = "# name: AS Org\n"
			 "# format:org_id|changed|org_name|country|source\n"
			 "GOGL-ARIN|20220101|Google LLC|US|ARIN\n"
			 "DTAG-RIPE|20220101|Deutsche Telekom AG|DE|RIPE\n"
			 "# format:aut|changed|aut_name|org_id|opaque_id|source\n"
			 "15169|20220101|GOOGLE|GOGL-ARIN|abc_ARIN|ARIN\n"
			 "36040|20220101|YOUTUBE|GOGL-ARIN|abc_ARIN|ARIN\n"
			 "3320|20220101|DTAG|DTAG-RIPE|def_RIPE|RIPE\n";

/* Stanford's ASdb: categories in layer pairs, quoted where they hold commas. */
const char tb_asdb[] =
    "ASN,Category 1 - Layer 1,Category 1 - Layer 2,Category 2 - Layer 1,Category 2 - Layer 2\n"
    "AS15169,Computer and Information Technology,Search,\"Media, Publishing, and "
    "Broadcasting\",Online Media\n"
    "AS359,Computer and Information Technology,Other,Government and Public "
    "Administration,Military\n"
    "AS3320,\"Media, Publishing, and Broadcasting\",Telecommunications,,\n";

/* Loads cfg_tail's organisations, checks each address's organisation. */
struct ctl_config *tb_orgdata_cfg; /* tb_orgdata_check()'s configuration, when it keeps the table */

void
tb_orgdata_check(const char *cfg_tail, const struct tb_orgdata_look *look, size_t n,
		 struct ctl_orgs **keep)
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
		tb_orgdata_cfg = cfg;
		return;
	}
	ctl_orgs_free(o);
	ctl_config_free(cfg);
}
