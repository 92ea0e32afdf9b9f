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
#include "ctl_state.h"
#include "ctl_workers.h"

/* The header and the name lists, then each module's section in the
 * file's order (ctl_state.h). */
static void
serialise(struct ctl_state_out *o, const struct ctl_persist_src *s, uint64_t now)
{
	uint32_t u32 = ORDER;
	uint64_t u64 = s->snap->total.rx_pkts;

	ctl_state_put(o, MAGIC, 8);
	CTL_STATE_PUT(o, u32);
	u32 = VERSION;
	CTL_STATE_PUT(o, u32);
	CTL_STATE_PUT(o, now);
	CTL_STATE_PUT(o, u64);
	/* Names of the client keys: the vendor roles (the counters' too), then
	 * each vendor's product use. */
	u32 = ctl_config_client_keys(s->cfg);
	CTL_STATE_PUT(o, u32);
	for (unsigned v = 0; v < u32; v++) {
		char key[2 * CTL_NAME_LEN + 16];

		ctl_config_key_name(s->cfg, v, key, sizeof(key));
		ctl_state_put_name(o, key);
	}
	CTL_STATE_PUT(o, s->orgs->n_orgs);
	for (unsigned g = 0; g < s->orgs->n_orgs; g++)
		ctl_state_put_name(o, s->orgs->orgs[g].id);
	u32 = DP_SIG_COUNT;
	CTL_STATE_PUT(o, u32);
	for (unsigned g = 0; g < DP_SIG_COUNT; g++)
		ctl_state_put_name(o, dp_signal_name(g));
	ctl_snapshot_state_write(o, s->snap);
	ctl_clients_state_write(o, s->clients);
	ctl_workers_learned_write(o, s->learned);
	ctl_unlisted_state_write(o, &s->snap->unlisted);
	ctl_census_state_write(o, s->census);
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
	struct ctl_state_out o = {0};
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
	ctl_state_put(&o, digest, sizeof(digest));
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
