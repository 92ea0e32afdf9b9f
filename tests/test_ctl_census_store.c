/* SPDX-License-Identifier: BSD-3-Clause */
/* ctl_census_store without a database: sketches by (day, organisation,
 * vendor) with the exact counts of the explicit form, batches taken, sent
 * and failed (pending again), a client arriving while a batch is out, the
 * daily session rows chained from the last pushed total, the state file's
 * round trip, and the bound on kept sketches (the oldest day dropped). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctl_census_store.h"
#include "ctl_index.h"

#define KEEP 2000 /* sketches kept at most */

static struct ctl_org
org(const char *id)
{
	struct ctl_org o;

	memset(&o, 0, sizeof(o));
	snprintf(o.id, sizeof(o.id), "%s", id);
	snprintf(o.name, sizeof(o.name), "Org %s", id);
	snprintf(o.country, sizeof(o.country), "US");
	snprintf(o.sector, sizeof(o.sector), "Government");
	o.government = true;
	return o;
}

/* A client hash the test makes (distinct per (k, i), any 64-bit value). */
static uint64_t
hash_of(unsigned k, unsigned i)
{
	uint64_t x = ((uint64_t)k << 32 | i) * 0x9e3779b97f4a7c15ull;

	return x ^ (x >> 29);
}

static const struct ctl_census_row *
row_of(const struct ctl_census_batch *b, uint32_t day, const char *org_id, const char *vendor)
{
	for (size_t i = 0; i < b->n_rows; i++)
		if (b->rows[i].day == day && strcmp(b->rows[i].org.id, org_id) == 0 &&
		    strcmp(b->rows[i].vendor, vendor) == 0)
			return &b->rows[i];
	return NULL;
}

/* The row's sketch (bytea's text) unpacked: its estimate. */
static double
row_estimate(const struct ctl_census_row *r)
{
	uint8_t b[CTL_HLL_PACKED_MAX];
	size_t n = (strlen(r->sketch) - 2) / 2;
	struct ctl_hll h;
	double est;

	assert_memory_equal(r->sketch, "\\x", 2);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(r->sketch + 2 + 2 * i, "%2x", &v), 1);
		b[i] = (uint8_t)v;
	}
	assert_int_equal(ctl_hll_unpack(&h, b, n), 0);
	est = ctl_hll_cardinality(&h);
	ctl_hll_fini(&h);
	return est;
}

