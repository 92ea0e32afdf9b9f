/* SPDX-License-Identifier: BSD-3-Clause */
/* Inspecting an undecided flow: the name its client's first bytes carry
 * (TLS SNI, HTTP Host, DNS query over TCP and UDP, the SNI of a QUIC
 * Initial), reassembled across segments or Initials when needed; the
 * server address of a new flow; payload signatures.  Each ends in a
 * verdict that decides the flow. */
#include "dp_inspect.h"

#include <netinet/in.h>

#include "dp_count.h"
#include "dp_dns.h"
#include "dp_http.h"
#include "dp_learn.h"
#include "dp_parse.h"
#include "dp_tls.h"

/* An extractor: the name a client's first bytes carry, its signal and
 * layer, and whether the ClientHello offered Encrypted Client Hello (its
 * name is then the provider's public one, not the server's). */
typedef enum dp_name_rc (*extract_fn)(struct dp_worker *w, const struct dp_flow *f,
				      const uint8_t *p, uint32_t len, struct dp_name *name,
				      enum dp_signal *sig, enum dp_layer *layer, bool *ech);

/* Which extractor a client's first bytes over TCP call for. */
static enum dp_name_rc
extract_tcp(struct dp_worker *w, const struct dp_flow *f, const uint8_t *p, uint32_t len,
	    struct dp_name *name, enum dp_signal *sig, enum dp_layer *layer, bool *ech)
{
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
		rc = dp_tls_sni(p, len, name, ech);
		if (*ech && rc != DP_NAME_TRUNCATED)
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

/* RFC 9001 4: the ClientHello, as a bare handshake message. */
static enum dp_name_rc
extract_quic(struct dp_worker *w, const struct dp_flow *f, const uint8_t *p, uint32_t len,
	     struct dp_name *name, enum dp_signal *sig, enum dp_layer *layer, bool *ech)
{
	enum dp_name_rc rc = dp_tls_hello_sni(p, len, name, ech);

	(void)f;
	*sig = DP_SIG_QUIC_SNI;
	*layer = DP_LAYER_QUIC;
	if (*ech && rc != DP_NAME_TRUNCATED)
		DP_CTR_ADD(w->st.tls_ech, 1);
	return rc;
}

/* An extractor's verdict decides the flow; returns the packet's outcome,
 * or DP_OUT_COUNT + a drop reason.  Names decide before addresses: a
 * vendor's name decides for the vendor whatever the address, and also
 * when the ClientHello offers Encrypted Client Hello (browsers send a
 * GREASE extension with the true name outside; with real ECH a vendor's
 * outer name is the vendor's own front end).  A flow to a vendor's address
 * (configured or learned) whose name cannot come - no SNI, another
 * protocol, a head that cannot be read or is too long to keep, or an
 * outer name of another's under ECH (the inner one is hidden) - is
 * decided by its address.  Called only once the name is whole or cannot
 * come (reassemble() waits while it is still arriving). */
static unsigned
decide(struct dp_worker *w, struct dp_flow *f, enum dp_name_rc rc, const struct dp_name *name,
       enum dp_signal sig, enum dp_layer layer, bool ech)
{
	uint64_t vendors = 0;

	dp_worker_release_reasm(w, f);
	if (rc == DP_NAME_MALFORMED)
		DP_CTR_ADD(w->st.parse_err[layer], 1);
	if (rc == DP_NAME_FOUND &&
	    dp_match_name(w->match, w->scratch, name->s, name->len, &vendors) != 0) {
		f->state = DP_FLOW_OTHER;
		return DP_OUT_COUNT + DP_DROP_SCAN_ERROR;
	}
	if (vendors == 0 && f->vendors != 0 && (rc != DP_NAME_FOUND || ech))
		return dp_inspect_by_address(w, f);
	f->state = DP_FLOW_OTHER;
	switch (rc) {
	case DP_NAME_FOUND:
		break;
	case DP_NAME_TRUNCATED:
		return DP_OUT_APP_TRUNCATED;
	case DP_NAME_MALFORMED:
		return DP_OUT_APP_MALFORMED;
	default:
		return DP_OUT_NO_NAME;
	}
	if (vendors == 0)
		return DP_OUT_OTHER_NAME;
	dp_inspect_decide(w, f, vendors, sig);
	for (uint64_t v = vendors & w->bind.report_names; v != 0; v &= v - 1)
		dp_count_name(w, (unsigned)__builtin_ctzll(v), name);
	return DP_OUT_VENDOR;
}

/* One packet's pieces in stream order (QUIC clients scatter a ClientHello
 * over many CRYPTO frames in random order - Chromium's chaos protection):
 * added in order, each joins the range before it, so the reassembly's
 * range limit bounds gaps between packets, not frames within one. */
static void
sort_pieces(struct dp_quic_crypto *pc, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		struct dp_quic_crypto x = pc[i];
		unsigned j = i;

		for (; j > 0 && pc[j - 1].off > x.off; j--)
			pc[j] = pc[j - 1];
		pc[j] = x;
	}
}

