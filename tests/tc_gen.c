/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tc_gen - writes a pcap of tap traffic and its ground truth.
 *
 *   tc_gen OUT.pcap TRUTH.tsv [--seed N] [--sessions N] [--bulk N] [--encap PCT]
 *          [--kinds LIST] [--queues N] [--parts 2]
 *
 * --kinds: the session kinds to draw from, comma separated, among tls, http,
 * dns (queries and answers over UDP and TCP, flows to learned addresses),
 * quic, server (flows to configured server prefixes), payload (update agents
 * known by their User-Agent); default all but payload-only, in the tap mix's
 * proportions.
 *
 * --encap: the share of sessions sent inside a tunnel (MPLS, GRE, ERSPAN II
 * or III, VXLAN; default 20%).
 *
 * --queues N (2..8): also OUT.pcap.q0 .. OUT.pcap.q(N-1), the capture split
 * as a multi-queue NIC with a symmetric RSS key splits it (both directions
 * of a flow in one file); the truth is the whole capture's.
 *
 * --parts 2: also OUT.pcap.p0 and OUT.pcap.p1, the capture cut between two
 * sessions half way (no flow spans the cut), for a replay stopped and
 * restarted from its state file; the truth is the whole capture's.
 *   tc_gen --orgs ORGS.csv
 *
 * Every packet is built by tb_pkt from the generator's own organisations,
 * clients and names, and its expected outcome is recorded as it is written:
 * the ground truth never comes from the code under test.  Addresses are from
 * the documentation ranges only (RFC 5737, RFC 3849).
 *
 * The generator follows each flow as the specification says the dataplane
 * must (docs in dataplane/dp_types.h and dp_worker.h): a flow is decided
 * once, by the packet that completes a name (or by its first packet when
 * its server is a configured or learned vendor address); packets before are
 * no_name or partial, packets after are matched or bypassed.
 *
 * TRUTH.tsv lines:
 *   packets <n>
 *   outcome <name> <n>          for every dataplane outcome
 *   drop <reason> <n>           for every drop reason
 *   parse_error <layer> <n>
 *   flows_created <n>           flows the dataplane must open
 *   flows_ended <n>             flows ended by FIN from both sides
 *   quic_unknown_version <n>, quic_version_negotiation <n>
 *   sessions <org> <vendor> <signal> <n>
 *   flow_packets <org> <vendor> <signal> <direction> <n>
 *   flow_bytes <org> <vendor> <signal> <direction> <n>
 *   clients <org> <vendor> <n>
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb_pkt.h"

#define VENDOR "kaspersky"

struct org {
	const char *id, *name, *country, *sector, *gov;
	const char *v4, *v6; /* prefixes; NULL for none */
};

/* The sample organisation table (config/orgs.csv is this, written out). */
static const struct org orgs[] = {
	{"us-treasury", "Department of the Treasury (sample)", "US", "government", "true",
	 "192.0.2.0/26", "2001:db8:100::/48"},
	{"acme-bank", "Acme Bank", "US", "finance", "false", "192.0.2.64/26", NULL},
	{"northwind-health", "Northwind \"General\" Hospital", "GB", "health", "false",
	 "192.0.2.128/25", "2001:db8:200::/48"},
	{"example-univ", "Example University", "DE", "education", "false", "198.51.100.0/24",
	 NULL},
	{"sampleton-council", "City Council of Sampleton", "FR", "government", "yes",
	 "203.0.113.0/25", NULL},
	{"telco-isp", "Telco ISP, Inc.", "NL", "telecom", "false", NULL, "2001:db8:300::/40"},
	/* Clients in no prefix: 203.0.113.128/26 and 2001:db8:f000::/36. */
	{"unattributed", NULL, NULL, NULL, NULL, "203.0.113.128/26", "2001:db8:f000::/36"},
};
#define N_ORGS (sizeof(orgs) / sizeof(orgs[0]))

static const char *const vendor_names[] = {
	"dnl-01.geo.kaspersky.com", "dnl-17.geo.kaspersky.com", "ksn-a-stat.kaspersky-labs.com",
	"kaspersky.com", "UPD.Kaspersky.RU", "activation-v2.kaspersky.com",
	"click.kaspersky.com.", "s.kaspersky-labs.com",
};
static const char *const other_names[] = {
	"notkaspersky.com", "kaspersky.com.evil.example", "kaspersky.community",
	"www.example.org", "cdn.example.net", "kaspersky-lab.example", "xkaspersky.ru",
	"update.example.com",
};

enum sig { S_TLS, S_QUIC, S_HTTP, S_DNS, S_SERVER, S_LEARNED, S_PAYLOAD, S_N };
static const char *const sig_names[S_N] = {"tls-sni", "quic-sni", "http-host", "dns",
					   "server-ip", "learned-ip", "payload"};
static const char *const dir_names[2] = {"client_to_server", "server_to_client"};

/* Outcome and drop names as the dataplane exports them. */
enum out {
	O_VENDOR, O_OTHER, O_NONAME, O_APPBAD, O_APPCUT, O_PARTIAL, O_MATCHED, O_BYPASSED,
	O_OTHERL4, O_FRAG, O_NOTIP, O_N
};
static const char *const out_names[O_N] = {
	"vendor",  "other_name", "no_name",  "app_malformed", "app_truncated", "partial",
	"matched", "bypassed",   "other_l4", "fragment",      "not_ip"};
enum drop { D_L2, D_L3, D_L4, D_SCAN, D_N };
static const char *const drop_names[D_N] = {"l2_malformed", "l3_malformed", "l4_malformed",
					    "scan_error"};
