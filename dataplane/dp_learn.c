/* SPDX-License-Identifier: BSD-3-Clause */
/* Learning server addresses: the answers of a vendor's DNS flows, over UDP
 * and TCP, into the worker's learned table and out to the other workers. */
#include "dp_learn.h"

#include <string.h>

#include "dp_count.h"
#include "dp_dnsans.h"
#include "dp_match.h"

static void
learn(struct dp_worker *w, const struct dp_dns_addr *a, uint64_t vendors)
{
	/* A TTL of 0 (RFC 1035 3.2.1: not to be cached) or a few seconds does
	 * not stop the client connecting right after: keep every answer for
	 * learned.min_ttl at least.  Names still decide the flows they name,
	 * so an address kept longer cannot take those over. */
	uint32_t ttl = RTE_MIN(RTE_MAX(a->ttl, w->learned_min_ttl), w->learned_max_ttl);
	struct dp_learn_event ev = {
	    .vendors = vendors, .expires = w->now + ttl, .family = a->family};

	if (ttl == 0)
		return;
	memcpy(ev.addr, a->addr, 16);
	dp_learned_add(&w->learned, ev.family, ev.addr, vendors, ev.expires, w->now);
	DP_CTR_ADD(w->st.learned, 1);
	dp_count_event(w, w->learn_out, &ev, sizeof(ev), &w->st.learn_events_lost);
}

void
dp_learn_answer(struct dp_worker *w, const struct dp_flow *f, const uint8_t *msg, uint32_t len)
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

void
dp_learn_answer_alone(struct dp_worker *w, const uint8_t *msg, uint32_t len)
{
	struct dp_dns_addr a[DP_DNS_MAX_ADDRS];
	struct dp_name qname;
	uint64_t vendors = 0;
	unsigned n;

	/* The answer repeats its question: the name decides, as the query's
	 * would have (no session: the client's side is not seen). */
	if (dp_dns_answers(msg, len, &qname, a, &n) != DP_NAME_FOUND ||
	    dp_match_name(w->match, w->scratch, qname.s, qname.len, &vendors) != 0 || vendors == 0)
		return;
	for (unsigned i = 0; i < n; i++)
		learn(w, &a[i], vendors);
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
		dp_learn_answer(w, f, d + at + 2, mlen);
		at += 2 + mlen;
	}
	return at;
}

/* RFC 7766: answers one after another, each read once it is whole.
 * Straight from the segment when it holds whole answers at the expected
 * offset; else through a reassembly buffer that always starts at the next
 * unread answer (answers read are shifted out) and is given back once
 * nothing in it is pending.  An answer longer than a buffer, no buffer
 * free or too many gaps end the reading: counted in dns_tcp_unread. */
void
dp_learn_follow_tcp(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p)
{
	const uint8_t *d = p->payload;
	uint32_t len = p->payload_len, off, done;
	int contig, idx;

	if (len == 0 || f->s_next == UINT32_MAX)
		return;
	dp_stream_base(&f->s_base, &f->s_base_known, p->seq);
	if (!dp_stream_clip(f->s_base, f->s_next, p->seq, &d, &len, &off))
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
		dp_worker_release_reasm(w, f); /* nothing pending */
	else if ((uint32_t)contig == w->reasm.size && done == 0)
		goto unread; /* an answer longer than the buffer */
	return;
unread:
	dp_worker_release_reasm(w, f);
	f->s_next = UINT32_MAX;
	DP_CTR_ADD(w->st.dns_tcp_unread, 1);
}

unsigned
dp_learn_apply(struct dp_worker *w, unsigned budget)
{
	struct dp_learn_event ev;
	unsigned n = 0;

	while (n < budget && rte_ring_dequeue_elem(w->learn_in, &ev, sizeof(ev)) == 0) {
		dp_learned_add(&w->learned, ev.family, ev.addr, ev.vendors, ev.expires, w->now);
		n++;
	}
	return n;
}

unsigned
dp_learn_take(struct dp_worker *w, struct dp_learn_event *ev, unsigned max)
{
	return rte_ring_dequeue_burst_elem(w->learn_out, ev, sizeof(*ev), max, NULL);
}

int
dp_learn_give(struct dp_worker *w, const struct dp_learn_event *ev)
{
	return rte_ring_enqueue_elem(w->learn_in, (void *)(uintptr_t)ev, sizeof(*ev));
}

void
dp_learn_seed(struct dp_worker *w, const struct dp_learn_event *ev, uint32_t now)
{
	dp_learned_add(&w->learned, ev->family, ev->addr, ev->vendors, ev->expires, now);
}
