/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_metrics.h"
#include "ctl_counters.h"
#include "ctl_metrics_private.h"
#include "ctl_promtext.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <rte_cycles.h>

#include "dp_types.h"
#include "pf_ctl.h"

/* Names under a vendor's domains that no role lists, the most seen first:
 * what to add to the catalogue. */
static void
render_unlisted(FILE *f, const struct ctl_view *v)
{
	const struct ctl_unlisted *u = &v->snap->unlisted;
	const struct ctl_unlisted_entry *top[CTL_UNLISTED_TOP];

	ctl_promtext_family(
	    f, "tapcensus_vendor_unlisted_names_total", "counter",
	    "Sessions decided by a name under a vendor's domains that no role of its "
	    "catalogue lists (role other), by name: the most seen, at most 20 per "
	    "vendor.  Exact while fewer than 1024 names were seen; past that a new name "
	    "starts from the least seen one's count (see the replaced total).");
	for (unsigned vd = 0; vd < v->snap->n_vendors; vd++) {
		unsigned n;

		if (!v->cfg->vendors[vd].fallback)
			continue;
		n = ctl_unlisted_top(u, vd, top, CTL_UNLISTED_TOP);
		for (unsigned i = 0; i < n; i++) {
			fputs("tapcensus_vendor_unlisted_names_total{vendor=", f);
			ctl_promtext_label(f, v->cfg->vendors[vd].name);
			fputs(",name=", f);
			ctl_promtext_label(f, top[i]->name);
			fprintf(f, "} %" PRIu64 "\n", top[i]->count);
		}
	}
	ctl_promtext_scalar(
	    f, "tapcensus_vendor_unlisted_names_replaced_total", "counter",
	    "Unlisted names that took the place of the least seen one in a full table "
	    "(their counts are then upper bounds).",
	    u->replaced);
}

static void
render_ports(FILE *f, const struct ctl_view *v)
{
	const struct ctl_snapshot *s = v->snap;
	static const struct {
		const char *name, *help;
		size_t off;
	} port_fams[] = {
	    {"tapcensus_port_rx_packets_total", "Packets the NIC received (ethdev ipackets).",
	     offsetof(struct ctl_port_stats, ipackets)},
	    {"tapcensus_port_rx_bytes_total", "Bytes the NIC received (ethdev ibytes).",
	     offsetof(struct ctl_port_stats, ibytes)},
	    {"tapcensus_port_rx_missed_total",
	     "Packets the NIC dropped for want of RX descriptors (ethdev imissed).",
	     offsetof(struct ctl_port_stats, imissed)},
	    {"tapcensus_port_rx_errors_total",
	     "Erroneous packets the NIC dropped (ethdev ierrors).",
	     offsetof(struct ctl_port_stats, ierrors)},
	    {"tapcensus_port_rx_nombuf_total",
	     "Receive attempts that found no free mbuf (ethdev rx_nombuf).",
	     offsetof(struct ctl_port_stats, rx_nombuf)},
	};
	static const struct {
		const char *name, *help;
		size_t off;
	} queue_fams[] = {
	    {"tapcensus_queue_rx_packets_total", "Packets a worker received from its RX queue.",
	     offsetof(struct dp_wstats, rx_pkts)},
	    {"tapcensus_queue_rx_bytes_total", "Bytes a worker received from its RX queue.",
	     offsetof(struct dp_wstats, rx_bytes)},
	};

	for (size_t k = 0; k < sizeof(port_fams) / sizeof(port_fams[0]); k++) {
		ctl_promtext_family(f, port_fams[k].name, "counter", port_fams[k].help);
		for (unsigned p = 0; p < s->n_ports; p++) {
			const uint64_t *val =
			    (const uint64_t *)((const char *)&s->ports[p] + port_fams[k].off);

			fprintf(f, "%s{port=", port_fams[k].name);
			ctl_promtext_label(f, s->ports[p].name);
			fprintf(f, "} %" PRIu64 "\n", *val);
		}
	}
	for (size_t k = 0; k < sizeof(queue_fams) / sizeof(queue_fams[0]); k++) {
		ctl_promtext_family(f, queue_fams[k].name, "counter", queue_fams[k].help);
		for (unsigned w = 0; w < s->n_workers; w++) {
			const uint64_t *val =
			    (const uint64_t *)((const char *)&s->worker[w] + queue_fams[k].off);

			fprintf(f, "%s{port=", queue_fams[k].name);
			ctl_promtext_label(f, s->ports[s->worker_port[w]].name);
			fprintf(f, ",queue=\"%u\"} %" PRIu64 "\n", s->worker_queue[w], *val);
		}
	}
}

