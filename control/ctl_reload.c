/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_reload.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "ctl_app.h"
#include "dp_worker.h"

int
ctl_reload_load(const char *path, struct ctl_reload *r, char *err, size_t err_len)
{
	memset(r, 0, sizeof(*r));
	return ctl_config_load(path, &r->cfg, err, err_len);
}

int
ctl_reload_build(struct ctl_reload *r, const struct ctl_config *running,
		 const struct ctl_orgs *running_orgs, bool force, int socket, char *err,
		 size_t err_len)
{
	const struct ctl_config *c = r->cfg;
	unsigned listed, running_listed;
	int rc = ctl_config_reloadable(running, c, err, err_len);

	if (rc)
		return rc;
	rc = ctl_orgdata_load(&c->orgdata, &r->orgs, err, err_len);
	if (rc)
		return rc;
	ctl_orgs_tell_nested(r->orgs);
	r->n_map = running_orgs->n_orgs;
	r->org_map = calloc(r->n_map, sizeof(*r->org_map));
	if (r->org_map == NULL) {
		snprintf(err, err_len, "%s: out of memory", c->path);
		return -ENOMEM;
	}
	/* Listed again or new: by id.  Gone from the table: parked after the
	 * listed ones, so their counters and clients carry over. */
	listed = r->orgs->n_orgs - 1;
	for (unsigned i = 0; i < r->n_map; i++) {
		const struct ctl_org *org = &running_orgs->orgs[i];
		int32_t k = ctl_orgs_find(r->orgs, org->id);

		if (k < 0) {
			uint32_t idx;

			if ((rc = ctl_orgs_park(r->orgs, org, &idx)) != 0) {
				snprintf(err, err_len,
					 "%s: organisations: cannot keep '%s' parked: %s", c->path,
					 org->id, strerror(-rc));
				return rc;
			}
			k = (int32_t)idx;
			r->gone += !org->parked;
		} else if (org->parked) {
			r->back++;
		}
		r->org_map[i] = (uint32_t)k;
	}
	running_listed = ctl_orgs_listed(running_orgs);
	r->added = listed - (running_listed - r->gone) - r->back;
	/* An export caught mid-write, a truncated download: a table that
	 * loses many organisations at once is refused unless forced. */
	if (!force && running_listed > 0 &&
	    (uint64_t)r->gone * 100 > (uint64_t)c->reload_max_org_loss * running_listed) {
		snprintf(err, err_len,
			 "%s: organisations: %u of the %u organisations would leave the table, "
			 "more than reload.max_org_loss_percent (%u%%) allows; POST "
			 "/-/reload?force=1 applies it",
			 c->orgdata.n_src == 1 ? c->orgs_path : c->path, r->gone, running_listed,
			 c->reload_max_org_loss);
		return -EINVAL;
	}
	return ctl_tables_build(c, r->orgs, socket, &r->tables, err, err_len);
}

void
ctl_reload_free(struct ctl_reload *r)
{
	ctl_tables_free(&r->tables);
	ctl_orgs_free(r->orgs);
	ctl_config_free(r->cfg);
	free(r->org_map);
	memset(r, 0, sizeof(*r));
}

/* ---- The hand-over to the workers ---- */

/* The tables a reload replaced are freed on a thread of their own: DPDK
 * zeroes what rte_free releases, and an IPv4 LPM's tbl24 alone is 64 MiB,
 * which would keep the control thread from draining the workers' rings
 * for a quarter of a second or more. */
struct freeing {
	struct ctl_tables t;
	bool *done;
};

static void *
free_tables(void *arg)
{
	struct freeing *f = arg;

	ctl_tables_free(&f->t);
	__atomic_store_n(f->done, true, __ATOMIC_RELEASE);
	free(f);
	return NULL;
}

void
ctl_reload_join(struct ctl_app *a)
{
	if (!a->freeing_started)
		return;
	while (!__atomic_load_n(&a->freeing_done, __ATOMIC_ACQUIRE)) {
		ctl_workers_drain(&a->ws, a->clients, &a->feed);
		usleep(100);
	}
	pthread_join(a->freeing, NULL);
	a->freeing_started = false;
}

/* ---- The build, on a thread of its own ---- */

/* What the builder reads of the running process: set before it starts,
 * not changed by the control thread until it is joined (the hand-over
 * happens after). */
struct ctl_reload_job {
	pthread_t thread;
	bool done; /* set by the builder as it ends (release) */
	bool force;
	uint16_t id;
	int socket;
	unsigned n_workers;
	struct ctl_opts opt;
	const struct ctl_config *running;
	const struct ctl_orgs *running_orgs;
	const struct dp_match *running_match;
	/* Its result. */
	int rc;
	char msg[PATH_MAX + 512];
	struct ctl_reload r;
	struct dp_gen *gens[CTL_MAX_WORKERS];
};

