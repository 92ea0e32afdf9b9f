/* SPDX-License-Identifier: BSD-3-Clause */
/* The census: fed, kept (ctl_census_store.c), pushed (ctl_census_push.c)
 * at its interval, backing off while the database is away. */
#include "ctl_census.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_census_push.h"
#include "ctl_hll.h"
#include "ctl_promtext.h"

struct ctl_census {
	struct ctl_census_cfg cfg;
	struct ctl_hll_hasher hasher;	      /* keyed with cfg.key */
	char fingerprint[CTL_HLL_FP_LEN + 1]; /* the key's (ctl_hll_key_fingerprint) */
	struct ctl_census_store *store;
	struct ctl_census_push *push;
	struct ctl_census_batch batch; /* the push under way's */
	uint64_t next_push;
	unsigned failures; /* in a row: the next push waits interval << failures (at most 64x) */
	struct ctl_census_stats st; /* the pushes' (the store keeps its own) */
};

struct ctl_census *
ctl_census_create(const struct ctl_census_cfg *cfg, bool daily)
{
	struct ctl_census *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->cfg = *cfg;
	if (ctl_hll_hasher_init(&c->hasher, cfg->key) != 0 ||
	    ctl_hll_key_fingerprint(cfg->key, c->fingerprint) != 0 ||
	    (c->store = ctl_census_store_create(daily, CTL_CENSUS_KEEP_MAX)) == NULL ||
	    (c->push = ctl_census_push_create(cfg, c->fingerprint)) == NULL) {
		ctl_census_free(c);
		return NULL;
	}
	return c;
}

void
ctl_census_free(struct ctl_census *c)
{
	if (c == NULL)
		return;
	ctl_census_push_free(c->push); /* waits for one under way: the batch is read */
	ctl_census_batch_free(&c->batch);
	ctl_census_store_free(c->store);
	ctl_hll_hasher_fini(&c->hasher);
	memset(&c->cfg.key, 0, sizeof(c->cfg.key));
	free(c);
}

int
ctl_census_add(struct ctl_census *c, const struct ctl_org *org, const char *vendor, uint8_t family,
	       const uint8_t *addr, unsigned v6_prefix, uint32_t now)
{
	return ctl_census_store_client(c->store, now / 86400, org, vendor,
				       ctl_hll_hasher_client(&c->hasher, family, addr, v6_prefix));
}

/* ---- The feed ---- */

/* The product role of an organisation the census counts ev under, or
 * NULL. */
static const struct ctl_vendor *
counted(const struct ctl_census_feed *f, const struct dp_client_event *ev)
{
	unsigned v = ev->vendor & (unsigned)~DP_CLIENT_UNVERIFIED;

	if (f == NULL || f->census == NULL || v >= f->cfg->n_vendors ||
	    ev->org == DP_ORG_UNATTRIBUTED || ev->org >= f->orgs->n_orgs ||
	    f->orgs->orgs[ev->org].parked || !f->cfg->vendors[v].product)
		return NULL;
	return &f->cfg->vendors[v];
}

void
ctl_census_feed_client(const struct ctl_census_feed *f, const struct dp_client_event *ev,
		       uint32_t seen)
{
	const struct ctl_vendor *vd = counted(f, ev);

	if (vd != NULL && !(ev->vendor & DP_CLIENT_UNVERIFIED))
		ctl_census_add(f->census, &f->orgs->orgs[ev->org], vd->name, ev->family, ev->addr,
			       f->cfg->client_v6_prefix, seen);
}

void
ctl_census_feed(const struct ctl_census_feed *f, const struct dp_client_sighting *s, unsigned n)
{
	for (unsigned i = 0; f != NULL && f->census != NULL && i < n; i++) {
		const struct ctl_vendor *vd = counted(f, &s[i].ev);

		if (vd == NULL)
			continue;
		if (s[i].decided)
			ctl_census_store_session(f->census->store, &f->orgs->orgs[s[i].ev.org],
						 ctl_config_group_name(f->cfg, vd->group), s[i].sig,
						 s[i].name_only != 0, s[i].seen / 86400);
		ctl_census_feed_client(f, &s[i].ev, s[i].seen);
	}
}

/* ---- The state file's part ---- */

void
ctl_census_export(const struct ctl_census *c, ctl_census_sketch_fn sketch,
		  ctl_census_total_fn total, void *arg)
{
	ctl_census_store_export(c->store, sketch, total, arg);
}

int
ctl_census_import_sketch(struct ctl_census *c, const struct ctl_org *org, const char *vendor,
			 uint32_t day, const uint8_t *sketch, size_t len)
{
	return ctl_census_store_import_sketch(c->store, org, vendor, day, sketch, len);
}

int
ctl_census_import_total(struct ctl_census *c, const char *org, const char *vendor, unsigned sig,
			uint64_t prev, uint64_t prev_name_only)
{
	return ctl_census_store_import_total(c->store, org, vendor, sig, prev, prev_name_only);
}

