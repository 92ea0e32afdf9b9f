/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_summary.h"

#include <inttypes.h>
#include <stdlib.h>

#include "dp_types.h"

struct row {
	uint32_t org;
	unsigned vendor;
	uint64_t clients;
};

static int
by_clients(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->clients != y->clients)
		return x->clients < y->clients ? 1 : -1;
	if (x->org != y->org)
		return x->org < y->org ? -1 : 1;
	return (int)x->vendor - (int)y->vendor;
}

void
ctl_summary_print(FILE *f, const struct ctl_view *v)
{
	const struct ctl_snapshot *s = v->snap;
	const struct dp_wstats *t = &s->total;
	struct row *rows = calloc((size_t)v->n_active * s->n_vendors + 1, sizeof(*rows));
	uint64_t processed = 0, dropped = 0;
	size_t n = 0;

	if (rows == NULL)
		return;
	for (uint32_t i = 0; i < v->n_active; i++)
		for (unsigned vd = 0; vd < s->n_vendors; vd++) {
			uint32_t o = v->active[i];
			struct ctl_view_vendor vv;

			ctl_view_vendor(v, o, vd, &vv);
			if (vv.sessions)
				rows[n++] = (struct row){o, vd, ctl_clients_count(v->clients, o, vd)};
		}
	qsort(rows, n, sizeof(*rows), by_clients);

	fprintf(f, "%-20s %-28s %-2s %-12s %-5s %-12s %-10s %8s", "ORG", "NAME", "CC", "SECTOR",
		"GOV", "VENDOR", "ROLE", "CLIENTS");
	for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++)
		fprintf(f, " %10s", dp_signal_name(sig));
	fputc('\n', f);
	for (size_t i = 0; i < n; i++) {
		const struct ctl_org *o = &v->orgs->orgs[rows[i].org];

		fprintf(f, "%-20.20s %-28.28s %-2s %-12.12s %-5s %-12.12s %-10.10s %8" PRIu64, o->id,
			o->name, o->country, o->sector, o->government ? "yes" : "no",
			v->cfg->vendors[rows[i].vendor].name, v->cfg->vendors[rows[i].vendor].role,
			rows[i].clients);
		for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++)
			fprintf(f, " %10" PRIu64,
				ctl_snapshot_ctr(s, rows[i].org, rows[i].vendor, sig)->sessions);
		fputc('\n', f);
	}
	if (n == 0)
		fprintf(f, "(no organisation reached a configured vendor)\n");
	for (unsigned o = 0; o < DP_OUT_COUNT; o++)
		processed += t->outcome[o];
	for (unsigned d = 0; d < DP_DROP_COUNT; d++)
		dropped += t->drop[d];
	fprintf(f,
		"\npackets: received %" PRIu64 " = processed %" PRIu64 " + dropped %" PRIu64
		"%s\n",
		t->rx_pkts, processed, dropped,
		t->rx_pkts == processed + dropped ? "" : "  (MISMATCH)");
	fprintf(f, "processed:");
	for (unsigned o = 0; o < DP_OUT_COUNT; o++)
		fprintf(f, " %s=%" PRIu64, dp_outcome_name(o), t->outcome[o]);
	fprintf(f, "\ndropped:");
	for (unsigned d = 0; d < DP_DROP_COUNT; d++)
		fprintf(f, " %s=%" PRIu64, dp_drop_name(d), t->drop[d]);
	fputc('\n', f);
	free(rows);
}
