/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_app.h - the running process as the control thread holds it: the
 * configuration and tables in force, the workers, the counters and client
 * sets, the endpoint.  ctl_main.c owns it (start, control loop, stop),
 * ctl_app.c holds the steps these share, ctl_reload.c replaces its
 * configuration and tables in a reload.  Only the control thread touches
 * it.
 */
#ifndef CTL_APP_H
#define CTL_APP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ctl_census.h"
#include "ctl_clients.h"
#include "ctl_config.h"
#include "ctl_http.h"
#include "ctl_opts.h"
#include "ctl_orgs.h"
#include "ctl_persist.h"
#include "ctl_prefilter.h"
#include "ctl_reload.h"
#include "ctl_snapshot.h"
#include "ctl_tables.h"
#include "ctl_time.h"
#include "ctl_workers.h"

struct ctl_reload_job;

struct ctl_app {
	struct ctl_opts opt;
	struct ctl_config *cfg; /* in force */
	struct ctl_orgs *orgs;
	struct ctl_tables tables;
	struct dp_match *prev_match; /* the generation before's: streams still scan on it */
	struct ctl_clients *clients;
	struct ctl_snapshot snap;
	struct ctl_http *http;	  /* NULL when not serving */
	struct ctl_prefilter *pf; /* NULL without net_af_xdp ports */
	struct ctl_workers ws;
	const volatile uint64_t *clock; /* unix seconds, kept by the control loop */
	/* The tables a reload replaced, freed on a thread of their own. */
	pthread_t freeing;
	bool freeing_started;
	bool freeing_done;	    /* set by that thread as it ends */
	struct ctl_reload_job *job; /* a reload being built (ctl_reload.h), or NULL */
	bool job_http;		    /* asked for by POST /-/reload: answer it when done */
	char job_why[64];	    /* what asked for it */
	uint64_t job_t0;	    /* when, ns */
	/* The census (NULL: none), fed what the client sets are, in their
	 * index space (switched with them at a hand-over). */
	struct ctl_census_feed feed;
	uint64_t last_state;		      /* when the state was last written, ns */
	struct ctl_persist_stats state_stats; /* ctl_app_write_state's */
	struct ctl_reload_stats reload_stats; /* ctl_reload_step's */
};

/* ctl_app.c: the steps the control loop and the stop share.
 *
 * ctl_app_publish collects the workers' counters (and the census's, the
 * prefilter's, the endpoint's) and, while serving, publishes the
 * exposition and API table rendered from one view of them.
 * ctl_app_write_state writes the state file (persistence.dir) from the
 * counters last collected; a failure is told once per run of failures and
 * counted (state_stats), the previous generations staying.
 * ctl_app_restore_state creates persistence.dir if need be, restores the
 * state and seeds the workers' learned addresses: 0, or a negative errno
 * (-EBADMSG: a state exists but no generation of it is usable; the
 * process must not write over it).
 * ctl_app_status_kib is a field of /proc/self/status in KiB (VmRSS,
 * VmHWM), or 0; ctl_app_print_rates prints each worker's rate over secs
 * and the process's memory (--duration). */
void ctl_app_publish(struct ctl_app *a);
void ctl_app_write_state(struct ctl_app *a);
int ctl_app_restore_state(struct ctl_app *a);
unsigned long ctl_app_status_kib(const char *field);
void ctl_app_print_rates(const struct ctl_app *a, double secs);

/* At the stop, with a census: the final counts collected, the state
 * written, then the final push.  0, or the push's negative errno, told
 * with where what was not pushed is (the state file, or lost). */
int ctl_app_final_push(struct ctl_app *a);

#endif
