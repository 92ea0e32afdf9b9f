/* SPDX-License-Identifier: BSD-3-Clause */
/* The dpdk: section of the configuration (see ctl_config.h): EAL
 * arguments, ports, the main lcore and one worker lcore per RX queue. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_config.h>

#include "ctl_config_sections.h"

/* An lcore as "N" (lcore N on CPU N) or DPDK's "N@C" (lcore N on CPU C),
 * so that more lcores than CPUs can be given where a machine is small. */
static int
get_lcore(struct ctl_yaml *x, yaml_node_t *n, const char *field, unsigned *lcore, unsigned *cpu)
{
	const char *s;
	char *end;
	unsigned long l, c;
	int rc = ctl_yaml_want(x, n, YAML_SCALAR_NODE, field);

	if (rc)
		return rc;
	s = (const char *)n->data.scalar.value;
	errno = 0;
	l = strtoul(s, &end, 10);
	c = l;
	if (s[0] >= '0' && s[0] <= '9' && *end == '@' && end[1] >= '0' && end[1] <= '9')
		c = strtoul(end + 1, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno)
		return ctl_yaml_err(x, n, field, "'%s' is neither LCORE nor LCORE@CPU", s);
	if (l >= RTE_MAX_LCORE || c > 1023)
		return ctl_yaml_err(x, n, field, "'%s': lcore must be below %d, CPU at most 1023",
				    s, RTE_MAX_LCORE);
	*lcore = (unsigned)l;
	*cpu = (unsigned)c;
	return 0;
}

static int
parse_ports(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	static const char *const keys[] = {"name", "args", "rx_queues", NULL};
	unsigned i = 0;
	int rc = ctl_yaml_want(x, n, YAML_SEQUENCE_NODE, "dpdk.ports");

	if (rc)
		return rc;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		yaml_node_t *p = ctl_yaml_node(x, *it), *v;
		struct ctl_port *port = &c->ports[i];
		unsigned long q = 1;
		char f[128];

		ctl_yaml_fieldf(f, sizeof(f), "dpdk.ports[%u]", i);
		if (i == CTL_MAX_PORTS)
			return ctl_yaml_err(x, p, f, "more than %d ports", CTL_MAX_PORTS);
		if ((rc = ctl_yaml_want(x, p, YAML_MAPPING_NODE, f)) ||
		    (rc = ctl_yaml_keys(x, p, f, keys)))
			return rc;
		port->line = ctl_yaml_line(p);
		ctl_yaml_fieldf(f, sizeof(f), "dpdk.ports[%u].name", i);
		if ((v = ctl_yaml_get(x, p, "name")) == NULL)
			return ctl_yaml_err(x, p, f, "missing");
		if ((rc = ctl_yaml_str(x, v, f, port->name, sizeof(port->name))))
			return rc;
		if ((v = ctl_yaml_get(x, p, "args")) != NULL) {
			ctl_yaml_fieldf(f, sizeof(f), "dpdk.ports[%u].args", i);
			if ((rc = ctl_yaml_str(x, v, f, port->args, sizeof(port->args))))
				return rc;
		}
		if ((v = ctl_yaml_get(x, p, "rx_queues")) != NULL) {
			ctl_yaml_fieldf(f, sizeof(f), "dpdk.ports[%u].rx_queues", i);
			if ((rc = ctl_yaml_uint(x, v, f, 1, CTL_MAX_WORKERS, &q)))
				return rc;
		}
		port->rx_queues = (uint16_t)q;
		c->n_ports = i + 1;
	}
	return 0;
}

/* An EAL argument that sets cores: -l, -c, --lcores, --main-lcore (and the
 * older --master-lcore), alone, joined to their value (-l0-1) or with
 * "=" (--lcores=0-1).  Cores come from dpdk.main_core and dpdk.workers. */
