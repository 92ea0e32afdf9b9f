/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_worker.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include "dp_dns.h"
#include "dp_http.h"
#include "dp_parse.h"
#include "dp_tls.h"

#define PREFETCH_AHEAD 3

struct dp_worker *
dp_worker_create(unsigned id, unsigned n_orgs, unsigned n_vendors, const struct dp_orgs *orgs,
		 const struct dp_match *match, int socket)
{
	size_t nctr = (size_t)n_orgs * n_vendors * DP_SIG_COUNT;
	struct dp_worker *w;
	char name[RTE_RING_NAMESIZE];

	w = rte_zmalloc_socket("dp_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL)
		goto err_nomem;
	w->ctr = rte_zmalloc_socket("dp_ctr", nctr * sizeof(*w->ctr), RTE_CACHE_LINE_SIZE, socket);
	if (w->ctr == NULL)
		goto err_nomem;
	snprintf(name, sizeof(name), "dp_events%u", id);
	w->events = rte_ring_create_elem(name, sizeof(struct dp_client_event), DP_EVENT_RING,
					 socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (w->events == NULL)
		goto err_free;
	if (dp_match_scratch_clone(match, &w->scratch))
		goto err_nomem;
	w->orgs = orgs;
	w->match = match;
	w->n_orgs = n_orgs;
	w->n_vendors = n_vendors;
	return w;

err_nomem:
	rte_errno = ENOMEM;
err_free:
	dp_worker_free(w);
	return NULL;
}

void
dp_worker_free(struct dp_worker *w)
{
	if (w == NULL)
		return;
	if (w->scratch != NULL)
		hs_free_scratch(w->scratch);
	rte_ring_free(w->events);
	rte_free(w->ctr);
	rte_free(w);
}

static void
report_client(struct dp_worker *w, const struct dp_pkt *p, uint32_t org, unsigned vendor)
{
	struct dp_client_event ev = {.org = org, .vendor = (uint8_t)vendor, .family = p->family};

	memcpy(ev.addr, p->saddr, p->family == 4 ? 4 : 16);
	/* Offline, the control thread drains until every worker has returned,
	 * so waiting here always ends. */
	while (rte_ring_enqueue_elem(w->events, &ev, sizeof(ev)) != 0) {
		if (!w->lossless) {
			DP_CTR_ADD(w->st.client_events_lost, 1);
			return;
		}
		rte_pause();
	}
}

static void
count_vendors(struct dp_worker *w, const struct dp_pkt *p, uint64_t vendors, enum dp_signal sig)
{
	uint32_t org = dp_orgs_lookup(w->orgs, p->family, p->saddr);
	uint64_t now = *w->clock;

	while (vendors) {
		unsigned v = (unsigned)__builtin_ctzll(vendors);
		struct dp_org_ctr *c = dp_worker_ctr(w, org, v, sig);

		vendors &= vendors - 1;
		DP_CTR_ADD(c->sessions, 1);
		if (c->last_seen < now)
			__atomic_store_n(&c->last_seen, now, __ATOMIC_RELAXED);
		report_client(w, p, org, v);
	}
}

/* The application stage: which extractor applies, and what it found.
 * Returns an enum dp_outcome, or DP_OUT_COUNT + an enum dp_drop. */
static unsigned
classify_payload(struct dp_worker *w, const struct dp_pkt *p)
{
	struct dp_name name;
	enum dp_name_rc rc = DP_NAME_NOT_PROTO;
	enum dp_signal sig = DP_SIG_TLS_SNI;
	enum dp_layer layer = DP_LAYER_TLS;
	uint64_t vendors;
	bool ech = false;

	if (p->proto == IPPROTO_TCP) {
		uint8_t c = p->payload[0];

		if (c == 0x16) {
			rc = dp_tls_sni(p->payload, p->payload_len, &name, &ech);
			if (ech)
				DP_CTR_ADD(w->st.tls_ech, 1);
		} else if (c >= 'A' && c <= 'Z') {
			rc = dp_http_host(p->payload, p->payload_len, &name);
			sig = DP_SIG_HTTP_HOST;
			layer = DP_LAYER_HTTP;
		}
	} else if (p->dport == DP_DNS_PORT) {
		rc = dp_dns_qname(p->payload, p->payload_len, &name);
		sig = DP_SIG_DNS;
		layer = DP_LAYER_DNS;
	}

	switch (rc) {
	case DP_NAME_FOUND:
		break;
	case DP_NAME_TRUNCATED:
		return DP_OUT_APP_TRUNCATED;
	case DP_NAME_MALFORMED:
		DP_CTR_ADD(w->st.parse_err[layer], 1);
		return DP_OUT_APP_MALFORMED;
	default:
		return DP_OUT_NO_NAME;
	}
	if (dp_match_name(w->match, w->scratch, name.s, name.len, &vendors) != 0)
		return DP_OUT_COUNT + DP_DROP_SCAN_ERROR;
	if (vendors == 0)
		return DP_OUT_OTHER_NAME;
	count_vendors(w, p, vendors, sig);
	return DP_OUT_VENDOR;
}

/* Parse results that end processing, and the outcome each counts as. */
static const uint8_t parse_outcome[] = {
	[DP_PARSE_NOT_IP] = DP_OUT_NOT_IP,
	[DP_PARSE_OTHER_L4] = DP_OUT_OTHER_L4,
	[DP_PARSE_FRAGMENT] = DP_OUT_FRAGMENT,
};

/* Malformed L2, L3, L4 map in order onto the layers and the drop reasons. */
_Static_assert(DP_PARSE_ERR_L3 == DP_PARSE_ERR_L2 + 1 && DP_PARSE_ERR_L4 == DP_PARSE_ERR_L2 + 2,
	       "parse errors in layer order");
_Static_assert(DP_LAYER_L3 == DP_LAYER_L2 + 1 && DP_LAYER_L4 == DP_LAYER_L2 + 2,
	       "layers in order");
_Static_assert(DP_DROP_L3_MALFORMED == DP_DROP_L2_MALFORMED + 1 &&
		       DP_DROP_L4_MALFORMED == DP_DROP_L2_MALFORMED + 2,
	       "drops in layer order");

void
dp_worker_packet(struct dp_worker *w, const uint8_t *frame, uint32_t len)
{
	struct dp_pkt p;
	enum dp_parse_rc rc = dp_parse_frame(frame, len, &p);
	unsigned r;

	if (unlikely(rc >= DP_PARSE_ERR_L2)) {
		unsigned k = rc - DP_PARSE_ERR_L2;

		DP_CTR_ADD(w->st.parse_err[DP_LAYER_L2 + k], 1);
		DP_CTR_ADD(w->st.drop[DP_DROP_L2_MALFORMED + k], 1);
		return;
	}
	if (rc != DP_PARSE_OK) {
		DP_CTR_ADD(w->st.outcome[parse_outcome[rc]], 1);
		return;
	}
	if (p.payload_len == 0) {
		DP_CTR_ADD(w->st.outcome[DP_OUT_NO_NAME], 1);
		return;
	}
	/* classify_payload folds the one drop it can cause past the outcomes. */
	r = classify_payload(w, &p);
	if (r < DP_OUT_COUNT)
		DP_CTR_ADD(w->st.outcome[r], 1);
	else
		DP_CTR_ADD(w->st.drop[r - DP_OUT_COUNT], 1);
}

static inline void
handle_mbuf(struct dp_worker *w, struct rte_mbuf *m)
{
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);

	/* A jumbo frame chained over several mbufs: headers and the first
	 * bytes of payload are all any extractor reads, so copy at most that. */
	if (unlikely(m->nb_segs > 1)) {
		len = RTE_MIN(rte_pktmbuf_pkt_len(m), (uint32_t)DP_LINBUF);
		data = rte_pktmbuf_read(m, 0, len, w->linbuf);
	}
	dp_worker_packet(w, data, len);
}

int
dp_worker_loop(void *arg)
{
	struct dp_worker *w = arg;
	struct rte_mbuf *b[DP_BURST];

	while (!*w->stop) {
		uint16_t n = rte_eth_rx_burst(w->port, w->queue, b, DP_BURST);
		uint64_t t0, bytes = 0;
		uint16_t i;

		if (n == 0)
			continue;
		t0 = rte_rdtsc();
		/* Received first, so a scrape never sees more outcomes than
		 * packets received. */
		DP_CTR_ADD(w->st.rx_pkts, n);
		for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
			rte_prefetch0(rte_pktmbuf_mtod(b[i], void *));
		for (i = 0; i < n; i++) {
			if (i + PREFETCH_AHEAD < n)
				rte_prefetch0(rte_pktmbuf_mtod(b[i + PREFETCH_AHEAD], void *));
			bytes += rte_pktmbuf_pkt_len(b[i]);
			handle_mbuf(w, b[i]);
		}
		rte_pktmbuf_free_bulk(b, n);
		DP_CTR_ADD(w->st.rx_bytes, bytes);
		DP_CTR_ADD(w->st.busy_pkts, n);
		DP_CTR_ADD(w->st.busy_cycles, rte_rdtsc() - t0);
	}
	return 0;
}
