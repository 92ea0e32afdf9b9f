/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker: the burst loop and following each packet's flow.  Its life
 * (create, free, what the control plane reads) is dp_worker_ctl.c,
 * inspection dp_inspect.c, counting dp_count.c, learning dp_learn.c,
 * generations dp_gen.c. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_pause.h>
#include <rte_prefetch.h>

#include "dp_count.h"
#include "dp_inspect.h"
#include "dp_learn.h"
#include "dp_parse.h"

#define PREFETCH_AHEAD 3
/* Flow-table entries looked at for timeouts at a time while busy (paced so
 * that the whole table is looked at once a second: visiting an entry per
 * packet cost more than all else bypassed packets do), and per idle poll. */
#define SWEEP_BUSY 32
#define SWEEP_IDLE 1024
#define LEARN_APPLY_BUDGET 64

void
dp_worker_release_flow(void *ctx, struct dp_flow *f)
{
	struct dp_worker *w = ctx;

	dp_worker_release_reasm(w, f);
	dp_worker_close_stream(w, f, 0);
	dp_worker_close_stream(w, f, 1);
}

/* ---- Following a packet's flow ---- */

/* RST ends a flow at once; FIN ends it once both sides have sent one. */
static void
track_end(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p, enum dp_dir dir)
{
	if (p->proto != IPPROTO_TCP)
		return;
	if (p->tcp_flags & DP_TCP_FIN)
		f->marks |= (uint8_t)(1u << dir);
	if ((p->tcp_flags & DP_TCP_RST) ||
	    (f->marks & (DP_MARK_FIN_C2S | DP_MARK_FIN_S2C)) == (DP_MARK_FIN_C2S | DP_MARK_FIN_S2C))
		dp_flow_end(&w->flows, f);
}

/* Which sides the flow has shown; a server's QUIC Version Negotiation
 * (RFC 9000 17.2.1: refusing the client's version) counted. */
static inline void
note_side(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p, enum dp_dir dir,
	  bool created)
{
	if (created)
		DP_CTR_ADD(w->st.flow_first_side[dir], 1);
	else if (unlikely(!(f->marks & DP_MARK_SEEN(dir))))
		DP_CTR_ADD(w->st.flow_both_sides[!dir], 1); /* the other side, at last */
	f->marks |= DP_MARK_SEEN(dir);
	if (dir == DP_DIR_S2C && p->proto == IPPROTO_UDP && p->sport == DP_HTTPS_PORT &&
	    p->payload_len >= 5 && (p->payload[0] & 0x80) && p->payload[1] == 0 &&
	    p->payload[2] == 0 && p->payload[3] == 0 && p->payload[4] == 0)
		DP_CTR_ADD(w->st.quic_version_neg, 1);
}

/* The packet's traffic on the flow, and the evidence that the client's
 * address is real (dp_flow.h): a UDP answer, or the client sending after
 * the server. */
static inline void
note_traffic(struct dp_flow *f, const struct dp_pkt *p, enum dp_dir dir, uint32_t wire_len)
{
	f->pkts[dir]++;
	f->bytes[dir] += wire_len;
	if (dir == DP_DIR_S2C) {
		if (p->proto == IPPROTO_UDP)
			f->marks |= DP_MARK_EXCHANGE;
	} else if (f->marks & DP_MARK_SERVER) {
		f->marks |= DP_MARK_EXCHANGE;
	}
}

/* A new flow's organisation and server candidates; an older one's
 * organisation again after a reload. */
static inline void
attribute(struct dp_worker *w, struct dp_flow *f, bool created)
{
	if (unlikely(f->gen != w->gen) || created) {
		f->org = dp_lpm_lookup(w->orgs, f->key.family, dp_flow_client(f));
		f->gen = w->gen;
	}
	if (created)
		dp_inspect_address(w, f);
}

/* A packet of a decided vendor flow: counted; the client reported again
 * once evidence came after the decision (a query, an Initial); a DNS
 * flow's answers learned. */
static inline unsigned
follow_vendor(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p, enum dp_dir dir,
	      uint32_t wire_len)
{
	dp_count_matched(w, f, dir, wire_len);
	if (unlikely((f->marks & (DP_MARK_EXCHANGE | DP_MARK_CLIENT_VERIFIED)) == DP_MARK_EXCHANGE))
		dp_count_clients(w, f, false, 0);
	if (dir == DP_DIR_S2C && f->sig == DP_SIG_DNS) {
		if (p->proto == IPPROTO_UDP)
			dp_learn_answer(w, f, p->payload, p->payload_len);
		else
			dp_learn_follow_tcp(w, f, p);
	}
	return DP_OUT_MATCHED;
}

