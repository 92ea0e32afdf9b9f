/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_census_store_private.h - between the census store's two files: the
 * sketches and batches (ctl_census_store.c) and the session totals
 * (ctl_census_totals.c).  Not for other modules: they use
 * ctl_census_store.h.
 */
#ifndef CTL_CENSUS_STORE_PRIVATE_H
#define CTL_CENSUS_STORE_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "ctl_census_store.h"
#include "ctl_index.h"

/* Keys are zeroed before they are filled (ctl_index.h). */
struct sketch_key {
	uint32_t day;
	char org[CTL_ORG_ID_LEN];
	char vendor[CTL_NAME_LEN];
};

struct entry {
	struct sketch_key k; /* first: the index's key */
	struct ctl_org org;  /* labels, as last seen */
	struct ctl_hll h;
	bool dirty;   /* changed since last sent */
	bool sending; /* in the batch out */
};

/* Daily: one day's sessions not sent yet; taken: how many the batch out
 * took. */
struct sday {
	uint32_t day;
	uint64_t n, taken;
	uint64_t n_name_only, taken_name_only; /* of n: resting on the name alone */
};

struct total_key {
	uint32_t sig;
	char org[CTL_ORG_ID_LEN];
	char vendor[CTL_NAME_LEN];
};

/* Per (organisation, vendor group, signal): the total as last pushed. */
struct stot {
	struct total_key k;
	bool known;    /* prev is a pushed (or restored, or primed) total */
	bool labelled; /* lab holds the organisation's labels (not yet, when restored) */
	struct ctl_org lab;
	uint64_t prev, prev_name_only;
	struct sday *days; /* daily: in the order they came */
	uint32_t n_days, cap_days;
};

struct ctl_census_store {
	bool daily;
	uint32_t keep_max;
	bool out; /* a batch is out */
	struct entry *e;
	uint32_t n, cap;
	struct ctl_index ix;
	struct stot *t;
	uint32_t n_t, cap_t;
	struct ctl_index tix;
	struct ctl_census_store_stats st;
};

/* Room for one more element of an array of n (cap) elements of size sz:
 * 0, or -ENOMEM (the array as it was). */
int ctl_census_store_grow(void **a, uint32_t n, uint32_t *cap, size_t sz);

/* The total of (org, vendor, sig), made with prev 0 when new; NULL when
 * out of memory. */
struct stot *ctl_census_stot_get(struct ctl_census_store *s, const char *org, const char *vendor,
				 unsigned sig);

/* Daily: the batch's session rows, a row per (organisation, vendor,
 * signal) and day not yet sent, chained from the last pushed total.
 * 0, or -ENOMEM. */
int ctl_census_totals_daily(struct ctl_census_store *s, struct ctl_census_batch *b);

/* Daily, after a batch: what it sent leaves the days (sent), or stays to
 * be taken again. */
void ctl_census_totals_done(struct ctl_census_store *s, bool sent);

/* Live: the batch's session rows from the counters in src (b NULL: none,
 * the totals primed as the "before").  0, or -ENOMEM. */
int ctl_census_totals_rows(struct ctl_census_store *s, const struct ctl_census_src *src,
			   struct ctl_census_batch *b);

#endif
