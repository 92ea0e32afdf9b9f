/* SPDX-License-Identifier: BSD-3-Clause */
/* The organisation families of the exposition: one series set per
 * organisation with sessions (or the busiest metrics.max_orgs and "other"),
 * and the country, sector and government aggregates. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_metrics.h"
#include "ctl_metrics_private.h"
#include "ctl_promtext.h"
#include "dp_types.h"

/* One exported organisation series: an organisation, or "other", the sum
 * of those past metrics.max_orgs.  ctr and win are laid out as the
 * snapshot's and the windows' rows of one organisation. */
struct org_row {
	const struct ctl_org *org;
	const struct dp_org_ctr *ctr; /* [n_vendors * DP_SIG_COUNT] */
	const uint64_t *win;	      /* [n_keys * CTL_WIN_COUNT] */
	const uint64_t *corro;	      /* as win: the corroborated of those */
};

static const struct ctl_org other_org = {
    .id = "other",
    .name = "Organisations beyond metrics.max_orgs",
};

static bool
row_active(const struct org_row *r, unsigned vendor)
{
	for (unsigned s = 0; s < DP_SIG_COUNT; s++)
		if (r->ctr[vendor * DP_SIG_COUNT + s].sessions)
			return true;
	return false;
}

struct rank {
	uint32_t org;
	uint64_t sessions;
};

static int
by_sessions(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->sessions != y->sessions)
		return x->sessions < y->sessions ? 1 : -1;
	return x->org < y->org ? -1 : x->org > y->org;
}

/* The rows to export: unattributed, then every organisation with sessions,
 * or with metrics.max_orgs set the busiest that many (by sessions, ties by
 * table order) and one "other" row summing the rest.  other_ctr and
 * other_win are the caller's, zeroed, one organisation's rows.  Returns
 * the row count, or -ENOMEM; *folded is the organisations in "other". */
static int
org_rows(const struct ctl_view *v, struct org_row *rows, struct dp_org_ctr *other_ctr,
	 uint64_t *other_win, uint64_t *other_corro, unsigned *folded)
{
	const struct ctl_snapshot *s = v->snap;
	size_t per_ctr = (size_t)s->n_vendors * DP_SIG_COUNT,
	       per_win = (size_t)v->n_keys * CTL_WIN_COUNT;
	const uint64_t *win = v->win, *corro = v->win_corro;
	struct rank *r = malloc((v->n_active + 1) * sizeof(*r));
	unsigned n = 0, rows_n = 0, keep;

	if (r == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < v->n_active; i++)
		if (v->active[i] != DP_ORG_UNATTRIBUTED)
			r[n++] = (struct rank){v->active[i], v->org_sessions[v->active[i]]};
	keep = v->cfg->max_orgs != 0 && n > v->cfg->max_orgs ? v->cfg->max_orgs : n;
	if (keep < n)
		qsort(r, n, sizeof(*r), by_sessions);
	rows[rows_n++] = (struct org_row){&v->orgs->orgs[0], s->ctr, win, corro};
	for (unsigned i = 0; i < n; i++) {
		uint32_t o = r[i].org;
		const struct dp_org_ctr *c = &s->ctr[o * per_ctr];

		if (i < keep) {
			rows[rows_n++] = (struct org_row){&v->orgs->orgs[o], c, win + o * per_win,
							  corro + o * per_win};
			continue;
		}
		for (size_t k = 0; k < per_ctr; k++)
			dp_org_ctr_add(&other_ctr[k], &c[k]);
		/* A client belongs to one organisation: the sum is exact. */
		for (size_t k = 0; k < per_win; k++) {
			other_win[k] += win[o * per_win + k];
			other_corro[k] += corro[o * per_win + k];
		}
	}
	if (keep < n)
		rows[rows_n++] = (struct org_row){&other_org, other_ctr, other_win, other_corro};
	*folded = n - keep;
	free(r);
	return (int)rows_n;
}

/* {org=...,government="..." - the labels every organisation series has. */
static void
org_labels_base(FILE *f, const struct ctl_org *o)
{
	fputs("{org=", f);
	ctl_promtext_label(f, o->id);
	fputs(",org_name=", f);
	ctl_promtext_label(f, o->name);
	fprintf(f, ",country=\"%s\",sector=", o->country);
	ctl_promtext_label(f, o->sector);
	fprintf(f, ",government=\"%s\"", o == &other_org ? "" : o->government ? "true" : "false");
}

