/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_port.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

int
dp_port_setup(uint16_t port, uint16_t n_queues, uint16_t n_desc, struct rte_mempool *pool,
	      char *err, size_t err_len)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
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
	if (n_queues > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads;
	}
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	rc = rte_eth_dev_configure(port, n_queues, 0, &conf);
	if (rc) {
		snprintf(err, err_len, "port %u (%s): configure failed: %s", port, info.driver_name,
			 strerror(-rc));
		return rc;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &n_desc, NULL);
	for (uint16_t q = 0; rc == 0 && q < n_queues; q++)
		rc = rte_eth_rx_queue_setup(port, q, n_desc, rte_eth_dev_socket_id(port), NULL,
					    pool);
	if (rc) {
		snprintf(err, err_len, "port %u (%s): RX queue setup failed: %s", port,
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
