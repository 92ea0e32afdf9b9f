/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_workers.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_rcu_qsbr.h>

#include "ctl_time.h"
#include "dp_port.h"

#define STALL_NS 3000000000ull
#define EVENTS_PER_DRAIN (1u << 16)
#define LEARNED_PER_DRAIN 4096 /* a learn ring's size */
#define TAKE_BURST 256

/* One worker's generation id of tables t. */
static struct dp_gen *
first_gen(const struct ctl_tables *t, unsigned n_orgs, unsigned n_vendors)
{
	return ctl_tables_gen(t, 1, n_orgs, n_vendors, NULL, (int)rte_socket_id());
}

/* One port's queues, a worker each. */
static int
setup_port(struct ctl_workers *ws, const struct ctl_config *cfg, unsigned p,
	   const struct ctl_tables *t, unsigned n_orgs, const uint8_t *links,
	   const struct dp_bad_stamps *bad, struct dp_worker_bind *bind, struct ctl_snapshot *snap,
	   char *err, size_t err_len)
{
	const struct ctl_port *cp = &cfg->ports[p];
	int rc;

	if (rte_eth_dev_get_port_by_name(cp->name, &ws->port_ids[p]) != 0) {
		snprintf(err, err_len, "%s:%d: dpdk.ports[%u].name: no DPDK port '%s'", cfg->path,
			 cp->line, p, cp->name);
		return -ENODEV;
	}
	ws->n_ports = p + 1;
	snprintf(snap->ports[p].name, sizeof(snap->ports[p].name), "%s", cp->name);
	rc = dp_port_setup(ws->port_ids[p], cp->rx_queues, cfg->rx_desc, ws->pool, err, err_len);
	if (rc)
		return rc;
	/* Offline, net_pcap stamps each packet with its capture time (having
	 * registered the timestamp field and flag as it started, without
	 * offering the offload): the workers' clock.  Live, the wall's. */
	bind->ts_off = -1;
	bind->ts_flag = 0;
	if (bind->lossless) {
		int off = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, NULL);
		int bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, NULL);

		if (off >= 0 && bit >= 0) {
			bind->ts_off = off;
			bind->ts_flag = UINT64_C(1) << bit;
		}
	}
	bind->port = ws->port_ids[p];
	for (uint16_t q = 0; q < cp->rx_queues; q++) {
		unsigned w = ws->n;
		struct dp_gen *g = first_gen(t, n_orgs, cfg->n_vendors);

		bind->queue = q;
		bind->qs_id = w;
		bind->link = links != NULL ? links[w] : DP_LINK_ETHERNET;
		bind->bad = bad != NULL ? bad[w] : (struct dp_bad_stamps){0};
		ws->w[w] = g ? dp_worker_create(w, cfg->n_vendors, g, &cfg->worker, bind,
						(int)rte_socket_id())
			     : NULL;
		if (ws->w[w] == NULL) {
			dp_gen_free(g);
			snprintf(err, err_len,
				 "worker %u: %s (flows.capacity %u, reassembly %u x %u bytes, "
				 "learned.capacity %u: does dpdk.eal_args -m give enough?)",
				 w, rte_strerror(rte_errno), cfg->worker.flow.capacity,
				 cfg->worker.reasm_buffers, cfg->worker.reasm_bytes,
				 cfg->worker.learned_capacity);
			return -rte_errno;
		}
		rte_rcu_qsbr_thread_register(ws->qs, w);
		ws->lcores[w] = cfg->workers[w];
		snap->worker_port[w] = (uint16_t)p;
		snap->worker_queue[w] = q;
		ws->n = w + 1;
	}
	return 0;
}

int
ctl_workers_setup(struct ctl_workers *ws, const struct ctl_config *cfg, const struct ctl_tables *t,
		  unsigned n_orgs, const uint8_t *links, const struct dp_bad_stamps *bad,
		  uint32_t pace_pps, const volatile uint64_t *clock, const volatile bool *stop,
		  struct ctl_snapshot *snap, char *err, size_t err_len)
{
	size_t qs_size = rte_rcu_qsbr_get_memsize(cfg->n_workers);
	struct dp_worker_bind bind = {
	    .clock = clock, .stop = stop, .lossless = links != NULL, .pace_pps = pace_pps};
	int rc;

