/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_reload.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
ctl_reload_load(const char *path, struct ctl_reload *r, char *err, size_t err_len)
{
	memset(r, 0, sizeof(*r));
	return ctl_config_load(path, &r->cfg, err, err_len);
}

static bool
same_strs(char *const *a, unsigned na, char *const *b, unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

/* The first field a reload cannot change that differs, or NULL. */
static const char *
restart_field(const struct ctl_config *a, const struct ctl_config *b)
{
	if (!same_strs(a->eal_args, a->n_eal_args, b->eal_args, b->n_eal_args))
		return "dpdk.eal_args";
	if (a->n_ports != b->n_ports)
		return "dpdk.ports";
	for (unsigned i = 0; i < a->n_ports; i++)
		if (strcmp(a->ports[i].name, b->ports[i].name) != 0 ||
		    strcmp(a->ports[i].args, b->ports[i].args) != 0 ||
		    a->ports[i].rx_queues != b->ports[i].rx_queues)
			return "dpdk.ports";
	if (a->main_core != b->main_core || a->main_cpu != b->main_cpu)
		return "dpdk.main_core";
	if (a->n_workers != b->n_workers ||
	    memcmp(a->workers, b->workers, a->n_workers * sizeof(a->workers[0])) != 0 ||
	    memcmp(a->worker_cpus, b->worker_cpus, a->n_workers * sizeof(a->worker_cpus[0])) != 0)
		return "dpdk.workers";
	if (a->mbufs != b->mbufs)
		return "dpdk.mbufs";
	if (a->rx_desc != b->rx_desc)
		return "dpdk.rx_descriptors";
	if (strcmp(a->tls_cert, b->tls_cert) != 0 || strcmp(a->tls_key, b->tls_key) != 0)
		return "web.tls_server_config";
	if (strcmp(a->listen_addr, b->listen_addr) != 0)
		return "metrics.listen";
	if (a->listen_port != b->listen_port)
		return "metrics.port";
	if (a->client_capacity != b->client_capacity)
		return "clients.capacity";
	if (a->client_v6_prefix != b->client_v6_prefix)
		return "clients.ipv6_prefix";
	if (strcmp(a->state_dir, b->state_dir) != 0)
		return "persistence.dir";
	if (memcmp(&a->worker.flow, &b->worker.flow, sizeof(a->worker.flow)) != 0 ||
	    a->worker.reasm_bytes != b->worker.reasm_bytes ||
	    a->worker.reasm_buffers != b->worker.reasm_buffers ||
	    a->worker.stream_bytes != b->worker.stream_bytes)
		return "flows";
	if (a->worker.learned_capacity != b->worker.learned_capacity ||
	    a->worker.learned_max_ttl != b->worker.learned_max_ttl)
		return "learned";
	if (a->n_tcp_ports != b->n_tcp_ports || a->n_udp_ports != b->n_udp_ports ||
	    memcmp(a->tcp_ports, b->tcp_ports, a->n_tcp_ports * sizeof(a->tcp_ports[0])) != 0 ||
	    memcmp(a->udp_ports, b->udp_ports, a->n_udp_ports * sizeof(a->udp_ports[0])) != 0 ||
	    strcmp(a->pf_program, b->pf_program) != 0)
		return "prefilter";
	return NULL;
}

int
ctl_reload_build(struct ctl_reload *r, const struct ctl_config *running,
		 const struct ctl_orgs *running_orgs, int socket, char *err, size_t err_len)
{
	const struct ctl_config *c = r->cfg;
	const char *field = restart_field(running, c);
	int rc;

	if (field != NULL) {
		snprintf(err, err_len, "%s: %s: differs from the running configuration; a reload "
				       "cannot change it (restart to apply)",
			 c->path, field);
		return -EINVAL;
	}
	if (c->n_vendors != running->n_vendors) {
		snprintf(err, err_len, "%s: vendors: %u listed, %u running; vendors are added or "
				       "removed only by a restart",
			 c->path, c->n_vendors, running->n_vendors);
		return -EINVAL;
	}
	for (unsigned v = 0; v < c->n_vendors; v++)
		if (strcmp(c->vendors[v].name, running->vendors[v].name) != 0) {
			snprintf(err, err_len, "%s:%d: vendors[%u].name: '%s' where '%s' runs; "
					       "vendors are renamed or reordered only by a restart",
				 c->path, c->vendors[v].line, v, c->vendors[v].name,
				 running->vendors[v].name);
			return -EINVAL;
		}
	rc = ctl_orgs_load(c->orgs_path, &r->orgs, err, err_len);
	if (rc == 0)
		rc = ctl_tables_build(c, r->orgs, socket, &r->tables, err, err_len);
	if (rc)
		return rc;
	r->n_map = running_orgs->n_orgs;
	r->org_map = calloc(r->n_map, sizeof(*r->org_map));
	if (r->org_map == NULL) {
		snprintf(err, err_len, "%s: out of memory", c->path);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < r->n_map; i++) {
		int32_t k = ctl_orgs_find(r->orgs, running_orgs->orgs[i].id);

		r->org_map[i] = k < 0 ? CTL_RELOAD_GONE : (uint32_t)k;
		r->gone += k < 0;
	}
	r->added = r->orgs->n_orgs - (r->n_map - r->gone);
	return 0;
}

void
ctl_reload_free(struct ctl_reload *r)
{
	ctl_tables_free(&r->tables);
	ctl_orgs_free(r->orgs);
	ctl_config_free(r->cfg);
	free(r->org_map);
	memset(r, 0, sizeof(*r));
}
