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

int
pf_loader_port_add(struct pf_loader *pf, int proto_idx, uint16_t port)
{
	__u32 key = (__u32)proto_idx * 65536 + port;
	__u8 one = 1;

	if (proto_idx != PF_PORT_TCP && proto_idx != PF_PORT_UDP)
		return -EINVAL;
	return bpf_map__update_elem(pf->skel->maps.pf_ports, &key, sizeof(key), &one, 1, BPF_ANY);
}

static int
server_op(struct pf_loader *pf, const struct dp_prefix *p, bool add)
{
	__u8 one = 1;

	if (p->family == 4) {
		struct pf_v4_key k = {.prefixlen = p->len};

		memcpy(k.addr, p->addr, 4);
		return add ? bpf_map__update_elem(pf->skel->maps.pf_servers_v4, &k, sizeof(k), &one,
						  1, BPF_ANY)
			   : bpf_map__delete_elem(pf->skel->maps.pf_servers_v4, &k, sizeof(k), 0);
	}
	struct pf_v6_key k = {.prefixlen = p->len};

	memcpy(k.addr, p->addr, 16);
	return add ? bpf_map__update_elem(pf->skel->maps.pf_servers_v6, &k, sizeof(k), &one, 1,
					  BPF_ANY)
		   : bpf_map__delete_elem(pf->skel->maps.pf_servers_v6, &k, sizeof(k), 0);
}

int
pf_loader_server_add(struct pf_loader *pf, const struct dp_prefix *p)
{
	return server_op(pf, p, true);
}

int
pf_loader_server_del(struct pf_loader *pf, const struct dp_prefix *p)
{
	return server_op(pf, p, false);
}

int
pf_loader_stats(struct pf_loader *pf, struct pf_counter *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct pf_counter *per;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	per = calloc((size_t)ncpu, sizeof(*per));
	if (per == NULL)
		return -ENOMEM;
	for (__u32 r = 0; r < PF_REASON_COUNT; r++) {
		int err = bpf_map__lookup_elem(pf->skel->maps.pf_stats, &r, sizeof(r), per,
					       sizeof(*per) * (size_t)ncpu, 0);

		if (err) {
			free(per);
			return err;
		}
		out[r].packets = out[r].bytes = 0;
		for (int c = 0; c < ncpu; c++) {
			out[r].packets += per[c].packets;
			out[r].bytes += per[c].bytes;
		}
	}
	free(per);
	return 0;
}

int
pf_loader_prog_fd(const struct pf_loader *pf)
{
	return bpf_program__fd(pf->skel->progs.tc_prefilter);
}