static void
test_ctl_census_store_sketches(void **state)
{
	static const struct {
		uint32_t day;
		const char *org, *vendor;
		unsigned clients, again; /* distinct clients, then the first again many */
	} rows[] = {
	    {19800, "AS64500", "kaspersky", 3, 2},
	    {19800, "AS64501", "kaspersky", 1, 0},
	    {19801, "AS64500", "kaspersky", 150, 150}, /* explicit up to 160: exact */
	    {19800, "AS64500", "other", 7, 1},
	    {19802, "org-with-a-long-id-0123456789-0123456789-0123456789-01234567", "kaspersky", 2,
	     0},
	};
	const size_t n = sizeof(rows) / sizeof(rows[0]);
	struct ctl_census_store *s = ctl_census_store_create(false, KEEP);
	struct ctl_census_store_stats st;
	struct ctl_census_batch b;

	(void)state;
	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		struct ctl_org o = org(rows[i].org);

		for (unsigned k = 0; k < rows[i].clients; k++)
			assert_int_equal(ctl_census_store_client(s, rows[i].day, &o, rows[i].vendor,
								 hash_of((unsigned)i, k)),
					 0);
		for (unsigned k = 0; k < rows[i].again; k++)
			assert_int_equal(ctl_census_store_client(s, rows[i].day, &o, rows[i].vendor,
								 hash_of((unsigned)i, k)),
					 0);
	}
	for (size_t i = 0; i < n; i++)
		assert_true(ctl_census_store_estimate(s, rows[i].day, rows[i].org,
						      rows[i].vendor) == rows[i].clients);
	assert_true(ctl_census_store_estimate(s, 19801, "AS64501", "kaspersky") == -1);
	ctl_census_store_stats(s, &st);
	assert_int_equal(st.sketches, n);
	assert_int_equal(st.pending, n);

	/* Taken: a row each, its sketch the same count; failed: all pending
	 * again, and the next batch the same. */
	for (int round = 0; round < 2; round++) {
		assert_int_equal(ctl_census_store_take(s, NULL, &b), 0);
		assert_int_equal(b.n_rows, n);
		assert_int_equal(b.n_srows, 0);
		for (size_t i = 0; i < n; i++) {
			const struct ctl_census_row *r =
			    row_of(&b, rows[i].day, rows[i].org, rows[i].vendor);

			assert_non_null(r);
			assert_string_equal(r->org.name, org(rows[i].org).name);
			assert_true(row_estimate(r) == rows[i].clients);
		}
		ctl_census_store_stats(s, &st);
		assert_int_equal(st.pending, n); /* out: still unsent */
		ctl_census_store_sent(s, &b, round == 1);
		assert_null(b.rows);
	}
	ctl_census_store_stats(s, &st);
	assert_int_equal(st.pending, 0);
	assert_int_equal(ctl_census_store_take(s, NULL, &b), 0);
	assert_int_equal(b.n_rows, 0);
	ctl_census_store_sent(s, &b, true);

	/* A client while a batch is out: pending after the batch went. */
	{
		struct ctl_org o = org("AS64501");

		assert_int_equal(ctl_census_store_client(s, 19800, &o, "kaspersky", 1), 0);
		assert_int_equal(ctl_census_store_take(s, NULL, &b), 0);
		assert_int_equal(b.n_rows, 1);
		assert_int_equal(ctl_census_store_client(s, 19800, &o, "kaspersky", 2), 0);
		ctl_census_store_sent(s, &b, true);
		ctl_census_store_stats(s, &st);
		assert_int_equal(st.pending, 1);
		assert_true(ctl_census_store_estimate(s, 19800, "AS64501", "kaspersky") == 3);
	}
	ctl_census_store_free(s);
}

/* Daily sessions: rows per day chained from the last pushed total. */
static void
test_ctl_census_store_daily_sessions(void **state)
{
	static const struct {
		uint32_t day;
		unsigned sig;
		bool name_only;
	} first[] = {{19800, 0, false}, {19800, 0, true}, {19801, 0, false}, {19800, 2, false}},
	  then[] = {{19801, 0, true}, {19802, 0, false}};
	static const struct {
		uint32_t day;
		unsigned sig;
		uint64_t first, last, nfirst, nlast;
	} want1[] = {{19800, 0, 0, 2, 0, 1}, {19801, 0, 2, 3, 1, 1}, {19800, 2, 0, 1, 0, 0}},
	  want2[] = {{19801, 0, 3, 4, 1, 2}, {19802, 0, 4, 5, 2, 2}};
	struct ctl_census_store *s = ctl_census_store_create(true, KEEP);
	struct ctl_org o = org("AS64500");
	struct ctl_census_batch b;

	(void)state;
	assert_non_null(s);
	for (size_t i = 0; i < sizeof(first) / sizeof(first[0]); i++)
		assert_int_equal(ctl_census_store_session(s, &o, "kaspersky", first[i].sig,
							  first[i].name_only, first[i].day),
				 0);
	for (int round = 0; round < 2; round++) { /* failed, then sent: the same rows */
		assert_int_equal(ctl_census_store_take(s, NULL, &b), 0);
		assert_int_equal(b.n_rows, 0);
		assert_int_equal(b.n_srows, sizeof(want1) / sizeof(want1[0]));
		for (size_t i = 0; i < b.n_srows; i++) {
			const struct ctl_census_srow *r = &b.srows[i];
			size_t k = 0;

			while (k < b.n_srows && !(want1[k].day == r->day && want1[k].sig == r->sig))
				k++;
			assert_true(k < b.n_srows);
			assert_string_equal(r->org, "AS64500");
			assert_string_equal(r->vendor, "kaspersky");
			assert_true(r->labelled);
			assert_string_equal(r->lab.sector, "Government");
			assert_int_equal(r->first, want1[k].first);
			assert_int_equal(r->last, want1[k].last);
			assert_int_equal(r->first_name_only, want1[k].nfirst);
			assert_int_equal(r->last_name_only, want1[k].nlast);
		}
		ctl_census_store_sent(s, &b, round == 1);
	}
	for (size_t i = 0; i < sizeof(then) / sizeof(then[0]); i++)
		assert_int_equal(ctl_census_store_session(s, &o, "kaspersky", then[i].sig,
							  then[i].name_only, then[i].day),
				 0);
	assert_int_equal(ctl_census_store_take(s, NULL, &b), 0);
	assert_int_equal(b.n_srows, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(b.srows[i].day, want2[i].day);
		assert_int_equal(b.srows[i].first, want2[i].first);
		assert_int_equal(b.srows[i].last, want2[i].last);
		assert_int_equal(b.srows[i].first_name_only, want2[i].nfirst);
		assert_int_equal(b.srows[i].last_name_only, want2[i].nlast);
	}
	ctl_census_store_sent(s, &b, true);
	assert_int_equal(ctl_census_store_take(s, NULL, &b), 0);
	assert_int_equal(b.n_srows, 0);
	ctl_census_store_free(s);
}

