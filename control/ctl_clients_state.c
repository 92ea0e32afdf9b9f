/* SPDX-License-Identifier: BSD-3-Clause */
/* The client sets' section of the state file (ctl_clients.h, ctl_state.h). */
#include "ctl_clients.h"

#include <errno.h>

static int
put_client(void *arg, const struct dp_client_event *k, uint32_t seen, bool corroborated)
{
	struct ctl_state_out *o = arg;
	uint8_t flags = corroborated;

	ctl_state_put(o, k, sizeof(*k));
	CTL_STATE_PUT(o, seen);
	CTL_STATE_PUT(o, flags);
	return o->oom ? -ENOMEM : 0;
}

void
ctl_clients_state_write(struct ctl_state_out *o, const struct ctl_clients *c)
{
	uint64_t n = ctl_clients_entries(c);

	CTL_STATE_PUT(o, n);
	ctl_clients_iterate(c, put_client, o);
}

int
ctl_clients_state_read(struct ctl_state_in *in, struct ctl_clients *c,
		       void (*each)(void *arg, const struct dp_client_event *ev, uint32_t seen),
		       void *arg, uint64_t *restored)
{
	uint64_t n;

	CTL_STATE_GET(in, n);
	for (uint64_t k = 0; k < n && !in->short_read; k++) {
		struct dp_client_event e;
		uint32_t seen;
		uint8_t unverified, vendor, flags = 0;

		CTL_STATE_GET(in, e);
		CTL_STATE_GET(in, seen);
		if (in->version >= 6) /* a client restored from an earlier state: name-only */
			CTL_STATE_GET(in, flags);
		unverified = e.vendor & DP_CLIENT_UNVERIFIED;
		vendor = e.vendor & (uint8_t)~DP_CLIENT_UNVERIFIED;
		if (in->short_read || e.org >= in->no || vendor >= in->nv ||
		    (e.family != 4 && e.family != 6))
			return -EBADMSG;
		if (in->omap[e.org] < 0 || in->vmap[vendor] < 0) {
			in->dropped++;
			continue;
		}
		e.org = (uint32_t)in->omap[e.org];
		e.vendor = (uint8_t)in->vmap[vendor] | unverified;
		if (ctl_clients_add(c, &e, seen, (flags & 1) != 0) >= 0)
			(*restored)++;
		if (each != NULL)
			each(arg, &e, seen);
	}
	return 0;
}
