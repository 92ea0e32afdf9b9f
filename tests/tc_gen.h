/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tc_gen.h - between the generator's files: tc_gen.c (options and the
 * scenario), tc_flow.c (one flow's packets, as the dataplane must see
 * them), tc_session.c (sessions of each kind and the oddities), tc_out.c
 * (the capture and its split by queue and part) and tc_truth.c (the
 * organisations and TRUTH.tsv).
 */
#ifndef TC_GEN_H
#define TC_GEN_H

#include <pcap/pcap.h>
#include <stdint.h>

#include "tb_pkt.h"

#define VENDOR "kaspersky"
#define N_ORGS 7
#define CLIENTS_PER_ORG 24
#define MAX_QUEUES 8

struct org {
	const char *id, *name, *country, *sector, *gov;
	const char *v4, *v6; /* prefixes; NULL for none */
};

/* The sample organisation table (config/orgs.csv is this, written out);
 * the last is the unattributed clients' addresses. */
extern const struct org orgs[N_ORGS];

enum sig { S_TLS, S_QUIC, S_HTTP, S_DNS, S_SERVER, S_LEARNED, S_PAYLOAD, S_N };
extern const char *const sig_names[S_N];

/* The vendor's roles, as config/vendors/kaspersky.yaml groups its names
 * (the generator's own table of which name is in which, tc_flow.c): other
 * is the vendor's own level; every role but web is product use. */
enum role { R_OTHER, R_ACTIVATION, R_UPDATE, R_WEB, R_N };
extern const char *const role_names[R_N];

/* Outcome and drop names as the dataplane exports them. */
enum out {
	O_VENDOR,
	O_OTHER,
	O_NONAME,
	O_APPBAD,
	O_APPCUT,
	O_PARTIAL,
	O_MATCHED,
	O_BYPASSED,
	O_OTHERL4,
	O_FRAG,
	O_NOTIP,
	O_UNTRACKED,
	O_N
};
enum drop { D_L2, D_L3, D_L4, D_SCAN, D_OVERSIZE, D_N };
enum layer { L_L2, L_L3, L_L4, L_TLS, L_QUIC, L_HTTP, L_DNS, L_N };

#define TC_MAX_NAMES 32 /* vendor names the generator knows, at most */

/* What the dataplane must count, recorded as each packet is written. */
struct tc_truth {
	uint64_t outcome[O_N], drop[D_N], perr[L_N];
	uint64_t sessions[N_ORGS][R_N][S_N];
	uint64_t name_only[N_ORGS][R_N][S_N]; /* of them, to a server not the vendor's */
	uint64_t fpkts[N_ORGS][R_N][S_N][2], fbytes[N_ORGS][R_N][S_N][2];
	uint64_t flows_created, flows_ended;
	uint64_t side_flows[2]; /* flows one direction's packets alone would start */
	uint64_t quic_vn, quic_unknown;
	unsigned char vendor_client[N_ORGS][CLIENTS_PER_ORG]; /* 1 << role, of each role */
	/* 1 << role, of each role with a session to a vendor's address */
	unsigned char vendor_client_corro[N_ORGS][CLIENTS_PER_ORG];
	uint64_t ech;
	uint64_t capture_cut; /* frames cut short of their IP length */
	/* Sessions decided by a vendor name in no role (tc_vendor_name). */
	uint64_t unlisted[TC_MAX_NAMES];
};

/* The generator's vendor names: how many, and name i (tc_flow.c). */
unsigned tc_vendor_names(void);
const char *tc_vendor_name(unsigned i);

/* Writes TRUTH.tsv (the format in tc_gen.c's header); 0 or 1 (told). */
int tc_truth_write(const struct tc_truth *t, const uint64_t *part_packets, unsigned n_parts,
		   uint64_t packets, const char *path);
/* Writes the organisation table as config/orgs.csv has it; 0 or 1. */
int tc_truth_write_orgs(const char *path);

/* The capture: the whole file, and its split by RX queue (--queues) and
 * in two parts (--parts), each frame stamped 50-550 us after the last. */
struct tc_out {
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
	uint64_t epoch;	   /* the capture's start, Unix seconds (--epoch) */
	int side;	   /* --side: 0 client, 1 server (that direction's frames only), -1 both */
	int dir;	   /* the direction of the frame being written, -1: no flow's */
	uint64_t first_us; /* ts_us of the first frame */
	uint64_t packets;
};

/* Opens path and its split files (n_queues, n_parts set before); 0 or 1. */
int tc_out_open(struct tc_out *o, const char *path);
/* One frame, gap_us after the last, into every file it belongs in. */
void tc_out_frame(struct tc_out *o, const uint8_t *frame, uint32_t len, uint32_t gap_us);
/* The queue of a flow whose client-to-server packet is c2s. */
unsigned tc_out_queue(const struct tc_out *o, const struct tb_spec *c2s);
void tc_out_close(struct tc_out *o);

/* ---- Writing sessions (tc_flow.c, tc_session.c) ---- */

struct tc_gen {
	struct tc_out out;
	struct tc_truth truth;
	uint16_t next_sport;
	enum tb_encap encap; /* of the session being written */
	unsigned encap_pct;
	uint64_t rng;
};

/* The generator's one state, written by the session writer. */
extern struct tc_gen tcg;

uint32_t tc_rnd(void);
/* Every kind of session but the oddities, of org's client number client. */
void tc_session(int org, int client, enum sig s, int vendor, unsigned nbulk);
/* Frames the dataplane must count as dropped or odd, and their truth. */
void tc_oddities(void);

#endif