	ws->gen = 1;
	ws->clock = clock;
	if (dp_learned_init(&ws->learned, cfg->worker.learned_capacity, &ws->learned_evicted,
			    (int)rte_socket_id()) != 0) {
		snprintf(err, err_len, "learned addresses (learned.capacity %u): out of memory",
			 cfg->worker.learned_capacity);
		return -ENOMEM;
	}
	ws->qs = rte_zmalloc("ctl_qsbr", qs_size, RTE_CACHE_LINE_SIZE);
	if (ws->qs == NULL || rte_rcu_qsbr_init(ws->qs, cfg->n_workers) != 0) {
		snprintf(err, err_len, "RCU state for %u workers: out of memory", cfg->n_workers);
		return -ENOMEM;
	}
	bind.qs = ws->qs;
	for (unsigned v = 0; v < cfg->n_vendors; v++)
		if (cfg->vendors[v].fallback)
			bind.report_names |= UINT64_C(1) << v;
	ws->unlisted = &snap->unlisted;
	ws->pool = rte_pktmbuf_pool_create("mbufs", cfg->mbufs, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					   (int)rte_socket_id());
	if (ws->pool == NULL) {
		snprintf(err, err_len, "mbuf pool of %u: %s", cfg->mbufs, rte_strerror(rte_errno));
		return -rte_errno;
	}
	for (unsigned p = 0; p < cfg->n_ports; p++)
		if ((rc = setup_port(ws, cfg, p, t, n_orgs, links, bad, &bind, snap, err,
				     err_len)) != 0)
			return rc;
	return 0;
}

