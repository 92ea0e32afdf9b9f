/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tapcensus: recognise traffic to designated vendors on a tap and count it
 * per client organisation.  This file is the process: configuration, EAL,
 * ports, workers, and the control loop on the main lcore.
 *
 * Exit status: 0 success, 1 runtime failure, 2 bad command line or
 * configuration (the message names the file, line and field).
 */
#include <errno.h>
#include <sys/stat.h>
#include <getopt.h>
#include <pthread.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "ctl_api.h"
#include "ctl_clients.h"
#include "ctl_persist.h"
#include "ctl_prefilter.h"
#include "ctl_config.h"
#include "ctl_http.h"
#include "ctl_metrics.h"
#include "ctl_orgs.h"
#include "ctl_reload.h"
#include "ctl_stats.h"
#include "ctl_summary.h"
#include "ctl_tables.h"
#include "ctl_telemetry.h"
#include "dp_port.h"
#include "dp_worker.h"

#define EXIT_CONFIG 2
#define RENDER_INTERVAL_NS 1000000000ull
#define STALL_NS 3000000000ull

static volatile bool stop_flag;
static volatile sig_atomic_t reload_flag;
static volatile uint64_t coarse_clock;

struct opts {
	const char *config;
	const char *pcap;          /* the first of pcaps[], NULL when live */
	const char *pcaps[CTL_MAX_WORKERS];
	unsigned n_pcaps;
	const char *metrics_out;
	bool infinite;
	bool serve;
	bool linger;
	bool no_summary;
	double duration;
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: tapcensus -c CONFIG [options]\n"
		"  -c, --config FILE       YAML configuration (required)\n"
		"  -r, --pcap FILE         offline: replay FILE through net_pcap instead of the\n"
		"                          configured ports, to its end, then print the summary;\n"
		"                          given N times, N RX queues, one file each, served by\n"
		"                          the first N configured workers\n"
		"  -o, --metrics-out FILE  write the final exposition to FILE\n"
		"      --serve             offline: serve /metrics while replaying too\n"
		"      --infinite          offline: replay the file in a loop (benchmarks)\n"
		"      --linger            offline: after the replay, keep serving (and writing\n"
		"                          the state) until SIGINT or SIGTERM\n"
		"  -d, --duration SEC      stop after SEC seconds, print per-worker rates\n"
		"      --no-summary        do not print the summary table\n");
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"config", required_argument, NULL, 'c'},
		{"pcap", required_argument, NULL, 'r'},
		{"metrics-out", required_argument, NULL, 'o'},
		{"duration", required_argument, NULL, 'd'},
		{"serve", no_argument, NULL, 's'},
		{"infinite", no_argument, NULL, 'i'},
		{"linger", no_argument, NULL, 'l'},
		{"no-summary", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "c:r:o:d:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'r':
			if (o->n_pcaps == CTL_MAX_WORKERS) {
				fprintf(stderr, "tapcensus: --pcap: at most %d files\n",
					CTL_MAX_WORKERS);
				return -EINVAL;
			}
			o->pcaps[o->n_pcaps++] = optarg;
			o->pcap = o->pcaps[0];
			break;
		case 'o': o->metrics_out = optarg; break;
		case 'd':
			o->duration = strtod(optarg, NULL);
			if (o->duration <= 0) {
				fprintf(stderr, "tapcensus: --duration: '%s' is not a positive number\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 's': o->serve = true; break;
		case 'i': o->infinite = true; break;
		case 'l': o->linger = true; break;
		case 'n': o->no_summary = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (o->config == NULL || optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (o->linger && o->pcap == NULL) {
		fprintf(stderr, "tapcensus: --linger needs --pcap\n");
		return -EINVAL;
	}
	if (o->infinite && o->pcap == NULL) {
		fprintf(stderr, "tapcensus: --infinite needs --pcap\n");
		return -EINVAL;
	}
	return 0;
}

/* Packets in a pcap file: net_pcap gives no end-of-file signal, so offline
 * mode stops once the workers have seen this many. */
static long long
pcap_count(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	long long n = 0;
	pcap_t *p = pcap_open_offline(path, errbuf);

	if (p == NULL) {
		fprintf(stderr, "tapcensus: %s: %s\n", path, errbuf);
		return -1;
	}
	while (pcap_next_ex(p, &h, &d) == 1)
		n++;
	pcap_close(p);
	return n;
}

/* EAL argv: program, the configured arguments, cores, and one device
 * argument per port (--vdev for virtual devices, -a for PCI). */
static int
build_eal_argv(const struct ctl_config *cfg, char **argv, int max, char *store, size_t store_len)
{
	int n = 0;
	size_t used = 0;

#define PUSH(...)                                                                                  \
	do {                                                                                       \
		int w_ = snprintf(store + used, store_len - used, __VA_ARGS__);                    \
		if (n >= max - 1 || w_ < 0 || (size_t)w_ >= store_len - used)                      \
			return -E2BIG;                                                             \
		argv[n++] = store + used;                                                          \
		used += (size_t)w_ + 1;                                                            \
	} while (0)

	PUSH("tapcensus");
	for (unsigned i = 0; i < cfg->n_eal_args; i++)
		PUSH("%s", cfg->eal_args[i]);
	{
		char cores[1024];
		size_t o = (size_t)snprintf(cores, sizeof(cores), "%u@%u", cfg->main_core,
					    cfg->main_cpu);

		for (unsigned i = 0; i < cfg->n_workers && o < sizeof(cores); i++)
			o += (size_t)snprintf(cores + o, sizeof(cores) - o, ",%u@%u",
					      cfg->workers[i], cfg->worker_cpus[i]);
		PUSH("--lcores");
		PUSH("%s", cores);
		PUSH("--main-lcore");
		PUSH("%u", cfg->main_core);
	}
	for (unsigned p = 0; p < cfg->n_ports; p++) {
		const struct ctl_port *port = &cfg->ports[p];
		bool vdev = strncmp(port->name, "net_", 4) == 0;

		PUSH(vdev ? "--vdev" : "-a");
		if (port->args[0])
			PUSH("%s,%s", port->name, port->args);
		else
			PUSH("%s", port->name);
	}
	argv[n] = NULL;
	return n;
#undef PUSH
}

/* Offline mode: one net_pcap port replaces the configured ports, one RX
 * queue per file, served by the first configured workers. */
static int
apply_offline(struct ctl_config *cfg, const struct opts *o)
{
	struct ctl_port *p = &cfg->ports[0];
	size_t used = 0;

	if (o->n_pcaps > cfg->n_workers) {
		fprintf(stderr, "tapcensus: %u --pcap files need %u workers; %s gives %u in "
			"dpdk.workers\n", o->n_pcaps, o->n_pcaps, cfg->path, cfg->n_workers);
		return -EINVAL;
	}
	memset(cfg->ports, 0, sizeof(cfg->ports));
	snprintf(p->name, sizeof(p->name), "net_pcap_offline0");
	for (unsigned i = 0; i < o->n_pcaps; i++) {
		int w;

		if (strchr(o->pcaps[i], ',') != NULL) {
			fprintf(stderr, "tapcensus: --pcap %s: a path with a comma cannot be given "
				"to net_pcap\n", o->pcaps[i]);
			return -EINVAL;
		}
		w = snprintf(p->args + used, sizeof(p->args) - used, "%srx_pcap=%s",
			     i ? "," : "", o->pcaps[i]);
		if (w < 0 || (size_t)w >= sizeof(p->args) - used) {
			fprintf(stderr, "tapcensus: --pcap: the paths are too long together\n");
			return -E2BIG;
		}
		used += (size_t)w;
	}
	if (o->infinite &&
	    snprintf(p->args + used, sizeof(p->args) - used, ",infinite_rx=1") >=
		    (int)(sizeof(p->args) - used)) {
		fprintf(stderr, "tapcensus: --pcap: the paths are too long together\n");
		return -E2BIG;
	}
	p->rx_queues = (uint16_t)o->n_pcaps;
	cfg->n_ports = 1;
	cfg->n_workers = o->n_pcaps;
	return 0;
}

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

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct app {
	struct opts opt;
	struct ctl_config *cfg;
	struct ctl_orgs *orgs;
	struct ctl_tables tables;
	struct ctl_clients *clients;
	struct ctl_snapshot snap;
	struct ctl_http *http;
	struct ctl_prefilter *pf;    /* NULL without net_af_xdp ports */
	struct rte_mempool *pool;
	struct dp_worker *workers[CTL_MAX_WORKERS];
	struct rte_rcu_qsbr *qs;     /* workers' quiescent states, for reloads */
	struct dp_match *prev_match; /* the generation before's: streams still scan on it */
	uint16_t gen;                /* the workers' current generation */
	pthread_t freeing;           /* frees the tables a reload replaced */
	bool freeing_started;
	bool freeing_done;           /* set by that thread as it ends */
	uint64_t learn_forward_lost; /* learned addresses a worker's learn_in had no room for */
	struct dp_learned learned;   /* every worker's, for the state file */
	uint64_t learned_evicted;
	uint64_t last_state;         /* when the state was last written, ns */
	uint16_t port_ids[CTL_MAX_PORTS];
	unsigned n_workers;
};

/* What the exposition, the API and the summary are rendered from. */
static struct ctl_view
app_view(const struct app *a)
{
	return (struct ctl_view){a->cfg, a->orgs, &a->snap, a->clients, (uint32_t)coarse_clock,
				 NULL};
}

/* Collects the counters; while serving, renders the exposition and the
 * API table from them (client windows counted once for both). */
static void
render_and_publish(struct app *a)
{
	struct ctl_view v = app_view(a);
	uint64_t *win;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ctl_snapshot_collect(&a->snap, a->workers, a->port_ids);
	a->snap.learn_forward_lost = a->learn_forward_lost;
	a->snap.pf_on = a->pf != NULL;
	ctl_prefilter_tick(a->pf, a->snap.pf);
	a->snap.pf_learn_failed = ctl_prefilter_learn_failed(a->pf);
	if (a->http == NULL)
		return;
	win = calloc((size_t)a->snap.n_orgs * a->snap.n_vendors * CTL_WIN_COUNT, sizeof(*win));
	if (win == NULL)
		return;
	ctl_clients_windows(a->clients, v.now, win);
	v.win = win;
	ctl_api_publish(ctl_api_build(&v, win));
	f = open_memstream(&buf, &len);
	if (f != NULL) {
		ctl_metrics_render(f, &v);
		fclose(f);
		ctl_http_publish(a->http, buf, len);
	}
	free(win);
}

/* What one worker learned goes to every other worker.  Never waits: a
 * worker may itself be waiting for room in its event ring. */
static void
forward_learned(struct app *a, unsigned from)
{
	struct dp_learn_event ev;

	for (unsigned k = 0; k < DP_LEARN_RING; k++) {
		if (rte_ring_dequeue_elem(a->workers[from]->learn_out, &ev, sizeof(ev)) != 0)
			break;
		/* On the worker's clock, which is the capture's offline. */
		uint32_t now = __atomic_load_n(&a->workers[from]->now, __ATOMIC_RELAXED);

		dp_learned_add(&a->learned, ev.family, ev.addr, ev.vendors, ev.expires, now);
		if (ev.expires > now)
			ctl_prefilter_learned(a->pf, ev.family, ev.addr, ev.expires - now);
		for (unsigned w = 0; w < a->n_workers; w++)
			if (w != from &&
			    rte_ring_enqueue_elem(a->workers[w]->learn_in, &ev, sizeof(ev)) != 0)
				a->learn_forward_lost++;
	}
}

static void
drain_all(struct app *a)
{
	for (unsigned w = 0; w < a->n_workers; w++) {
		ctl_clients_drain(a->clients, a->workers[w]->events, 1u << 16,
				  (uint32_t)coarse_clock);
		forward_learned(a, w);
	}
}

/* Keep draining while workers finish their last burst: a lossless worker
 * may be waiting for room in its ring. */
static void
wait_workers(struct app *a)
{
	for (;;) {
		unsigned running = 0;

		for (unsigned w = 0; w < a->n_workers; w++)
			running += rte_eal_get_lcore_state(a->cfg->workers[w]) == RUNNING;
		drain_all(a);
		if (running == 0)
			break; /* drained after every worker had returned */
		usleep(100);
	}
	rte_eal_mp_wait_lcore();
}

static uint64_t
workers_rx(struct app *a)
{
	uint64_t n = 0;

	for (unsigned w = 0; w < a->n_workers; w++)
		n += DP_CTR_READ(a->workers[w]->st.rx_pkts);
	return n;
}

/* Writes the state file from the latest collected counters.  A failure is
 * told once per run of failures and counted; the previous generations stay. */
static void
write_state(struct app *a)
{
	struct ctl_persist_src src = {a->cfg, a->orgs, &a->snap, a->clients, &a->learned};
	char err[PATH_MAX + 128];

	if (a->cfg->state_dir[0] == '\0')
		return;
	if (ctl_persist_write(a->cfg->state_dir, &src, coarse_clock, err, sizeof(err)) == 0) {
		a->snap.state_writes_ok++;
		a->snap.state_written = coarse_clock;
	} else {
		if (a->snap.state_writes_failed++ == 0 || a->snap.state_written != 0)
			fprintf(stderr, "tapcensus: warning: state not written: %s\n", err);
		a->snap.state_written = 0;
	}
}

/* Restores the state file, then hands the learned addresses to every
 * worker (before they start).  0, or -EBADMSG when a state exists but no
 * generation of it is usable: the process must not write over it. */
static int
restore_state(struct app *a)
{
	struct ctl_persist_info info;
	uint32_t now = a->opt.pcap ? 0 : (uint32_t)time(NULL); /* offline: capture time unknown yet */
	int rc;

	if (a->cfg->state_dir[0] == '\0')
		return 0;
	if (mkdir(a->cfg->state_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "tapcensus: %s: persistence.dir: cannot create: %s\n", a->cfg->path,
			strerror(errno));
		return -errno;
	}
	rc = ctl_persist_restore(a->cfg->state_dir, a->cfg, a->orgs, &a->snap, a->clients,
				 &a->learned, now, &info);
	fprintf(stderr, "%s", info.msg);
	if (rc != 0)
		return rc;
	for (uint32_t i = 0; i <= a->learned.mask; i++) {
		const struct dp_learned_entry *e = &a->learned.e[i];

		for (unsigned w = 0; e->expires != 0 && w < a->n_workers; w++)
			dp_learned_add(&a->workers[w]->learned, e->family, e->addr, e->vendors,
				       e->expires, now);
		if (e->expires > now && now != 0)
			ctl_prefilter_learned(a->pf, e->family, e->addr, e->expires - now);
	}
	return 0;
}

/* ---- Reload ---- */

/* One worker's generation id of tables t. */
static struct dp_gen *
new_gen(struct app *a, uint16_t id, const struct ctl_tables *t, unsigned n_orgs,
	const struct dp_match *prev)
{
	return dp_gen_create(id, t->orgs, t->match, t->servers, t->server_vendors, n_orgs,
			     a->cfg->n_vendors, prev, (int)rte_socket_id());
}

/* Waits until every worker has passed a quiescent state since the new
 * generations were published, draining their rings meanwhile (a lossless
 * worker may be waiting for room).  A worker that has returned is offline
 * and not waited for. */
static void
wait_quiescent(struct app *a)
{
	uint64_t token = rte_rcu_qsbr_start(a->qs), warned = now_ns();

	while (rte_rcu_qsbr_check(a->qs, token, false) == 0) {
		drain_all(a);
		if (now_ns() - warned > STALL_NS) {
			fprintf(stderr, "tapcensus: warning: reload: a worker has not taken the new "
					"tables for 3 s; still waiting\n");
			warned = now_ns();
		}
		usleep(20);
	}
}

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

/* One free at a time; the rings are drained while waiting for it. */
static void
join_freeing(struct app *a)
{
	if (!a->freeing_started)
		return;
	while (!__atomic_load_n(&a->freeing_done, __ATOMIC_ACQUIRE)) {
		drain_all(a);
		usleep(100);
	}
	pthread_join(a->freeing, NULL);
	a->freeing_started = false;
}

/* Reads the configuration again and hands the new tables to the workers.
 * 0, or a negative errno with the reason in msg: the running tables stay.
 * Nothing fails once the first worker has been handed its generation. */
static int
reload(struct app *a, char *msg, size_t len)
{
	struct dp_gen *gens[CTL_MAX_WORKERS] = {NULL};
	struct dp_org_ctr *old_ctr[CTL_MAX_WORKERS];
	struct ctl_clients *clients = NULL;
	struct freeing *old_tables;
	struct ctl_reload r;
	uint16_t id = (uint16_t)(a->gen + 1);
	int rc;

	join_freeing(a);
	if (id == 0)
		id = 1; /* 0 is no generation (ctl_clients) */
	rc = ctl_reload_load(a->opt.config, &r, msg, len);
	if (rc == 0 && a->opt.pcap != NULL && apply_offline(r.cfg, &a->opt) != 0) {
		snprintf(msg, len, "%s: dpdk.workers: fewer than the --pcap files", r.cfg->path);
		rc = -EINVAL;
	}
	if (rc == 0)
		rc = ctl_prefilter_port_args(r.cfg, msg, len); /* as at start, to compare ports */
	if (rc == 0)
		rc = ctl_reload_build(&r, a->cfg, a->orgs, (int)rte_socket_id(), msg, len);
	for (unsigned w = 0; rc == 0 && w < a->n_workers; w++)
		if ((gens[w] = new_gen(a, id, &r.tables, r.orgs->n_orgs, a->tables.match)) == NULL)
			rc = -ENOMEM;
	if (rc == 0) {
		drain_all(a); /* every event so far, in the running index space */
		clients = ctl_clients_regen(a->clients, r.orgs->n_orgs, r.org_map, id);
		if (clients == NULL)
			rc = -ENOMEM;
	}
	if (rc != 0) {
		if (rc == -ENOMEM)
			snprintf(msg, len, "%s: out of memory for the new tables", a->opt.config);
		for (unsigned w = 0; w < a->n_workers; w++)
			dp_gen_free(gens[w]);
		ctl_reload_free(&r);
		return rc;
	}

	/* Hand over: from here on, events of either generation are taken. */
	ctl_clients_free(a->clients);
	a->clients = clients;
	for (unsigned w = 0; w < a->n_workers; w++) {
		gens[w] = dp_worker_publish(a->workers[w], gens[w]);
		old_ctr[w] = gens[w]->ctr;
	}
	a->gen = id;
	wait_quiescent(a);

	/* No worker holds the old generation now: fold its counters, free it.
	 * The old match stays while streams opened on it may run. */
	if (ctl_snapshot_regen(&a->snap, r.orgs->n_orgs, r.org_map, old_ctr, a->n_workers) != 0)
		fprintf(stderr, "tapcensus: warning: reload: out of memory; the counters "
				"before it are lost\n");
	for (unsigned w = 0; w < a->n_workers; w++)
		dp_gen_free(gens[w]);
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
		a->freeing_started = pthread_create(&a->freeing, NULL, free_tables, old_tables) == 0;
		if (!a->freeing_started)
			free_tables(old_tables);
	}
	a->tables = r.tables;
	ctl_orgs_free(a->orgs);
	a->orgs = r.orgs;
	if (ctl_prefilter_servers(a->pf, a->cfg, r.cfg) != 0)
		fprintf(stderr, "tapcensus: warning: reload: the prefilter's server prefixes could "
				"not all be replaced\n");
	ctl_config_free(a->cfg);
	a->cfg = r.cfg;
	snprintf(msg, len, "%u organisations (%u gone, %u new), %u vendors; generation %u",
		 r.orgs->n_orgs - 1, r.gone, r.added, r.cfg->n_vendors, id);
	memset(&r.tables, 0, sizeof(r.tables));
	r.orgs = NULL;
	r.cfg = NULL;
	ctl_reload_free(&r);
	return 0;
}

/* A reload, told on stderr and counted; the result goes to msg too. */
static int
reload_and_tell(struct app *a, const char *why, char *msg, size_t len)
{
	char buf[PATH_MAX + 512];
	uint64_t t0 = now_ns();
	int rc = reload(a, buf, sizeof(buf));

	if (rc == 0) {
		a->snap.reloads_ok++;
		a->snap.reload_last = coarse_clock;
		if (a->http != NULL)
			ctl_http_set_users(a->http, a->cfg->users, a->cfg->n_users);
		fprintf(stderr, "tapcensus: reloaded %s (%s) at %" PRIu64 " packets in %.1f ms: %s\n",
			a->opt.config, why, workers_rx(a), (double)(now_ns() - t0) / 1e6, buf);
		render_and_publish(a);
	} else {
		a->snap.reloads_failed++;
		fprintf(stderr, "tapcensus: reload refused (%s); the running configuration "
				"stays: %s\n", why, buf);
	}
	if (msg != NULL)
		snprintf(msg, len, "%s", buf);
	return rc;
}

/* The control loop: drain client events, keep the coarse clock, render
 * once a second; offline, stop when the file is consumed. */
static void
control_loop(struct app *a, long long expected)
{
	uint64_t start = now_ns(), last_render = start, last_progress = start, last_rx = 0;

	while (!stop_flag) {
		uint64_t t = now_ns();

		coarse_clock = (uint64_t)time(NULL);
		drain_all(a);
		if (reload_flag) {
			reload_flag = 0;
			reload_and_tell(a, "SIGHUP", NULL, 0);
		}
		if (ctl_http_reload_wanted(a->http)) {
			char msg[PATH_MAX + 512];
			int rc = reload_and_tell(a, "POST /-/reload", msg, sizeof(msg));

			ctl_http_reload_done(a->http, rc, msg);
		}
		if (t - last_render >= RENDER_INTERVAL_NS) {
			render_and_publish(a);
			last_render = t;
			if (t - a->last_state >= (uint64_t)a->cfg->state_interval * 1000000000ull) {
				write_state(a);
				a->last_state = t;
			}
		}
		if (a->opt.duration > 0 && (double)(t - start) / 1e9 >= a->opt.duration)
			break;
		if (expected >= 0) {
			uint64_t rx = workers_rx(a), errs = 0;
			struct rte_eth_stats st;

			if (rte_eth_stats_get(a->port_ids[0], &st) == 0)
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
					"tapcensus: warning: %" PRIu64 " of %lld packets read, no progress "
					"for 3 s; stopping\n",
					rx + errs, expected);
				break;
			}
		}
		usleep(200);
	}
}

