/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_snapshot.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

int
ctl_snapshot_init(struct ctl_snapshot *s, unsigned n_workers, unsigned n_ports, unsigned n_orgs,
		  unsigned n_vendors)
{
	memset(s, 0, sizeof(*s));
	s->n_workers = n_workers;
	s->n_ports = n_ports;
	s->n_orgs = n_orgs;
	s->n_vendors = n_vendors;
	s->worker = calloc(n_workers, sizeof(*s->worker));
	s->worker_port = calloc(n_workers, sizeof(*s->worker_port));
	s->worker_gap = calloc(n_workers, sizeof(*s->worker_gap));
	s->worker_queue = calloc(n_workers, sizeof(*s->worker_queue));
	s->ports = calloc(n_ports ? n_ports : 1, sizeof(*s->ports));
	s->ctr = calloc((size_t)n_orgs * n_vendors * DP_SIG_COUNT, sizeof(*s->ctr));
	if (ctl_unlisted_init(&s->unlisted, CTL_UNLISTED_NAMES) != 0) {
		ctl_snapshot_fini(s);
		return -ENOMEM;
	}
	s->base_ctr = calloc((size_t)n_orgs * n_vendors * DP_SIG_COUNT, sizeof(*s->base_ctr));
	if (!s->worker || !s->worker_port || !s->worker_gap || !s->worker_queue || !s->ports ||
	    !s->ctr || !s->base_ctr) {
		ctl_snapshot_fini(s);
		return -ENOMEM;
	}
	return 0;
}

void
ctl_snapshot_fini(struct ctl_snapshot *s)
{
	free(s->worker);
	free(s->worker_port);
	free(s->worker_gap);
	free(s->worker_queue);
	free(s->ports);
	free(s->ctr);
	free(s->base_ctr);
	ctl_unlisted_fini(&s->unlisted);
	memset(s, 0, sizeof(*s));
}

static void
wstats_read(struct dp_wstats *dst, const struct dp_wstats *src)
{
	const uint64_t *from = (const uint64_t *)src;
	uint64_t *to = (uint64_t *)dst;

	/* dp_wstats is all uint64_t counters (padding included, read as 0). */
	for (size_t i = 0; i < sizeof(*src) / sizeof(uint64_t); i++)
		to[i] = __atomic_load_n(&from[i], __ATOMIC_RELAXED);
}

void
ctl_snapshot_collect(struct ctl_snapshot *s, const struct dp_wstats *const *stats,
		     const struct dp_org_ctr *const *ctr, const uint16_t *port_ids)
{
	size_t nctr = (size_t)s->n_orgs * s->n_vendors * DP_SIG_COUNT;
	uint64_t *tot = (uint64_t *)&s->total;

	s->total = s->base;
	memcpy(s->ctr, s->base_ctr, nctr * sizeof(*s->ctr));
	for (unsigned w = 0; w < s->n_workers; w++) {
		const uint64_t *ws = (const uint64_t *)&s->worker[w];

		wstats_read(&s->worker[w], stats[w]);
		for (size_t i = 0; i < sizeof(s->total) / sizeof(uint64_t); i++)
			tot[i] += ws[i];
		for (size_t i = 0; i < nctr; i++)
			dp_org_ctr_add(&s->ctr[i], &ctr[w][i]);
	}
	for (unsigned p = 0; p < s->n_ports; p++) {
		struct rte_eth_stats st;

		if (rte_eth_stats_get(port_ids[p], &st) != 0)
			continue;
		s->ports[p].ipackets = st.ipackets;
		s->ports[p].ibytes = st.ibytes;
		s->ports[p].imissed = st.imissed;
		s->ports[p].ierrors = st.ierrors;
		s->ports[p].rx_nombuf = st.rx_nombuf;
	}
}

int
ctl_snapshot_regen(struct ctl_snapshot *s, unsigned n_orgs, const uint32_t *map,
		   const struct dp_org_ctr *const *old, unsigned n_old)
{
	size_t per_org = (size_t)s->n_vendors * DP_SIG_COUNT, n = (size_t)n_orgs * per_org;
	struct dp_org_ctr *base = calloc(n, sizeof(*base)), *ctr = calloc(n, sizeof(*ctr));

	if (base == NULL || ctr == NULL) {
		free(base);
		free(ctr);
		return -ENOMEM;
	}
	for (unsigned o = 0; o < s->n_orgs; o++) {
		if (map[o] == UINT32_MAX)
			continue;
		for (size_t i = 0; i < per_org; i++) {
			struct dp_org_ctr *dst = &base[map[o] * per_org + i];

			dp_org_ctr_add(dst, &s->base_ctr[o * per_org + i]);
			for (unsigned w = 0; w < n_old; w++)
				dp_org_ctr_add(dst, &old[w][o * per_org + i]);
		}
	}
	free(s->base_ctr);
	free(s->ctr);
	s->base_ctr = base;
	s->ctr = ctr;
	s->n_orgs = n_orgs;
	return 0;
}