enum layer { L_L2, L_L3, L_L4, L_TLS, L_QUIC, L_HTTP, L_DNS, L_N };
static const char *const layer_names[L_N] = {"l2", "l3", "l4", "tls", "quic", "http", "dns"};

/* Vendor servers: learned from DNS answers (203.0.113.192/30,
 * 2001:db8:5f::/64) and configured (203.0.113.196/30, 2001:db8:5d::/64,
 * as config/tapcensus.yaml says). */
#define LEARNED_V4 "203.0.113.191/30"
#define LEARNED_V6 "2001:db8:5f::/64"
/* Answers over TCP teach addresses of their own (203.0.113.250-.253,
 * 2001:db8:5c::/64), so a flow to one is counted only if those answers
 * were read. */
#define LEARNED_TCP_V4 "203.0.113.249/30"
#define LEARNED_TCP_V6 "2001:db8:5c::/64"
#define CONFIGURED_V4 "203.0.113.195/30"
#define CONFIGURED_V6 "2001:db8:5d::/64"
#define ANSWER_TTL 300

#define CLIENTS_PER_ORG 24

#define MAX_QUEUES 8

static struct {
	pcap_dumper_t *dump;
	/* --queues N: besides the whole capture, one file per RX queue, each
	 * flow in the queue its addresses and ports hash to, both directions
	 * alike (what a symmetric RSS key does); packets of no flow in 0. */
	pcap_dumper_t *qdump[MAX_QUEUES];
	unsigned n_queues, queue;
	/* --parts 2: also OUT.pcap.p0 (the first half of the sessions) and
	 * OUT.pcap.p1 (the rest), cut between sessions: no flow spans the cut. */
	pcap_dumper_t *pdump[2];
	unsigned n_parts, part;
	uint64_t part_packets[2];
	int pin; /* >= 0: the queue every flow goes to for now */
	uint64_t ts_us;
	uint64_t packets;
	uint64_t outcome[O_N], drop[D_N], perr[L_N];
	uint64_t sessions[N_ORGS][S_N];
	uint64_t fpkts[N_ORGS][S_N][2], fbytes[N_ORGS][S_N][2];
	uint64_t flows_created, flows_ended;
	uint64_t quic_vn, quic_unknown;
	uint16_t next_sport;
	unsigned char vendor_client[N_ORGS][CLIENTS_PER_ORG];
	uint64_t ech;
	enum tb_encap encap; /* of the session being written */
	unsigned encap_pct;
	uint64_t rng;
} g;

static uint32_t
rnd(void)
{
	/* xorshift64*: deterministic for a seed, independent of libc. */
	g.rng ^= g.rng >> 12;
	g.rng ^= g.rng << 25;
	g.rng ^= g.rng >> 27;
	return (uint32_t)((g.rng * 0x2545F4914F6CDD1Dull) >> 32);
}

static void
emit(const uint8_t *frame, uint32_t len)
{
	struct pcap_pkthdr h;

	g.ts_us += 50 + rnd() % 500;
	h.ts.tv_sec = (time_t)(1793491200 + g.ts_us / 1000000); /* 2026-11-01 */
	h.ts.tv_usec = (suseconds_t)(g.ts_us % 1000000);
	h.caplen = h.len = len;
	pcap_dump((u_char *)g.dump, &h, frame);
	if (g.n_queues > 1)
		pcap_dump((u_char *)g.qdump[g.queue], &h, frame);
	if (g.n_parts > 1)
		pcap_dump((u_char *)g.pdump[g.part], &h, frame);
	g.part_packets[g.part]++;
	g.packets++;
}

static uint32_t
emit_raw(const struct tb_spec *s)
{
	uint8_t inner[9300], frame[9400];
	uint32_t len = tb_frame(s, inner, sizeof(inner));

	/* The session's tunnel, if any: the dataplane must see through it. */
	if (len != 0)
		len = tb_encap(g.encap, inner, len, frame, sizeof(frame));
	if (len == 0) {
		fprintf(stderr, "tc_gen: frame too large\n");
		exit(1);
	}
	emit(frame, len);
	return len;
}

static void
emit_spec(const struct tb_spec *s, enum out o)
{
	emit_raw(s);
	g.outcome[o]++;
}

/* Address number k inside a prefix "a/len" (k small, host part). */
static int
addr_in(const char *prefix, uint32_t k, uint8_t out[16])
{
	char buf[64];
	int fam;

	snprintf(buf, sizeof(buf), "%s", prefix);
	*strchr(buf, '/') = '\0';
	fam = tb_addr(buf, out);
	k += 1; /* skip the network address */
	if (fam == 4) {
		out[3] = (uint8_t)(out[3] + k);
	} else {
		out[14] = (uint8_t)(k >> 8);
		out[15] = (uint8_t)k;
	}
	return fam;
}

struct flow {
	struct tb_spec c2s, s2c;
};

static void
flow_init(struct flow *f, int org, int client, uint8_t proto, uint16_t dport, int nvlan)
{
	const struct org *o = &orgs[org];
	int use6 = o->v6 && (!o->v4 || (client & 1));
	const char *pfx = use6 ? o->v6 : o->v4;

	memset(f, 0, sizeof(*f));
	f->c2s.family = addr_in(pfx, (uint32_t)client, f->c2s.src);
	if (f->c2s.family == 6) {
		/* Each IPv6 client in a /64 of its own (clients count by /64). */
		f->c2s.src[7] = (uint8_t)(client + 1);
		f->c2s.src[14] = 0;
		f->c2s.src[15] = 1;
	}
	/* Servers: 203.0.113.200-.249 and 2001:db8:5e::/64, in no prefix. */
	if (f->c2s.family == 4)
		addr_in("203.0.113.199/32", rnd() % 50, f->c2s.dst);
	else
		addr_in("2001:db8:5e::/64", rnd() % 50, f->c2s.dst);
	f->c2s.proto = proto;
	/* Ports in turn, so no two flows of a run share a 5-tuple. */
	f->c2s.sport = g.next_sport;
	g.next_sport = g.next_sport == 65535 ? 20000 : g.next_sport + 1;
	f->c2s.dport = dport;
	f->c2s.nvlan = nvlan;
	f->c2s.vlan[0] = 100;
	f->c2s.vlan[1] = 200;
	f->s2c = f->c2s;
	memcpy(f->s2c.src, f->c2s.dst, 16);
	memcpy(f->s2c.dst, f->c2s.src, 16);
	f->s2c.sport = dport;
	f->s2c.dport = f->c2s.sport;
}