static void
org_labels(FILE *f, const struct ctl_org *o, const struct ctl_vendor *vendor)
{
	org_labels_base(f, o);
	fputc(',', f);
	ctl_promtext_vendor(f, vendor->name, vendor->role);
}

/* The per-organisation families, one walk over the rows each. */
enum org_family {
	FAM_SESSIONS,
	FAM_NAME_ONLY,
	FAM_PACKETS,
	FAM_BYTES,
	FAM_CLIENTS,
	FAM_LAST_SEEN,
	FAM_COUNT
};

static const struct {
	const char *name, *type, *help;
} org_fams[FAM_COUNT] = {
    [FAM_SESSIONS] = {"tapcensus_org_sessions_total", "counter",
		      "Sessions from an organisation's clients to a vendor, by the signal that "
		      "recognised them."},
    [FAM_NAME_ONLY] = {"tapcensus_org_sessions_name_only_total", "counter",
		       "Of those sessions, the ones a name or payload signature decided whose "
		       "server address is not the vendor's (no DNS answer for its names taught "
		       "it, no server prefix holds it): a name alone, which a decoy can carry. "
		       "The rest are corroborated.  DNS queries go to resolvers: name-only by "
		       "construction."},
    [FAM_PACKETS] = {"tapcensus_org_flow_packets_total", "counter",
		     "Packets of an organisation's flows to a vendor, from each flow's first "
		     "packet to its end, by the signal that recognised the flow and direction."},
    [FAM_BYTES] = {"tapcensus_org_flow_bytes_total", "counter",
		   "Frame bytes of an organisation's flows to a vendor, as the tap delivered "
		   "them."},
    [FAM_CLIENTS] = {"tapcensus_org_unique_clients", "gauge",
		     "Distinct clients of an organisation seen reaching a vendor in the window "
		     "(1d, 30d) or since the first start (all); IPv6 clients counted by their "
		     "prefix (clients.ipv6_prefix, default /64)."},
    [FAM_LAST_SEEN] = {"tapcensus_org_last_seen_timestamp_seconds", "gauge",
		       "Unix time of the latest session from an organisation to a vendor."},
};

/* A signal that never recognised a session of the organisation and role
 * has no series (dp_org_ctr_seen): at 20,000 active organisations,
 * writing its zeros made four fifths of a 330 MiB exposition. */
static void
org_samples(FILE *f, enum org_family fam, const struct org_row *r, unsigned vd,
	    const struct ctl_vendor *vendor)
{
	static const char *const dirs[2] = {"client_to_server", "server_to_client"};
	const struct dp_org_ctr *c = &r->ctr[vd * DP_SIG_COUNT];
	const char *name = org_fams[fam].name;
	uint64_t last = 0;

	switch (fam) {
	case FAM_SESSIONS:
	case FAM_NAME_ONLY:
		/* Name-only sessions have no series where there is none. */
		for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++) {
			uint64_t n = fam == FAM_SESSIONS ? c[sig].sessions : c[sig].name_only;

			if (fam == FAM_SESSIONS ? !dp_org_ctr_seen(&c[sig]) : n == 0)
				continue;
			fputs(name, f);
			org_labels(f, r->org, vendor);
			fprintf(f, ",signal=\"%s\"} %" PRIu64 "\n", dp_signal_name(sig), n);
		}
		break;
	case FAM_PACKETS:
	case FAM_BYTES:
		for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++)
			for (int d = 0; d < 2 && dp_org_ctr_seen(&c[sig]); d++) {
				fputs(name, f);
				org_labels(f, r->org, vendor);
				fprintf(f, ",signal=\"%s\",direction=\"%s\"} %" PRIu64 "\n",
					dp_signal_name(sig), dirs[d],
					fam == FAM_PACKETS ? c[sig].pkts[d] : c[sig].bytes[d]);
			}
		break;
	case FAM_CLIENTS:
		for (unsigned w = 0; w < CTL_WIN_COUNT; w++) {
			fputs(name, f);
			org_labels(f, r->org, vendor);
			fprintf(f, ",window=\"%s\"} %" PRIu64 "\n", ctl_window_names[w],
				r->win[vd * CTL_WIN_COUNT + w]);
		}
		break;
	default:
		for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++)
			if (c[sig].last_seen > last)
				last = c[sig].last_seen;
		fputs(name, f);
		org_labels(f, r->org, vendor);
		fprintf(f, "} %" PRIu64 "\n", last);
		break;
	}
}