/* Pieces of the client's first bytes at stream offsets: extract straight
 * from a lone first piece, else through the flow's reassembly buffer. */
static unsigned
reassemble(struct dp_worker *w, struct dp_flow *f, struct dp_quic_crypto *pc, unsigned n,
	   extract_fn ex, enum dp_signal sig, enum dp_layer layer)
{
	struct dp_name name;
	enum dp_name_rc rc;
	int contig = 0, idx;
	bool ech = false;

	if (f->reasm == 0 && n == 1 && pc[0].off == 0) {
		/* The common case: the whole head in one piece, no copy. */
		rc = ex(w, f, pc[0].data, pc[0].len, &name, &sig, &layer, &ech);
		if (rc != DP_NAME_TRUNCATED || pc[0].len >= w->reasm.size)
			return decide(w, f, rc, &name, sig, layer, ech);
	}
	if (f->reasm == 0) {
		idx = dp_reasm_alloc(&w->reasm);
		if (idx < 0) {
			DP_CTR_ADD(w->st.reasm_no_buffer, 1);
			return decide(w, f, DP_NAME_TRUNCATED, NULL, sig, layer, false);
		}
		f->reasm = (uint32_t)idx + 1;
		w->reasm.bufs[idx].since = w->now;
	}
	sort_pieces(pc, n);
	for (unsigned i = 0; i < n; i++) {
		contig = dp_reasm_add(&w->reasm, f->reasm - 1, pc[i].off, pc[i].data, pc[i].len);
		if (contig < 0)
			return decide(w, f, DP_NAME_TRUNCATED, NULL, sig, layer, false);
	}
	if (contig == 0)
		return DP_OUT_PARTIAL;
	rc = ex(w, f, dp_reasm_data(&w->reasm, f->reasm - 1), (uint32_t)contig, &name, &sig, &layer,
		&ech);
	if (rc == DP_NAME_TRUNCATED && (uint32_t)contig < w->reasm.size)
		return DP_OUT_PARTIAL;
	return decide(w, f, rc, &name, sig, layer, ech);
}

/* TCP, client to server, with payload: its place in the client's stream. */
static unsigned
inspect_tcp(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p)
{
	struct dp_quic_crypto pc = {0, p->payload, p->payload_len};
	uint32_t off;

	dp_stream_base(&f->c_base, &f->c_base_known, p->seq);
	if (!dp_stream_clip(f->c_base, 0, p->seq, &pc.data, &pc.len, &off))
		return f->reasm ? DP_OUT_PARTIAL : DP_OUT_NO_NAME;
	pc.off = off;
	return reassemble(w, f, &pc, 1, extract_tcp, DP_SIG_TLS_SNI, DP_LAYER_TLS);
}

/* UDP to port 443: a client Initial's CRYPTO frames.  Other QUIC packets
 * (0-RTT, Handshake, short headers) wait while a ClientHello is being
 * reassembled; a flow that starts with them has nothing to identify. */