static void
set_payload(struct tb_spec *s, const uint8_t *p, uint32_t len)
{
	s->payload = p;
	s->plen = len;
	s->tcp_flags = s->proto == IPPROTO_TCP ? 0x18 : 0;
}

/* A flow as the dataplane must see it. */
struct gflow {
	struct flow f;
	int org, client;
	enum { GF_NEW, GF_OPEN, GF_VENDOR, GF_OTHER } st;
	enum sig sig;
	uint64_t pkts[2], bytes[2];
	uint32_t seq[2]; /* next sequence number per direction */
};

static void
gflow_init(struct gflow *gf, int org, int client, uint8_t proto, uint16_t dport, int nvlan)
{
	memset(gf, 0, sizeof(*gf));
	flow_init(&gf->f, org, client, proto, dport, nvlan);
	gf->org = org;
	gf->client = client;
	gf->seq[0] = rnd();
	gf->seq[1] = rnd();
}

/* The flow is a vendor's from this packet on: one session, its traffic. */
static void
gflow_vendor(struct gflow *gf, enum sig sig)
{
	gf->st = GF_VENDOR;
	gf->sig = sig;
	g.sessions[gf->org][sig]++;
	g.vendor_client[gf->org][gf->client] = 1;
	for (int d = 0; d < 2; d++) {
		g.fpkts[gf->org][sig][d] += gf->pkts[d];
		g.fbytes[gf->org][sig][d] += gf->bytes[d];
	}
}

/* The flow's queue: FNV-1a over the client's and server's addresses and
 * ports, which the flow holds once whatever the direction. */
static unsigned
gflow_queue(const struct gflow *gf)
{
	const struct tb_spec *c = &gf->f.c2s;
	uint32_t h = 2166136261u;

	if (g.pin >= 0)
		return (unsigned)g.pin;
	for (int i = 0; i < 16; i++)
		h = (h ^ c->src[i] ^ ((uint32_t)c->dst[i] << 8)) * 16777619u;
	h = (h ^ c->sport ^ ((uint32_t)c->dport << 16)) * 16777619u;
	return g.n_queues > 1 ? h % g.n_queues : 0;
}

/* Sends one packet of the flow.  While the flow is undecided its outcome
 * is if_open (O_VENDOR and O_OTHER..O_APPCUT decide it); after, matched
 * or bypassed.  TCP: off is the offset in the sender's stream. */
static void
fsend(struct gflow *gf, int dir, uint8_t flags, const uint8_t *pl, uint32_t len, uint32_t off,
      enum out if_open, enum sig sig)
{
	struct tb_spec *s = dir ? &gf->f.s2c : &gf->f.c2s;
	uint32_t wire;
	enum out o;

	s->payload = pl;
	s->plen = len;
	if (s->proto == IPPROTO_TCP) {
		s->tcp_flags = flags;
		s->seq = gf->seq[dir] + off;
	}
	g.queue = gflow_queue(gf);
	wire = emit_raw(s);
	g.queue = 0;
	if (gf->st == GF_NEW && (s->proto == IPPROTO_UDP || len > 0 || (flags & 0x02))) {
		gf->st = GF_OPEN;
		g.flows_created++;
	}
	if (gf->st == GF_NEW) {
		g.outcome[O_NONAME]++; /* starts no flow */
		return;
	}
	gf->pkts[dir]++;
	gf->bytes[dir] += wire;
	if (gf->st == GF_VENDOR) {
		o = O_MATCHED;
		g.fpkts[gf->org][gf->sig][dir]++;
		g.fbytes[gf->org][gf->sig][dir] += wire;
	} else if (gf->st == GF_OTHER) {
		o = O_BYPASSED;
	} else {
		o = if_open;
		if (o == O_VENDOR)
			gflow_vendor(gf, sig);
		else if (o == O_OTHER || o == O_APPBAD || o == O_APPCUT ||
			 (o == O_NONAME && len > 0 && dir == 0))
			gf->st = GF_OTHER;
	}
	g.outcome[o]++;
}

/* TCP: SYN from the client (its outcome syn_out: a flow to a vendor
 * address is decided by it), SYN-ACK, ACK; the SYN takes one number. */
static void
handshake(struct gflow *gf, enum out syn_out, enum sig sig)
{
	fsend(gf, 0, 0x02, NULL, 0, 0, syn_out, sig);
	gf->seq[0]++;
	fsend(gf, 1, 0x12, NULL, 0, 0, O_NONAME, 0);
	gf->seq[1]++;
	fsend(gf, 0, 0x10, NULL, 0, 0, O_NONAME, 0);
}

/* Points the flow at server address k of a prefix of its family. */
static void
to_server(struct gflow *gf, const char *v4, const char *v6, uint32_t k)
{
	addr_in(gf->f.c2s.family == 4 ? v4 : v6, k, gf->f.c2s.dst);
	memcpy(gf->f.s2c.src, gf->f.c2s.dst, 16);
}

