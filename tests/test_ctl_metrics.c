/* SPDX-License-Identifier: BSD-3-Clause */
/* Exposition from a hand-filled snapshot, the unique-client set, and the
 * /metrics endpoint served over a real socket on loopback. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include <pthread.h>

#include "ctl_api.h"
#include "ctl_clients.h"
#include "ctl_config.h"
#include "ctl_http.h"
#include "ctl_metrics.h"
#include "ctl_orgs.h"
#include "ctl_stats.h"
#include "tb_ctl.h"

static struct ctl_config *cfg;
static struct ctl_orgs *orgs;

static int
setup(void **state)
{
	(void)state;
	return tb_ctl_load("192.0.2.0/24,gov-a,\"Agency \"\"A\"\"\\x\",US,government,true\n"
			   "198.51.100.0/24,bank-b,Bank B,GB,finance,false\n",
			   &cfg, &orgs);
}

#define T0 1795000000u

static struct dp_client_event
ev(uint32_t org, uint8_t vendor, const char *addr)
{
	struct dp_client_event e = {.org = org, .vendor = vendor};

	e.family = inet_pton(AF_INET, addr, e.addr) == 1 ? 4 : 6;
	if (e.family == 6)
		inet_pton(AF_INET6, addr, e.addr);
	return e;
}

static void
test_ctl_clients_add_dedup(void **state)
{
	struct ctl_clients *c = ctl_clients_create(1024, orgs->n_orgs, 2, 64);
	struct dp_client_event e;

	(void)state;
	e = ev(1, 0, "192.0.2.1");
	assert_int_equal(ctl_clients_add(c, &e, T0), 1);
	assert_int_equal(ctl_clients_add(c, &e, T0), 0); /* same client, any signal */
	e = ev(1, 1, "192.0.2.1");
	assert_int_equal(ctl_clients_add(c, &e, T0), 1); /* another vendor */
	e = ev(1, 0, "2001:db8::1");
	assert_int_equal(ctl_clients_add(c, &e, T0), 1);
	e = ev(9, 0, "192.0.2.1");
	assert_int_equal(ctl_clients_add(c, &e, T0), -EINVAL);
	assert_int_equal(ctl_clients_count(c, 1, 0), 2);
	assert_int_equal(ctl_clients_count(c, 1, 1), 1);
	assert_int_equal(ctl_clients_entries(c), 3);
	ctl_clients_free(c);

	/* Full: counted, not stored. */
	c = ctl_clients_create(1024, orgs->n_orgs, 2, 64);
	for (unsigned i = 0; i < 1030; i++) {
		char a[32];

		snprintf(a, sizeof(a), "2001:db8:0:%x::1", i + 1);
		e = ev(2, 0, a);
		ctl_clients_add(c, &e, T0);
	}
	assert_int_equal(ctl_clients_count(c, 2, 0), 1024);
	assert_int_equal(ctl_clients_full(c), 6);
	ctl_clients_free(c);
}

/* IPv6 clients count by their prefix; IPv4 clients whole. */
static const struct {
	const char *what;
	unsigned prefix;
	const char *a, *b;
	int same;
} agg_rows[] = {
	{"one /64, two hosts", 64, "2001:db8:1:2::1", "2001:db8:1:2:ffff::9", 1},
	{"two /64s", 64, "2001:db8:1:2::1", "2001:db8:1:3::1", 0},
	{"one /56", 56, "2001:db8:1:2::1", "2001:db8:1:3::1", 1},
	{"not the same /56", 56, "2001:db8:1:ff::1", "2001:db8:1:100::1", 0},
	{"/128: hosts", 128, "2001:db8::1", "2001:db8::2", 0},
	{"/1", 1, "2001:db8::1", "3fff::1", 1},
	{"IPv4 whole", 48, "192.0.2.1", "192.0.2.2", 0},
};

