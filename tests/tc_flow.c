/* SPDX-License-Identifier: BSD-3-Clause */
/* One flow's packets as the dataplane must see them: addresses, the
 * handshake, a packet's outcome (undecided, then matched or bypassed),
 * its counts in the truth, and the session's tunnel. */
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_flow.h"

struct tc_gen tcg;

const char *const role_names[R_N] = {"other", "activation", "update", "web"};

/* Vendor names and the role config/vendors/kaspersky.yaml gives each,
 * written out by hand: the most specific of its patterns decides.  The
 * generator's roles are four (each has an address of its own in the
 * learned range); the catalogue's other roles are tested by name in
 * test_ctl_tables. */
static const struct {
	const char *name;
	enum role role;
} vendor_names[] = {
    {"dnl-01.geo.kaspersky.com", R_UPDATE}, /* the dnl-00..19 regex */
    {"dnl-17.geo.kaspersky.com", R_UPDATE},
    {"ksn-a-stat.kaspersky-labs.com", R_OTHER}, /* not ksn-*-geo: unsourced */
    {"kaspersky.com", R_WEB},			/* the apex, exactly */
    {"UPD.Kaspersky.RU", R_OTHER},
    {"activation-v2.kaspersky.com", R_ACTIVATION},
    {"ds.kaspersky.com.", R_OTHER}, /* no source gives it a role */
    {"s.kaspersky-labs.com", R_OTHER},
    {"s07.upd.kaspersky.com", R_UPDATE}, /* the s00-s19 regex */
    {"S19.UPD.kaspersky.com", R_UPDATE},
    {"s20.upd.kaspersky.com", R_OTHER}, /* past s19, under no role */
    {"downloads.upd.kaspersky.com", R_UPDATE},
    {"a.cm.k.kaspersky-labs.com", R_UPDATE}, /* under a role's suffix */
    {"www.kaspersky.com", R_WEB},
    {"support.kaspersky.com", R_WEB},
    {"blog.kaspersky.com", R_OTHER},
};
static const char *const other_names[] = {
    "notkaspersky.com", "kaspersky.com.evil.example", "kaspersky.community", "www.example.org",
    "cdn.example.net",	"kaspersky-lab.example",      "xkaspersky.ru",	     "update.example.com",
};

uint32_t
tc_rnd(void)
{
	/* xorshift64*: deterministic for a seed, independent of libc. */
	tcg.rng ^= tcg.rng >> 12;
	tcg.rng ^= tcg.rng << 25;
	tcg.rng ^= tcg.rng >> 27;
	return (uint32_t)((tcg.rng * 0x2545F4914F6CDD1Dull) >> 32);
}

void
tc_emit_frame(const uint8_t *frame, uint32_t len)
{
	tc_out_frame(&tcg.out, frame, len, 50 + tc_rnd() % 500);
}

uint32_t
tc_emit_raw(const struct tb_spec *s)
{
	uint8_t inner[9300], frame[9400];
	uint32_t len = tb_frame(s, inner, sizeof(inner));

	/* The session's tunnel, if any: the dataplane must see through it. */
	if (len != 0)
		len = tb_encap(tcg.encap, inner, len, frame, sizeof(frame));
	if (len == 0) {
		fprintf(stderr, "tc_gen: frame too large\n");
		exit(1);
	}
	tc_emit_frame(frame, len);
	return len;
}

void
tc_emit(const struct tb_spec *s, enum out o)
{
	tc_emit_raw(s);
	tcg.truth.outcome[o]++;
}

/* Address number k inside a prefix "a/len" (k small, host part). */
int
tc_addr_in(const char *prefix, uint32_t k, uint8_t out[16])
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

/* The 5-tuples given out in this run, by a 64-bit hash (FNV-1a), in an
 * open-addressed set: a tap merges two flows of one 5-tuple (UDP flows
 * never end), so no two flows of a run may share one.  A false match
 * only skips a port. */
#define TUPLES_LOG2 21
static uint64_t tuples[1u << TUPLES_LOG2];
static unsigned n_tuples;

static uint64_t
tuple_hash(const struct tb_spec *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint8_t k[40];

	memcpy(k, s->src, 16);
	memcpy(k + 16, s->dst, 16);
	k[32] = s->family;
	k[33] = s->proto;
	memcpy(k + 34, &s->sport, 2);
	memcpy(k + 36, &s->dport, 2);
	k[38] = k[39] = 0;
	for (size_t i = 0; i < sizeof(k); i++)
		h = (h ^ k[i]) * 0x100000001b3ull;
	return h | 1; /* 0 marks a free slot */
}

/* Takes the tuple: false when it was taken already. */
static bool
tuple_take(const struct tb_spec *s)
{
	uint64_t h = tuple_hash(s);
	size_t mask = (1u << TUPLES_LOG2) - 1, i = h & mask;

	if (n_tuples >= mask / 2)
		return true; /* past a million flows: no longer kept */
	for (; tuples[i] != 0; i = (i + 1) & mask)
		if (tuples[i] == h)
			return false;
	tuples[i] = h;
	n_tuples++;
	return true;
}

