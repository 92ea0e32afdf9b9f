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

#include "ctl_hll.h"
#include "dp_types.h"

#include "ctl_persist_format.h"

/* ---- Reading: the whole file checked, then parsed with bounds ---- */

struct in {
	const uint8_t *p, *end;
	bool short_read;
};

static void
get(struct in *i, void *dst, size_t n)
{
	if (i->short_read || (size_t)(i->end - i->p) < n) {
		i->short_read = true;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, i->p, n);
	i->p += n;
}

#define GET(i, v) get((i), &(v), sizeof(v))

/* A list of names mapped onto current indexes (-1: gone). */
static int32_t *
get_names(struct in *in, uint32_t *n, uint32_t max, int32_t (*find)(const void *, const char *),
	  const void *ctx)
{
	int32_t *map;

	GET(in, *n);
	if (in->short_read || *n > max)
		return NULL;
	map = calloc(*n ? *n : 1, sizeof(*map));
	for (uint32_t k = 0; map && k < *n; k++) {
		char name[NAME_MAX_LEN + 1];
		uint16_t len;

		GET(in, len);
		if (len > NAME_MAX_LEN) {
			in->short_read = true;
			break;
		}
		get(in, name, len);
		name[len] = '\0';
		map[k] = find(ctx, name);
	}
	if (map && in->short_read) {
		free(map);
		map = NULL;
	}
	return map;
}

static int32_t
find_vendor(const void *ctx, const char *name)
{
	const struct ctl_config *cfg = ctx;

	for (unsigned v = 0; v < ctl_config_client_keys(cfg); v++) {
		char key[2 * CTL_NAME_LEN + 16];

		ctl_config_key_name(cfg, v, key, sizeof(key));
		if (strcmp(key, name) == 0)
			return (int32_t)v;
	}
	return -1;
}

static int32_t
find_signal(const void *ctx, const char *name)
{
	(void)ctx;
	for (unsigned s = 0; s < DP_SIG_COUNT; s++)
		if (strcmp(dp_signal_name(s), name) == 0)
			return (int32_t)s;
	return -1;
}

static int32_t
find_org(const void *ctx, const char *name)
{
	return ctl_orgs_find(ctx, name);
}

static void
msgf(struct ctl_persist_info *info, const char *fmt, ...)
{
	size_t used = strlen(info->msg);
	va_list ap;

	if (used >= sizeof(info->msg) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(info->msg + used, sizeof(info->msg) - used, fmt, ap);
	va_end(ap);
}

/* Reads and checks one generation into memory: 0, -ENOENT, or -EBADMSG
 * with the reason in why. */
/* The header's checks, then the whole file: a FIFO, a device or a
 * directory is never opened for a blocking read, and a file larger than
 * max is refused from its size before anything past the header is read. */
static int
load_file(const char *path, size_t max, uint8_t **buf, size_t *len, const char **why)
{
	uint8_t head[16], digest[DIGEST];
	uint32_t order, version;
	struct stat st;
	size_t got = 0;
	FILE *f;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	*buf = NULL;
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -EBADMSG;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*why = "not a regular file";
		return -EBADMSG;
	}
	f = fdopen(fd, "rb");
	if (f == NULL) {
		close(fd);
		*why = "unreadable";
		return -EBADMSG;
	}
	if (st.st_size < 8 + 8 + 16 + DIGEST || fread(head, 1, sizeof(head), f) != sizeof(head)) {
		fclose(f);
		*why = "truncated (shorter than a header)";
		return -EBADMSG;
	}
	memcpy(&order, head + 8, 4);
	memcpy(&version, head + 12, 4);
	if (memcmp(head, MAGIC, 8) != 0 || order != ORDER || version < 1 || version > VERSION) {
		fclose(f);
		*why = memcmp(head, MAGIC, 8) != 0 ? "not a tapcensus state file"
		       : order != ORDER		   ? "written on a machine of another byte order"
						   : "written by another version";
		return -EBADMSG;
	}
	if ((uint64_t)st.st_size > max) {
		fclose(f);
		*why = "larger than the state of this configuration can be";
		return -EBADMSG;
	}
	*len = (size_t)st.st_size;
	if ((*buf = malloc(*len)) != NULL) {
		memcpy(*buf, head, sizeof(head));
		got = sizeof(head) + fread(*buf + sizeof(head), 1, *len - sizeof(head), f);
	}
	fclose(f);
	if (*buf == NULL || got != *len) {
		*why = *buf == NULL ? "out of memory" : "short read";
		return -EBADMSG;
	}
	if (ctl_persist_sha256(*buf, *len - DIGEST, digest) != 0 ||
	    memcmp(digest, *buf + *len - DIGEST, DIGEST) != 0) {
		*why = "checksum mismatch (truncated or corrupt)";
		return -EBADMSG;
	}
	*len -= DIGEST;
	return 0;
}