/* FIN from both sides (the second ends the flow), then the last ACK,
 * which finds no flow. */
static void
teardown(struct gflow *gf, uint32_t c_off, uint32_t s_off)
{
	fsend(gf, 0, 0x11, NULL, 0, c_off, O_NONAME, 0);
	fsend(gf, 1, 0x11, NULL, 0, s_off, O_NONAME, 0);
	g.flows_ended++;
	gf->st = GF_NEW;
	gf->pkts[0] = gf->pkts[1] = 0;
	fsend(gf, 0, 0x10, NULL, 0, c_off + 1, O_NONAME, 0);
}

/* Server bulk data; returns the server's stream length after it. */
static uint32_t
bulk(struct gflow *gf, unsigned n, uint8_t first, uint32_t off)
{
	static uint8_t pl[1460];

	for (unsigned i = 0; i < n; i++) {
		uint32_t len = 200 + rnd() % 1261;

		for (uint32_t k = 0; k < len; k += 4)
			memcpy(pl + k, &(uint32_t){rnd()}, len - k < 4 ? len - k : 4);
		pl[0] = first; /* 0x17 TLS application data, '<' an HTTP body */
		fsend(gf, 1, 0x18, pl, len, off, O_NONAME, 0);
		off += len;
	}
	return off;
}

static const char *
pick_name(int vendor)
{
	return vendor ? vendor_names[rnd() % (sizeof(vendor_names) / sizeof(vendor_names[0]))]
		      : other_names[rnd() % (sizeof(other_names) / sizeof(other_names[0]))];
}

/* The client's first bytes in one segment, or in two (out of order, or
 * with the first retransmitted): the packet completing the name decides. */
static void
send_head(struct gflow *gf, const uint8_t *pl, uint32_t len, uint32_t cut, enum out o, enum sig sig)
{
	unsigned how = rnd() % 3;

	if (cut == 0 || cut >= len) {
		fsend(gf, 0, 0x18, pl, len, 0, o, sig);
		return;
	}
	if (how == 0) {
		/* The second segment first: held, then the first completes it. */
		fsend(gf, 0, 0x18, pl + cut, len - cut, cut, O_PARTIAL, sig);
		fsend(gf, 0, 0x18, pl, cut, 0, o, sig);
		return;
	}
	fsend(gf, 0, 0x18, pl, cut, 0, O_PARTIAL, sig);
	if (how == 1)
		fsend(gf, 0, 0x18, pl, cut, 0, O_PARTIAL, sig); /* retransmitted */
	fsend(gf, 0, 0x18, pl + cut, len - cut, cut, o, sig);
}

static void
dns_session(int org, int client, int vendor, int nvlan)
{
	const char *name = pick_name(vendor);
	uint8_t q[512], a[1024], ch[4096];
	struct tb_rr rr[2];
	char v4[64], v6[64];
	uint8_t addr[16];
	struct gflow gf, tls;
	uint32_t lq, la, lc;
	uint16_t id = (uint16_t)rnd();
	unsigned k = rnd() % 4;
	bool tcp = rnd() % 4 == 0;
	const char *l4 = tcp ? LEARNED_TCP_V4 : LEARNED_V4, *l6 = tcp ? LEARNED_TCP_V6 : LEARNED_V6;

	/* Vendor names resolve to the learned range, others elsewhere. */
	addr_in(vendor ? l4 : "203.0.113.199/32", vendor ? k : 10 + k, addr);
	inet_ntop(AF_INET, addr, v4, sizeof(v4));
	addr_in(vendor ? l6 : "2001:db8:5e::/64", vendor ? k : 60 + k, addr);
	inet_ntop(AF_INET6, addr, v6, sizeof(v6));
	rr[0] = (struct tb_rr){NULL, 1, ANSWER_TTL, v4};
	rr[1] = (struct tb_rr){NULL, 28, ANSWER_TTL, v6};

	if (tcp) {
		/* Over TCP (RFC 7766): each message after a two-octet length;
		 * the answer in two segments, in order or not.  Addresses are
		 * learned once the whole answer is there. */
		uint32_t cut;

		gflow_init(&gf, org, client, IPPROTO_TCP, 53, nvlan);
		handshake(&gf, O_NONAME, 0);
		lq = tb_dns_query(q + 2, sizeof(q) - 2, id, name, 1);
		q[0] = (uint8_t)(lq >> 8);
		q[1] = (uint8_t)lq;
		fsend(&gf, 0, 0x18, q, lq + 2, 0, vendor ? O_VENDOR : O_OTHER, S_DNS);
		la = tb_dns_response(a + 2, sizeof(a) - 2, id, name, rr, 2);
		a[0] = (uint8_t)(la >> 8);
		a[1] = (uint8_t)la;
		cut = 1 + rnd() % (la + 1);
		if (rnd() % 2) {
			fsend(&gf, 1, 0x18, a, cut, 0, O_NONAME, 0);
			fsend(&gf, 1, 0x18, a + cut, la + 2 - cut, cut, O_NONAME, 0);
		} else {
			fsend(&gf, 1, 0x18, a + cut, la + 2 - cut, cut, O_NONAME, 0);
			fsend(&gf, 1, 0x18, a, cut, 0, O_NONAME, 0);
		}
		teardown(&gf, lq + 2, la + 2);
	} else {
		gflow_init(&gf, org, client, IPPROTO_UDP, 53, nvlan);
		lq = tb_dns_query(q, sizeof(q), id, name, 1);
		fsend(&gf, 0, 0, q, lq, 0, vendor ? O_VENDOR : O_OTHER, S_DNS);
		la = tb_dns_response(a, sizeof(a), id, name, rr, 2);
		fsend(&gf, 1, 0, a, la, 0, O_NONAME, 0);
	}
	if (!vendor || rnd() % 2)
		return;

	/* The client then connects to the address it learned, with an
	 * Encrypted Client Hello whose outer name is a provider's.  With
	 * queues, the flow stays in the answer's: a replay has no timing, and
	 * another worker could read the flow before the control thread has
	 * passed it the address (on a live tap the answer comes first). */
	gflow_init(&tls, org, client, IPPROTO_TCP, 443, nvlan);
	to_server(&tls, l4, l6, k);
	g.pin = (int)gflow_queue(&gf);
	/* The first packet decides: its server is a learned vendor address. */
	handshake(&tls, O_VENDOR, S_LEARNED);
	lc = tb_tls_client_hello(ch, sizeof(ch), "ech-public.example.net", true, rnd() % 200);
	fsend(&tls, 0, 0x18, ch, lc, 0, O_NONAME, 0);
	teardown(&tls, lc, bulk(&tls, 1 + rnd() % 3, 0x17, 0));
	g.pin = -1;
}

