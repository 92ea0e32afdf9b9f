/* SPDX-License-Identifier: BSD-3-Clause */
/* tc_gen's world and its truth: the organisations, the names the dataplane
 * exports, TRUTH.tsv and the organisation table as CSV. */
#include <ctype.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tb_pkt.h"
#include "tc_gen.h"

/* The sample organisation table (config/orgs.csv is this, written out). */
const struct org orgs[N_ORGS] = {
    {"us-treasury", "Department of the Treasury (sample)", "US", "government", "true",
     "192.0.2.0/26", "2001:db8:100::/48"},
    {"acme-bank", "Acme Bank", "US", "finance", "false", "192.0.2.64/26", NULL},
    {"northwind-health", "Northwind \"General\" Hospital", "GB", "health", "false",
     "192.0.2.128/25", "2001:db8:200::/48"},
    {"example-univ", "Example University", "DE", "education", "false", "198.51.100.0/24", NULL},
    {"sampleton-council", "City Council of Sampleton", "FR", "government", "yes", "203.0.113.0/25",
     NULL},
    {"telco-isp", "Telco ISP, Inc.", "NL", "telecom", "false", NULL, "2001:db8:300::/40"},
    /* Clients in no prefix: 203.0.113.128/26 and 2001:db8:f000::/36. */
    {"unattributed", NULL, NULL, NULL, NULL, "203.0.113.128/26", "2001:db8:f000::/36"},
};

const char *const sig_names[S_N] = {"tls-sni",	 "quic-sni",   "http-host", "dns",
				    "server-ip", "learned-ip", "payload"};

static const char *const out_names[O_N] = {
    "vendor",  "other_name", "no_name",	 "app_malformed", "app_truncated", "partial",
    "matched", "bypassed",   "other_l4", "fragment",	  "not_ip",	   "untracked"};
static const char *const drop_names[D_N] = {"l2_malformed", "l3_malformed", "l4_malformed",
					    "scan_error", "oversize"};
static const char *const layer_names[L_N] = {"l2", "l3", "l4", "tls", "quic", "http", "dns"};
static const char *const dir_names[2] = {"client_to_server", "server_to_client"};

int
tc_truth_write_orgs(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		perror(path);
		return 1;
	}
	fprintf(f, "# Sample organisation table for tapcensus (documentation addresses only).\n"
		   "# Written by tests/tc_gen --orgs; the tests check this file against it.\n"
		   "prefix,org_id,name,country,sector,government\n");
	for (size_t i = 0; i < N_ORGS; i++) {
		const struct org *o = &orgs[i];
		const char *pf[2] = {o->v4, o->v6};

		if (o->name == NULL)
			continue;
		for (int k = 0; k < 2; k++) {
			if (pf[k] == NULL)
				continue;
			fprintf(f, "%s,%s,\"", pf[k], o->id);
			for (const char *c = o->name; *c; c++)
				fputs(*c == '"' ? "\"\"" : (char[]){*c, 0}, f);
			fprintf(f, "\",%s,%s,%s\n", o->country, o->sector, o->gov);
		}
	}
	return fclose(f) ? 1 : 0;
}

/* Organisation o's key in group kind (0 country, 1 sector, 2 government
 * bodies, all "-"); NULL when it is in none (unattributed, not government). */
static const char *
group_of(int kind, size_t o)
{
	if (orgs[o].country == NULL)
		return NULL;
	if (kind == 2)
		return strcmp(orgs[o].gov, "true") == 0 || strcmp(orgs[o].gov, "yes") == 0 ? "-"
											   : NULL;
	return kind == 0 ? orgs[o].country : orgs[o].sector;
}

/* The vendor as the exposition names a role: the vendor alone for its own
 * level (other), VENDOR/ROLE for the others (the API's keys too). */
static const char *
vendor_key(int r)
{
	static char buf[R_N][64];

	if (r == R_OTHER)
		return VENDOR;
	snprintf(buf[r], sizeof(buf[r]), "%s/%s", VENDOR, role_names[r]);
	return buf[r];
}

#define PRODUCT_ROLES ((unsigned char)~(1u << R_WEB))

/* One group's truth: its organisations with a client, and their clients -
 * of product use (any role but web: "group"), or of the website alone
 * ("webgroup"). */
static void
group_truth(FILE *f, const struct tc_truth *t, int kind, const char *key, bool web)
{
	unsigned n_orgs = 0, n_clients = 0;
	unsigned char mask = web ? (unsigned char)(1u << R_WEB) : PRODUCT_ROLES;

	for (size_t p = 0; p < N_ORGS; p++) {
		unsigned c = 0;

		if (group_of(kind, p) == NULL || strcmp(group_of(kind, p), key) != 0)
			continue;
		for (int k = 0; k < CLIENTS_PER_ORG; k++)
			c += (t->vendor_client[p][k] & mask) != 0;
		n_orgs += c > 0;
		n_clients += c;
	}
	fprintf(f, "%s %s %s %s %u %u\n", web ? "webgroup" : "group",
		kind == 0   ? "country"
		: kind == 1 ? "sector"
			    : "government",
		key, VENDOR, n_orgs, n_clients);
}