int
ctl_workers_launch(struct ctl_workers *ws)
{
	for (unsigned w = 0; w < ws->n; w++) {
		int rc = rte_eal_remote_launch(dp_worker_loop, ws->w[w], ws->lcores[w]);

		if (rc) {
			fprintf(stderr, "tapcensus: cannot launch worker on lcore %u: %s\n",
				ws->lcores[w], strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* What one worker learned goes to every other worker, the prefilter and
 * the state file's table.  Never waits: a worker may itself be waiting
 * for room in its event ring. */
static void
forward_learned(struct ctl_workers *ws, unsigned from)
{
	struct dp_learn_event ev[TAKE_BURST];
	unsigned n;

	for (unsigned k = 0; k < LEARNED_PER_DRAIN; k += n) {
		n = dp_learn_take(ws->w[from], ev, TAKE_BURST);
		if (n == 0)
			break;
		/* On the worker's clock, which is the capture's offline. */
		uint32_t now = dp_worker_now(ws->w[from]);

		for (unsigned i = 0; i < n; i++) {
			dp_learned_add(&ws->learned, ev[i].family, ev[i].addr, ev[i].vendors,
				       ev[i].expires, now);
			if (ev[i].expires > now)
				ctl_prefilter_learned(ws->pf, ev[i].family, ev[i].addr,
						      ev[i].expires - now);
			for (unsigned w = 0; w < ws->n; w++)
				if (w != from && dp_learn_give(ws->w[w], &ev[i]) != 0)
					ws->learn_forward_lost++;
		}
	}
}

void
ctl_workers_drain(struct ctl_workers *ws, struct ctl_clients *clients,
		  const struct ctl_census_feed *feed)
{
	struct dp_client_sighting ev[TAKE_BURST];

	for (unsigned w = 0; w < ws->n; w++) {
		unsigned n;

		for (unsigned k = 0; k < EVENTS_PER_DRAIN; k += n) {
			n = dp_worker_events_take(ws->w[w], ev, TAKE_BURST);
			if (n == 0)
				break;
			/* Each sighting to the client set and the census. */
			ctl_census_feed(feed, ev, ctl_clients_add_burst(clients, ev, n));
		}
		for (unsigned k = 0; k < EVENTS_PER_DRAIN; k += n) {
			struct dp_name_event names[16];

			n = dp_worker_names_take(ws->w[w], names, 16);
			if (n == 0)
				break;
			for (unsigned i = 0; i < n; i++)
				ctl_unlisted_add(ws->unlisted, &names[i]);
		}
		forward_learned(ws, w);
	}
}

void
ctl_workers_quiescent(struct ctl_workers *ws, struct ctl_clients *clients,
		      const struct ctl_census_feed *feed)
{
	uint64_t token = rte_rcu_qsbr_start(ws->qs), warned = ctl_now_ns();

	while (rte_rcu_qsbr_check(ws->qs, token, false) == 0) {
		ctl_workers_drain(ws, clients, feed);
		if (ctl_now_ns() - warned > STALL_NS) {
			fprintf(stderr,
				"tapcensus: warning: reload: a worker has not taken the new "
				"tables for 3 s; still waiting\n");
			warned = ctl_now_ns();
		}
		usleep(20);
	}
}

void
ctl_workers_join(struct ctl_workers *ws, struct ctl_clients *clients,
		 const struct ctl_census_feed *feed)
{
	for (;;) {
		unsigned running = 0;

		for (unsigned w = 0; w < ws->n; w++)
			running += rte_eal_get_lcore_state(ws->lcores[w]) == RUNNING;
		ctl_workers_drain(ws, clients, feed);
		if (running == 0)
			break; /* drained after every worker had returned */
		usleep(100);
	}
	rte_eal_mp_wait_lcore();
}

uint64_t
ctl_workers_rx(const struct ctl_workers *ws)
{
	uint64_t n = 0;

	for (unsigned w = 0; w < ws->n; w++)
		n += DP_CTR_READ(dp_worker_stats(ws->w[w])->rx_pkts);
	return n;
}

uint32_t
ctl_workers_clock(const struct ctl_workers *ws)
{
	uint32_t t = 0;

	for (unsigned w = 0; w < ws->n; w++)
		if (dp_worker_clock(ws->w[w]) > t)
			t = dp_worker_clock(ws->w[w]);
	return t;
}

void
ctl_workers_collect(const struct ctl_workers *ws, struct ctl_snapshot *snap)
{
	const struct dp_wstats *st[CTL_MAX_WORKERS];
	const struct dp_org_ctr *ctr[CTL_MAX_WORKERS];

	for (unsigned w = 0; w < ws->n; w++) {
		st[w] = dp_worker_stats(ws->w[w]);
		ctr[w] = dp_worker_counters(ws->w[w]);
		snap->worker_gap[w] = dp_worker_max_gap(ws->w[w]);
	}
	ctl_snapshot_collect(snap, st, ctr, ws->port_ids);
	snap->learn_forward_lost = ws->learn_forward_lost;
}

struct seed {
	struct ctl_workers *ws;
	uint32_t now;
};

static int
seed_one(void *arg, const struct dp_learned_entry *e)
{
	struct seed *s = arg;
	struct dp_learn_event ev = {
	    .vendors = e->vendors, .expires = e->expires, .family = e->family};

	memcpy(ev.addr, e->addr, sizeof(ev.addr));
	for (unsigned w = 0; w < s->ws->n; w++)
		dp_learn_seed(s->ws->w[w], &ev, s->now);
	if (e->expires > s->now && s->now != 0)
		ctl_prefilter_learned(s->ws->pf, e->family, e->addr, e->expires - s->now);
	return 0;
}

void
ctl_workers_seed_learned(struct ctl_workers *ws, uint32_t now)
{
	struct seed s = {ws, now};

	dp_learned_iterate(&ws->learned, seed_one, &s);
}

void
ctl_workers_free(struct ctl_workers *ws)
{
	for (unsigned p = 0; p < ws->n_ports; p++) {
		rte_eth_dev_stop(ws->port_ids[p]);
		rte_eth_dev_close(ws->port_ids[p]);
	}
	for (unsigned w = 0; w < ws->n; w++)
		dp_worker_free(ws->w[w]);
	dp_learned_fini(&ws->learned);
	rte_mempool_free(ws->pool);
	rte_free(ws->qs);
	memset(ws, 0, sizeof(*ws));
}

static int
count_learned(void *arg, const struct dp_learned_entry *e)
{
	(void)e;
	(*(uint64_t *)arg)++;
	return 0;
}

static int
put_learned(void *arg, const struct dp_learned_entry *e)
{
	struct ctl_state_out *o = arg;

	CTL_STATE_PUT(o, e->family);
	ctl_state_put(o, e->addr, 16);
	CTL_STATE_PUT(o, e->vendors);
	CTL_STATE_PUT(o, e->expires);
	return 0;
}

void
ctl_workers_learned_write(struct ctl_state_out *o, const struct dp_learned *l)
{
	uint64_t n = 0;

	if (l != NULL)
		dp_learned_iterate(l, count_learned, &n);
	CTL_STATE_PUT(o, n);
	if (l != NULL)
		dp_learned_iterate(l, put_learned, o);
}

int
ctl_workers_learned_read(struct ctl_state_in *in, unsigned n_vendors, struct dp_learned *l,
			 uint32_t now, uint64_t *restored)
{
	uint64_t n;

	CTL_STATE_GET(in, n);
	for (uint64_t k = 0; k < n && !in->short_read; k++) {
		uint8_t fam, addr[16];
		uint64_t fv, vendors = 0;
		uint32_t expires;

		CTL_STATE_GET(in, fam);
		ctl_state_get(in, addr, 16);
		CTL_STATE_GET(in, fv);
		CTL_STATE_GET(in, expires);
		if (in->short_read)
			return -EBADMSG;
		for (uint32_t v = 0; v < in->nv && v < 64; v++)
			if ((fv >> v & 1) && in->vmap[v] >= 0 && (unsigned)in->vmap[v] < n_vendors)
				vendors |= 1ull << in->vmap[v];
		if (vendors == 0 || expires <= now) {
			in->dropped += vendors == 0;
			continue;
		}
		dp_learned_add(l, fam, addr, vendors, expires, now);
		(*restored)++;
	}
	return 0;
}