/* What the table (ctl_counters.h) does not hold: the flows held now, and
 * learned addresses lost on the way to the control plane or from it. */
static void
render_flows(FILE *f, const struct dp_wstats *t, uint64_t active, uint64_t forward_lost)
{
	ctl_promtext_scalar(f, "tapcensus_flows_active", "gauge", "Flows held in the flow tables.",
			    active);
	ctl_promtext_family(
	    f, "tapcensus_learn_events_lost_total", "counter",
	    "Learned addresses not shared, by stage: a worker's ring to the control plane "
	    "full (to_control), or another worker's ring full (to_workers).");
	fprintf(f, "tapcensus_learn_events_lost_total{stage=\"to_control\"} %" PRIu64 "\n",
		t->learn_events_lost);
	fprintf(f, "tapcensus_learn_events_lost_total{stage=\"to_workers\"} %" PRIu64 "\n",
		forward_lost);
}

/* One value of a family of the table, in the exposition. */
static void
prom_value(void *arg, const struct ctl_ctr_desc *d, const char *value, uint64_t v)
{
	FILE *f = arg;

	if (value == NULL)
		fprintf(f, "%s %" PRIu64 "\n", d->metric, v);
	else
		fprintf(f, "%s{%s=\"%s\"} %" PRIu64 "\n", d->metric, d->label, value, v);
}

static void
render_counters(FILE *f, const struct dp_wstats *t)
{
	for (unsigned i = 0; i < ctl_ctr_table_len; i++) {
		ctl_promtext_family(f, ctl_ctr_table[i].metric, ctl_ctr_table[i].type,
				    ctl_ctr_table[i].help);
		ctl_ctr_each(&ctl_ctr_table[i], t, prom_value, f);
	}
}

/* The XDP prefilter's per-CPU counters, summed: what it passed to the
 * workers and what it dropped in the kernel, by reason. */
static void
render_prefilter(FILE *f, const struct ctl_snapshot *s)
{
	ctl_promtext_family(
	    f, "tapcensus_prefilter_packets_total", "counter",
	    "Packets the XDP prefilter saw on the net_af_xdp interfaces, by reason: pass_* went "
	    "to the workers, drop_* were dropped in the kernel.");
	for (unsigned r = 0; r < PF_REASON_COUNT; r++)
		fprintf(f, "tapcensus_prefilter_packets_total{reason=\"%s\"} %" PRIu64 "\n",
			pf_reason_name(r), (uint64_t)s->pf[r].packets);
	ctl_promtext_family(f, "tapcensus_prefilter_bytes_total", "counter",
			    "Frame bytes the XDP prefilter saw, by reason.");
	for (unsigned r = 0; r < PF_REASON_COUNT; r++)
		fprintf(f, "tapcensus_prefilter_bytes_total{reason=\"%s\"} %" PRIu64 "\n",
			pf_reason_name(r), (uint64_t)s->pf[r].bytes);
	ctl_promtext_scalar(f, "tapcensus_prefilter_learned_failed_total", "counter",
			    "Learned server addresses the prefilter's map refused.",
			    s->pf_learn_failed);
}

/* A counter family with result="ok" and result="failed". */
static void
by_result(FILE *f, const char *name, const char *help, uint64_t ok, uint64_t failed)
{
	ctl_promtext_family(f, name, "counter", help);
	fprintf(f, "%s{result=\"ok\"} %" PRIu64 "\n", name, ok);
	fprintf(f, "%s{result=\"failed\"} %" PRIu64 "\n", name, failed);
}

