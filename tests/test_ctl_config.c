/* SPDX-License-Identifier: BSD-3-Clause */
/* Configuration errors must name the file, the line and the field. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_config.h"
#include "tb_config.h"
#include "tb_eal.h"

#define LIBLOC_ORGS                                                                                \
	"organisations:\n  sources:\n    - libloc: /usr/share/libloc-location/location.db\n"
#define GOOD_REST                                                                                  \
	"organisations: orgs.csv\n"                                                                \
	"vendors:\n"                                                                               \
	"  - name: kaspersky\n"                                                                    \
	"    domains: [kaspersky.com]\n"

struct row {
	const char *what;
	const char *yaml;
	const char *want; /* expected message after "PATH:" */
};

static const struct row rows[] = {
    {"unknown top-level key", GOOD_DPDK GOOD_REST "colour: blue\n",
     "11: (top level): unknown field 'colour'"},
    {"missing vendors", GOOD_DPDK "organisations: orgs.csv\n", "1: vendors: missing"},
    {"bad domain", GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    domains: [com]\n",
     "10: vendors[0].domains[0]: 'com' is not a domain name of two or more labels"},
    {"bad server prefix",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    server_prefixes:\n"
	       "      - 192.0.2.1/24\n",
     "11: vendors[0].server_prefixes[0]: '192.0.2.1/24': host bits set beyond the prefix "
     "length"},
    {"worker count",
     "dpdk:\n  ports:\n    - name: net_null0\n      rx_queues: 2\n  workers: [1]\n" GOOD_REST,
     "5: dpdk.workers: 1 workers for 2 RX queues: give one worker core per queue"},
    {"worker is main core", "dpdk:\n  ports:\n    - name: net_null0\n  workers: [0]\n" GOOD_REST,
     "4: dpdk.workers[0]: lcore 0 is the main lcore"},
    {"lcore twice",
     "dpdk:\n  ports:\n    - name: net_null0\n      rx_queues: 2\n  workers: [1, 1@0]\n" GOOD_REST,
     "5: dpdk.workers[1]: lcore 1 listed twice"},
    {"lcore notation", "dpdk:\n  ports:\n    - name: net_null0\n  workers: [1@]\n" GOOD_REST,
     "4: dpdk.workers[0]: '1@' is neither LCORE nor LCORE@CPU"},
    {"lcore range",
     "dpdk:\n  ports:\n    - name: net_null0\n  main_core: 0@4096\n  workers: [1]\n" GOOD_REST,
     "4: dpdk.main_core: '0@4096': lcore must be below 128, CPU at most 1023"},
    {"port not a number", GOOD_DPDK "metrics:\n  port: http\n" GOOD_REST,
     "8: metrics.port: 'http' is not a whole number"},
    {"port out of range", GOOD_DPDK "metrics:\n  port: 70000\n" GOOD_REST,
     "8: metrics.port: 70000 is out of range [0, 65535]"},
    {"cores in eal args",
     "dpdk:\n  eal_args: [\"-l\", \"0-1\"]\n  ports:\n    - name: n\n  workers: [1]\n" GOOD_REST,
     "2: dpdk.eal_args: '-l': cores come from dpdk.main_core and dpdk.workers"},
    {"vendor twice",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    domains: [a.com]\n"
	       "  - name: k\n    domains: [b.com]\n",
     "11: vendors[1].name: 'k' is defined twice"},
    {"vendor name case",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: Kaspersky\n    domains: [a.com]\n",
     "9: vendors[0].name: 'Kaspersky': use lower-case letters, digits, '-' and '_'"},
    {"misspelt vendor field",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    domain: [a.com]\n",
     "10: vendors[0]: unknown field 'domain'"},
    {"yaml syntax", GOOD_DPDK "vendors: [\n",
     "8: (syntax): did not find expected node content while parsing a flow node"},
    {"list expected", GOOD_DPDK "organisations: o.csv\nvendors: kaspersky\n",
     "8: vendors: expected a list"},
    {"max_orgs range", GOOD_DPDK "metrics:\n  max_orgs: 2000000\n" GOOD_REST,
     "8: metrics.max_orgs: 2000000 is out of range [0, 1048576]"},
    {"web field", GOOD_DPDK "web:\n  tls_config: {}\n" GOOD_REST,
     "8: web: unknown field 'tls_config'"},
    {"password not hashed", GOOD_DPDK "web:\n  basic_auth_users:\n    alice: secret\n" GOOD_REST,
     "9: web.basic_auth_users.alice: not a bcrypt hash ($2y$ or $2b$, cost 04-31, 60 characters; "
     "htpasswd -nBC 10 USER makes one)"},
    {"bcrypt cost",
     GOOD_DPDK "web:\n  basic_auth_users:\n    alice: "
	       "$2y$03$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0\n" GOOD_REST,
     "9: web.basic_auth_users.alice: not a bcrypt hash ($2y$ or $2b$, cost 04-31, 60 characters; "
     "htpasswd -nBC 10 USER makes one)"},
    {"colon in user",
     GOOD_DPDK "web:\n  basic_auth_users:\n    \"a:b\": "
	       "$2y$10$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0\n" GOOD_REST,
     "9: web.basic_auth_users: 'a:b': a user name cannot hold ':' (RFC 7617)"},
    {"tls file",
     GOOD_DPDK "web:\n  tls_server_config:\n    cert_file: /nonexistent/s.crt\n"
	       "    key_file: /nonexistent/s.key\n" GOOD_REST,
     "9: web.tls_server_config.cert_file: /nonexistent/s.crt: No such file or directory"},
    {"asns without libloc", GOOD_DPDK GOOD_REST "    asns: [13335]\n",
     "11: vendors[0].asns: no organisations source is a libloc database (the networks of "
     "these ASes are read from one)"},
    {"asns twice",
     GOOD_DPDK LIBLOC_ORGS "vendors:\n  - name: k\n    domains: [k.example]\n"
			   "    asns: [5, 5]\n",
     "13: vendors[0].asns[1]: AS5 is listed twice"},
    {"asns zero",
     GOOD_DPDK LIBLOC_ORGS "vendors:\n  - name: k\n    domains: [k.example]\n"
			   "    asns: [0]\n",
     "13: vendors[0].asns[0]: 0 is out of range [1, 4294967295]"},
    {"asns not numbers",
     GOOD_DPDK LIBLOC_ORGS "vendors:\n  - name: k\n    domains: [k.example]\n"
			   "    asns: [AS5]\n",
     "13: vendors[0].asns[0]: 'AS5' is not a whole number"},
    {"port range reversed", GOOD_DPDK "prefilter:\n  tcp_ports: [443, 23199-23100]\n" GOOD_REST,
     "8: prefilter.tcp_ports[1]: range '23199-23100' is not within 1-65535 with lo <= hi"},
    {"port range past 65535", GOOD_DPDK "prefilter:\n  udp_ports: [65000-65536]\n" GOOD_REST,
     "8: prefilter.udp_ports[0]: range '65000-65536' is not within 1-65535 with lo <= hi"},
    {"port range from 0", GOOD_DPDK "prefilter:\n  tcp_ports: [0-80]\n" GOOD_REST,
     "8: prefilter.tcp_ports[0]: range '0-80' is not within 1-65535 with lo <= hi"},
    {"port range open", GOOD_DPDK "prefilter:\n  tcp_ports: [23100-]\n" GOOD_REST,
     "8: prefilter.tcp_ports[0]: '23100-' is neither a port nor a range lo-hi"},
    {"port range words", GOOD_DPDK "prefilter:\n  tcp_ports: [80, http-https]\n" GOOD_REST,
     "8: prefilter.tcp_ports[1]: 'http-https' is neither a port nor a range lo-hi"},
    {"port range tail", GOOD_DPDK "prefilter:\n  tcp_ports: [1-2-3]\n" GOOD_REST,
     "8: prefilter.tcp_ports[0]: '1-2-3' is neither a port nor a range lo-hi"},
    {"prefilter program", GOOD_DPDK "prefilter:\n  program: /nonexistent/pf.o\n" GOOD_REST,
     "8: prefilter.program: /nonexistent/pf.o: No such file or directory"},
    {"tls key missing",
     GOOD_DPDK "web:\n  tls_server_config:\n    cert_file: /dev/null\n" GOOD_REST,
     "9: web.tls_server_config.key_file: missing"},
    {"state dir a file", GOOD_DPDK "persistence:\n  dir: /etc/hostname\n" GOOD_REST,
     "8: persistence.dir: /etc/hostname exists and is not a directory"},
    /* A key given twice is refused, never the first silently kept. */
    {"section twice", GOOD_DPDK GOOD_REST "flows:\n  capacity: 4096\nflows:\n  capacity: 64\n",
     "13: (top level): 'flows' given twice (first on line 11)"},
    {"field twice", GOOD_DPDK "metrics:\n  port: 1\n  port: 2\n" GOOD_REST,
     "9: metrics: 'port' given twice (first on line 8)"},
    {"second document", GOOD_DPDK GOOD_REST "---\nflows:\n  capacity: 64\n",
     "11: (top level): a second YAML document; the configuration is one"},
    {"listen address", GOOD_DPDK "metrics:\n  listen: localhost:9531\n" GOOD_REST,
     "8: metrics.listen: 'localhost:9531' is not an IPv4 or IPv6 address"},
    {"cores in eal args, joined",
     "dpdk:\n  eal_args: [\"-l0-1\"]\n  ports:\n    - name: n\n  workers: [1]\n" GOOD_REST,
     "2: dpdk.eal_args: '-l0-1': cores come from dpdk.main_core and dpdk.workers"},
    {"cores in eal args, =",
     "dpdk:\n  eal_args: [\"--lcores=0-1\"]\n  ports:\n    - name: n\n  workers: [1]\n" GOOD_REST,
     "2: dpdk.eal_args: '--lcores=0-1': cores come from dpdk.main_core and dpdk.workers"},
    {"mapped server prefix",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    server_prefixes:\n"
	       "      - \"::ffff:192.0.2.0/120\"\n",
     "11: vendors[0].server_prefixes[0]: '::ffff:192.0.2.0/120': an IPv4-mapped IPv6 "
     "prefix never matches (packets carry IPv4): write the IPv4 prefix"},
    {"role other",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    roles:\n"
	       "      - role: other\n        domains: [a.com]\n",
     "11: vendors[0].roles[0].role: 'other' is the vendor's own level: give its names at "
     "vendors[0]"},
    {"role twice",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    roles:\n"
	       "      - role: update\n        domains: [a.com]\n"
	       "      - role: update\n        domains: [b.com]\n",
     "13: vendors[0].roles[1].role: 'update' is given twice"},
    {"empty role",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    roles:\n"
	       "      - role: web\n        sources: []\n",
     "11: vendors[0].roles[0]: role 'web' has no domains, regexes, payload_signatures or "
     "server_prefixes"},
    {"role source date",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    roles:\n"
	       "      - role: update\n        domains: [a.com]\n        sources:\n"
	       "          - {document: Ports, read: 2026-13-01, grade: A}\n",
     "14: vendors[0].roles[0].sources[0].read: '2026-13-01': a date, as YYYY-MM-DD"},
    {"role source grade E",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    roles:\n"
	       "      - role: update\n        domains: [a.com]\n        sources:\n"
	       "          - {document: List, read: 2026-11-01, grade: E}\n",
     "14: vendors[0].roles[0].sources[0].grade: grade E (an unverified list entry) is never a "
     "source: find a better one or leave the name out"},
    {"role source no grade",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    roles:\n"
	       "      - role: update\n        domains: [a.com]\n        sources:\n"
	       "          - {document: List, read: 2026-11-01}\n",
     "14: vendors[0].roles[0].sources[0].grade: missing"},
    {"role claims too much",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    roles:\n"
	       "      - role: update\n        domains: [a.com]\n        confidence: documented\n"
	       "        sources:\n          - {document: Issue, read: 2026-11-01, grade: D}\n",
     "13: vendors[0].roles[0].confidence: documented, but no source is graded A or B"},
    {"role domain",
     GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n    roles:\n"
	       "      - role: update\n        domains: [a.com, com]\n",
     "12: vendors[0].roles[0].domains[1]: 'com' is not a domain name of two or more labels"},
    {"include missing", GOOD_DPDK "organisations: o.csv\nvendors:\n  - include: nope.yaml\n",
     "9: vendors[0].include: "},
    {"census without tap", GOOD_DPDK GOOD_REST "census:\n  key_file: census.key\n  database: x\n",
     "12: census.tap: missing"},
    {"census tap",
     GOOD_DPDK GOOD_REST "census:\n  tap: Tap A\n  key_file: census.key\n"
			 "  database: x\n",
     "12: census.tap: 'Tap A': use lower-case letters, digits, '_' or '-'"},
    {"census key file missing",
     GOOD_DPDK GOOD_REST "census:\n  tap: a\n  key_file: none.key\n"
			 "  database: x\n",
     "13: census.key_file: "},
    {"census key file a device (it would never end)",
     GOOD_DPDK GOOD_REST "census:\n  tap: a\n  key_file: /dev/zero\n  database: x\n",
     "13: census.key_file: /dev/zero: not a regular file (a FIFO or a device never ends)"},
    {"census key not hex",
     GOOD_DPDK GOOD_REST "census:\n  tap: a\n  key_file: census-bad.key\n"
			 "  database: x\n",
     "13: census.key_file: "},
    {"census interval",
     GOOD_DPDK GOOD_REST "census:\n  tap: a\n  key_file: census.key\n"
			 "  database: x\n  interval: 0\n",
     "15: census.interval: 0 is out of range [1, 86400]"},
    {"report event date",
     GOOD_DPDK GOOD_REST "report:\n  events:\n    - {date: 2024-02-30, label: x}\n",
     "13: report.events[0].date: '2024-02-30': no such day"},
    {"report event field",
     GOOD_DPDK GOOD_REST "report:\n  events:\n    - {date: 2024-02-03, what: x}\n",
     "13: report.events[0]: unknown field 'what'"},
    {"report event label", GOOD_DPDK GOOD_REST "report:\n  events:\n    - date: 2024-02-03\n",
     "13: report.events[0].label: missing"},
    {"report events list", GOOD_DPDK GOOD_REST "report:\n  events: 2024-02-03\n",
     "12: report.events: "},
};

