/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_summary.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>

#include "ctl_counters.h"
#include "dp_types.h"

/* One line: an organisation's sessions with a vendor role, or (product
 * set) the sum of its product roles with the clients of any of them. */
struct row {
	uint32_t org;
	unsigned vendor;  /* a vendor role; for the product line, one of the group's */
	bool product;	  /* the product line */
	uint64_t clients; /* since start */
	uint64_t rank;	  /* the organisation's product clients with the vendor */
	uint64_t sessions[DP_SIG_COUNT];
	uint64_t name_only; /* of them, decided by a name alone (dp_org_ctr) */
};

/* Organisations by product clients, then table order; within one, the
 * vendor's product roles, their product line, then web. */
static int
by_clients(const void *a, const void *b, void *arg)
{
	const struct row *x = a, *y = b;
	const struct ctl_config *cfg = arg;
	const struct ctl_vendor *vx = &cfg->vendors[x->vendor], *vy = &cfg->vendors[y->vendor];
	int kx, ky;

	if (x->rank != y->rank)
		return x->rank < y->rank ? 1 : -1;
	if (x->org != y->org)
		return x->org < y->org ? -1 : 1;
	if (vx->group != vy->group)
		return vx->group < vy->group ? -1 : 1;
	/* product roles 0, the product line 1, web 2 */
	kx = x->product ? 1 : vx->product ? 0 : 2;
	ky = y->product ? 1 : vy->product ? 0 : 2;
	if (kx != ky)
		return kx - ky;
	return (int)x->vendor - (int)y->vendor;
}

/* " name=value" of a family's element. */
static void
listed(void *arg, const struct ctl_ctr_desc *d, const char *value, uint64_t v)
{
	(void)d;
	fprintf(arg, " %s=%" PRIu64, value, v);
}

void
ctl_summary_print(FILE *f, const struct ctl_view *v)
{
	const struct ctl_snapshot *s = v->snap;
	const struct ctl_config *cfg = v->cfg;
	const struct dp_wstats *t = &s->total;
	struct row *rows =
	    calloc((size_t)v->n_active * (s->n_vendors + cfg->n_groups) + 1, sizeof(*rows));
	size_t n = 0;

	if (rows == NULL)
		return;
	for (uint32_t i = 0; i < v->n_active; i++)
		for (unsigned g = 0; g < cfg->n_groups; g++) {
			uint32_t o = v->active[i];
			unsigned pk = ctl_config_product_key(cfg, g);
			struct row prod = {o,
					   0,
					   true,
					   ctl_view_clients(v, o, pk)[CTL_WIN_ALL],
					   ctl_view_clients(v, o, pk)[CTL_WIN_ALL],
					   {0},
					   0};
			bool any = false;

			for (unsigned vd = 0; vd < s->n_vendors; vd++) {
				struct ctl_view_vendor vv;
				struct row r = {
				    o,	       vd,  false, ctl_view_clients(v, o, vd)[CTL_WIN_ALL],
				    prod.rank, {0}, 0};

				if (cfg->vendors[vd].group != g)
					continue;
				ctl_view_vendor(v, o, vd, &vv);
				if (vv.sessions == 0)
					continue;
				for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++) {
					r.sessions[sig] = vv.ctr[sig].sessions;
					r.name_only += vv.ctr[sig].name_only;
					if (cfg->vendors[vd].product) {
						prod.sessions[sig] += vv.ctr[sig].sessions;
						prod.name_only += vv.ctr[sig].name_only;
					}
				}
				if (cfg->vendors[vd].product) {
					prod.vendor = vd;
					any = true;
				}
				rows[n++] = r;
			}
			if (any)
				rows[n++] = prod;
		}
	qsort_r(rows, n, sizeof(*rows), by_clients, (void *)cfg);

	fprintf(f, "%-20s %-28s %-2s %-12s %-5s %-12s %-10s %8s", "ORG", "NAME", "CC", "SECTOR",
		"GOV", "VENDOR", "ROLE", "CLIENTS");
	for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++)
		fprintf(f, " %10s", dp_signal_name(sig));
	fprintf(f, " %10s\n", "name-only");
	for (size_t i = 0; i < n; i++) {
		const struct ctl_org *o = &v->orgs->orgs[rows[i].org];

		fprintf(f, "%-20.20s %-28.28s %-2s %-12.12s %-5s %-12.12s %-10.10s %8" PRIu64,
			o->id, o->name, o->country, o->sector, o->government ? "yes" : "no",
			cfg->vendors[rows[i].vendor].name,
			rows[i].product ? "=product" : cfg->vendors[rows[i].vendor].role,
			rows[i].clients);
		for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++)
			fprintf(f, " %10" PRIu64, rows[i].sessions[sig]);
		fprintf(f, " %10" PRIu64 "\n", rows[i].name_only);
	}
	if (n == 0)
		fprintf(f, "(no organisation reached a configured vendor)\n");
	fprintf(f,
		"\npackets: received %" PRIu64 " = processed %" PRIu64 " + dropped %" PRIu64 "%s\n",
		t->rx_pkts, v->processed, v->dropped,
		t->rx_pkts == v->processed + v->dropped ? "" : "  (MISMATCH)");
	fprintf(f, "processed:");
	ctl_ctr_each(ctl_ctr_processed, t, listed, f);
	fprintf(f, "\ndropped:");
	ctl_ctr_each(ctl_ctr_dropped, t, listed, f);
	if (t->time_held != 0)
		fprintf(f, " (capture time held: %" PRIu64 ")", t->time_held);
	fputc('\n', f);
	free(rows);
}
