/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_census: a census database of the study's size, filled the way taps
 * fill it.  ORGS organisations (default 22,000; 20 countries, 12 sectors,
 * every 50th a government body), clients per organisation drawn
 * log-uniformly from 1 to 3,000 and scaled to CLIENTS a month (default
 * 7,000,000), each client present on about half the days, MONTHS months
 * from April 2024 (default 8), TAPS taps (default 10): an organisation sits
 * behind two neighbouring taps, a third of its clients seen at the first,
 * a third at the second and a third at both (the overlap the census must
 * not count twice); 60% of the organisations stop at a drawn month, as
 * the study's users did.  Each tap's sightings go through the tap's own
 * code: the keyed client hash (ctl_hll_hasher), the sketch store
 * (ctl_census_store, a few sessions per organisation-day too) and the push
 * (ctl_census_push: one transaction, COPY and one merge) every seven days
 * of capture time, the last tap's over TLS (--tls-db) if given.  No
 * traffic: the addresses (16.0.0.0/6) are hashed, never sent.
 * Prints the rows pushed and the push's rows a second by transport, the
 * time spent making the sketches, and the peak resident memory.
 *   bench_census --db CONNINFO [--tls-db CONNINFO] [--taps N] [--orgs N]
 *                [--clients N] [--months N]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ctl_census_push.h"
#include "ctl_census_store.h"
#include "ctl_hll.h"
#include "ctl_time.h"
#include "dp_types.h"

#define BENCH_DAY0 19814u /* 2024-04-01 */
#define BENCH_PUSH_DAYS 7
#define BENCH_TAPS_MAX 64

struct bench_org {
	struct ctl_org org;
	uint64_t *hash; /* the clients' keyed hashes */
	uint32_t n;
	uint32_t home;	   /* its first tap; the second is home + 1 */
	uint32_t last_day; /* the day after its last */
};

struct bench_push_tally {
	uint64_t rows, srows, pushes;
	double secs;
};

static double
secs(void)
{
	return (double)ctl_now_ns() / 1e9;
}

static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The days since 1970-01-01 of the first day of month m after April 2024. */
static uint32_t
month_day(unsigned m)
{
	struct tm t = {.tm_year = 124, .tm_mon = 3 + (int)m, .tm_mday = 1};

	return (uint32_t)(timegm(&t) / 86400);
}

static const char *const bench_countries[] = {"US", "DE", "FR", "GB", "IT", "ES", "NL",
					      "PL", "BR", "IN", "JP", "CA", "AU", "MX",
					      "TR", "ZA", "SE", "CH", "AR", "KR"};
static const char *const bench_sectors[] = {"government", "finance", "health", "education",
					    "energy",	  "telecom", "retail", "manufacturing",
					    "transport",  "media",   "legal",  "hospitality"};

static int
make_orgs(struct bench_org *o, unsigned n_orgs, uint64_t clients, unsigned taps, unsigned months,
	  const uint8_t key[CTL_HLL_KEY_LEN])
{
	struct ctl_hll_hasher h;
	double *draw = calloc(n_orgs, sizeof(*draw)), sum = 0;
	uint32_t addr = 16u << 24;
	int rc = -ENOMEM;

	if (draw == NULL || ctl_hll_hasher_init(&h, key) != 0)
		goto out;
	for (unsigned i = 0; i < n_orgs; i++) {
		draw[i] = exp((double)(mix(i) >> 11) / 9007199254740992.0 * log(3000.0));
		sum += draw[i];
	}
	for (unsigned i = 0; i < n_orgs; i++) {
		struct ctl_org *g = &o[i].org;
		uint64_t r = mix(i ^ 0x5eedull);

		snprintf(g->id, sizeof(g->id), "org-%05u", i);
		snprintf(g->name, sizeof(g->name), "Organisation %u", i);
		snprintf(g->country, sizeof(g->country), "%s", bench_countries[r % 20]);
		g->government = i % 50 == 0;
		snprintf(g->sector, sizeof(g->sector), "%s",
			 g->government ? "government" : bench_sectors[1 + (r >> 8) % 11]);
		o[i].home = i % taps;
		/* 40% to the end, the others stop after a drawn month. */
		o[i].last_day = (r >> 16) % 10 < 4 ? month_day(months)
						   : month_day(1 + (unsigned)((r >> 24) % months));
		o[i].n = (uint32_t)fmax(1.0, round(draw[i] * (double)clients / sum));
		o[i].hash = malloc(o[i].n * sizeof(uint64_t));
		if (o[i].hash == NULL)
			goto out;
		for (uint32_t c = 0; c < o[i].n; c++, addr++) {
			uint8_t a[4] = {addr >> 24, addr >> 16, addr >> 8, addr};

			o[i].hash[c] = ctl_hll_hasher_client(&h, 4, a, 64);
		}
	}
	rc = 0;
out:
	ctl_hll_hasher_fini(&h);
	free(draw);
	return rc;
}

