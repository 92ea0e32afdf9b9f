/* SPDX-License-Identifier: BSD-3-Clause */
/* A vendor's roles, its catalogue's sources and confidence, and what a
 * reload may change of them (test_ctl_config runs these too). */
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

/* A vendor by role, from an included file: one entry per role, its own
 * level first as role other; an error inside the file names it. */
static void
test_ctl_config_roles(void **state)
{
	const char *path;
	struct ctl_config *c;
	char err[512], want[600];

	(void)state;
	tb_write_file(
	    1, "vendor.yaml",
	    "name: k\ndomains: [k.example]\nroles:\n"
	    "  - role: update\n    domains: [upd.k.example]\n"
	    "    sources: [{document: K ports, url: 'https://k.example/ports', read: 2026-11-29, "
	    "grade: A}]\n"
	    "  - role: web\n    domains: [www.k.example]\n    server_prefixes: [192.0.2.0/28]\n");
	path = tb_write_file(0, "inc.yaml",
			     GOOD_DPDK "organisations: o.csv\nvendors:\n  - include: vendor.yaml\n"
				       "  - name: z\n    domains: [z.example]\n");
	assert_int_equal(ctl_config_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c->n_vendors, 4);
	assert_int_equal(c->n_groups, 2);
	static const struct {
		const char *name, *role;
		unsigned group;
		bool product, fallback;
		unsigned n_domains, n_servers;
	} want_units[] = {
	    {"k", "other", 0, true, true, 1, 0},
	    {"k", "update", 0, true, false, 1, 0},
	    {"k", "web", 0, false, false, 1, 1},
	    {"z", "other", 1, true, true, 1, 0},
	};
	for (unsigned i = 0; i < 4; i++) {
		assert_string_equal(c->vendors[i].name, want_units[i].name);
		assert_string_equal(c->vendors[i].role, want_units[i].role);
		assert_int_equal(c->vendors[i].group, want_units[i].group);
		assert_int_equal(c->vendors[i].product, want_units[i].product);
		assert_int_equal(c->vendors[i].fallback, want_units[i].fallback);
		assert_int_equal(c->vendors[i].n_domains, want_units[i].n_domains);
		assert_int_equal(c->vendors[i].n_servers, want_units[i].n_servers);
	}
	assert_string_equal(c->vendors[1].domains[0], "upd.k.example");
	assert_string_equal(c->vendors[2].field, "vendors[0].roles[1]");
	/* An address naming several roles of k counts under k's own level. */
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(c->worker.same_vendor[i], 0x7);
		assert_int_equal(c->worker.address_role[i], 0);
	}
	assert_int_equal(c->worker.same_vendor[3], 0x8);
	assert_int_equal(c->worker.address_role[3], 3);
	ctl_config_free(c);

	tb_write_file(1, "vendor.yaml", "name: k\nroles:\n  - role: update\n    domains: [com]\n");
	assert_int_equal(ctl_config_load(path, &c, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:4: vendors[0].roles[0].domains[0]: 'com' is not",
		 tb_write_file(1, "vendor.yaml",
			       "name: k\nroles:\n  - role: update\n    domains: [com]\n"));
	assert_memory_equal(err, want, strlen(want));
}

/* The shipped catalogue loads, and its roles decide as documented. */
static void
test_ctl_config_catalogue(void **state)
{
	char text[512];
	const char *path;
	struct ctl_config *c;
	char err[512];

	(void)state;
	snprintf(text, sizeof(text),
		 GOOD_DPDK
		 "organisations: o.csv\nvendors:\n  - include: %s/config/vendors/kaspersky.yaml\n",
		 SOURCE_ROOT);
	path = tb_write_file(0, "cat.yaml", text);
	assert_int_equal(ctl_config_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c->n_groups, 1);
	{
		static const char *const want[][2] = {
		    {"other", "unsourced"},	    {"activation", "documented"},
		    {"update", "documented"},	    {"reputation", "reported"},
		    {"pki", "documented"},	    {"management", "documented"},
		    {"product-ui", "documented"},   {"distribution", "reported"},
		    {"threat-intel", "documented"}, {"web", "documented"},
		};

		assert_int_equal(c->n_vendors, sizeof(want) / sizeof(want[0]));
		for (unsigned i = 0; i < c->n_vendors; i++) {
			assert_string_equal(c->vendors[i].role, want[i][0]);
			assert_string_equal(c->vendors[i].confidence, want[i][1]);
			assert_int_equal(c->vendors[i].product, strcmp(want[i][0], "web") != 0);
		}
	}
	ctl_config_free(c);
}

/* A reload may move names between a vendor's roles (counters stay by
 * role); adding, removing or renaming a role needs a restart. */
static void
test_ctl_config_roles_reload(void **state)
{
	static const struct {
		const char *roles; /* the vendor's roles: */
		int rc;
		const char *msg;
	} rows[] = {
	    {"  - role: update\n    domains: [upd.k.example, dl.k.example]\n"
	     "  - role: web\n    domains: [www.k.example]\n",
	     0, NULL},
	    {"  - role: update\n    domains: [upd.k.example]\n"
	     "  - role: web\n    domains: [www.k.example, dl.k.example]\n",
	     0, NULL},
	    {"  - role: update\n    domains: [upd.k.example]\n", -EINVAL,
	     "vendors: 2 vendor roles listed, 3 running"},
	    {"  - role: updates\n    domains: [upd.k.example]\n"
	     "  - role: web\n    domains: [www.k.example]\n",
	     -EINVAL,
	     "vendors[0].roles[0]: vendor 'k' role 'updates' where 'k' role 'update' runs"},
	};
	struct ctl_config *running, *c;
	char text[1024], err[512];
	const char *path;

	(void)state;
	snprintf(text, sizeof(text),
		 GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n"
			   "    domains: [k.example]\n    roles:\n%s",
		 "      - role: update\n        domains: [upd.k.example]\n"
		 "      - role: web\n        domains: [www.k.example]\n");
	path = tb_write_file(0, "running.yaml", text);
	assert_int_equal(ctl_config_load(path, &running, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char roles[512], *w = roles;

		print_message("row %zu\n", i);
		/* Indent the row's roles under the vendor. */
		for (const char *r = rows[i].roles; *r; r++) {
			if (r == rows[i].roles || r[-1] == '\n')
				w += sprintf(w, "    ");
			*w++ = *r;
		}
		*w = '\0';
		snprintf(text, sizeof(text),
			 GOOD_DPDK "organisations: o.csv\nvendors:\n  - name: k\n"
				   "    domains: [k.example]\n    roles:\n%s",
			 roles);
		path = tb_write_file(1, "new.yaml", text);
		assert_int_equal(ctl_config_load(path, &c, err, sizeof(err)), 0);
		err[0] = '\0';
		assert_int_equal(ctl_config_reloadable(running, c, err, sizeof(err)), rows[i].rc);
		if (rows[i].msg != NULL && strstr(err, rows[i].msg) == NULL)
			fail_msg("row %zu: '%s' not in '%s'", i, rows[i].msg, err);
		ctl_config_free(c);
	}
	ctl_config_free(running);
}

int
test_ctl_config_roles_run(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_config_roles),
	    cmocka_unit_test(test_ctl_config_catalogue),
	    cmocka_unit_test(test_ctl_config_roles_reload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
