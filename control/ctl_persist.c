/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_persist.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dp_types.h"

#include "ctl_persist_format.h"

/* ---- Writing: a growing buffer, hashed and written at once ---- */

struct out {
	uint8_t *b;
	size_t len, cap;
	bool oom;
};

static void
put(struct out *o, const void *p, size_t n)
{
	if (o->oom)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 1u << 16;
		uint8_t *nb;

		while (cap < o->len + n)
			cap *= 2;
		if ((nb = realloc(o->b, cap)) == NULL) {
			o->oom = true;
			return;
		}
		o->b = nb;
		o->cap = cap;
	}
	memcpy(o->b + o->len, p, n);
	o->len += n;
}

#define PUT(o, v) put((o), &(v), sizeof(v))

static void
put_name(struct out *o, const char *s)
{
	size_t len = strlen(s);
	uint16_t n = (uint16_t)(len > NAME_MAX_LEN ? NAME_MAX_LEN : len);

	PUT(o, n);
	put(o, s, n);
}

static int
put_client(void *arg, const struct dp_client_event *k, uint32_t seen, bool corroborated)
{
	struct out *o = arg;
	uint8_t flags = corroborated;

	put(o, k, sizeof(*k));
	PUT(o, seen);
	PUT(o, flags);
	return o->oom ? -ENOMEM : 0;
}

static int
count_learned(void *arg, const struct dp_learned_entry *e)
{
	(void)e;
	(*(uint64_t *)arg)++;
	return 0;
}

static int
put_learned(void *arg, const struct dp_learned_entry *e)
{
	struct out *o = arg;

	PUT(o, e->family);
	put(o, e->addr, 16);
	PUT(o, e->vendors);
	PUT(o, e->expires);
	return 0;
}

/* The census's export, in two passes (count, then the entries). */
static void
count_sketch(void *arg, uint32_t day, const char *org, const char *vendor, const uint8_t *b,
	     size_t len)
{
	(void)day, (void)org, (void)vendor, (void)b, (void)len;
	(*(uint64_t *)arg)++;
}

static void
count_total(void *arg, const char *org, const char *vendor, unsigned sig, uint64_t prev,
	    uint64_t prev_name_only)
{
	(void)org, (void)vendor, (void)sig, (void)prev, (void)prev_name_only;
	(*(uint64_t *)arg)++;
}

static void
skip_sketch(void *arg, uint32_t day, const char *org, const char *vendor, const uint8_t *b,
	    size_t len)
{
	(void)arg, (void)day, (void)org, (void)vendor, (void)b, (void)len;
}

static void
skip_total(void *arg, const char *org, const char *vendor, unsigned sig, uint64_t prev,
	   uint64_t prev_name_only)
{
	(void)arg, (void)org, (void)vendor, (void)sig, (void)prev, (void)prev_name_only;
}

static void
put_sketch(void *arg, uint32_t day, const char *org, const char *vendor, const uint8_t *b,
	   size_t len)
{
	struct out *o = arg;
	uint16_t n = (uint16_t)len;

	PUT(o, day);
	put_name(o, org);
	put_name(o, vendor);
	PUT(o, n);
	put(o, b, len);
}

static void
put_total(void *arg, const char *org, const char *vendor, unsigned sig, uint64_t prev,
	  uint64_t prev_name_only)
{
	struct out *o = arg;
	uint8_t sg = (uint8_t)sig;

	put_name(o, org);
	put_name(o, vendor);
	PUT(o, sg);
	PUT(o, prev);
	PUT(o, prev_name_only);
}