/* QUIC: the ClientHello in one Initial, or over two (either order), as
 * version 1 or 2; then server packets and client short headers.  One in
 * twenty tries a version no one reads and gets Version Negotiation. */
static void
quic_session(int org, int client, int vendor, unsigned nbulk, int nvlan)
{
	const char *name = pick_name(vendor);
	enum out o = vendor ? O_VENDOR : O_OTHER;
	uint8_t hello[4096], pkt[1500], dcid[8];
	struct gflow gf;
	uint32_t version = rnd() % 4 == 0 ? 0x6b3343cfu : 1u, hl, len;
	bool pq = rnd() % 2;

	gflow_init(&gf, org, client, IPPROTO_UDP, 443, nvlan);
	for (int i = 0; i < 8; i++)
		dcid[i] = (uint8_t)rnd();
	if (rnd() % 20 == 0) {
		memset(pkt, 0, 1200);
		memcpy(pkt, (const uint8_t[]){0xc0, 0xff, 0, 0, 29, 8}, 6);
		fsend(&gf, 0, 0, pkt, 1200, 0, O_NONAME, 0);
		g.quic_unknown++;
		memcpy(pkt, (const uint8_t[]){0x80, 0, 0, 0, 0, 0, 8}, 7);
		memcpy(pkt + 7, dcid, 8);
		memcpy(pkt + 15, (const uint8_t[]){0, 0, 0, 1, 0x6b, 0x33, 0x43, 0xcf}, 8);
		fsend(&gf, 1, 0, pkt, 23, 0, O_NONAME, 0);
		g.quic_vn++;
		return;
	}
	hl = tb_tls_hello_message(hello, sizeof(hello), name, pq ? 1216 : 0);
	if (!pq) {
		struct tb_crypto_frag one[] = {{0, hello, hl}};

		len = tb_quic_initial(pkt, sizeof(pkt), version, dcid, 0, one, 1, 1200);
		fsend(&gf, 0, 0, pkt, len, 0, o, S_QUIC);
	} else {
		uint32_t cut = 900 + rnd() % 200;
		struct tb_crypto_frag a[] = {{0, hello, cut}}, b[] = {{cut, hello + cut, hl - cut}};
		bool reverse = rnd() % 2;

		len = tb_quic_initial(pkt, sizeof(pkt), version, dcid, reverse, reverse ? b : a, 1,
				      1200);
		fsend(&gf, 0, 0, pkt, len, 0, O_PARTIAL, S_QUIC);
		len = tb_quic_initial(pkt, sizeof(pkt), version, dcid, !reverse, reverse ? a : b, 1,
				      1200);
		fsend(&gf, 0, 0, pkt, len, 0, o, S_QUIC);
	}
	for (unsigned i = 0; i < nbulk + 1; i++) {
		uint32_t l = 100 + rnd() % 1100;

		for (uint32_t k = 0; k < l; k++)
			pkt[k] = (uint8_t)rnd();
		pkt[0] = i == 0 ? 0xc0 : 0x40; /* the server's Initial, then short headers */
		fsend(&gf, 1, 0, pkt, l, 0, O_NONAME, 0);
	}
	pkt[0] = 0x41;
	fsend(&gf, 0, 0, pkt, 60, 0, O_NONAME, 0);
}