struct exported {
	struct ctl_census_store *to;
	unsigned sketches, totals;
};

static void
put_sketch(void *arg, uint32_t day, const char *o, const char *vendor, const uint8_t *b, size_t len)
{
	struct exported *x = arg;
	struct ctl_org lab = org(o);

	assert_int_equal(ctl_census_store_import_sketch(x->to, &lab, vendor, day, b, len), 0);
	x->sketches++;
}

static void
put_total(void *arg, const char *o, const char *vendor, unsigned sig, uint64_t prev,
	  uint64_t prev_no)
{
	struct exported *x = arg;

	assert_int_equal(ctl_census_store_import_total(x->to, o, vendor, sig, prev, prev_no), 0);
	x->totals++;
}

/* The state file's part: pending sketches and pushed totals come back. */
static void
test_ctl_census_store_export_import(void **state)
{
	struct ctl_census_store *a = ctl_census_store_create(true, KEEP);
	struct exported x = {ctl_census_store_create(true, KEEP), 0, 0};
	struct ctl_org o = org("AS64500");
	struct ctl_census_batch b;

	(void)state;
	assert_non_null(a);
	assert_non_null(x.to);
	for (unsigned k = 0; k < 40; k++)
		assert_int_equal(ctl_census_store_client(a, 19800, &o, "kaspersky", hash_of(9, k)),
				 0);
	assert_int_equal(ctl_census_store_session(a, &o, "kaspersky", 1, false, 19800), 0);
	assert_int_equal(ctl_census_store_take(a, NULL, &b), 0);
	ctl_census_store_sent(a, &b, true); /* the total 1 pushed, the sketch sent */
	assert_int_equal(ctl_census_store_client(a, 19801, &o, "kaspersky", hash_of(9, 1)), 0);
	ctl_census_store_export(a, put_sketch, put_total, &x);
	assert_int_equal(x.sketches, 1); /* only the unsent one */
	assert_int_equal(x.totals, 1);
	assert_true(ctl_census_store_estimate(x.to, 19801, "AS64500", "kaspersky") == 1);
	assert_true(ctl_census_store_estimate(x.to, 19800, "AS64500", "kaspersky") == -1);
	/* The restored total is the "before" of the next session row. */
	assert_int_equal(ctl_census_store_session(x.to, &o, "kaspersky", 1, false, 19801), 0);
	assert_int_equal(ctl_census_store_take(x.to, NULL, &b), 0);
	assert_int_equal(b.n_rows, 1);
	assert_int_equal(b.n_srows, 1);
	assert_int_equal(b.srows[0].first, 1);
	assert_int_equal(b.srows[0].last, 2);
	ctl_census_store_sent(x.to, &b, true);
	ctl_census_store_free(a);
	ctl_census_store_free(x.to);
}

