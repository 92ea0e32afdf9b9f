/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_census.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "ctl_hll.h"
#include "dp_types.h"
#include "ctl_promtext.h"
#include "ctl_snapshot.h"

#define NO_ENTRY UINT32_MAX

struct entry {
	uint32_t day; /* days since 1970-01-01, UTC */
	char vendor[CTL_NAME_LEN];
	struct ctl_org org; /* id and labels, as last seen */
	struct ctl_hll h;
	bool dirty;
	uint32_t next; /* hash chain */
};

struct row {
	uint32_t day;
	char vendor[CTL_NAME_LEN];
	struct ctl_org org;
	char sketch[2 + 2 * CTL_HLL_PACKED_MAX + 1]; /* \x and hex: bytea's text */
	uint32_t entry;
};

/* Offline (ctl_census_daily): sessions of one day, from the sightings of
 * flows' decisions, not yet sent; taken: how many the push under way took. */
struct sday {
	uint32_t day;
	uint64_t n, taken;
	uint64_t n_name_only, taken_name_only; /* of n: resting on the name alone */
};

/* Sessions: per (organisation, vendor, signal) of product roles, the total
 * as of the last push; a push writes the day's row from there.  Offline,
 * the days with sessions not yet sent (in the order they came). */
struct stot {
	char org[CTL_ORG_ID_LEN];
	char vendor[CTL_NAME_LEN];
	uint8_t sig;
	bool known; /* prev is a pushed (or restored, or primed) total */
	bool labelled; /* lab holds the organisation's labels (not yet, when restored) */
	struct ctl_org lab;
	uint64_t prev;
	uint64_t prev_name_only; /* of prev: the sessions resting on the name alone */
	uint32_t next;
	struct sday *days;
	uint32_t n_days, cap_days;
};

struct srow {
	uint32_t day;
	char org[CTL_ORG_ID_LEN];
	char vendor[CTL_NAME_LEN];
	uint8_t sig;
	bool labelled;
	struct ctl_org lab; /* its organisation's row goes first (foreign key) */
	uint64_t first, last; /* the totals before and after this push */
	uint64_t first_name_only, last_name_only; /* the same, of the name-only sessions */
};

struct ctl_census {
	struct ctl_census_cfg cfg;
	struct ctl_hll_hasher hasher; /* keyed with cfg.key */
	char fingerprint[CTL_HLL_FP_LEN + 1]; /* the key's (ctl_hll_key_fingerprint) */
	char instance[17];  /* this process, random: its claim on cfg.tap */
	char host[64];      /* this host's name, told to another instance */
	bool claimed;       /* a push went through: the final one releases */
	struct stot *t;
	uint32_t n_t, cap_t;
	uint32_t *tbuckets; /* [n_buckets_t] */
	uint32_t n_buckets_t;
	struct srow *srows;
	size_t n_srows;
	bool daily; /* sessions from the sightings' days (offline), not the counters' */
	struct entry *e;
	uint32_t n, cap;
	uint32_t *buckets;
	uint32_t n_buckets;
	uint64_t next_push;
	/* The push under way. */
	pthread_t thread;
	bool running;
	bool done; /* set by the push thread as it ends (release) */
	int result;
	char err[512];
	struct row *rows;
	size_t n_rows;
	unsigned failures; /* in a row: the next push waits interval << failures (at most 64x) */
	bool stopping;     /* the final push (ctl_census_flush) */
	struct ctl_census_stats st;
};

