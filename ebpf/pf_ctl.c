/* SPDX-License-Identifier: BSD-3-Clause */
#include "pf_ctl.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static const char *const reason_names[PF_REASON_COUNT] = {
    [PF_PASS_DNS] = "pass_dns",		  [PF_PASS_TCP_CONTROL] = "pass_tcp_control",
    [PF_PASS_TLS] = "pass_tls",		  [PF_PASS_TLS_REST] = "pass_tls_rest",
    [PF_PASS_HTTP] = "pass_http",	  [PF_PASS_QUIC] = "pass_quic",
    [PF_PASS_SERVER] = "pass_server",	  [PF_PASS_TUNNEL] = "pass_tunnel",
    [PF_DROP_TCP] = "drop_tcp",		  [PF_DROP_UDP] = "drop_udp",
    [PF_DROP_OTHER_L4] = "drop_other_l4", [PF_DROP_FRAGMENT] = "drop_fragment",
    [PF_DROP_NOT_IP] = "drop_not_ip",	  [PF_DROP_MALFORMED] = "drop_malformed",
};

const char *
pf_reason_name(enum pf_reason r)
{
	return (unsigned)r < PF_REASON_COUNT ? reason_names[r] : "unknown";
}

#define PF_CTL_MAPS 6

static const char *const pinned[PF_CTL_MAPS] = {"pf_stats",	 "pf_ports",	  "pf_servers_v4",
						"pf_servers_v6", "pf_learned_v4", "pf_learned_v6"};

int
pf_ctl_unpin(const char *dir)
{
	char path[PATH_MAX];

	for (int i = 0; i < PF_CTL_MAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, pinned[i]);
		if (unlink(path) != 0 && errno != ENOENT)
			return -errno;
	}
	return 0;
}

int
pf_ctl_open_pinned(const char *dir, struct pf_maps *m)
{
	int *fds[PF_CTL_MAPS] = {&m->stats, &m->ports, &m->v4, &m->v6, &m->learned4, &m->learned6};
	char path[PATH_MAX];

	for (int i = 0; i < PF_CTL_MAPS; i++)
		*fds[i] = -1;
	for (int i = 0; i < PF_CTL_MAPS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, pinned[i]);
		*fds[i] = bpf_obj_get(path);
		if (*fds[i] < 0) {
			int err = -errno;

			pf_ctl_close(m);
			return err;
		}
	}
	return 0;
}