/* A packet (its key made, hint its flow's position from the burst's
 * lookup) followed in its flow: the outcome, or past DP_OUT_COUNT a drop.
 * Its flow found or made, its sides and traffic noted, attributed, then
 * by the flow's state: counted (vendor), passed (other), or inspected
 * (open: a name, a signature, or its end by address may decide it). */
static unsigned
handle_flow(struct dp_worker *w, const struct dp_staged *sp, uint32_t hash, int32_t hint)
{
	const struct dp_pkt *p = &sp->p;
	/* Bare ACKs and FINs of flows we do not hold start nothing. */
	bool create = p->proto == IPPROTO_UDP || p->payload_len > 0 || (p->tcp_flags & DP_TCP_SYN);
	struct dp_flow *f;
	bool created;
	enum dp_dir dir;
	unsigned r;

	f = dp_flow_get_at(&w->flows, p, &sp->key, hash, sp->src_is_a, hint, w->now, create,
			   &created, &dir);
	if (f == NULL)
		/* No entry and no room (counted in flow.full): a packet alone
		 * is no session - counting it as one made every packet of a
		 * flow to a vendor address a session when the table was full. */
		return create ? DP_OUT_UNTRACKED : DP_OUT_NO_NAME;
	note_side(w, f, p, dir, created);
	/* A bypassed packet touches the entry's first cache line only
	 * (unless its direction's payload is still scanned for signatures). */
	if (f->state == DP_FLOW_OTHER &&
	    (p->payload_len == 0 || w->stream_bytes == 0 || (f->scan_done & (1u << dir)))) {
		track_end(w, f, p, dir);
		return DP_OUT_BYPASSED;
	}
	note_traffic(f, p, dir, sp->wire);
	attribute(w, f, created);
	if (f->state == DP_FLOW_VENDOR)
		r = follow_vendor(w, f, p, dir, sp->wire);
	else if (f->state == DP_FLOW_OTHER)
		r = DP_OUT_BYPASSED;
	else
		r = dp_inspect_packet(w, f, p, dir);
	if (w->stream_bytes != 0 && f->state != DP_FLOW_VENDOR && p->payload_len > 0 &&
	    f->scanned[dir] < w->stream_bytes && r < DP_OUT_COUNT)
		r = dp_inspect_signatures(w, f, dir, p, r);
	/* A flow to a vendor's address that ends (FIN, RST) before anything
	 * named it, after its server answered: its address decides. */
	if (f->state == DP_FLOW_OPEN && f->vendors != 0 && f->pkts[DP_DIR_S2C] > 0 &&
	    f->pkts[DP_DIR_C2S] > 0 && /* a session counts where its client is seen */
	    p->proto == IPPROTO_TCP && (p->tcp_flags & (DP_TCP_FIN | DP_TCP_RST)))
		r = dp_inspect_by_address(w, f);
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
_Static_assert(DP_LAYER_L3 == DP_LAYER_L2 + 1 && DP_LAYER_L4 == DP_LAYER_L2 + 2, "layers in order");
_Static_assert(DP_DROP_L3_MALFORMED == DP_DROP_L2_MALFORMED + 1 &&
		   DP_DROP_L4_MALFORMED == DP_DROP_L2_MALFORMED + 2,
	       "drops in layer order");

/* Stage one: len bytes of the frame are at hand (wire its length as
 * received), parsed into sp with its flow key.  False when the parse ends
 * it (counted here); true when it goes on to its flow. */
static bool
stage_frame(struct dp_worker *w, const uint8_t *frame, uint32_t len, uint32_t wire, uint32_t now,
	    struct dp_staged *sp)
{
	enum dp_parse_rc rc = dp_parse_link(w->bind.link, frame, len, &sp->p);

	if (unlikely(sp->p.unsupported != DP_UNSUP_NONE))
		DP_CTR_ADD(w->st.unsupported[sp->p.unsupported], 1);
	if (unlikely(sp->p.lost != 0)) {
		/* Counted at the datagram's length, as it was on the wire. */
		DP_CTR_ADD(w->st.capture_cut, 1);
		wire += sp->p.lost;
	}
	if (unlikely(rc >= DP_PARSE_ERR_L2)) {
		unsigned k = rc - DP_PARSE_ERR_L2;

		DP_CTR_ADD(w->st.parse_err[DP_LAYER_L2 + k], 1);
		DP_CTR_ADD(w->st.drop[DP_DROP_L2_MALFORMED + k], 1);
		return false;
	}
	if (rc != DP_PARSE_OK) {
		DP_CTR_ADD(w->st.outcome[parse_outcome[rc]], 1);
		return false;
	}
	sp->wire = wire;
	sp->now = now;
	dp_flow_key_make(&sp->p, &sp->key, &sp->src_is_a);
	return true;
}

/* handle_flow's result: an outcome, or past DP_OUT_COUNT the one drop it
 * can cause. */
static inline void
count_outcome(struct dp_worker *w, unsigned r)
{
	if (r < DP_OUT_COUNT)
		DP_CTR_ADD(w->st.outcome[r], 1);
	else
		DP_CTR_ADD(w->st.drop[r - DP_OUT_COUNT], 1);
}

/* Stages two and three: the n staged packets' flows looked up at once,
 * then each packet followed in its flow, in order, at its own time. */
static void
flush_staged(struct dp_worker *w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		w->staged_hash[i] = dp_flow_key_hash(&w->flows, &w->staged[i].key);
	dp_flow_lookup_burst(&w->flows, w->staged_hash, n, w->staged_pos);
	for (unsigned i = 0; i < n; i++) {
		w->now = w->staged[i].now;
		count_outcome(w,
			      handle_flow(w, &w->staged[i], w->staged_hash[i], w->staged_pos[i]));
	}
}

void
dp_worker_packet(struct dp_worker *w, const uint8_t *frame, uint32_t len, uint32_t now)
{
	w->now = now;
	if (!stage_frame(w, frame, len, len, now, &w->staged[0]))
		return;
	count_outcome(w,
		      handle_flow(w, &w->staged[0], dp_flow_key_hash(&w->flows, &w->staged[0].key),
				  DP_FLOW_UNKNOWN));
}

void
dp_worker_packets(struct dp_worker *w, const uint8_t *const *frames, const uint32_t *lens,
		  unsigned n, uint32_t now)
{
	unsigned staged = 0;

	for (unsigned i = 0; i < n; i++) {
		if (staged == DP_BURST) {
			flush_staged(w, staged);
			staged = 0;
		}
		staged += stage_frame(w, frames[i], lens[i], lens[i], now, &w->staged[staged]);
	}
	flush_staged(w, staged);
}

/* The frame's time into *t: false for a stamp no capture holds (the frame
 * is dropped, counted).  net_pcap stamps the capture's time, microseconds
 * since the epoch; the clock follows it as dp_clock.h says. */
static inline bool
packet_time(struct dp_worker *w, const struct rte_mbuf *m, uint32_t *t)
{
	uint64_t stamp, at;

	if (w->bind.ts_off < 0 || !(m->ol_flags & w->bind.ts_flag)) {
		*t = (uint32_t)*w->bind.clock;
		return true;
	}
	stamp = *RTE_MBUF_DYNFIELD(m, w->bind.ts_off, rte_mbuf_timestamp_t *);
	at = w->frames++;
	while (unlikely(w->bad_next < w->bind.bad.n && w->bind.bad.pos[w->bad_next] < at))
		w->bad_next++; /* passed (net_pcap lost a record: positions moved) */
	if (unlikely((w->bad_next < w->bind.bad.n && w->bind.bad.pos[w->bad_next] == at &&
		      w->bind.bad.stamp[w->bad_next++] == stamp) ||
		     dp_clock_seconds(stamp, w->wall, t) != 0)) {
		DP_CTR_ADD(w->st.time_invalid, 1);
		return false;
	}
	if (unlikely(dp_clock_step(&w->capture, *t)))
		DP_CTR_ADD(w->st.time_held, 1);
	return true;
}

/* Does the chain hold the bytes the frame claims?  Its segments are walked
 * no further than nb_segs and their links.  net_pcap gives a frame longer
 * than 64 KiB (GRO, BIG TCP captures) a chain holding only caplen mod 64 KiB
 * while pkt_len says the whole: never read such a chain by pkt_len. */
static bool
chain_whole(const struct rte_mbuf *m)
{
	const struct rte_mbuf *s = m;
	uint64_t have = 0;

	for (uint16_t i = 0; s != NULL && i < m->nb_segs; i++, s = s->next)
		have += s->data_len;
	return s == NULL && have == rte_pktmbuf_pkt_len(m);
}

/* A chained frame: copied into linbuf and followed at once (linbuf holds
 * one), after the packets staged before it, so that order is kept. */
static void
handle_chained(struct dp_worker *w, struct rte_mbuf *m, unsigned staged)
{
	uint32_t len, wire = rte_pktmbuf_pkt_len(m), t;
	const uint8_t *data;

	flush_staged(w, staged);
	if (!packet_time(w, m, &t))
		return;
	if (!chain_whole(m)) {
		DP_CTR_ADD(w->st.drop[DP_DROP_OVERSIZE], 1);
		return;
	}
	/* A jumbo frame chained over several mbufs: headers and the first
	 * bytes of payload are all any extractor reads, so copy at most that. */
	len = RTE_MIN(wire, (uint32_t)DP_LINBUF);
	data = rte_pktmbuf_read(m, 0, len, w->linbuf);
	if (stage_frame(w, data, len, wire, t, &w->staged[0]))
		flush_staged(w, 1);
}

/* A burst, in three stages: each frame parsed and its flow key made
 * (prefetching frames ahead), the keys looked up at once, then each packet
 * followed in its flow. */
static void
handle_burst(struct dp_worker *w, struct rte_mbuf **b, uint16_t n)
{
	unsigned staged = 0;

	for (uint16_t i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(b[i], void *));
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = b[i];
		uint32_t len = rte_pktmbuf_data_len(m), wire = rte_pktmbuf_pkt_len(m), t;

		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(b[i + PREFETCH_AHEAD], void *));
		if (unlikely(m->nb_segs > 1 || len != wire)) {
			handle_chained(w, m, staged);
			staged = 0;
			continue;
		}
		if (unlikely(!packet_time(w, m, &t)))
			continue;
		staged += stage_frame(w, rte_pktmbuf_mtod(m, const uint8_t *), len, wire, t,
				      &w->staged[staged]);
	}
	flush_staged(w, staged);
}

