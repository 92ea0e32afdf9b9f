/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_clients: exact unique-client sets, their IPv6 prefix, their windows. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_clients.h"
#include "tb_ctl.h"

static void
test_ctl_clients_add_dedup(void **state)
{
	struct ctl_clients *c = ctl_clients_create(1024, tb_orgs->n_orgs, 2, 64);
	struct dp_client_event e;

	(void)state;
	e = tb_ctl_ev(1, 0, "192.0.2.1");
	assert_int_equal(ctl_clients_add(c, &e, T0, false), 1);
	assert_int_equal(ctl_clients_add(c, &e, T0, false), 0); /* same client, any signal */
	e = tb_ctl_ev(1, 1, "192.0.2.1");
	assert_int_equal(ctl_clients_add(c, &e, T0, false), 1); /* another vendor */
	e = tb_ctl_ev(1, 0, "2001:db8::1");
	assert_int_equal(ctl_clients_add(c, &e, T0, false), 1);
	e = tb_ctl_ev(9, 0, "192.0.2.1");
	assert_int_equal(ctl_clients_add(c, &e, T0, false), -EINVAL);
	assert_int_equal(ctl_clients_count(c, 1, 0), 2);
	assert_int_equal(ctl_clients_count(c, 1, 1), 1);
	assert_int_equal(ctl_clients_entries(c), 3);
	ctl_clients_free(c);

	/* Full: counted, not stored. */
	c = ctl_clients_create(1024, tb_orgs->n_orgs, 2, 64);
	for (unsigned i = 0; i < 1030; i++) {
		char a[32];

		snprintf(a, sizeof(a), "2001:db8:0:%x::1", i + 1);
		e = tb_ctl_ev(2, 0, a);
		ctl_clients_add(c, &e, T0, false);
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
		struct ctl_clients *c =
		    ctl_clients_create(64, tb_orgs->n_orgs, 2, agg_rows[i].prefix);
		struct dp_client_event a = tb_ctl_ev(1, 0, agg_rows[i].a),
				       b = tb_ctl_ev(1, 0, agg_rows[i].b);

		print_message("row %zu: %s\n", i, agg_rows[i].what);
		assert_int_equal(ctl_clients_add(c, &a, T0, false), 1);
		assert_int_equal(ctl_clients_add(c, &b, T0, false), agg_rows[i].same ? 0 : 1);
		assert_int_equal(ctl_clients_count(c, 1, 0), agg_rows[i].same ? 1 : 2);
		ctl_clients_free(c);
	}
	assert_null(ctl_clients_create(64, tb_orgs->n_orgs, 2, 0));
	assert_null(ctl_clients_create(64, tb_orgs->n_orgs, 2, 129));
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
	    {"192.0.2.2", 1, {86399, 86399}},	  /* just inside 1d */
	    {"192.0.2.3", 1, {86400, 86400}},	  /* just outside */
	    {"192.0.2.4", 1, {40 * 86400, 3600}}, /* old, then recent */
	    {"192.0.2.5", 1, {3600, 40 * 86400}}, /* recent; an older sighting later */
	    {"192.0.2.6", 1, {30 * 86400 - 1, 30 * 86400 - 1}},
	    {"192.0.2.7", 1, {30 * 86400, 30 * 86400}},
	    {"198.51.100.1", 2, {0, 0}},
	};
	const uint32_t now = T0 + 100 * 86400;
	struct ctl_clients *c = ctl_clients_create(64, tb_orgs->n_orgs, 2, 64);
	uint64_t win[3 * 2 * CTL_WIN_COUNT];

	(void)state;
	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
		for (int k = 0; k < 2; k++) {
			struct dp_client_event e = tb_ctl_ev(seen[i].org, 0, seen[i].addr);

			ctl_clients_add(c, &e, now - seen[i].age[k], false);
		}
	ctl_clients_windows(c, now, win, NULL, NULL);
	/* org 1, vendor 0: 1d has .1 .2 .4 .5; 30d adds .3 and .6; all has seven. */
	assert_int_equal(win[(1 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_1D], 4);
	assert_int_equal(win[(1 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_30D], 6);
	assert_int_equal(win[(1 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_ALL], 7);
	assert_int_equal(win[(2 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_1D], 1);
	assert_int_equal(win[(1 * 2 + 1) * CTL_WIN_COUNT + CTL_WIN_ALL], 0);
	ctl_clients_free(c);
}

/* Clients without evidence that their address is real are held apart and
 * never shut real ones out; a full table makes room from entries that
 * count for less (last seen before the 30-day window, or unverified). */
static void
test_ctl_clients_unverified_and_room(void **state)
{
	struct ctl_clients *c = ctl_clients_create(1024, tb_orgs->n_orgs, 2, 64);
	uint64_t win[3 * 2 * CTL_WIN_COUNT], unv[2 * CTL_WIN_COUNT];
	struct dp_client_event e;
	unsigned cap = ctl_clients_capacity(c);
	char a[32];

	(void)state;
	/* A spoofed flood: 1024 one-packet clients, all unverified. */
	for (unsigned i = 0; i < cap; i++) {
		snprintf(a, sizeof(a), "192.0.2.%u", i % 128);
		e = tb_ctl_ev(1, 0, a);
		e.addr[2] = (uint8_t)(i / 128); /* 192.0.<n>.x: distinct */
		e.vendor |= DP_CLIENT_UNVERIFIED;
		assert_int_equal(ctl_clients_add(c, &e, T0, false), 0);
	}
	assert_int_equal(ctl_clients_entries(c), cap);
	assert_int_equal(ctl_clients_unverified(c), cap);
	/* A real client still gets in, in place of one of them. */
	e = tb_ctl_ev(2, 0, "198.51.100.7");
	assert_int_equal(ctl_clients_add(c, &e, T0 + 1, false), 1);
	assert_int_equal(ctl_clients_evicted(c, CTL_EVICT_UNVERIFIED), 1);
	assert_int_equal(ctl_clients_full(c), 0);
	ctl_clients_windows(c, T0 + 2, win, unv, NULL);
	assert_int_equal(win[(2 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_1D], 1);
	assert_int_equal(win[(2 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_ALL], 1);
	assert_int_equal(win[(1 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_1D], 0);
	assert_int_equal(unv[0 * CTL_WIN_COUNT + CTL_WIN_1D], cap - 1);
	ctl_clients_free(c);

	/* An unverified client that brings its evidence counts from then on. */
	c = ctl_clients_create(1024, tb_orgs->n_orgs, 2, 64);
	e = tb_ctl_ev(1, 0, "192.0.2.5");
	e.vendor |= DP_CLIENT_UNVERIFIED;
	assert_int_equal(ctl_clients_add(c, &e, T0, false), 0);
	assert_int_equal(ctl_clients_add(c, &e, T0, false), 0);
	assert_int_equal(ctl_clients_count(c, 1, 0), 0);
	e.vendor &= (uint8_t)~DP_CLIENT_UNVERIFIED;
	assert_int_equal(ctl_clients_add(c, &e, T0 + 5, false), 1);
	assert_int_equal(ctl_clients_add(c, &e, T0 + 6, false), 0);
	assert_int_equal(ctl_clients_count(c, 1, 0), 1);
	assert_int_equal(ctl_clients_unverified(c), 0);
	assert_int_equal(ctl_clients_entries(c), 1);
	ctl_clients_free(c);

	/* Full of verified clients of the last 30 days: nothing makes room. */
	c = ctl_clients_create(1024, tb_orgs->n_orgs, 2, 64);
	for (unsigned i = 0; i < cap; i++) {
		e = tb_ctl_ev(1, 1, "2001:db8::1");
		e.addr[5] = (uint8_t)i;
		e.addr[6] = (uint8_t)(i >> 8);
		assert_int_equal(ctl_clients_add(c, &e, T0 - 29 * 86400, false), 1);
	}
	e = tb_ctl_ev(2, 1, "198.51.100.9");
	assert_int_equal(ctl_clients_add(c, &e, T0, false), -ENOSPC);
	e.vendor |= DP_CLIENT_UNVERIFIED;
	assert_int_equal(ctl_clients_add(c, &e, T0, false), -ENOSPC);
	assert_int_equal(ctl_clients_full(c), 2);
	/* Two days later they are past the 30-day window: room, even for an
	 * unverified newcomer; "all" still counts every one. */
	assert_int_equal(ctl_clients_add(c, &e, T0 + 2 * 86400, false), 0);
	assert_int_equal(ctl_clients_evicted(c, CTL_EVICT_EXPIRED), 1);
	ctl_clients_windows(c, T0 + 2 * 86400, win, unv, NULL);
	assert_int_equal(win[(1 * 2 + 1) * CTL_WIN_COUNT + CTL_WIN_30D], 0);
	assert_int_equal(win[(1 * 2 + 1) * CTL_WIN_COUNT + CTL_WIN_ALL], cap);
	assert_int_equal(unv[1 * CTL_WIN_COUNT + CTL_WIN_1D], 1);
	ctl_clients_free(c);
}

/* A vendor by role: other (0) and update (1) are product use, web (2) is
 * not; key 3 is the vendor's product use.  A client reaching update and
 * other counts once there; one seen only on the website, never. */
static void
test_ctl_clients_product_union(void **state)
{
	static const uint16_t also[4] = {3, 3, UINT16_MAX, UINT16_MAX};
	static const uint16_t chained[4] = {3, 3, UINT16_MAX, 0};
	static const struct {
		uint8_t vendor;
		const char *addr;
		int rc;
	} seen[] = {
	    {1, "192.0.2.1", 1}, {0, "192.0.2.1", 1}, {1, "192.0.2.1", 0},
	    {2, "192.0.2.2", 1}, {2, "192.0.2.1", 1}, {1 | DP_CLIENT_UNVERIFIED, "192.0.2.3", 0},
	};
	static const uint64_t want[4] = {1, 1, 2, 1};
	struct ctl_clients *c = ctl_clients_create(64, tb_orgs->n_orgs, 4, 64);
	uint64_t win[3 * 4 * CTL_WIN_COUNT], unv[4 * CTL_WIN_COUNT];

	(void)state;
	assert_int_equal(ctl_clients_union(c, chained), -EINVAL);
	assert_int_equal(ctl_clients_union(c, also), 0);
	for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++) {
		struct dp_client_event e = tb_ctl_ev(1, 0, seen[i].addr);

		e.vendor = seen[i].vendor;
		print_message("event %zu\n", i);
		assert_int_equal(ctl_clients_add(c, &e, T0, false), seen[i].rc);
	}
	assert_int_equal(ctl_clients_entries(c), 6); /* 4 role keys, 1 unverified, 1 product */
	ctl_clients_windows(c, T0, win, unv, NULL);
	for (unsigned k = 0; k < 4; k++) {
		assert_int_equal(ctl_clients_count(c, 1, k), want[k]);
		assert_int_equal(win[(1 * 4 + k) * CTL_WIN_COUNT + CTL_WIN_1D], want[k]);
	}
	assert_int_equal(unv[1 * CTL_WIN_COUNT + CTL_WIN_1D], 1);
	assert_int_equal(unv[3 * CTL_WIN_COUNT + CTL_WIN_1D], 0); /* the union: verified only */
	ctl_clients_free(c);
}

/* Evidence of the vendor: a role's entry is corroborated once one of its
 * sessions' decisions was; the product union once a role of it is both
 * verified and corroborated, whichever came first.  Keys 0 and 1 are
 * product roles, 2 their union; each row is one client's sightings. */
static void
test_ctl_clients_corroborated(void **state)
{
	static const uint16_t also[3] = {2, 2, UINT16_MAX};
	struct sight {
		uint8_t key;
		bool verified, decided, name_only;
	};
	static const struct {
		const char *what;
		struct sight s[3];
		unsigned n;
		uint64_t want[3]; /* corroborated clients under keys 0, 1, 2 */
	} rows[] = {
	    {"corroborated and verified", {{0, true, true, false}}, 1, {1, 0, 1}},
	    {"name-only", {{0, true, true, true}}, 1, {0, 0, 0}},
	    {"corroborated, never verified", {{0, false, true, false}}, 1, {0, 0, 0}},
	    {"corroborated, then the evidence",
	     {{0, false, true, false}, {0, true, false, false}},
	     2,
	     {1, 0, 1}},
	    {"the evidence, then a corroborated session unverified",
	     {{0, true, false, false}, {0, false, true, false}},
	     2,
	     {1, 0, 1}},
	    {"one role corroborated, the other name-only",
	     {{0, true, true, false}, {1, true, true, true}},
	     2,
	     {1, 0, 1}},
	    {"corroborated on a role never verified, the other verified",
	     {{0, false, true, false}, {1, true, true, true}},
	     2,
	     {0, 0, 0}},
	    {"a later event is no decision",
	     {{0, true, true, true}, {0, true, false, false}},
	     2,
	     {0, 0, 0}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ctl_clients *c = ctl_clients_create(64, tb_orgs->n_orgs, 3, 64);
		uint64_t win[3 * 3 * CTL_WIN_COUNT], corro[3 * 3 * CTL_WIN_COUNT];
		struct dp_client_sighting sg[3];

		memset(sg, 0, sizeof(sg));

		print_message("row %zu: %s\n", i, rows[i].what);
		assert_int_equal(ctl_clients_union(c, also), 0);
		for (unsigned k = 0; k < rows[i].n; k++) {
			sg[k].ev = tb_ctl_ev(1, rows[i].s[k].key, "192.0.2.9");
			if (!rows[i].s[k].verified)
				sg[k].ev.vendor |= DP_CLIENT_UNVERIFIED;
			sg[k].seen = T0;
			sg[k].decided = rows[i].s[k].decided;
			sg[k].name_only = rows[i].s[k].name_only;
		}
		ctl_clients_add_burst(c, sg, rows[i].n);
		ctl_clients_windows(c, T0, win, NULL, corro);
		for (unsigned k = 0; k < 3; k++) {
			assert_int_equal(corro[(1 * 3 + k) * CTL_WIN_COUNT + CTL_WIN_1D],
					 rows[i].want[k]);
			assert_int_equal(corro[(1 * 3 + k) * CTL_WIN_COUNT + CTL_WIN_ALL],
					 rows[i].want[k]);
			/* Never more than the clients themselves. */
			assert_true(corro[(1 * 3 + k) * CTL_WIN_COUNT + CTL_WIN_1D] <=
				    win[(1 * 3 + k) * CTL_WIN_COUNT + CTL_WIN_1D]);
		}
		ctl_clients_free(c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_clients_add_dedup),
	    cmocka_unit_test(test_ctl_clients_ipv6_prefix),
	    cmocka_unit_test(test_ctl_clients_windows),
	    cmocka_unit_test(test_ctl_clients_unverified_and_room),
	    cmocka_unit_test(test_ctl_clients_product_union),
	    cmocka_unit_test(test_ctl_clients_corroborated),
	};
	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, tb_ctl_setup, NULL);
}
