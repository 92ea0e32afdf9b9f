/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tb_worker.h - the worker tests' fixture: organisation and server tables,
 * a Hyperscan database, workers on them, frames and conversations fed in.
 *
 * Tables (tbw_setup, a cmocka group setup): organisation 1 is 192.0.2.0/25
 * and 2001:db8:1::/48, organisation 2 198.51.100.0/24; the server prefix
 * 203.0.113.96/28 serves vendor 1; vendor 0 is kaspersky.com, vendor 1
 * example.net and the payload signature "User-Agent: ...Kaspersky".
 */
#ifndef TB_WORKER_H
#define TB_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "dp_worker_ctx.h"
#include "tb_eal.h"
#include "tb_pkt.h"

#define T0 1793491200u

extern struct dp_lpm *tbw_orgs, *tbw_servers;
extern struct dp_match *tbw_match;
extern const uint64_t tbw_server_vendors[2];
extern volatile uint64_t tbw_clock_s;
extern volatile bool tbw_stop;
extern const struct dp_worker_cfg tbw_wcfg;
extern uint16_t tbw_next_sport; /* each frame or conversation a flow of its own */

int tbw_setup(void **state);

/* The organisation prefixes, with their LPM sizes. */
void tbw_org_prefixes(struct dp_prefix p[3], struct dp_lpm_size *sz);

/* A worker on the fixture's tables (two vendors, three organisations). */
struct dp_worker *tbw_new_worker_cfg(unsigned id, const struct dp_worker_cfg *cfg);
struct dp_worker *tbw_new_worker(unsigned id);

enum tbw_kind { K_TLS, K_HTTP, K_DNS };

/* A client's first packet of kind k naming name, from src to a server in
 * no configured prefix; its frame length. */
uint32_t tbw_build(uint8_t *frame, uint32_t cap, const char *src, enum tbw_kind k, const char *name,
		   int nvlan);

/* The one outcome a packet gets: which counter moved (-1: none). */
int tbw_feed(struct dp_worker *w, const uint8_t *frame, uint32_t len, uint32_t now);

/* Both ends of a conversation, with the traffic the test expects counted. */
struct tbw_conv {
	struct dp_worker *w;
	struct tb_spec side[2]; /* [DP_DIR_C2S], [DP_DIR_S2C] */
	uint32_t isn[2];
	uint64_t pkts[2], bytes[2];
	uint32_t now;
};

void tbw_conv_init(struct tbw_conv *c, struct dp_worker *w, const char *client, const char *server,
		   uint8_t proto, uint16_t dport);
/* Sends len bytes of pl at stream offset off (TCP) from one side; the
 * packet's outcome. */
int tbw_conv_send(struct tbw_conv *c, int dir, uint8_t flags, const uint8_t *pl, uint32_t len,
		  uint32_t off);
/* The conversation's traffic counted under (org, vendor, sig), sessions
 * sessions. */
void tbw_assert_traffic(struct dp_worker *w, const struct tbw_conv *c, uint32_t org,
			unsigned vendor, enum dp_signal sig, uint64_t sessions);

#endif
