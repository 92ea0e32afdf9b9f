/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tc_census.h - between the census generator's files: the plan
 * (tc_census.c, which says what the generator writes), the captures and
 * organisations (tc_census_out.c), and the truth (tc_census_truth.c).
 */
#ifndef TC_CENSUS_H
#define TC_CENSUS_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "tb_pkt.h"

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

extern struct org orgs[MAX_ORGS];
extern unsigned n_orgs;
extern struct session *sess;
extern size_t n_sess, cap_sess;
extern uint64_t rng;
extern int n_months, n_taps, n_days;
extern int month_first[MAX_MONTHS + 1];
extern int year0, month0;
extern time_t epoch;

/* tc_census.c: the plan's helpers. */
uint32_t rnd(void);
int month_of_day(int d);
void month_label(int m, char out[8]);
void day_label(int d, char out[11]);

/* tc_census_out.c: orgs.csv and a capture per tap. */
int write_orgs(const char *dir);
int write_captures(const char *dir);
/* Does session s rest on the name alone (its server is not the vendor's)? */
int session_name_only(const struct session *s);

/* tc_census_truth.c: the report's tables as they must come out, and
 * sessions_day.csv. */
int write_truth(const char *dir);

#endif