int
ctl_census_prime(struct ctl_census *c, const struct ctl_census_src *src)
{
	return ctl_census_store_prime(c->store, src);
}

/* ---- Pushes ---- */

/* A push that ended (rc): counted, told when it failed; the store told. */
static void
account(struct ctl_census *c, int rc, const char *err, bool final)
{
	if (rc == 0) {
		c->failures = 0;
		c->st.pushes_ok++;
		c->st.sketches_sent += c->batch.n_rows;
		c->st.last_ok = (uint64_t)time(NULL); /* the wall's, even in a replay */
		c->st.last_error[0] = '\0';
	} else {
		c->failures += c->failures < 6;
		c->st.pushes_failed++;
		snprintf(c->st.last_error, sizeof(c->st.last_error), "%s", err);
		if (final)
			fprintf(stderr,
				"tapcensus: census: the final push to the database failed "
				"(%zu sketches, %zu session rows not pushed): %s\n",
				c->batch.n_rows, c->batch.n_srows, err);
		else
			fprintf(stderr,
				"tapcensus: census: push to the database failed (%zu "
				"sketches kept for the next): %s\n",
				c->batch.n_rows, err);
	}
	ctl_census_store_sent(c->store, &c->batch, rc == 0);
}

/* The push under way, if it ended (wait: when it ends), accounted. */
static void
collect(struct ctl_census *c, bool wait)
{
	char err[512];
	int rc;

	if (ctl_census_push_poll(c->push, wait, &rc, err, sizeof(err)))
		account(c, rc, err, false);
}

void
ctl_census_tick(struct ctl_census *c, uint64_t now_s, const struct ctl_census_src *src)
{
	collect(c, false);
	if (ctl_census_push_running(c->push) || now_s < c->next_push)
		return;
	/* Backing off while the database is away: 1, 2, 4 ... 64 intervals. */
	c->next_push = now_s + ((uint64_t)c->cfg.interval << c->failures);
	if (ctl_census_store_take(c->store, src, &c->batch) != 0 ||
	    c->batch.n_rows + c->batch.n_srows == 0)
		return;
	if (ctl_census_push_start(c->push, &c->batch) != 0)
		account(c, -EAGAIN, "cannot start the push thread", false);
}

int
ctl_census_flush(struct ctl_census *c, const struct ctl_census_src *src)
{
	char err[512];
	int rc;

	collect(c, true);
	if (ctl_census_store_take(c->store, src, &c->batch) != 0)
		return -ENOMEM;
	/* Nothing to send: still a push when one went through before, to
	 * free the tap's name for the next run. */
	if (c->batch.n_rows + c->batch.n_srows == 0 && !ctl_census_push_claimed(c->push))
		return 0;
	rc = ctl_census_push_final(c->push, &c->batch, err, sizeof(err));
	account(c, rc, err, true);
	return rc == 0 ? 0 : -EIO;
}

const char *
ctl_census_fingerprint(const struct ctl_census *c)
{
	return c->fingerprint;
}

void
ctl_census_stats(const struct ctl_census *c, struct ctl_census_stats *out)
{
	struct ctl_census_store_stats s;

	ctl_census_store_stats(c->store, &s);
	*out = c->st;
	out->sketches_dropped = s.dropped;
	out->clients_lost = s.clients_lost;
	out->sessions_lost = s.sessions_lost;
	out->sketches = s.sketches;
	out->pending = s.pending;
}

void
ctl_census_render(FILE *f, const struct ctl_census_stats *s)
{
	ctl_promtext_family(f, "tapcensus_push_total", "counter",
			    "Pushes of the unique-client sketches to the census database, by "
			    "result (a failed one is retried at the next interval).");
	fprintf(f, "tapcensus_push_total{result=\"ok\"} %" PRIu64 "\n", s->pushes_ok);
	fprintf(f, "tapcensus_push_total{result=\"failed\"} %" PRIu64 "\n", s->pushes_failed);
	ctl_promtext_scalar(f, "tapcensus_push_sketches_sent_total", "counter",
			    "Sketch rows written to the census database (a day's sketch again "
			    "as it grows).",
			    s->sketches_sent);
	ctl_promtext_scalar(f, "tapcensus_push_pending_sketches", "gauge",
			    "Sketches changed since they were last pushed.", s->pending);
	ctl_promtext_scalar(f, "tapcensus_push_sketches", "gauge",
			    "Sketches kept: (organisation, vendor, day) with a product client.",
			    s->sketches);
	ctl_promtext_scalar(f, "tapcensus_push_sketches_dropped_total", "counter",
			    "Unsent sketches given up for room: the oldest day's first (at most "
			    "200,000 kept while the database is away).",
			    s->sketches_dropped);
	ctl_promtext_scalar(f, "tapcensus_push_clients_lost_total", "counter",
			    "Client sightings not sketched for lack of memory.", s->clients_lost);
	ctl_promtext_scalar(f, "tapcensus_push_sessions_lost_total", "counter",
			    "Sessions of an offline replay not kept by day for lack of memory.",
			    s->sessions_lost);
	ctl_promtext_scalar(f, "tapcensus_push_last_success_timestamp_seconds", "gauge",
			    "When the last push succeeded (0: never).", s->last_ok);
}

