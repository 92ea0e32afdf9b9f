/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_port.h - bring up one ethdev port for receive only (a tap never sends).
 *
 * dp_port_setup() configures n_queues RX queues of n_desc descriptors from
 * pool, turns on RSS when there is more than one queue (all hash types the
 * device offers), scatter when offered (jumbo frames on net_pcap),
 * promiscuous mode when supported, and starts the port.  Returns 0 or a
 * negative errno, with a message in err.
 */
#ifndef DP_PORT_H
#define DP_PORT_H

#include <stddef.h>
#include <stdint.h>

#include <rte_mempool.h>

int dp_port_setup(uint16_t port, uint16_t n_queues, uint16_t n_desc, struct rte_mempool *pool,
		  char *err, size_t err_len);

#endif
