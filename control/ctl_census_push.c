/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_census_push.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "ctl_hll.h"
#include "ctl_pq.h"
#include "dp_types.h"

struct ctl_census_push {
	struct ctl_census_cfg cfg; /* its key zeroed: the push needs none */
	char fingerprint[CTL_HLL_FP_LEN + 1];
	char instance[17]; /* this process, random: its claim on cfg.tap */
	char host[64];	   /* this host's name, told to another instance */
	bool claimed;	   /* a push went through: the final one releases */
	bool stopping;	   /* the final push */
	/* The push under way. */
	const struct ctl_census_batch *b;
	pthread_t thread;
	bool running;
	bool done; /* set by the push thread as it ends (release) */
	int result;
	char err[512];
};

struct ctl_census_push *
ctl_census_push_create(const struct ctl_census_cfg *cfg, const char *fingerprint)
{
	struct ctl_census_push *p = calloc(1, sizeof(*p));
	uint8_t rnd[8];

	if (p == NULL)
		return NULL;
	p->cfg = *cfg;
	memset(p->cfg.key, 0, sizeof(p->cfg.key));
	snprintf(p->fingerprint, sizeof(p->fingerprint), "%s", fingerprint);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		free(p);
		return NULL;
	}
	for (unsigned i = 0; i < sizeof(rnd); i++)
		snprintf(p->instance + 2 * i, 3, "%02x", rnd[i]);
	if (gethostname(p->host, sizeof(p->host)) != 0)
		snprintf(p->host, sizeof(p->host), "?");
	p->host[sizeof(p->host) - 1] = '\0';
	return p;
}

static void
join(struct ctl_census_push *p)
{
	if (!p->running)
		return;
	pthread_join(p->thread, NULL);
	p->running = false;
}

void
ctl_census_push_free(struct ctl_census_push *p)
{
	if (p == NULL)
		return;
	join(p);
	free(p);
}

/* A push in bulk: the batch's rows COPYed into temporary tables, then
 * merged with one statement each (a batch of CHUNK rows at a time, so
 * that no statement nears the statement timeout).  Organisations first,
 * each once (the foreign keys), and only the tap that labelled one first
 * relabels it (census.sql), only when a label changed.  $1: the tap (the
 * role's name: row-level security holds each tap to its rows). */
#define CHUNK 50000

static const char temp_tables[] =
    "CREATE TEMP TABLE tc_org (org_id text, name text, country text, sector text, "
    "government boolean) ON COMMIT DROP; "
    "CREATE TEMP TABLE tc_sketch (day integer, org_id text, vendor text, sketch hll) "
    "ON COMMIT DROP; "
    "CREATE TEMP TABLE tc_sessions (day integer, org_id text, vendor text, signal text, "
    "first_total bigint, last_total bigint, name_only_first bigint, name_only_last bigint) "
    "ON COMMIT DROP";

static const char merge_org[] =
    "INSERT INTO census.organisation AS o (org_id, name, country, sector, government, tap) "
    "SELECT org_id, name, country, sector, government, $1 FROM tc_org ORDER BY org_id "
    "ON CONFLICT (org_id) DO UPDATE SET "
    "name = EXCLUDED.name, country = EXCLUDED.country, sector = EXCLUDED.sector, "
    "government = EXCLUDED.government, updated = now() "
    "WHERE o.tap = current_user AND (o.name, o.country, o.sector, o.government) IS DISTINCT "
    "FROM (EXCLUDED.name, EXCLUDED.country, EXCLUDED.sector, EXCLUDED.government)";

/* Days are UTC whatever the database session's time zone: a date made
 * from the day's number, never through a timestamp (to_timestamp()::date
 * is the day in the session's zone).  The union of what the database has
 * and this tap's sketch of the day: a retry, or the same sketch again,
 * changes nothing. */
static const char merge_sketch[] =
    "INSERT INTO census.client_sketch AS c (tap, day, org_id, vendor, sketch) "
    "SELECT $1, DATE '1970-01-01' + day, org_id, vendor, sketch FROM tc_sketch "
    "ON CONFLICT (tap, day, org_id, vendor) DO UPDATE SET "
    "sketch = hll_union(c.sketch, EXCLUDED.sketch), updated = now()";

/* A session row keeps the total it began the day with (the first push's
 * "before"), and takes the latest: sessions = last - first, whatever the
 * retries. */
static const char merge_sessions[] =
    "INSERT INTO census.sessions AS s (tap, day, org_id, vendor, signal, first_total, "
    "last_total, name_only_first, name_only_last) "
    "SELECT $1, DATE '1970-01-01' + day, org_id, vendor, signal, first_total, last_total, "
    "name_only_first, name_only_last FROM tc_sessions "
    "ON CONFLICT (tap, day, org_id, vendor, signal) DO UPDATE SET "
    "last_total = greatest(s.last_total, EXCLUDED.last_total), "
    "name_only_last = greatest(s.name_only_last, EXCLUDED.name_only_last), "
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
static const char release_tap[] = "UPDATE census.tap_instance SET seen = '-infinity' "
				  "WHERE tap = current_user AND instance = $1";