static void
test_ctl_clients_ipv6_prefix(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(agg_rows) / sizeof(agg_rows[0]); i++) {
		struct ctl_clients *c = ctl_clients_create(64, orgs->n_orgs, 2, agg_rows[i].prefix);
		struct dp_client_event a = ev(1, 0, agg_rows[i].a), b = ev(1, 0, agg_rows[i].b);

		print_message("row %zu: %s\n", i, agg_rows[i].what);
		assert_int_equal(ctl_clients_add(c, &a, T0), 1);
		assert_int_equal(ctl_clients_add(c, &b, T0), agg_rows[i].same ? 0 : 1);
		assert_int_equal(ctl_clients_count(c, 1, 0), agg_rows[i].same ? 1 : 2);
		ctl_clients_free(c);
	}
	assert_null(ctl_clients_create(64, orgs->n_orgs, 2, 0));
	assert_null(ctl_clients_create(64, orgs->n_orgs, 2, 129));
}

/* Windows end at now: a client counts in a window when last seen less than
 * its length before now; seeing it again moves it forward, never back. */
static void
test_ctl_clients_windows(void **state)
{
	static const struct {
		const char *addr;
		uint32_t org, age[2]; /* seen at now - age[0], then now - age[1] */
	} seen[] = {
		{"192.0.2.1", 1, {0, 0}},
		{"192.0.2.2", 1, {86399, 86399}},          /* just inside 1d */
		{"192.0.2.3", 1, {86400, 86400}},          /* just outside */
		{"192.0.2.4", 1, {40 * 86400, 3600}},      /* old, then recent */
		{"192.0.2.5", 1, {3600, 40 * 86400}},      /* recent; an older sighting later */
		{"192.0.2.6", 1, {30 * 86400 - 1, 30 * 86400 - 1}},
		{"192.0.2.7", 1, {30 * 86400, 30 * 86400}},
		{"198.51.100.1", 2, {0, 0}},
	};
	const uint32_t now = T0 + 100 * 86400;
	struct ctl_clients *c = ctl_clients_create(64, orgs->n_orgs, 2, 64);
	uint64_t win[3 * 2 * CTL_WIN_COUNT];

	(void)state;
	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
		for (int k = 0; k < 2; k++) {
			struct dp_client_event e = ev(seen[i].org, 0, seen[i].addr);

			ctl_clients_add(c, &e, now - seen[i].age[k]);
		}
	ctl_clients_windows(c, now, win);
	/* org 1, vendor 0: 1d has .1 .2 .4 .5; 30d adds .3 and .6; all has seven. */
	assert_int_equal(win[(1 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_1D], 4);
	assert_int_equal(win[(1 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_30D], 6);
	assert_int_equal(win[(1 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_ALL], 7);
	assert_int_equal(win[(2 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_1D], 1);
	assert_int_equal(win[(1 * 2 + 1) * CTL_WIN_COUNT + CTL_WIN_ALL], 0);
	ctl_clients_free(c);
}

static char *
render(struct ctl_snapshot *s, struct ctl_clients *c, size_t *len)
{
	struct ctl_view v = {cfg, orgs, s, c, T0 + 10, NULL};
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_int_equal(ctl_metrics_render(f, &v), 0);
	fclose(f);
	return buf;
}

static void
fill(struct ctl_snapshot *s, struct ctl_clients **c)
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
	((struct dp_org_ctr *)ctl_snapshot_ctr(s, 1, 0, DP_SIG_DNS))->last_seen = 1795000100;
	*c = ctl_clients_create(1024, orgs->n_orgs, 2, 64);
	e = ev(1, 0, "192.0.2.7");
	ctl_clients_add(*c, &e, T0);
	e = ev(1, 0, "192.0.2.8");
	ctl_clients_add(*c, &e, T0);
}

static void
test_ctl_metrics_render_exact_lines(void **state)
{
	static const char *const want[] = {
		"# TYPE tapcensus_org_sessions_total counter\n",
		"tapcensus_org_sessions_total{org=\"gov-a\",org_name=\"Agency \\\"A\\\"\\\\x\","
		"country=\"US\",sector=\"government\",government=\"true\",vendor=\"kaspersky\","
		"signal=\"tls-sni\"} 5\n",
		"tapcensus_org_sessions_total{org=\"gov-a\",org_name=\"Agency \\\"A\\\"\\\\x\","
		"country=\"US\",sector=\"government\",government=\"true\",vendor=\"kaspersky\","
		"signal=\"http-host\"} 0\n",
		"tapcensus_org_unique_clients{org=\"gov-a\",org_name=\"Agency \\\"A\\\"\\\\x\","
		"country=\"US\",sector=\"government\",government=\"true\",vendor=\"kaspersky\","
		"window=\"1d\"} 2\n",
		"tapcensus_country_organisations_active{country=\"US\",vendor=\"kaspersky\","
		"window=\"30d\"} 1\n",
		"tapcensus_country_organisations_active{country=\"GB\",vendor=\"kaspersky\","
		"window=\"all\"} 0\n",
		"tapcensus_country_unique_clients{country=\"US\",vendor=\"kaspersky\",window=\"all\"} "
		"2\n",
		"tapcensus_sector_unique_clients{sector=\"finance\",vendor=\"kaspersky\",window=\"1d\"} "
		"0\n",
		"tapcensus_government_organisations_active{vendor=\"kaspersky\",window=\"1d\"} 1\n",
		"tapcensus_government_unique_clients{vendor=\"other\",window=\"all\"} 0\n",
		"tapcensus_org_last_seen_timestamp_seconds{org=\"gov-a\",org_name=\"Agency "
		"\\\"A\\\"\\\\x\",country=\"US\",sector=\"government\",government=\"true\","
		"vendor=\"kaspersky\"} 1795000100\n",
		"tapcensus_packets_received_total 100\n",
		"tapcensus_packets_processed_total{outcome=\"vendor\"} 7\n",
		"tapcensus_packets_dropped_total{reason=\"l3_malformed\"} 3\n",
		"tapcensus_port_rx_missed_total{port=\"net_pcap0\"} 3\n",
		"tapcensus_queue_rx_packets_total{port=\"net_pcap0\",queue=\"0\"} 100\n",
		"tapcensus_organisations_configured 2\n",
	};
	struct ctl_snapshot s;
	struct ctl_clients *c;
	size_t len;
	char *buf;

	(void)state;
	fill(&s, &c);
	buf = render(&s, c, &len);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		print_message("line %zu\n", i);
		assert_non_null(strstr(buf, want[i]));
	}
	/* Inactive organisations and vendors have no organisation series. */
	assert_null(strstr(buf, "bank-b"));
	assert_null(strstr(buf, "tapcensus_org_sessions_total{org=\"gov-a\",org_name=\"Agency "
				"\\\"A\\\"\\\\x\",country=\"US\",sector=\"government\","
				"government=\"true\",vendor=\"other\""));
	/* No client address leaves the box. */
	assert_null(strstr(buf, "192.0.2."));
	free(buf);
	ctl_clients_free(c);
	ctl_snapshot_fini(&s);
}

/* metrics.max_orgs 1: bank-b (fewer sessions) is folded into "other",
 * whose series sum it; the groups still count every organisation. */
static void
test_ctl_metrics_cap_folds_into_other(void **state)
{
	static const char other[] = "{org=\"other\",org_name=\"Organisations beyond "
				    "metrics.max_orgs\",country=\"\",sector=\"\",government=\"\","
				    "vendor=\"kaspersky\"";
	struct ctl_snapshot s;
	struct ctl_clients *c;
	struct dp_client_event e;
	char want[512], *buf;
	size_t len;

	(void)state;
	fill(&s, &c);
	((struct dp_org_ctr *)ctl_snapshot_ctr(&s, 2, 0, DP_SIG_HTTP_HOST))->sessions = 3;
	((struct dp_org_ctr *)ctl_snapshot_ctr(&s, 2, 0, DP_SIG_HTTP_HOST))->pkts[1] = 40;
	e = ev(2, 0, "198.51.100.1");
	ctl_clients_add(c, &e, T0);
	cfg->max_orgs = 1;
	buf = render(&s, c, &len);
	cfg->max_orgs = 0;
	snprintf(want, sizeof(want), "tapcensus_org_sessions_total%s,signal=\"http-host\"} 3\n",
		 other);
	assert_non_null(strstr(buf, want));
	snprintf(want, sizeof(want),
		 "tapcensus_org_flow_packets_total%s,signal=\"http-host\",direction=\"server_to_"
		 "client\"} 40\n", other);
	assert_non_null(strstr(buf, want));
	snprintf(want, sizeof(want), "tapcensus_org_unique_clients%s,window=\"all\"} 1\n", other);
	assert_non_null(strstr(buf, want));
	assert_non_null(strstr(buf, "tapcensus_org_sessions_total{org=\"gov-a\""));
	assert_null(strstr(buf, "bank-b"));
	assert_non_null(strstr(buf, "tapcensus_organisations_exported 1\n"));
	assert_non_null(strstr(buf, "tapcensus_organisations_folded 1\n"));
	assert_non_null(strstr(buf, "tapcensus_country_organisations_active{country=\"GB\","
				    "vendor=\"kaspersky\",window=\"all\"} 1\n"));
	free(buf);
	/* No cap: both their own, nothing folded. */
	buf = render(&s, c, &len);
	assert_null(strstr(buf, "{org=\"other\""));
	assert_non_null(strstr(buf, "tapcensus_organisations_exported 2\n"));
	assert_non_null(strstr(buf, "tapcensus_organisations_folded 0\n"));
	free(buf);
	ctl_clients_free(c);
	ctl_snapshot_fini(&s);
}

/* The API's JSON for the fixture, written out by hand. */
static const char gov_a_json[] =
	"{\"id\":\"gov-a\",\"name\":\"Agency \\\"A\\\"\\\\x\",\"country\":\"US\","
	"\"sector\":\"government\",\"government\":true,\"vendors\":{\"kaspersky\":{\"sessions\":"
	"{\"tls-sni\":5,\"quic-sni\":0,\"http-host\":0,\"dns\":2,\"server-ip\":0,"
	"\"learned-ip\":0,\"payload\":0},\"packets\":0,\"bytes\":0,\"unique_clients\":"
	"{\"1d\":2,\"30d\":2,\"all\":2},\"last_seen\":1795000100},\"other\":{\"sessions\":"
	"{\"tls-sni\":0,\"quic-sni\":0,\"http-host\":0,\"dns\":0,\"server-ip\":0,"
	"\"learned-ip\":0,\"payload\":0},\"packets\":0,\"bytes\":0,\"unique_clients\":"
	"{\"1d\":0,\"30d\":0,\"all\":0},\"last_seen\":0}}}";

static void
publish_fixture_api(struct ctl_snapshot *s, struct ctl_clients **c)
{
	struct ctl_view v;
	uint64_t win[3 * 2 * CTL_WIN_COUNT];

	fill(s, c);
	v = (struct ctl_view){cfg, orgs, s, *c, T0 + 10, NULL};
	ctl_clients_windows(*c, v.now, win);
	ctl_api_publish(ctl_api_build(&v, win));
}

/* One HTTP/1.0 request on loopback; returns the whole response. */
static char *
http_get(uint16_t port, const char *req)
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

static void
test_ctl_http_serves_published(void **state)
{
	struct ctl_snapshot s;
	struct ctl_clients *c;
	struct ctl_http *h;
	char err[256], *body, *resp;
	size_t len;

	(void)state;
	struct ctl_http_opts o = {"127.0.0.1", 0, NULL, NULL, NULL, 0};

	h = ctl_http_start(&o, err, sizeof(err));
	assert_non_null(h);
	assert_true(ctl_http_port(h) > 0);
	fill(&s, &c);
	body = render(&s, c, &len);
	ctl_http_publish(h, strdup(body), len);

	resp = http_get(ctl_http_port(h), "GET /metrics HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 200 OK\r\n", 17);
	assert_non_null(strstr(resp, "Content-Type: text/plain; version=0.0.4"));
	assert_non_null(strstr(resp, "\r\n\r\n"));
	assert_string_equal(strstr(resp, "\r\n\r\n") + 4, body);
	free(resp);
	resp = http_get(ctl_http_port(h), "GET /secret HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 404", 12);
	free(resp);
	resp = http_get(ctl_http_port(h), "DELETE /metrics HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 405", 12);
	free(resp);

	o.addr = "not-an-address";
	assert_null(ctl_http_start(&o, err, sizeof(err)));
	assert_string_equal(err, " metrics.listen: 'not-an-address' is not an IPv4 or IPv6 address");
	ctl_http_stop(h);
	free(body);
	ctl_clients_free(c);
	ctl_snapshot_fini(&s);
}

static const char *
body_of(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");

	assert_non_null(b);
	return b + 4;
}

static void
test_ctl_http_api(void **state)
{
	struct ctl_http_opts o = {"127.0.0.1", 0, NULL, NULL, NULL, 0};
	struct ctl_snapshot s;
	struct ctl_clients *c;
	struct ctl_http *h;
	char err[256], *resp, want[2048];

	(void)state;
	h = ctl_http_start(&o, err, sizeof(err));
	assert_non_null(h);
	resp = http_get(ctl_http_port(h), "GET /api/v1/orgs HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 503", 12); /* nothing published yet */
	free(resp);
	publish_fixture_api(&s, &c);
	resp = http_get(ctl_http_port(h), "GET /api/v1/orgs/gov-a HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 200", 12);
	assert_non_null(strstr(resp, "Content-Type: application/json"));
	snprintf(want, sizeof(want), "%s\n", gov_a_json);
	assert_string_equal(body_of(resp), want);
	free(resp);
	resp = http_get(ctl_http_port(h), "GET /api/v1/orgs HTTP/1.0\r\n\r\n");
	snprintf(want, sizeof(want),
		 "{\"generated\":%u,\"organisations_configured\":2,\"vendors\":[\"kaspersky\","
		 "\"other\"],\"organisations\":[%s]}\n", T0 + 10, gov_a_json);
	assert_string_equal(body_of(resp), want);
	free(resp);
	/* bank-b has no sessions; nobody is "nobody". */
	resp = http_get(ctl_http_port(h), "GET /api/v1/orgs/bank-b HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 404", 12);
	free(resp);
	resp = http_get(ctl_http_port(h), "GET /api/v1/orgs/nobody HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 404", 12);
	free(resp);
	ctl_http_stop(h);
	ctl_api_publish(NULL);
	ctl_clients_free(c);
	ctl_snapshot_fini(&s);
}

/* The published bcrypt test vector ("U*U", cost 5): no credentials and
 * wrong ones get 401 with a challenge; right ones get the page, also the
 * second time (from the verified-password cache). */
static void
test_ctl_http_basic_auth(void **state)
{
	static const struct ctl_user users[] = {
		{"prom", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"},
	};
	static const struct {
		const char *req;
		const char *status;
	} rows[] = {
		{"GET /metrics HTTP/1.0\r\n\r\n", "HTTP/1.1 401"},
		{"GET /metrics HTTP/1.0\r\nAuthorization: Basic cHJvbTp3cm9uZw==\r\n\r\n",
		 "HTTP/1.1 401"},
		{"GET /metrics HTTP/1.0\r\nAuthorization: Basic cHJvbTpVKlU=\r\n\r\n",
		 "HTTP/1.1 200"},
		{"GET /metrics HTTP/1.0\r\nAuthorization: Basic cHJvbTpVKlU=\r\n\r\n",
		 "HTTP/1.1 200"},
		{"GET /api/v1/orgs HTTP/1.0\r\n\r\n", "HTTP/1.1 401"},
		{"POST /-/reload HTTP/1.0\r\n\r\n", "HTTP/1.1 401"},
	};
	struct ctl_http_opts o = {"127.0.0.1", 0, NULL, NULL, users, 1};
	struct ctl_http *h;
	char err[256], *resp;

	(void)state;
	h = ctl_http_start(&o, err, sizeof(err));
	assert_non_null(h);
	ctl_http_publish(h, strdup("m 1\n"), 4);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("row %zu\n", i);
		resp = http_get(ctl_http_port(h), rows[i].req);
		assert_memory_equal(resp, rows[i].status, 12);
		if (strcmp(rows[i].status, "HTTP/1.1 401") == 0)
			assert_non_null(strstr(resp, "WWW-Authenticate: Basic realm=\"tapcensus\""));
		else
			assert_string_equal(body_of(resp), "m 1\n");
		free(resp);
	}
	/* After a reload without users, no credentials are needed. */
	ctl_http_set_users(h, NULL, 0);
	resp = http_get(ctl_http_port(h), "GET /metrics HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 200", 12);
	free(resp);
	ctl_http_stop(h);
}

/* Plays the control thread: answers reload requests for two seconds. */
static void *
control_side(void *arg)
{
	struct ctl_http *h = arg;
	int answered = 0;

	for (int i = 0; i < 2000 && answered < 2; i++) {
		if (ctl_http_reload_wanted(h)) {
			if (answered++ == 0)
				ctl_http_reload_done(h, 0, "6 organisations (0 gone, 0 new)");
			else
				ctl_http_reload_done(h, -EINVAL, "x.yaml:3: metrics.port: bad");
		}
		usleep(1000);
	}
	return NULL;
}

static void
test_ctl_http_reload(void **state)
{
	struct ctl_http_opts o = {"127.0.0.1", 0, NULL, NULL, NULL, 0};
	struct ctl_http *h;
	pthread_t t;
	char err[256], *resp;

	(void)state;
	h = ctl_http_start(&o, err, sizeof(err));
	assert_non_null(h);
	assert_false(ctl_http_reload_wanted(h));
	pthread_create(&t, NULL, control_side, h);
	resp = http_get(ctl_http_port(h), "POST /-/reload HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 200", 12);
	assert_string_equal(body_of(resp), "6 organisations (0 gone, 0 new)\n");
	free(resp);
	resp = http_get(ctl_http_port(h), "POST /-/reload HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 400", 12);
	assert_string_equal(body_of(resp), "x.yaml:3: metrics.port: bad\n");
	free(resp);
	pthread_join(t, NULL);
	resp = http_get(ctl_http_port(h), "GET /-/reload HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 405", 12);
	free(resp);
	/* A body is never taken. */
	resp = http_get(ctl_http_port(h), "POST /-/reload HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello");
	assert_memory_equal(resp, "HTTP/1.1 413", 12);
	free(resp);
	ctl_http_stop(h);

	/* Not on loopback and no users: reload is refused, scrapes are not. */
	o.addr = "0.0.0.0";
	h = ctl_http_start(&o, err, sizeof(err));
	assert_non_null(h);
	resp = http_get(ctl_http_port(h), "POST /-/reload HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 403", 12);
	assert_string_equal(body_of(resp), "reload needs web.basic_auth_users when the listener "
					   "is not a loopback address\n");
	free(resp);
	assert_false(ctl_http_reload_wanted(h));
	resp = http_get(ctl_http_port(h), "GET /metrics HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 200", 12);
	free(resp);
	ctl_http_stop(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctl_clients_add_dedup),
		cmocka_unit_test(test_ctl_clients_ipv6_prefix),
		cmocka_unit_test(test_ctl_clients_windows),
		cmocka_unit_test(test_ctl_metrics_render_exact_lines),
		cmocka_unit_test(test_ctl_http_serves_published),
		cmocka_unit_test(test_ctl_metrics_cap_folds_into_other),
		cmocka_unit_test(test_ctl_http_api),
		cmocka_unit_test(test_ctl_http_basic_auth),
		cmocka_unit_test(test_ctl_http_reload),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, setup, NULL);
}
