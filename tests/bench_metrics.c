/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_metrics: what a scrape costs at national scale.  A table of N
 * organisations (default 100,000; 10 countries, 6 sectors, every 97th a
 * government), ACTIVE of them (default 20,000) with sessions in two roles
 * of the shipped Kaspersky catalogue and three clients each; the view
 * built and /metrics rendered as the control plane does once a second,
 * with metrics.max_orgs 0 (every active organisation) and capped.  Prints
 * the time of each and the exposition's size and series.
 *   bench_metrics [N [ACTIVE]]
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_clients.h"
#include "ctl_config.h"
#include "ctl_metrics.h"
#include "ctl_orgcsv.h"
#include "ctl_orgs.h"
#include "ctl_snapshot.h"
#include "ctl_time.h"
#include "ctl_view.h"
#include "tb_eal.h"

#define NOW 1795000000u

static double
secs(void)
{
	return (double)ctl_now_ns() / 1e9;
}

/* Organisation i's /24, in 16.0.0.0/6 (a table only: no traffic). */
static uint32_t
net_of(unsigned i)
{
	return (16u << 24) + ((uint32_t)i << 8);
}

int
main(int argc, char **argv)
{
	static const char *const cc[] = {"US", "DE", "GB", "FR", "NL",
					 "JP", "BR", "IN", "PL", "CA"};
	static const char *const sector[] = {"telecom",	  "finance", "government",
					     "education", "health",  "technology"};
	unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 100000;
	unsigned active = argc > 2 ? (unsigned)atoi(argv[2]) : 20000;
	unsigned caps[] = {0, 1000};
	char csv[64] = "/tmp/bench_metrics.XXXXXX", yaml[96], err[1024];
	struct ctl_config *cfg;
	struct ctl_orgs *o;
	struct ctl_snapshot s;
	struct ctl_clients *c;
	uint16_t also[2 * DP_MAX_VENDORS];
	int upd = -1, act = -1, fd;
	FILE *f;

	if (n < 1 || active > n || tb_eal_init_mem(1024) != 0)
		return 1;
	fd = mkstemp(csv);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL)
		return 1;
	fputs("prefix,org_id,name,country,sector,government\n", f);
	for (unsigned i = 0; i < n; i++) {
		uint32_t a = net_of(i);

		fprintf(f, "%u.%u.%u.0/24,org%u,\"Organisation %u of the bench\",%s,%s,%s\n",
			a >> 24, (a >> 16) & 255, (a >> 8) & 255, i, i, cc[i % 10], sector[i % 6],
			i % 97 == 0 ? "true" : "false");
	}
	fclose(f);
	snprintf(yaml, sizeof(yaml), "%s.yaml", csv);
	f = fopen(yaml, "w");
	if (f == NULL)
		return 1;
	fprintf(f,
		"dpdk:\n  ports:\n    - name: net_null0\n  workers: [1]\n"
		"organisations: %s\nvendors:\n  - include: %s/config/vendors/kaspersky.yaml\n",
		csv, SOURCE_ROOT);
	fclose(f);
	if (ctl_config_load(yaml, &cfg, err, sizeof(err)) != 0 ||
	    ctl_orgs_load(csv, &o, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench_metrics: %s\n", err);
		return 1;
	}
	for (unsigned v = 0; v < cfg->n_vendors; v++) {
		if (strcmp(cfg->vendors[v].role, "update") == 0)
			upd = (int)v;
		if (strcmp(cfg->vendors[v].role, "activation") == 0)
			act = (int)v;
	}
	c = ctl_clients_create(1u << 20, o->n_orgs, ctl_config_client_keys(cfg), 64);
	if (upd < 0 || act < 0 || c == NULL ||
	    ctl_snapshot_init(&s, 1, 1, o->n_orgs, cfg->n_vendors) != 0)
		return 1;
	ctl_config_client_union(cfg, also);
	if (ctl_clients_union(c, also) != 0)
		return 1;
	/* Active organisations spread over the table: index 1 + i * n / active. */
	for (unsigned i = 0; i < active; i++) {
		unsigned org = 1 + (unsigned)((uint64_t)i * n / active);
		struct dp_org_ctr *k =
		    (struct dp_org_ctr *)ctl_snapshot_ctr(&s, org, (unsigned)upd, DP_SIG_TLS_SNI);

		k->sessions = 10 + i % 50;
		k->pkts[0] = 100 + i;
		k->bytes[0] = 10000 + i;
		k->last_seen = NOW - i % 3600;
		k = (struct dp_org_ctr *)ctl_snapshot_ctr(&s, org, (unsigned)act, DP_SIG_DNS);
		k->sessions = 1 + i % 5;
		k->last_seen = NOW - i % 7200;
		for (unsigned h = 1; h <= 3; h++) {
			struct dp_client_event e = {
			    .org = org, .vendor = (uint8_t)upd, .family = 4};
			uint32_t a = htonl(net_of(org - 1) + h);

			memcpy(e.addr, &a, 4);
			ctl_clients_add(c, &e, NOW - h * 60, false);
		}
	}
	printf("bench_metrics: %u organisations in the table, %u active (two roles each, three "
	       "clients each)\n",
	       n, active);
	for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		struct ctl_view v;
		char *buf = NULL;
		size_t len = 0, series = 0;
		double t0, t1, t2;

		cfg->max_orgs = caps[k];
		t0 = secs();
		if (ctl_view_build(&v, cfg, o, &s, c, NOW) != 0)
			return 1;
		t1 = secs();
		f = open_memstream(&buf, &len);
		if (f == NULL || ctl_metrics_render(f, &v) != 0)
			return 1;
		fclose(f);
		t2 = secs();
		for (char *p = buf; p != NULL && *p;
		     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
			series += *p != '#' && *p != '\n';
		printf("max_orgs %-5u view %6.1f ms, render %6.1f ms, exposition %7.2f MiB, %zu "
		       "series\n",
		       caps[k], (t1 - t0) * 1e3, (t2 - t1) * 1e3, (double)len / 1048576.0, series);
		if (getenv("BENCH_METRICS_DUMP") != NULL && k == 0) {
			FILE *d = fopen(getenv("BENCH_METRICS_DUMP"), "w");

			if (d != NULL) {
				fwrite(buf, 1, len, d);
				fclose(d);
			}
		}
		free(buf);
		ctl_view_fini(&v);
	}
	remove(csv);
	remove(yaml);
	return 0;
}
