/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_census_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_census_store_private.h"
#include "ctl_index.h"
#include "ctl_snapshot.h"
#include "dp_types.h"

struct ctl_census_store *
ctl_census_store_create(bool daily, uint32_t keep_max)
{
	struct ctl_census_store *s = calloc(1, sizeof(*s));

	if (s == NULL || keep_max == 0) {
		free(s);
		return NULL;
	}
	s->daily = daily;
	s->keep_max = keep_max;
	ctl_index_init(&s->ix, sizeof(struct sketch_key), sizeof(struct entry));
	ctl_index_init(&s->tix, sizeof(struct total_key), sizeof(struct stot));
	return s;
}

void
ctl_census_store_free(struct ctl_census_store *s)
{
	if (s == NULL)
		return;
	for (uint32_t i = 0; i < s->n; i++)
		ctl_hll_fini(&s->e[i].h);
	for (uint32_t i = 0; i < s->n_t; i++)
		free(s->t[i].days);
	free(s->e);
	free(s->t);
	ctl_index_fini(&s->ix);
	ctl_index_fini(&s->tix);
	free(s);
}

/* Room for one more element of an array of n (cap) elements of size sz. */
int
ctl_census_store_grow(void **a, uint32_t n, uint32_t *cap, size_t sz)
{
	uint32_t nc;
	void *g;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 256;
	if ((g = realloc(*a, (size_t)nc * sz)) == NULL)
		return -ENOMEM;
	*a = g;
	*cap = nc;
	return 0;
}

/* The oldest day's sketches dropped while at keep_max (the
 * pending ones counted), the index made again. */
static int
keep_bounded(struct ctl_census_store *s)
{
	while (s->n >= s->keep_max) {
		uint32_t oldest = UINT32_MAX, w = 0;

		for (uint32_t i = 0; i < s->n; i++)
			if (s->e[i].k.day < oldest)
				oldest = s->e[i].k.day;
		for (uint32_t i = 0; i < s->n; i++) {
			if (s->e[i].k.day == oldest) {
				s->st.dropped += s->e[i].dirty;
				ctl_hll_fini(&s->e[i].h);
				continue;
			}
			s->e[w++] = s->e[i];
		}
		s->n = w;
	}
	return ctl_index_rebuild(&s->ix, s->e, s->n);
}

/* The entry of (day, org, vendor), made when new; NULL out of memory (or
 * full while a batch is out: its rows name their entries). */
static struct entry *
entry_get(struct ctl_census_store *s, uint32_t day, const struct ctl_org *org, const char *vendor)
{
	struct sketch_key k;
	struct entry *e;
	uint32_t i;

	memset(&k, 0, sizeof(k));
	k.day = day;
	snprintf(k.org, sizeof(k.org), "%s", org->id);
	snprintf(k.vendor, sizeof(k.vendor), "%s", vendor);
	i = ctl_index_find(&s->ix, s->e, &k);
	if (i == CTL_INDEX_NONE) {
		if (s->n >= s->keep_max && (s->out || keep_bounded(s) != 0))
			return NULL;
		if (ctl_census_store_grow((void **)&s->e, s->n, &s->cap, sizeof(*s->e)) != 0)
			return NULL;
		e = &s->e[s->n];
		memset(e, 0, sizeof(*e));
		e->k = k;
		ctl_hll_init(&e->h);
		if (ctl_index_insert(&s->ix, s->e, s->n) != 0) {
			ctl_hll_fini(&e->h);
			return NULL;
		}
		i = s->n++;
	}
	e = &s->e[i];
	e->org = *org; /* labels as the table says now */
	return e;
}

int
ctl_census_store_client(struct ctl_census_store *s, uint32_t day, const struct ctl_org *org,
			const char *vendor, uint64_t hash)
{
	struct entry *e = entry_get(s, day, org, vendor);

	if (e == NULL || ctl_hll_add(&e->h, hash) != 0) {
		s->st.clients_lost++;
		return -ENOMEM;
	}
	e->dirty = true;
	return 0;
}

int
ctl_census_store_import_sketch(struct ctl_census_store *s, const struct ctl_org *org,
			       const char *vendor, uint32_t day, const uint8_t *sketch, size_t len)
{
	struct ctl_hll h;
	struct entry *e;
	int rc = ctl_hll_unpack(&h, sketch, len);

	if (rc != 0)
		return rc;
	e = entry_get(s, day, org, vendor);
	rc = e == NULL ? -ENOMEM : ctl_hll_union(&e->h, &h);
	if (rc == 0)
		e->dirty = true;
	ctl_hll_fini(&h);
	return rc;
}

