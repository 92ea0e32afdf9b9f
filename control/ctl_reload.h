/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_reload.h - a configuration reload (SIGHUP, POST /-/reload): the
 * configuration file read again, checked against the running one, and the
 * reloadable tables rebuilt off the hot path, ready to hand to workers.
 *
 * What a reload may change: the organisation table (file and content), each
 * vendor's domains, regexes, payload signatures and server prefixes, the
 * exported-organisation cap, the state interval, and the web configuration.
 * Everything else (DPDK, ports, cores, table sizes, the listener, the
 * state directory, the prefilter's ports, and the vendors' names and
 * order, on which counters and learned addresses are indexed) needs a
 * restart: a reload that changes it is refused, and the running
 * configuration stays.
 *
 * Organisations are matched by org_id: org_map[i] is the new index of the
 * running table's organisation i.  One the new table no longer lists is
 * parked (ctl_orgs.h): it keeps its counters and clients, unexported, and
 * comes back with them when a later table lists it.  A table that would
 * let more than reload.max_org_loss_percent of the listed organisations go
 * at once is refused unless the reload is forced.
 *
 * The hand-over (ctl_reload_finish): one new generation per worker is
 * published, the rings drained in the running index space first and the
 * client sets carried to the new table; once every worker has passed a
 * quiescent state the old counters are folded into the control plane's,
 * the old tables are freed on a thread of their own (DPDK zeroes what it
 * frees: a quarter of a second for an IPv4 LPM's tbl24), the previous
 * Hyperscan database is kept for the streams still open on it, and the
 * prefilter's server prefixes are swapped.
 *
 * Errors: ctl_reload_load and ctl_reload_build return 0 or a negative
 * errno with "FILE:LINE: FIELD: reason" (or "FILE: FIELD: reason") in err;
 * on error nothing is left to free but what ctl_reload_free frees.
 */
#ifndef CTL_RELOAD_H
#define CTL_RELOAD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl_config.h"
#include "ctl_orgdata.h"
#include "ctl_orgs.h"
#include "ctl_tables.h"

/* The reloads' counters, kept by ctl_reload_step (struct ctl_app holds
 * them; the snapshot points at them). */
struct ctl_reload_stats {
	uint64_t ok, failed;
	uint64_t last; /* unix time of the last good reload, 0: none */
};

struct ctl_reload {
	struct ctl_config *cfg;
	struct ctl_orgs *orgs;
	struct ctl_tables tables;
	uint32_t *org_map; /* [running n_orgs] */
	unsigned n_map;
	unsigned gone;	/* listed organisations the new table lacks: parked now */
	unsigned added; /* organisations never seen before */
	unsigned back;	/* parked organisations the new table lists again */
};

/* Reads and checks the configuration file at path (as at start). */
int ctl_reload_load(const char *path, struct ctl_reload *r, char *err, size_t err_len);

/* Refuses changes a reload cannot make, then loads the organisation table
 * (refused when it loses too many organisations, unless force), parks
 * those gone, and builds the tables (LPM, Hyperscan) and the organisation
 * map. */
int ctl_reload_build(struct ctl_reload *r, const struct ctl_config *running,
		     const struct ctl_orgs *running_orgs, bool force, int socket, char *err,
		     size_t err_len);

/* Frees what r still holds (the caller takes parts by setting them NULL). */
void ctl_reload_free(struct ctl_reload *r);

struct ctl_app;

/* A reload in two halves, so that the control thread goes on draining,
 * rendering and writing the state while a large table is built (seconds
 * for a national one):
 *
 * ctl_reload_start() reads the configuration again and builds the new
 * tables and the workers' generations on a thread of its own (force: even
 * when the table loses many organisations at once); it reads the running
 * configuration, organisations and match, which stay as they are until
 * the hand-over.  0, or -EBUSY (one under way), -ENOMEM, -EAGAIN with the
 * reason in msg.
 * ctl_reload_ready() says when the build is done; ctl_reload_finish()
 * (control thread) then hands the new tables to the workers: 0, or a
 * negative errno with the reason in msg ("FILE:LINE: FIELD: reason"), the
 * running tables staying.  Nothing fails once the first worker has been
 * handed its generation.  On success msg tells what changed.
 * ctl_reload_abandon() waits for a build and drops it (at a stop).
 * ctl_reload_run() is the three in a row, draining while it waits. */
int ctl_reload_start(struct ctl_app *a, bool force, char *msg, size_t len);
bool ctl_reload_ready(const struct ctl_app *a);
int ctl_reload_finish(struct ctl_app *a, char *msg, size_t len);
void ctl_reload_abandon(struct ctl_app *a);
int ctl_reload_run(struct ctl_app *a, bool force, char *msg, size_t len);

/* One step of the control loop's reloads: a build done is handed over
 * (ctl_reload_finish) and told; else a reload asked for - *asked (SIGHUP;
 * cleared here) or POST /-/reload - is started.  Each result is told on
 * stderr, counted (a->reload_stats) and answered to the HTTP
 * request that asked; a hand-over publishes at once. */
void ctl_reload_step(struct ctl_app *a, volatile sig_atomic_t *asked);

/* Waits for the last reload's tables to be freed, draining meanwhile. */
void ctl_reload_join(struct ctl_app *a);

#endif
