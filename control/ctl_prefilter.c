/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_prefilter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#include <linux/magic.h>

#include "pf_ctl.h"

#define AF_XDP_DRIVER "net_af_xdp"

struct ctl_prefilter {
	struct pf_maps maps;
	uint64_t learn_failed;
};

static bool
is_af_xdp(const struct ctl_port *p)
{
	return strncmp(p->name, AF_XDP_DRIVER, strlen(AF_XDP_DRIVER)) == 0;
}

bool
ctl_prefilter_wanted(const struct ctl_config *cfg)
{
	for (unsigned i = 0; i < cfg->n_ports; i++)
		if (is_af_xdp(&cfg->ports[i]))
			return true;
	return false;
}

int
ctl_prefilter_port_args(struct ctl_config *cfg, char *err, size_t err_len)
{
	for (unsigned i = 0; i < cfg->n_ports; i++) {
		struct ctl_port *p = &cfg->ports[i];
		size_t used = strlen(p->args);

		if (!is_af_xdp(p) || strstr(p->args, "xdp_prog=") != NULL)
			continue;
		if ((size_t)snprintf(p->args + used, sizeof(p->args) - used, "%sxdp_prog=%s",
				     used ? "," : "", cfg->pf_program) >= sizeof(p->args) - used) {
			snprintf(err, err_len,
				 "%s:%d: dpdk.ports[%u].args: too long with "
				 "xdp_prog=%s",
				 cfg->path, p->line, i, cfg->pf_program);
			return -E2BIG;
		}
	}
	return 0;
}

int
ctl_prefilter_prepare(struct ctl_config *cfg, char *err, size_t err_len)
{
	struct statfs fs;

	if (!ctl_prefilter_wanted(cfg))
		return 0;
	/* libbpf pins maps only on a BPF file system. */
	if ((statfs(PF_PIN_DIR, &fs) != 0 || fs.f_type != BPF_FS_MAGIC) &&
	    mount("bpf", PF_PIN_DIR, "bpf", 0, "mode=0700") != 0) {
		int rc = -errno;

		snprintf(err, err_len,
			 "%s: dpdk.ports: net_af_xdp needs a BPF file system at %s "
			 "and it cannot be mounted: %s",
			 cfg->path, PF_PIN_DIR, strerror(errno));
		return rc;
	}
	/* A previous run's pins would be reused as they are: counters, learned
	 * addresses and all (and refused if the layout changed). */
	if (pf_ctl_unpin(PF_PIN_DIR) != 0) {
		int rc = -errno;

		snprintf(err, err_len, "%s: prefilter: cannot remove the old pins under %s: %s",
			 cfg->path, PF_PIN_DIR, strerror(errno));
		return rc;
	}
	return ctl_prefilter_port_args(cfg, err, err_len);
}

/* Adds (or removes) every configured server prefix. */
static int
servers(struct ctl_prefilter *p, const struct ctl_config *cfg, bool add)
{
	for (unsigned v = 0; v < cfg->n_vendors; v++)
		for (unsigned i = 0; i < cfg->vendors[v].n_servers; i++) {
			const struct dp_prefix *sp = &cfg->vendors[v].servers[i];
			int rc = add ? pf_ctl_server_add(&p->maps, sp, PF_SRV_CONFIGURED)
				     : pf_ctl_server_del(&p->maps, sp, PF_SRV_CONFIGURED);

			if (rc)
				return rc;
		}
	return 0;
}

int
ctl_prefilter_open(const struct ctl_config *cfg, struct ctl_prefilter **out, char *err,
		   size_t err_len)
{
	struct ctl_prefilter *p = calloc(1, sizeof(*p));
	int rc;

	*out = NULL;
	if (p == NULL)
		return -ENOMEM;
	rc = pf_ctl_open_pinned(PF_PIN_DIR, &p->maps);
	if (rc) {
		snprintf(err, err_len,
			 "%s: prefilter: the maps net_af_xdp should have pinned under "
			 "%s cannot be opened: %s (is prefilter.program the AF_XDP "
			 "build, pf_xsk.bpf.o?)",
			 cfg->path, PF_PIN_DIR, strerror(-rc));
		free(p);
		return rc;
	}
	for (unsigned i = 0; rc == 0 && i < cfg->n_tcp_ports; i++)
		rc = pf_ctl_port_range_add(&p->maps, PF_PORT_TCP, cfg->tcp_ports[i].lo,
					   cfg->tcp_ports[i].hi);
	for (unsigned i = 0; rc == 0 && i < cfg->n_udp_ports; i++)
		rc = pf_ctl_port_range_add(&p->maps, PF_PORT_UDP, cfg->udp_ports[i].lo,
					   cfg->udp_ports[i].hi);
	if (rc == 0)
		rc = servers(p, cfg, true);
	if (rc) {
		snprintf(err, err_len, "%s: prefilter: cannot fill its maps: %s", cfg->path,
			 strerror(-rc));
		ctl_prefilter_close(p);
		return rc;
	}
	*out = p;
	return 0;
}

void
ctl_prefilter_close(struct ctl_prefilter *p)
{
	if (p == NULL)
		return;
	pf_ctl_close(&p->maps);
	free(p);
}

int
ctl_prefilter_servers(struct ctl_prefilter *p, const struct ctl_config *old,
		      const struct ctl_config *cfg)
{
	int rc;

	if (p == NULL)
		return 0;
	/* Old ones out first: a prefix in both ends up in. */
	rc = servers(p, old, false);
	return rc ? rc : servers(p, cfg, true);
}

void
ctl_prefilter_learned(struct ctl_prefilter *p, uint8_t family, const uint8_t *addr, uint32_t ttl)
{
	if (p != NULL && pf_ctl_learned_add(&p->maps, family, addr, ttl) != 0)
		p->learn_failed++;
}

void
ctl_prefilter_tick(struct ctl_prefilter *p, struct pf_counter *out)
{
	if (p == NULL)
		return;
	pf_ctl_learned_sweep(&p->maps);
	if (pf_ctl_stats(&p->maps, out) != 0)
		memset(out, 0, PF_REASON_COUNT * sizeof(*out));
}

uint64_t
ctl_prefilter_learn_failed(const struct ctl_prefilter *p)
{
	return p != NULL ? p->learn_failed : 0;
}