static void
test_ctl_config_load_errors(void **state)
{
	(void)state;
	tb_write_file(5, "census.key", "000102030405060708090a0b0c0d0e0f\n");
	tb_write_file(6, "census-bad.key", "not a key\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *path = tb_write_file(0, "bad.yaml", rows[i].yaml);
		struct ctl_config *c = (void *)1;
		char err[512], want[600];

		print_message("row %zu: %s\n", i, rows[i].what);
		assert_int_equal(ctl_config_load(path, &c, err, sizeof(err)), -EINVAL);
		assert_null(c);
		snprintf(want, sizeof(want), "%s:%s", path, rows[i].want);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("row %zu: '%s' does not start '%s'", i, err, want);
	}
}

static void
test_ctl_config_load_good(void **state)
{
	const char *path =
	    tb_write_file(0, "good.yaml",
			  GOOD_DPDK "prefilter:\n  tcp_ports: [443, 8443, 23100-23199]\n" GOOD_REST
				    "    regexes: ['^ksn-']\n"
				    "    server_prefixes: [\"2001:db8:5e::/64\"]\n");
	struct ctl_config *c;
	char err[512], dir[256];

	(void)state;
	assert_int_equal(ctl_config_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c->n_ports, 1);
	assert_string_equal(c->ports[0].name, "net_null0");
	assert_int_equal(c->n_workers, 1);
	assert_int_equal(c->workers[0], 1);
	assert_int_equal(c->worker_cpus[0], 1);
	assert_int_equal(c->main_cpu, 0);
	assert_int_equal(c->n_eal_args, 1);
	assert_string_equal(c->eal_args[0], "--no-huge");
	assert_string_equal(c->listen_addr, "127.0.0.1");
	assert_int_equal(c->n_tcp_ports, 3);
	assert_int_equal(c->tcp_ports[1].lo, 8443);
	assert_int_equal(c->tcp_ports[1].hi, 8443);
	assert_int_equal(c->tcp_ports[2].lo, 23100);
	assert_int_equal(c->tcp_ports[2].hi, 23199);
	assert_int_equal(c->n_vendors, 1);
	assert_int_equal(c->vendors[0].n_domains, 1);
	assert_int_equal(c->vendors[0].n_regexes, 1);
	assert_int_equal(c->vendors[0].regex_lines[0], 13);
	assert_int_equal(c->vendors[0].n_servers, 1);
	assert_int_equal(c->vendors[0].servers[0].family, 6);
	assert_int_equal(c->vendors[0].servers[0].len, 64);
	/* The organisations path is relative to the configuration file. */
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	strcat(dir, "/orgs.csv");
	assert_string_equal(c->orgs_path, dir);
	assert_int_equal(c->max_orgs, 0);
	assert_int_equal(c->n_users, 0);
	assert_string_equal(c->tls_cert, "");
	ctl_config_free(c);
}