/* -EADDRINUSE, told in err, when another tapcensus pushes under this
 * census.tap. */
static int
claim(PGconn *db, const struct ctl_census_push *c, char *err, size_t len)
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
		snprintf(
		    err, len,
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
	int rc = ctl_pq_exec(db, claim_key, 1, v, err, len);

	if (rc != 0)
		return rc;
	r = PQexecParams(db, read_key, 0, NULL, NULL, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		snprintf(err, len, "%s",
			 PQresultStatus(r) == PGRES_TUPLES_OK
			     ? "census.key_fingerprint does not hold one row"
			     : PQerrorMessage(db));
		rc = -EIO;
	} else if (strcmp(PQgetvalue(r, 0, 0), fp) != 0) {
		snprintf(
		    err, len,
		    "the census database's client-hash key has fingerprint %s (first pushed by "
		    "%s on %s); this tap's census.key_file gives %s: every tap of a census "
		    "shares one key, and sketches of two keys cannot be merged (docs/census.md: "
		    "key "
		    "rotation)",
		    PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), fp);
		rc = -EKEYREJECTED;
	}
	PQclear(r);
	return rc;
}

static int
org_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct ctl_org *const *)a)->id,
		      (*(const struct ctl_org *const *)b)->id);
}

static int
org_line(PGconn *db, const void *ctx, size_t i, char *err, size_t len)
{
	const struct ctl_org *o = ((const struct ctl_org *const *)ctx)[i];
	const char *f[] = {o->id, o->name, o->country, o->sector, o->government ? "t" : "f"};

	return ctl_pq_copy_line(db, f, 5, err, len);
}

/* The organisations the batch labels, each once; those not labelled (a
 * total restored without its labels) are the database's already. */
static int
send_orgs(PGconn *db, const struct ctl_census_push *p, char *err, size_t len)
{
	const struct ctl_census_batch *b = p->b;
	size_t n = b->n_rows + b->n_srows, n_seen = 0, w = 0;
	const struct ctl_org **seen = calloc(n ? n : 1, sizeof(*seen));
	int rc;

	if (seen == NULL) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < b->n_rows; i++)
		seen[n_seen++] = &b->rows[i].org;
	for (size_t i = 0; i < b->n_srows; i++)
		if (b->srows[i].labelled)
			seen[n_seen++] = &b->srows[i].lab;
	if (n_seen > 0)
		qsort(seen, n_seen, sizeof(*seen), org_cmp);
	for (size_t i = 0; i < n_seen; i++)
		if (w == 0 || strcmp(seen[w - 1]->id, seen[i]->id) != 0)
			seen[w++] = seen[i];
	rc = ctl_pq_copy_merge(db, p->cfg.tap, "tc_org", merge_org, w, CHUNK, org_line, seen, err,
			       len);
	free(seen);
	return rc;
}

static int
sketch_line(PGconn *db, const void *ctx, size_t i, char *err, size_t len)
{
	const struct ctl_census_row *r = &((const struct ctl_census_batch *)ctx)->rows[i];
	char day[16];
	const char *f[] = {day, r->org.id, r->vendor, r->sketch};

	snprintf(day, sizeof(day), "%" PRIu32, r->day);
	return ctl_pq_copy_line(db, f, 4, err, len);
}

static int
session_line(PGconn *db, const void *ctx, size_t i, char *err, size_t len)
{
	const struct ctl_census_srow *r = &((const struct ctl_census_batch *)ctx)->srows[i];
	char day[16], first[24], last[24], nfirst[24], nlast[24];
	const char *f[] = {day,	  r->org, r->vendor, dp_signal_name(r->sig),
			   first, last,	  nfirst,    nlast};

	snprintf(day, sizeof(day), "%" PRIu32, r->day);
	snprintf(first, sizeof(first), "%" PRIu64, r->first);
	snprintf(last, sizeof(last), "%" PRIu64, r->last);
	snprintf(nfirst, sizeof(nfirst), "%" PRIu64, r->first_name_only);
	snprintf(nlast, sizeof(nlast), "%" PRIu64, r->last_name_only);
	return ctl_pq_copy_line(db, f, 8, err, len);
}

/* The batch: its organisations, sketches and session rows. */
static int
send_rows(PGconn *db, const struct ctl_census_push *p, char *err, size_t len)
{
	PGresult *r;
	int rc;

	if (p->b->n_rows + p->b->n_srows == 0)
		return 0;
	r = PQexec(db, temp_tables);
	rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -EIO;
	if (rc != 0)
		snprintf(err, len, "%s", PQerrorMessage(db));
	PQclear(r);
	if (rc == 0)
		rc = send_orgs(db, p, err, len);
	if (rc == 0)
		rc = ctl_pq_copy_merge(db, p->cfg.tap, "tc_sketch", merge_sketch, p->b->n_rows,
				       CHUNK, sketch_line, p->b, err, len);
	if (rc == 0)
		rc = ctl_pq_copy_merge(db, p->cfg.tap, "tc_sessions", merge_sessions, p->b->n_srows,
				       CHUNK, session_line, p->b, err, len);
	return rc;
}

