/* SPDX-License-Identifier: BSD-3-Clause */
/* The census generator's truth: the report's tables computed from the
 * sessions written (tc_census.h). */
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tb_pkt.h"
#include "tb_rnd.h"
#include "tc_census.h"

/* ---- The truth: the report's tables ---- */

static FILE *
table(const char *dir, const char *name, const char *header)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/truth/%s", dir, name);
	if ((f = fopen(path, "w")) != NULL)
		fprintf(f, "%s\n", header);
	return f;
}

static int
active(const struct org *g, int m_lo, int m_hi)
{
	for (int m = m_lo; m <= m_hi; m++)
		if (g->month_clients[m])
			return 1;
	return 0;
}

static int
popcount8(unsigned char v)
{
	return __builtin_popcount(v);
}

struct ranked {
	const char *key;
	long a, b;
	double share;
};

static int
by_share(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;

	if (a->share != b->share)
		return a->share < b->share ? 1 : -1;
	if (a->a != b->a)
		return a->a < b->a ? 1 : -1;
	return strcmp(a->key, b->key);
}

static int
by_count(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;

	if (a->a != b->a)
		return a->a < b->a ? 1 : -1;
	return strcmp(a->key, b->key);
}

/* Removal between the first month (A) and the last (B), keyed by country
 * (by_sector 0) or sector. */
static void
removal(FILE *f, int by_sector)
{
	struct ranked r[MAX_ORGS];
	unsigned n = 0;

	for (unsigned o = 0; o < n_orgs; o++) {
		const char *key = by_sector ? orgs[o].sector : orgs[o].cc;
		unsigned i;

		if (!active(&orgs[o], 0, 0))
			continue;
		for (i = 0; i < n && strcmp(r[i].key, key); i++)
			;
		if (i == n)
			r[n++] = (struct ranked){key, 0, 0, 0};
		r[i].a++;
		r[i].b += !active(&orgs[o], n_months - 1, n_months - 1);
	}
	for (unsigned i = 0; i < n; i++)
		r[i].share = 100.0 * (double)r[i].b / (double)r[i].a;
	qsort(r, n, sizeof(r[0]), by_share);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "\"%s\",%ld,%ld,%.1f\n", r[i].key, r[i].a, r[i].b, r[i].share);
}

/* One row of 7-evidence: of the organisations active in month m that
 * pass keep, how many rest on names alone (every session name-only), and
 * the share of their sessions that is corroborated. */
static void
evidence_row(FILE *f, const char *table, const char *period, int m, int (*keep)(const struct org *))
{
	unsigned long n = 0, decoys = 0, sessions = 0, name_only = 0;

	for (unsigned o = 0; o < n_orgs; o++) {
		const struct org *g = &orgs[o];

		if (!g->month_clients[m] || !keep(g))
			continue;
		n++;
		decoys += g->month_name_only[m] == g->month_sessions[m];
		sessions += g->month_sessions[m];
		name_only += g->month_name_only[m];
	}
	if (n != 0)
		fprintf(f, "%s,%s,%lu,%lu,%lu,%.1f\n", table, period, n, decoys, sessions,
			100.0 * (double)(sessions - name_only) / (double)sessions);
}

static int
keep_all(const struct org *g)
{
	(void)g;
	return 1;
}

static int
keep_us(const struct org *g)
{
	return strcmp(g->cc, "US") == 0;
}

static int
keep_gov(const struct org *g)
{
	return g->gov;
}

/* 7: what each table rests on (corroborated or name-only sessions), and
 * the organisations with name-only sessions in the span, the wholly
 * name-only (possible decoys) first. */
static int
write_evidence(const char *dir)
{
	static const struct {
		const char *table;
		int (*keep)(const struct org *);
	} periods[] = {{"3-removal", keep_all}, {"4-sectors", keep_us}, {"5-government", keep_gov}};
	char ml[8];
	FILE *f = table(dir, "7-evidence.csv",
			"table,period,organisations,name_only_organisations,sessions,"
			"corroborated_percent");

	if (f == NULL)
		return -1;
	for (int m = 0; m < n_months; m++) {
		month_label(m, ml);
		evidence_row(f, "1-monthly", ml, m, keep_all);
	}
	for (size_t t = 0; t < sizeof(periods) / sizeof(periods[0]); t++) {
		evidence_row(f, periods[t].table, "A", 0, periods[t].keep);
		evidence_row(f, periods[t].table, "B", n_months - 1, periods[t].keep);
	}
	fclose(f);
	if ((f = table(dir, "7-name-only.csv",
		       "org_id,country,sector,sessions,name_only_sessions")) == NULL)
		return -1;
	for (int whole = 1; whole >= 0; whole--) {
		const struct org *row[MAX_ORGS];
		unsigned long n[MAX_ORGS] = {0}, no[MAX_ORGS] = {0};
		unsigned k = 0;

		for (unsigned o = 0; o < n_orgs; o++) {
			unsigned long a = 0, b = 0;

			for (int m = 0; m < n_months; m++) {
				a += orgs[o].month_sessions[m];
				b += orgs[o].month_name_only[m];
			}
			if (b == 0 || (b == a) != whole)
				continue;
			/* in the order of their ids */
			unsigned i = k++;

			for (; i > 0 && strcmp(row[i - 1]->id, orgs[o].id) > 0; i--) {
				row[i] = row[i - 1];
				n[i] = n[i - 1];
				no[i] = no[i - 1];
			}
			row[i] = &orgs[o];
			n[i] = a;
			no[i] = b;
		}
		for (unsigned i = 0; i < k; i++)
			fprintf(f, "%s,%s,\"%s\",%lu,%lu\n", row[i]->id, row[i]->cc, row[i]->sector,
				n[i], no[i]);
	}
	return fclose(f);
}