/* web: as in the exporter-toolkit's web configuration. */
static void
test_ctl_config_web(void **state)
{
	static const char hash[] = "$2y$10$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0";
	const char *path = tb_write_file(
	    0, "web.yaml",
	    GOOD_DPDK
	    "metrics:\n  max_orgs: 500\n"
	    "web:\n  tls_server_config:\n"
	    "    cert_file: /dev/null\n    key_file: /dev/zero\n"
	    "  basic_auth_users:\n"
	    "    prometheus: $2y$10$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0\n"
	    "    ops: $2b$12$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0\n" GOOD_REST);
	struct ctl_config *c;
	char err[512];

	(void)state;
	assert_int_equal(ctl_config_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c->max_orgs, 500);
	assert_string_equal(c->tls_cert, "/dev/null");
	assert_string_equal(c->tls_key, "/dev/zero");
	assert_int_equal(c->n_users, 2);
	assert_string_equal(c->users[0].name, "prometheus");
	assert_string_equal(c->users[0].hash, hash);
	assert_string_equal(c->users[1].name, "ops");
	assert_memory_equal(c->users[1].hash, "$2b$12$", 7);
	ctl_config_free(c);
}

/* Two workers and the main lcore on a two-CPU machine: DPDK's LCORE@CPU. */
static void
test_ctl_config_lcore_at_cpu(void **state)
{
	const char *path =
	    tb_write_file(0, "lcores.yaml",
			  "dpdk:\n  ports:\n    - name: net_null0\n      rx_queues: 2\n"
			  "  main_core: 0@1\n  workers: [1@0, 2@1]\n" GOOD_REST);
	struct ctl_config *c;
	char err[512];

	(void)state;
	assert_int_equal(ctl_config_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c->main_core, 0);
	assert_int_equal(c->main_cpu, 1);
	assert_int_equal(c->n_workers, 2);
	assert_int_equal(c->workers[0], 1);
	assert_int_equal(c->worker_cpus[0], 0);
	assert_int_equal(c->workers[1], 2);
	assert_int_equal(c->worker_cpus[1], 1);
	ctl_config_free(c);
}

