/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_census_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_index.h"
#include "ctl_snapshot.h"
#include "dp_types.h"

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
static int
grow(void **a, uint32_t n, uint32_t *cap, size_t sz)
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
		if (grow((void **)&s->e, s->n, &s->cap, sizeof(*s->e)) != 0)
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

/* ---- Session totals ---- */

/* The total of (org, vendor, sig), made with prev 0 when new; NULL when
 * out of memory. */
static struct stot *
stot_get(struct ctl_census_store *s, const char *org, const char *vendor, unsigned sig)
{
	struct total_key k;
	uint32_t i;

	memset(&k, 0, sizeof(k));
	k.sig = sig;
	snprintf(k.org, sizeof(k.org), "%s", org);
	snprintf(k.vendor, sizeof(k.vendor), "%s", vendor);
	i = ctl_index_find(&s->tix, s->t, &k);
	if (i != CTL_INDEX_NONE)
		return &s->t[i];
	if (grow((void **)&s->t, s->n_t, &s->cap_t, sizeof(*s->t)) != 0)
		return NULL;
	memset(&s->t[s->n_t], 0, sizeof(s->t[0]));
	s->t[s->n_t].k = k;
	if (ctl_index_insert(&s->tix, s->t, s->n_t) != 0)
		return NULL;
	return &s->t[s->n_t++];
}

int
ctl_census_store_import_total(struct ctl_census_store *s, const char *org, const char *vendor,
			      unsigned sig, uint64_t prev, uint64_t prev_name_only)
{
	struct stot *t = stot_get(s, org, vendor, sig);

	if (t == NULL)
		return -ENOMEM;
	t->prev = prev;
	t->prev_name_only = prev_name_only;
	t->known = true;
	return 0;
}

/* n sessions of t on day, name_only of them resting on the name alone
 * (the latest day first: a replay's come in order). */
static int
day_add(struct stot *t, uint32_t day, uint64_t n, uint64_t name_only)
{
	for (uint32_t i = t->n_days; i-- > 0;)
		if (t->days[i].day == day) {
			t->days[i].n += n;
			t->days[i].n_name_only += name_only;
			return 0;
		}
	if (grow((void **)&t->days, t->n_days, &t->cap_days, sizeof(*t->days)) != 0)
		return -ENOMEM;
	t->days[t->n_days++] = (struct sday){.day = day, .n = n, .n_name_only = name_only};
	return 0;
}

int
ctl_census_store_session(struct ctl_census_store *s, const struct ctl_org *org, const char *vendor,
			 unsigned sig, bool name_only, uint32_t day)
{
	struct stot *t;

	if (!s->daily)
		return 0;
	if ((t = stot_get(s, org->id, vendor, sig)) == NULL || day_add(t, day, 1, name_only) != 0) {
		s->st.sessions_lost++;
		return -ENOMEM;
	}
	t->lab = *org;
	t->labelled = true;
	/* New since the start (priming met no total of it): from 0, and kept
	 * in the state file from now on. */
	t->known = true;
	return 0;
}

static struct ctl_census_srow *
srow_new(struct ctl_census_batch *b, size_t *cap, const struct stot *t)
{
	struct ctl_census_srow *r;

	if (b->n_srows == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		struct ctl_census_srow *g = realloc(b->srows, nc * sizeof(*g));

		if (g == NULL)
			return NULL;
		b->srows = g;
		*cap = nc;
	}
	r = &b->srows[b->n_srows++];
	memset(r, 0, sizeof(*r));
	memcpy(r->org, t->k.org, sizeof(r->org));
	memcpy(r->vendor, t->k.vendor, sizeof(r->vendor));
	r->sig = (uint8_t)t->k.sig;
	r->lab = t->lab;
	r->labelled = t->labelled;
	return r;
}

/* Daily: a row per (organisation, vendor, signal) and day with sessions
 * not yet sent, chained from the last pushed total. */
static int
daily_rows(struct ctl_census_store *s, struct ctl_census_batch *b)
{
	size_t cap = 0;

	for (uint32_t i = 0; i < s->n_t; i++) {
		struct stot *t = &s->t[i];
		uint64_t running = t->prev, running_no = t->prev_name_only;

		for (uint32_t k = 0; k < t->n_days; k++) {
			struct ctl_census_srow *r = srow_new(b, &cap, t);

			if (r == NULL)
				return -ENOMEM;
			r->day = t->days[k].day;
			r->first = running;
			r->last = running += t->days[k].n;
			r->first_name_only = running_no;
			r->last_name_only = running_no += t->days[k].n_name_only;
		}
	}
	/* Taken only once every row is made. */
	for (uint32_t i = 0; i < s->n_t; i++)
		for (uint32_t k = 0; k < s->t[i].n_days; k++) {
			s->t[i].days[k].taken = s->t[i].days[k].n;
			s->t[i].days[k].taken_name_only = s->t[i].days[k].n_name_only;
		}
	return 0;
}

