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
#include <rte_mbuf_dyn.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include "dp_dns.h"
#include "dp_dnsans.h"
#include "dp_http.h"
#include "dp_parse.h"
#include "dp_tls.h"

#define PREFETCH_AHEAD 3
#define HTTPS_PORT 443
/* Flow-table entries looked at for timeouts at a time while busy (paced so
 * that the whole table is looked at once a second: visiting an entry per
 * packet cost more than all else bypassed packets do), and per idle poll. */
#define SWEEP_BUSY 32
#define SWEEP_IDLE 1024
#define LEARN_APPLY_BUDGET 64

static void
release_reasm(struct dp_worker *w, struct dp_flow *f)
{
	if (f->reasm != 0)
		dp_reasm_free(&w->reasm, f->reasm - 1);
	f->reasm = 0;
}

static void
close_stream(struct dp_worker *w, struct dp_flow *f, int d)
{
	if (f->hs[d] != NULL)
		dp_match_stream_close(f->hs[d], w->scratch);
	f->hs[d] = NULL;
	f->scanned[d] = UINT32_MAX; /* never reopened */
}

static void
release_flow(void *ctx, struct dp_flow *f)
{
	struct dp_worker *w = ctx;

	release_reasm(w, f);
	close_stream(w, f, 0);
	close_stream(w, f, 1);
}