static unsigned
inspect_quic(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p)
{
	struct dp_quic_crypto fr[DP_QUIC_MAX_FRAMES];
	unsigned n;

	if (p->payload_len > sizeof(w->qplain))
		return decide(w, f, DP_NAME_MALFORMED, NULL, DP_SIG_QUIC_SNI, DP_LAYER_QUIC, false);
	switch (dp_quic_open(w->quic, p->payload, p->payload_len, w->qplain, fr, DP_QUIC_MAX_FRAMES,
			     &n)) {
	case DP_QUIC_OK:
		break;
	case DP_QUIC_NOT_INITIAL:
		if (f->reasm != 0)
			return DP_OUT_NO_NAME;
		return decide(w, f, DP_NAME_NOT_PROTO, NULL, DP_SIG_QUIC_SNI, DP_LAYER_QUIC, false);
	case DP_QUIC_VERSION_NEG:
	case DP_QUIC_VERSION_UNKNOWN:
		DP_CTR_ADD(w->st.quic_unknown_version, 1);
		return decide(w, f, DP_NAME_NOT_PROTO, NULL, DP_SIG_QUIC_SNI, DP_LAYER_QUIC, false);
	case DP_QUIC_TRUNCATED:
		return decide(w, f, DP_NAME_TRUNCATED, NULL, DP_SIG_QUIC_SNI, DP_LAYER_QUIC, false);
	default:
		return decide(w, f, DP_NAME_MALFORMED, NULL, DP_SIG_QUIC_SNI, DP_LAYER_QUIC, false);
	}
	if (n == 0)
		return DP_OUT_NO_NAME; /* ACK or PING only: the hello is still to come */
	return reassemble(w, f, fr, n, extract_quic, DP_SIG_QUIC_SNI, DP_LAYER_QUIC);
}

/* The server sends data before the client named anything (a flow joined
 * mid-stream, a protocol where the server speaks first): no name will come
 * that the tap can rely on, so a vendor's address decides.  Over TCP (tcp
 * true) a flow with no vendor's address behind it is decided then, as no
 * vendor's: the client's name comes before any server data (TLS, HTTP),
 * so it was before the tap joined, or the protocol names nothing - a
 * backbone's flows joined mid-stream are bypassed from here on instead of
 * inspected packet after packet. */
static unsigned
server_first(struct dp_worker *w, struct dp_flow *f, bool tcp)
{
	/* The client's name is still arriving (a QUIC server acknowledges the
	 * first Initial before the ClientHello is whole): it decides. */
	if (f->reasm != 0)
		return DP_OUT_PARTIAL;
	if (tcp && f->vendors == 0)
		return decide(w, f, DP_NAME_NOT_PROTO, NULL, DP_SIG_TLS_SNI, DP_LAYER_TLS, false);
	/* A session counts where its client's direction is seen: a tap that
	 * sees only the servers' side decides nothing (sessions sum across
	 * taps), and says so (tapcensus_flows_one_sided). */
	if (f->vendors == 0 || f->pkts[DP_DIR_C2S] == 0)
		return DP_OUT_NO_NAME;
	return dp_inspect_by_address(w, f);
}

unsigned
dp_inspect_packet(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p, enum dp_dir dir)
{
	struct dp_name name;
	enum dp_name_rc rc;

	/* A name still arriving after flows.partial_timeout will not come. */
	if (unlikely(f->reasm != 0) &&
	    w->now - w->reasm.bufs[f->reasm - 1].since >= w->partial_timeout) {
		DP_CTR_ADD(w->st.partial_expired, 1);
		return decide(w, f, DP_NAME_TRUNCATED, NULL, DP_SIG_TLS_SNI, DP_LAYER_TLS, false);
	}
	if (p->proto == IPPROTO_TCP) {
		if (dir == DP_DIR_C2S && (p->tcp_flags & DP_TCP_SYN)) {
			f->c_base = p->seq + 1; /* the SYN takes one sequence number */
			f->c_base_known = 1;
		} else if (dir == DP_DIR_S2C && (p->tcp_flags & DP_TCP_SYN)) {
			f->s_base = p->seq + 1;
			f->s_base_known = 1;
		}
		if (p->payload_len == 0)
			return DP_OUT_NO_NAME;
		if (dir == DP_DIR_S2C)
			return server_first(w, f, true);
		return inspect_tcp(w, f, p);
	}
	if (dir == DP_DIR_S2C) {
		if (p->sport == DP_DNS_PORT && f->pkts[DP_DIR_C2S] == 0 && p->payload_len > 0)
			dp_learn_answer_alone(w, p->payload, p->payload_len);
		return p->payload_len > 0 ? server_first(w, f, false) : DP_OUT_NO_NAME;
	}
	if (p->dport == DP_DNS_PORT) {
		rc = dp_dns_qname(p->payload, p->payload_len, &name);
		return decide(w, f, rc, &name, DP_SIG_DNS, DP_LAYER_DNS, false);
	}
	if (p->dport == DP_HTTPS_PORT)
		return inspect_quic(w, f, p);
	return decide(w, f, DP_NAME_NOT_PROTO, NULL, DP_SIG_DNS, DP_LAYER_DNS, false);
}

