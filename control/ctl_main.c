/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tapcensus: recognise traffic to designated vendors on a tap and count it
 * per client organisation.  This file is the process: start (configuration,
 * EAL, tables, workers, state, endpoint), the control loop on the main
 * lcore, and the stop; the steps these share are ctl_app.c.  The command
 * line is ctl_opts, the EAL arguments ctl_eal, the workers ctl_workers, a
 * reload ctl_reload.
 *
 * Exit status: 0 success, 1 runtime failure, 2 bad command line or
 * configuration (the message names the file, line and field) or a state
 * file that cannot be used (systemd does not restart on 2), 3 stopped
 * cleanly but the census's final push failed (what it held is in the
 * state file when persistence.dir is set, else lost: both are told).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "ctl_app.h"
#include "ctl_eal.h"
#include "ctl_lookup.h"
#include "ctl_metrics.h"
#include "ctl_persist.h"
#include "ctl_publish.h"
#include "ctl_reload.h"
#include "ctl_summary.h"
#include "ctl_telemetry.h"

#define EXIT_CONFIG 2
#define EXIT_CENSUS 3 /* stopped cleanly, but the census's final push failed */
#define RENDER_INTERVAL_NS 1000000000ull
#define STALL_NS 3000000000ull

static volatile bool stop_flag;
static volatile sig_atomic_t reload_flag;
static volatile uint64_t coarse_clock;

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = true;
}

static void
on_hangup(int sig)
{
	(void)sig;
	reload_flag = 1;
}

/* The control clock: the wall clock live; offline, the capture's - its
 * first packet's time, then the latest any worker has reached - so that a
 * replay counts windows, days, last-seen and learned addresses' lives as
 * the capture lived them (a week replayed in a minute gives the week's
 * figures).  State writes keep the wall clock: they are for the process. */
static void
clock_tick(const struct ctl_app *a)
{
	uint64_t t;

	if (a->opt.pcap == NULL || a->opt.capture_t0 == 0) {
		coarse_clock = (uint64_t)time(NULL);
		return;
	}
	t = ctl_workers_clock(&a->ws);
	if (t > coarse_clock)
		coarse_clock = t;
}

/* --lookup FILE: each address's organisation on standard output. */
static int
lookup(const struct ctl_app *a)
{
	bool std = strcmp(a->opt.lookup, "-") == 0;
	FILE *in = std ? stdin : fopen(a->opt.lookup, "r");
	int rc;

	if (in == NULL) {
		fprintf(stderr, "tapcensus: --lookup %s: %s\n", a->opt.lookup, strerror(errno));
		return EXIT_CONFIG;
	}
	rc = ctl_lookup_run(in, stdout, a->opt.lookup, a->orgs, a->tables.orgs);
	if (!std)
		fclose(in);
	return rc == 0 ? 0 : 1;
}

/* The control loop: drain client events, keep the coarse clock, render
 * once a second; offline, stop when the file is consumed. */
static void
control_loop(struct ctl_app *a, long long expected)
{
	uint64_t start = ctl_now_ns(), last_render = start, last_progress = start, last_rx = 0;

	while (!stop_flag) {
		uint64_t t = ctl_now_ns();

		clock_tick(a);
		ctl_workers_drain(&a->ws, a->clients, &a->feed);
		ctl_reload_step(a, &reload_flag);
		if (a->feed.census != NULL) { /* pushes keep the wall's pace, even in a replay */
			struct ctl_census_src src = {a->cfg, a->orgs, &a->snap, coarse_clock};

			ctl_census_tick(a->feed.census, t / 1000000000u, &src);
		}
		if (t - last_render >= RENDER_INTERVAL_NS) {
			ctl_app_publish(a);
			last_render = t;
			if (t - a->last_state >= (uint64_t)a->cfg->state_interval * 1000000000ull) {
				ctl_app_write_state(a);
				a->last_state = t;
			}
		}
		if (a->opt.duration > 0 && (double)(t - start) / 1e9 >= a->opt.duration)
			break;
		if (expected >= 0) {
			uint64_t rx = ctl_workers_rx(&a->ws), errs = 0;
			struct rte_eth_stats st;

			if (rte_eth_stats_get(a->ws.port_ids[0], &st) == 0)
				errs = st.ierrors;
			if (rx + errs >= (uint64_t)expected) {
				if (!a->opt.linger)
					break;
				expected = -1; /* replayed: serve until signalled */
				continue;
			}
			if (rx != last_rx) {
				last_rx = rx;
				last_progress = t;
			} else if (t - last_progress > STALL_NS) {
				fprintf(stderr,
					"tapcensus: warning: %" PRIu64
					" of %lld packets read, no progress "
					"for 3 s; stopping\n",
					rx + errs, expected);
				break;
			}
		}
		usleep(200);
	}
}