/* Is client hash at tap t (of an organisation whose home is home)? */
static bool
at_tap(uint64_t hash, uint32_t home, unsigned t)
{
	unsigned where = (unsigned)((hash >> 58) % 3); /* 0 home, 1 the next, 2 both */

	return t == home ? where != 1 : where != 0;
}

static int
push(struct ctl_census_push *p, struct ctl_census_store *s, struct bench_push_tally *tl)
{
	struct ctl_census_batch b = {0};
	char err[512];
	double t0;
	int rc;

	if (ctl_census_store_take(s, NULL, &b) != 0)
		return -ENOMEM;
	if (b.n_rows + b.n_srows == 0)
		return 0;
	t0 = secs();
	rc = ctl_census_push_start(p, &b);
	if (rc == 0)
		ctl_census_push_poll(p, true, &rc, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "no push thread");
	tl->secs += secs() - t0;
	if (rc != 0) {
		fprintf(stderr, "bench_census: push failed: %s\n", err);
		ctl_census_store_sent(s, &b, false);
		return rc;
	}
	tl->rows += b.n_rows;
	tl->srows += b.n_srows;
	tl->pushes++;
	ctl_census_store_sent(s, &b, true);
	return 0;
}

/* Tap t's capture, day by day, pushed every BENCH_PUSH_DAYS days. */
static int
run_tap(unsigned t, unsigned taps, const struct bench_org *o, unsigned n_orgs, uint32_t days,
	const struct ctl_census_cfg *cfg, const char *fp, struct bench_push_tally *tl,
	double *sketching)
{
	struct ctl_census_store *s = ctl_census_store_create(true, CTL_CENSUS_KEEP_MAX);
	struct ctl_census_push *p = ctl_census_push_create(cfg, fp);
	struct ctl_census_batch none = {0};
	char err[512];
	int rc = 0;

	if (s == NULL || p == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (uint32_t d = 0; d < days && rc == 0; d++) {
		uint32_t day = BENCH_DAY0 + d;
		double t0 = secs();

		for (unsigned i = 0; i < n_orgs && rc == 0; i++) {
			unsigned seen = 0;

			if ((o[i].home != t && (o[i].home + 1) % taps != t) || day >= o[i].last_day)
				continue;
			for (uint32_t c = 0; c < o[i].n && rc == 0; c++) {
				uint64_t h = o[i].hash[c];

				if (!at_tap(h, o[i].home, t) || (mix(h ^ day) & 1))
					continue;
				rc = ctl_census_store_client(s, day, &o[i].org, "kaspersky", h);
				seen++;
			}
			for (unsigned k = 0; k < seen && k < 3 && rc == 0; k++)
				rc = ctl_census_store_session(
				    s, &o[i].org, "kaspersky",
				    k == 2 ? DP_SIG_QUIC_SNI : DP_SIG_TLS_SNI, k == 1, day);
		}
		*sketching += secs() - t0;
		if (rc == 0 && ((d + 1) % BENCH_PUSH_DAYS == 0 || d + 1 == days))
			rc = push(p, s, tl);
	}
	if (rc == 0 && ctl_census_push_claimed(p)) {
		rc = ctl_census_push_final(p, &none, err, sizeof(err));
		if (rc != 0)
			fprintf(stderr, "bench_census: tap %u: the final push failed: %s\n", t,
				err);
	}
out:
	ctl_census_push_free(p);
	ctl_census_store_free(s);
	return rc;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench_census --db CONNINFO [--tls-db CONNINFO] [--taps N] "
			"[--orgs N] [--clients N] [--months N]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option longs[] = {{"db", required_argument, NULL, 'd'},
					      {"tls-db", required_argument, NULL, 's'},
					      {"taps", required_argument, NULL, 't'},
					      {"orgs", required_argument, NULL, 'o'},
					      {"clients", required_argument, NULL, 'c'},
					      {"months", required_argument, NULL, 'm'},
					      {NULL, 0, NULL, 0}};
	const char *db = NULL, *tls_db = NULL;
	unsigned taps = 10, n_orgs = 22000, months = 8;
	uint64_t clients = 7000000, total = 0;
	struct bench_push_tally unix_tl = {0}, tls_tl = {0};
	struct ctl_census_cfg cfg = {.interval = 1};
	char fp[CTL_HLL_FP_LEN + 1];
	struct bench_org *o;
	struct rusage ru;
	double t0, sketching = 0;
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 's':
			tls_db = optarg;
			break;
		case 't':
			taps = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'o':
			n_orgs = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'c':
			clients = strtoull(optarg, NULL, 10);
			break;
		case 'm':
			months = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (db == NULL || taps < 2 || taps > BENCH_TAPS_MAX || n_orgs == 0 || months == 0 ||
	    months > 12 || clients == 0)
		usage();
	for (unsigned i = 0; i < sizeof(cfg.key); i++)
		cfg.key[i] = (uint8_t)(0xa0 + i);
	ctl_hll_key_fingerprint(cfg.key, fp);
	o = calloc(n_orgs, sizeof(*o));
	t0 = secs();
	if (o == NULL || make_orgs(o, n_orgs, clients, taps, months, cfg.key) != 0) {
		fprintf(stderr, "bench_census: out of memory\n");
		return 1;
	}
	for (unsigned i = 0; i < n_orgs; i++)
		total += o[i].n;
	printf("census bench: %u organisations, %" PRIu64 " clients (hashed in %.1f s), %u months "
	       "from 2024-04-01, %u taps (each organisation behind two)\n",
	       n_orgs, total, secs() - t0, months, taps);
	fflush(stdout);
	for (unsigned t = 0; t < taps && rc == 0; t++) {
		bool tls = tls_db != NULL && t == taps - 1;
		struct bench_push_tally *tl = tls ? &tls_tl : &unix_tl;
		double t1 = secs();
		uint64_t before = tl->rows;

		snprintf(cfg.tap, sizeof(cfg.tap), "tap_%02u", t);
		snprintf(cfg.database, sizeof(cfg.database), "%s user=tap_%02u", tls ? tls_db : db,
			 t);
		rc = run_tap(t, taps, o, n_orgs, month_day(months) - BENCH_DAY0, &cfg, fp, tl,
			     &sketching);
		printf("  %s: %" PRIu64 " sketch rows pushed (%s) in %.1f s\n", cfg.tap,
		       tl->rows - before, tls ? "TLS" : "Unix socket", secs() - t1);
		fflush(stdout);
	}
	getrusage(RUSAGE_SELF, &ru);
	if (rc != 0) {
		fprintf(stderr, "bench_census: stopped: %s\n", strerror(-rc));
		return 1;
	}
	printf("push over a Unix socket: %" PRIu64 " sketch rows and %" PRIu64
	       " session rows in %" PRIu64 " pushes, %.1f s: %.0f sketch rows/s\n",
	       unix_tl.rows, unix_tl.srows, unix_tl.pushes, unix_tl.secs,
	       unix_tl.secs > 0 ? (double)unix_tl.rows / unix_tl.secs : 0);
	if (tls_db != NULL)
		printf("push over TLS on 127.0.0.1: %" PRIu64 " sketch rows and %" PRIu64
		       " session rows in %" PRIu64 " pushes, %.1f s: %.0f sketch rows/s\n",
		       tls_tl.rows, tls_tl.srows, tls_tl.pushes, tls_tl.secs,
		       tls_tl.secs > 0 ? (double)tls_tl.rows / tls_tl.secs : 0);
	printf("sketching (the taps' code, one core): %.1f s; peak resident memory %.0f MiB\n",
	       sketching, (double)ru.ru_maxrss / 1024.0);
	for (unsigned i = 0; i < n_orgs; i++)
		free(o[i].hash);
	free(o);
	return 0;
}