static void
serialise(struct out *o, const struct ctl_persist_src *s, uint64_t now)
{
	const struct ctl_snapshot *sn = s->snap;
	uint32_t u32 = ORDER, n = 0;
	uint64_t u64;
	const uint64_t *tot = (const uint64_t *)&sn->total;
	const struct dp_learned *l = s->learned;

	put(o, MAGIC, 8);
	PUT(o, u32);
	u32 = VERSION;
	PUT(o, u32);
	PUT(o, now);
	u64 = sn->total.rx_pkts;
	PUT(o, u64);
	/* Names of the client keys: the vendor roles (the counters' too), then
	 * each vendor's product use. */
	u32 = ctl_config_client_keys(s->cfg);
	PUT(o, u32);
	for (unsigned v = 0; v < u32; v++) {
		char key[2 * CTL_NAME_LEN + 16];

		ctl_config_key_name(s->cfg, v, key, sizeof(key));
		put_name(o, key);
	}
	PUT(o, s->orgs->n_orgs);
	for (unsigned g = 0; g < s->orgs->n_orgs; g++)
		put_name(o, s->orgs->orgs[g].id);
	u32 = DP_SIG_COUNT;
	PUT(o, u32);
	for (unsigned g = 0; g < DP_SIG_COUNT; g++)
		put_name(o, dp_signal_name(g));
	u32 = sizeof(sn->total) / sizeof(uint64_t);
	PUT(o, u32);
	put(o, tot, sizeof(sn->total));

	for (size_t i = 0; i < (size_t)sn->n_orgs * sn->n_vendors * DP_SIG_COUNT; i++)
		n += sn->ctr[i].sessions != 0 || sn->ctr[i].pkts[0] != 0 || sn->ctr[i].pkts[1] != 0;
	PUT(o, n);
	for (uint32_t g = 0; g < sn->n_orgs; g++)
		for (uint16_t v = 0; v < sn->n_vendors; v++)
			for (uint16_t sig = 0; sig < DP_SIG_COUNT; sig++) {
				const struct dp_org_ctr *c = ctl_snapshot_ctr(sn, g, v, sig);

				if (c->sessions == 0 && c->pkts[0] == 0 && c->pkts[1] == 0)
					continue;
				PUT(o, g);
				PUT(o, v);
				PUT(o, sig);
				put(o, c, sizeof(*c));
			}

	u64 = ctl_clients_entries(s->clients);
	PUT(o, u64);
	ctl_clients_iterate(s->clients, put_client, o);

	u64 = 0;
	if (l != NULL)
		dp_learned_iterate(l, count_learned, &u64);
	PUT(o, u64);
	if (l != NULL)
		dp_learned_iterate(l, put_learned, o);

	/* The unlisted names: vendor role, count, error, name. */
	u64 = s->snap->unlisted.n;
	PUT(o, u64);
	for (unsigned i = 0; i < s->snap->unlisted.n; i++) {
		const struct ctl_unlisted_entry *e = &s->snap->unlisted.e[i];
		uint16_t vd = e->vendor;

		PUT(o, vd);
		PUT(o, e->count);
		PUT(o, e->error);
		put_name(o, e->name);
	}
	PUT(o, s->snap->unlisted.replaced);

	/* The census: the key's fingerprint (version 6), unsent sketches, then
	 * the session totals last pushed. */
	put_name(o, s->census != NULL ? ctl_census_fingerprint(s->census) : "");
	u64 = 0;
	if (s->census != NULL)
		ctl_census_export(s->census, count_sketch, skip_total, &u64);
	PUT(o, u64);
	if (s->census != NULL)
		ctl_census_export(s->census, put_sketch, skip_total, o);
	u64 = 0;
	if (s->census != NULL)
		ctl_census_export(s->census, skip_sketch, count_total, &u64);
	PUT(o, u64);
	if (s->census != NULL)
		ctl_census_export(s->census, skip_sketch, put_total, o);
}

static int
write_all(int fd, const uint8_t *b, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -errno;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int
ctl_persist_write(const char *dir, const struct ctl_persist_src *s, uint64_t now, char *err,
		  size_t err_len)
{
	char cur[PATH_MAX], prev[PATH_MAX], tmp[PATH_MAX];
	uint8_t digest[DIGEST];
	struct out o = {0};
	int fd = -1, dfd = -1, rc;

	snprintf(cur, sizeof(cur), "%s/state", dir);
	snprintf(prev, sizeof(prev), "%s/state.1", dir);
	snprintf(tmp, sizeof(tmp), "%s/state.tmp", dir);
	serialise(&o, s, now);
	if (o.oom || ctl_persist_sha256(o.b, o.len, digest) != 0) {
		rc = -ENOMEM;
		snprintf(err, err_len, "%s: out of memory serialising the state", tmp);
		goto out;
	}
	put(&o, digest, sizeof(digest));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (rc = write_all(fd, o.b, o.len)) != 0 || fsync(fd) != 0) {
		rc = -errno;
		snprintf(err, err_len, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	if ((rename(cur, prev) != 0 && errno != ENOENT) || rename(tmp, cur) != 0) {
		rc = -errno;
		snprintf(err, err_len, "%s: cannot rename into place: %s", cur, strerror(errno));
		goto out;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) != 0) {
		rc = -errno;
		snprintf(err, err_len, "%s: cannot sync the directory: %s", dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	free(o.b);
	return rc;
}