static void
render_dataplane(FILE *f, const struct ctl_view *v)
{
	const struct dp_wstats *t = &v->snap->total;

	render_counters(f, t);
	ctl_promtext_scalar(f, "tapcensus_http_slow_heads_total", "counter",
			    "Connections to this endpoint cut because their request head took "
			    "longer than 5 s to arrive (a client sending a byte at a time).",
			    v->snap->http_heads_cut);
	ctl_promtext_scalar(f, "tapcensus_client_table_full_total", "counter",
			    "New clients not recorded because the unique-client table was full.",
			    ctl_clients_full(v->clients));
	ctl_promtext_scalar(
	    f, "tapcensus_client_table_entries", "gauge",
	    "Entries in the unique-client table (capacity in tapcensus_client_table_capacity).",
	    ctl_clients_entries(v->clients));
	ctl_promtext_family(f, "tapcensus_client_table_capacity", "gauge",
			    "Capacity of the unique-client table.");
	fprintf(f, "tapcensus_client_table_capacity %u\n", ctl_clients_capacity(v->clients));
	ctl_promtext_scalar(
	    f, "tapcensus_client_table_unverified", "gauge",
	    "Entries of the unique-client table without evidence that the address is "
	    "real (no exchange seen: a spoofed packet, a query not answered yet).",
	    ctl_clients_unverified(v->clients));
	ctl_promtext_family(f, "tapcensus_client_table_replaced_total", "counter",
			    "Entries of a full unique-client table replaced by a newcomer, by why: "
			    "expired (last seen before the 30-day window) or unverified.");
	fprintf(f, "tapcensus_client_table_replaced_total{reason=\"expired\"} %" PRIu64 "\n",
		ctl_clients_evicted(v->clients, CTL_EVICT_EXPIRED));
	fprintf(f, "tapcensus_client_table_replaced_total{reason=\"unverified\"} %" PRIu64 "\n",
		ctl_clients_evicted(v->clients, CTL_EVICT_UNVERIFIED));
	ctl_promtext_family(f, "tapcensus_unverified_clients", "gauge",
			    "Clients seen reaching a vendor without evidence that their address is "
			    "real, per vendor role and window; counted in no organisation's "
			    "figures.");
	for (unsigned vd = 0; vd < v->snap->n_vendors; vd++)
		for (unsigned k = 0; k < CTL_WIN_COUNT; k++) {
			fputs("tapcensus_unverified_clients{", f);
			ctl_promtext_vendor(f, v->cfg->vendors[vd].name, v->cfg->vendors[vd].role);
			fprintf(f, ",window=\"%s\"} %" PRIu64 "\n", ctl_window_names[k],
				v->unverified[vd * CTL_WIN_COUNT + k]);
		}
	ctl_promtext_family(f, "tapcensus_vendor_catalogue_info", "gauge",
			    "The vendor catalogue's roles and what each rests on: documented (the "
			    "vendor's documentation or artefacts, grades A and B), reported "
			    "(third-party data and reports only, C and D), unsourced.");
	for (unsigned vd = 0; vd < v->cfg->n_vendors; vd++) {
		fputs("tapcensus_vendor_catalogue_info{", f);
		ctl_promtext_vendor(f, v->cfg->vendors[vd].name, v->cfg->vendors[vd].role);
		fputs(",confidence=", f);
		ctl_promtext_label(f, v->cfg->vendors[vd].confidence);
		fputs("} 1\n", f);
	}
	render_unlisted(f, v);
	render_flows(f, t, v->flows_active, v->snap->learn_forward_lost);
	by_result(f, "tapcensus_state_writes_total",
		  "State-file writes (persistence.dir), by result.", v->state.writes_ok,
		  v->state.writes_failed);
	ctl_promtext_scalar(
	    f, "tapcensus_state_last_write_timestamp_seconds", "gauge",
	    "Unix time of the last good state-file write; 0 when the last write failed or "
	    "none was made.",
	    v->state.written);
	by_result(f, "tapcensus_config_reloads_total",
		  "Configuration reloads (SIGHUP, POST /-/reload), by result: ok, or failed (the "
		  "running configuration stayed).",
		  v->reload.ok, v->reload.failed);
	ctl_promtext_scalar(f, "tapcensus_config_last_reload_success_timestamp_seconds", "gauge",
			    "Unix time of the last good configuration reload; 0: none since start.",
			    v->reload.last);
	ctl_promtext_scalar(
	    f, "tapcensus_client_events_stale_total", "counter",
	    "Client sightings dropped at a reload: their organisation was removed, or they "
	    "were two reloads old.",
	    ctl_clients_stale(v->clients));
	if (v->snap->pf_on)
		render_prefilter(f, v->snap);
	ctl_promtext_family(
	    f, "tapcensus_organisations_configured", "gauge",
	    "Organisations in the organisation table (without the unattributed row).");
	fprintf(f, "tapcensus_organisations_configured %u\n", v->orgs_listed);
	ctl_promtext_family(f, "tapcensus_organisations_parked", "gauge",
			    "Organisations no longer in the table whose counters and clients are "
			    "kept (not exported) until a table lists them again.");
	fprintf(f, "tapcensus_organisations_parked %u\n", v->orgs->n_parked);
	ctl_promtext_family(f, "tapcensus_organisation_prefixes_nested", "gauge",
			    "Prefixes of the organisation table that lie inside another "
			    "organisation's prefix (the longest match attributes their clients).");
	fprintf(f, "tapcensus_organisation_prefixes_nested %u\n", v->orgs->n_nested);
	ctl_promtext_family(f, "tapcensus_worker_busy_cycles_total", "counter",
			    "TSC cycles a worker spent processing packets, outside rx_burst.");
	for (unsigned w = 0; w < v->snap->n_workers; w++)
		fprintf(f, "tapcensus_worker_busy_cycles_total{worker=\"%u\"} %" PRIu64 "\n", w,
			v->snap->worker[w].busy_cycles);
	ctl_promtext_family(
	    f, "tapcensus_flows_one_sided", "gauge",
	    "Flows that have shown one direction only so far, by the side seen: a tap that "
	    "sees only the clients' side still counts every session; one that sees only "
	    "the servers' side counts none (a session counts where its client is seen).");
	fprintf(f, "tapcensus_flows_one_sided{side=\"client\"} %" PRIu64 "\n",
		v->snap->total.flow_first_side[DP_DIR_C2S] -
		    v->snap->total.flow_both_sides[DP_DIR_C2S]);
	fprintf(f, "tapcensus_flows_one_sided{side=\"server\"} %" PRIu64 "\n",
		v->snap->total.flow_first_side[DP_DIR_S2C] -
		    v->snap->total.flow_both_sides[DP_DIR_S2C]);
	ctl_promtext_family(
	    f, "tapcensus_worker_burst_gap_max_seconds", "gauge",
	    "The longest time between two receive bursts of a worker since it started or "
	    "since the last reload began (a reload builds its tables off the workers: "
	    "this shows it never holds them up).");
	for (unsigned w = 0; w < v->snap->n_workers; w++)
		fprintf(f, "tapcensus_worker_burst_gap_max_seconds{worker=\"%u\"} %.6f\n", w,
			(double)v->snap->worker_gap[w] / (double)rte_get_tsc_hz());
}