struct dp_gen *
dp_gen_create(uint16_t id, const struct dp_orgs *orgs, const struct dp_match *match,
	      const struct dp_orgs *servers, const uint64_t *server_vendors, unsigned n_orgs,
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
dp_gen_free(struct dp_gen *g)
{
	if (g == NULL)
		return;
	if (g->scratch != NULL)
		hs_free_scratch(g->scratch);
	rte_free(g->ctr);
	rte_free(g);
}

struct dp_worker *
dp_worker_create(unsigned id, unsigned n_vendors, struct dp_gen *gen,
		 const struct dp_worker_cfg *cfg, int socket)
{
	struct dp_worker *w;
	char name[RTE_RING_NAMESIZE];
	int rc;

	if (gen == NULL) {
		rte_errno = EINVAL;
		return NULL;
	}
	w = rte_zmalloc_socket("dp_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL)
		goto err_nomem;
	w->ts_off = -1;
	snprintf(name, sizeof(name), "dp_events%u", id);
	w->events = rte_ring_create_elem(name, sizeof(struct dp_client_event), DP_EVENT_RING,
					 socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "dp_learn_out%u", id);
	w->learn_out = rte_ring_create_elem(name, sizeof(struct dp_learn_event), DP_LEARN_RING,
					    socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "dp_learn_in%u", id);
	w->learn_in = rte_ring_create_elem(name, sizeof(struct dp_learn_event), DP_LEARN_RING,
					   socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (w->events == NULL || w->learn_out == NULL || w->learn_in == NULL)
		goto err_free;
	snprintf(name, sizeof(name), "dp_flows%u", id);
	rc = dp_flow_table_init(&w->flows, name, &cfg->flow, &w->st.flow, release_flow, w, socket);
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
	w->stream_cfg = cfg->stream_bytes;
	w->n_vendors = n_vendors;
	w->next = gen;
	dp_worker_adopt(w);
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
	if (w->flows.h != NULL)
		dp_flow_table_fini(&w->flows);
	dp_gen_free(w->next);
	dp_quic_free(w->quic);
	dp_reasm_pool_fini(&w->reasm);
	dp_learned_fini(&w->learned);
	rte_ring_free(w->events);
	rte_ring_free(w->learn_out);
	rte_ring_free(w->learn_in);
	rte_free(w);
}

struct dp_gen *
dp_worker_publish(struct dp_worker *w, struct dp_gen *g)
{
	struct dp_gen *old = w->next;

	__atomic_store_n(&w->next, g, __ATOMIC_RELEASE);
	return old;
}

void
dp_worker_adopt(struct dp_worker *w)
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
	w->scratch = g->scratch;
	w->ctr = g->ctr;
	w->n_orgs = g->n_orgs;
	w->gen = g->id;
	w->stream_bytes = dp_match_has_payload(g->match) ? w->stream_cfg : 0;
	DP_CTR_ADD(w->st.reloads, 1);
}

/* ---- Counting a vendor's flow ---- */

/* Hands an event to the control plane: live, a full ring loses it (counted
 * in *lost); offline, the control thread drains until every worker has
 * returned, so waiting for room always ends. */
static void
put_event(struct dp_worker *w, struct rte_ring *r, void *ev, unsigned size, uint64_t *lost)
{
	while (rte_ring_enqueue_elem(r, ev, size) != 0) {
		if (!w->lossless) {
			DP_CTR_ADD(*lost, 1);
			return;
		}
		rte_pause();
	}
}

static void
report_client(struct dp_worker *w, const struct dp_flow *f, unsigned vendor)
{
	struct dp_client_event ev = {.org = f->org, .vendor = (uint8_t)vendor,
				     .family = f->key.family, .gen = f->gen};

	memcpy(ev.addr, dp_flow_client(f), 16);
	put_event(w, w->events, &ev, sizeof(ev), &w->st.client_events_lost);
}

static void
touch(struct dp_org_ctr *c, uint64_t now)
{
	if (c->last_seen < now)
		__atomic_store_n(&c->last_seen, now, __ATOMIC_RELAXED);
}

/* The flow is a vendor's: one session, and its traffic so far. */
static void
decide_vendor(struct dp_worker *w, struct dp_flow *f, uint64_t vendors, enum dp_signal sig)
{
	uint64_t now = *w->clock;

	close_stream(w, f, 0);
	close_stream(w, f, 1);
	f->state = DP_FLOW_VENDOR;
	f->vendors = vendors;
	f->sig = (uint8_t)sig;
	while (vendors) {
		unsigned v = (unsigned)__builtin_ctzll(vendors);
		struct dp_org_ctr *c = dp_worker_ctr(w, f->org, v, sig);

		vendors &= vendors - 1;
		DP_CTR_ADD(c->sessions, 1);
		for (int d = 0; d < 2; d++) {
			DP_CTR_ADD(c->pkts[d], f->pkts[d]);
			DP_CTR_ADD(c->bytes[d], f->bytes[d]);
		}
		touch(c, now);
		report_client(w, f, v);
	}
}

static void
count_matched(struct dp_worker *w, const struct dp_flow *f, enum dp_dir dir, uint32_t len)
{
	uint64_t vendors = f->vendors, now = *w->clock;

	while (vendors) {
		unsigned v = (unsigned)__builtin_ctzll(vendors);
		struct dp_org_ctr *c = dp_worker_ctr(w, f->org, v, f->sig);

		vendors &= vendors - 1;
		DP_CTR_ADD(c->pkts[dir], 1);
		DP_CTR_ADD(c->bytes[dir], len);
		touch(c, now);
	}
}

/* ---- Learning server addresses ---- */

static void
learn(struct dp_worker *w, const struct dp_dns_addr *a, uint64_t vendors)
{
	uint32_t ttl = a->ttl < w->learned_max_ttl ? a->ttl : w->learned_max_ttl;
	struct dp_learn_event ev = {.vendors = vendors, .expires = w->now + ttl,
				    .family = a->family};

	if (ttl == 0)
		return; /* RFC 1035 3.2.1: not to be cached */
	memcpy(ev.addr, a->addr, 16);
	dp_learned_add(&w->learned, ev.family, ev.addr, vendors, ev.expires, w->now);
	DP_CTR_ADD(w->st.learned, 1);
	put_event(w, w->learn_out, &ev, sizeof(ev), &w->st.learn_events_lost);
}

/* A response in a vendor's DNS flow: its addresses serve those vendors. */
static void
learn_from_answer(struct dp_worker *w, const struct dp_flow *f, const uint8_t *msg, uint32_t len)
{
	struct dp_dns_addr a[DP_DNS_MAX_ADDRS];
	struct dp_name qname;
	unsigned n;
	enum dp_name_rc rc = dp_dns_answers(msg, len, &qname, a, &n);

	/* NXDOMAIN and other errors teach nothing but are no parse error. */
	if (rc != DP_NAME_FOUND) {
		if (rc == DP_NAME_MALFORMED)
			DP_CTR_ADD(w->st.parse_err[DP_LAYER_DNS], 1);
		return;
	}
	for (unsigned i = 0; i < n; i++)
		learn(w, &a[i], f->vendors);
}

/* A TCP stream picked up mid-way (no SYN seen): this segment starts it. */
static void
stream_base(uint32_t *base, uint8_t *known, uint32_t seq)
{
	if (!*known) {
		*base = seq;
		*known = 1;
	}
}

/* The segment at sequence number seq, from stream offset 'from' on
 * (RFC 9293 3.4: offsets from base, mod 2^32): bytes before 'from' are cut
 * off, *off is where the rest starts.  False when nothing remains. */
static bool
clip_segment(uint32_t base, uint32_t from, uint32_t seq, const uint8_t **d, uint32_t *len,
	     uint32_t *off)
{
	uint32_t o = seq - base;

	if (o - from >= (1u << 31)) {
		uint32_t skip = from - o;

		if (skip >= *len)
			return false;
		*d += skip;
		*len -= skip;
		o = from;
	}
	*off = o;
	return true;
}

/* Whole length-prefixed answers (RFC 1035 4.2.2) at the head of d: learns
 * from each, returns the bytes they take. */
static uint32_t
tcp_answers(struct dp_worker *w, const struct dp_flow *f, const uint8_t *d, uint32_t len)
{
	uint32_t at = 0;

	while (len - at >= 2) {
		uint32_t mlen = (uint32_t)d[at] << 8 | d[at + 1];

		if (len - at - 2 < mlen)
			break;
		learn_from_answer(w, f, d + at + 2, mlen);
		at += 2 + mlen;
	}
	return at;
}

/* The server's stream of a vendor's DNS-over-TCP flow (RFC 7766): answers
 * one after another, each read once it is whole.  Straight from the segment
 * when it holds whole answers at the expected offset; else through a
 * reassembly buffer that always starts at the next unread answer (answers
 * read are shifted out) and is given back once nothing in it is pending.
 * An answer longer than a buffer, no buffer free or too many gaps end the
 * reading: counted in dns_tcp_unread. */
static void
follow_dns_tcp(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p)
{
	const uint8_t *d = p->payload;
	uint32_t len = p->payload_len, off, done;
	int contig, idx;

	if (len == 0 || f->s_next == UINT32_MAX)
		return;
	stream_base(&f->s_base, &f->s_base_known, p->seq);
	if (!clip_segment(f->s_base, f->s_next, p->seq, &d, &len, &off))
		return; /* only bytes already read */
	if (f->reasm == 0) {
		if (off == f->s_next) {
			done = tcp_answers(w, f, d, len);
			f->s_next += done;
			if (done == len)
				return;
			d += done;
			len -= done;
			off += done;
		}
		if ((idx = dp_reasm_alloc(&w->reasm)) < 0) {
			DP_CTR_ADD(w->st.reasm_no_buffer, 1);
			goto unread;
		}
		f->reasm = (uint32_t)idx + 1;
	}
	contig = dp_reasm_add(&w->reasm, f->reasm - 1, off - f->s_next, d, len);
	if (contig < 0)
		goto unread;
	done = tcp_answers(w, f, dp_reasm_data(&w->reasm, f->reasm - 1), (uint32_t)contig);
	f->s_next += done;
	dp_reasm_shift(&w->reasm, f->reasm - 1, done);
	if (w->reasm.bufs[f->reasm - 1].n == 0)
		release_reasm(w, f); /* nothing pending */
	else if ((uint32_t)contig == w->reasm.size && done == 0)
		goto unread; /* an answer longer than the buffer */
	return;
unread:
	release_reasm(w, f);
	f->s_next = UINT32_MAX;
	DP_CTR_ADD(w->st.dns_tcp_unread, 1);
}

unsigned
dp_worker_learn_apply(struct dp_worker *w, unsigned budget)
{
	struct dp_learn_event ev;
	unsigned n = 0;

	while (n < budget && rte_ring_dequeue_elem(w->learn_in, &ev, sizeof(ev)) == 0) {
		dp_learned_add(&w->learned, ev.family, ev.addr, ev.vendors, ev.expires, w->now);
		n++;
	}
	return n;
}

/* ---- Inspecting an undecided flow ---- */

/* Which extractor a client's first bytes call for. */
static enum dp_name_rc
extract_tcp(struct dp_worker *w, const struct dp_flow *f, const uint8_t *p, uint32_t len,
	    struct dp_name *name, enum dp_signal *sig, enum dp_layer *layer)
{
	bool ech = false;
	enum dp_name_rc rc;
	uint32_t mlen;

	if (f->key.pa == DP_DNS_PORT || f->key.pb == DP_DNS_PORT) {
		/* RFC 1035 4.2.2: a two-octet length, then the message. */
		*sig = DP_SIG_DNS;
		*layer = DP_LAYER_DNS;
		if (len < 2)
			return DP_NAME_TRUNCATED;
		mlen = (uint32_t)p[0] << 8 | p[1];
		if (len - 2 < mlen)
			return DP_NAME_TRUNCATED;
		return dp_dns_qname(p + 2, mlen, name);
	}
	if (p[0] == 0x16) {
		*sig = DP_SIG_TLS_SNI;
		*layer = DP_LAYER_TLS;
		rc = dp_tls_sni(p, len, name, &ech);
		if (ech && rc != DP_NAME_TRUNCATED)
			DP_CTR_ADD(w->st.tls_ech, 1);
		return rc;
	}
	if (p[0] >= 'A' && p[0] <= 'Z') {
		*sig = DP_SIG_HTTP_HOST;
		*layer = DP_LAYER_HTTP;
		return dp_http_host(p, len, name);
	}
	return DP_NAME_NOT_PROTO;
}

/* An extractor's verdict decides the flow; returns the packet's outcome,
 * or DP_OUT_COUNT + a drop reason. */
static unsigned
decide(struct dp_worker *w, struct dp_flow *f, enum dp_name_rc rc, const struct dp_name *name,
       enum dp_signal sig, enum dp_layer layer)
{
	uint64_t vendors;

	f->state = DP_FLOW_OTHER;
	release_reasm(w, f);
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
	if (dp_match_name(w->match, w->scratch, name->s, name->len, &vendors) != 0)
		return DP_OUT_COUNT + DP_DROP_SCAN_ERROR;
	if (vendors == 0)
		return DP_OUT_OTHER_NAME;
	decide_vendor(w, f, vendors, sig);
	return DP_OUT_VENDOR;
}

typedef enum dp_name_rc (*extract_fn)(struct dp_worker *w, const struct dp_flow *f,
				     const uint8_t *p, uint32_t len, struct dp_name *name,
				     enum dp_signal *sig, enum dp_layer *layer);

/* RFC 9001 4: the ClientHello, as a bare handshake message. */
static enum dp_name_rc
extract_quic(struct dp_worker *w, const struct dp_flow *f, const uint8_t *p, uint32_t len,
	     struct dp_name *name, enum dp_signal *sig, enum dp_layer *layer)
{
	bool ech = false;
	enum dp_name_rc rc = dp_tls_hello_sni(p, len, name, &ech);

	(void)f;
	*sig = DP_SIG_QUIC_SNI;
	*layer = DP_LAYER_QUIC;
	if (ech && rc != DP_NAME_TRUNCATED)
		DP_CTR_ADD(w->st.tls_ech, 1);
	return rc;
}

/* Pieces of the client's first bytes at stream offsets: extract straight
 * from a lone first piece, else through the flow's reassembly buffer. */
static unsigned
reassemble(struct dp_worker *w, struct dp_flow *f, const struct dp_quic_crypto *pc, unsigned n,
	   extract_fn ex, enum dp_signal sig, enum dp_layer layer, bool stateful)
{
	struct dp_name name;
	enum dp_name_rc rc;
	int contig = 0, idx;

	if (f->reasm == 0 && n == 1 && pc[0].off == 0) {
		/* The common case: the whole head in one piece, no copy. */
		rc = ex(w, f, pc[0].data, pc[0].len, &name, &sig, &layer);
		if (rc != DP_NAME_TRUNCATED || !stateful || pc[0].len >= w->reasm.size)
			return decide(w, f, rc, &name, sig, layer);
	}
	if (f->reasm == 0) {
		idx = stateful ? dp_reasm_alloc(&w->reasm) : -ENOBUFS;
		if (idx < 0) {
			if (stateful)
				DP_CTR_ADD(w->st.reasm_no_buffer, 1);
			return decide(w, f, DP_NAME_TRUNCATED, NULL, sig, layer);
		}
		f->reasm = (uint32_t)idx + 1;
	}
	for (unsigned i = 0; i < n; i++) {
		contig = dp_reasm_add(&w->reasm, f->reasm - 1, pc[i].off, pc[i].data, pc[i].len);
		if (contig < 0)
			return decide(w, f, DP_NAME_TRUNCATED, NULL, sig, layer);
	}
	if (contig == 0)
		return DP_OUT_PARTIAL;
	rc = ex(w, f, dp_reasm_data(&w->reasm, f->reasm - 1), (uint32_t)contig, &name, &sig,
		&layer);
	if (rc == DP_NAME_TRUNCATED && (uint32_t)contig < w->reasm.size)
		return DP_OUT_PARTIAL;
	return decide(w, f, rc, &name, sig, layer);
}

/* TCP, client to server, with payload: its place in the client's stream
 * (RFC 9293 3.4: sequence numbers wrap, so offsets are taken mod 2^32). */
static unsigned
inspect_tcp(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p, bool stateful)
{
	struct dp_quic_crypto pc = {0, p->payload, p->payload_len};
	uint32_t off;

	stream_base(&f->c_base, &f->c_base_known, p->seq);
	if (!clip_segment(f->c_base, 0, p->seq, &pc.data, &pc.len, &off))
		return f->reasm ? DP_OUT_PARTIAL : DP_OUT_NO_NAME;
	pc.off = off;
	return reassemble(w, f, &pc, 1, extract_tcp, DP_SIG_TLS_SNI, DP_LAYER_TLS, stateful);
}

/* UDP to port 443: a client Initial's CRYPTO frames.  Other QUIC packets
 * (0-RTT, Handshake, short headers) wait while a ClientHello is being
 * reassembled; a flow that starts with them has nothing to identify. */
static unsigned
inspect_quic(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p, bool stateful)
{
	struct dp_quic_crypto fr[DP_QUIC_MAX_FRAMES];
	unsigned n;

	if (p->payload_len > sizeof(w->qplain))
		return decide(w, f, DP_NAME_MALFORMED, NULL, DP_SIG_QUIC_SNI, DP_LAYER_QUIC);
	switch (dp_quic_open(w->quic, p->payload, p->payload_len, w->qplain, fr,
			     DP_QUIC_MAX_FRAMES, &n)) {
	case DP_QUIC_OK:
		break;
	case DP_QUIC_NOT_INITIAL:
		if (f->reasm != 0)
			return DP_OUT_NO_NAME;
		return decide(w, f, DP_NAME_NOT_PROTO, NULL, DP_SIG_QUIC_SNI, DP_LAYER_QUIC);
	case DP_QUIC_VERSION_NEG:
	case DP_QUIC_VERSION_UNKNOWN:
		DP_CTR_ADD(w->st.quic_unknown_version, 1);
		return decide(w, f, DP_NAME_NOT_PROTO, NULL, DP_SIG_QUIC_SNI, DP_LAYER_QUIC);
	case DP_QUIC_TRUNCATED:
		return decide(w, f, DP_NAME_TRUNCATED, NULL, DP_SIG_QUIC_SNI, DP_LAYER_QUIC);
	default:
		return decide(w, f, DP_NAME_MALFORMED, NULL, DP_SIG_QUIC_SNI, DP_LAYER_QUIC);
	}
	if (n == 0)
		return DP_OUT_NO_NAME; /* ACK or PING only: the hello is still to come */
	return reassemble(w, f, fr, n, extract_quic, DP_SIG_QUIC_SNI, DP_LAYER_QUIC, stateful);
}

/* A packet of a flow still open: what it tells, and whether that decides
 * the flow. */
static unsigned
inspect(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p, enum dp_dir dir,
	bool stateful)
{
	struct dp_name name;
	enum dp_name_rc rc;

	if (p->proto == IPPROTO_TCP) {
		if (dir == DP_DIR_C2S && (p->tcp_flags & DP_TCP_SYN)) {
			f->c_base = p->seq + 1; /* the SYN takes one sequence number */
			f->c_base_known = 1;
		} else if (dir == DP_DIR_S2C && (p->tcp_flags & DP_TCP_SYN)) {
			f->s_base = p->seq + 1;
			f->s_base_known = 1;
		}
		if (dir == DP_DIR_S2C || p->payload_len == 0)
			return DP_OUT_NO_NAME;
		return inspect_tcp(w, f, p, stateful);
	}
	if (dir == DP_DIR_S2C)
		return DP_OUT_NO_NAME;
	if (p->dport == DP_DNS_PORT) {
		rc = dp_dns_qname(p->payload, p->payload_len, &name);
		return decide(w, f, rc, &name, DP_SIG_DNS, DP_LAYER_DNS);
	}
	if (p->dport == HTTPS_PORT)
		return inspect_quic(w, f, p, stateful);
	return decide(w, f, DP_NAME_NOT_PROTO, NULL, DP_SIG_DNS, DP_LAYER_DNS);
}

/* A new flow to a configured server prefix or a learned address is a
 * vendor's from its first packet, whatever it carries (ECH, no SNI). */
static bool
decide_by_server(struct dp_worker *w, struct dp_flow *f)
{
	const uint8_t *srv = dp_flow_server(f);
	uint64_t vendors = 0;

	if (w->servers != NULL) {
		uint32_t i = dp_orgs_lookup(w->servers, f->key.family, srv);

		vendors = i ? w->server_vendors[i] : 0;
	}
	if (vendors != 0) {
		decide_vendor(w, f, vendors, DP_SIG_SERVER_IP);
		return true;
	}
	vendors = dp_learned_lookup(&w->learned, f->key.family, srv, w->now);
	if (vendors != 0) {
		decide_vendor(w, f, vendors, DP_SIG_LEARNED_IP);
		return true;
	}
	return false;
}

/* The direction's next payload bytes through its signature stream;
 * returns the vendors whose signatures matched. */
static uint64_t
scan_payload(struct dp_worker *w, struct dp_flow *f, enum dp_dir d, const struct dp_pkt *p)
{
	uint32_t n = RTE_MIN(p->payload_len, w->stream_bytes - f->scanned[d]);
	const struct dp_match *m = w->match;
	uint64_t vendors = 0;

	if (f->hs[d] == NULL) {
		if ((f->hs[d] = dp_match_stream_open(m)) == NULL) {
			f->scanned[d] = UINT32_MAX; /* no memory for the stream */
			DP_CTR_ADD(w->st.stream_failed, 1);
			return 0;
		}
		f->hs_gen[d] = w->gen;
	} else if (unlikely(f->hs_gen[d] != w->gen)) {
		/* Opened before a reload: its database is the previous
		 * generation's, or already freed. */
		if (f->hs_gen[d] != w->prev_gen || w->prev_match == NULL) {
			close_stream(w, f, d);
			DP_CTR_ADD(w->st.streams_cut, 1);
			return 0;
		}
		m = w->prev_match;
	}
	if (dp_match_stream_scan(m, f->hs[d], w->scratch, p->payload, n, &vendors) != 0) {
		DP_CTR_ADD(w->st.stream_failed, 1);
		vendors = 0;
	}
	f->scanned[d] += n;
	if (f->scanned[d] >= w->stream_bytes)
		close_stream(w, f, d);
	return vendors;
}

/* RST ends a flow at once; FIN ends it once both sides have sent one. */
static void
track_end(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p, enum dp_dir dir)
{
	if (p->proto != IPPROTO_TCP)
		return;
	if (p->tcp_flags & DP_TCP_FIN)
		f->fin |= (uint8_t)(1u << dir);
	if ((p->tcp_flags & DP_TCP_RST) || f->fin == 3)
		dp_flow_end(&w->flows, f);
}

static unsigned
handle_flow(struct dp_worker *w, const struct dp_pkt *p, uint32_t wire_len)
{
	/* Bare ACKs and FINs of flows we do not hold start nothing. */
	bool create = p->proto == IPPROTO_UDP || p->payload_len > 0 || (p->tcp_flags & DP_TCP_SYN);
	struct dp_flow tmp, *f;
	bool created, stateful = true;
	enum dp_dir dir;
	unsigned r;

	f = dp_flow_get(&w->flows, p, w->now, create, &created, &dir);
	if (f == NULL) {
		if (!create)
			return DP_OUT_NO_NAME;
		/* Table full (counted): this packet alone, as its own flow. */
		bool src_is_a;

		memset(&tmp, 0, sizeof(tmp));
		dp_flow_key_make(p, &tmp.key, &src_is_a);
		tmp.client_is_a = src_is_a;
		tmp.state = DP_FLOW_OPEN;
		f = &tmp;
		dir = DP_DIR_C2S;
		created = true;
		stateful = false;
	}
	f->pkts[dir]++;
	f->bytes[dir] += wire_len;
	if (unlikely(f->gen != w->gen) || created) {
		/* New, or its organisation is from before a reload. */
		f->org = dp_orgs_lookup(w->orgs, f->key.family, dp_flow_client(f));
		f->gen = w->gen;
	}
	if (created) {
		if (decide_by_server(w, f)) {
			r = DP_OUT_VENDOR;
			goto end;
		}
	}
	/* RFC 9000 17.2.1: a server refusing the client's version. */
	if (dir == DP_DIR_S2C && p->proto == IPPROTO_UDP && p->sport == HTTPS_PORT &&
	    p->payload_len >= 5 && (p->payload[0] & 0x80) && p->payload[1] == 0 &&
	    p->payload[2] == 0 && p->payload[3] == 0 && p->payload[4] == 0)
		DP_CTR_ADD(w->st.quic_version_neg, 1);
	switch (f->state) {
	case DP_FLOW_VENDOR:
		count_matched(w, f, dir, wire_len);
		if (dir == DP_DIR_S2C && f->sig == DP_SIG_DNS) {
			if (p->proto == IPPROTO_UDP)
				learn_from_answer(w, f, p->payload, p->payload_len);
			else if (stateful)
				follow_dns_tcp(w, f, p);
		}
		r = DP_OUT_MATCHED;
		break;
	case DP_FLOW_OTHER:
		r = DP_OUT_BYPASSED;
		break;
	default:
		r = inspect(w, f, p, dir, stateful);
		break;
	}
	if (w->stream_bytes != 0 && stateful && f->state != DP_FLOW_VENDOR && p->payload_len > 0 &&
	    f->scanned[dir] < w->stream_bytes && r < DP_OUT_COUNT) {
		uint64_t v = scan_payload(w, f, dir, p);

		if (v != 0) {
			release_flow(w, f);
			decide_vendor(w, f, v, DP_SIG_PAYLOAD);
			r = DP_OUT_VENDOR;
		}
	}
end:
	if (stateful)
		track_end(w, f, p, dir);
	return r;
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

/* len bytes of the frame are at hand; wire is its length as received. */
static void
worker_frame(struct dp_worker *w, const uint8_t *frame, uint32_t len, uint32_t wire, uint32_t now)
{
	struct dp_pkt p;
	enum dp_parse_rc rc = dp_parse_frame(frame, len, &p);
	unsigned r;

	w->now = now;
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
	/* handle_flow folds the one drop it can cause past the outcomes. */
	r = handle_flow(w, &p, wire);
	if (r < DP_OUT_COUNT)
		DP_CTR_ADD(w->st.outcome[r], 1);
	else
		DP_CTR_ADD(w->st.drop[r - DP_OUT_COUNT], 1);
}

void
dp_worker_packet(struct dp_worker *w, const uint8_t *frame, uint32_t len, uint32_t now)
{
	worker_frame(w, frame, len, len, now);
}

static inline uint32_t
packet_time(const struct dp_worker *w, const struct rte_mbuf *m)
{
	/* net_pcap stamps nanoseconds since the epoch from the capture. */
	if (w->ts_off >= 0 && (m->ol_flags & w->ts_flag))
		return (uint32_t)(*RTE_MBUF_DYNFIELD(m, w->ts_off, rte_mbuf_timestamp_t *) /
				  1000000000u);
	return (uint32_t)*w->clock;
}

static inline void
handle_mbuf(struct dp_worker *w, struct rte_mbuf *m)
{
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), wire = rte_pktmbuf_pkt_len(m);

	/* A jumbo frame chained over several mbufs: headers and the first
	 * bytes of payload are all any extractor reads, so copy at most that. */
	if (unlikely(m->nb_segs > 1)) {
		len = RTE_MIN(wire, (uint32_t)DP_LINBUF);
		data = rte_pktmbuf_read(m, 0, len, w->linbuf);
	}
	worker_frame(w, data, len, wire, packet_time(w, m));
}

int
dp_worker_loop(void *arg)
{
	struct dp_worker *w = arg;
	struct rte_mbuf *b[DP_BURST];

	if (w->qs != NULL)
		rte_rcu_qsbr_thread_online(w->qs, w->qs_id);
	if (w->ts_off < 0)
		w->now = (uint32_t)*w->clock;
	w->sweep_step = RTE_MAX(rte_get_tsc_hz() * SWEEP_BUSY / w->flows.n_slots, (uint64_t)1);
	w->sweep_tsc = rte_rdtsc();
	while (!*w->stop) {
		uint16_t n = rte_eth_rx_burst(w->port, w->queue, b, DP_BURST);
		uint64_t t0, bytes = 0;
		uint16_t i;

		/* Between bursts the worker holds no table: a quiescent state. */
		if (w->qs != NULL)
			rte_rcu_qsbr_quiescent(w->qs, w->qs_id);
		dp_worker_adopt(w);
		dp_worker_learn_apply(w, LEARN_APPLY_BUDGET);
		if (n == 0) {
			if (w->ts_off < 0)
				w->now = (uint32_t)*w->clock;
			dp_flow_sweep(&w->flows, w->now, SWEEP_IDLE);
			continue;
		}
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
		if (t0 - w->sweep_tsc >= w->sweep_step) {
			dp_flow_sweep(&w->flows, w->now, SWEEP_BUSY);
			/* Behind by more than a pass (a long stall): start afresh. */
			w->sweep_tsc = t0 - w->sweep_tsc > rte_get_tsc_hz() ? t0
									   : w->sweep_tsc + w->sweep_step;
		}
		DP_CTR_ADD(w->st.rx_bytes, bytes);
		DP_CTR_ADD(w->st.busy_pkts, n);
		DP_CTR_ADD(w->st.busy_cycles, rte_rdtsc() - t0);
	}
	if (w->qs != NULL)
		rte_rcu_qsbr_thread_offline(w->qs, w->qs_id);
	return 0;
}