int
ctl_metrics_render_orgs(FILE *f, const struct ctl_view *v)
{
	const struct ctl_snapshot *s = v->snap;
	struct org_row *rows = malloc((s->n_orgs + 1) * sizeof(*rows));
	struct dp_org_ctr *other_ctr =
	    calloc((size_t)s->n_vendors * DP_SIG_COUNT, sizeof(*other_ctr));
	uint64_t *other_win = calloc((size_t)v->n_keys * CTL_WIN_COUNT, sizeof(*other_win));
	uint64_t *other_corro = calloc((size_t)v->n_keys * CTL_WIN_COUNT, sizeof(*other_corro));
	unsigned folded = 0;
	int n = -ENOMEM;

	if (rows != NULL && other_ctr != NULL && other_win != NULL && other_corro != NULL)
		n = org_rows(v, rows, other_ctr, other_win, other_corro, &folded);
	for (unsigned fam = 0; fam < FAM_COUNT && n > 0; fam++) {
		ctl_promtext_family(f, org_fams[fam].name, org_fams[fam].type, org_fams[fam].help);
		for (int i = 0; i < n; i++)
			for (unsigned vd = 0; vd < s->n_vendors; vd++)
				if (row_active(&rows[i], vd))
					org_samples(f, fam, &rows[i], vd, &v->cfg->vendors[vd]);
	}
	for (unsigned c = 0; c < 2 && n > 0; c++) {
		static const char *const names[2] = {"tapcensus_org_product_clients",
						     "tapcensus_org_product_clients_corroborated"};
		static const char *const helps[2] = {
		    "Distinct clients of an organisation seen using a vendor's product - any "
		    "role but web, a client once however many roles it reaches - in the window.",
		    "Of tapcensus_org_product_clients, those with a corroborated session: one "
		    "whose server address is the vendor's (a DNS answer for its names taught "
		    "it, or it lies in its server prefixes or networks); the rest rest on "
		    "names alone."};

		ctl_promtext_family(f, names[c], "gauge", helps[c]);
		for (int i = 0; i < n; i++)
			for (unsigned g = 0; g < v->cfg->n_groups; g++) {
				bool active = false;
				unsigned k = ctl_config_product_key(v->cfg, g);

				for (unsigned vd = 0; vd < s->n_vendors; vd++)
					active |= v->cfg->vendors[vd].group == g &&
						  v->cfg->vendors[vd].product &&
						  row_active(&rows[i], vd);
				if (!active)
					continue;
				for (unsigned w = 0; w < CTL_WIN_COUNT; w++) {
					fputs(names[c], f);
					org_labels_base(f, rows[i].org);
					fputs(",vendor=", f);
					ctl_promtext_label(f, ctl_config_group_name(v->cfg, g));
					fprintf(f, ",window=\"%s\"} %" PRIu64 "\n",
						ctl_window_names[w],
						(c ? rows[i].corro
						   : rows[i].win)[k * CTL_WIN_COUNT + w]);
				}
			}
	}
	if (n > 0) {
		ctl_promtext_family(
		    f, "tapcensus_organisations_exported", "gauge",
		    "Organisations with their own series in the tapcensus_org_* families "
		    "(unattributed and other excepted); at most metrics.max_orgs when set.");
		fprintf(f, "tapcensus_organisations_exported %d\n", n - 1 - (folded > 0));
		ctl_promtext_family(
		    f, "tapcensus_organisations_folded", "gauge",
		    "Organisations with sessions summed into the org=\"other\" series because "
		    "metrics.max_orgs was reached.");
		fprintf(f, "tapcensus_organisations_folded %u\n", folded);
	}
	free(rows);
	free(other_ctr);
	free(other_win);
	free(other_corro);
	return n < 0 ? n : 0;
}

/* Groups of organisations (attributed ones: the unattributed row is no
 * organisation): those active in each window, and their unique clients (a
 * client belongs to one organisation, so the sum is exact). */
static const struct {
	const char *name, *help; /* "%s" takes "organisations_active" or "unique_clients" */
	const char *label;	 /* NULL: government bodies, no label */
} groups[] = {
    {"tapcensus_country_%s", "by country (ISO 3166-1 alpha-2)", "country"},
    {"tapcensus_sector_%s", "by sector", "sector"},
    {"tapcensus_government_%s", "that are government bodies", NULL},
};