int
write_truth(const char *dir)
{
	char path[4096], ml[8], d0[11], d1[11];
	struct ranked top[N_PLANS];
	FILE *f;
	uint64_t sig_sessions[2] = {0};
	int tap_first[MAX_TAPS], tap_last[MAX_TAPS], tap_days[MAX_TAPS] = {0};
	static unsigned char tap_day[MAX_TAPS][MAX_DAYS];

	snprintf(path, sizeof(path), "%s/truth", dir);
	mkdir(path, 0755);
	for (size_t i = 0; i < n_sess; i++) {
		const struct session *s = &sess[i];
		int day = (int)(s->t_us / 86400000000ull);

		if (s->web)
			continue;
		orgs[s->org].month_clients[month_of_day(day)] |= (unsigned char)(1u << s->client);
		orgs[s->org].month_sessions[month_of_day(day)]++;
		orgs[s->org].month_name_only[month_of_day(day)] += (unsigned)session_name_only(s);
		sig_sessions[s->http]++;
		tap_day[s->tap][day] = 1;
	}

	/* 1: organisations and clients per month, the world, then each country. */
	if ((f = table(dir, "1-monthly.csv", "month,scope,organisations,clients")) == NULL)
		return -1;
	for (int m = 0; m < n_months; m++) {
		long wo = 0, wc = 0;

		month_label(m, ml);
		for (unsigned o = 0; o < n_orgs; o++)
			if (orgs[o].month_clients[m]) {
				wo++;
				wc += popcount8(orgs[o].month_clients[m]);
			}
		fprintf(f, "%s,world,%ld,%ld\n", ml, wo, wc);
		/* countries in alphabetical order */
		const char *cc[N_PLANS];

		for (unsigned p = 0; p < N_PLANS; p++)
			cc[p] = plans[p].cc;
		for (unsigned p = 0; p < N_PLANS; p++)
			for (unsigned q = p + 1; q < N_PLANS; q++)
				if (strcmp(cc[q], cc[p]) < 0) {
					const char *t = cc[p];

					cc[p] = cc[q];
					cc[q] = t;
				}
		for (unsigned p = 0; p < N_PLANS; p++) {
			long co = 0, cl = 0;

			for (unsigned o = 0; o < n_orgs; o++)
				if (orgs[o].month_clients[m] && !strcmp(orgs[o].cc, cc[p])) {
					co++;
					cl += popcount8(orgs[o].month_clients[m]);
				}
			if (co)
				fprintf(f, "%s,%s,%ld,%ld\n", ml, cc[p], co, cl);
		}
	}
	fclose(f);

	/* 2: the top 3 countries by organisations active in the span, month by month. */
	for (unsigned p = 0; p < N_PLANS; p++) {
		top[p] = (struct ranked){plans[p].cc, 0, 0, 0};
		for (unsigned o = 0; o < n_orgs; o++)
			top[p].a +=
			    !strcmp(orgs[o].cc, plans[p].cc) && active(&orgs[o], 0, n_months - 1);
	}
	qsort(top, N_PLANS, sizeof(top[0]), by_count);
	if ((f = table(dir, "2-countries.csv", "month,country,organisations")) == NULL)
		return -1;
	for (int m = 0; m < n_months; m++) {
		month_label(m, ml);
		for (unsigned p = 0; p < 3; p++) {
			long co = 0;

			for (unsigned o = 0; o < n_orgs; o++)
				co += orgs[o].month_clients[m] && !strcmp(orgs[o].cc, top[p].key);
			fprintf(f, "%s,%s,%ld\n", ml, top[p].key, co);
		}
	}
	fclose(f);

	/* 3: removal by country and by sector. */
	if ((f = table(dir, "3-removal-country.csv", "country,active_a,removed,share_percent")) ==
	    NULL)
		return -1;
	removal(f, 0);
	fclose(f);
	if ((f = table(dir, "3-removal-sector.csv", "sector,active_a,removed,share_percent")) ==
	    NULL)
		return -1;
	removal(f, 1);
	fclose(f);

	/* 4: the US's top 10 sectors in A and in B. */
	if ((f = table(dir, "4-sectors.csv", "period,rank,sector,organisations")) == NULL)
		return -1;
	for (int period = 0; period < 2; period++) {
		struct ranked r[N_SECTORS + 1];
		unsigned n = 0;
		int m = period ? n_months - 1 : 0;

		for (unsigned o = 0; o < n_orgs; o++) {
			unsigned i;

			if (strcmp(orgs[o].cc, "US") || !orgs[o].month_clients[m])
				continue;
			for (i = 0; i < n && strcmp(r[i].key, orgs[o].sector); i++)
				;
			if (i == n)
				r[n++] = (struct ranked){orgs[o].sector, 0, 0, 0};
			r[i].a++;
		}
		qsort(r, n, sizeof(r[0]), by_count);
		for (unsigned i = 0; i < n && i < 10; i++)
			fprintf(f, "%s,%u,\"%s\",%ld\n", period ? "B" : "A", i + 1, r[i].key,
				r[i].a);
	}
	fclose(f);

	/* 5: government bodies active in A, and still in B, by country; their names. */
	if ((f = table(dir, "5-government.csv", "country,active_a,active_b")) == NULL)
		return -1;
	FILE *fn = table(dir, "5-government-names.csv", "country,org_id,name");

	if (fn == NULL)
		return -1;
	for (unsigned p = 0; p < N_PLANS; p++) {
		/* alphabetical: DE FR GB US */
		static const char *const order[] = {"DE", "FR", "GB", "US"};
		long a = 0, b = 0;

		for (unsigned o = 0; o < n_orgs; o++) {
			if (!orgs[o].gov || strcmp(orgs[o].cc, order[p]))
				continue;
			a += active(&orgs[o], 0, 0);
			if (active(&orgs[o], n_months - 1, n_months - 1)) {
				b++;
				fprintf(fn, "%s,%s,\"%s\"\n", orgs[o].cc, orgs[o].id, orgs[o].name);
			}
		}
		if (a || b)
			fprintf(f, "%s,%ld,%ld\n", order[p], a, b);
	}
	fclose(f);
	fclose(fn);

	/* 6: what the figures cover: the taps and their days, sessions by signal. */
	if ((f = table(dir, "6-coverage.csv", "tap,first_day,last_day,days")) == NULL)
		return -1;
	for (int t = 0; t < n_taps; t++) {
		tap_first[t] = -1;
		tap_last[t] = -1;
		for (int d = 0; d < n_days; d++)
			if (tap_day[t][d]) {
				if (tap_first[t] < 0)
					tap_first[t] = d;
				tap_last[t] = d;
				tap_days[t]++;
			}
		if (tap_first[t] < 0)
			continue;
		day_label(tap_first[t], d0);
		day_label(tap_last[t], d1);
		fprintf(f, "tap_%c,%s,%s,%d\n", 'a' + t, d0, d1, tap_days[t]);
	}
	fclose(f);
	if ((f = table(dir, "6-signals.csv", "signal,sessions")) == NULL)
		return -1;
	fprintf(f, "http-host,%llu\ntls-sni,%llu\n", (unsigned long long)sig_sessions[1],
		(unsigned long long)sig_sessions[0]);
	fclose(f);

	if (write_evidence(dir) != 0)
		return -1;

	/* Product sessions per day, organisation and signal (the census
	 * database's sessions_day, summed over the taps), and the name-only
	 * ones among them. */
	snprintf(path, sizeof(path), "%s/sessions_day.csv", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "day,org_id,signal,sessions,name_only_sessions\n");
	for (int d = 0; d < n_days; d++)
		for (unsigned o = 0; o < n_orgs; o++)
			for (int h = 0; h < 2; h++) {
				unsigned long n = 0, no = 0;

				for (size_t i = 0; i < n_sess; i++)
					if (!sess[i].web && sess[i].org == (int)o &&
					    sess[i].http == h &&
					    (int)(sess[i].t_us / 86400000000ull) == d) {
						n++;
						no += (unsigned long)session_name_only(&sess[i]);
					}
				if (n == 0)
					continue;
				day_label(d, d0);
				fprintf(f, "%s,%s,%s,%lu,%lu\n", d0, orgs[o].id,
					h ? "http-host" : "tls-sni", n, no);
			}
	fclose(f);

	/* The options these tables are for. */
	snprintf(path, sizeof(path), "%s/args", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	day_label(0, d0);
	day_label(n_days - 1, d1);
	fprintf(f, "--from %s --to %s", d0, d1);
	day_label(month_first[1] - 1, d1);
	fprintf(f, " --period-a %s:%s", d0, d1);
	day_label(month_first[n_months - 1], d0);
	day_label(n_days - 1, d1);
	fprintf(f, " --period-b %s:%s --country US --top 3\n", d0, d1);
	return fclose(f);
}
