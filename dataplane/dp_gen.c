/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker generations: what a reload replaces, created by the control
 * plane, published to a worker and adopted by it between bursts. */
#include "dp_gen.h"

#include <rte_errno.h>
#include <rte_malloc.h>

#include "dp_worker_ctx.h"

struct dp_gen *
dp_gen_create(uint16_t id, const struct dp_lpm *orgs, const struct dp_match *match,
	      const struct dp_lpm *servers, const uint64_t *server_vendors, unsigned n_orgs,
	      unsigned n_vendors, const struct dp_match *prev, int socket)
{
	size_t nctr = (size_t)n_orgs * n_vendors * DP_SIG_COUNT;
	struct dp_gen *g = rte_zmalloc_socket("dp_gen", sizeof(*g), RTE_CACHE_LINE_SIZE, socket);

	if (g == NULL)
		goto err_nomem;
	g->ctr = rte_zmalloc_socket("dp_ctr", nctr * sizeof(*g->ctr), RTE_CACHE_LINE_SIZE, socket);
	if (g->ctr == NULL || dp_match_scratch_fit(match, &g->scratch) ||
	    dp_match_scratch_fit(prev, &g->scratch))
		goto err_nomem;
	g->orgs = orgs;
	g->match = match;
	g->servers = servers;
	g->server_vendors = server_vendors;
	g->n_orgs = n_orgs;
	g->id = id;
	return g;

err_nomem:
	dp_gen_free(g);
	rte_errno = ENOMEM;
	return NULL;
}

void
dp_gen_set_vendor_nets(struct dp_gen *g, const struct dp_lpm *nets, const uint64_t *net_vendors)
{
	g->vendor_nets = nets;
	g->vendor_net_vendors = net_vendors;
}

void
dp_gen_free(struct dp_gen *g)
{
	if (g == NULL)
		return;
	if (g->scratch != NULL)
		hs_free_scratch(g->scratch);
	rte_free(g->ctr);
	rte_free(g);
}

const struct dp_org_ctr *
dp_gen_counters(const struct dp_gen *g)
{
	return g->ctr;
}

struct dp_gen *
dp_gen_publish(struct dp_worker *w, struct dp_gen *g)
{
	struct dp_gen *old = w->next;

	__atomic_store_n(&w->next, g, __ATOMIC_RELEASE);
	return old;
}

void
dp_gen_adopt(struct dp_worker *w)
{
	struct dp_gen *g = __atomic_load_n(&w->next, __ATOMIC_ACQUIRE);

	if (g == w->cur)
		return;
	w->prev_match = w->match;
	w->prev_gen = w->gen;
	w->cur = g;
	w->orgs = g->orgs;
	w->match = g->match;
	w->servers = g->servers;
	w->server_vendors = g->server_vendors;
	w->vendor_nets = g->vendor_nets;
	w->vendor_net_vendors = g->vendor_net_vendors;
	w->scratch = g->scratch;
	w->ctr = g->ctr;
	w->n_orgs = g->n_orgs;
	w->gen = g->id;
	w->stream_bytes = dp_match_has_payload(g->match) ? w->stream_cfg : 0;
	DP_CTR_ADD(w->st.reloads, 1);
}