static const char *
group_key(size_t g, const struct ctl_org *o)
{
	if (o->parked)
		return NULL; /* not in the table: in no group */
	return g == 0 ? o->country : g == 1 ? o->sector : o->government ? "" : NULL;
}

struct group_sort {
	size_t g;
	const struct ctl_org *orgs;
};

static int
by_group_key(const void *a, const void *b, void *arg)
{
	const struct group_sort *gs = arg;
	const char *x = group_key(gs->g, &gs->orgs[*(const uint32_t *)a]);
	const char *y = group_key(gs->g, &gs->orgs[*(const uint32_t *)b]);

	return strcmp(x, y);
}

static void
group_series(FILE *f, const char *name, const char *label, const char *key, const char *vendor,
	     const char *use, const uint64_t *sum)
{
	for (unsigned k = 0; k < CTL_WIN_COUNT; k++) {
		fputs(name, f);
		fputc('{', f);
		if (label != NULL) {
			fprintf(f, "%s=", label);
			ctl_promtext_label(f, key);
			fputc(',', f);
		}
		fputs("vendor=", f);
		ctl_promtext_label(f, vendor);
		fprintf(f, ",use=\"%s\",window=\"%s\"} %" PRIu64 "\n", use, ctl_window_names[k],
			sum[k]);
	}
}

/* The client key a vendor's use is counted under: product (every role but
 * web, one client however many roles), or its web role; -1: it has none. */
int
ctl_metrics_use_key(const struct ctl_config *cfg, unsigned group, bool web)
{
	if (!web)
		return (int)ctl_config_product_key(cfg, group);
	for (unsigned vd = 0; vd < cfg->n_vendors; vd++)
		if (cfg->vendors[vd].group == group && !cfg->vendors[vd].product)
			return (int)vd;
	return -1;
}

/* One pass per group over the organisations sorted by its key. */
void
ctl_metrics_render_groups(FILE *f, const struct ctl_view *v)
{
	const struct ctl_orgs *orgs = v->orgs;
	uint32_t *idx = malloc(orgs->n_orgs * sizeof(*idx));

	if (idx == NULL)
		return;
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		struct group_sort gs = {g, orgs->orgs};
		uint32_t n = 0;

		for (uint32_t o = 1; o < orgs->n_orgs; o++)
			if (group_key(g, &orgs->orgs[o]) != NULL)
				idx[n++] = o;
		qsort_r(idx, n, sizeof(*idx), by_group_key, &gs);
		for (int what = 0; what < 2; what++) {
			char name[96];

			snprintf(name, sizeof(name), groups[g].name,
				 what ? "unique_clients" : "organisations_active");
			fprintf(f,
				"# HELP %s %s %s, per vendor, use (product: every role but "
				"web, a client once however many roles it reaches; web: the "
				"vendor's website, apart) and window (1d, 30d, all).\n",
				name,
				what ? "Distinct clients of organisations"
				     : "Organisations with a client seen in the window,",
				groups[g].help);
			fprintf(f, "# TYPE %s gauge\n", name);
			for (unsigned vg = 0; vg < v->cfg->n_groups * 2; vg++) {
				uint64_t sum[CTL_WIN_COUNT] = {0};
				const char *vendor = ctl_config_group_name(v->cfg, vg / 2);
				const char *use = vg % 2 ? "web" : "product";
				int ck = ctl_metrics_use_key(v->cfg, vg / 2, vg % 2);

				if (ck < 0)
					continue;
				/* Government bodies: one series, even when there are none. */
				if (n == 0 && groups[g].label == NULL)
					group_series(f, name, NULL, "", vendor, use, sum);
				for (uint32_t i = 0; i < n; i++) {
					const char *key = group_key(g, &orgs->orgs[idx[i]]);
					const uint64_t *w =
					    ctl_view_clients(v, idx[i], (unsigned)ck);

					for (unsigned k = 0; k < CTL_WIN_COUNT; k++)
						sum[k] += what ? w[k] : w[k] > 0;
					if (i + 1 < n &&
					    strcmp(key, group_key(g, &orgs->orgs[idx[i + 1]])) == 0)
						continue;
					group_series(f, name, groups[g].label, key, vendor, use,
						     sum);
					memset(sum, 0, sizeof(sum));
				}
			}
		}
	}
	free(idx);
}