static void
session_body(int org, int client, enum sig s, int vendor, unsigned nbulk, int nvlan)
{
	const char *name = pick_name(vendor);
	enum out o = vendor ? O_VENDOR : O_OTHER;
	uint8_t pl[4096], resp[64];
	struct gflow gf;
	uint32_t len, s_off;

	if (s == S_DNS) {
		dns_session(org, client, vendor, nvlan);
		return;
	}
	if (s == S_QUIC) {
		quic_session(org, client, vendor, nbulk, nvlan);
		return;
	}
	gflow_init(&gf, org, client, IPPROTO_TCP, s == S_TLS || s == S_SERVER ? 443 : 80, nvlan);
	if (s == S_SERVER) {
		/* A configured vendor server: decided at the SYN. */
		to_server(&gf, CONFIGURED_V4, CONFIGURED_V6, rnd() % 4);
		handshake(&gf, O_VENDOR, S_SERVER);
		len = tb_tls_client_hello(pl, sizeof(pl), NULL, false, rnd() % 100);
		fsend(&gf, 0, 0x18, pl, len, 0, O_NONAME, 0);
		teardown(&gf, len, bulk(&gf, nbulk, 0x17, 0));
		return;
	}
	handshake(&gf, O_NONAME, 0);
	if (s == S_TLS) {
		bool ech = rnd() % 8 == 0;
		/* A third are post-quantum browser ClientHellos (a 1216-byte key
		 * share before the name, about 1.5 KB): two segments. */
		bool pq = rnd() % 3 == 0;

		len = tb_tls_client_hello_ks(pl, sizeof(pl), name, ech, rnd() % 300, pq ? 1216 : 0);
		send_head(&gf, pl, len, pq ? 1000 + rnd() % 200 : 0, o, S_TLS);
		g.ech += ech;
		/* ServerHello: a handshake record, but not a ClientHello. */
		memcpy(resp, (const uint8_t[]){22, 3, 3, 0, 40, 2, 0, 0, 36}, 9);
		memset(resp + 9, 0x33, 36);
		fsend(&gf, 1, 0x18, resp, 45, 0, O_NONAME, 0);
		s_off = bulk(&gf, nbulk, 0x17, 45);
	} else {
		static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n";
		char *host;

		if (s == S_PAYLOAD || (!vendor && rnd() % 4 == 0)) {
			name = pick_name(0);
			/* A vendor's update agent behind a neutral host name: the
			 * payload signature of config/tapcensus.yaml decides. */
			len = (uint32_t)snprintf((char *)pl, sizeof(pl),
						 "GET /upd/index.xml HTTP/1.1\r\nHost: %s\r\n"
						 "User-Agent: Kaspersky Endpoint Security/12.3\r\n"
						 "\r\n",
						 name);
			send_head(&gf, pl, len, 0, O_VENDOR, S_PAYLOAD);
		} else {
			len = tb_http_get(pl, sizeof(pl), name, "/bases/av/kdb/i386/kdb.xml");
			host = strstr((char *)pl, "Host: ");
			/* Half the request heads are cut inside the Host value. */
			send_head(&gf, pl, len,
				  rnd() % 2 ? (uint32_t)(host + 8 - (char *)pl) : 0, o, S_HTTP);
		}
		fsend(&gf, 1, 0x18, (const uint8_t *)ok, sizeof(ok) - 1, 0, O_NONAME, 0);
		s_off = bulk(&gf, nbulk, '<', sizeof(ok) - 1);
	}
	teardown(&gf, len, s_off);
}

static void
session(int org, int client, enum sig s, int vendor, unsigned nbulk)
{
	int nvlan = rnd() % 4 == 0 ? (int)(1 + rnd() % 2) : 0;

	g.encap = rnd() % 100 < g.encap_pct ? (enum tb_encap)(1 + rnd() % (TB_ENC_COUNT - 1))
					    : TB_ENC_NONE;
	session_body(org, client, s, vendor, nbulk, nvlan);
	g.encap = TB_ENC_NONE;
}

/* One of each packet the dataplane must survive and count but not attribute. */
static void
oddities(void)
{
	uint8_t frame[256], pl[1024];
	struct gflow gf;
	struct flow f;
	uint32_t len;

	/* ARP request: not IP. */
	memset(frame, 0, 42);
	memset(frame, 0xff, 6);
	frame[12] = 0x08;
	frame[13] = 0x06;
	emit(frame, 42);
	g.outcome[O_NOTIP]++;

	/* ICMP echo: IP, neither TCP nor UDP. */
	flow_init(&f, 0, 0, IPPROTO_ICMP, 0, 0);
	set_payload(&f.c2s, (const uint8_t *)"\x08\0\0\0\0\0\0\0", 8);
	emit_spec(&f.c2s, O_OTHERL4);

	/* A later IPv4 fragment. */
	flow_init(&f, 1, 2, IPPROTO_UDP, 53, 0);
	f.c2s.frag_offset = 185;
	set_payload(&f.c2s, pl, 100);
	memset(pl, 0x41, 100);
	emit_spec(&f.c2s, O_FRAG);

	/* A 10-byte runt. */
	emit(frame, 10);
	g.drop[D_L2]++;
	g.perr[L_L2]++;

	/* IPv4 header length 4 words. */
	flow_init(&f, 3, 1, IPPROTO_TCP, 443, 0);
	set_payload(&f.c2s, pl, 20);
	len = tb_frame(&f.c2s, frame, sizeof(frame));
	frame[14] = 0x44;
	emit(frame, len);
	g.drop[D_L3]++;
	g.perr[L_L3]++;

	/* IPv6 cut inside its payload (a snap length too short). */
	flow_init(&f, 0, 1, IPPROTO_UDP, 53, 0);
	set_payload(&f.c2s, pl, 60);
	len = tb_frame(&f.c2s, frame, sizeof(frame));
	emit(frame, len - 30);
	g.drop[D_L3]++;
	g.perr[L_L3]++;

	/* TCP data offset pointing past the segment. */
	flow_init(&f, 2, 2, IPPROTO_TCP, 80, 1); /* an even client: IPv4 */
	set_payload(&f.c2s, pl, 8);
	len = tb_frame(&f.c2s, frame, sizeof(frame));
	frame[14 + 4 + 20 + 12] = 0xf0;
	emit(frame, len);
	g.drop[D_L4]++;
	g.perr[L_L4]++;

	/* A vendor ClientHello whose session id length is 40: malformed. */
	gflow_init(&gf, 4, 4, IPPROTO_TCP, 443, 0);
	len = tb_tls_client_hello(pl, sizeof(pl), "dnl-01.geo.kaspersky.com", false, 0);
	pl[5 + 4 + 2 + 32] = 40;
	fsend(&gf, 0, 0x18, pl, len, 0, O_APPBAD, 0);
	g.perr[L_TLS]++;

	/* A vendor ClientHello cut before its server_name whose rest never
	 * comes: held for reassembly until the flow times out. */
	gflow_init(&gf, 4, 4, IPPROTO_TCP, 443, 0);
	tb_tls_client_hello(pl, sizeof(pl), "dnl-02.geo.kaspersky.com", false, 0);
	fsend(&gf, 0, 0x18, pl, 80, 0, O_PARTIAL, 0);

	/* Two Host fields. */
	gflow_init(&gf, 5, 5, IPPROTO_TCP, 80, 2);
	len = (uint32_t)snprintf((char *)pl, sizeof(pl),
				 "GET / HTTP/1.1\r\nHost: kaspersky.com\r\nHost: kaspersky.ru\r\n\r\n");
	fsend(&gf, 0, 0x18, pl, len, 0, O_APPBAD, 0);
	g.perr[L_HTTP]++;

	/* A DNS query whose question is a compression pointer. */
	gflow_init(&gf, 6, 6, IPPROTO_UDP, 53, 0);
	memcpy(pl, (const uint8_t[]){0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}, 18);
	fsend(&gf, 0, 0, pl, 18, 0, O_APPBAD, 0);
	g.perr[L_DNS]++;
}