/* The largest state this configuration could have written, twice over and
 * 64 MiB more (the table or capacities may have shrunk since): every
 * section at its bound. */
static size_t
max_state(const struct ctl_config *cfg, const struct ctl_orgs *orgs)
{
	size_t names = ((size_t)cfg->n_vendors + orgs->n_orgs + DP_SIG_COUNT) * (NAME_MAX_LEN + 4);
	size_t counters = (size_t)orgs->n_orgs * cfg->n_vendors * DP_SIG_COUNT *
			  (4 + 2 + 2 + sizeof(struct dp_org_ctr));
	size_t clients = (size_t)cfg->client_capacity * (sizeof(struct dp_client_event) + 5);
	size_t learned = (size_t)cfg->worker.learned_capacity * (1 + 16 + 8 + 4);
	size_t unlisted = (size_t)CTL_UNLISTED_NAMES * (2 + 8 + 8 + 2 + NAME_MAX_LEN);
	size_t census =
	    (size_t)CTL_CENSUS_KEEP_MAX * (4 + 4 + 2 * NAME_MAX_LEN + 2 + CTL_HLL_PACKED_MAX) +
	    (size_t)orgs->n_orgs * cfg->n_groups * DP_SIG_COUNT * (4 + 2 * NAME_MAX_LEN + 1 + 8);

	return 2 * (4096 + names + sizeof(struct dp_wstats) + counters + clients + learned +
		    unlisted + census) +
	       (64u << 20);
}

/* A name of at most NAME_MAX_LEN bytes into out (cap > NAME_MAX_LEN). */
static void
get_name(struct in *in, char *out, size_t cap)
{
	uint16_t len;

	GET(in, len);
	if (len > NAME_MAX_LEN || len >= cap) {
		in->short_read = true;
		out[0] = '\0';
		return;
	}
	get(in, out, len);
	out[len] = '\0';
}

/* Version 3: the census's unsent sketches and session totals (version 5:
 * with their name-only totals, 0 before; version 6: after the key's
 * fingerprint); those of an organisation no longer in the table are
 * dropped (counted).  -EKEYREJECTED, told, when the sketches were made
 * with another key than the census's: merged, every client would count
 * twice. */
static int
get_census(struct in *in, uint32_t version, const struct ctl_orgs *orgs, struct ctl_census *census,
	   struct ctl_persist_info *info)
{
	char fp[NAME_MAX_LEN + 1] = "";
	uint64_t n;

	if (version >= 6)
		get_name(in, fp, sizeof(fp));
	GET(in, n);
	if (n > 0 && census != NULL && fp[0] != '\0' && !in->short_read &&
	    strcmp(fp, ctl_census_fingerprint(census)) != 0) {
		msgf(info,
		     "%" PRIu64 " unsent census sketches were made with the client-hash key "
		     "of fingerprint %s; census.key_file gives %s: put the old key back "
		     "until they are pushed, or move the state aside (they are then "
		     "lost); docs/census.md: key rotation\n",
		     n, fp, ctl_census_fingerprint(census));
		return -EKEYREJECTED;
	}
	for (uint64_t k = 0; k < n && !in->short_read; k++) {
		char org[NAME_MAX_LEN + 1], vendor[NAME_MAX_LEN + 1];
		uint8_t b[CTL_HLL_PACKED_MAX];
		uint32_t day;
		uint16_t len;
		int32_t o;

		GET(in, day);
		get_name(in, org, sizeof(org));
		get_name(in, vendor, sizeof(vendor));
		GET(in, len);
		if (in->short_read || len > sizeof(b)) {
			in->short_read = true;
			return 0; /* a short read: apply refuses it */
		}
		get(in, b, len);
		o = ctl_orgs_find(orgs, org);
		if (census == NULL || o <= 0 ||
		    ctl_census_import_sketch(census, &orgs->orgs[o], vendor, day, b, len) != 0)
			info->dropped++;
		else
			info->sketches++;
	}
	GET(in, n);
	for (uint64_t k = 0; k < n && !in->short_read; k++) {
		char org[NAME_MAX_LEN + 1], vendor[NAME_MAX_LEN + 1];
		uint64_t prev, prev_name_only = 0;
		uint8_t sig;

		get_name(in, org, sizeof(org));
		get_name(in, vendor, sizeof(vendor));
		GET(in, sig);
		GET(in, prev);
		if (version >= 5)
			GET(in, prev_name_only);
		if (!in->short_read && census != NULL && sig < DP_SIG_COUNT)
			ctl_census_import_total(census, org, vendor, sig, prev, prev_name_only);
	}
	return 0;
}