/* The organisation table's sources: what each is (file, date, licence)
 * and what it gave, and which are older than organisations.max_age_days. */
static void
render_orgdata(FILE *f, const struct ctl_view *v)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} counts[] = {
	    {"tapcensus_orgdata_rows",
	     "Rows a source of the organisation table gave (prefixes; "
	     "ASes for as2org and asdb).",
	     offsetof(struct ctl_orgsrc_info, rows)},
	    {"tapcensus_orgdata_rows_skipped",
	     "Malformed rows of a source left out "
	     "(organisations.on_error: skip; each told on stderr with its file and line).",
	     offsetof(struct ctl_orgsrc_info, skipped)},
	    {"tapcensus_orgdata_prefixes_overridden",
	     "Prefixes of a source a later source gave "
	     "again (the later one attributes them).",
	     offsetof(struct ctl_orgsrc_info, overridden)},
	    {"tapcensus_orgdata_networks_excluded",
	     "Networks of a location database left out "
	     "(countries) or attributing nobody (exclude_flags).",
	     offsetof(struct ctl_orgsrc_info, excluded)},
	    {"tapcensus_orgdata_names_cleaned",
	     "Organisation names of a source cut to 127 bytes "
	     "or with bytes escaped (not UTF-8, control characters).",
	     offsetof(struct ctl_orgsrc_info, cleaned)},
	};
	const struct ctl_orgs *o = v->orgs;
	unsigned max_age = v->cfg->orgdata.max_age_days;

	ctl_promtext_family(f, "tapcensus_orgdata_info", "gauge",
			    "A source of the organisation table: its kind, file, date (the data's "
			    "own, or as configured) and licence.");
	for (unsigned i = 0; i < o->n_src; i++) {
		const struct ctl_orgsrc_info *s = &o->src[i];
		char date[16] = "unknown";
		time_t t = (time_t)s->date;
		struct tm tm;

		if (s->date != 0 && gmtime_r(&t, &tm) != NULL)
			strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		fprintf(f, "tapcensus_orgdata_info{source=\"%u\",kind=\"%s\",file=", i,
			ctl_orgsrc_kind_name(s->kind));
		ctl_promtext_label(f, s->path);
		fprintf(f, ",date=\"%s\",licence=", date);
		ctl_promtext_label(f, s->licence[0] ? s->licence : "unknown");
		fputs("} 1\n", f);
	}
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		ctl_promtext_family(f, counts[c].name, "gauge", counts[c].help);
		for (unsigned i = 0; i < o->n_src; i++)
			fprintf(f, "%s{source=\"%u\"} %" PRIu64 "\n", counts[c].name, i,
				*(const uint64_t *)((const char *)&o->src[i] + counts[c].off));
	}
	ctl_promtext_family(f, "tapcensus_orgdata_age_seconds", "gauge",
			    "How old a source's data is (from its date); -1 when unknown.");
	for (unsigned i = 0; i < o->n_src; i++)
		fprintf(f, "tapcensus_orgdata_age_seconds{source=\"%u\"} %" PRId64 "\n", i,
			o->src[i].date ? (int64_t)v->now - o->src[i].date : -1);
	ctl_promtext_family(f, "tapcensus_orgdata_stale", "gauge",
			    "1 when a source is older than organisations.max_age_days (or its date "
			    "is unknown while a maximum is set): refresh it.");
	for (unsigned i = 0; i < o->n_src; i++)
		fprintf(f, "tapcensus_orgdata_stale{source=\"%u\"} %d\n", i,
			max_age != 0 && (o->src[i].date == 0 || (int64_t)v->now - o->src[i].date >
								    (int64_t)max_age * 86400));
}

