/* SPDX-License-Identifier: BSD-3-Clause */
/* tb_ctl.h - the control plane's unit-test fixture: csv written as the
 * organisation table (tb_write_file slot 1) and a configuration with two
 * vendors, kaspersky (0) and other (1) (slot 2), both loaded.  Returns 0,
 * or -1 with the loader's message printed. */
#ifndef TB_CTL_H
#define TB_CTL_H

#include "ctl_config.h"
#include "ctl_orgs.h"
#include "tb_eal.h"

static inline int
tb_ctl_load(const char *csv, struct ctl_config **cfg, struct ctl_orgs **orgs)
{
	char err[512];

	tb_write_file(1, "orgs.csv", csv);
	if (ctl_config_load(tb_write_file(2, "tc.yaml",
					  "dpdk:\n  ports:\n    - name: net_null0\n  workers: [1]\n"
					  "organisations: orgs.csv\nvendors:\n"
					  "  - name: kaspersky\n    domains: [kaspersky.com]\n"
					  "  - name: other\n    domains: [example.net]\n"),
			    cfg, err, sizeof(err)) ||
	    ctl_orgs_load((*cfg)->orgs_path, orgs, err, sizeof(err))) {
		print_error("%s\n", err);
		return -1;
	}
	return 0;
}

#endif
