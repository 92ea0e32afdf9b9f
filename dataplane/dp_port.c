/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_port.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

static uint8_t rss_key[DP_PORT_RSS_KEY_LEN];

const uint8_t *
dp_port_rss_key(void)
{
	for (unsigned i = 0; i < DP_PORT_RSS_KEY_LEN; i++)
		rss_key[i] = (i & 1) ? 0x5a : 0x6d;
	return rss_key;
}

int
dp_port_setup(uint16_t port, uint16_t n_queues, uint16_t n_desc, struct rte_mempool *pool,
	      char *err, size_t err_len)
{
	const uint64_t need = RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP;
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t n_tx, n_tx_desc = 64;
	int rc;

	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_info_get(port, &info);
	if (rc) {
		snprintf(err, err_len, "port %u: cannot read device info: %s", port, strerror(-rc));
		return rc;
	}
	if (n_queues > info.max_rx_queues) {
		snprintf(err, err_len, "port %u (%s): %u RX queues asked, the device has %u", port,
			 info.driver_name, n_queues, info.max_rx_queues);
		return -EINVAL;
	}
	if (n_queues > 1 && info.flow_type_rss_offloads != 0) {
		/* The key's period of 16 bits makes the Toeplitz hash of
		 * (src, dst, sport, dport) equal that of (dst, src, dport, sport). */
		if ((info.flow_type_rss_offloads & need) != need ||
		    (info.hash_key_size != 0 && info.hash_key_size > DP_PORT_RSS_KEY_LEN)) {
			snprintf(err, err_len,
				 "port %u (%s): %u RX queues need RSS over IP/TCP/UDP with a "
				 "symmetric key; the device offers hash types 0x%" PRIx64
				 " and a %u-byte key",
				 port, info.driver_name, n_queues, info.flow_type_rss_offloads,
				 info.hash_key_size);
			return -ENOTSUP;
		}
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_key = (uint8_t *)(uintptr_t)dp_port_rss_key();
		conf.rx_adv_conf.rss_conf.rss_key_len =
		    info.hash_key_size ? info.hash_key_size : 40;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads & need;
	}
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	/* A tap only listens: no TX queue, unless the driver works in queue
	 * pairs (net_af_xdp: one XDP socket per queue holds both rings). */
	n_tx = 0;
	rc = rte_eth_dev_configure(port, n_queues, 0, &conf);
	if (rc == -EINVAL && info.max_tx_queues >= n_queues) {
		n_tx = n_queues;
		rc = rte_eth_dev_configure(port, n_queues, n_tx, &conf);
	}
	if (rc) {
		snprintf(err, err_len, "port %u (%s): configure failed: %s", port, info.driver_name,
			 strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &n_desc, &n_tx_desc);
	for (uint16_t q = 0; rc == 0 && q < n_queues; q++)
		rc = rte_eth_rx_queue_setup(port, q, n_desc, rte_eth_dev_socket_id(port), NULL,
					    pool);
	for (uint16_t q = 0; rc == 0 && q < n_tx; q++)
		rc = rte_eth_tx_queue_setup(port, q, n_tx_desc, rte_eth_dev_socket_id(port), NULL);
	if (rc) {
		snprintf(err, err_len, "port %u (%s): queue setup failed: %s", port,
			 info.driver_name, strerror(-rc));
		return rc;
	}
	rc = rte_eth_promiscuous_enable(port);
	if (rc && rc != -ENOTSUP) {
		snprintf(err, err_len, "port %u (%s): promiscuous mode failed: %s", port,
			 info.driver_name, strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_start(port);
	if (rc) {
		snprintf(err, err_len, "port %u (%s): start failed: %s", port, info.driver_name,
			 strerror(-rc));
		return rc;
	}
	return 0;
}