static bool
core_arg(const char *a)
{
	static const char *const opts[] = {"--lcores", "--main-lcore", "--master-lcore"};

	if (a[0] == '-' && (a[1] == 'l' || a[1] == 'c'))
		return true;
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		size_t n = strlen(opts[i]);

		if (strncmp(a, opts[i], n) == 0 && (a[n] == '\0' || a[n] == '='))
			return true;
	}
	return false;
}

int
ctl_config_parse_dpdk(struct ctl_yaml *x, yaml_node_t *n, struct ctl_config *c)
{
	yaml_node_t *v;
	unsigned long u;
	unsigned queues = 0;
	int rc;

	if ((v = ctl_yaml_get(x, n, "eal_args")) != NULL) {
		char **args = NULL;
		unsigned na = 0;

		rc = ctl_yaml_str_list(x, v, "dpdk.eal_args", &args, NULL, &na);
		if (rc == 0 && na > CTL_MAX_EAL_ARGS)
			rc = ctl_yaml_err(x, v, "dpdk.eal_args", "more than %d arguments",
					  CTL_MAX_EAL_ARGS);
		for (unsigned i = 0; args && args[i]; i++) {
			if (rc == 0 && core_arg(args[i]))
				rc = ctl_yaml_err(
				    x, v, "dpdk.eal_args",
				    "'%s': cores come from dpdk.main_core and dpdk.workers",
				    args[i]);
			if (rc == 0)
				c->eal_args[c->n_eal_args++] = args[i];
			else
				free(args[i]);
		}
		free(args);
		if (rc)
			return rc;
	}
	if ((v = ctl_yaml_get(x, n, "ports")) == NULL)
		return ctl_yaml_err(x, n, "dpdk.ports", "missing");
	if ((rc = parse_ports(x, v, c)))
		return rc;
	if ((v = ctl_yaml_get(x, n, "main_core")) != NULL) {
		if ((rc = get_lcore(x, v, "dpdk.main_core", &c->main_core, &c->main_cpu)))
			return rc;
	}
	if ((v = ctl_yaml_get(x, n, "workers")) == NULL)
		return ctl_yaml_err(x, n, "dpdk.workers", "missing");
	if ((rc = ctl_yaml_want(x, v, YAML_SEQUENCE_NODE, "dpdk.workers")))
		return rc;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		char f[64];

		ctl_yaml_fieldf(f, sizeof(f), "dpdk.workers[%u]", c->n_workers);
		if (c->n_workers == CTL_MAX_WORKERS)
			return ctl_yaml_err(x, ctl_yaml_node(x, *it), f, "more than %d workers",
					    CTL_MAX_WORKERS);
		unsigned lc, cpu;

		if ((rc = get_lcore(x, ctl_yaml_node(x, *it), f, &lc, &cpu)))
			return rc;
		if (lc == c->main_core)
			return ctl_yaml_err(x, ctl_yaml_node(x, *it), f,
					    "lcore %u is the main lcore", lc);
		for (unsigned j = 0; j < c->n_workers; j++)
			if (c->workers[j] == lc)
				return ctl_yaml_err(x, ctl_yaml_node(x, *it), f,
						    "lcore %u listed twice", lc);
		c->worker_cpus[c->n_workers] = cpu;
		c->workers[c->n_workers++] = lc;
	}
	for (unsigned i = 0; i < c->n_ports; i++)
		queues += c->ports[i].rx_queues;
	if (queues != c->n_workers)
		return ctl_yaml_err(x, v, "dpdk.workers",
				    "%u workers for %u RX queues: give one worker core per queue",
				    c->n_workers, queues);
	if ((v = ctl_yaml_get(x, n, "mbufs")) != NULL) {
		if ((rc = ctl_yaml_uint(x, v, "dpdk.mbufs", 1023, 1u << 24, &u)))
			return rc;
		c->mbufs = (unsigned)u;
	}
	if ((v = ctl_yaml_get(x, n, "rx_descriptors")) != NULL) {
		if ((rc = ctl_yaml_uint(x, v, "dpdk.rx_descriptors", 64, 16384, &u)))
			return rc;
		c->rx_desc = (uint16_t)u;
	}
	return 0;
}
