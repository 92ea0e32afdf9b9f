/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_app.h - the running process as the control thread holds it: the
 * configuration and tables in force, the workers, the counters and client
 * sets, the endpoint.  ctl_main.c owns it (start, control loop, stop);
 * ctl_reload.c replaces its configuration and tables in a reload.  Only
 * the control thread touches it.
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
#include "ctl_prefilter.h"
#include "ctl_snapshot.h"
#include "ctl_tables.h"
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
	uint64_t last_state; /* when the state was last written, ns */
};

#endif
