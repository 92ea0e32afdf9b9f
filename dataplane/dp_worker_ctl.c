/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker as the control plane sees it: made, read and freed (the burst
 * loop is dp_worker.c). */
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dp_count.h"
#include "dp_inspect.h"
#include "dp_learn.h"
#include "dp_parse.h"

/* ---- Made and freed ---- */

struct dp_worker *
dp_worker_create(unsigned id, unsigned n_vendors, struct dp_gen *gen,
		 const struct dp_worker_cfg *cfg, const struct dp_worker_bind *bind, int socket)
{
	struct dp_worker *w;
	char name[RTE_RING_NAMESIZE];
	int rc;

	if (gen == NULL || bind == NULL || bind->clock == NULL || bind->stop == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	w = rte_zmalloc_socket("dp_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL)
		goto err_nomem;
	w->bind = *bind;
	if (bind->ts_flag == 0)
		w->bind.ts_off = -1; /* the port stamps no time */
	snprintf(name, sizeof(name), "dp_events%u", id);
	w->events = rte_ring_create_elem(name, sizeof(struct dp_client_sighting), DP_EVENT_RING,
					 socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "dp_learn_out%u", id);
	w->learn_out = rte_ring_create_elem(name, sizeof(struct dp_learn_event), DP_LEARN_RING,
					    socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "dp_learn_in%u", id);
	w->learn_in = rte_ring_create_elem(name, sizeof(struct dp_learn_event), DP_LEARN_RING,
					   socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "dp_names%u", id);
	w->names = rte_ring_create_elem(name, sizeof(struct dp_name_event), DP_NAME_RING, socket,
					RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (w->events == NULL || w->learn_out == NULL || w->learn_in == NULL || w->names == NULL)
		goto err_free;
	snprintf(name, sizeof(name), "dp_flows%u", id);
	rc = dp_flow_table_init(&w->flows, name, &cfg->flow, &w->st.flow, dp_worker_release_flow, w,
				socket);
	if (rc == 0)
		rc = dp_reasm_pool_init(&w->reasm, cfg->reasm_buffers, cfg->reasm_bytes, socket);
	if (rc == 0)
		rc = dp_learned_init(&w->learned, cfg->learned_capacity, &w->st.learned_evicted,
				     socket);
	if (rc != 0) {
		rte_errno = -rc;
		goto err_free;
	}
	w->quic = dp_quic_create();
	if (w->quic == NULL)
		goto err_nomem;
	w->learned_max_ttl = cfg->learned_max_ttl;
	w->evidence = cfg->client_evidence;
	w->learned_min_ttl = RTE_MIN(cfg->learned_min_ttl, cfg->learned_max_ttl);
	w->stream_cfg = cfg->stream_bytes;
	w->partial_timeout = cfg->partial_timeout ? cfg->partial_timeout : UINT32_MAX;
	memcpy(w->same_vendor, cfg->same_vendor, sizeof(w->same_vendor));
	memcpy(w->address_role, cfg->address_role, sizeof(w->address_role));
	w->n_vendors = n_vendors;
	w->next = gen;
	dp_gen_adopt(w);
	return w;

err_nomem:
	rte_errno = ENOMEM;
err_free:
	/* Before w->next is set: gen stays the caller's. */
	rc = rte_errno;
	dp_worker_free(w);
	rte_errno = rc;
	return NULL;
}

void
dp_worker_free(struct dp_worker *w)
{
	if (w == NULL)
		return;
	/* Flows first: closing their payload streams uses the scratch. */
	if (w->flows.flows != NULL)
		dp_flow_table_fini(&w->flows);
	dp_gen_free(w->next);
	dp_quic_free(w->quic);
	dp_reasm_pool_fini(&w->reasm);
	dp_learned_fini(&w->learned);
	rte_ring_free(w->events);
	rte_ring_free(w->names);
	rte_ring_free(w->learn_out);
	rte_ring_free(w->learn_in);
	rte_free(w);
}

/* ---- What the control plane reads and hands over ---- */

const struct dp_wstats *
dp_worker_stats(const struct dp_worker *w)
{
	return &w->st;
}

uint32_t
dp_worker_clock(const struct dp_worker *w)
{
	return __atomic_load_n(&w->clock_out, __ATOMIC_RELAXED);
}

uint64_t
dp_worker_max_gap(const struct dp_worker *w)
{
	return __atomic_load_n(&w->max_gap, __ATOMIC_RELAXED);
}

void
dp_worker_gap_restart(struct dp_worker *w)
{
	__atomic_fetch_add(&w->gap_epoch, 1, __ATOMIC_RELAXED);
}

const struct dp_org_ctr *
dp_worker_counters(const struct dp_worker *w)
{
	return dp_gen_counters(__atomic_load_n(&w->next, __ATOMIC_ACQUIRE));
}

uint32_t
dp_worker_now(const struct dp_worker *w)
{
	return __atomic_load_n(&w->now, __ATOMIC_RELAXED);
}

unsigned
dp_worker_events_take(struct dp_worker *w, struct dp_client_sighting *s, unsigned max)
{
	return rte_ring_dequeue_burst_elem(w->events, s, sizeof(*s), max, NULL);
}

unsigned
dp_worker_names_take(struct dp_worker *w, struct dp_name_event *ev, unsigned max)
{
	return rte_ring_dequeue_burst_elem(w->names, ev, sizeof(*ev), max, NULL);
}
