/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_http (with ctl_publish and ctl_api): routes, the JSON API byte for
 * byte, basic auth, the reload hand-over. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl_http.h"
#include "ctl_publish.h"
#include "tb_ctl.h"

/* The API's JSON for the fixture, written out by hand. */
static const char gov_a_json[] =
    "{\"id\":\"gov-a\",\"name\":\"Agency \\\"A\\\"\\\\x\",\"country\":\"US\","
    "\"sector\":\"government\",\"government\":true,\"vendors\":{\"kaspersky\":{\"role\":\"other\","
    "\"sessions\":"
    "{\"tls-sni\":5,\"quic-sni\":0,\"http-host\":0,\"dns\":2,\"server-ip\":0,"
    "\"learned-ip\":0,\"payload\":0},\"name_only_sessions\":2,\"packets\":0,\"bytes\":0,"
    "\"unique_clients\":{\"1d\":2,\"30d\":2,\"all\":2},\"last_seen\":1795000100},\"other\":{"
    "\"role\":\"other\",\"sessions\":"
    "{\"tls-sni\":0,\"quic-sni\":0,\"http-host\":0,\"dns\":0,\"server-ip\":0,"
    "\"learned-ip\":0,\"payload\":0},\"name_only_sessions\":0,\"packets\":0,\"bytes\":0,"
    "\"unique_clients\":{\"1d\":0,\"30d\":0,\"all\":0},\"last_seen\":0}}}";

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
	tb_ctl_fill(tb_orgs, &s, &c);
	body = tb_ctl_render(tb_cfg, tb_orgs, &s, c, &len);
	ctl_publish_set(strdup(body), len, NULL);

	resp = tb_http_get(ctl_http_port(h), "GET /metrics HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 200 OK\r\n", 17);
	assert_non_null(strstr(resp, "Content-Type: text/plain; version=0.0.4"));
	assert_non_null(strstr(resp, "\r\n\r\n"));
	assert_string_equal(strstr(resp, "\r\n\r\n") + 4, body);
	free(resp);
	resp = tb_http_get(ctl_http_port(h), "GET /secret HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 404", 12);
	free(resp);
	resp = tb_http_get(ctl_http_port(h), "DELETE /metrics HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 405", 12);
	free(resp);

	o.addr = "not-an-address";
	assert_null(ctl_http_start(&o, err, sizeof(err)));
	assert_string_equal(err,
			    " metrics.listen: 'not-an-address' is not an IPv4 or IPv6 address");
	ctl_http_stop(h);
	free(body);
	ctl_clients_free(c);
	ctl_snapshot_fini(&s);
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
	resp = tb_http_get(ctl_http_port(h), "GET /api/v1/orgs HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 503", 12); /* nothing published yet */
	free(resp);
	tb_ctl_publish_fixture(tb_cfg, tb_orgs, &s, &c);
	resp = tb_http_get(ctl_http_port(h), "GET /api/v1/orgs/gov-a HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 200", 12);
	assert_non_null(strstr(resp, "Content-Type: application/json"));
	snprintf(want, sizeof(want), "%s\n", gov_a_json);
	assert_string_equal(tb_http_body(resp), want);
	free(resp);
	resp = tb_http_get(ctl_http_port(h), "GET /api/v1/orgs HTTP/1.0\r\n\r\n");
	snprintf(want, sizeof(want),
		 "{\"generated\":%u,\"organisations_configured\":2,\"vendors\":[\"kaspersky\","
		 "\"other\"],\"organisations\":[%s]}\n",
		 T0 + 10, gov_a_json);
	assert_string_equal(tb_http_body(resp), want);
	free(resp);
	/* The dataplane's counters by their keys (the fixture's: 100 received, 7
	 * of a vendor, 90 without a name, 3 dropped as malformed IP). */
	resp = tb_http_get(ctl_http_port(h), "GET /api/v1/dataplane HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 200", 12);
	snprintf(want, sizeof(want),
		 "{\"generated\":%u,\"packets_received\":100,\"processed_vendor\":7,", T0 + 10);
	assert_memory_equal(tb_http_body(resp), want, strlen(want));
	assert_non_null(strstr(resp, ",\"processed_no_name\":90,"));
	assert_non_null(strstr(resp, ",\"dropped_l3_malformed\":3,\"dropped_l4_malformed\":0,"));
	assert_non_null(strstr(resp, ",\"flows_removed_idle_timeout\":0,"));
	assert_non_null(strstr(resp, ",\"flows_active\":0}\n"));
	free(resp);
	/* bank-b has no sessions; nobody is "nobody". */
	resp = tb_http_get(ctl_http_port(h), "GET /api/v1/orgs/bank-b HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 404", 12);
	/* Valid JSON, its length the body's: no NUL byte after it. */
	assert_string_equal(tb_http_body(resp),
			    "{\"error\":\"no sessions from that organisation, or no such "
			    "organisation\"}\n");
	assert_non_null(strcasestr(resp, "Content-Length: 72\r\n"));
	free(resp);
	resp = tb_http_get(ctl_http_port(h), "GET /api/v1/orgs/nobody HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 404", 12);
	free(resp);
	ctl_http_stop(h);
	ctl_publish_set(NULL, 0, NULL);
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
	    {"GET /metrics HTTP/1.0\r\nAuthorization: Basic cHJvbTpVKlU=\r\n\r\n", "HTTP/1.1 200"},
	    {"GET /metrics HTTP/1.0\r\nAuthorization: Basic cHJvbTpVKlU=\r\n\r\n", "HTTP/1.1 200"},
	    {"GET /api/v1/orgs HTTP/1.0\r\n\r\n", "HTTP/1.1 401"},
	    {"POST /-/reload HTTP/1.0\r\n\r\n", "HTTP/1.1 401"},
	};
	struct ctl_http_opts o = {"127.0.0.1", 0, NULL, NULL, users, 1};
	struct ctl_http *h;
	char err[256], *resp;

	(void)state;
	h = ctl_http_start(&o, err, sizeof(err));
	assert_non_null(h);
	ctl_publish_set(strdup("m 1\n"), 4, NULL);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("row %zu\n", i);
		resp = tb_http_get(ctl_http_port(h), rows[i].req);
		assert_memory_equal(resp, rows[i].status, 12);
		if (strcmp(rows[i].status, "HTTP/1.1 401") == 0)
			assert_non_null(
			    strstr(resp, "WWW-Authenticate: Basic realm=\"tapcensus\""));
		else
			assert_string_equal(tb_http_body(resp), "m 1\n");
		free(resp);
	}
	/* After a reload without users, no credentials are needed. */
	ctl_http_set_users(h, NULL, 0);
	resp = tb_http_get(ctl_http_port(h), "GET /metrics HTTP/1.0\r\n\r\n");
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
		bool force = false;

		if (ctl_http_reload_wanted(h, &force)) {
			/* The first without ?force=1, the second with it. */
			if (answered++ == 0)
				ctl_http_reload_done(h, force ? -EINVAL : 0,
						     force ? "forced"
							   : "6 organisations (0 gone, 0 new)");
			else
				ctl_http_reload_done(h, -EINVAL,
						     force ? "x.yaml:3: metrics.port: bad"
							   : "not forced");
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
	assert_false(ctl_http_reload_wanted(h, &(bool){false}));
	pthread_create(&t, NULL, control_side, h);
	resp = tb_http_get(ctl_http_port(h), "POST /-/reload HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 200", 12);
	assert_string_equal(tb_http_body(resp), "6 organisations (0 gone, 0 new)\n");
	free(resp);
	resp = tb_http_get(ctl_http_port(h), "POST /-/reload?force=1 HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 400", 12);
	assert_string_equal(tb_http_body(resp), "x.yaml:3: metrics.port: bad\n");
	free(resp);
	pthread_join(t, NULL);
	resp = tb_http_get(ctl_http_port(h), "GET /-/reload HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 405", 12);
	free(resp);
	/* A body is never taken. */
	resp = tb_http_get(ctl_http_port(h),
			   "POST /-/reload HTTP/1.0\r\nContent-Length: 5\r\n\r\nhello");
	assert_memory_equal(resp, "HTTP/1.1 413", 12);
	free(resp);
	ctl_http_stop(h);

	/* Not on loopback and no users: reload is refused, scrapes are not. */
	o.addr = "0.0.0.0";
	h = ctl_http_start(&o, err, sizeof(err));
	assert_non_null(h);
	resp = tb_http_get(ctl_http_port(h), "POST /-/reload HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 403", 12);
	assert_string_equal(tb_http_body(resp),
			    "reload needs web.basic_auth_users when the listener "
			    "is not a loopback address\n");
	free(resp);
	assert_false(ctl_http_reload_wanted(h, &(bool){false}));
	resp = tb_http_get(ctl_http_port(h), "GET /metrics HTTP/1.0\r\n\r\n");
	assert_memory_equal(resp, "HTTP/1.1 200", 12);
	free(resp);
	ctl_http_stop(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_http_serves_published),
	    cmocka_unit_test(test_ctl_http_api),
	    cmocka_unit_test(test_ctl_http_basic_auth),
	    cmocka_unit_test(test_ctl_http_reload),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, tb_ctl_setup, NULL);
}
