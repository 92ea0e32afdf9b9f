/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_persist.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl_hll.h"
#include "dp_types.h"

#include "ctl_persist_format.h"
#include "ctl_state.h"
#include "ctl_workers.h"

/* ---- Reading: the whole file checked, then parsed with bounds ---- */

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

/* Reads and checks one generation into memory: 0 (*buf the caller's to
 * free), -ENOENT, or -EBADMSG with the reason in why (*buf NULL).
 * The header's checks, then the whole file: a FIFO, a device or a
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
		goto err_buf;
	}
	if (ctl_persist_sha256(*buf, *len - DIGEST, digest) != 0 ||
	    memcmp(digest, *buf + *len - DIGEST, DIGEST) != 0) {
		*why = "checksum mismatch (truncated or corrupt)";
		goto err_buf;
	}
	*len -= DIGEST;
	return 0;

err_buf:
	free(*buf);
	*buf = NULL;
	return -EBADMSG;
}

/* The largest state this configuration could have written, twice over and
 * 64 MiB more (the table or capacities may have shrunk since): every
 * section at its bound. */
static size_t
max_state(const struct ctl_config *cfg, const struct ctl_orgs *orgs)
{
	size_t names =
	    ((size_t)cfg->n_vendors + orgs->n_orgs + DP_SIG_COUNT) * (CTL_STATE_NAME_MAX + 4);
	size_t counters = (size_t)orgs->n_orgs * cfg->n_vendors * DP_SIG_COUNT *
			  (4 + 2 + 2 + sizeof(struct dp_org_ctr));
	size_t clients = (size_t)cfg->client_capacity * (sizeof(struct dp_client_event) + 5);
	size_t learned = (size_t)cfg->worker.learned_capacity * (1 + 16 + 8 + 4);
	size_t unlisted = (size_t)CTL_UNLISTED_NAMES * (2 + 8 + 8 + 2 + CTL_STATE_NAME_MAX);
	size_t census = (size_t)CTL_CENSUS_KEEP_MAX *
			    (4 + 4 + 2 * CTL_STATE_NAME_MAX + 2 + CTL_HLL_PACKED_MAX) +
			(size_t)orgs->n_orgs * cfg->n_groups * DP_SIG_COUNT *
			    (4 + 2 * CTL_STATE_NAME_MAX + 1 + 8);

	return 2 * (4096 + names + sizeof(struct dp_wstats) + counters + clients + learned +
		    unlisted + census) +
	       (64u << 20);
}

/* Each restored client: to the census too, in the running index space. */
static void
feed_client(void *arg, const struct dp_client_event *ev, uint32_t seen)
{
	ctl_census_feed_client(arg, ev, seen);
}

/* The name lists, then each module's section in the file's order
 * (ctl_state.h); 0, -EBADMSG, or -EKEYREJECTED (the census's, told). */
static int
apply(const uint8_t *buf, size_t len, const struct ctl_config *cfg, const struct ctl_orgs *orgs,
      struct ctl_snapshot *snap, struct ctl_clients *clients, struct dp_learned *learned,
      const struct ctl_census_feed *feed, uint32_t now, struct ctl_persist_info *info)
{
	struct ctl_state_in in = {.p = buf + 16, .end = buf + len};
	int32_t *vmap = NULL, *omap = NULL, *smap = NULL;
	uint64_t fallback = 0;
	int rc = -EBADMSG;

	in.msg = info->msg;
	in.msg_cap = sizeof(info->msg);
	memcpy(&in.version, buf + 12, 4);
	CTL_STATE_GET(&in, info->written);
	CTL_STATE_GET(&in, info->packets);
	if ((vmap = ctl_state_get_names(&in, &in.nv, 2 * DP_MAX_VENDORS, find_vendor, cfg)) ==
		NULL ||
	    (omap = ctl_state_get_names(&in, &in.no, CTL_ORGS_MAX, find_org, orgs)) == NULL ||
	    (smap = ctl_state_get_names(&in, &in.ns, 64, find_signal, NULL)) == NULL)
		goto out;
	in.vmap = vmap;
	in.omap = omap;
	in.smap = smap;
	for (unsigned v = 0; v < cfg->n_vendors && v < 64; v++)
		fallback |= (uint64_t)cfg->vendors[v].fallback << v;
	if ((rc = ctl_snapshot_state_read(&in, snap, &info->counters)) != 0 ||
	    (rc = ctl_clients_state_read(&in, clients, feed_client, (void *)(uintptr_t)feed,
					 &info->clients)) != 0 ||
	    (rc = ctl_workers_learned_read(&in, cfg->n_vendors, learned, now, &info->learned)) !=
		0 ||
	    (in.version >= 2 &&
	     (rc = ctl_unlisted_state_read(&in, &snap->unlisted, fallback)) != 0) ||
	    (in.version >= 3 && (rc = ctl_census_state_read(&in, orgs, feed ? feed->census : NULL,
							    &info->sketches)) != 0))
		goto out;
	rc = -EBADMSG;
	if (in.short_read || in.p != in.end)
		goto out;
	info->dropped = in.dropped;
	if (info->dropped)
		ctl_state_msg(info->msg, sizeof(info->msg),
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
				ctl_state_msg(
				    info->msg, sizeof(info->msg),
				    "%s: refused: its census sketches are of another key\n", path);
				return rc;
			}
			/* Checked, yet not as this build reads it: part of it may be
			 * applied already, so no fallback; the operator decides. */
			ctl_state_msg(
			    info->msg, sizeof(info->msg),
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
				ctl_state_msg(info->msg, sizeof(info->msg),
					      "%s: moved to %s, so the next write keeps %s\n",
					      damaged, aside, path);
			else
				ctl_state_msg(
				    info->msg, sizeof(info->msg),
				    "%s: cannot move it aside (%s): the next write will rotate "
				    "it over %s\n",
				    damaged, strerror(errno), path);
		}
		if (rc == 0) {
			info->restored = g + 1;
			ctl_state_msg(info->msg, sizeof(info->msg),
				      "restored %s (written %" PRIu64 ", %" PRIu64
				      " packets): %" PRIu64 " counter sets, %" PRIu64
				      " clients, %" PRIu64 " learned addresses, %" PRIu64
				      " unsent census sketches\n",
				      path, info->written, info->packets, info->counters,
				      info->clients, info->learned, info->sketches);
			return 0;
		}
		if (rc == -ENOENT) {
			missing++;
			continue;
		}
		ctl_state_msg(info->msg, sizeof(info->msg), "%s: %s; %s\n", path, why,
			      g == 0 ? "trying the previous generation"
				     : "move the files aside to start from zero");
		if (g == 0)
			snprintf(damaged, sizeof(damaged), "%s", path);
	}
	if (missing == 2) {
		ctl_state_msg(info->msg, sizeof(info->msg),
			      "%s: no state yet: counting from zero\n", dir);
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
			struct ctl_state_in in = {.p = buf + 16, .end = buf + len};
			uint64_t skip;

			CTL_STATE_GET(&in, skip); /* written */
			CTL_STATE_GET(&in, skip); /* packets */
			vmap = ctl_state_get_names(&in, &nv, 2 * DP_MAX_VENDORS, find_vendor, cfg);
			if (vmap != NULL)
				omap =
				    ctl_state_get_names(&in, &no, CTL_ORGS_MAX, park_missing, orgs);
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
