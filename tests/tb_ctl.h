/* SPDX-License-Identifier: BSD-3-Clause */
/* tb_ctl.h - the control plane's unit-test fixture.
 *
 * tb_ctl_load: csv written as the organisation table (tb_write_file slot
 * 1) and a configuration with two vendors, kaspersky (0) and other (1)
 * (slot 2), both loaded; 0, or -1 with the loader's message printed.
 * tb_ctl_setup (a cmocka group setup): tb_ctl_load into tb_cfg and
 * tb_orgs of two organisations, gov-a (1, a name with a quote and a
 * backslash, US, government) and bank-b (2, GB, finance).
 * tb_ctl_fill: a one-worker, one-port snapshot of them - 100 packets,
 * gov-a/kaspersky 5 tls-sni and 2 dns sessions, two clients at T0. */
#ifndef TB_CTL_H
#define TB_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "ctl_clients.h"
#include "ctl_config.h"
#include "ctl_orgs.h"
#include "ctl_snapshot.h"
#include "tb_eal.h"

#define T0 1795000000u

int tb_ctl_load(const char *csv, struct ctl_config **cfg, struct ctl_orgs **orgs);
extern struct ctl_config *tb_cfg;
extern struct ctl_orgs *tb_orgs;
int tb_ctl_setup(void **state);

/* A client event of org and vendor for the address in text. */
struct dp_client_event tb_ctl_ev(uint32_t org, uint8_t vendor, const char *addr);

void tb_ctl_fill(const struct ctl_orgs *orgs, struct ctl_snapshot *s, struct ctl_clients **c);

/* The exposition of s at T0 + 10, malloc'd. */
char *tb_ctl_render(const struct ctl_config *cfg, const struct ctl_orgs *orgs,
		    struct ctl_snapshot *s, struct ctl_clients *c, size_t *len);

/* tb_ctl_fill, then its view at T0 + 10 published (ctl_publish_view). */
void tb_ctl_publish_fixture(const struct ctl_config *cfg, const struct ctl_orgs *orgs,
			    struct ctl_snapshot *s, struct ctl_clients **c);

/* One HTTP/1.0 request on loopback; the whole response, malloc'd. */
char *tb_http_get(uint16_t port, const char *req);
/* The body of a response. */
const char *tb_http_body(const char *resp);

#endif
