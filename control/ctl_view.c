/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_view.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_counters.h"

int
ctl_view_build(struct ctl_view *v, const struct ctl_config *cfg, const struct ctl_orgs *orgs,
	       const struct ctl_snapshot *snap, const struct ctl_clients *clients, uint32_t now)
{
	size_t per_org = (size_t)snap->n_vendors * DP_SIG_COUNT;

	memset(v, 0, sizeof(*v));
	v->cfg = cfg;
	v->orgs = orgs;
	v->snap = snap;
	v->clients = clients;
	v->now = now;
	v->n_keys = ctl_config_client_keys(cfg);
	v->win = calloc((size_t)snap->n_orgs * v->n_keys * CTL_WIN_COUNT + 1, sizeof(*v->win));
	v->win_corro =
	    calloc((size_t)snap->n_orgs * v->n_keys * CTL_WIN_COUNT + 1, sizeof(*v->win_corro));
	v->unverified = calloc((size_t)v->n_keys * CTL_WIN_COUNT + 1, sizeof(*v->unverified));
	v->org_sessions = calloc(snap->n_orgs + 1, sizeof(*v->org_sessions));
	v->active = calloc(snap->n_orgs + 1, sizeof(*v->active));
	if (v->win == NULL || v->win_corro == NULL || v->unverified == NULL ||
	    v->org_sessions == NULL || v->active == NULL) {
		ctl_view_fini(v);
		return -ENOMEM;
	}
	ctl_clients_windows(clients, now, v->win, v->unverified, v->win_corro);
	for (uint32_t o = 0; o < snap->n_orgs; o++) {
		for (size_t i = 0; i < per_org; i++)
			v->org_sessions[o] += snap->ctr[o * per_org + i].sessions;
		/* Parked organisations keep their counts, but are not shown. */
		if (v->org_sessions[o] != 0 && !orgs->orgs[o].parked)
			v->active[v->n_active++] = o;
	}
	v->orgs_listed = ctl_orgs_listed(orgs);
	v->flows_active = dp_flow_stats_active(&snap->total.flow);
	v->processed = ctl_ctr_sum(ctl_ctr_processed, &snap->total);
	v->dropped = ctl_ctr_sum(ctl_ctr_dropped, &snap->total);
	if (snap->state != NULL)
		v->state = *snap->state;
	if (snap->reload != NULL)
		v->reload = *snap->reload;
	return 0;
}

void
ctl_view_fini(struct ctl_view *v)
{
	free(v->win);
	free(v->win_corro);
	free(v->unverified);
	free(v->org_sessions);
	free(v->active);
	memset(v, 0, sizeof(*v));
}

void
ctl_view_vendor(const struct ctl_view *v, uint32_t org, unsigned vendor,
		struct ctl_view_vendor *out)
{
	const struct ctl_snapshot *s = v->snap;

	memset(out, 0, sizeof(*out));
	out->ctr = ctl_snapshot_ctr(s, org, vendor, 0);
	out->clients = ctl_view_clients(v, org, vendor);
	for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++) {
		const struct dp_org_ctr *c = &out->ctr[sig];

		out->sessions += c->sessions;
		out->pkts += c->pkts[0] + c->pkts[1];
		out->bytes += c->bytes[0] + c->bytes[1];
		if (c->last_seen > out->last_seen)
			out->last_seen = c->last_seen;
	}
}
