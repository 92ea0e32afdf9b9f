/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ctl_persist - the state file: a round trip gives back every counter,
 * client (with its last-seen time) and learned address; a damaged newest
 * generation falls back to the one before; two damaged ones refuse; names
 * no longer configured are reported, not restored.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "ctl_orgcsv.h"
#include "ctl_persist.h"
#include "tb_ctl.h"

#define T0 1795000000u

static struct ctl_config *cfg;
static struct ctl_orgs *orgs, *fewer;
static char dir[PATH_MAX];

static int
setup(void **state)
{
	char err[512], p[PATH_MAX + 16];

	(void)state;
	if (tb_ctl_load("192.0.2.0/24,gov-a,Agency A,US,government,true\n"
			"198.51.100.0/24,bank-b,Bank B,GB,finance,false\n",
			&cfg, &orgs))
		return -1;
	snprintf(dir, sizeof(dir), "%s", cfg->orgs_path);
	*strrchr(dir, '/') = '\0';
	snprintf(p, sizeof(p), "%s/fewer.csv", dir);
	tb_write_file(3, "fewer.csv", "198.51.100.0/24,bank-b,Bank B,GB,finance,false\n");
	if (ctl_orgs_load(p, &fewer, err, sizeof(err))) {
		print_error("%s\n", err);
		return -1;
	}
	return 0;
}

struct world {
	struct ctl_snapshot snap;
	struct ctl_clients *clients;
	struct dp_learned learned;
	uint64_t evicted;
};

static void
world_init(struct world *w, const struct ctl_orgs *o)
{
	memset(w, 0, sizeof(*w));
	assert_int_equal(ctl_snapshot_init(&w->snap, 1, 1, o->n_orgs, 2), 0);
	w->clients = ctl_clients_create(1024, o->n_orgs, 2, 64);
	assert_non_null(w->clients);
	assert_int_equal(dp_learned_init(&w->learned, 64, &w->evicted, 0), 0);
}

static void
world_fini(struct world *w)
{
	ctl_clients_free(w->clients);
	ctl_snapshot_fini(&w->snap);
	dp_learned_fini(&w->learned);
}

/* Organisation 1 (gov-a) and 2 (bank-b) with counters, clients seen at
 * different times, and two learned addresses. */
static void
fill(struct world *w)
{
	struct dp_client_event e;
	struct dp_org_ctr *c;
	uint8_t a[16] = {203, 0, 113, 77};

	w->snap.total.rx_pkts = 1000;
	w->snap.total.outcome[DP_OUT_MATCHED] = 600;
	w->snap.total.flow.created = 50;
	w->snap.total.flow.ended = 40;
	c = (struct dp_org_ctr *)ctl_snapshot_ctr(&w->snap, 1, 0, DP_SIG_TLS_SNI);
	*c = (struct dp_org_ctr){5, {100, 90}, {10000, 90000}, T0 + 5, 3};
	c = (struct dp_org_ctr *)ctl_snapshot_ctr(&w->snap, 2, 1, DP_SIG_QUIC_SNI);
	*c = (struct dp_org_ctr){2, {20, 30}, {2000, 3000}, T0 + 9, 1};
	e = tb_ctl_ev(1, 0, "192.0.2.7");
	ctl_clients_add(w->clients, &e, T0 - 2 * 86400, false);
	e = tb_ctl_ev(1, 0, "2001:db8:1:2::9");
	ctl_clients_add(w->clients, &e, T0, true); /* a corroborated session */
	e = tb_ctl_ev(2, 1, "198.51.100.3");
	ctl_clients_add(w->clients, &e, T0 - 40 * 86400, false);
	e = tb_ctl_ev(2, 0, "198.51.100.4");
	e.vendor |= DP_CLIENT_UNVERIFIED; /* no exchange seen: held apart */
	ctl_clients_add(w->clients, &e, T0, false);
	dp_learned_add(&w->learned, 4, a, 1, T0 + 300, T0);
	a[3] = 78;
	dp_learned_add(&w->learned, 4, a, 3, T0 + 100, T0);
}

static int
write_gen(struct world *w)
{
	struct ctl_persist_src src = {cfg, orgs, &w->snap, w->clients, &w->learned, NULL};
	char err[512];
	int rc = ctl_persist_write(dir, &src, T0 + 10, err, sizeof(err));

	if (rc)
		print_error("%s\n", err);
	return rc;
}

static void
clean(void)
{
	char p[PATH_MAX + 16];

	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir,
			 (const char *[]){"state", "state.1", "state.tmp", "state.damaged"}[i]);
		unlink(p);
	}
}