static int
write_orgs(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		perror(path);
		return 1;
	}
	fprintf(f, "# Sample organisation table for tapcensus (documentation addresses only).\n"
		   "# Written by tests/tc_gen --orgs; the tests check this file against it.\n"
		   "prefix,org_id,name,country,sector,government\n");
	for (size_t i = 0; i < N_ORGS; i++) {
		const struct org *o = &orgs[i];
		const char *pf[2] = {o->v4, o->v6};

		if (o->name == NULL)
			continue;
		for (int k = 0; k < 2; k++) {
			if (pf[k] == NULL)
				continue;
			fprintf(f, "%s,%s,\"", pf[k], o->id);
			for (const char *c = o->name; *c; c++)
				fputs(*c == '"' ? "\"\"" : (char[]){*c, 0}, f);
			fprintf(f, "\",%s,%s,%s\n", o->country, o->sector, o->gov);
		}
	}
	return fclose(f) ? 1 : 0;
}

/* Organisation o's key in group kind (0 country, 1 sector, 2 government
 * bodies, all "-"); NULL when it is in none (unattributed, not government). */
static const char *
group_of(int kind, size_t o)
{
	if (orgs[o].country == NULL)
		return NULL;
	if (kind == 2)
		return strcmp(orgs[o].gov, "true") == 0 || strcmp(orgs[o].gov, "yes") == 0 ? "-"
											      : NULL;
	return kind == 0 ? orgs[o].country : orgs[o].sector;
}

/* One group's truth: its organisations with a client, and their clients. */
static void
group_truth(FILE *t, int kind, const char *key)
{
	unsigned n_orgs = 0, n_clients = 0;

	for (size_t p = 0; p < N_ORGS; p++) {
		unsigned c = 0;

		if (group_of(kind, p) == NULL || strcmp(group_of(kind, p), key) != 0)
			continue;
		for (int k = 0; k < CLIENTS_PER_ORG; k++)
			c += g.vendor_client[p][k];
		n_orgs += c > 0;
		n_clients += c;
	}
	fprintf(t, "group %s %s %s %u %u\n",
		kind == 0 ? "country" : kind == 1 ? "sector" : "government", key, VENDOR, n_orgs,
		n_clients);
}

