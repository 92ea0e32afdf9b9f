/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tb_orgdata.h - the organisation sources' test fixtures, shared by
 * test_ctl_orgdata.c (the unit tests) and test_ctl_orgdata_world.c (those
 * that read the world's location database, --world): sample AS2Org and
 * ASdb files, a configuration's head, and a check of addresses against the
 * tables a configuration builds.
 */
#ifndef TB_ORGDATA_H
#define TB_ORGDATA_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl_config.h"
#include "ctl_orgs.h"

#define LOCDB "/usr/share/libloc-location/location.db"
#define HDR "prefix,org_id,name,country,sector,government\n"
#define CFG_HEAD                                                                                   \
	"dpdk:\n  ports:\n    - name: net_null0\n  workers: [1]\n"                                 \
	"vendors:\n  - name: k\n    domains: [kaspersky.com]\n"

/* CAIDA's AS2Org and Stanford's ASdb, in their published formats. */
extern const char tb_as2org[];
extern const char tb_asdb[];

/* An address and the organisation it must belong to (name NULL: the id
 * only). */
struct tb_orgdata_look {
	const char *addr, *id, *name, *country, *sector;
	bool government;
	uint32_t asn;
};

/* Loads cfg_tail's configuration and organisations and checks each
 * address's organisation (cmocka failures); keep: the table is kept in
 * *keep and its configuration in tb_orgdata_cfg (the caller frees both). */
extern struct ctl_config *tb_orgdata_cfg;
void tb_orgdata_check(const char *cfg_tail, const struct tb_orgdata_look *look, size_t n,
		      struct ctl_orgs **keep);

/* test_ctl_orgdata_world.c: the tests that read the world's database. */
int test_ctl_orgdata_world(void);

#endif
