/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_learn.h - the worker's stage for DNS answers: the addresses they give
 * for a vendor's names become servers of that vendor (the worker's learned
 * table, and the control plane's for every worker).
 */
#ifndef DP_LEARN_H
#define DP_LEARN_H

#include "dp_worker_ctx.h"

/* A DNS answer over UDP seen without its query (a tap on the
 * servers' side): its question names the vendor, its addresses are
 * learned. */
void dp_learn_answer_alone(struct dp_worker *w, const uint8_t *msg, uint32_t len);

/* A response in a vendor's DNS flow over UDP - its addresses
 * serve the flow's vendors. */
void dp_learn_answer(struct dp_worker *w, const struct dp_flow *f, const uint8_t *msg,
		     uint32_t len);

/* The server's stream of a vendor's DNS-over-TCP flow. */
void dp_learn_follow_tcp(struct dp_worker *w, struct dp_flow *f, const struct dp_pkt *p);

#endif
