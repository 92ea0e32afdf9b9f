/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tc_census - writes a census over months for the report's test: the
 * organisations, one capture per tap, and the report's tables as they must
 * come out, computed here from the sessions written (never from tapcensus).
 *
 *   tc_census OUTDIR [--seed N] [--from YYYY-MM] [--months N] [--taps N]
 *
 * OUTDIR/orgs.csv      the organisations (config/orgs.csv's format): four
 *                      countries, sectors, government bodies among them
 * OUTDIR/tapN.pcap     what tap N saw (each session at one tap, drawn: a
 *                      client's sessions spread over taps)
 * OUTDIR/sessions_day.csv  product sessions per day, organisation and signal
 * OUTDIR/args          the report's options the tables are for: the whole
 *                      span, period A the first month, B the last, country
 *                      US, the top 3 countries
 * OUTDIR/truth/        the report's tables (control/tapcensus-report's
 *                      formats, cell by cell)
 *
 * The plan: per country, how many organisations there are, how many of
 * those active in A stop before B (the removal share known in advance:
 * of those in A: US 14 of 22, DE 9 of 11, GB 3 of 6, FR 1 of 3), and how many are
 * government bodies; a stopping organisation's last day is drawn between A
 * and B.  Two organisations per country begin only after A (never in the
 * removal's base), and one of each country's visits only the vendor's
 * website (never a product client: in no table).  Two organisations of
 * each of the first two countries and one of the others reach servers
 * outside the vendor's (the configuration's server_prefixes) with the
 * vendor's names: one with every session (a decoy: name-only), one with
 * its odd clients' only; every other session goes to a configured server
 * (corroborated).  Each active month, an
 * organisation's first client and some of the others (1 to 6 clients, IPv4
 * and IPv6, each IPv6 client in a /64 of its own) fetch updates or
 * activate over TLS or HTTP on drawn days and seconds, and some read the
 * website besides.  Every TCP session has the client's data after the
 * server's SYN-ACK (evidence its address is real).  Addresses come from the
 * documentation ranges only.
 */
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

struct org orgs[MAX_ORGS];
unsigned n_orgs;
struct session *sess;
size_t n_sess, cap_sess;
uint64_t rng;
int n_months, n_taps = 3, n_days;
int month_first[MAX_MONTHS + 1]; /* day index of each month's first day */
int year0, month0;
time_t epoch; /* the first day's midnight, UTC */

uint32_t
rnd(void)
{
	return tb_rnd(&rng);
}

int
month_of_day(int d)
{
	int m = 0;

	while (m + 1 < n_months && month_first[m + 1] <= d)
		m++;
	return m;
}

void
month_label(int m, char out[8])
{
	unsigned y = (unsigned)(year0 + (month0 - 1 + m) / 12) % 10000u,
		 mo = (unsigned)(month0 - 1 + m) % 12u + 1;

	snprintf(out, 8, "%04u-%02u", y, mo);
}

