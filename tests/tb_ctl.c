/* SPDX-License-Identifier: BSD-3-Clause */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl_metrics.h"
#include "ctl_orgcsv.h"
#include "ctl_publish.h"
#include "ctl_view.h"
#include "tb_ctl.h"

int
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

struct ctl_config *tb_cfg;
struct ctl_orgs *tb_orgs;

int
tb_ctl_setup(void **state)
{
	(void)state;
	return tb_ctl_load("192.0.2.0/24,gov-a,\"Agency \"\"A\"\"\\x\",US,government,true\n"
			   "198.51.100.0/24,bank-b,Bank B,GB,finance,false\n",
			   &tb_cfg, &tb_orgs);
}

struct dp_client_event
tb_ctl_ev(uint32_t org, uint8_t vendor, const char *addr)
{
	struct dp_client_event e = {.org = org, .vendor = vendor};

	e.family = inet_pton(AF_INET, addr, e.addr) == 1 ? 4 : 6;
	if (e.family == 6)
		inet_pton(AF_INET6, addr, e.addr);
	return e;
}

void
tb_ctl_fill(const struct ctl_orgs *orgs, struct ctl_snapshot *s, struct ctl_clients **c)
{
	struct dp_client_event e;

	assert_int_equal(ctl_snapshot_init(s, 1, 1, orgs->n_orgs, 2), 0);
	snprintf(s->ports[0].name, sizeof(s->ports[0].name), "net_pcap0");
	s->ports[0].ipackets = 100;
	s->ports[0].imissed = 3;
	s->worker[0].rx_pkts = 100;
	s->total.rx_pkts = 100;
	s->total.outcome[DP_OUT_VENDOR] = 7;
	s->total.outcome[DP_OUT_NO_NAME] = 90;
	s->total.drop[DP_DROP_L3_MALFORMED] = 3;
	((struct dp_org_ctr *)ctl_snapshot_ctr(s, 1, 0, DP_SIG_TLS_SNI))->sessions = 5;
	((struct dp_org_ctr *)ctl_snapshot_ctr(s, 1, 0, DP_SIG_TLS_SNI))->last_seen = 1795000000;
	((struct dp_org_ctr *)ctl_snapshot_ctr(s, 1, 0, DP_SIG_DNS))->sessions = 2;
	/* A DNS query's server is a resolver: its sessions rest on the name. */
	((struct dp_org_ctr *)ctl_snapshot_ctr(s, 1, 0, DP_SIG_DNS))->name_only = 2;
	((struct dp_org_ctr *)ctl_snapshot_ctr(s, 1, 0, DP_SIG_DNS))->last_seen = 1795000100;
	*c = ctl_clients_create(1024, orgs->n_orgs, ctl_config_client_keys(tb_cfg), 64);
	{
		uint16_t also[2 * DP_MAX_VENDORS];

		ctl_config_client_union(tb_cfg, also);
		assert_int_equal(ctl_clients_union(*c, also), 0);
	}
	e = tb_ctl_ev(1, 0, "192.0.2.7");
	ctl_clients_add(*c, &e, T0, false);
	e = tb_ctl_ev(1, 0, "192.0.2.8");
	ctl_clients_add(*c, &e, T0, false);
}

char *
tb_ctl_render(const struct ctl_config *cfg, const struct ctl_orgs *orgs, struct ctl_snapshot *s,
	      struct ctl_clients *c, size_t *len)
{
	struct ctl_view v;
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_int_equal(ctl_view_build(&v, cfg, orgs, s, c, T0 + 10), 0);
	assert_int_equal(ctl_metrics_render(f, &v), 0);
	fclose(f);
	ctl_view_fini(&v);
	return buf;
}

void
tb_ctl_publish_fixture(const struct ctl_config *cfg, const struct ctl_orgs *orgs,
		       struct ctl_snapshot *s, struct ctl_clients **c)
{
	struct ctl_view v;

	tb_ctl_fill(orgs, s, c);
	assert_int_equal(ctl_view_build(&v, cfg, orgs, s, *c, T0 + 10), 0);
	assert_int_equal(ctl_publish_view(&v), 0);
	ctl_view_fini(&v);
}

char *
tb_http_get(uint16_t port, const char *req)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	struct timeval tv = {5, 0};
	size_t cap = 1 << 20, len = 0;
	char *buf = calloc(1, cap);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	ssize_t n;

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	return buf;
}

const char *
tb_http_body(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");

	assert_non_null(b);
	return b + 4;
}
