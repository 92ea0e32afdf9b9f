/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tb_config.h - between the configuration's two test files
 * (test_ctl_config.c, test_ctl_config_roles.c, one executable): a dpdk
 * section that loads, and the roles' tests run from main.
 */
#ifndef TB_CONFIG_H
#define TB_CONFIG_H

#define GOOD_DPDK                                                                                  \
	"dpdk:\n"                                                                                  \
	"  eal_args: [\"--no-huge\"]\n"                                                            \
	"  ports:\n"                                                                               \
	"    - name: net_null0\n"                                                                  \
	"      rx_queues: 1\n"                                                                     \
	"  workers: [1]\n"

/* test_ctl_config_roles.c: the vendors' roles and catalogues; failures. */
int test_ctl_config_roles_run(void);

#endif