static int
apply(const uint8_t *buf, size_t len, const struct ctl_config *cfg, const struct ctl_orgs *orgs,
      struct ctl_snapshot *snap, struct ctl_clients *clients, struct dp_learned *learned,
      const struct ctl_census_feed *feed, uint32_t now, struct ctl_persist_info *info)
{
	struct in in = {buf + 16, buf + len, false};
	int32_t *vmap = NULL, *omap = NULL, *smap = NULL;
	uint32_t nv = 0, no = 0, ns = 0, nt, nc, version;
	uint64_t n64, tot[sizeof(snap->base) / sizeof(uint64_t)] = {0};
	int rc = -EBADMSG;

	memcpy(&version, buf + 12, 4);
	GET(&in, info->written);
	GET(&in, info->packets);
	if ((vmap = get_names(&in, &nv, 2 * DP_MAX_VENDORS, find_vendor, cfg)) == NULL ||
	    (omap = get_names(&in, &no, CTL_ORGS_MAX, find_org, orgs)) == NULL ||
	    (smap = get_names(&in, &ns, 64, find_signal, NULL)) == NULL)
		goto out;
	GET(&in, nt);
	if (in.short_read || nt > 4096)
		goto out;
	for (uint32_t k = 0; k < nt; k++) {
		uint64_t v;

		GET(&in, v);
		if (k < sizeof(tot) / sizeof(tot[0]))
			tot[k] = v;
	}
	if (nt > sizeof(tot) / sizeof(tot[0]))
		msgf(info,
		     "dataplane totals were written by a build with %u counters, this one "
		     "has %zu: totals start from zero; organisation counters are kept\n",
		     nt, sizeof(tot) / sizeof(tot[0]));
	else if (nt < sizeof(tot) / sizeof(tot[0]))
		msgf(info,
		     "dataplane totals were written by a build with %u counters, this one "
		     "has %zu: the newer ones start from zero\n",
		     nt, sizeof(tot) / sizeof(tot[0]));
	GET(&in, nc);
	for (uint32_t k = 0; k < nc && !in.short_read; k++) {
		uint32_t g;
		uint16_t v, s;
		struct dp_org_ctr c;
		struct dp_org_ctr *b;

		GET(&in, g);
		GET(&in, v);
		GET(&in, s);
		/* Before format 4 a counter ended before name_only. */
		memset(&c, 0, sizeof(c));
		get(&in, &c, version >= 4 ? sizeof(c) : offsetof(struct dp_org_ctr, name_only));
		if (in.short_read || g >= no || v >= nv || s >= ns)
			goto out;
		if (omap[g] < 0 || vmap[v] < 0 || smap[s] < 0 ||
		    (unsigned)vmap[v] >= snap->n_vendors /* a product key: no counters */) {
			info->dropped++;
			continue;
		}
		b = &snap->base_ctr[((size_t)omap[g] * snap->n_vendors + (unsigned)vmap[v]) *
					DP_SIG_COUNT +
				    (unsigned)smap[s]];
		dp_org_ctr_add(b, &c);
		info->counters++;
	}
	GET(&in, n64);
	for (uint64_t k = 0; k < n64 && !in.short_read; k++) {
		struct dp_client_event e;
		uint32_t seen;

		uint8_t unverified, vendor, flags = 0;

		GET(&in, e);
		GET(&in, seen);
		if (version >= 6) /* a client restored from an earlier state: name-only */
			GET(&in, flags);
		unverified = e.vendor & DP_CLIENT_UNVERIFIED;
		vendor = e.vendor & (uint8_t)~DP_CLIENT_UNVERIFIED;
		if (in.short_read || e.org >= no || vendor >= nv ||
		    (e.family != 4 && e.family != 6))
			goto out;
		if (omap[e.org] < 0 || vmap[vendor] < 0) {
			info->dropped++;
			continue;
		}
		e.org = (uint32_t)omap[e.org];
		e.vendor = (uint8_t)vmap[vendor] | unverified;
		if (ctl_clients_add(clients, &e, seen, (flags & 1) != 0) >= 0)
			info->clients++;
		ctl_census_feed_client(feed, &e, seen);
	}
	GET(&in, n64);
	for (uint64_t k = 0; k < n64 && !in.short_read; k++) {
		uint8_t fam, addr[16];
		uint64_t fv, vendors = 0;
		uint32_t expires;

		GET(&in, fam);
		get(&in, addr, 16);
		GET(&in, fv);
		GET(&in, expires);
		if (in.short_read)
			goto out;
		for (uint32_t v = 0; v < nv && v < 64; v++)
			if ((fv >> v & 1) && vmap[v] >= 0 && (unsigned)vmap[v] < cfg->n_vendors)
				vendors |= 1ull << vmap[v];
		if (vendors == 0 || expires <= now) {
			info->dropped += vendors == 0;
			continue;
		}
		dp_learned_add(learned, fam, addr, vendors, expires, now);
		info->learned++;
	}
	if (version >= 2) {
		uint64_t replaced;

		GET(&in, n64);
		for (uint64_t k = 0; k < n64 && !in.short_read; k++) {
			struct dp_name_event ev = {0};
			uint64_t count, error;
			uint16_t vd, nl;

			GET(&in, vd);
			GET(&in, count);
			GET(&in, error);
			GET(&in, nl);
			if (in.short_read || vd >= nv || nl > DP_NAME_EVENT_MAX)
				goto out;
			get(&in, ev.name, nl);
			if (vmap[vd] < 0 || (unsigned)vmap[vd] >= cfg->n_vendors ||
			    !cfg->vendors[vmap[vd]].fallback) {
				info->dropped++;
				continue;
			}
			ev.vendor = (uint8_t)vmap[vd];
			ev.len = (uint8_t)nl;
			ctl_unlisted_restore(&snap->unlisted, &ev, count, error);
		}
		GET(&in, replaced);
		snap->unlisted.replaced += replaced;
	}
	if (version >= 3 &&
	    (rc = get_census(&in, version, orgs, feed ? feed->census : NULL, info)) != 0)
		goto out;
	rc = -EBADMSG;
	if (in.short_read || in.p != in.end)
		goto out;
	if (nt <= sizeof(tot) / sizeof(tot[0])) { /* counters are only ever appended */
		memcpy(&snap->base, tot, sizeof(tot));
		/* Flows held at the stop are gone: they leave the table here. */
		snap->base.flow.restarted += snap->base.flow.created - snap->base.flow.ended -
					     snap->base.flow.idle - snap->base.flow.hard -
					     snap->base.flow.evicted - snap->base.flow.restarted;
	}
	if (info->dropped)
		msgf(info,
		     "%" PRIu64 " entries name organisations or vendors no longer "
		     "configured: not restored\n",
		     info->dropped);
	rc = 0;
out:
	free(vmap);
	free(omap);
	free(smap);
	return rc;
}