static int
write_metrics_file(struct app *a)
{
	struct ctl_view v = app_view(a);
	char tmp[PATH_MAX];
	FILE *f;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp", a->opt.metrics_out);
	f = fopen(tmp, "w");
	if (f == NULL) {
		fprintf(stderr, "tapcensus: %s: %s\n", tmp, strerror(errno));
		return -errno;
	}
	rc = ctl_metrics_render(f, &v);
	if (fclose(f) != 0 || rc != 0 || rename(tmp, a->opt.metrics_out) != 0) {
		fprintf(stderr, "tapcensus: cannot write %s\n", a->opt.metrics_out);
		return -EIO;
	}
	return 0;
}

/* A field of /proc/self/status in KiB (VmRSS, VmHWM), or 0. */
static unsigned long
proc_status_kib(const char *field)
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

static void
print_rates(struct app *a, double secs)
{
	for (unsigned w = 0; w < a->n_workers; w++) {
		const struct dp_wstats *s = &a->snap.worker[w];

		printf("worker %u: %" PRIu64 " packets in %.2f s = %.3f Mpps, %.1f cycles/packet "
		       "outside rx_burst (TSC %.2f GHz)\n",
		       w, s->rx_pkts, secs, (double)s->rx_pkts / secs / 1e6,
		       s->busy_pkts ? (double)s->busy_cycles / (double)s->busy_pkts : 0.0,
		       (double)rte_get_tsc_hz() / 1e9);
	}
	printf("memory: resident %lu MiB, peak %lu MiB (includes the -m EAL memory touched)\n",
	       proc_status_kib("VmRSS") / 1024, proc_status_kib("VmHWM") / 1024);
}