void
ctl_snapshot_state_write(struct ctl_state_out *o, const struct ctl_snapshot *sn)
{
	uint32_t u32 = sizeof(sn->total) / sizeof(uint64_t), n = 0;

	CTL_STATE_PUT(o, u32);
	ctl_state_put(o, &sn->total, sizeof(sn->total));
	for (size_t i = 0; i < (size_t)sn->n_orgs * sn->n_vendors * DP_SIG_COUNT; i++)
		n += dp_org_ctr_seen(&sn->ctr[i]);
	CTL_STATE_PUT(o, n);
	for (uint32_t g = 0; g < sn->n_orgs; g++)
		for (uint16_t v = 0; v < sn->n_vendors; v++)
			for (uint16_t sig = 0; sig < DP_SIG_COUNT; sig++) {
				const struct dp_org_ctr *c = ctl_snapshot_ctr(sn, g, v, sig);

				if (!dp_org_ctr_seen(c))
					continue;
				CTL_STATE_PUT(o, g);
				CTL_STATE_PUT(o, v);
				CTL_STATE_PUT(o, sig);
				ctl_state_put(o, c, sizeof(*c));
			}
}

int
ctl_snapshot_state_read(struct ctl_state_in *in, struct ctl_snapshot *snap, uint64_t *restored)
{
	uint64_t tot[sizeof(snap->base) / sizeof(uint64_t)] = {0};
	const size_t have = sizeof(tot) / sizeof(tot[0]);
	uint32_t nt, nc;

	CTL_STATE_GET(in, nt);
	if (in->short_read || nt > 4096)
		return -EBADMSG;
	for (uint32_t k = 0; k < nt; k++) {
		uint64_t v;

		CTL_STATE_GET(in, v);
		if (k < have)
			tot[k] = v;
	}
	if (nt > have)
		ctl_state_tell(in,
			       "dataplane totals were written by a build with %u counters, this "
			       "one has %zu: totals start from zero; organisation counters are "
			       "kept\n",
			       nt, have);
	else if (nt < have)
		ctl_state_tell(in,
			       "dataplane totals were written by a build with %u counters, this "
			       "one has %zu: the newer ones start from zero\n",
			       nt, have);
	CTL_STATE_GET(in, nc);
	for (uint32_t k = 0; k < nc && !in->short_read; k++) {
		uint32_t g;
		uint16_t v, s;
		struct dp_org_ctr c;
		struct dp_org_ctr *b;

		CTL_STATE_GET(in, g);
		CTL_STATE_GET(in, v);
		CTL_STATE_GET(in, s);
		/* Before format 4 a counter ended before name_only. */
		memset(&c, 0, sizeof(c));
		ctl_state_get(
		    in, &c, in->version >= 4 ? sizeof(c) : offsetof(struct dp_org_ctr, name_only));
		if (in->short_read || g >= in->no || v >= in->nv || s >= in->ns)
			return -EBADMSG;
		if (in->omap[g] < 0 || in->vmap[v] < 0 || in->smap[s] < 0 ||
		    (unsigned)in->vmap[v] >= snap->n_vendors /* a product key: no counters */) {
			in->dropped++;
			continue;
		}
		b = &snap->base_ctr[((size_t)in->omap[g] * snap->n_vendors +
				     (unsigned)in->vmap[v]) *
					DP_SIG_COUNT +
				    (unsigned)in->smap[s]];
		dp_org_ctr_add(b, &c);
		(*restored)++;
	}
	if (!in->short_read && nt <= have) { /* counters are only ever appended */
		struct dp_flow_stats *f = &snap->base.flow;

		memcpy(&snap->base, tot, sizeof(tot));
		/* Flows held at the stop are gone: they leave the table here. */
		f->restarted +=
		    f->created - f->ended - f->idle - f->hard - f->evicted - f->restarted;
	}
	return 0;
}