void
day_label(int d, char out[11])
{
	time_t t = epoch + (time_t)d * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int
add_session(int org, int client, int day, int tap, int web, int http, const char *name)
{
	if (n_sess == cap_sess) {
		size_t nc = cap_sess ? 2 * cap_sess : 1024;
		struct session *g = realloc(sess, nc * sizeof(*g));

		if (g == NULL)
			return -1;
		sess = g;
		cap_sess = nc;
	}
	sess[n_sess++] = (struct session){
	    .t_us = ((uint64_t)day * 86400 + 60 + rnd() % 86000) * 1000000 + rnd() % 1000000,
	    .org = org,
	    .client = client,
	    .tap = tap,
	    .web = web,
	    .http = http,
	    .name = name};
	return 0;
}

static int
by_time(const void *a, const void *b)
{
	const struct session *x = a, *y = b;

	return x->t_us < y->t_us ? -1 : x->t_us > y->t_us;
}

/* The plan: organisations, their clients, months and stops. */
static void
plan_orgs(void)
{
	int a_end = month_first[1], b_start = month_first[n_months - 1];

	for (unsigned p = 0; p < N_PLANS; p++) {
		const struct plan *pl = &plans[p];
		/* Of the organisations in A: the first stop ones stop, the
		 * government bodies among them first; the rest go on. */
		unsigned in_a = pl->orgs - pl->late;

		for (unsigned i = 0; i < pl->orgs + 1; i++) {
			struct org *o = &orgs[n_orgs++];
			int stops = i < pl->stop;
			int gov = i < pl->gov_stop ||
				  (i >= pl->stop && i < pl->stop + pl->gov - pl->gov_stop);

			snprintf(o->id, sizeof(o->id), "%c%c-%03u", pl->cc[0] + 32, pl->cc[1] + 32,
				 i + 1);
			o->cc = pl->cc;
			o->gov = gov && i < in_a;
			o->sector = o->gov ? GOV_SECTOR : sectors[rnd() % N_SECTORS];
			snprintf(o->name, sizeof(o->name), "%s %s %u (synthetic)",
				 o->gov ? "Agency" : "Company", pl->cc, i + 1);
			o->n_clients = 1 + rnd() % MAX_CLIENTS;
			o->first_month =
			    i >= in_a ? 1 + (int)(rnd() % (unsigned)(n_months - 2)) : 0;
			o->stop_day =
			    stops ? a_end + (int)(rnd() % (unsigned)(b_start - a_end)) : n_days;
			o->web_only = i == pl->orgs; /* one more: the website only */
			/* Drawn from the index, not the generator: every other
			 * table is what it was before the evidence levels. */
			o->name_only = i == pl->stop		? NAME_ONLY_ODD
				       : i + 1 == in_a && p < 2 ? NAME_ONLY_ALL
								: 0;
			if (o->web_only) {
				o->first_month = 0;
				o->stop_day = n_days;
				o->gov = 0;
				o->sector = sectors[rnd() % N_SECTORS];
			}
		}
	}
}

/* Each organisation's sessions, month by month. */
static int
plan_sessions(void)
{
	static const char *const tls_names[] = {"s03.upd.kaspersky.com", "s17.upd.kaspersky.com",
						"cm.k.kaspersky-labs.com"};
	static const char *const http_names[] = {"downloads.upd.kaspersky.com",
						 "activation-v2.kaspersky.com"};

	for (unsigned o = 0; o < n_orgs; o++) {
		struct org *g = &orgs[o];

		for (int m = g->first_month; m < n_months; m++) {
			int first = month_first[m], last = month_first[m + 1] - 1;

			if (last >= g->stop_day)
				last = g->stop_day - 1;
			if (last < first)
				continue;
			for (unsigned c = 0; c < g->n_clients; c++) {
				unsigned n =
				    c == 0 ? 1 + rnd() % 2 : (rnd() % 10 < 6 ? 1 + rnd() % 2 : 0);

				if (g->web_only)
					n = c == 0 ? 1 : 0;
				for (unsigned k = 0; k < n; k++) {
					int day =
					    first + (int)(rnd() % (unsigned)(last - first + 1));
					int http = rnd() % 10 < 3,
					    tap = (int)(rnd() % (unsigned)n_taps);
					const char *name =
					    http ? http_names[rnd() % 2] : tls_names[rnd() % 3];

					if (g->web_only) {
						if (add_session((int)o, (int)c, day, tap, 1, 0,
								"www.kaspersky.com"))
							return -1;
						continue;
					}
					if (add_session((int)o, (int)c, day, tap, 0, http, name))
						return -1;
					/* Some also read the website that day. */
					if (rnd() % 5 == 0 &&
					    add_session((int)o, (int)c, day,
							(int)(rnd() % (unsigned)n_taps), 1, 0,
							"support.kaspersky.com"))
						return -1;
				}
			}
		}
	}
	qsort(sess, n_sess, sizeof(*sess), by_time);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *dir;
	unsigned long seed = 1;
	struct tm tm = {0};

	n_months = 8;
	year0 = 2024;
	month0 = 4;
	if (argc < 2 || argc % 2) {
		fprintf(stderr, "usage: tc_census OUTDIR [--seed N] [--from YYYY-MM] [--months N] "
				"[--taps N]\n");
		return 2;
	}
	dir = argv[1];
	for (int i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seed"))
			seed = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--from") &&
			 sscanf(argv[i + 1], "%d-%d", &year0, &month0) == 2 && month0 >= 1 &&
			 month0 <= 12 && year0 >= 1990)
			;
		else if (!strcmp(argv[i], "--months") && atoi(argv[i + 1]) >= 3 &&
			 atoi(argv[i + 1]) <= MAX_MONTHS)
			n_months = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--taps") && atoi(argv[i + 1]) >= 1 &&
			 atoi(argv[i + 1]) <= MAX_TAPS)
			n_taps = atoi(argv[i + 1]);
		else {
			fprintf(stderr, "tc_census: bad option %s %s\n", argv[i], argv[i + 1]);
			return 2;
		}
	}
	rng = 0x9e3779b97f4a7c15ull ^ (seed * 0x100000001b3ull);
	tm.tm_year = year0 - 1900;
	tm.tm_mon = month0 - 1;
	tm.tm_mday = 1;
	epoch = timegm(&tm);
	for (int m = 0; m <= n_months; m++) {
		struct tm t = {.tm_year = year0 - 1900, .tm_mon = month0 - 1 + m, .tm_mday = 1};

		month_first[m] = (int)((timegm(&t) - epoch) / 86400);
	}
	n_days = month_first[n_months];
	mkdir(dir, 0755);
	plan_orgs();
	if (plan_sessions() != 0 || write_orgs(dir) != 0 || write_captures(dir) != 0 ||
	    write_truth(dir) != 0) {
		fprintf(stderr, "tc_census: writing %s failed\n", dir);
		return 1;
	}
	printf("tc_census: %u organisations, %zu sessions over %d months at %d taps\n", n_orgs,
	       n_sess, n_months, n_taps);
	return 0;
}