static uint32_t
key_hash(uint32_t day, const char *org, const char *vendor)
{
	uint32_t h = 2166136261u ^ day;

	for (const char *s = org; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (const char *s = vendor; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

struct ctl_census *
ctl_census_create(const struct ctl_census_cfg *cfg)
{
	struct ctl_census *c = calloc(1, sizeof(*c));
	uint8_t rnd[8];

	if (c == NULL)
		return NULL;
	c->cfg = *cfg;
	if (ctl_hll_hasher_init(&c->hasher, cfg->key) != 0 ||
	    ctl_hll_key_fingerprint(cfg->key, c->fingerprint) != 0 ||
	    getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		goto fail;
	for (unsigned i = 0; i < sizeof(rnd); i++)
		snprintf(c->instance + 2 * i, 3, "%02x", rnd[i]);
	if (gethostname(c->host, sizeof(c->host)) != 0)
		snprintf(c->host, sizeof(c->host), "?");
	c->host[sizeof(c->host) - 1] = '\0';
	c->n_buckets = 1u << 12;
	c->buckets = malloc(c->n_buckets * sizeof(*c->buckets));
	if (c->buckets == NULL)
		goto fail;
	memset(c->buckets, 0xff, c->n_buckets * sizeof(*c->buckets));
	return c;
fail:
	ctl_hll_hasher_fini(&c->hasher);
	memset(&c->cfg.key, 0, sizeof(c->cfg.key));
	free(c);
	return NULL;
}

static void
join_push(struct ctl_census *c)
{
	if (!c->running)
		return;
	pthread_join(c->thread, NULL);
	c->running = false;
}

void
ctl_census_free(struct ctl_census *c)
{
	if (c == NULL)
		return;
	join_push(c);
	for (uint32_t i = 0; i < c->n; i++)
		ctl_hll_fini(&c->e[i].h);
	free(c->e);
	free(c->buckets);
	free(c->rows);
	for (uint32_t i = 0; i < c->n_t; i++)
		free(c->t[i].days);
	free(c->t);
	free(c->tbuckets);
	free(c->srows);
	ctl_hll_hasher_fini(&c->hasher);
	memset(&c->cfg.key, 0, sizeof(c->cfg.key));
	free(c);
}

/* Twice the buckets, every entry chained again. */
static int
rehash(struct ctl_census *c)
{
	uint32_t n = c->n_buckets * 2, *b = malloc(n * sizeof(*b));

	if (b == NULL)
		return -ENOMEM;
	memset(b, 0xff, n * sizeof(*b));
	for (uint32_t i = 0; i < c->n; i++) {
		uint32_t k = key_hash(c->e[i].day, c->e[i].org.id, c->e[i].vendor) & (n - 1);

		c->e[i].next = b[k];
		b[k] = i;
	}
	free(c->buckets);
	c->buckets = b;
	c->n_buckets = n;
	return 0;
}

static struct stot *stot_get(struct ctl_census *c, const char *org, const char *vendor,
			     unsigned sig);

/* The oldest day's sketches dropped while more than CTL_CENSUS_KEEP_MAX
 * are kept (the unsent ones counted); the table rebuilt. */
static void
keep_bounded(struct ctl_census *c)
{
	while (c->n >= CTL_CENSUS_KEEP_MAX) {
		uint32_t oldest = UINT32_MAX, w = 0;

		for (uint32_t i = 0; i < c->n; i++)
			if (c->e[i].day < oldest)
				oldest = c->e[i].day;
		for (uint32_t i = 0; i < c->n; i++) {
			if (c->e[i].day == oldest) {
				c->st.sketches_dropped += c->e[i].dirty;
				ctl_hll_fini(&c->e[i].h);
				continue;
			}
			c->e[w++] = c->e[i];
		}
		c->n = w;
		memset(c->buckets, 0xff, c->n_buckets * sizeof(*c->buckets));
		for (uint32_t i = 0; i < c->n; i++) {
			uint32_t k = key_hash(c->e[i].day, c->e[i].org.id, c->e[i].vendor) &
				     (c->n_buckets - 1);

			c->e[i].next = c->buckets[k];
			c->buckets[k] = i;
		}
	}
}

/* The entry of (day, org, vendor), made when new; NULL out of memory. */
static struct entry *
entry_get(struct ctl_census *c, uint32_t day, const struct ctl_org *org, const char *vendor)
{
	uint32_t k, i;
	struct entry *e = NULL;

	k = key_hash(day, org->id, vendor) & (c->n_buckets - 1);
	for (i = c->buckets[k]; i != NO_ENTRY; i = c->e[i].next)
		if (c->e[i].day == day && strcmp(c->e[i].org.id, org->id) == 0 &&
		    strcmp(c->e[i].vendor, vendor) == 0) {
			e = &c->e[i];
			break;
		}
	if (e == NULL && c->n >= CTL_CENSUS_KEEP_MAX) {
		if (c->running)
			return NULL; /* no room while a push reads the rows' entries */
		keep_bounded(c);
		k = key_hash(day, org->id, vendor) & (c->n_buckets - 1);
	}
	if (e == NULL) {
		if (c->n == c->cap) {
			uint32_t cap = c->cap ? c->cap * 2 : 256;
			struct entry *grown = realloc(c->e, cap * sizeof(*grown));

			if (grown == NULL)
				return NULL;
			c->e = grown;
			c->cap = cap;
		}
		if (c->n >= c->n_buckets && rehash(c) == 0)
			k = key_hash(day, org->id, vendor) & (c->n_buckets - 1);
		e = &c->e[c->n];
		memset(e, 0, sizeof(*e));
		e->day = day;
		snprintf(e->vendor, sizeof(e->vendor), "%s", vendor);
		ctl_hll_init(&e->h);
		e->next = c->buckets[k];
		c->buckets[k] = c->n++;
	}
	e->org = *org; /* labels as the table says now */
	return e;
}

int
ctl_census_add(struct ctl_census *c, const struct ctl_org *org, const char *vendor,
	       uint8_t family, const uint8_t *addr, unsigned v6_prefix, uint32_t now)
{
	struct entry *e = entry_get(c, now / 86400, org, vendor);

	if (e == NULL ||
	    ctl_hll_add(&e->h, ctl_hll_hasher_client(&c->hasher, family, addr, v6_prefix)) != 0) {
		c->st.clients_lost++;
		return -ENOMEM;
	}
	e->dirty = true;
	return 0;
}

int
ctl_census_import_sketch(struct ctl_census *c, const struct ctl_org *org, const char *vendor,
			 uint32_t day, const uint8_t *sketch, size_t len)
{
	struct ctl_hll h;
	struct entry *e;
	int rc = ctl_hll_unpack(&h, sketch, len);

	if (rc != 0)
		return rc;
	e = entry_get(c, day, org, vendor);
	rc = e == NULL ? -ENOMEM : ctl_hll_union(&e->h, &h);
	if (rc == 0)
		e->dirty = true;
	ctl_hll_fini(&h);
	return rc;
}

int
ctl_census_import_total(struct ctl_census *c, const char *org, const char *vendor, unsigned sig,
			uint64_t prev, uint64_t prev_name_only)
{
	struct stot *t = stot_get(c, org, vendor, sig);

	if (t == NULL)
		return -ENOMEM;
	t->prev = prev;
	t->prev_name_only = prev_name_only;
	t->known = true;
	return 0;
}

void
ctl_census_export(const struct ctl_census *c, ctl_census_sketch_fn sketch,
		  ctl_census_total_fn total, void *arg)
{
	uint8_t b[CTL_HLL_PACKED_MAX];

	/* A push under way has taken its rows' sketches: they count as unsent
	 * until it ends well. */
	for (uint32_t i = 0; i < c->n; i++) {
		bool sending = false;

		for (size_t r = 0; c->running && r < c->n_rows && !sending; r++)
			sending = c->rows[r].entry == i;
		if (c->e[i].dirty || sending)
			sketch(arg, c->e[i].day, c->e[i].org.id, c->e[i].vendor, b,
			       ctl_hll_pack(&c->e[i].h, b));
	}
	for (uint32_t i = 0; i < c->n_t; i++)
		if (c->t[i].known)
			total(arg, c->t[i].org, c->t[i].vendor, c->t[i].sig, c->t[i].prev,
			      c->t[i].prev_name_only);
}

/* ---- The push ---- */

static int
exec_params(PGconn *db, const char *sql, int n, const char *const *v, char *err, size_t len)
{
	PGresult *r = PQexecParams(db, sql, n, NULL, v, NULL, NULL, 0);
	int ok = r != NULL && (PQresultStatus(r) == PGRES_COMMAND_OK ||
			       PQresultStatus(r) == PGRES_TUPLES_OK);

	if (!ok)
		snprintf(err, len, "%s", PQerrorMessage(db));
	PQclear(r);
	return ok ? 0 : -EIO;
}

static const char upsert_org[] =
	"INSERT INTO census.organisation (org_id, name, country, sector, government) "
	"VALUES ($1, $2, $3, $4, $5::boolean) ON CONFLICT (org_id) DO UPDATE SET "
	"name = EXCLUDED.name, country = EXCLUDED.country, sector = EXCLUDED.sector, "
	"government = EXCLUDED.government, updated = now() "
	/* Only the tap that labelled it first relabels it (census.sql). */
	"WHERE census.organisation.tap = current_user";
/* Days are UTC whatever the database session's time zone: a date made
 * from the day's number, never through a timestamp (to_timestamp()::date
 * is the day in the session's zone). */
/* The union of what the database has and this tap's sketch of the day:
 * a retry, or the same sketch again, changes nothing. */
static const char upsert_sketch[] =
	"INSERT INTO census.client_sketch (tap, day, org_id, vendor, sketch) "
	"VALUES ($1, DATE '1970-01-01' + $2::integer, $3, $4, $5::hll) "
	"ON CONFLICT (tap, day, org_id, vendor) DO UPDATE SET "
	"sketch = hll_union(census.client_sketch.sketch, EXCLUDED.sketch), updated = now()";

/* A session row keeps the total it began the day with (the first push's
 * "before"), and takes the latest: sessions = last - first, whatever the
 * retries. */
static const char upsert_sessions[] =
	"INSERT INTO census.sessions (tap, day, org_id, vendor, signal, first_total, last_total, "
	"name_only_first, name_only_last) "
	"VALUES ($1, DATE '1970-01-01' + $2::integer, $3, $4, $5, $6::bigint, $7::bigint, "
	"$8::bigint, $9::bigint) "
	"ON CONFLICT (tap, day, org_id, vendor, signal) DO UPDATE SET "
	"last_total = greatest(census.sessions.last_total, EXCLUDED.last_total), "
	"name_only_last = greatest(census.sessions.name_only_last, EXCLUDED.name_only_last), "
	"updated = now()";

/* The census's key: the first tap's fingerprint is kept (census.sql:
 * census.key_fingerprint, one row); every push compares its own. */
static const char claim_key[] =
	"INSERT INTO census.key_fingerprint (fingerprint) VALUES ($1) ON CONFLICT DO NOTHING";
static const char read_key[] =
	"SELECT fingerprint, first_tap, since::date FROM census.key_fingerprint";

/* The tap's name for this instance: taken when free, ours, or stale (no
 * push for 10 minutes); released by a clean stop (census.sql). */
static const char claim_tap[] =
	"INSERT INTO census.tap_instance (tap, instance, host, seen) "
	"VALUES (current_user, $1, $2, now()) ON CONFLICT (tap) DO UPDATE SET "
	"instance = EXCLUDED.instance, host = EXCLUDED.host, seen = now() "
	"WHERE census.tap_instance.instance = EXCLUDED.instance "
	"OR census.tap_instance.seen < now() - interval '10 minutes' RETURNING tap";
static const char read_tap[] =
	"SELECT host, to_char(seen AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
	"FROM census.tap_instance WHERE tap = current_user";
static const char release_tap[] =
	"UPDATE census.tap_instance SET seen = '-infinity' "
	"WHERE tap = current_user AND instance = $1";

/* -EADDRINUSE, told in err, when another tapcensus pushes under this
 * census.tap. */
static int
claim(PGconn *db, const struct ctl_census *c, char *err, size_t len)
{
	const char *v[] = {c->instance, c->host};
	PGresult *r = PQexecParams(db, claim_tap, 2, NULL, v, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, len, "%s", PQerrorMessage(db));
		rc = -EIO;
	} else if (PQntuples(r) == 0) {
		PQclear(r);
		r = PQexecParams(db, read_tap, 0, NULL, NULL, NULL, NULL, 0);
		snprintf(err, len,
			 "census.tap '%s' is pushed by another tapcensus (on %s, last push %s UTC): "
			 "two under one name lose sessions; give each tap its own census.tap (and "
			 "role), or stop the other (a clean stop frees the name; else 10 minutes "
			 "after its last push)",
			 c->cfg.tap,
			 PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0)
										   : "?",
			 PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? PQgetvalue(r, 0, 1)
										   : "?");
		rc = -EADDRINUSE;
	}
	PQclear(r);
	return rc;
}

/* -EKEYREJECTED, told in err, when the database's key is another. */
static int
check_key(PGconn *db, const char *fp, char *err, size_t len)
{
	const char *v[] = {fp};
	PGresult *r;
	int rc = exec_params(db, claim_key, 1, v, err, len);

	if (rc != 0)
		return rc;
	r = PQexecParams(db, read_key, 0, NULL, NULL, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		snprintf(err, len, "%s", PQresultStatus(r) == PGRES_TUPLES_OK
					     ? "census.key_fingerprint does not hold one row"
					     : PQerrorMessage(db));
		rc = -EIO;
	} else if (strcmp(PQgetvalue(r, 0, 0), fp) != 0) {
		snprintf(err, len,
			 "the census database's client-hash key has fingerprint %s (first pushed by "
			 "%s on %s); this tap's census.key_file gives %s: every tap of a census "
			 "shares one key, and sketches of two keys cannot be merged (README: key "
			 "rotation)",
			 PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), fp);
		rc = -EKEYREJECTED;
	}
	PQclear(r);
	return rc;
}

static void *
push(void *arg)
{
	struct ctl_census *c = arg;
	/* Every database call is bounded, so a stop is never held by the
	 * database: 10 s to connect, a statement 30 s, a lock 10 s, a silent
	 * TCP peer 30 s (these follow the operator's connection string). */
	const char *const keys[] = {"dbname", "connect_timeout", "application_name", "options",
				    "tcp_user_timeout", NULL};
	const char *const vals[] = {c->cfg.database, "10", "tapcensus",
				    "-c statement_timeout=30000 -c lock_timeout=10000",
				    "30000", NULL};
	PGconn *db = PQconnectdbParams(keys, vals, 1);
	int rc = 0;

	c->err[0] = '\0';
	if (db == NULL || PQstatus(db) != CONNECTION_OK) {
		snprintf(c->err, sizeof(c->err), "%s", db ? PQerrorMessage(db) : "out of memory");
		rc = -EIO;
	}
	if (rc == 0)
		rc = exec_params(db, "BEGIN", 0, NULL, c->err, sizeof(c->err));
	if (rc == 0)
		rc = check_key(db, c->fingerprint, c->err, sizeof(c->err));
	if (rc == 0)
		rc = claim(db, c, c->err, sizeof(c->err));
	for (size_t i = 0; rc == 0 && i < c->n_rows; i++) {
		const struct row *r = &c->rows[i];
		char day[16];
		const char *org[] = {r->org.id, r->org.name, r->org.country, r->org.sector,
				     r->org.government ? "true" : "false"};
		const char *sk[] = {c->cfg.tap, day, r->org.id, r->vendor, r->sketch};

		snprintf(day, sizeof(day), "%" PRIu32, r->day);
		rc = exec_params(db, upsert_org, 5, org, c->err, sizeof(c->err));
		if (rc == 0)
			rc = exec_params(db, upsert_sketch, 5, sk, c->err, sizeof(c->err));
	}
	for (size_t i = 0; rc == 0 && i < c->n_srows; i++) {
		const struct srow *r = &c->srows[i];
		char day[16], first[24], last[24], nfirst[24], nlast[24];
		const char *v[] = {c->cfg.tap, day, r->org, r->vendor, dp_signal_name(r->sig), first,
				   last, nfirst, nlast};
		const char *org[] = {r->lab.id, r->lab.name, r->lab.country, r->lab.sector,
				     r->lab.government ? "true" : "false"};

		/* Its organisation's row first: an organisation may have sessions
		 * and no client with evidence (no sketch row brought it). */
		if (r->labelled && (i == 0 || strcmp(c->srows[i - 1].org, r->org) != 0))
			rc = exec_params(db, upsert_org, 5, org, c->err, sizeof(c->err));
		if (rc != 0)
			break;
		snprintf(day, sizeof(day), "%" PRIu32, r->day);
		snprintf(first, sizeof(first), "%" PRIu64, r->first);
		snprintf(last, sizeof(last), "%" PRIu64, r->last);
		snprintf(nfirst, sizeof(nfirst), "%" PRIu64, r->first_name_only);
		snprintf(nlast, sizeof(nlast), "%" PRIu64, r->last_name_only);
		rc = exec_params(db, upsert_sessions, 9, v, c->err, sizeof(c->err));
	}
	if (rc == 0 && c->stopping) { /* a clean stop frees the name */
		const char *v[] = {c->instance};

		rc = exec_params(db, release_tap, 1, v, c->err, sizeof(c->err));
	}
	if (rc == 0)
		rc = exec_params(db, "COMMIT", 0, NULL, c->err, sizeof(c->err));
	if (rc == 0)
		c->claimed = true;
	PQfinish(db);
	c->err[strcspn(c->err, "\n")] = '\0';
	c->result = rc;
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static uint32_t
stot_hash(const char *org, const char *vendor, unsigned sig)
{
	return key_hash(sig, org, vendor);
}

/* The entry of (org, vendor, sig), made with prev 0 when new; NULL when
 * out of memory. */
static struct stot *
stot_get(struct ctl_census *c, const char *org, const char *vendor, unsigned sig)
{
	uint32_t k, i;

	if (c->n_buckets_t == 0 || c->n_t >= c->n_buckets_t) {
		uint32_t n = c->n_buckets_t ? c->n_buckets_t * 2 : 1024, *b = malloc(n * sizeof(*b));

		if (b == NULL)
			return NULL;
		memset(b, 0xff, n * sizeof(*b));
		for (i = 0; i < c->n_t; i++) {
			k = stot_hash(c->t[i].org, c->t[i].vendor, c->t[i].sig) & (n - 1);
			c->t[i].next = b[k];
			b[k] = i;
		}
		free(c->tbuckets);
		c->tbuckets = b;
		c->n_buckets_t = n;
	}
	k = stot_hash(org, vendor, sig) & (c->n_buckets_t - 1);
	for (i = c->tbuckets[k]; i != NO_ENTRY; i = c->t[i].next)
		if (c->t[i].sig == sig && strcmp(c->t[i].org, org) == 0 &&
		    strcmp(c->t[i].vendor, vendor) == 0)
			return &c->t[i];
	if (c->n_t == c->cap_t) {
		uint32_t cap = c->cap_t ? c->cap_t * 2 : 256;
		struct stot *g = realloc(c->t, cap * sizeof(*g));

		if (g == NULL)
			return NULL;
		c->t = g;
		c->cap_t = cap;
	}
	i = c->n_t++;
	memset(&c->t[i], 0, sizeof(c->t[i]));
	snprintf(c->t[i].org, sizeof(c->t[i].org), "%s", org);
	snprintf(c->t[i].vendor, sizeof(c->t[i].vendor), "%s", vendor);
	c->t[i].sig = (uint8_t)sig;
	c->t[i].next = c->tbuckets[k];
	c->tbuckets[k] = i;
	return &c->t[i];
}

void
ctl_census_daily(struct ctl_census *c)
{
	c->daily = true;
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
	if (t->n_days == t->cap_days) {
		uint32_t cap = t->cap_days ? t->cap_days * 2 : 4;
		struct sday *g = realloc(t->days, cap * sizeof(*g));

		if (g == NULL)
			return -ENOMEM;
		t->days = g;
		t->cap_days = cap;
	}
	t->days[t->n_days++] = (struct sday){.day = day, .n = n, .n_name_only = name_only};
	return 0;
}

int
ctl_census_session(struct ctl_census *c, const struct ctl_org *org, const char *vendor,
		   unsigned sig, bool name_only, uint32_t now)
{
	struct stot *t;

	if (!c->daily)
		return 0;
	if ((t = stot_get(c, org->id, vendor, sig)) == NULL ||
	    day_add(t, now / 86400, 1, name_only) != 0) {
		c->st.sessions_lost++;
		return -ENOMEM;
	}
	t->lab = *org;
	t->labelled = true;
	/* New since the start (priming met no total of it): from 0, and kept
	 * in the state file from now on. */
	t->known = true;
	return 0;
}

/* Offline: a row per (organisation, vendor, signal) and day with sessions
 * not yet sent, chained from the last pushed total. */
static int
daily_rows(struct ctl_census *c)
{
	size_t n = 0;

	free(c->srows);
	c->srows = NULL;
	c->n_srows = 0;
	for (uint32_t i = 0; i < c->n_t; i++)
		n += c->t[i].n_days;
	if (n == 0)
		return 0;
	if ((c->srows = malloc(n * sizeof(*c->srows))) == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < c->n_t; i++) {
		struct stot *t = &c->t[i];
		uint64_t running = t->prev, running_no = t->prev_name_only;

		for (uint32_t k = 0; k < t->n_days; k++) {
			struct srow *r = &c->srows[c->n_srows++];

			r->day = t->days[k].day;
			memcpy(r->org, t->org, sizeof(r->org));
			memcpy(r->vendor, t->vendor, sizeof(r->vendor));
			r->sig = t->sig;
			r->lab = t->lab;
			r->labelled = t->labelled;
			r->first = running;
			r->last = running += t->days[k].n;
			r->first_name_only = running_no;
			r->last_name_only = running_no += t->days[k].n_name_only;
			t->days[k].taken = t->days[k].n;
			t->days[k].taken_name_only = t->days[k].n_name_only;
		}
	}
	return 0;
}

/* After a push: what it sent leaves the days (sent: 1), or stays to be
 * taken again (0); the emptied days go. */
static void
daily_done(struct ctl_census *c, bool sent)
{
	for (uint32_t i = 0; i < c->n_t; i++) {
		struct stot *t = &c->t[i];
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

/* Each (organisation, vendor, signal) with product sessions, its total
 * now against the last push's, as a row of the day (prime: no rows, the
 * totals become the "before" - counted before this start). */
static int
totals(struct ctl_census *c, const struct ctl_census_src *src, bool prime)
{
	const struct ctl_snapshot *s = src->snap;
	uint32_t day = src->clock / 86400;
	size_t cap = 0;

	free(c->srows);
	c->srows = NULL;
	c->n_srows = 0;
	for (uint32_t o = 1; o < src->orgs->n_orgs && o < s->n_orgs; o++) {
		if (src->orgs->orgs[o].parked)
			continue;
		for (unsigned g = 0; g < src->cfg->n_groups; g++)
			for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++) {
				uint64_t total = 0, total_no = 0;
				struct stot *t;
				struct srow *r;

				for (unsigned v = 0; v < src->cfg->n_vendors && v < s->n_vendors; v++)
					if (src->cfg->vendors[v].group == g &&
					    src->cfg->vendors[v].product) {
						const struct dp_org_ctr *k = ctl_snapshot_ctr(s, o, v, sig);

						total += k->sessions;
						total_no += k->name_only;
					}
				if (total == 0)
					continue;
				t = stot_get(c, src->orgs->orgs[o].id,
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
				if (c->daily) {
					if (prime && total > t->prev &&
					    day_add(t, day, total - t->prev,
						    total_no - t->prev_name_only) != 0)
						return -ENOMEM;
					continue;
				}
				if (total == t->prev && total_no == t->prev_name_only)
					continue;
				if (c->n_srows == cap) {
					size_t nc = cap ? cap * 2 : 256;
					struct srow *g2 = realloc(c->srows, nc * sizeof(*g2));

					if (g2 == NULL)
						return -ENOMEM;
					c->srows = g2;
					cap = nc;
				}
				r = &c->srows[c->n_srows++];
				r->day = day;
				memcpy(r->org, t->org, sizeof(r->org));
				memcpy(r->vendor, t->vendor, sizeof(r->vendor));
				r->sig = (uint8_t)sig;
				r->lab = t->lab;
				r->labelled = true;
				r->first = t->prev;
				r->last = total;
				r->first_name_only = t->prev_name_only;
				r->last_name_only = total_no;
			}
	}
	return 0;
}

static int
take_sessions(struct ctl_census *c, const struct ctl_census_src *src)
{
	return c->daily ? daily_rows(c) : totals(c, src, false);
}

int
ctl_census_prime(struct ctl_census *c, const struct ctl_census_src *src)
{
	return totals(c, src, true);
}

/* A push that succeeded: its session totals are the new "before". */
static void
sessions_sent(struct ctl_census *c)
{
	for (size_t i = 0; i < c->n_srows; i++) {
		struct stot *t = stot_get(c, c->srows[i].org, c->srows[i].vendor, c->srows[i].sig);

		if (t != NULL) {
			t->prev = c->srows[i].last;
			t->prev_name_only = c->srows[i].last_name_only;
			t->known = true;
		}
	}
	c->n_srows = 0;
	if (c->daily)
		daily_done(c, true);
}

/* The sketches that changed, packed for the push thread (marked clean:
 * a failed push marks them changed again). */
static int
take_batch(struct ctl_census *c)
{
	size_t n = 0;
	struct row *rows;

	for (uint32_t i = 0; i < c->n; i++)
		n += c->e[i].dirty;
	free(c->rows);
	c->rows = NULL;
	c->n_rows = 0;
	if (n == 0)
		return 0;
	if ((rows = malloc(n * sizeof(*rows))) == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < c->n; i++) {
		struct entry *e = &c->e[i];
		uint8_t b[CTL_HLL_PACKED_MAX];
		size_t len;
		struct row *r;

		if (!e->dirty)
			continue;
		r = &rows[c->n_rows++];
		r->day = e->day;
		memcpy(r->vendor, e->vendor, sizeof(r->vendor));
		r->org = e->org;
		r->entry = i;
		len = ctl_hll_pack(&e->h, b);
		memcpy(r->sketch, "\\x", 2);
		for (size_t k = 0; k < len; k++)
			snprintf(r->sketch + 2 + 2 * k, 3, "%02x", b[k]);
		e->dirty = false;
	}
	c->rows = rows;
	return 0;
}

/* A push that ended: counted; its sketches changed again on failure. */
static void
account(struct ctl_census *c)
{
	if (c->result == 0) {
		sessions_sent(c);
		c->failures = 0;
		c->st.pushes_ok++;
		c->st.sketches_sent += c->n_rows;
		c->st.last_ok = (uint64_t)time(NULL); /* the wall's, even in a replay */
		c->st.last_error[0] = '\0';
	} else {
		c->failures += c->failures < 6;
		c->st.pushes_failed++;
		snprintf(c->st.last_error, sizeof(c->st.last_error), "%s", c->err);
		if (c->stopping)
			fprintf(stderr, "tapcensus: census: the final push to the database failed "
					"(%zu sketches, %zu session rows not pushed): %s\n",
				c->n_rows, c->n_srows, c->err);
		else
			fprintf(stderr, "tapcensus: census: push to the database failed (%zu "
					"sketches kept for the next): %s\n",
				c->n_rows, c->err);
		for (size_t i = 0; i < c->n_rows; i++)
			c->e[c->rows[i].entry].dirty = true;
		c->n_srows = 0; /* computed again from the totals next time */
		if (c->daily)
			daily_done(c, false);
	}
	c->n_rows = 0;
}

void
ctl_census_tick(struct ctl_census *c, uint64_t now_s, const struct ctl_census_src *src)
{
	if (c->running) {
		if (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE))
			return;
		join_push(c);
		account(c);
	}
	if (now_s < c->next_push)
		return;
	/* Backing off while the database is away: 1, 2, 4 ... 64 intervals. */
	c->next_push = now_s + ((uint64_t)c->cfg.interval << c->failures);
	if (take_batch(c) != 0 || take_sessions(c, src) != 0 || c->n_rows + c->n_srows == 0)
		return;
	c->done = false;
	c->running = pthread_create(&c->thread, NULL, push, c) == 0;
	if (!c->running) {
		c->result = -EAGAIN;
		snprintf(c->err, sizeof(c->err), "cannot start the push thread");
		account(c);
	}
}

int
ctl_census_flush(struct ctl_census *c, const struct ctl_census_src *src)
{
	if (c->running) {
		join_push(c);
		account(c);
	}
	if (take_batch(c) != 0 || take_sessions(c, src) != 0)
		return -ENOMEM;
	/* Nothing to send: still a push when one went through before, to
	 * free the tap's name for the next run. */
	if (c->n_rows + c->n_srows == 0 && !c->claimed)
		return 0;
	c->stopping = true;
	push(c); /* here: the process is stopping */
	account(c);
	return c->result == 0 ? 0 : -EIO;
}

const char *
ctl_census_fingerprint(const struct ctl_census *c)
{
	return c->fingerprint;
}

void
ctl_census_stats(const struct ctl_census *c, struct ctl_census_stats *out)
{
	*out = c->st;
	out->sketches = c->n;
	out->pending = 0;
	for (uint32_t i = 0; i < c->n; i++)
		out->pending += c->e[i].dirty;
	for (size_t i = 0; c->running && i < c->n_rows; i++)
		out->pending++; /* under way */
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
			    "as it grows).", s->sketches_sent);
	ctl_promtext_scalar(f, "tapcensus_push_pending_sketches", "gauge",
			    "Sketches changed since they were last pushed.", s->pending);
	ctl_promtext_scalar(f, "tapcensus_push_sketches", "gauge",
			    "Sketches kept: (organisation, vendor, day) with a product client.",
			    s->sketches);
	ctl_promtext_scalar(f, "tapcensus_push_sketches_dropped_total", "counter",
			    "Unsent sketches given up for room: the oldest day's first (at most "
			    "200,000 kept while the database is away).", s->sketches_dropped);
	ctl_promtext_scalar(f, "tapcensus_push_clients_lost_total", "counter",
			    "Client sightings not sketched for lack of memory.", s->clients_lost);
	ctl_promtext_scalar(f, "tapcensus_push_sessions_lost_total", "counter",
			    "Sessions of an offline replay not kept by day for lack of memory.",
			    s->sessions_lost);
	ctl_promtext_scalar(f, "tapcensus_push_last_success_timestamp_seconds", "gauge",
			    "When the last push succeeded (0: never).", s->last_ok);
}