/* bind.pace_pps: ahead of the pace, receive nothing this turn. */
static inline bool
paced_out(const struct dp_worker *w)
{
	if (w->bind.pace_pps == 0)
		return false;
	return (double)w->st.rx_pkts * (double)rte_get_tsc_hz() >
	       (double)(rte_rdtsc() - w->pace_tsc) * (double)w->bind.pace_pps;
}

int
dp_worker_loop(void *arg)
{
	struct dp_worker *w = arg;
	struct rte_mbuf *b[DP_BURST];

	if (w->bind.qs != NULL)
		rte_rcu_qsbr_thread_online(w->bind.qs, w->bind.qs_id);
	if (w->bind.ts_off < 0)
		w->now = (uint32_t)*w->bind.clock;
	w->sweep_step = RTE_MAX(rte_get_tsc_hz() * SWEEP_BUSY / w->flows.n_slots, (uint64_t)1);
	w->sweep_tsc = w->burst_tsc = w->pace_tsc = rte_rdtsc();
	while (!*w->bind.stop) {
		uint16_t n =
		    paced_out(w) ? 0 : rte_eth_rx_burst(w->bind.port, w->bind.queue, b, DP_BURST);
		uint64_t t0 = rte_rdtsc(), bytes = 0;
		uint32_t epoch = __atomic_load_n(&w->gap_epoch, __ATOMIC_RELAXED);
		uint16_t i;

		/* The longest pause between bursts (a reload must not make one). */
		if (epoch != w->gap_seen) {
			w->gap_seen = epoch;
			__atomic_store_n(&w->max_gap, 0, __ATOMIC_RELAXED);
		}
		if (t0 - w->burst_tsc > w->max_gap)
			__atomic_store_n(&w->max_gap, t0 - w->burst_tsc, __ATOMIC_RELAXED);
		w->burst_tsc = t0;
		/* Between bursts the worker holds no table: a quiescent state. */
		if (w->bind.qs != NULL)
			rte_rcu_qsbr_quiescent(w->bind.qs, w->bind.qs_id);
		dp_gen_adopt(w);
		dp_learn_apply(w, LEARN_APPLY_BUDGET);
		if (n == 0) {
			if (w->bind.ts_off < 0)
				w->now = (uint32_t)*w->bind.clock;
			dp_flow_sweep(&w->flows, w->now, SWEEP_IDLE);
			continue;
		}
		/* Received first, so a scrape never sees more outcomes than
		 * packets received. */
		DP_CTR_ADD(w->st.rx_pkts, n);
		for (i = 0; i < n; i++)
			bytes += rte_pktmbuf_pkt_len(b[i]);
		if (w->bind.ts_off >= 0)
			w->wall = (uint64_t)time(NULL);
		handle_burst(w, b, n);
		/* Offline, what follows goes by the capture's clock, which no
		 * single frame moves (each packet was followed at its own time). */
		if (w->bind.ts_off >= 0 && w->capture.now != 0)
			w->now = w->capture.now;
		rte_pktmbuf_free_bulk(b, n);
		if (t0 - w->sweep_tsc >= w->sweep_step) {
			dp_flow_sweep(&w->flows, w->now, SWEEP_BUSY);
			/* Behind by more than a pass (a long stall): start afresh. */
			w->sweep_tsc = t0 - w->sweep_tsc > rte_get_tsc_hz()
					   ? t0
					   : w->sweep_tsc + w->sweep_step;
		}
		DP_CTR_ADD(w->st.rx_bytes, bytes);
		DP_CTR_ADD(w->st.busy_pkts, n);
		__atomic_store_n(&w->clock_out, w->now, __ATOMIC_RELAXED);
		DP_CTR_ADD(w->st.busy_cycles, rte_rdtsc() - t0);
	}
	if (w->bind.qs != NULL)
		rte_rcu_qsbr_thread_offline(w->bind.qs, w->bind.qs_id);
	return 0;
}