int
main(int argc, char **argv)
{
	char *eal_argv[CTL_MAX_EAL_ARGS + 2 * CTL_MAX_PORTS + 8];
	char eal_store[16384], err[PATH_MAX * 2] = "";
	struct ctl_app a;
	struct ctl_view view;
	long long expected = -1;
	uint64_t t_proc = ctl_now_ns(), t_start, t_load, t_build;
	unsigned long rss_load;
	int rc, n, status = 1;

	memset(&a, 0, sizeof(a));
	a.clock = &coarse_clock;
	/* Memory the control plane frees stays mapped: a reload builds and
	 * drops hundreds of megabytes, and each unmap sends every core of the
	 * process a TLB shootdown - the workers' too (measured: 3,600 on the
	 * worker's core in one reload of the world's table, pausing it for
	 * milliseconds).  Blocks up to glibc's 32 MiB maximum come from the
	 * heap, which is not trimmed; larger ones come from DPDK's memory. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, INT_MAX);
	/* At once: a SIGHUP before the control loop runs is a reload there,
	 * never the default action (exit). */
	signal(SIGHUP, on_hangup);
	if (ctl_opts_parse(argc, argv, &a.opt))
		return EXIT_CONFIG;
	rc = ctl_config_load(a.opt.config, &a.cfg, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "tapcensus: %s\n", err);
		return EXIT_CONFIG;
	}
	if (a.opt.pcap != NULL &&
	    (ctl_opts_offline(a.cfg, &a.opt) != 0 || ctl_opts_pcap_read(&a.opt, &expected) != 0)) {
		status = EXIT_CONFIG; /* the command line's files: like configuration */
		goto out_config;
	}
	coarse_clock = a.opt.capture_t0 != 0 ? a.opt.capture_t0 : (uint64_t)time(NULL);
	if (a.opt.lookup != NULL)
		a.cfg->n_ports = 0; /* the tables only: no device is probed */
	else if (ctl_prefilter_prepare(a.cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "tapcensus: %s\n", err);
		goto out_config;
	}
	n = ctl_eal_argv(a.cfg, eal_argv, (int)(sizeof(eal_argv) / sizeof(eal_argv[0])), eal_store,
			 sizeof(eal_store));
	if (n < 0) {
		fprintf(stderr, "tapcensus: %s: dpdk: EAL arguments too long\n", a.cfg->path);
		goto out_config;
	}
	if (rte_eal_init(n, eal_argv) < 0) {
		fprintf(stderr, "tapcensus: EAL init failed: %s (check dpdk.eal_args in %s)\n",
			rte_strerror(rte_errno), a.cfg->path);
		goto out_config;
	}
	if (ctl_telemetry_register() != 0)
		fprintf(stderr, "tapcensus: warning: DPDK telemetry refused the /tapcensus "
				"commands\n");
	t_load = ctl_now_ns();
	rss_load = ctl_app_status_kib("VmRSS");
	rc = ctl_orgdata_load(&a.cfg->orgdata, &a.orgs, err, sizeof(err));
	t_build = ctl_now_ns();
	if (rc == 0 && a.cfg->state_dir[0] != '\0') {
		/* The state's organisations the table no longer lists: parked. */
		int parked = ctl_persist_park(a.cfg->state_dir, a.cfg, a.orgs);

		if (parked > 0)
			fprintf(stderr,
				"tapcensus: %s: %d organisations of the state are not in "
				"the organisation table: parked (kept, not exported)\n",
				a.cfg->state_dir, parked);
		else if (parked < 0)
			rc = -ENOMEM;
	}
	if (rc == -ENOMEM && err[0] == '\0')
		snprintf(err, sizeof(err), "%s: out of memory for the organisations", a.cfg->path);
	if (rc == 0)
		rc = ctl_tables_build(a.cfg, a.orgs, (int)rte_socket_id(), &a.tables, err,
				      sizeof(err));
	if (rc) {
		fprintf(stderr, "tapcensus: %s\n", err);
		status = EXIT_CONFIG;
		goto out_eal;
	}
	ctl_orgs_tell_nested(a.orgs);
	fprintf(stderr,
		"tapcensus: organisations: %u prefixes of %u organisations read in %.2f s; "
		"tables built in %.2f s (LPM %u+%u routes, %u+%u tbl8 groups, %zu MiB); "
		"resident +%lu MiB\n",
		a.orgs->n_prefixes, ctl_orgs_listed(a.orgs), (double)(t_build - t_load) / 1e9,
		(double)(ctl_now_ns() - t_build) / 1e9, a.tables.orgs_size.v4_rules,
		a.tables.orgs_size.v6_rules, a.tables.orgs_size.v4_tbl8s,
		a.tables.orgs_size.v6_tbl8s, dp_lpm_footprint(&a.tables.orgs_size) >> 20,
		(ctl_app_status_kib("VmRSS") - rss_load) / 1024);
	for (unsigned v = 0, n = 0; v < a.cfg->n_vendors; v++)
		if (a.cfg->vendors[v].n_asns > 0 && n++ == 0)
			fprintf(stderr,
				"tapcensus: vendors: %zu networks of the ASes the vendors list "
				"(asns:) corroborate their names\n",
				a.tables.n_vendor_nets);
	if (a.opt.lookup != NULL) {
		status = lookup(&a);
		goto out_tables;
	}
	a.clients = ctl_clients_create(a.cfg->client_capacity, a.orgs->n_orgs,
				       ctl_config_client_keys(a.cfg), a.cfg->client_v6_prefix);
	if (a.clients != NULL) {
		uint16_t also[2 * DP_MAX_VENDORS];

		ctl_config_client_union(a.cfg, also);
		if (ctl_clients_union(a.clients, also) != 0) {
			ctl_clients_free(a.clients);
			a.clients = NULL;
		}
	}
	if (a.clients != NULL && a.cfg->census.tap[0] != '\0') {
		/* A replay: sessions by the day they happened. */
		a.feed.census = ctl_census_create(&a.cfg->census, a.opt.pcap != NULL);
		if (a.feed.census == NULL) {
			ctl_clients_free(a.clients);
			a.clients = NULL;
		}
	}
	if (a.clients == NULL || ctl_snapshot_init(&a.snap, a.cfg->n_workers, a.cfg->n_ports,
						   a.orgs->n_orgs, a.cfg->n_vendors)) {
		fprintf(stderr,
			"tapcensus: out of memory for the client table (clients.capacity "
			"%u)\n",
			a.cfg->client_capacity);
		goto out_tables;
	}
	a.snap.census = a.feed.census != NULL;
	a.snap.state = &a.state_stats;
	a.snap.reload = &a.reload_stats;
	a.feed.cfg = a.cfg;
	a.feed.orgs = a.orgs;
	rc = ctl_workers_setup(&a.ws, a.cfg, &a.tables, a.orgs->n_orgs,
			       a.opt.pcap != NULL ? a.opt.links : NULL,
			       a.opt.pcap != NULL ? a.opt.bad : NULL, a.opt.pace, &coarse_clock,
			       &stop_flag, &a.snap, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "tapcensus: %s\n", err);
		goto out_workers;
	}
	if (ctl_prefilter_wanted(a.cfg) &&
	    ctl_prefilter_open(a.cfg, &a.pf, err, sizeof(err)) != 0) {
		fprintf(stderr, "tapcensus: %s\n", err);
		goto out_workers;
	}
	a.ws.pf = a.pf;
	if (ctl_app_restore_state(&a) != 0) {
		/* Like a configuration error: restarting would not mend it. */
		fprintf(stderr,
			"tapcensus: %s: no usable state; not starting, so as not to write "
			"over it\n",
			a.cfg->state_dir);
		status = EXIT_CONFIG;
		goto out_workers;
	}
	if (a.feed.census != NULL) {
		struct ctl_census_src src = {a.cfg, a.orgs, &a.snap, coarse_clock};

		ctl_workers_collect(&a.ws, &a.snap); /* the restored counts */
		ctl_census_prime(a.feed.census, &src);
	}
	if (a.opt.pcap == NULL || a.opt.serve || a.opt.linger) {
		struct ctl_http_opts ho = {a.cfg->listen_addr, a.cfg->listen_port, a.cfg->tls_cert,
					   a.cfg->tls_key,     a.cfg->users,	   a.cfg->n_users};
		bool v6 = strchr(a.cfg->listen_addr, ':') != NULL;

		a.http = ctl_http_start(&ho, err, sizeof(err));
		if (a.http == NULL) {
			fprintf(stderr, "tapcensus: %s:%s\n", a.cfg->path, err);
			goto out_workers;
		}
		fprintf(stderr, "tapcensus: metrics on %s://%s%s%s:%u/metrics%s\n",
			a.cfg->tls_cert[0] ? "https" : "http", v6 ? "[" : "", a.cfg->listen_addr,
			v6 ? "]" : "", ctl_http_port(a.http),
			a.cfg->n_users ? " (basic auth)" : "");
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	clock_tick(&a);

	t_start = ctl_now_ns();
	a.last_state = t_start;
	fprintf(stderr, "tapcensus: ready %.2f s after start\n", (double)(t_start - t_proc) / 1e9);
	if (ctl_workers_launch(&a.ws) == 0)
		control_loop(&a, expected);
	stop_flag = true;
	ctl_workers_join(&a.ws, a.clients, &a.feed);
	status = ctl_app_final_push(&a) != 0 ? EXIT_CENSUS : 0;
	ctl_app_publish(&a);
	ctl_app_write_state(&a); /* the final generation: nothing counted is lost on a clean stop */
	if (a.opt.duration > 0)
		ctl_app_print_rates(&a, (double)(ctl_now_ns() - t_start) / 1e9);
	if ((a.opt.metrics_out || !a.opt.no_summary) &&
	    ctl_view_build(&view, a.cfg, a.orgs, &a.snap, a.clients, (uint32_t)coarse_clock) != 0) {
		fprintf(stderr, "tapcensus: out of memory for the final figures\n");
		status = 1;
	} else if (a.opt.metrics_out || !a.opt.no_summary) {
		if (a.opt.metrics_out && ctl_metrics_write_path(a.opt.metrics_out, &view))
			status = 1;
		if (!a.opt.no_summary)
			ctl_summary_print(stdout, &view);
		ctl_view_fini(&view);
	}
	ctl_http_stop(a.http);
	ctl_publish_set(NULL, 0, NULL);
out_workers:
	ctl_reload_abandon(&a); /* a reload still being built: dropped */
	ctl_reload_join(&a);
	ctl_workers_free(&a.ws); /* the ports stopped before the prefilter goes */
	ctl_prefilter_close(a.pf);
	ctl_snapshot_fini(&a.snap);
	ctl_clients_free(a.clients);
out_tables:
	ctl_census_free(a.feed.census);
	ctl_tables_free(&a.tables);
	dp_match_free(a.prev_match);
	ctl_orgs_free(a.orgs);
out_eal:
	rte_eal_cleanup();
out_config:
	ctl_opts_free(&a.opt);
	ctl_config_free(a.cfg);
	return status;
}