static int
setup_ports_and_workers(struct app *a, char *err, size_t err_len)
{
	size_t qs_size = rte_rcu_qsbr_get_memsize(a->cfg->n_workers);
	unsigned w = 0;
	uint64_t ts_flag = 0;
	int rc, ts_off = -1;
	bool stamped;

	a->gen = 1;
	a->qs = rte_zmalloc("ctl_qsbr", qs_size, RTE_CACHE_LINE_SIZE);
	if (a->qs == NULL || rte_rcu_qsbr_init(a->qs, a->cfg->n_workers) != 0) {
		snprintf(err, err_len, "RCU state for %u workers: out of memory", a->cfg->n_workers);
		return -ENOMEM;
	}

	a->pool = rte_pktmbuf_pool_create("mbufs", a->cfg->mbufs, 256, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (a->pool == NULL) {
		snprintf(err, err_len, "mbuf pool of %u: %s", a->cfg->mbufs, rte_strerror(rte_errno));
		return -rte_errno;
	}
	for (unsigned p = 0; p < a->cfg->n_ports; p++) {
		const struct ctl_port *cp = &a->cfg->ports[p];

		if (rte_eth_dev_get_port_by_name(cp->name, &a->port_ids[p]) != 0) {
			snprintf(err, err_len, "%s:%d: dpdk.ports[%u].name: no DPDK port '%s'",
				 a->cfg->path, cp->line, p, cp->name);
			return -ENODEV;
		}
		snprintf(a->snap.ports[p].name, sizeof(a->snap.ports[p].name), "%s", cp->name);
		rc = dp_port_setup(a->port_ids[p], cp->rx_queues, a->cfg->rx_desc, a->pool,
				   &stamped, err, err_len);
		if (rc)
			return rc;
		/* The driver registered the timestamp field when it started;
		 * registering again returns the same offset and flag. */
		if (stamped && rte_mbuf_dyn_rx_timestamp_register(&ts_off, &ts_flag) != 0)
			stamped = false;
		for (uint16_t q = 0; q < cp->rx_queues; q++, w++) {
			struct dp_worker *wk;

			struct dp_gen *g = new_gen(a, a->gen, &a->tables, a->orgs->n_orgs, NULL);

			wk = g ? dp_worker_create(w, a->cfg->n_vendors, g, &a->cfg->worker,
						  (int)rte_socket_id())
			       : NULL;
			if (wk == NULL) {
				dp_gen_free(g);
				snprintf(err, err_len,
					 "worker %u: %s (flows.capacity %u, reassembly %u x %u bytes, "
					 "learned.capacity %u: does dpdk.eal_args -m give enough?)",
					 w, rte_strerror(rte_errno), a->cfg->worker.flow.capacity,
					 a->cfg->worker.reasm_buffers, a->cfg->worker.reasm_bytes,
					 a->cfg->worker.learned_capacity);
				return -rte_errno;
			}
			if (stamped) {
				wk->ts_off = ts_off;
				wk->ts_flag = ts_flag;
			}
			wk->port = a->port_ids[p];
			wk->queue = q;
			wk->clock = &coarse_clock;
			wk->stop = &stop_flag;
			wk->lossless = a->opt.pcap != NULL;
			wk->qs = a->qs;
			wk->qs_id = w;
			rte_rcu_qsbr_thread_register(a->qs, w);
			a->workers[w] = wk;
			a->snap.worker_port[w] = (uint16_t)p;
			a->snap.worker_queue[w] = q;
			a->n_workers = w + 1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char *eal_argv[CTL_MAX_EAL_ARGS + 2 * CTL_MAX_PORTS + 8];
	char eal_store[16384], err[PATH_MAX * 2];
	struct app a;
	long long expected = -1;
	uint64_t t_start;
	int rc, n, status = 1;

	memset(&a, 0, sizeof(a));
	/* At once: a SIGHUP before the control loop runs is a reload there,
	 * never the default action (exit). */
	signal(SIGHUP, on_hangup);
	if (parse_opts(argc, argv, &a.opt))
		return EXIT_CONFIG;
	rc = ctl_config_load(a.opt.config, &a.cfg, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "tapcensus: %s\n", err);
		return EXIT_CONFIG;
	}
	if (a.opt.pcap != NULL) {
		if (apply_offline(a.cfg, &a.opt))
			goto out_config;
		for (unsigned i = 0; !a.opt.infinite && i < a.opt.n_pcaps; i++) {
			long long k = pcap_count(a.opt.pcaps[i]);

			if (k < 0)
				goto out_config;
			expected = (expected < 0 ? 0 : expected) + k;
		}
	}
	if (ctl_prefilter_prepare(a.cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "tapcensus: %s\n", err);
		goto out_config;
	}
	n = build_eal_argv(a.cfg, eal_argv, (int)(sizeof(eal_argv) / sizeof(eal_argv[0])),
			   eal_store, sizeof(eal_store));
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
	rc = ctl_orgs_load(a.cfg->orgs_path, &a.orgs, err, sizeof(err));
	if (rc == 0)
		rc = ctl_tables_build(a.cfg, a.orgs, (int)rte_socket_id(), &a.tables, err,
				      sizeof(err));
	if (rc) {
		fprintf(stderr, "tapcensus: %s\n", err);
		status = EXIT_CONFIG;
		goto out_eal;
	}
	a.clients = ctl_clients_create(a.cfg->client_capacity, a.orgs->n_orgs, a.cfg->n_vendors,
				       a.cfg->client_v6_prefix);
	if (a.clients == NULL ||
	    dp_learned_init(&a.learned, a.cfg->worker.learned_capacity, &a.learned_evicted,
			    (int)rte_socket_id()) ||
	    ctl_snapshot_init(&a.snap, a.cfg->n_workers, a.cfg->n_ports, a.orgs->n_orgs,
			      a.cfg->n_vendors)) {
		fprintf(stderr, "tapcensus: out of memory for the client table (clients.capacity "
				"%u)\n",
			a.cfg->client_capacity);
		goto out_tables;
	}
	rc = setup_ports_and_workers(&a, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "tapcensus: %s\n", err);
		goto out_workers;
	}
	if (ctl_prefilter_wanted(a.cfg) &&
	    ctl_prefilter_open(a.cfg, &a.pf, err, sizeof(err)) != 0) {
		fprintf(stderr, "tapcensus: %s\n", err);
		goto out_workers;
	}
	if (restore_state(&a) != 0) {
		fprintf(stderr, "tapcensus: %s: no usable state; not starting, so as not to write "
				"over it\n", a.cfg->state_dir);
		goto out_workers;
	}
	if (a.opt.pcap == NULL || a.opt.serve || a.opt.linger) {
		struct ctl_http_opts ho = {a.cfg->listen_addr, a.cfg->listen_port, a.cfg->tls_cert,
					   a.cfg->tls_key, a.cfg->users, a.cfg->n_users};
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
	coarse_clock = (uint64_t)time(NULL);

	t_start = now_ns();
	a.last_state = t_start;
	for (unsigned w = 0; w < a.n_workers; w++) {
		rc = rte_eal_remote_launch(dp_worker_loop, a.workers[w], a.cfg->workers[w]);
		if (rc) {
			fprintf(stderr, "tapcensus: cannot launch worker on lcore %u: %s\n",
				a.cfg->workers[w], strerror(-rc));
			stop_flag = true;
			break;
		}
	}
	if (!stop_flag)
		control_loop(&a, expected);
	stop_flag = true;
	wait_workers(&a);
	render_and_publish(&a);
	write_state(&a); /* the final generation: nothing counted is lost on a clean stop */
	status = 0;
	if (a.opt.duration > 0)
		print_rates(&a, (double)(now_ns() - t_start) / 1e9);
	if (a.opt.metrics_out && write_metrics_file(&a))
		status = 1;
	if (!a.opt.no_summary) {
		struct ctl_view v = app_view(&a);

		ctl_summary_print(stdout, &v);
	}
	ctl_http_stop(a.http);
	ctl_api_publish(NULL);
	for (unsigned p = 0; p < a.cfg->n_ports; p++) {
		rte_eth_dev_stop(a.port_ids[p]);
		rte_eth_dev_close(a.port_ids[p]);
	}
out_workers:
	join_freeing(&a);
	ctl_prefilter_close(a.pf);
	for (unsigned w = 0; w < a.n_workers; w++)
		dp_worker_free(a.workers[w]);
	ctl_snapshot_fini(&a.snap);
	dp_learned_fini(&a.learned);
	ctl_clients_free(a.clients);
	rte_mempool_free(a.pool);
	rte_free(a.qs);
out_tables:
	ctl_tables_free(&a.tables);
	dp_match_free(a.prev_match);
	ctl_orgs_free(a.orgs);
out_eal:
	rte_eal_cleanup();
out_config:
	ctl_config_free(a.cfg);
	return status;
}