static void
test_ctl_persist_round_trip(void **state)
{
	struct world a, b;
	struct ctl_persist_info info;
	uint64_t win[3 * 2 * CTL_WIN_COUNT], corro[3 * 2 * CTL_WIN_COUNT];
	uint8_t addr[16] = {203, 0, 113, 77};

	(void)state;
	clean();
	world_init(&a, orgs);
	world_init(&b, orgs);
	fill(&a);
	assert_int_equal(
	    ctl_persist_restore(dir, cfg, orgs, &b.snap, b.clients, &b.learned, NULL, T0, &info),
	    0);
	assert_int_equal(info.restored, 0); /* nothing yet */
	assert_int_equal(write_gen(&a), 0);
	assert_int_equal(
	    ctl_persist_restore(dir, cfg, orgs, &b.snap, b.clients, &b.learned, NULL, T0, &info),
	    0);
	assert_int_equal(info.restored, 1);
	assert_int_equal(info.written, T0 + 10);
	assert_int_equal(info.packets, 1000);
	assert_int_equal(info.counters, 2);
	assert_int_equal(info.clients, 4);
	/* The unverified one stays unverified. */
	assert_int_equal(ctl_clients_unverified(b.clients), 1);
	assert_int_equal(ctl_clients_count(b.clients, 2, 0), 0);
	assert_int_equal(info.learned, 2);
	assert_int_equal(b.snap.base.rx_pkts, 1000);
	assert_int_equal(b.snap.base.outcome[DP_OUT_MATCHED], 600);
	/* The 10 flows held at the stop left with it. */
	assert_int_equal(b.snap.base.flow.restarted, 10);
	assert_memory_equal(&b.snap.base_ctr[(1 * 2 + 0) * DP_SIG_COUNT + DP_SIG_TLS_SNI],
			    ctl_snapshot_ctr(&a.snap, 1, 0, DP_SIG_TLS_SNI),
			    sizeof(struct dp_org_ctr));
	assert_memory_equal(&b.snap.base_ctr[(2 * 2 + 1) * DP_SIG_COUNT + DP_SIG_QUIC_SNI],
			    ctl_snapshot_ctr(&a.snap, 2, 1, DP_SIG_QUIC_SNI),
			    sizeof(struct dp_org_ctr));
	/* Last-seen times came back: the windows are those of before; and
	 * which clients were corroborated. */
	ctl_clients_windows(b.clients, T0, win, NULL, corro);
	assert_int_equal(corro[(1 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_1D], 1);
	assert_int_equal(corro[(1 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_30D], 1);
	assert_int_equal(corro[(1 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_ALL], 1);
	assert_int_equal(corro[(2 * 2 + 1) * CTL_WIN_COUNT + CTL_WIN_ALL], 0);
	assert_int_equal(win[(1 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_1D], 1);
	assert_int_equal(win[(1 * 2 + 0) * CTL_WIN_COUNT + CTL_WIN_30D], 2);
	assert_int_equal(win[(2 * 2 + 1) * CTL_WIN_COUNT + CTL_WIN_30D], 0);
	assert_int_equal(win[(2 * 2 + 1) * CTL_WIN_COUNT + CTL_WIN_ALL], 1);
	assert_int_equal(dp_learned_lookup(&b.learned, 4, addr, T0 + 299), 1);
	addr[3] = 78;
	assert_int_equal(dp_learned_lookup(&b.learned, 4, addr, T0 + 99), 3);
	world_fini(&b);

	/* Restored at a time the second address has expired: left out. */
	world_init(&b, orgs);
	assert_int_equal(ctl_persist_restore(dir, cfg, orgs, &b.snap, b.clients, &b.learned, NULL,
					     T0 + 100, &info),
			 0);
	assert_int_equal(info.learned, 1);
	world_fini(&b);
	world_fini(&a);
}

/* The newest generation damaged in each way; the one before is used. */
static void
test_ctl_persist_damaged(void **state)
{
	static const struct {
		const char *what;
		long cut; /* truncate to; -1: flip a byte instead */
		const char *why;
	} rows[] = {
	    {"empty", 0, "truncated (shorter than a header)"},
	    {"cut after the header", 100, "checksum mismatch (truncated or corrupt)"},
	    {"one bit flipped", -1, "checksum mismatch (truncated or corrupt)"},
	};
	char cur[PATH_MAX + 16], prev[PATH_MAX + 16], want[PATH_MAX + 128];

	(void)state;
	snprintf(cur, sizeof(cur), "%s/state", dir);
	snprintf(prev, sizeof(prev), "%s/state.1", dir);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct world a, b;
		struct ctl_persist_info info;

		print_message("row %zu: %s\n", i, rows[i].what);
		clean();
		world_init(&a, orgs);
		fill(&a);
		assert_int_equal(write_gen(&a), 0);
		a.snap.total.rx_pkts = 2000; /* the newer generation differs */
		assert_int_equal(write_gen(&a), 0);
		if (rows[i].cut >= 0) {
			assert_int_equal(truncate(cur, rows[i].cut), 0);
		} else {
			FILE *f = fopen(cur, "r+b");
			int ch;

			fseek(f, 200, SEEK_SET);
			ch = fgetc(f);
			fseek(f, 200, SEEK_SET);
			fputc(ch ^ 0x10, f);
			fclose(f);
		}
		world_init(&b, orgs);
		assert_int_equal(ctl_persist_restore(dir, cfg, orgs, &b.snap, b.clients, &b.learned,
						     NULL, T0, &info),
				 0);
		assert_int_equal(info.restored, 2);
		assert_int_equal(b.snap.base.rx_pkts, 1000);
		snprintf(want, sizeof(want), "%s: %s; trying the previous generation\n", cur,
			 rows[i].why);
		assert_memory_equal(info.msg, want, strlen(want));
		world_fini(&b);

		/* Both damaged: nothing restored, and a refusal. */
		assert_int_equal(truncate(prev, 10), 0);
		world_init(&b, orgs);
		assert_int_equal(ctl_persist_restore(dir, cfg, orgs, &b.snap, b.clients, &b.learned,
						     NULL, T0, &info),
				 -EBADMSG);
		assert_int_equal(ctl_clients_entries(b.clients), 0);
		world_fini(&b);
		world_fini(&a);
	}
}

/* Bytes of a file, malloc'd; *n its length. */
static uint8_t *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = malloc(1 << 20);

	assert_non_null(f);
	*n = fread(b, 1, 1 << 20, f);
	fclose(f);
	return b;
}

/* After falling back to the previous generation, the damaged newest is
 * moved aside, so the first write does not rotate it over the generation
 * just restored. */
static void
test_ctl_persist_fallback_keeps_good(void **state)
{
	char cur[PATH_MAX + 16], prev[PATH_MAX + 16], aside[PATH_MAX + 32];
	struct ctl_persist_info info;
	struct world a, b;
	uint8_t *good, *after;
	size_t n_good, n_after;

	(void)state;
	clean();
	snprintf(cur, sizeof(cur), "%s/state", dir);
	snprintf(prev, sizeof(prev), "%s/state.1", dir);
	snprintf(aside, sizeof(aside), "%s/state.damaged", dir);
	world_init(&a, orgs);
	fill(&a);
	assert_int_equal(write_gen(&a), 0);
	a.snap.total.rx_pkts = 2000;
	assert_int_equal(write_gen(&a), 0);
	assert_int_equal(truncate(cur, 100), 0);
	good = slurp(prev, &n_good);
	world_init(&b, orgs);
	assert_int_equal(
	    ctl_persist_restore(dir, cfg, orgs, &b.snap, b.clients, &b.learned, NULL, T0, &info),
	    0);
	assert_int_equal(info.restored, 2);
	assert_int_equal(access(aside, F_OK), 0);
	assert_int_equal(write_gen(&b), 0); /* the first write after the fallback */
	after = slurp(prev, &n_after);
	assert_int_equal(n_after, n_good);
	assert_memory_equal(after, good, n_good);
	free(good);
	free(after);
	world_fini(&b);
	world_fini(&a);
}

/* What is not a state file is refused before it is read whole: a FIFO
 * (opening it would wait for a writer forever), a directory, and a file
 * far larger than this configuration's state can be (a sparse 8 GiB file
 * with a good header). */
static void
test_ctl_persist_refuses_unread(void **state)
{
	static const struct {
		const char *what;
		const char *why;
	} rows[] = {
	    {"fifo", "not a regular file"},
	    {"directory", "not a regular file"},
	    {"huge", "larger than the state of this configuration can be"},
	};
	char cur[PATH_MAX + 16], prev[PATH_MAX + 16];

	(void)state;
	snprintf(cur, sizeof(cur), "%s/state", dir);
	snprintf(prev, sizeof(prev), "%s/state.1", dir);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ctl_persist_info info;
		struct world a, b;
		char want[PATH_MAX + 128];

		print_message("row %zu: %s\n", i, rows[i].what);
		clean();
		rmdir(cur);
		world_init(&a, orgs);
		fill(&a);
		assert_int_equal(write_gen(&a), 0);
		assert_int_equal(rename(cur, prev), 0);
		if (i == 0) {
			assert_int_equal(mkfifo(cur, 0600), 0);
		} else if (i == 1) {
			assert_int_equal(mkdir(cur, 0700), 0);
		} else {
			FILE *f = fopen(cur, "wb");

			fwrite("TCSTATE\0\x04\x03\x02\x01\x01\0\0\0", 1, 16, f);
			fclose(f);
			assert_int_equal(truncate(cur, 8ll << 30), 0);
		}
		world_init(&b, orgs);
		assert_int_equal(ctl_persist_restore(dir, cfg, orgs, &b.snap, b.clients, &b.learned,
						     NULL, T0, &info),
				 0);
		assert_int_equal(info.restored, 2);
		snprintf(want, sizeof(want), "%s: %s", cur, rows[i].why);
		if (strncmp(info.msg, want, strlen(want)) != 0)
			fail_msg("'%s' does not start with '%s'", info.msg, want);
		world_fini(&b);
		world_fini(&a);
		unlink(cur);
		rmdir(cur);
	}
	clean();
}

/* An organisation gone from the table: its entries are counted and
 * reported; the others map by id onto their new indexes. */
static void
test_ctl_persist_org_gone(void **state)
{
	struct world a, b;
	struct ctl_persist_info info;

	(void)state;
	clean();
	world_init(&a, orgs);
	fill(&a);
	assert_int_equal(write_gen(&a), 0);
	world_init(&b, fewer);
	assert_int_equal(
	    ctl_persist_restore(dir, cfg, fewer, &b.snap, b.clients, &b.learned, NULL, T0, &info),
	    0);
	assert_int_equal(info.dropped, 3); /* gov-a's counter set and its two clients */
	assert_int_equal(info.counters, 1);
	assert_int_equal(info.clients, 2); /* bank-b's, and its unverified one */
	/* bank-b is organisation 1 now. */
	assert_int_equal(b.snap.base_ctr[(1 * 2 + 1) * DP_SIG_COUNT + DP_SIG_QUIC_SNI].sessions, 2);
	assert_int_equal(ctl_clients_count(b.clients, 1, 1), 1);
	assert_non_null(strstr(info.msg, "3 entries name organisations or vendors no longer "
					 "configured: not restored"));
	world_fini(&b);
	world_fini(&a);
}

/* The census's unsent sketches carry their key's fingerprint: a restart
 * with another census key refuses the state, naming both; with the same
 * key they come back. */
static void
test_ctl_persist_census_key(void **state)
{
	struct ctl_census_cfg ka = {.tap = "tap_a", .database = "", .interval = 60};
	struct ctl_census_cfg kb = ka;
	struct ctl_census *ca, *cb;
	struct ctl_persist_info info;
	struct world a, b;
	struct ctl_census_feed feed;
	uint8_t addr[16] = {192, 0, 2, 9};
	char err[512];

	(void)state;
	for (int i = 0; i < 16; i++) {
		ka.key[i] = (uint8_t)i;
		kb.key[i] = (uint8_t)(0xf0 | i);
	}
	clean();
	assert_non_null(ca = ctl_census_create(&ka, false));
	assert_non_null(cb = ctl_census_create(&kb, false));
	/* Both fingerprints as Python's hashlib gives them:
	 * sha256(b"tapcensus census key" + key)[:8].hex(). */
	assert_string_equal(ctl_census_fingerprint(ca), "a8f91dba70533f8b");
	world_init(&a, orgs);
	assert_int_equal(ctl_census_add(ca, &orgs->orgs[1], "kaspersky", 4, addr, 64, T0), 0);
	{
		struct ctl_persist_src src = {cfg, orgs, &a.snap, a.clients, &a.learned, ca};

		assert_int_equal(ctl_persist_write(dir, &src, T0 + 10, err, sizeof(err)), 0);
	}
	world_init(&b, orgs);
	feed = (struct ctl_census_feed){cb, cfg, orgs};
	assert_int_equal(
	    ctl_persist_restore(dir, cfg, orgs, &b.snap, b.clients, &b.learned, &feed, T0, &info),
	    -EKEYREJECTED);
	if (strstr(info.msg, "1 unsent census sketches were made with the client-hash key of "
			     "fingerprint a8f91dba70533f8b; census.key_file gives ") == NULL ||
	    strstr(info.msg, ctl_census_fingerprint(cb)) == NULL)
		fail_msg("%s", info.msg);
	world_fini(&b);
	ctl_census_free(cb);
	world_init(&b, orgs);
	assert_non_null(cb = ctl_census_create(&ka, false));
	feed.census = cb;
	assert_int_equal(
	    ctl_persist_restore(dir, cfg, orgs, &b.snap, b.clients, &b.learned, &feed, T0, &info),
	    0);
	assert_int_equal(info.sketches, 1);
	world_fini(&b);
	world_fini(&a);
	ctl_census_free(ca);
	ctl_census_free(cb);
	clean();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_persist_round_trip),
	    cmocka_unit_test(test_ctl_persist_damaged),
	    cmocka_unit_test(test_ctl_persist_fallback_keeps_good),
	    cmocka_unit_test(test_ctl_persist_refuses_unread),
	    cmocka_unit_test(test_ctl_persist_org_gone),
	    cmocka_unit_test(test_ctl_persist_census_key),
	};

	if (tb_eal_init())
		return 1;
	return cmocka_run_group_tests(tests, setup, NULL);
}