/* The month partitions of the batch's days, in a transaction of their own
 * before the push's (census.sql: census.ensure_months). */
static int
ensure_months(PGconn *db, const struct ctl_census_batch *b, char *err, size_t len)
{
	uint32_t lo = UINT32_MAX, hi = 0;
	char l[16], h[16];
	const char *v[] = {l, h};

	for (size_t i = 0; i < b->n_rows; i++) {
		lo = b->rows[i].day < lo ? b->rows[i].day : lo;
		hi = b->rows[i].day > hi ? b->rows[i].day : hi;
	}
	for (size_t i = 0; i < b->n_srows; i++) {
		lo = b->srows[i].day < lo ? b->srows[i].day : lo;
		hi = b->srows[i].day > hi ? b->srows[i].day : hi;
	}
	if (lo > hi)
		return 0;
	snprintf(l, sizeof(l), "%" PRIu32, lo);
	snprintf(h, sizeof(h), "%" PRIu32, hi);
	return ctl_pq_exec(db,
			   "SELECT census.ensure_months(DATE '1970-01-01' + $1::integer, "
			   "DATE '1970-01-01' + $2::integer)",
			   2, v, err, len);
}

/* One push of p->b: connect, check the key, claim the name, the rows, the
 * release at a stop, commit. */
static int
send_batch(struct ctl_census_push *p)
{
	/* Every database call is bounded, so a stop is never held by the
	 * database: 10 s to connect, a statement 30 s, a lock 10 s, a silent
	 * TCP peer 30 s (these follow the operator's connection string). */
	const char *const keys[] = {"dbname",  "connect_timeout",  "application_name",
				    "options", "tcp_user_timeout", NULL};
	const char *const vals[] = {
	    p->cfg.database, "10", "tapcensus", "-c statement_timeout=30000 -c lock_timeout=10000",
	    "30000",	     NULL};
	PGconn *db = PQconnectdbParams(keys, vals, 1);
	char *err = p->err;
	size_t len = sizeof(p->err);
	int rc = 0;

	err[0] = '\0';
	if (db == NULL || PQstatus(db) != CONNECTION_OK) {
		snprintf(err, len, "%s", db ? PQerrorMessage(db) : "out of memory");
		rc = -EIO;
	}
	if (rc == 0)
		rc = ensure_months(db, p->b, err, len);
	if (rc == 0)
		rc = ctl_pq_exec(db, "BEGIN", 0, NULL, err, len);
	if (rc == 0)
		rc = ctl_pq_exec(db, "SELECT census.push_lock()", 0, NULL, err, len);
	if (rc == 0)
		rc = check_key(db, p->fingerprint, err, len);
	if (rc == 0)
		rc = claim(db, p, err, len);
	if (rc == 0)
		rc = send_rows(db, p, err, len);
	if (rc == 0 && p->stopping) { /* a clean stop frees the name */
		const char *v[] = {p->instance};

		rc = ctl_pq_exec(db, release_tap, 1, v, err, len);
	}
	if (rc == 0)
		rc = ctl_pq_exec(db, "COMMIT", 0, NULL, err, len);
	if (rc == 0)
		p->claimed = true;
	PQfinish(db);
	err[strcspn(err, "\n")] = '\0';
	return rc;
}

static void *
push_thread(void *arg)
{
	struct ctl_census_push *p = arg;

	p->result = send_batch(p);
	__atomic_store_n(&p->done, true, __ATOMIC_RELEASE);
	return NULL;
}

int
ctl_census_push_start(struct ctl_census_push *p, const struct ctl_census_batch *b)
{
	if (p->running)
		return -EBUSY;
	p->b = b;
	p->done = false;
	p->running = pthread_create(&p->thread, NULL, push_thread, p) == 0;
	if (!p->running) {
		snprintf(p->err, sizeof(p->err), "cannot start the push thread");
		return -EAGAIN;
	}
	return 0;
}

bool
ctl_census_push_running(const struct ctl_census_push *p)
{
	return p->running;
}

bool
ctl_census_push_poll(struct ctl_census_push *p, bool wait, int *rc, char *err, size_t len)
{
	if (!p->running || (!wait && !__atomic_load_n(&p->done, __ATOMIC_ACQUIRE)))
		return false;
	join(p);
	*rc = p->result;
	snprintf(err, len, "%s", p->err);
	return true;
}

int
ctl_census_push_final(struct ctl_census_push *p, const struct ctl_census_batch *b, char *err,
		      size_t len)
{
	int rc;

	join(p);
	p->b = b;
	p->stopping = true;
	rc = send_batch(p);
	snprintf(err, len, "%s", p->err);
	return rc;
}

bool
ctl_census_push_claimed(const struct ctl_census_push *p)
{
	return p->claimed;
}
