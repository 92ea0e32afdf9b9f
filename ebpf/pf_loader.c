/* SPDX-License-Identifier: BSD-3-Clause */
#include "pf_loader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pf.skel.h"

struct pf_loader {
	struct pf *skel;
	struct pf_maps maps;
};

static const char *const reason_names[PF_REASON_COUNT] = {
	[PF_PASS_DNS] = "pass_dns",         [PF_PASS_TCP_CONTROL] = "pass_tcp_control",
	[PF_PASS_TLS] = "pass_tls",         [PF_PASS_TLS_REST] = "pass_tls_rest",
	[PF_PASS_HTTP] = "pass_http",       [PF_PASS_QUIC] = "pass_quic",
	[PF_PASS_SERVER] = "pass_server",   [PF_PASS_TUNNEL] = "pass_tunnel",
	[PF_DROP_TCP] = "drop_tcp",         [PF_DROP_UDP] = "drop_udp",
	[PF_DROP_OTHER_L4] = "drop_other_l4", [PF_DROP_FRAGMENT] = "drop_fragment",
	[PF_DROP_NOT_IP] = "drop_not_ip",   [PF_DROP_MALFORMED] = "drop_malformed",
};

const char *
pf_reason_name(enum pf_reason r)
{
	return (unsigned)r < PF_REASON_COUNT ? reason_names[r] : "unknown";
}

struct pf_loader *
pf_loader_open(bool redirect_xsk)
{
	struct pf_loader *pf = calloc(1, sizeof(*pf));
	int err;

	if (pf == NULL)
		return NULL;
	pf->skel = pf__open();
	if (pf->skel == NULL) {
		err = -errno;
		goto err_free;
	}
	pf->skel->rodata->redirect_xsk = redirect_xsk;
	err = pf__load(pf->skel);
	if (err)
		goto err_destroy;
	return pf;

err_destroy:
	pf__destroy(pf->skel);
err_free:
	free(pf);
	errno = err < 0 ? -err : EINVAL;
	return NULL;
}

void
pf_loader_destroy(struct pf_loader *pf)
{
	if (pf == NULL)
		return;
	pf__destroy(pf->skel);
	free(pf);
}

const struct pf_maps *
pf_loader_maps(struct pf_loader *pf)
{
	pf->maps.stats = bpf_map__fd(pf->skel->maps.pf_stats);
	pf->maps.ports = bpf_map__fd(pf->skel->maps.pf_ports);
	pf->maps.v4 = bpf_map__fd(pf->skel->maps.pf_servers_v4);
	pf->maps.v6 = bpf_map__fd(pf->skel->maps.pf_servers_v6);
	pf->maps.learned4 = bpf_map__fd(pf->skel->maps.pf_learned_v4);
	pf->maps.learned6 = bpf_map__fd(pf->skel->maps.pf_learned_v6);
	return &pf->maps;
}

int
pf_loader_prog_fd(const struct pf_loader *pf)
{
	return bpf_program__fd(pf->skel->progs.tc_prefilter);
}

int
pf_loader_run(const struct pf_loader *pf, const void *frame, uint32_t len, uint32_t repeat,
	      uint32_t *retval, uint32_t *ns)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len, .repeat = repeat);
	int err = bpf_prog_test_run_opts(pf_loader_prog_fd(pf), &o);

	if (err)
		return -errno;
	if (retval != NULL)
		*retval = o.retval;
	if (ns != NULL)
		*ns = o.duration;
	return 0;
}