int
ctl_persist_restore(const char *dir, const struct ctl_config *cfg, const struct ctl_orgs *orgs,
		    struct ctl_snapshot *snap, struct ctl_clients *clients,
		    struct dp_learned *learned, const struct ctl_census_feed *feed, uint32_t now,
		    struct ctl_persist_info *info)
{
	static const char *const names[2] = {"state", "state.1"};
	char damaged[PATH_MAX] = "";
	int missing = 0;

	memset(info, 0, sizeof(*info));
	for (int g = 0; g < 2; g++) {
		char path[PATH_MAX];
		const char *why = "unreadable";
		uint8_t *buf;
		size_t len;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", dir, names[g]);
		rc = load_file(path, max_state(cfg, orgs), &buf, &len, &why);
		if (rc == 0 && (rc = apply(buf, len, cfg, orgs, snap, clients, learned, feed, now,
					   info)) != 0) {
			free(buf);
			if (rc == -EKEYREJECTED) {
				msgf(info, "%s: refused: its census sketches are of another key\n",
				     path);
				return rc;
			}
			/* Checked, yet not as this build reads it: part of it may be
			 * applied already, so no fallback; the operator decides. */
			msgf(info,
			     "%s: checksum good but contents inconsistent; move it aside to "
			     "start\n",
			     path);
			return -EBADMSG;
		}
		free(buf);
		if (rc == 0 && damaged[0] != '\0') {
			/* Out of the rotation: the next write would move it over
			 * the generation just restored. */
			char aside[PATH_MAX + 16];

			snprintf(aside, sizeof(aside), "%s.damaged", damaged);
			if (rename(damaged, aside) == 0)
				msgf(info, "%s: moved to %s, so the next write keeps %s\n", damaged,
				     aside, path);
			else
				msgf(info,
				     "%s: cannot move it aside (%s): the next write will rotate "
				     "it over %s\n",
				     damaged, strerror(errno), path);
		}
		if (rc == 0) {
			info->restored = g + 1;
			msgf(info,
			     "restored %s (written %" PRIu64 ", %" PRIu64 " packets): %" PRIu64
			     " counter sets, %" PRIu64 " clients, %" PRIu64
			     " learned addresses, %" PRIu64 " unsent census sketches\n",
			     path, info->written, info->packets, info->counters, info->clients,
			     info->learned, info->sketches);
			return 0;
		}
		if (rc == -ENOENT) {
			missing++;
			continue;
		}
		msgf(info, "%s: %s; %s\n", path, why,
		     g == 0 ? "trying the previous generation"
			    : "move the files aside to start from zero");
		if (g == 0)
			snprintf(damaged, sizeof(damaged), "%s", path);
	}
	if (missing == 2) {
		msgf(info, "%s: no state yet: counting from zero\n", dir);
		return 0;
	}
	return -EBADMSG;
}