double
ctl_census_store_estimate(const struct ctl_census_store *s, uint32_t day, const char *org,
			  const char *vendor)
{
	struct sketch_key k;
	uint32_t i;

	memset(&k, 0, sizeof(k));
	k.day = day;
	snprintf(k.org, sizeof(k.org), "%s", org);
	snprintf(k.vendor, sizeof(k.vendor), "%s", vendor);
	i = ctl_index_find(&s->ix, s->e, &k);
	return i == CTL_INDEX_NONE ? -1 : ctl_hll_cardinality(&s->e[i].h);
}

/* ---- Batches ---- */

void
ctl_census_batch_free(struct ctl_census_batch *b)
{
	free(b->rows);
	free(b->srows);
	memset(b, 0, sizeof(*b));
}

/* The pending sketches, packed, into b (marked sending). */
static int
take_sketches(struct ctl_census_store *s, struct ctl_census_batch *b)
{
	size_t n = 0;

	for (uint32_t i = 0; i < s->n; i++)
		n += s->e[i].dirty;
	if (n == 0)
		return 0;
	if ((b->rows = malloc(n * sizeof(*b->rows))) == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < s->n; i++) {
		struct entry *e = &s->e[i];
		struct ctl_census_row *r;
		uint8_t p[CTL_HLL_PACKED_MAX];
		size_t len;

		if (!e->dirty)
			continue;
		r = &b->rows[b->n_rows++];
		r->day = e->k.day;
		memcpy(r->vendor, e->k.vendor, sizeof(r->vendor));
		r->org = e->org;
		r->entry = i;
		len = ctl_hll_pack(&e->h, p);
		memcpy(r->sketch, "\\x", 2);
		for (size_t k = 0; k < len; k++)
			snprintf(r->sketch + 2 + 2 * k, 3, "%02x", p[k]);
		e->dirty = false;
		e->sending = true;
	}
	return 0;
}

int
ctl_census_store_take(struct ctl_census_store *s, const struct ctl_census_src *src,
		      struct ctl_census_batch *b)
{
	int rc;

	memset(b, 0, sizeof(*b));
	rc = take_sketches(s, b);
	if (rc == 0)
		rc = s->daily ? ctl_census_totals_daily(s, b) : ctl_census_totals_rows(s, src, b);
	if (rc != 0) {
		ctl_census_store_sent(s, b, false);
		return rc;
	}
	s->out = b->n_rows + b->n_srows > 0;
	return 0;
}

void
ctl_census_store_sent(struct ctl_census_store *s, struct ctl_census_batch *b, bool sent)
{
	for (size_t i = 0; i < b->n_rows; i++) {
		struct entry *e = &s->e[b->rows[i].entry];

		e->sending = false;
		e->dirty |= !sent;
	}
	for (size_t i = 0; sent && i < b->n_srows; i++) {
		const struct ctl_census_srow *r = &b->srows[i];
		struct stot *t = ctl_census_stot_get(s, r->org, r->vendor, r->sig);

		if (t != NULL) {
			t->prev = r->last;
			t->prev_name_only = r->last_name_only;
			t->known = true;
		}
	}
	/* Not sent: the counters' rows are made again from the totals next
	 * time, the days' stay. */
	if (s->daily)
		ctl_census_totals_done(s, sent);
	ctl_census_batch_free(b);
	s->out = false;
}

void
ctl_census_store_export(const struct ctl_census_store *s, ctl_census_sketch_fn sketch,
			ctl_census_total_fn total, void *arg)
{
	uint8_t b[CTL_HLL_PACKED_MAX];

	for (uint32_t i = 0; i < s->n; i++)
		if (s->e[i].dirty || s->e[i].sending)
			sketch(arg, s->e[i].k.day, s->e[i].org.id, s->e[i].k.vendor, b,
			       ctl_hll_pack(&s->e[i].h, b));
	for (uint32_t i = 0; i < s->n_t; i++)
		if (s->t[i].known)
			total(arg, s->t[i].k.org, s->t[i].k.vendor, s->t[i].k.sig, s->t[i].prev,
			      s->t[i].prev_name_only);
}

void
ctl_census_store_stats(const struct ctl_census_store *s, struct ctl_census_store_stats *out)
{
	*out = s->st;
	out->sketches = s->n;
	out->pending = 0;
	for (uint32_t i = 0; i < s->n; i++)
		out->pending += s->e[i].dirty || s->e[i].sending;
}