/* PATH.<tag>0 .. PATH.<tag>(n-1): the files a capture is split into. */
static int
open_split(pcap_t *dead, const char *path, char tag, unsigned n, pcap_dumper_t **out)
{
	for (unsigned i = 0; i < n; i++) {
		char p[4096];

		snprintf(p, sizeof(p), "%s.%c%u", path, tag, i);
		if ((out[i] = pcap_dump_open(dead, p)) == NULL) {
			fprintf(stderr, "tc_gen: %s: %s\n", p, pcap_geterr(dead));
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long sessions = 400, bulk_per = 3, seed = 1, encap_pct = 20;
	static const struct {
		const char *name;
		enum sig s;
	} kind_names[] = {{"tls", S_TLS},	  {"http", S_HTTP},	    {"dns", S_DNS},
			  {"quic", S_QUIC},	  {"server", S_SERVER}, {"payload", S_PAYLOAD}};
	enum sig kinds[32] = {S_TLS, S_HTTP, S_DNS, S_TLS, S_HTTP, S_DNS, S_QUIC, S_QUIC, S_SERVER};
	unsigned n_kinds = 9;
	const char *pcap_path, *truth_path;
	pcap_t *dead;
	FILE *t;

	if (argc == 3 && strcmp(argv[1], "--orgs") == 0)
		return write_orgs(argv[2]);
	if (argc < 3) {
		fprintf(stderr, "usage: tc_gen OUT.pcap TRUTH.tsv [--seed N] [--sessions N] "
				"[--bulk N] [--encap PCT] [--kinds tls,http,dns,quic,server,payload]\n"
				"              [--queues N] [--parts 2]\n"
				"       tc_gen --orgs ORGS.csv\n");
		return 2;
	}
	pcap_path = argv[1];
	truth_path = argv[2];
	for (int i = 3; i + 1 < argc; i += 2) {
		unsigned long v = strtoul(argv[i + 1], NULL, 10);

		if (strcmp(argv[i], "--seed") == 0)
			seed = v;
		else if (strcmp(argv[i], "--sessions") == 0)
			sessions = v;
		else if (strcmp(argv[i], "--bulk") == 0)
			bulk_per = v;
		else if (strcmp(argv[i], "--parts") == 0 && v == 2)
			g.n_parts = 2;
		else if (strcmp(argv[i], "--queues") == 0 && v >= 1 && v <= MAX_QUEUES)
			g.n_queues = (unsigned)v;
		else if (strcmp(argv[i], "--encap") == 0 && v <= 100)
			encap_pct = v;
		else if (strcmp(argv[i], "--kinds") == 0) {
			char *list = strdup(argv[i + 1]), *save = NULL;

			n_kinds = 0;
			for (char *k = strtok_r(list, ",", &save); k && n_kinds < 32;
			     k = strtok_r(NULL, ",", &save)) {
				size_t j;

				for (j = 0; j < sizeof(kind_names) / sizeof(kind_names[0]); j++)
					if (strcmp(k, kind_names[j].name) == 0)
						break;
				if (j == sizeof(kind_names) / sizeof(kind_names[0])) {
					fprintf(stderr, "tc_gen: unknown kind %s\n", k);
					return 2;
				}
				kinds[n_kinds++] = kind_names[j].s;
			}
			free(list);
			if (n_kinds == 0)
				return 2;
		}
		else {
			fprintf(stderr, "tc_gen: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	g.rng = 0x9e3779b97f4a7c15ull ^ seed;
	g.next_sport = 20000;
	g.pin = -1;
	g.encap_pct = (unsigned)encap_pct;
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	g.dump = pcap_dump_open(dead, pcap_path);
	if (g.dump == NULL) {
		fprintf(stderr, "tc_gen: %s: %s\n", pcap_path, pcap_geterr(dead));
		return 1;
	}
	if ((g.n_queues > 1 && open_split(dead, pcap_path, 'q', g.n_queues, g.qdump)) ||
	    open_split(dead, pcap_path, 'p', g.n_parts, g.pdump))
		return 1;
	oddities();
	for (unsigned long i = 0; i < sessions; i++) {
		if (i == sessions / 2)
			g.part = g.n_parts > 1;
		int org = (int)(rnd() % N_ORGS);
		int client = (int)(rnd() % CLIENTS_PER_ORG);
		enum sig s = kinds[rnd() % n_kinds];
		int vendor = rnd() % 3 != 0;

		session(org, client, s, vendor, bulk_per ? rnd() % (2 * bulk_per + 1) : 0);
	}
	oddities();
	pcap_dump_close(g.dump);
	for (unsigned q = 0; g.n_queues > 1 && q < g.n_queues; q++)
		pcap_dump_close(g.qdump[q]);
	for (unsigned q = 0; q < g.n_parts; q++)
		pcap_dump_close(g.pdump[q]);
	pcap_close(dead);

	t = fopen(truth_path, "w");
	if (t == NULL) {
		perror(truth_path);
		return 1;
	}
	fprintf(t, "packets %llu\n", (unsigned long long)g.packets);
	for (unsigned q = 0; q < g.n_parts; q++)
		fprintf(t, "part %u %llu\n", q, (unsigned long long)g.part_packets[q]);
	for (int o = 0; o < O_N; o++)
		fprintf(t, "outcome %s %llu\n", out_names[o], (unsigned long long)g.outcome[o]);
	for (int d = 0; d < D_N; d++)
		fprintf(t, "drop %s %llu\n", drop_names[d], (unsigned long long)g.drop[d]);
	for (int l = 0; l < L_N; l++)
		fprintf(t, "parse_error %s %llu\n", layer_names[l], (unsigned long long)g.perr[l]);
	fprintf(t, "ech %llu\n", (unsigned long long)g.ech);
	fprintf(t, "flows_created %llu\n", (unsigned long long)g.flows_created);
	fprintf(t, "flows_ended %llu\n", (unsigned long long)g.flows_ended);
	fprintf(t, "quic_unknown_version %llu\n", (unsigned long long)g.quic_unknown);
	fprintf(t, "quic_version_negotiation %llu\n", (unsigned long long)g.quic_vn);
	for (size_t o = 0; o < N_ORGS; o++) {
		unsigned clients = 0;
		uint64_t any = 0;

		for (int c = 0; c < CLIENTS_PER_ORG; c++)
			clients += g.vendor_client[o][c];
		for (int s = 0; s < S_N; s++)
			any += g.sessions[o][s];
		if (!any)
			continue;
		for (int s = 0; s < S_N; s++) {
			fprintf(t, "sessions %s %s %s %llu\n", orgs[o].id, VENDOR, sig_names[s],
				(unsigned long long)g.sessions[o][s]);
			for (int d = 0; d < 2; d++) {
				fprintf(t, "flow_packets %s %s %s %s %llu\n", orgs[o].id, VENDOR,
					sig_names[s], dir_names[d],
					(unsigned long long)g.fpkts[o][s][d]);
				fprintf(t, "flow_bytes %s %s %s %s %llu\n", orgs[o].id, VENDOR,
					sig_names[s], dir_names[d],
					(unsigned long long)g.fbytes[o][s][d]);
			}
		}
		fprintf(t, "clients %s %s %u\n", orgs[o].id, VENDOR, clients);
	}
	/* Groups of attributed organisations, each key once: countries,
	 * sectors, then all government bodies ("-"). */
	for (int kind = 0; kind < 2; kind++)
		for (size_t o = 0; o < N_ORGS; o++) {
			const char *key = group_of(kind, o);
			size_t p;

			if (key == NULL)
				continue;
			for (p = 0; p < o && (group_of(kind, p) == NULL ||
					      strcmp(group_of(kind, p), key) != 0); p++)
				;
			if (p == o) /* no earlier organisation has the key */
				group_truth(t, kind, key);
		}
	group_truth(t, 2, "-");
	return fclose(t) ? 1 : 0;
}