/* An address names no role: of several roles of one vendor it names,
 * it counts once, under the vendor's address_role. */
static uint64_t
one_role_each(const struct dp_worker *w, uint64_t vendors)
{
	uint64_t out = 0, left = vendors;

	while (left) {
		unsigned v = (unsigned)__builtin_ctzll(left);
		uint64_t same = w->same_vendor[v];

		if (same == 0 || __builtin_popcountll(vendors & same) < 2) {
			out |= 1ull << v;
			left &= left - 1;
			continue;
		}
		out |= 1ull << w->address_role[v];
		left &= ~same;
	}
	return out;
}

void
dp_inspect_address(struct dp_worker *w, struct dp_flow *f)
{
	const uint8_t *srv = dp_flow_server(f);
	uint64_t vendors = 0;

	if (w->servers != NULL) {
		uint32_t i = dp_lpm_lookup(w->servers, f->key.family, srv);

		vendors = i ? w->server_vendors[i] : 0;
	}
	f->sig = DP_SIG_SERVER_IP;
	if (vendors == 0) {
		vendors = dp_learned_lookup(&w->learned, f->key.family, srv, w->now);
		f->sig = DP_SIG_LEARNED_IP;
	}
	f->vendors = one_role_each(w, vendors);
}

void
dp_inspect_decide(struct dp_worker *w, struct dp_flow *f, uint64_t vendors, enum dp_signal sig)
{
	/* f->vendors, until now: the vendors behind the server's address
	 * (dp_inspect_address), each of which names its vendor's roles. */
	uint64_t behind = f->vendors;

	dp_worker_close_stream(w, f, 0);
	dp_worker_close_stream(w, f, 1);
	f->state = DP_FLOW_VENDOR;
	f->vendors = vendors;
	f->sig = (uint8_t)sig;
	dp_count_session(w, f, behind);
}

unsigned
dp_inspect_by_address(struct dp_worker *w, struct dp_flow *f)
{
	dp_inspect_decide(w, f, f->vendors, (enum dp_signal)f->sig);
	return DP_OUT_VENDOR;
}

/* The direction's next payload bytes through its signature stream; the
 * vendors whose signatures matched. */
static uint64_t
dp_inspect_payload(struct dp_worker *w, struct dp_flow *f, enum dp_dir d, const struct dp_pkt *p)
{
	uint32_t n = RTE_MIN(p->payload_len, w->stream_bytes - f->scanned[d]);
	const struct dp_match *m = w->match;
	uint64_t vendors = 0;

	if (f->hs[d] == NULL) {
		if ((f->hs[d] = dp_match_stream_open(m)) == NULL) {
			f->scanned[d] = UINT32_MAX; /* no memory for the stream */
			f->scan_done |= (uint8_t)(1u << d);
			DP_CTR_ADD(w->st.stream_failed, 1);
			return 0;
		}
		f->hs_gen[d] = w->gen;
	} else if (unlikely(f->hs_gen[d] != w->gen)) {
		/* Opened before a reload: its database is the previous
		 * generation's, or already freed. */
		if (f->hs_gen[d] != w->prev_gen || w->prev_match == NULL) {
			dp_worker_close_stream(w, f, d);
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
	if (f->scanned[d] >= w->stream_bytes) {
		dp_worker_close_stream(w, f, d);
		f->scan_done |= (uint8_t)(1u << d);
	}
	return vendors;
}

unsigned
dp_inspect_signatures(struct dp_worker *w, struct dp_flow *f, enum dp_dir d, const struct dp_pkt *p,
		      unsigned r)
{
	uint64_t v = dp_inspect_payload(w, f, d, p);

	if (v == 0)
		return r;
	dp_worker_release_reasm(w, f);
	dp_inspect_decide(w, f, v, DP_SIG_PAYLOAD);
	return DP_OUT_VENDOR;
}
