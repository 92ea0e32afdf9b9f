/* SPDX-License-Identifier: BSD-3-Clause */
/* The census store's session totals: per (organisation, vendor group,
 * signal) the total as last pushed and, daily, each day's sessions not
 * sent yet (ctl_census_store.h; the sketches are ctl_census_store.c). */
#include "ctl_census_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_census_store_private.h"
#include "ctl_snapshot.h"
#include "dp_types.h"

/* The total of (org, vendor, sig), made with prev 0 when new; NULL when
 * out of memory. */
struct stot *
ctl_census_stot_get(struct ctl_census_store *s, const char *org, const char *vendor, unsigned sig)
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
	if (ctl_census_store_grow((void **)&s->t, s->n_t, &s->cap_t, sizeof(*s->t)) != 0)
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
	struct stot *t = ctl_census_stot_get(s, org, vendor, sig);

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
	if (ctl_census_store_grow((void **)&t->days, t->n_days, &t->cap_days, sizeof(*t->days)) !=
	    0)
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
	if ((t = ctl_census_stot_get(s, org->id, vendor, sig)) == NULL ||
	    day_add(t, day, 1, name_only) != 0) {
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
int
ctl_census_totals_daily(struct ctl_census_store *s, struct ctl_census_batch *b)
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
void
ctl_census_totals_done(struct ctl_census_store *s, bool sent)
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
int
ctl_census_totals_rows(struct ctl_census_store *s, const struct ctl_census_src *src,
		       struct ctl_census_batch *b)
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
				t = ctl_census_stot_get(s, src->orgs->orgs[o].id,
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
	return ctl_census_totals_rows(s, src, NULL);
}
