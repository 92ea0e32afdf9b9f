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
	return bpf_program__fd(pf->skel->progs.xdp_prefilter);
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
