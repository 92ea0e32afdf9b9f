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

#define MAX_ORGS 64
#define MAX_CLIENTS 6
#define MAX_MONTHS 24
#define MAX_TAPS 4
#define MAX_DAYS (MAX_MONTHS * 31)
/* ASdb's categories (layer 1), as tapcensus labels them. */
#define GOV_SECTOR "government-and-public-administration"

static const struct plan {
	const char *cc;
	unsigned orgs, stop, gov, gov_stop, late;
} plans[] = {
    {"US", 24, 14, 5, 3, 2},
    {"DE", 13, 9, 3, 2, 2},
    {"GB", 8, 3, 1, 0, 2},
    {"FR", 5, 1, 1, 1, 2},
};
#define N_PLANS (sizeof(plans) / sizeof(plans[0]))

static const char *const sectors[] = {
    "computer-and-information-technology",
    "finance-and-insurance",
    "manufacturing",
    "education-and-research",
    "health-care-services",
    "retail-stores-wholesale-and-e-commerce-sites",
    "media-publishing-and-broadcasting",
    "freight-shipment-and-postal-services",
    "utilities-excluding-internet-service",
    "construction-and-real-estate",
    "agriculture-mining-and-refineries",
};
#define N_SECTORS (sizeof(sectors) / sizeof(sectors[0]))

struct org {
	char id[16], name[64];
	const char *cc, *sector;
	int gov;
	int web_only;
	unsigned n_clients;
	int first_month; /* active from this month */
	int stop_day;	 /* no session on or after this day (index), or INT_MAX-ish */
	/* Evidence: 0, every session to the vendor's configured servers
	 * (corroborated); NAME_ONLY_ALL, every one to another's server with
	 * the vendor's names (a decoy, name-only); NAME_ONLY_ODD, the odd
	 * clients' only. */
	int name_only;
	/* What was written: product clients per month (a bit per client),
	 * product sessions per month, and the name-only ones among them. */
	unsigned char month_clients[MAX_MONTHS];
	unsigned month_sessions[MAX_MONTHS], month_name_only[MAX_MONTHS];
};
#define NAME_ONLY_ALL 1
#define NAME_ONLY_ODD 2

struct session {
	uint64_t t_us; /* since the first day's midnight */
	int org, client, tap, web, http;
	const char *name;
};

static struct org orgs[MAX_ORGS];
static unsigned n_orgs;
static struct session *sess;
static size_t n_sess, cap_sess;
static uint64_t rng;
static int n_months, n_taps = 3, n_days;
static int month_first[MAX_MONTHS + 1]; /* day index of each month's first day */
static int y0, m0;
static time_t epoch; /* the first day's midnight, UTC */

static uint32_t
rnd(void)
{
	return tb_rnd(&rng);
}

static int
month_of_day(int d)
{
	int m = 0;

	while (m + 1 < n_months && month_first[m + 1] <= d)
		m++;
	return m;
}

static void
month_label(int m, char out[8])
{
	unsigned y = (unsigned)(y0 + (m0 - 1 + m) / 12) % 10000u,
		 mo = (unsigned)(m0 - 1 + m) % 12u + 1;

	snprintf(out, 8, "%04u-%02u", y, mo);
}

static void
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

/* ---- The captures ---- */

/* Does this session rest on the name alone (its server is not the
 * vendor's)? */
static int
session_name_only(const struct session *s)
{
	int no = orgs[s->org].name_only;

	return no == NAME_ONLY_ALL || (no == NAME_ONLY_ODD && s->client % 2 == 1);
}

/* The session's client, and its server: one of the vendor's configured
 * prefixes (config/tapcensus.yaml: 203.0.113.196/30, 2001:db8:5d::/64),
 * or another's for a name-only session. */
static void
client_addr(int org, int client, int name_only, struct tb_spec *s)
{
	memset(s->src, 0, 16);
	if (org < 32 && client % 2 == 0) {
		/* 198.51.100.(8 * org + 1 + client)/29 */
		s->family = 4;
		s->src[0] = 198;
		s->src[1] = 51;
		s->src[2] = 100;
		s->src[3] = (uint8_t)(8 * org + 1 + client);
		tb_addr(name_only ? "203.0.113.10" : "203.0.113.197", s->dst);
	} else {
		/* 2001:db8:1XX:C::1, a /64 of its own in the org's /48 */
		tb_addr("2001:db8::1", s->src);
		s->src[4] = 0x01;
		s->src[5] = (uint8_t)org;
		s->src[7] = (uint8_t)client;
		s->family = 6;
		tb_addr(name_only ? "2001:db8:5a::10" : "2001:db8:5d::10", s->dst);
	}
}