static void *
build_job(void *arg)
{
	struct ctl_reload_job *j = arg;
	struct ctl_reload *r = &j->r;
	int rc = ctl_reload_load(j->opt.config, r, j->msg, sizeof(j->msg));

	if (rc == 0 && j->opt.pcap != NULL && ctl_opts_offline(r->cfg, &j->opt) != 0) {
		snprintf(j->msg, sizeof(j->msg), "%s: dpdk.workers: fewer than the --pcap files",
			 r->cfg->path);
		rc = -EINVAL;
	}
	if (rc == 0)
		rc = ctl_prefilter_port_args(r->cfg, j->msg, sizeof(j->msg)); /* as at start */
	if (rc == 0)
		rc = ctl_reload_build(r, j->running, j->running_orgs, j->force, j->socket, j->msg,
				      sizeof(j->msg));
	for (unsigned w = 0; rc == 0 && w < j->n_workers; w++)
		if ((j->gens[w] = ctl_tables_gen(&r->tables, j->id, r->orgs->n_orgs,
						 r->cfg->n_vendors, j->running_match, j->socket)) ==
		    NULL)
			rc = -ENOMEM;
	if (rc == -ENOMEM)
		snprintf(j->msg, sizeof(j->msg), "%s: out of memory for the new tables",
			 j->opt.config);
	j->rc = rc;
	__atomic_store_n(&j->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void
job_free(struct ctl_reload_job *j)
{
	for (unsigned w = 0; w < j->n_workers; w++)
		dp_gen_free(j->gens[w]);
	ctl_reload_free(&j->r);
	free(j);
}

int
ctl_reload_start(struct ctl_app *a, bool force, char *msg, size_t len)
{
	struct ctl_reload_job *j;
	uint16_t id = (uint16_t)(a->ws.gen + 1);

	if (a->job != NULL) {
		snprintf(msg, len, "a reload is already under way");
		return -EBUSY;
	}
	j = calloc(1, sizeof(*j));
	if (j == NULL) {
		snprintf(msg, len, "%s: out of memory", a->opt.config);
		return -ENOMEM;
	}
	ctl_reload_join(a);
	j->force = force;
	j->id = id == 0 ? 1 : id; /* 0 is no generation (ctl_clients) */
	j->socket = (int)rte_socket_id();
	j->n_workers = a->ws.n;
	j->opt = a->opt;
	j->running = a->cfg;
	j->running_orgs = a->orgs;
	j->running_match = a->tables.match;
	for (unsigned w = 0; w < a->ws.n; w++)
		dp_worker_gap_restart(a->ws.w[w]);
	if (pthread_create(&j->thread, NULL, build_job, j) != 0) {
		snprintf(msg, len, "%s: cannot start the reload's thread", a->opt.config);
		free(j);
		return -EAGAIN;
	}
	a->job = j;
	return 0;
}

bool
ctl_reload_ready(const struct ctl_app *a)
{
	return a->job != NULL && __atomic_load_n(&a->job->done, __ATOMIC_ACQUIRE);
}

/* The hand-over, on the control thread, once the build is done. */
int
ctl_reload_finish(struct ctl_app *a, char *msg, size_t len)
{
	const struct dp_org_ctr *old_ctr[CTL_MAX_WORKERS];
	struct ctl_reload_job *j = a->job;
	struct ctl_reload *r = &j->r;
	struct ctl_clients *clients = NULL;
	struct freeing *old_tables;
	int rc;

	pthread_join(j->thread, NULL);
	a->job = NULL;
	rc = j->rc;
	if (rc == 0) {
		ctl_workers_drain(&a->ws, a->clients,
				  &a->feed); /* every event so far, in the running index space */
		clients = ctl_clients_regen(a->clients, r->orgs->n_orgs, r->org_map, j->id);
		if (clients == NULL) {
			rc = -ENOMEM;
			snprintf(j->msg, sizeof(j->msg), "%s: out of memory for the new tables",
				 a->opt.config);
		}
	}
	if (rc != 0) {
		snprintf(msg, len, "%s", j->msg);
		job_free(j);
		return rc;
	}

	/* Hand over: from here on, events of either generation are taken. */
	ctl_clients_free(a->clients);
	a->clients = clients;
	a->feed.cfg = r->cfg; /* the index space the new sets count in */
	a->feed.orgs = r->orgs;
	for (unsigned w = 0; w < a->ws.n; w++) {
		j->gens[w] = dp_gen_publish(a->ws.w[w], j->gens[w]);
		old_ctr[w] = dp_gen_counters(j->gens[w]);
	}
	a->ws.gen = j->id;
	ctl_workers_quiescent(&a->ws, a->clients, &a->feed);

	/* No worker holds the old generation now: fold its counters, free it.
	 * The old match stays while streams opened on it may run. */
	if (ctl_snapshot_regen(&a->snap, r->orgs->n_orgs, r->org_map, old_ctr, a->ws.n) != 0)
		fprintf(stderr, "tapcensus: warning: reload: out of memory; the counters "
				"before it are lost\n");
	for (unsigned w = 0; w < a->ws.n; w++) {
		dp_gen_free(j->gens[w]);
		j->gens[w] = NULL;
	}
	dp_match_free(a->prev_match);
	a->prev_match = a->tables.match;
	a->tables.match = NULL;
	old_tables = malloc(sizeof(*old_tables));
	if (old_tables == NULL) {
		ctl_tables_free(&a->tables); /* no memory for the hand-over: here, then */
	} else {
		old_tables->t = a->tables;
		old_tables->done = &a->freeing_done;
		a->freeing_done = false;
		a->freeing_started =
		    pthread_create(&a->freeing, NULL, free_tables, old_tables) == 0;
		if (!a->freeing_started)
			free_tables(old_tables);
	}
	a->tables = r->tables;
	ctl_orgs_free(a->orgs);
	a->orgs = r->orgs;
	if (ctl_prefilter_servers(a->pf, a->cfg, r->cfg) != 0)
		fprintf(stderr, "tapcensus: warning: reload: the prefilter's server prefixes could "
				"not all be replaced\n");
	ctl_config_free(a->cfg);
	a->cfg = r->cfg;
	snprintf(msg, len,
		 "%u organisations (%u gone, %u new, %u back; %u parked), %u vendors; "
		 "generation %u",
		 r->orgs->n_orgs - 1 - r->orgs->n_parked, r->gone, r->added, r->back,
		 r->orgs->n_parked, r->cfg->n_vendors, j->id);
	memset(&r->tables, 0, sizeof(r->tables));
	r->orgs = NULL;
	r->cfg = NULL;
	job_free(j);
	return 0;
}

void
ctl_reload_abandon(struct ctl_app *a)
{
	if (a->job == NULL)
		return;
	pthread_join(a->job->thread, NULL);
	job_free(a->job);
	a->job = NULL;
}

int
ctl_reload_run(struct ctl_app *a, bool force, char *msg, size_t len)
{
	int rc = ctl_reload_start(a, force, msg, len);

	if (rc != 0)
		return rc;
	while (!ctl_reload_ready(a)) {
		ctl_workers_drain(&a->ws, a->clients, &a->feed);
		usleep(200);
	}
	return ctl_reload_finish(a, msg, len);
}

/* A reload's result, told on stderr and counted (and to the HTTP request
 * that asked for it). */
static void
reload_told(struct ctl_app *a, int rc, const char *msg)
{
	if (rc == 0) {
		a->reload_stats.ok++;
		a->reload_stats.last = *a->clock;
		if (a->http != NULL)
			ctl_http_set_users(a->http, a->cfg->users, a->cfg->n_users);
		fprintf(stderr,
			"tapcensus: reloaded %s (%s) at %" PRIu64 " packets in %.1f ms: %s\n",
			a->opt.config, a->job_why, ctl_workers_rx(&a->ws),
			(double)(ctl_now_ns() - a->job_t0) / 1e6, msg);
		ctl_app_publish(a);
	} else {
		a->reload_stats.failed++;
		fprintf(stderr,
			"tapcensus: reload refused (%s); the running configuration "
			"stays: %s\n",
			a->job_why, msg);
	}
	if (a->job_http)
		ctl_http_reload_done(a->http, rc, msg);
}

/* A reload asked for (SIGHUP, POST /-/reload) starts its build; one built
 * is handed over.  The control loop goes on meanwhile. */
void
ctl_reload_step(struct ctl_app *a, volatile sig_atomic_t *asked)
{
	char msg[PATH_MAX + 512];
	bool force = false, http;
	int rc;

	if (a->job != NULL) {
		if (ctl_reload_ready(a)) {
			rc = ctl_reload_finish(a, msg, sizeof(msg));
			reload_told(a, rc, msg);
		}
		return;
	}
	http = !*asked && ctl_http_reload_wanted(a->http, &force);
	if (!*asked && !http)
		return;
	*asked = 0;
	a->job_http = http;
	snprintf(a->job_why, sizeof(a->job_why), "%s",
		 !http	 ? "SIGHUP"
		 : force ? "POST /-/reload?force=1"
			 : "POST /-/reload");
	a->job_t0 = ctl_now_ns();
	if ((rc = ctl_reload_start(a, force, msg, sizeof(msg))) != 0)
		reload_told(a, rc, msg);
}
