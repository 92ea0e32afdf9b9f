/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_app.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_cycles.h>

#include "ctl_persist.h"
#include "ctl_publish.h"

/* Collects the counters; while serving, publishes the exposition and the
 * API table, rendered from one view of them. */
void
ctl_app_publish(struct ctl_app *a)
{
	struct ctl_view v;

	ctl_workers_collect(&a->ws, &a->snap);
	if (a->feed.census != NULL)
		ctl_census_stats(a->feed.census, &a->snap.push);
	a->snap.pf_on = a->pf != NULL;
	ctl_prefilter_tick(a->pf, a->snap.pf);
	a->snap.pf_learn_failed = ctl_prefilter_learn_failed(a->pf);
	a->snap.http_heads_cut = ctl_http_heads_cut(a->http);
	if (a->http == NULL ||
	    ctl_view_build(&v, a->cfg, a->orgs, &a->snap, a->clients, (uint32_t)*a->clock) != 0)
		return;
	ctl_publish_view(&v);
	ctl_view_fini(&v);
}

/* Writes the state file from the latest collected counters.  A failure is
 * told once per run of failures and counted; the previous generations stay. */
void
ctl_app_write_state(struct ctl_app *a)
{
	struct ctl_persist_src src = {a->cfg,	  a->orgs,	  &a->snap,
				      a->clients, &a->ws.learned, a->feed.census};
	char err[PATH_MAX + 128];

	if (a->cfg->state_dir[0] == '\0')
		return;
	if (ctl_persist_write(a->cfg->state_dir, &src, *a->clock, err, sizeof(err)) == 0) {
		a->state_stats.writes_ok++;
		a->state_stats.written = *a->clock;
	} else {
		if (a->state_stats.writes_failed++ == 0 || a->state_stats.written != 0)
			fprintf(stderr, "tapcensus: warning: state not written: %s\n", err);
		a->state_stats.written = 0;
	}
}

/* Restores the state file, then hands the learned addresses to every
 * worker (before they start).  0, or -EBADMSG when a state exists but no
 * generation of it is usable: the process must not write over it. */
int
ctl_app_restore_state(struct ctl_app *a)
{
	struct ctl_persist_info info;
	uint32_t now = (uint32_t)*a->clock; /* offline: the capture's first packet */
	int rc;

	if (a->cfg->state_dir[0] == '\0')
		return 0;
	if (mkdir(a->cfg->state_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "tapcensus: %s: persistence.dir: cannot create: %s\n", a->cfg->path,
			strerror(errno));
		return -errno;
	}
	rc = ctl_persist_restore(a->cfg->state_dir, a->cfg, a->orgs, &a->snap, a->clients,
				 &a->ws.learned, &a->feed, now, &info);
	fprintf(stderr, "%s", info.msg);
	if (rc != 0)
		return rc;
	ctl_workers_seed_learned(&a->ws, now);
	return 0;
}

/* A field of /proc/self/status in KiB (VmRSS, VmHWM), or 0. */
unsigned long
ctl_app_status_kib(const char *field)
{
	char line[256];
	unsigned long v = 0;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			v = strtoul(line + n + 1, NULL, 10);
	if (f != NULL)
		fclose(f);
	return v;
}

void
ctl_app_print_rates(const struct ctl_app *a, double secs)
{
	for (unsigned w = 0; w < a->ws.n; w++) {
		const struct dp_wstats *s = &a->snap.worker[w];

		printf("worker %u: %" PRIu64 " packets in %.2f s = %.3f Mpps, %.1f cycles/packet "
		       "outside rx_burst (TSC %.2f GHz), %" PRIu64 " flows held\n",
		       w, s->rx_pkts, secs, (double)s->rx_pkts / secs / 1e6,
		       s->busy_pkts ? (double)s->busy_cycles / (double)s->busy_pkts : 0.0,
		       (double)rte_get_tsc_hz() / 1e9, dp_flow_stats_active(&s->flow));
	}
	printf("memory: resident %lu MiB, peak %lu MiB (includes the -m EAL memory touched)\n",
	       ctl_app_status_kib("VmRSS") / 1024, ctl_app_status_kib("VmHWM") / 1024);
}

int
ctl_app_final_push(struct ctl_app *a)
{
	struct ctl_census_src src = {a->cfg, a->orgs, &a->snap, *a->clock};
	int rc;

	if (a->feed.census == NULL)
		return 0;
	ctl_workers_collect(&a->ws, &a->snap); /* the final counts */
	/* The final state first: whatever the database does, nothing counted
	 * is lost (written again after, with the push's result). */
	ctl_app_write_state(a);
	rc = ctl_census_flush(a->feed.census, &src);
	if (rc == 0)
		fprintf(stderr, "tapcensus: census: pushed to the database as tap '%s'\n",
			a->cfg->census.tap);
	else if (a->cfg->state_dir[0] != '\0')
		fprintf(stderr,
			"tapcensus: census: what was not pushed is kept in the state file in "
			"%s; the next run pushes it\n",
			a->cfg->state_dir);
	else
		fprintf(stderr, "tapcensus: census: what was not pushed is lost: no "
				"persistence.dir keeps it\n");
	return rc;
}
