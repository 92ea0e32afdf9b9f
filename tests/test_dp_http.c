/* SPDX-License-Identifier: BSD-3-Clause */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dp_http.h"

struct row {
	const char *what;
	const char *req;
	enum dp_name_rc rc;
	const char *want;
};

static const struct row rows[] = {
    {"get", "GET /x HTTP/1.1\r\nHost: dnl-01.geo.kaspersky.com\r\n\r\n", DP_NAME_FOUND,
     "dnl-01.geo.kaspersky.com"},
    {"port and case", "POST /u HTTP/1.1\r\nhOsT:   Upd.Kaspersky.Ru:8080 \r\nX: y\r\n\r\n",
     DP_NAME_FOUND, "upd.kaspersky.ru"},
    {"bare lf", "GET / HTTP/1.0\nHost: example.org\n\n", DP_NAME_FOUND, "example.org"},
    {"trailing dot", "GET / HTTP/1.1\r\nHost: kaspersky.com.\r\n\r\n", DP_NAME_FOUND,
     "kaspersky.com"},
    {"two trailing dots", "GET / HTTP/1.1\r\nHost: kaspersky.com..\r\n\r\n", DP_NAME_MALFORMED, ""},
    {"leading dot", "GET / HTTP/1.1\r\nHost: .kaspersky.com\r\n\r\n", DP_NAME_MALFORMED, ""},
    {"lone dot", "GET / HTTP/1.1\r\nHost: .\r\n\r\n", DP_NAME_MALFORMED, ""},
    {"no host", "GET / HTTP/1.0\r\nAccept: */*\r\n\r\n", DP_NAME_NONE, ""},
    {"ip literal", "GET / HTTP/1.1\r\nHost: [2001:db8::1]:80\r\n\r\n", DP_NAME_NONE, ""},
    {"head cut before host", "GET / HTTP/1.1\r\nAccept: */*\r\nUser-Ag", DP_NAME_TRUNCATED, ""},
    {"request line cut", "GET /very/long/pa", DP_NAME_TRUNCATED, ""},
    {"host then cut", "GET / HTTP/1.1\r\nHost: a.example\r\nAcc", DP_NAME_FOUND, "a.example"},
    {"two hosts", "GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n", DP_NAME_MALFORMED,
     ""},
    {"bad port", "GET / HTTP/1.1\r\nHost: a.example:8x\r\n\r\n", DP_NAME_MALFORMED, ""},
    {"no version", "GET /\r\nHost: a.example\r\n\r\n", DP_NAME_MALFORMED, ""},
    {"http2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", DP_NAME_NOT_PROTO, ""},
    {"response", "HTTP/1.1 200 OK\r\n\r\n", DP_NAME_NOT_PROTO, ""},
    {"lower method", "get / HTTP/1.1\r\nHost: a.example\r\n\r\n", DP_NAME_NOT_PROTO, ""},
    /* RFC 9112 3.2.2-3.2.3: through a forward proxy the request line names
     * the host, and its authority wins over Host. */
    {"absolute form", "GET http://dnl-03.geo.kaspersky.com/bases/x.dat HTTP/1.1\r\n\r\n",
     DP_NAME_FOUND, "dnl-03.geo.kaspersky.com"},
    {"absolute form wins over host",
     "GET HTTP://Upd.Kaspersky.com:8080/x HTTP/1.1\r\nHost: www.example.org\r\n\r\n", DP_NAME_FOUND,
     "upd.kaspersky.com"},
    {"absolute form with userinfo and query", "GET http://u:p@a.example?q=1 HTTP/1.1\r\n\r\n",
     DP_NAME_FOUND, "a.example"},
    {"absolute form, head cut", "GET http://a.example/x HTTP/1.1\r\nAcc", DP_NAME_FOUND,
     "a.example"},
    {"connect", "CONNECT activation-v2.kaspersky.com:443 HTTP/1.1\r\n\r\n", DP_NAME_FOUND,
     "activation-v2.kaspersky.com"},
    {"connect with host", "CONNECT b.example:443 HTTP/1.1\r\nHost: b.example:443\r\n\r\n",
     DP_NAME_FOUND, "b.example"},
    {"connect to an address", "CONNECT [2001:db8::1]:443 HTTP/1.1\r\n\r\n", DP_NAME_NONE, ""},
    {"connect without port", "CONNECT b.example HTTP/1.1\r\n\r\n", DP_NAME_MALFORMED, ""},
    {"absolute form, bad port", "GET http://a.example:8x/ HTTP/1.1\r\n\r\n", DP_NAME_MALFORMED, ""},
    {"other scheme", "GET ftp://a.example/ HTTP/1.1\r\nHost: c.example\r\n\r\n", DP_NAME_FOUND,
     "c.example"},
};

static void
test_dp_http_host_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct dp_name n;

		print_message("row %zu: %s\n", i, rows[i].what);
		assert_int_equal(
		    dp_http_host((const uint8_t *)rows[i].req, (uint32_t)strlen(rows[i].req), &n),
		    rows[i].rc);
		if (rows[i].rc == DP_NAME_FOUND)
			assert_string_equal(n.s, rows[i].want);
	}
}

static void
test_dp_http_host_every_prefix(void **state)
{
	const char *req = "GET /a HTTP/1.1\r\nUser-Agent: x\r\nHost: h.kaspersky.com\r\n\r\n";
	uint8_t buf[128];
	struct dp_name n;

	(void)state;
	for (size_t l = 0; l <= strlen(req); l++) {
		memcpy(buf, req, l);
		enum dp_name_rc rc = dp_http_host(buf, (uint32_t)l, &n);
		if (l < 4)
			assert_int_equal(rc, DP_NAME_NOT_PROTO);
		else if (l <
			 strlen("GET /a HTTP/1.1\r\nUser-Agent: x\r\nHost: h.kaspersky.com\r\n"))
			assert_int_equal(rc, DP_NAME_TRUNCATED);
		else
			assert_int_equal(rc, DP_NAME_FOUND);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dp_http_host_table),
	    cmocka_unit_test(test_dp_http_host_every_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