static int
write_captures(const char *dir)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *dump[MAX_TAPS] = {0};
	uint64_t last_us[MAX_TAPS] = {0};
	uint16_t sport = 20000;
	uint8_t frame[4096], pl[2048];
	char path[4096];
	int rc = -1;

	for (int t = 0; t < n_taps; t++) {
		snprintf(path, sizeof(path), "%s/tap%d.pcap", dir, t);
		if ((dump[t] = pcap_dump_open(dead, path)) == NULL) {
			fprintf(stderr, "tc_census: %s: %s\n", path, pcap_geterr(dead));
			goto out;
		}
	}
	for (size_t i = 0; i < n_sess; i++) {
		const struct session *s = &sess[i];
		struct tb_spec c2s = {0}, s2c;
		uint32_t cseq = rnd(), sseq = rnd(), len;
		uint64_t t = s->t_us > last_us[s->tap] ? s->t_us : last_us[s->tap] + 1000;
		static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
		/* client or server, flags, payload: the session's frames */
		struct step {
			int dir;
			uint8_t flags;
			const uint8_t *p;
			uint32_t len;
		} steps[8];
		unsigned n = 0;

		client_addr(s->org, s->client, session_name_only(s), &c2s);
		c2s.proto = IPPROTO_TCP;
		c2s.sport = sport;
		c2s.dport = s->http ? 80 : 443;
		sport = sport >= 60000 ? 20000 : sport + 1;
		s2c = c2s;
		memcpy(s2c.src, c2s.dst, 16);
		memcpy(s2c.dst, c2s.src, 16);
		s2c.sport = c2s.dport;
		s2c.dport = c2s.sport;
		len = s->http ? tb_http_get(pl, sizeof(pl), s->name, "/bases/index.xml")
			      : tb_tls_client_hello(pl, sizeof(pl), s->name, false, rnd() % 100);
		steps[n++] = (struct step){0, 0x02, NULL, 0};
		steps[n++] = (struct step){1, 0x12, NULL, 0};
		steps[n++] = (struct step){0, 0x10, NULL, 0};
		steps[n++] = (struct step){0, 0x18, pl, len};
		steps[n++] = (struct step){1, 0x18, (const uint8_t *)ok, sizeof(ok) - 1};
		steps[n++] = (struct step){0, 0x11, NULL, 0};
		steps[n++] = (struct step){1, 0x11, NULL, 0};
		steps[n++] = (struct step){0, 0x10, NULL, 0};
		for (unsigned k = 0; k < n; k++) {
			struct tb_spec *sp = steps[k].dir ? &s2c : &c2s;
			uint32_t *seq = steps[k].dir ? &sseq : &cseq;
			struct pcap_pkthdr h;
			uint32_t fl;

			sp->tcp_flags = steps[k].flags;
			sp->seq = *seq;
			sp->payload = steps[k].p;
			sp->plen = steps[k].len;
			fl = tb_frame(sp, frame, sizeof(frame));
			if (fl == 0)
				goto out;
			*seq += steps[k].len + ((steps[k].flags & 0x03) ? 1 : 0);
			h.ts.tv_sec = epoch + (time_t)(t / 1000000);
			h.ts.tv_usec = (suseconds_t)(t % 1000000);
			h.caplen = h.len = fl;
			pcap_dump((u_char *)dump[s->tap], &h, frame);
			t += 200;
		}
		last_us[s->tap] = t;
	}
	rc = 0;
out:
	for (int t = 0; t < n_taps; t++)
		if (dump[t] != NULL)
			pcap_dump_close(dump[t]);
	pcap_close(dead);
	return rc;
}

static int
write_orgs(const char *dir)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/orgs.csv", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fprintf(f, "prefix,org_id,name,country,sector,government\n");
	for (unsigned o = 0; o < n_orgs; o++) {
		const struct org *g = &orgs[o];

		if (o < 32)
			fprintf(f, "198.51.100.%u/29,%s,\"%s\",%s,\"%s\",%s\n", 8 * o, g->id,
				g->name, g->cc, g->sector, g->gov ? "true" : "false");
		fprintf(f, "2001:db8:1%02x::/48,%s,\"%s\",%s,\"%s\",%s\n", o, g->id, g->name, g->cc,
			g->sector, g->gov ? "true" : "false");
	}
	return fclose(f);
}

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

static int
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

int
main(int argc, char **argv)
{
	const char *dir;
	unsigned long seed = 1;
	struct tm tm = {0};

	n_months = 8;
	y0 = 2024;
	m0 = 4;
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
			 sscanf(argv[i + 1], "%d-%d", &y0, &m0) == 2 && m0 >= 1 && m0 <= 12 &&
			 y0 >= 1990)
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
	tm.tm_year = y0 - 1900;
	tm.tm_mon = m0 - 1;
	tm.tm_mday = 1;
	epoch = timegm(&tm);
	for (int m = 0; m <= n_months; m++) {
		struct tm t = {.tm_year = y0 - 1900, .tm_mon = m0 - 1 + m, .tm_mday = 1};

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