int
tc_truth_write(const struct tc_truth *t, const uint64_t *part_packets, unsigned n_parts,
	       uint64_t packets, const char *path)
{
	FILE *f;

	f = fopen(path, "w");
	if (f == NULL) {
		perror(path);
		return 1;
	}
	fprintf(f, "packets %llu\n", (unsigned long long)packets);
	for (unsigned q = 0; q < n_parts; q++)
		fprintf(f, "part %u %llu\n", q, (unsigned long long)part_packets[q]);
	for (int o = 0; o < O_N; o++)
		fprintf(f, "outcome %s %llu\n", out_names[o], (unsigned long long)t->outcome[o]);
	for (int d = 0; d < D_N; d++)
		fprintf(f, "drop %s %llu\n", drop_names[d], (unsigned long long)t->drop[d]);
	for (int l = 0; l < L_N; l++)
		fprintf(f, "parse_error %s %llu\n", layer_names[l], (unsigned long long)t->perr[l]);
	fprintf(f, "ech %llu\n", (unsigned long long)t->ech);
	fprintf(f, "truncated %llu\n", (unsigned long long)t->capture_cut);
	fprintf(f, "flows_created %llu\n", (unsigned long long)t->flows_created);
	fprintf(f, "flows_ended %llu\n", (unsigned long long)t->flows_ended);
	fprintf(f, "quic_unknown_version %llu\n", (unsigned long long)t->quic_unknown);
	fprintf(f, "quic_version_negotiation %llu\n", (unsigned long long)t->quic_vn);
	for (size_t o = 0; o < N_ORGS; o++) {
		unsigned product = 0, corro = 0;
		uint64_t any = 0;

		for (int c = 0; c < CLIENTS_PER_ORG; c++) {
			product += (t->vendor_client[o][c] & PRODUCT_ROLES) != 0;
			/* Corroborated: a role both verified and corroborated. */
			corro += (t->vendor_client[o][c] & t->vendor_client_corro[o][c] &
				  PRODUCT_ROLES) != 0;
		}
		for (int r = 0; r < R_N; r++) {
			unsigned clients = 0;
			uint64_t in_role = 0;

			for (int s = 0; s < S_N; s++)
				in_role += t->sessions[o][r][s];
			if (!in_role)
				continue;
			any += in_role;
			for (int c = 0; c < CLIENTS_PER_ORG; c++)
				clients += (t->vendor_client[o][c] >> r) & 1;
			for (int s = 0; s < S_N; s++) {
				fprintf(f, "sessions %s %s %s %llu\n", orgs[o].id, vendor_key(r),
					sig_names[s], (unsigned long long)t->sessions[o][r][s]);
				fprintf(f, "name_only %s %s %s %llu\n", orgs[o].id, vendor_key(r),
					sig_names[s], (unsigned long long)t->name_only[o][r][s]);
				for (int d = 0; d < 2; d++) {
					fprintf(f, "flow_packets %s %s %s %s %llu\n", orgs[o].id,
						vendor_key(r), sig_names[s], dir_names[d],
						(unsigned long long)t->fpkts[o][r][s][d]);
					fprintf(f, "flow_bytes %s %s %s %s %llu\n", orgs[o].id,
						vendor_key(r), sig_names[s], dir_names[d],
						(unsigned long long)t->fbytes[o][r][s][d]);
				}
			}
			fprintf(f, "clients %s %s %u\n", orgs[o].id, vendor_key(r), clients);
		}
		if (any) {
			fprintf(f, "product_clients %s %s %u\n", orgs[o].id, VENDOR, product);
			fprintf(f, "product_clients_corroborated %s %s %u\n", orgs[o].id, VENDOR,
				corro);
		}
	}
	/* Vendor names in no role that decided sessions, lower-cased as the
	 * dataplane reads them. */
	for (unsigned i = 0; i < tc_vendor_names(); i++) {
		char lc[256];
		size_t k;

		if (t->unlisted[i] == 0)
			continue;
		for (k = 0; tc_vendor_name(i)[k] && k < sizeof(lc) - 1; k++)
			lc[k] = (char)tolower((unsigned char)tc_vendor_name(i)[k]);
		while (k > 0 && lc[k - 1] == '.')
			k--;
		lc[k] = '\0';
		fprintf(f, "unlisted %s %s %llu\n", VENDOR, lc, (unsigned long long)t->unlisted[i]);
	}
	/* Groups of attributed organisations, each key once: countries,
	 * sectors, then all government bodies ("-"). */
	for (int kind = 0; kind < 2; kind++)
		for (size_t o = 0; o < N_ORGS; o++) {
			const char *key = group_of(kind, o);
			size_t p;

			if (key == NULL)
				continue;
			for (p = 0; p < o && (group_of(kind, p) == NULL ||
					      strcmp(group_of(kind, p), key) != 0);
			     p++)
				;
			if (p == o) { /* no earlier organisation has the key */
				group_truth(f, t, kind, key, false);
				group_truth(f, t, kind, key, true);
			}
		}
	group_truth(f, t, 2, "-", false);
	group_truth(f, t, 2, "-", true);
	return fclose(f) ? 1 : 0;
}
