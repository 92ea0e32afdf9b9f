/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_census.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "ctl_hll.h"
#include "ctl_promtext.h"

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

struct ctl_census {
	struct ctl_census_cfg cfg;
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
	char err[256];
	struct row *rows;
	size_t n_rows;
	unsigned failures; /* in a row: the next push waits interval << failures (at most 64x) */
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

	if (c == NULL)
		return NULL;
	c->cfg = *cfg;
	c->n_buckets = 1u << 12;
	c->buckets = malloc(c->n_buckets * sizeof(*c->buckets));
	if (c->buckets == NULL) {
		free(c);
		return NULL;
	}
	memset(c->buckets, 0xff, c->n_buckets * sizeof(*c->buckets));
	return c;
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

int
ctl_census_add(struct ctl_census *c, const struct ctl_org *org, const char *vendor,
	       uint8_t family, const uint8_t *addr, unsigned v6_prefix, uint32_t now)
{
	uint32_t day = now / 86400, k = key_hash(day, org->id, vendor) & (c->n_buckets - 1), i;
	struct entry *e = NULL;

	for (i = c->buckets[k]; i != NO_ENTRY; i = c->e[i].next)
		if (c->e[i].day == day && strcmp(c->e[i].org.id, org->id) == 0 &&
		    strcmp(c->e[i].vendor, vendor) == 0) {
			e = &c->e[i];
			break;
		}
	if (e == NULL) {
		if (c->n == c->cap) {
			uint32_t cap = c->cap ? c->cap * 2 : 256;
			struct entry *grown = realloc(c->e, cap * sizeof(*grown));

			if (grown == NULL) {
				c->st.clients_lost++;
				return -ENOMEM;
			}
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
	if (ctl_hll_add(&e->h, ctl_hll_client_hash(c->cfg.key, family, addr, v6_prefix)) != 0) {
		c->st.clients_lost++;
		return -ENOMEM;
	}
	e->dirty = true;
	return 0;
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
	"government = EXCLUDED.government, updated = now()";
/* The union of what the database has and this tap's sketch of the day:
 * a retry, or the same sketch again, changes nothing. */
static const char upsert_sketch[] =
	"INSERT INTO census.client_sketch (tap, day, org_id, vendor, sketch) "
	"VALUES ($1, to_timestamp($2::bigint * 86400)::date, $3, $4, $5::hll) "
	"ON CONFLICT (tap, day, org_id, vendor) DO UPDATE SET "
	"sketch = hll_union(census.client_sketch.sketch, EXCLUDED.sketch), updated = now()";

static void *
push(void *arg)
{
	struct ctl_census *c = arg;
	const char *const keys[] = {"dbname", "connect_timeout", "application_name", NULL};
	const char *const vals[] = {c->cfg.database, "10", "tapcensus", NULL};
	PGconn *db = PQconnectdbParams(keys, vals, 1);
	int rc = 0;

	c->err[0] = '\0';
	if (db == NULL || PQstatus(db) != CONNECTION_OK) {
		snprintf(c->err, sizeof(c->err), "%s", db ? PQerrorMessage(db) : "out of memory");
		rc = -EIO;
	}
	if (rc == 0)
		rc = exec_params(db, "BEGIN", 0, NULL, c->err, sizeof(c->err));
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
	if (rc == 0)
		rc = exec_params(db, "COMMIT", 0, NULL, c->err, sizeof(c->err));
	PQfinish(db);
	c->err[strcspn(c->err, "\n")] = '\0';
	c->result = rc;
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	return NULL;
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
		c->failures = 0;
		c->st.pushes_ok++;
		c->st.sketches_sent += c->n_rows;
		c->st.last_ok = (uint64_t)time(NULL); /* the wall's, even in a replay */
		c->st.last_error[0] = '\0';
	} else {
		c->failures += c->failures < 6;
		c->st.pushes_failed++;
		snprintf(c->st.last_error, sizeof(c->st.last_error), "%s", c->err);
		fprintf(stderr, "tapcensus: census: push to the database failed (%zu sketches kept "
				"for the next): %s\n",
			c->n_rows, c->err);
		for (size_t i = 0; i < c->n_rows; i++)
			c->e[c->rows[i].entry].dirty = true;
	}
	c->n_rows = 0;
}

void
ctl_census_tick(struct ctl_census *c, uint64_t now_s)
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
	if (take_batch(c) != 0 || c->n_rows == 0)
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
ctl_census_flush(struct ctl_census *c)
{
	if (c->running) {
		join_push(c);
		account(c);
	}
	if (take_batch(c) != 0)
		return -ENOMEM;
	if (c->n_rows == 0)
		return 0;
	push(c); /* here: the process is stopping */
	account(c);
	return c->result == 0 ? 0 : -EIO;
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
	ctl_promtext_scalar(f, "tapcensus_push_clients_lost_total", "counter",
			    "Client sightings not sketched for lack of memory.", s->clients_lost);
	ctl_promtext_scalar(f, "tapcensus_push_last_success_timestamp_seconds", "gauge",
			    "When the last push succeeded (0: never).", s->last_ok);
}
