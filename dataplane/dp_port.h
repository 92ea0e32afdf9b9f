/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_port.h - bring up one ethdev port for receive only (a tap never sends).
 *
 * dp_port_setup() configures n_queues RX queues of n_desc descriptors from
 * pool, scatter when offered (jumbo frames on net_pcap), promiscuous mode
 * when supported, and starts the port (net_pcap stamps each packet with its
 * capture time without offering the offload: ctl_workers looks it up).  With more than one queue it
 * turns on RSS over IP, TCP and UDP with a symmetric Toeplitz key
 * (DP_PORT_RSS_KEY: 0x6d5a repeated), so both directions of a flow hash to
 * the same queue and reach the worker that holds the flow.  A device with
 * no RSS at all (net_pcap, net_ring: each queue its own source) gets its
 * queues as they are.  Returns 0 or a
 * negative errno, with a message in err (-ENOTSUP when the device cannot
 * take the key or hash the needed fields).
 */
#ifndef DP_PORT_H
#define DP_PORT_H

#include <stddef.h>
#include <stdint.h>

#include <rte_mempool.h>

#define DP_PORT_RSS_KEY_LEN 52

/* The symmetric key, DP_PORT_RSS_KEY_LEN bytes (Woo and Park, "Scalable TCP
 * Session Monitoring with Symmetric Receive-side Scaling", 2012). */
const uint8_t *dp_port_rss_key(void);

int dp_port_setup(uint16_t port, uint16_t n_queues, uint16_t n_desc, struct rte_mempool *pool,
		  char *err, size_t err_len);

#endif