/* Daily, after a batch: what it sent leaves the days (sent), or stays to
 * be taken again; the emptied days go. */
static void
daily_done(struct ctl_census_store *s, bool sent)
{
	for (uint32_t i = 0; i < s->n_t; i++) {
		struct stot *t = &s->t[i];
		uint32_t w = 0;

		for (uint32_t k = 0; k < t->n_days; k++) {
			if (sent) {
				t->days[k].n -= t->days[k].taken;
				t->days[k].n_name_only -= t->days[k].taken_name_only;
			}
			t->days[k].taken = 0;
			t->days[k].taken_name_only = 0;
			if (t->days[k].n != 0)
				t->days[w++] = t->days[k];
		}
		t->n_days = w;
	}
}

/* Each (organisation, vendor group, signal) with product sessions, its
 * total now against the last push's, as a row of the day into b (prime:
 * no rows, b NULL; the totals become the "before" - counted before this
 * start). */
static int
totals(struct ctl_census_store *s, const struct ctl_census_src *src, struct ctl_census_batch *b)
{
	const struct ctl_snapshot *snap;
	bool prime = b == NULL;
	uint32_t day;
	size_t cap = 0;

	if (src == NULL)
		return 0; /* no counters */
	snap = src->snap;
	day = (uint32_t)(src->clock / 86400);
	for (uint32_t o = 1; o < src->orgs->n_orgs && o < snap->n_orgs; o++) {
		if (src->orgs->orgs[o].parked)
			continue;
		for (unsigned g = 0; g < src->cfg->n_groups; g++)
			for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++) {
				uint64_t total = 0, total_no = 0;
				struct ctl_census_srow *r;
				struct stot *t;

				for (unsigned v = 0; v < src->cfg->n_vendors && v < snap->n_vendors;
				     v++)
					if (src->cfg->vendors[v].group == g &&
					    src->cfg->vendors[v].product) {
						const struct dp_org_ctr *k =
						    ctl_snapshot_ctr(snap, o, v, sig);

						total += k->sessions;
						total_no += k->name_only;
					}
				if (total == 0)
					continue;
				t = stot_get(s, src->orgs->orgs[o].id,
					     ctl_config_group_name(src->cfg, g), sig);
				if (t == NULL)
					return -ENOMEM;
				t->lab = src->orgs->orgs[o];
				t->labelled = true;
				if (total < t->prev || total_no < t->prev_name_only)
					/* counters began again (no state file) */
					t->prev = t->prev_name_only = 0;
				/* Priming takes the totals as they are, but not over
				 * restored ones; a total first met later began at 0
				 * (everything before was primed). */
				if (prime && !t->known) {
					t->prev = total;
					t->prev_name_only = total_no;
				}
				t->known = true;
				/* Daily: sessions counted before a restart and not
				 * pushed go to the day it restarts on; the rest come
				 * from the sightings. */
				if (s->daily) {
					if (prime && total > t->prev &&
					    day_add(t, day, total - t->prev,
						    total_no - t->prev_name_only) != 0)
						return -ENOMEM;
					continue;
				}
				if (prime || (total == t->prev && total_no == t->prev_name_only))
					continue;
				if ((r = srow_new(b, &cap, t)) == NULL)
					return -ENOMEM;
				r->day = day;
				r->first = t->prev;
				r->last = total;
				r->first_name_only = t->prev_name_only;
				r->last_name_only = total_no;
			}
	}
	return 0;
}

int
ctl_census_store_prime(struct ctl_census_store *s, const struct ctl_census_src *src)
{
	return totals(s, src, NULL);
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
		rc = s->daily ? daily_rows(s, b) : totals(s, src, b);
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
		struct stot *t = stot_get(s, r->org, r->vendor, r->sig);

		if (t != NULL) {
			t->prev = r->last;
			t->prev_name_only = r->last_name_only;
			t->known = true;
		}
	}
	/* Not sent: the counters' rows are made again from the totals next
	 * time, the days' stay. */
	if (s->daily)
		daily_done(s, sent);
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