/* At the bound (the census's is CTL_CENSUS_KEEP_MAX) the oldest day's go (counted as
 * dropped when unsent); while a batch is out none goes and a new sketch
 * is refused (counted as a lost client). */
static void
test_ctl_census_store_bounded(void **state)
{
	enum { PER_DAY = 100 };
	struct ctl_census_store *s = ctl_census_store_create(false, KEEP);
	struct ctl_census_store_stats st;
	struct ctl_census_batch b;
	char id[32];

	(void)state;
	assert_non_null(s);
	for (unsigned i = 0; i < KEEP; i++) {
		struct ctl_org o;

		snprintf(id, sizeof(id), "AS%u", i % PER_DAY);
		o = org(id);
		assert_int_equal(
		    ctl_census_store_client(s, 19000 + i / PER_DAY, &o, "kaspersky", i), 0);
	}
	assert_int_equal(ctl_census_store_take(s, NULL, &b), 0);
	{
		struct ctl_org o = org("AS-new");

		assert_int_equal(ctl_census_store_client(s, 20000, &o, "kaspersky", 1), -ENOMEM);
		ctl_census_store_sent(s, &b, false); /* all pending again */
		assert_int_equal(ctl_census_store_client(s, 20000, &o, "kaspersky", 1), 0);
	}
	ctl_census_store_stats(s, &st);
	assert_int_equal(st.clients_lost, 1);
	assert_int_equal(st.dropped, PER_DAY);
	assert_int_equal(st.sketches, KEEP - PER_DAY + 1);
	assert_true(ctl_census_store_estimate(s, 19000, "AS0", "kaspersky") == -1);
	assert_true(ctl_census_store_estimate(s, 19001, "AS0", "kaspersky") == 1);
	assert_true(ctl_census_store_estimate(s, 20000, "AS-new", "kaspersky") == 1);
	ctl_census_store_free(s);
}

/* The index alone: keys found where they were put, after a rebuild too. */
static void
test_ctl_index(void **state)
{
	struct elem {
		uint32_t key[2];
		uint32_t val;
	} e[5000];
	struct ctl_index ix;

	(void)state;
	ctl_index_init(&ix, sizeof(e[0].key), sizeof(e[0]));
	assert_int_equal(ctl_index_find(&ix, e, (uint32_t[2]){1, 2}), CTL_INDEX_NONE);
	for (uint32_t i = 0; i < 5000; i++) {
		e[i] = (struct elem){{i * 7, i ^ 0x55}, i};
		assert_int_equal(ctl_index_insert(&ix, e, i), 0);
	}
	for (uint32_t i = 0; i < 5000; i++)
		assert_int_equal(ctl_index_find(&ix, e, e[i].key), i);
	assert_int_equal(ctl_index_find(&ix, e, (uint32_t[2]){7, 1}), CTL_INDEX_NONE);
	/* Reversed, then rebuilt: each found at its new place. */
	for (uint32_t i = 0; i < 2500; i++) {
		struct elem t = e[i];

		e[i] = e[4999 - i];
		e[4999 - i] = t;
	}
	assert_int_equal(ctl_index_rebuild(&ix, e, 5000), 0);
	for (uint32_t i = 0; i < 5000; i++)
		assert_int_equal(ctl_index_find(&ix, e, e[i].key), i);
	ctl_index_fini(&ix);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ctl_index),
	    cmocka_unit_test(test_ctl_census_store_sketches),
	    cmocka_unit_test(test_ctl_census_store_daily_sessions),
	    cmocka_unit_test(test_ctl_census_store_export_import),
	    cmocka_unit_test(test_ctl_census_store_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