void
tc_flow_init(struct flow *f, int org, int client, uint8_t proto, uint16_t dport, int nvlan)
{
	const struct org *o = &orgs[org];
	int use6 = o->v6 && (!o->v4 || (client & 1));
	const char *pfx = use6 ? o->v6 : o->v4;

	memset(f, 0, sizeof(*f));
	f->c2s.family = tc_addr_in(pfx, (uint32_t)client, f->c2s.src);
	if (f->c2s.family == 6) {
		/* Each IPv6 client in a /64 of its own (clients count by /64). */
		f->c2s.src[7] = (uint8_t)(client + 1);
		f->c2s.src[14] = 0;
		f->c2s.src[15] = 1;
	}
	/* Servers: 203.0.113.200-.249 and 2001:db8:5e::/64, in no prefix. */
	if (f->c2s.family == 4)
		tc_addr_in("203.0.113.199/32", tc_rnd() % 50, f->c2s.dst);
	else
		tc_addr_in("2001:db8:5e::/64", tc_rnd() % 50, f->c2s.dst);
	f->c2s.proto = proto;
	f->c2s.dport = dport;
	/* Ports in turn, skipping a 5-tuple an earlier flow of the run had. */
	for (unsigned tries = 0; tries < 45536; tries++) {
		f->c2s.sport = tcg.next_sport;
		tcg.next_sport = tcg.next_sport == 65535 ? 20000 : tcg.next_sport + 1;
		if (tuple_take(&f->c2s))
			break;
	}
	f->c2s.nvlan = nvlan;
	f->c2s.vlan[0] = 100;
	f->c2s.vlan[1] = 200;
	f->s2c = f->c2s;
	memcpy(f->s2c.src, f->c2s.dst, 16);
	memcpy(f->s2c.dst, f->c2s.src, 16);
	f->s2c.sport = dport;
	f->s2c.dport = f->c2s.sport;
}

void
tc_set_payload(struct tb_spec *s, const uint8_t *p, uint32_t len)
{
	s->payload = p;
	s->plen = len;
	s->tcp_flags = s->proto == IPPROTO_TCP ? 0x18 : 0;
}

void
tc_gflow_init(struct gflow *gf, int org, int client, uint8_t proto, uint16_t dport, int nvlan)
{
	memset(gf, 0, sizeof(*gf));
	gf->name = -1;
	tc_flow_init(&gf->f, org, client, proto, dport, nvlan);
	gf->org = org;
	gf->client = client;
	gf->seq[0] = tc_rnd();
	gf->seq[1] = tc_rnd();
}

/* The flow is a vendor's from this packet on: one session, its traffic. */
void
tc_gflow_vendor(struct gflow *gf, enum sig sig)
{
	gf->st = GF_VENDOR;
	gf->sig = sig;
	tcg.truth.sessions[gf->org][gf->role][sig]++;
	if (!gf->vendor_server)
		tcg.truth.name_only[gf->org][gf->role][sig]++;
	else
		tcg.truth.vendor_client_corro[gf->org][gf->client] |=
		    (unsigned char)(1u << gf->role);
	/* Decided by a vendor name that no role lists: listed by name. */
	if (gf->role == R_OTHER && gf->name >= 0 &&
	    (sig == S_TLS || sig == S_QUIC || sig == S_HTTP || sig == S_DNS))
		tcg.truth.unlisted[gf->name]++;
	for (int d = 0; d < 2; d++) {
		tcg.truth.fpkts[gf->org][gf->role][sig][d] += gf->pkts[d];
		tcg.truth.fbytes[gf->org][gf->role][sig][d] += gf->bytes[d];
	}
}

/* Sends one packet of the flow.  While the flow is undecided its outcome
 * is if_open (O_VENDOR and O_OTHER..O_APPCUT decide it); after, matched
 * or bypassed.  TCP: off is the offset in the sender's stream. */
void
tc_fsend(struct gflow *gf, int dir, uint8_t flags, const uint8_t *pl, uint32_t len, uint32_t off,
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
	tcg.out.queue = tc_out_queue(&tcg.out, &gf->f.c2s);
	tcg.out.dir = dir;
	wire = tc_emit_raw(s);
	tcg.out.dir = -1;
	tcg.out.queue = 0;
	/* One side alone (--side): what the dataplane would start a flow on. */
	if (!gf->made[dir] && (s->proto == IPPROTO_UDP || len > 0 || (flags & 0x02))) {
		gf->made[dir] = true;
		tcg.truth.side_flows[dir]++;
	}
	if (gf->st == GF_NEW && (s->proto == IPPROTO_UDP || len > 0 || (flags & 0x02))) {
		gf->st = GF_OPEN;
		tcg.truth.flows_created++;
	}
	if (gf->st == GF_NEW) {
		tcg.truth.outcome[O_NONAME]++; /* starts no flow */
		return;
	}
	gf->pkts[dir]++;
	gf->bytes[dir] += wire;
	if (dir == 1) {
		gf->server_seen = true;
		gf->exchange |= s->proto == IPPROTO_UDP;
	} else if (gf->server_seen) {
		gf->exchange = true;
	}
	if (gf->st == GF_VENDOR) {
		o = O_MATCHED;
		tcg.truth.fpkts[gf->org][gf->role][gf->sig][dir]++;
		tcg.truth.fbytes[gf->org][gf->role][gf->sig][dir] += wire;
	} else if (gf->st == GF_OTHER) {
		o = O_BYPASSED;
	} else {
		o = if_open;
		if (o == O_VENDOR)
			tc_gflow_vendor(gf, sig);
		else if (o == O_OTHER || o == O_APPBAD || o == O_APPCUT ||
			 (o == O_NONAME && len > 0 && dir == 0) ||
			 /* TCP server data first, no vendor's address: bypassed */
			 (o == O_NONAME && len > 0 && dir == 1 && s->proto == IPPROTO_TCP &&
			  !gf->vendor_server))
			gf->st = GF_OTHER;
	}
	if (gf->st == GF_VENDOR && gf->exchange)
		tcg.truth.vendor_client[gf->org][gf->client] |= (unsigned char)(1u << gf->role);
	tcg.truth.outcome[o]++;
}