void
pf_ctl_close(struct pf_maps *m)
{
	int *fds[PF_CTL_MAPS] = {&m->stats, &m->ports, &m->v4, &m->v6, &m->learned4, &m->learned6};

	for (int i = 0; i < PF_CTL_MAPS; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* Deletes every key of a hash or LPM trie map, each looked up afresh (a
 * deleted key's successor cannot be asked for). */
static int
clear_map(int fd, size_t key_size)
{
	uint8_t key[64];

	if (key_size > sizeof(key))
		return -EINVAL;
	while (bpf_map_get_next_key(fd, NULL, key) == 0)
		if (bpf_map_delete_elem(fd, key) != 0)
			return -errno;
	return 0;
}

int
pf_ctl_clear(const struct pf_maps *m)
{
	uint8_t zero = 0;
	int rc;

	/* pf_ports is an array: entries cannot go, they become 0. */
	for (uint32_t k = 0; k < 2 * 65536; k++)
		if (bpf_map_update_elem(m->ports, &k, &zero, BPF_ANY) != 0)
			return -errno;
	if ((rc = clear_map(m->v4, sizeof(struct pf_v4_key))) ||
	    (rc = clear_map(m->v6, sizeof(struct pf_v6_key))) || (rc = clear_map(m->learned4, 4)))
		return rc;
	return clear_map(m->learned6, sizeof(struct pf_v6_addr));
}

int
pf_ctl_port_add(const struct pf_maps *m, int proto_idx, uint16_t port)
{
	uint32_t key = (uint32_t)proto_idx * 65536 + port;
	uint8_t one = 1;

	if (proto_idx != PF_PORT_TCP && proto_idx != PF_PORT_UDP)
		return -EINVAL;
	return bpf_map_update_elem(m->ports, &key, &one, BPF_ANY) ? -errno : 0;
}

int
pf_ctl_port_range_add(const struct pf_maps *m, int proto_idx, uint16_t lo, uint16_t hi)
{
	int rc = lo > hi ? -EINVAL : 0;

	for (uint32_t port = lo; rc == 0 && port <= hi; port++)
		rc = pf_ctl_port_add(m, proto_idx, (uint16_t)port);
	return rc;
}

union server_key {
	struct pf_v4_key v4;
	struct pf_v6_key v6;
};

/* The map and key of a prefix. */
static int
server_key(const struct pf_maps *m, const struct dp_prefix *p, union server_key *k)
{
	memset(k, 0, sizeof(*k));
	if (p->family == 4) {
		k->v4.prefixlen = p->len;
		memcpy(k->v4.addr, p->addr, 4);
		return m->v4;
	}
	k->v6.prefixlen = p->len;
	memcpy(k->v6.addr, p->addr, 16);
	return m->v6;
}

static int
server_bits(const struct pf_maps *m, const struct dp_prefix *p, uint8_t add, uint8_t del)
{
	union server_key k;
	int fd = server_key(m, p, &k);
	uint8_t v = 0;

	if (bpf_map_lookup_elem(fd, &k, &v) != 0)
		v = 0;
	v = (uint8_t)((v | add) & ~del);
	if (v == 0)
		return bpf_map_delete_elem(fd, &k) == 0 || errno == ENOENT ? 0 : -errno;
	return bpf_map_update_elem(fd, &k, &v, BPF_ANY) ? -errno : 0;
}

int
pf_ctl_server_add(const struct pf_maps *m, const struct dp_prefix *p, uint8_t bits)
{
	return server_bits(m, p, bits, 0);
}

int
pf_ctl_server_del(const struct pf_maps *m, const struct dp_prefix *p, uint8_t bits)
{
	return server_bits(m, p, 0, bits);
}

/* CLOCK_MONOTONIC in ns: bpf_ktime_get_ns()'s clock. */
static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int
pf_ctl_learned_add(const struct pf_maps *m, uint8_t family, const uint8_t *addr, uint32_t ttl)
{
	uint64_t until = mono_ns() + (uint64_t)ttl * 1000000000ull, old;
	int fd = family == 4 ? m->learned4 : m->learned6;

	/* A later answer may shorten nothing: keep the later expiry. */
	if (bpf_map_lookup_elem(fd, addr, &old) == 0 && old > until)
		return 0;
	return bpf_map_update_elem(fd, addr, &until, BPF_ANY) ? -errno : 0;
}

/* Deletes the entries of one learned map past now; their count.  The
 * keys are gathered first: a deleted key has no successor to ask for. */
static int
sweep(int fd, size_t key_size, uint64_t now)
{
	uint8_t key[16], *gone = NULL;
	size_t n = 0, cap = 0;
	uint64_t until;
	int deleted = 0;
	bool first = true;

	while (bpf_map_get_next_key(fd, first ? NULL : key, key) == 0) {
		first = false;
		if (bpf_map_lookup_elem(fd, key, &until) != 0 || until > now)
			continue;
		if (n == cap) {
			uint8_t *more = realloc(gone, (cap = cap ? cap * 2 : 64) * key_size);

			if (more == NULL)
				break;
			gone = more;
		}
		memcpy(gone + n++ * key_size, key, key_size);
	}
	for (size_t i = 0; i < n; i++)
		deleted += bpf_map_delete_elem(fd, gone + i * key_size) == 0;
	free(gone);
	return deleted;
}

int
pf_ctl_learned_sweep(const struct pf_maps *m)
{
	uint64_t now = mono_ns();

	return sweep(m->learned4, 4, now) + sweep(m->learned6, 16, now);
}

int
pf_ctl_stats(const struct pf_maps *m, struct pf_counter *out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct pf_counter *per;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	per = calloc((size_t)ncpu, sizeof(*per));
	if (per == NULL)
		return -ENOMEM;
	for (uint32_t r = 0; r < PF_REASON_COUNT; r++) {
		if (bpf_map_lookup_elem(m->stats, &r, per) != 0) {
			int err = -errno;

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