/* The state section written in one walk of the store: the sketches into
 * the section (their count patched in after), the totals into a buffer of
 * their own appended after them. */
struct state_walk {
	struct ctl_state_out *o, totals;
	uint64_t n_sketches, n_totals;
};

static void
put_sketch(void *arg, uint32_t day, const char *org, const char *vendor, const uint8_t *b,
	   size_t len)
{
	struct state_walk *w = arg;
	uint16_t n = (uint16_t)len;

	CTL_STATE_PUT(w->o, day);
	ctl_state_put_name(w->o, org);
	ctl_state_put_name(w->o, vendor);
	CTL_STATE_PUT(w->o, n);
	ctl_state_put(w->o, b, len);
	w->n_sketches++;
}

static void
put_total(void *arg, const char *org, const char *vendor, unsigned sig, uint64_t prev,
	  uint64_t prev_name_only)
{
	struct state_walk *w = arg;
	uint8_t sg = (uint8_t)sig;

	ctl_state_put_name(&w->totals, org);
	ctl_state_put_name(&w->totals, vendor);
	CTL_STATE_PUT(&w->totals, sg);
	CTL_STATE_PUT(&w->totals, prev);
	CTL_STATE_PUT(&w->totals, prev_name_only);
	w->n_totals++;
}

void
ctl_census_state_write(struct ctl_state_out *o, const struct ctl_census *c)
{
	struct state_walk w = {.o = o};
	size_t at;

	ctl_state_put_name(o, c != NULL ? ctl_census_fingerprint(c) : "");
	at = o->len;
	CTL_STATE_PUT(o, w.n_sketches); /* patched after the walk */
	if (c != NULL)
		ctl_census_export(c, put_sketch, put_total, &w);
	ctl_state_put_at(o, at, &w.n_sketches, sizeof(w.n_sketches));
	CTL_STATE_PUT(o, w.n_totals);
	if (w.totals.len > 0)
		ctl_state_put(o, w.totals.b, w.totals.len);
	o->oom |= w.totals.oom;
	free(w.totals.b);
}

int
ctl_census_state_read(struct ctl_state_in *in, const struct ctl_orgs *orgs, struct ctl_census *c,
		      uint64_t *restored)
{
	char fp[CTL_STATE_NAME_MAX + 1] = "";
	uint64_t n;

	if (in->version >= 6)
		ctl_state_get_name(in, fp, sizeof(fp));
	CTL_STATE_GET(in, n);
	if (n > 0 && c != NULL && fp[0] != '\0' && !in->short_read &&
	    strcmp(fp, ctl_census_fingerprint(c)) != 0) {
		ctl_state_tell(in,
			       "%" PRIu64 " unsent census sketches were made with the client-hash "
			       "key of fingerprint %s; census.key_file gives %s: put the old key "
			       "back until they are pushed, or move the state aside (they are "
			       "then lost); docs/census.md: key rotation\n",
			       n, fp, ctl_census_fingerprint(c));
		return -EKEYREJECTED;
	}
	for (uint64_t k = 0; k < n && !in->short_read; k++) {
		char org[CTL_STATE_NAME_MAX + 1], vendor[CTL_STATE_NAME_MAX + 1];
		uint8_t b[CTL_HLL_PACKED_MAX];
		uint32_t day;
		uint16_t len;
		int32_t o;

		CTL_STATE_GET(in, day);
		ctl_state_get_name(in, org, sizeof(org));
		ctl_state_get_name(in, vendor, sizeof(vendor));
		CTL_STATE_GET(in, len);
		if (in->short_read || len > sizeof(b)) {
			in->short_read = true;
			return 0;
		}
		ctl_state_get(in, b, len);
		o = ctl_orgs_find(orgs, org);
		if (c == NULL || o <= 0 ||
		    ctl_census_import_sketch(c, &orgs->orgs[o], vendor, day, b, len) != 0)
			in->dropped++;
		else
			(*restored)++;
	}
	CTL_STATE_GET(in, n);
	for (uint64_t k = 0; k < n && !in->short_read; k++) {
		char org[CTL_STATE_NAME_MAX + 1], vendor[CTL_STATE_NAME_MAX + 1];
		uint64_t prev, prev_name_only = 0;
		uint8_t sig;

		ctl_state_get_name(in, org, sizeof(org));
		ctl_state_get_name(in, vendor, sizeof(vendor));
		CTL_STATE_GET(in, sig);
		CTL_STATE_GET(in, prev);
		if (in->version >= 5)
			CTL_STATE_GET(in, prev_name_only);
		if (!in->short_read && c != NULL && sig < DP_SIG_COUNT)
			ctl_census_import_total(c, org, vendor, sig, prev, prev_name_only);
	}
	return 0;
}
