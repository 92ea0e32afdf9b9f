/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_eal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

int
ctl_eal_argv(const struct ctl_config *cfg, char **argv, int max, char *store, size_t store_len)
{
	int n = 0;
	size_t used = 0;

#define PUSH(...)                                                                                  \
	do {                                                                                       \
		int w_ = snprintf(store + used, store_len - used, __VA_ARGS__);                    \
		if (n >= max - 1 || w_ < 0 || (size_t)w_ >= store_len - used)                      \
			return -E2BIG;                                                             \
		argv[n++] = store + used;                                                          \
		used += (size_t)w_ + 1;                                                            \
	} while (0)

	PUSH("tapcensus");
	for (unsigned i = 0; i < cfg->n_eal_args; i++)
		PUSH("%s", cfg->eal_args[i]);
	{
		char cores[1024];
		size_t o =
		    (size_t)snprintf(cores, sizeof(cores), "%u@%u", cfg->main_core, cfg->main_cpu);

		for (unsigned i = 0; i < cfg->n_workers && o < sizeof(cores); i++)
			o += (size_t)snprintf(cores + o, sizeof(cores) - o, ",%u@%u",
					      cfg->workers[i], cfg->worker_cpus[i]);
		PUSH("--lcores");
		PUSH("%s", cores);
		PUSH("--main-lcore");
		PUSH("%u", cfg->main_core);
	}
	for (unsigned p = 0; p < cfg->n_ports; p++) {
		const struct ctl_port *port = &cfg->ports[p];
		bool vdev = strncmp(port->name, "net_", 4) == 0;

		PUSH(vdev ? "--vdev" : "-a");
		if (port->args[0])
			PUSH("%s,%s", port->name, port->args);
		else
			PUSH("%s", port->name);
	}
	argv[n] = NULL;
	return n;
#undef PUSH
}