/* TCP: SYN from the client (its outcome syn_out: a flow to a vendor
 * address is decided by it), SYN-ACK, ACK; the SYN takes one number. */
void
tc_handshake(struct gflow *gf, enum out syn_out, enum sig sig)
{
	tc_fsend(gf, 0, 0x02, NULL, 0, 0, syn_out, sig);
	gf->seq[0]++;
	tc_fsend(gf, 1, 0x12, NULL, 0, 0, O_NONAME, 0);
	gf->seq[1]++;
	tc_fsend(gf, 0, 0x10, NULL, 0, 0, O_NONAME, 0);
}

/* Points the flow at server address k of a prefix of its family. */
void
tc_to_server(struct gflow *gf, const char *v4, const char *v6, uint32_t k)
{
	tc_addr_in(gf->f.c2s.family == 4 ? v4 : v6, k, gf->f.c2s.dst);
	memcpy(gf->f.s2c.src, gf->f.c2s.dst, 16);
}

/* FIN from both sides (the second ends the flow), then the last ACK,
 * which finds no flow. */
void
tc_teardown(struct gflow *gf, uint32_t c_off, uint32_t s_off)
{
	tc_fsend(gf, 0, 0x11, NULL, 0, c_off, O_NONAME, 0);
	tc_fsend(gf, 1, 0x11, NULL, 0, s_off, O_NONAME, 0);
	tcg.truth.flows_ended++;
	gf->st = GF_NEW;
	gf->pkts[0] = gf->pkts[1] = 0;
	tc_fsend(gf, 0, 0x10, NULL, 0, c_off + 1, O_NONAME, 0);
}

/* Server bulk data; returns the server's stream length after it. */
uint32_t
tc_bulk(struct gflow *gf, unsigned n, uint8_t first, uint32_t off)
{
	static uint8_t pl[1460];

	for (unsigned i = 0; i < n; i++) {
		uint32_t len = 200 + tc_rnd() % 1261;

		for (uint32_t k = 0; k < len; k += 4)
			memcpy(pl + k, &(uint32_t){tc_rnd()}, len - k < 4 ? len - k : 4);
		pl[0] = first; /* 0x17 TLS application data, '<' an HTTP body */
		tc_fsend(gf, 1, 0x18, pl, len, off, O_NONAME, 0);
		off += len;
	}
	return off;
}

unsigned
tc_vendor_names(void)
{
	return sizeof(vendor_names) / sizeof(vendor_names[0]);
}

const char *
tc_vendor_name(unsigned i)
{
	return vendor_names[i].name;
}

const char *
tc_pick_name(int vendor, enum role *role, int *idx)
{
	unsigned i;

	*role = R_OTHER;
	*idx = -1;
	if (!vendor)
		return other_names[tc_rnd() % (sizeof(other_names) / sizeof(other_names[0]))];
	i = tc_rnd() % (sizeof(vendor_names) / sizeof(vendor_names[0]));
	*role = vendor_names[i].role;
	*idx = (int)i;
	return vendor_names[i].name;
}

/* The client's first bytes in one segment, or in two (out of order, or
 * with the first retransmitted): the packet completing the name decides. */
void
tc_send_head(struct gflow *gf, const uint8_t *pl, uint32_t len, uint32_t cut, enum out o,
	     enum sig sig)
{
	unsigned how = tc_rnd() % 3;

	if (cut == 0 || cut >= len) {
		tc_fsend(gf, 0, 0x18, pl, len, 0, o, sig);
		return;
	}
	if (how == 0) {
		/* The second segment first: held, then the first completes it. */
		tc_fsend(gf, 0, 0x18, pl + cut, len - cut, cut, O_PARTIAL, sig);
		tc_fsend(gf, 0, 0x18, pl, cut, 0, o, sig);
		return;
	}
	tc_fsend(gf, 0, 0x18, pl, cut, 0, O_PARTIAL, sig);
	if (how == 1)
		tc_fsend(gf, 0, 0x18, pl, cut, 0, O_PARTIAL, sig); /* retransmitted */
	tc_fsend(gf, 0, 0x18, pl + cut, len - cut, cut, o, sig);
}
