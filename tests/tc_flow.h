/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tc_flow.h - writing one flow's packets (tc_flow.c) for the session kinds
 * (tc_session.c): each packet is framed by tb_pkt, sent into the capture,
 * and its outcome recorded in the truth as the dataplane must count it.
 */
#ifndef TC_FLOW_H
#define TC_FLOW_H

#include "tc_gen.h"

struct flow {
	struct tb_spec c2s, s2c;
};

/* A flow as the dataplane must see it. */
struct gflow {
	struct flow f;
	int org, client;
	enum { GF_NEW, GF_OPEN, GF_VENDOR, GF_OTHER } st;
	enum sig sig;
	enum role role; /* whose sessions it counts in (R_OTHER unless set) */
	int name;	/* the vendor name it carries (tc_vendor_name), -1: none */
	/* Its server is an address the tap knows as the vendor's (learned
	 * from an answer it saw, or configured): a name is corroborated. */
	bool vendor_server;
	uint64_t pkts[2], bytes[2];
	uint32_t seq[2]; /* next sequence number per direction */
	/* Evidence the client's address is real, as the dataplane takes it:
	 * TCP, the client sending after the server; UDP, the server replying.
	 * A vendor flow's client counts once there is. */
	bool server_seen, exchange;
	bool made[2]; /* a packet of that direction alone would start the flow */
};

/* A frame as it is, after the last (50-550 us later). */
void tc_emit_frame(const uint8_t *frame, uint32_t len);

/* A packet in the session's tunnel; its wire length. */
uint32_t tc_emit_raw(const struct tb_spec *s);

/* A packet and its outcome. */
void tc_emit(const struct tb_spec *s, enum out o);

/* Address number k inside a prefix "a/len" (k small, host part). */
int tc_addr_in(const char *prefix, uint32_t k, uint8_t out[16]);

void tc_flow_init(struct flow *f, int org, int client, uint8_t proto, uint16_t dport, int nvlan);

void tc_set_payload(struct tb_spec *s, const uint8_t *p, uint32_t len);

void tc_gflow_init(struct gflow *gf, int org, int client, uint8_t proto, uint16_t dport, int nvlan);

/* The flow is a vendor's from this packet on: one session, its traffic. */
void tc_gflow_vendor(struct gflow *gf, enum sig sig);

/* Sends one packet of the flow.  While the flow is undecided its outcome
 * is if_open (O_VENDOR and O_OTHER..O_APPCUT decide it); after, matched
 * or bypassed.  TCP: off is the offset in the sender's stream. */
void tc_fsend(struct gflow *gf, int dir, uint8_t flags, const uint8_t *pl, uint32_t len,
	      uint32_t off, enum out if_open, enum sig sig);

/* TCP: SYN from the client (its outcome syn_out: a flow to a vendor
 * address is decided by it), SYN-ACK, ACK; the SYN takes one number. */
void tc_handshake(struct gflow *gf, enum out syn_out, enum sig sig);

/* Points the flow at server address k of a prefix of its family. */
void tc_to_server(struct gflow *gf, const char *v4, const char *v6, uint32_t k);

/* FIN from both sides (the second ends the flow), then the last ACK,
 * which finds no flow. */
void tc_teardown(struct gflow *gf, uint32_t c_off, uint32_t s_off);

/* Server bulk data; returns the server's stream length after it. */
uint32_t tc_bulk(struct gflow *gf, unsigned n, uint8_t first, uint32_t off);

/* A vendor name (its role, and its index for tc_vendor_name) or another's
 * (R_OTHER, -1). */
const char *tc_pick_name(int vendor, enum role *role, int *idx);

/* The client's first bytes in one segment, or in two (out of order, or
 * with the first retransmitted): the packet completing the name decides. */
void tc_send_head(struct gflow *gf, const uint8_t *pl, uint32_t len, uint32_t cut, enum out o,
		  enum sig sig);

#endif