int
ctl_metrics_render(FILE *f, const struct ctl_view *v)
{
	int rc = ctl_metrics_render_orgs(f, v);

	ctl_metrics_render_groups(f, v);
	if (rc != 0)
		return rc;
	render_dataplane(f, v);
	render_orgdata(f, v);
	if (v->cfg->alert_after != 0)
		ctl_promtext_scalar(
		    f, "tapcensus_alert_after_timestamp_seconds", "gauge",
		    "metrics.alert_after: after it, a government organisation still "
		    "using a vendor's product alerts (config/tapcensus-rules.yml).",
		    (uint64_t)v->cfg->alert_after);
	if (v->snap->census)
		ctl_census_render(f, &v->snap->push);
	render_ports(f, v);
	return ferror(f) ? -EIO : 0;
}

/* The final exposition to -o PATH: "-" is standard output; a regular file
 * (or a new one) is replaced whole (a temporary file renamed over it); a
 * device, FIFO or socket is written in place - renaming over it would
 * replace the node itself (as root, -o /dev/null would make /dev/null a
 * regular file for every program on the host). */
int
ctl_metrics_write_path(const char *path, const struct ctl_view *v)
{
	char tmp[PATH_MAX];
	struct stat st;
	bool in_place;
	FILE *f;
	int rc;

	if (strcmp(path, "-") == 0) {
		rc = ctl_metrics_render(stdout, v);
		return fflush(stdout) != 0 || rc != 0 ? -EIO : 0;
	}
	in_place = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
	if (in_place && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "tapcensus: -o %s: a directory\n", path);
		return -EISDIR;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		fprintf(stderr, "tapcensus: -o %s: path too long\n", path);
		return -ENAMETOOLONG;
	}
	f = fopen(in_place ? path : tmp, "w");
	if (f == NULL) {
		rc = -errno;
		fprintf(stderr, "tapcensus: %s: %s\n", in_place ? path : tmp, strerror(errno));
		return rc;
	}
	rc = ctl_metrics_render(f, v);
	if (fclose(f) != 0 || rc != 0 || (!in_place && rename(tmp, path) != 0)) {
		fprintf(stderr, "tapcensus: cannot write %s\n", path);
		return -EIO;
	}
	return 0;
}