static void
test_ctl_config_load_missing_file(void **state)
{
	struct ctl_config *c;
	char err[512];

	(void)state;
	assert_int_equal(ctl_config_load("/nonexistent/tc.yaml", &c, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/tc.yaml: cannot open: No such file or directory");
}

/* What ctl_config_load wrote to stderr while loading path, into out. */
static int
load_stderr(const char *path, char *out, size_t cap)
{
	char tmpl[] = "/tmp/tc-stderr-XXXXXX", err[512];
	int fd = mkstemp(tmpl), saved = dup(2), rc;
	struct ctl_config *c = NULL;
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	unlink(tmpl);
	fflush(stderr);
	dup2(fd, 2);
	rc = ctl_config_load(path, &c, err, sizeof(err));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, out, cap - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	ctl_config_free(c);
	return rc;
}

/* A key file others may read loads, with a warning naming it and its mode;
 * the owner's alone, without. */
static void
test_ctl_config_key_mode(void **state)
{
	const char *key = tb_write_file(5, "census.key", "000102030405060708090a0b0c0d0e0f\n");
	const char *path = tb_write_file(
	    0, "key.yaml",
	    GOOD_DPDK GOOD_REST "census:\n  tap: a\n  key_file: census.key\n  database: x\n");
	char out[1024], want[1200];

	(void)state;
	assert_int_equal(chmod(key, 0644), 0);
	assert_int_equal(load_stderr(path, out, sizeof(out)), 0);
	snprintf(want, sizeof(want),
		 "tapcensus: warning: %s:13: census.key_file: %s is open to others (mode 0644)",
		 path, key);
	if (strstr(out, want) == NULL)
		fail_msg("'%s' not in '%s'", want, out);
	assert_int_equal(chmod(key, 0600), 0);
	assert_int_equal(load_stderr(path, out, sizeof(out)), 0);
	assert_null(strstr(out, "census.key_file"));
}

/* The shipped sample must load. */
static void
test_ctl_config_load_sample(void **state)
{
	struct ctl_config *c;
	char err[512];

	(void)state;
	assert_int_equal(
	    ctl_config_load(SOURCE_ROOT "/config/tapcensus.yaml", &c, err, sizeof(err)), 0);
	assert_string_equal(c->vendors[0].name, "kaspersky");
	assert_string_equal(c->vendors[0].role, "other");
	assert_int_equal(c->vendors[0].n_domains, 4); /* with securelist.com */
	assert_int_equal(c->vendors[0].n_payloads, 1);
	assert_int_equal(c->vendors[0].n_servers, 2); /* the sample's own, beside the include */
	assert_int_equal(c->n_vendors, 10);
	assert_int_equal(c->n_udp_ports, 3); /* 53, 443 and 2001, the legacy KSN port */
	ctl_config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_config_load_errors),
	    cmocka_unit_test(test_ctl_config_load_good),
	    cmocka_unit_test(test_ctl_config_web),
	    cmocka_unit_test(test_ctl_config_lcore_at_cpu),
	    cmocka_unit_test(test_ctl_config_load_missing_file),
	    cmocka_unit_test(test_ctl_config_load_sample),
	    cmocka_unit_test(test_ctl_config_key_mode),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	return failed + test_ctl_config_roles_run();
}