/* Parks one organisation the state names and the table does not list. */
static int32_t
park_missing(const void *ctx, const char *id)
{
	struct ctl_orgs *orgs = (struct ctl_orgs *)(uintptr_t)ctx;
	struct ctl_org org = {.country = "ZZ", .sector = "unknown"};
	uint32_t idx;

	size_t len = strlen(id);

	if (ctl_orgs_find(orgs, id) >= 0)
		return 0;
	if (len >= sizeof(org.id))
		return -1; /* longer than any organisation id: not one of ours */
	memcpy(org.id, id, len + 1);
	snprintf(org.name, sizeof(org.name), "(not in the organisation table)");
	return ctl_orgs_park(orgs, &org, &idx) == 0 ? 1 : -1;
}

int
ctl_persist_park(const char *dir, const struct ctl_config *cfg, struct ctl_orgs *orgs)
{
	static const char *const names[2] = {"state", "state.1"};

	for (int g = 0; g < 2; g++) {
		char path[PATH_MAX];
		const char *why;
		uint8_t *buf;
		size_t len;
		uint32_t nv = 0, no = 0;
		int32_t *vmap, *omap = NULL;
		int parked = 0;

		snprintf(path, sizeof(path), "%s/%s", dir, names[g]);
		if (load_file(path, max_state(cfg, orgs), &buf, &len, &why) != 0)
			continue;
		{
			struct in in = {buf + 16, buf + len, false};
			uint64_t skip;

			GET(&in, skip); /* written */
			GET(&in, skip); /* packets */
			vmap = get_names(&in, &nv, 2 * DP_MAX_VENDORS, find_vendor, cfg);
			if (vmap != NULL)
				omap = get_names(&in, &no, CTL_ORGS_MAX, park_missing, orgs);
			for (uint32_t k = 0; omap && k < no; k++) {
				if (omap[k] < 0) {
					parked = -ENOMEM;
					break;
				}
				parked += omap[k];
			}
			free(vmap);
			free(omap);
		}
		free(buf);
		return parked;
	}
	return 0;
}
