/* SPDX-License-Identifier: BSD-3-Clause */
#include "ctl_metrics.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dp_types.h"
#include "pf_ctl.h"

void
ctl_metrics_label_value(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void
family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}


/* One exported organisation series: an organisation, or "other", the sum
 * of those past metrics.max_orgs.  ctr and win are laid out as the
 * snapshot's and the windows' rows of one organisation. */
struct org_row {
	const struct ctl_org *org;
	const struct dp_org_ctr *ctr; /* [n_vendors * DP_SIG_COUNT] */
	const uint64_t *win;          /* [n_vendors * CTL_WIN_COUNT] */
};

static const struct ctl_org other_org = {
	.id = "other",
	.name = "Organisations beyond metrics.max_orgs",
};

static bool
row_active(const struct org_row *r, unsigned vendor)
{
	for (unsigned s = 0; s < DP_SIG_COUNT; s++)
		if (r->ctr[vendor * DP_SIG_COUNT + s].sessions)
			return true;
	return false;
}

struct rank {
	uint32_t org;
	uint64_t sessions;
};

static int
by_sessions(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;

	if (x->sessions != y->sessions)
		return x->sessions < y->sessions ? 1 : -1;
	return x->org < y->org ? -1 : x->org > y->org;
}

/* The rows to export: unattributed, then every organisation with sessions,
 * or with metrics.max_orgs set the busiest that many (by sessions, ties by
 * table order) and one "other" row summing the rest.  other_ctr and
 * other_win are the caller's, zeroed, one organisation's rows.  Returns
 * the row count, or -ENOMEM; *folded is the organisations in "other". */
static int
org_rows(const struct ctl_view *v, struct org_row *rows,
	 struct dp_org_ctr *other_ctr, uint64_t *other_win, unsigned *folded)
{
	const struct ctl_snapshot *s = v->snap;
	size_t per_ctr = (size_t)s->n_vendors * DP_SIG_COUNT, per_win = (size_t)s->n_vendors * CTL_WIN_COUNT;
	const uint64_t *win = v->win;
	struct rank *r = malloc((v->n_active + 1) * sizeof(*r));
	unsigned n = 0, rows_n = 0, keep;

	if (r == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < v->n_active; i++)
		if (v->active[i] != DP_ORG_UNATTRIBUTED)
			r[n++] = (struct rank){v->active[i], v->org_sessions[v->active[i]]};
	keep = v->cfg->max_orgs != 0 && n > v->cfg->max_orgs ? v->cfg->max_orgs : n;
	if (keep < n)
		qsort(r, n, sizeof(*r), by_sessions);
	rows[rows_n++] = (struct org_row){&v->orgs->orgs[0], s->ctr, win};
	for (unsigned i = 0; i < n; i++) {
		uint32_t o = r[i].org;
		const struct dp_org_ctr *c = &s->ctr[o * per_ctr];

		if (i < keep) {
			rows[rows_n++] = (struct org_row){&v->orgs->orgs[o], c, win + o * per_win};
			continue;
		}
		for (size_t k = 0; k < per_ctr; k++)
			dp_org_ctr_add(&other_ctr[k], &c[k]);
		/* A client belongs to one organisation: the sum is exact. */
		for (size_t k = 0; k < per_win; k++)
			other_win[k] += win[o * per_win + k];
	}
	if (keep < n)
		rows[rows_n++] = (struct org_row){&other_org, other_ctr, other_win};
	*folded = n - keep;
	free(r);
	return (int)rows_n;
}

static void
org_labels(FILE *f, const struct ctl_org *o, const char *vendor)
{
	fputs("{org=", f);
	ctl_metrics_label_value(f, o->id);
	fputs(",org_name=", f);
	ctl_metrics_label_value(f, o->name);
	fprintf(f, ",country=\"%s\",sector=", o->country);
	ctl_metrics_label_value(f, o->sector);
	fprintf(f, ",government=\"%s\",vendor=",
		o == &other_org ? "" : o->government ? "true" : "false");
	ctl_metrics_label_value(f, vendor);
}

/* The per-organisation families, one walk over the rows each. */
enum org_family { FAM_SESSIONS, FAM_PACKETS, FAM_BYTES, FAM_CLIENTS, FAM_LAST_SEEN, FAM_COUNT };

static const struct {
	const char *name, *type, *help;
} org_fams[FAM_COUNT] = {
	[FAM_SESSIONS] = {"tapcensus_org_sessions_total", "counter",
			  "Sessions from an organisation's clients to a vendor, by the signal that "
			  "recognised them."},
	[FAM_PACKETS] = {"tapcensus_org_flow_packets_total", "counter",
			 "Packets of an organisation's flows to a vendor, from each flow's first "
			 "packet to its end, by the signal that recognised the flow and direction."},
	[FAM_BYTES] = {"tapcensus_org_flow_bytes_total", "counter",
		       "Frame bytes of an organisation's flows to a vendor, as the tap delivered "
		       "them."},
	[FAM_CLIENTS] = {"tapcensus_org_unique_clients", "gauge",
			 "Distinct clients of an organisation seen reaching a vendor in the window "
			 "(1d, 30d) or since the first start (all); IPv6 clients counted by their "
			 "prefix (clients.ipv6_prefix, default /64)."},
	[FAM_LAST_SEEN] = {"tapcensus_org_last_seen_timestamp_seconds", "gauge",
			   "Unix time of the latest session from an organisation to a vendor."},
};

static void
org_samples(FILE *f, enum org_family fam, const struct org_row *r, unsigned vd, const char *vendor)
{
	static const char *const dirs[2] = {"client_to_server", "server_to_client"};
	const struct dp_org_ctr *c = &r->ctr[vd * DP_SIG_COUNT];
	const char *name = org_fams[fam].name;
	uint64_t last = 0;

	switch (fam) {
	case FAM_SESSIONS:
		for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++) {
			fputs(name, f);
			org_labels(f, r->org, vendor);
			fprintf(f, ",signal=\"%s\"} %" PRIu64 "\n", dp_signal_name(sig),
				c[sig].sessions);
		}
		break;
	case FAM_PACKETS:
	case FAM_BYTES:
		for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++)
			for (int d = 0; d < 2; d++) {
				fputs(name, f);
				org_labels(f, r->org, vendor);
				fprintf(f, ",signal=\"%s\",direction=\"%s\"} %" PRIu64 "\n",
					dp_signal_name(sig), dirs[d],
					fam == FAM_PACKETS ? c[sig].pkts[d] : c[sig].bytes[d]);
			}
		break;
	case FAM_CLIENTS:
		for (unsigned w = 0; w < CTL_WIN_COUNT; w++) {
			fputs(name, f);
			org_labels(f, r->org, vendor);
			fprintf(f, ",window=\"%s\"} %" PRIu64 "\n", ctl_window_names[w],
				r->win[vd * CTL_WIN_COUNT + w]);
		}
		break;
	default:
		for (unsigned sig = 0; sig < DP_SIG_COUNT; sig++)
			if (c[sig].last_seen > last)
				last = c[sig].last_seen;
		fputs(name, f);
		org_labels(f, r->org, vendor);
		fprintf(f, "} %" PRIu64 "\n", last);
		break;
	}
}

static int
render_orgs(FILE *f, const struct ctl_view *v)
{
	const struct ctl_snapshot *s = v->snap;
	struct org_row *rows = malloc((s->n_orgs + 1) * sizeof(*rows));
	struct dp_org_ctr *other_ctr = calloc((size_t)s->n_vendors * DP_SIG_COUNT, sizeof(*other_ctr));
	uint64_t *other_win = calloc((size_t)s->n_vendors * CTL_WIN_COUNT, sizeof(*other_win));
	unsigned folded = 0;
	int n = -ENOMEM;

	if (rows != NULL && other_ctr != NULL && other_win != NULL)
		n = org_rows(v, rows, other_ctr, other_win, &folded);
	for (unsigned fam = 0; fam < FAM_COUNT && n > 0; fam++) {
		family(f, org_fams[fam].name, org_fams[fam].type, org_fams[fam].help);
		for (int i = 0; i < n; i++)
			for (unsigned vd = 0; vd < s->n_vendors; vd++)
				if (row_active(&rows[i], vd))
					org_samples(f, fam, &rows[i], vd, v->cfg->vendors[vd].name);
	}
	if (n > 0) {
		family(f, "tapcensus_organisations_exported", "gauge",
		       "Organisations with their own series in the tapcensus_org_* families "
		       "(unattributed and other excepted); at most metrics.max_orgs when set.");
		fprintf(f, "tapcensus_organisations_exported %d\n",
			n - 1 - (folded > 0));
		family(f, "tapcensus_organisations_folded", "gauge",
		       "Organisations with sessions summed into the org=\"other\" series because "
		       "metrics.max_orgs was reached.");
		fprintf(f, "tapcensus_organisations_folded %u\n", folded);
	}
	free(rows);
	free(other_ctr);
	free(other_win);
	return n < 0 ? n : 0;
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
		{"tapcensus_port_rx_errors_total", "Erroneous packets the NIC dropped (ethdev ierrors).",
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
		family(f, port_fams[k].name, "counter", port_fams[k].help);
		for (unsigned p = 0; p < s->n_ports; p++) {
			const uint64_t *val =
				(const uint64_t *)((const char *)&s->ports[p] + port_fams[k].off);

			fprintf(f, "%s{port=", port_fams[k].name);
			ctl_metrics_label_value(f, s->ports[p].name);
			fprintf(f, "} %" PRIu64 "\n", *val);
		}
	}
	for (size_t k = 0; k < sizeof(queue_fams) / sizeof(queue_fams[0]); k++) {
		family(f, queue_fams[k].name, "counter", queue_fams[k].help);
		for (unsigned w = 0; w < s->n_workers; w++) {
			const uint64_t *val =
				(const uint64_t *)((const char *)&s->worker[w] + queue_fams[k].off);

			fprintf(f, "%s{port=", queue_fams[k].name);
			ctl_metrics_label_value(f, s->ports[s->worker_port[w]].name);
			fprintf(f, ",queue=\"%u\"} %" PRIu64 "\n", s->worker_queue[w], *val);
		}
	}
}

static void
render_flows(FILE *f, const struct dp_wstats *t, uint64_t active, uint64_t forward_lost)
{
	const struct dp_flow_stats *fl = &t->flow;

	family(f, "tapcensus_flows_created_total", "counter",
	       "Flows the workers' flow tables opened.");
	fprintf(f, "tapcensus_flows_created_total %" PRIu64 "\n", fl->created);
	family(f, "tapcensus_flows_removed_total", "counter",
	       "Flows that left a flow table, by why: ended (RST, FIN both ways), idle_timeout, "
	       "hard_timeout, evicted to make room, or held when the process stopped (restart).");
	fprintf(f, "tapcensus_flows_removed_total{reason=\"ended\"} %" PRIu64 "\n", fl->ended);
	fprintf(f, "tapcensus_flows_removed_total{reason=\"idle_timeout\"} %" PRIu64 "\n", fl->idle);
	fprintf(f, "tapcensus_flows_removed_total{reason=\"hard_timeout\"} %" PRIu64 "\n", fl->hard);
	fprintf(f, "tapcensus_flows_removed_total{reason=\"evicted\"} %" PRIu64 "\n", fl->evicted);
	fprintf(f, "tapcensus_flows_removed_total{reason=\"restart\"} %" PRIu64 "\n",
		fl->restarted);
	family(f, "tapcensus_flows_active", "gauge", "Flows held in the flow tables.");
	fprintf(f, "tapcensus_flows_active %" PRIu64 "\n", active);
	family(f, "tapcensus_flow_table_full_total", "counter",
	       "Packets that found no room in a full flow table (nothing evictable) and were "
	       "inspected alone.");
	fprintf(f, "tapcensus_flow_table_full_total %" PRIu64 "\n", fl->full);
	family(f, "tapcensus_reassembly_buffers_exhausted_total", "counter",
	       "Flows that needed a reassembly buffer when none was free (decided as "
	       "app_truncated).");
	fprintf(f, "tapcensus_reassembly_buffers_exhausted_total %" PRIu64 "\n", t->reasm_no_buffer);
	family(f, "tapcensus_dns_tcp_answer_streams_unread_total", "counter",
	       "Vendor DNS-over-TCP flows whose further answers were not read (an answer longer "
	       "than a reassembly buffer, no buffer free, or too many gaps).");
	fprintf(f, "tapcensus_dns_tcp_answer_streams_unread_total %" PRIu64 "\n", t->dns_tcp_unread);
	family(f, "tapcensus_quic_version_packets_total", "counter",
	       "QUIC long-header packets not read for their version: a client's unknown version, "
	       "or a server's Version Negotiation.");
	fprintf(f, "tapcensus_quic_version_packets_total{kind=\"unknown_version\"} %" PRIu64 "\n",
		t->quic_unknown_version);
	fprintf(f, "tapcensus_quic_version_packets_total{kind=\"version_negotiation\"} %" PRIu64 "\n",
		t->quic_version_neg);
	family(f, "tapcensus_payload_stream_errors_total", "counter",
	       "Payload-signature streams Hyperscan could not open or scan (those bytes unscanned).");
	fprintf(f, "tapcensus_payload_stream_errors_total %" PRIu64 "\n", t->stream_failed);
	family(f, "tapcensus_learned_addresses_total", "counter",
	       "Vendor server addresses learned from DNS answers (with a TTL above zero).");
	fprintf(f, "tapcensus_learned_addresses_total %" PRIu64 "\n", t->learned);
	family(f, "tapcensus_learned_table_evicted_total", "counter",
	       "Unexpired learned addresses a worker replaced because its table had no room.");
	fprintf(f, "tapcensus_learned_table_evicted_total %" PRIu64 "\n", t->learned_evicted);
	family(f, "tapcensus_learn_events_lost_total", "counter",
	       "Learned addresses not shared, by stage: a worker's ring to the control plane "
	       "full (to_control), or another worker's ring full (to_workers).");
	fprintf(f, "tapcensus_learn_events_lost_total{stage=\"to_control\"} %" PRIu64 "\n",
		t->learn_events_lost);
	fprintf(f, "tapcensus_learn_events_lost_total{stage=\"to_workers\"} %" PRIu64 "\n",
		forward_lost);
}

/* The XDP prefilter's per-CPU counters, summed: what it passed to the
 * workers and what it dropped in the kernel, by reason. */
static void
render_prefilter(FILE *f, const struct ctl_snapshot *s)
{
	family(f, "tapcensus_prefilter_packets_total", "counter",
	       "Packets the XDP prefilter saw on the net_af_xdp interfaces, by reason: pass_* went "
	       "to the workers, drop_* were dropped in the kernel.");
	for (unsigned r = 0; r < PF_REASON_COUNT; r++)
		fprintf(f, "tapcensus_prefilter_packets_total{reason=\"%s\"} %" PRIu64 "\n",
			pf_reason_name(r), (uint64_t)s->pf[r].packets);
	family(f, "tapcensus_prefilter_bytes_total", "counter",
	       "Frame bytes the XDP prefilter saw, by reason.");
	for (unsigned r = 0; r < PF_REASON_COUNT; r++)
		fprintf(f, "tapcensus_prefilter_bytes_total{reason=\"%s\"} %" PRIu64 "\n",
			pf_reason_name(r), (uint64_t)s->pf[r].bytes);
	family(f, "tapcensus_prefilter_learned_failed_total", "counter",
	       "Learned server addresses the prefilter's map refused.");
	fprintf(f, "tapcensus_prefilter_learned_failed_total %" PRIu64 "\n", s->pf_learn_failed);
}

/* A counter family with result="ok" and result="failed". */
static void
by_result(FILE *f, const char *name, const char *help, uint64_t ok, uint64_t failed)
{
	family(f, name, "counter", help);
	fprintf(f, "%s{result=\"ok\"} %" PRIu64 "\n", name, ok);
	fprintf(f, "%s{result=\"failed\"} %" PRIu64 "\n", name, failed);
}

static void
render_dataplane(FILE *f, const struct ctl_view *v)
{
	const struct dp_wstats *t = &v->snap->total;

	family(f, "tapcensus_packets_received_total", "counter",
	       "Packets the workers received; equals processed plus dropped.");
	fprintf(f, "tapcensus_packets_received_total %" PRIu64 "\n", t->rx_pkts);
	family(f, "tapcensus_packets_processed_total", "counter",
	       "Packets the workers processed, by outcome.");
	for (unsigned o = 0; o < DP_OUT_COUNT; o++)
		fprintf(f, "tapcensus_packets_processed_total{outcome=\"%s\"} %" PRIu64 "\n",
			dp_outcome_name(o), t->outcome[o]);
	family(f, "tapcensus_packets_dropped_total", "counter",
	       "Packets the workers could not process, by reason.");
	for (unsigned d = 0; d < DP_DROP_COUNT; d++)
		fprintf(f, "tapcensus_packets_dropped_total{reason=\"%s\"} %" PRIu64 "\n",
			dp_drop_name(d), t->drop[d]);
	family(f, "tapcensus_parse_errors_total", "counter", "Malformed headers or messages, by layer.");
	for (unsigned l = 0; l < DP_LAYER_COUNT; l++)
		fprintf(f, "tapcensus_parse_errors_total{layer=\"%s\"} %" PRIu64 "\n",
			dp_layer_name(l), t->parse_err[l]);
	family(f, "tapcensus_tls_ech_client_hellos_total", "counter",
	       "TLS ClientHellos carrying an encrypted_client_hello extension.");
	fprintf(f, "tapcensus_tls_ech_client_hellos_total %" PRIu64 "\n", t->tls_ech);
	family(f, "tapcensus_client_events_lost_total", "counter",
	       "Client sightings a worker could not hand to the control plane (ring full); "
	       "unique-client figures are lower bounds when this is not zero.");
	fprintf(f, "tapcensus_client_events_lost_total %" PRIu64 "\n", t->client_events_lost);
	family(f, "tapcensus_client_table_full_total", "counter",
	       "New clients not recorded because the unique-client table was full.");
	fprintf(f, "tapcensus_client_table_full_total %" PRIu64 "\n",
		ctl_clients_full(v->clients));
	family(f, "tapcensus_client_table_entries", "gauge",
	       "Entries in the unique-client table (capacity in tapcensus_client_table_capacity).");
	fprintf(f, "tapcensus_client_table_entries %" PRIu64 "\n", ctl_clients_entries(v->clients));
	family(f, "tapcensus_client_table_capacity", "gauge", "Capacity of the unique-client table.");
	fprintf(f, "tapcensus_client_table_capacity %u\n", ctl_clients_capacity(v->clients));
	render_flows(f, t, v->flows_active, v->snap->learn_forward_lost);
	by_result(f, "tapcensus_state_writes_total",
		  "State-file writes (persistence.dir), by result.", v->snap->state_writes_ok,
		  v->snap->state_writes_failed);
	family(f, "tapcensus_state_last_write_timestamp_seconds", "gauge",
	       "Unix time of the last good state-file write; 0 when the last write failed or "
	       "none was made.");
	fprintf(f, "tapcensus_state_last_write_timestamp_seconds %" PRIu64 "\n",
		v->snap->state_written);
	by_result(f, "tapcensus_config_reloads_total",
		  "Configuration reloads (SIGHUP, POST /-/reload), by result: ok, or failed (the "
		  "running configuration stayed).",
		  v->snap->reloads_ok, v->snap->reloads_failed);
	family(f, "tapcensus_config_last_reload_success_timestamp_seconds", "gauge",
	       "Unix time of the last good configuration reload; 0: none since start.");
	fprintf(f, "tapcensus_config_last_reload_success_timestamp_seconds %" PRIu64 "\n",
		v->snap->reload_last);
	family(f, "tapcensus_payload_streams_cut_total", "counter",
	       "Payload-signature streams closed unscanned because two reloads replaced the "
	       "database they were opened on.");
	fprintf(f, "tapcensus_payload_streams_cut_total %" PRIu64 "\n", v->snap->total.streams_cut);
	family(f, "tapcensus_client_events_stale_total", "counter",
	       "Client sightings dropped at a reload: their organisation was removed, or they "
	       "were two reloads old.");
	fprintf(f, "tapcensus_client_events_stale_total %" PRIu64 "\n",
		ctl_clients_stale(v->clients));
	if (v->snap->pf_on)
		render_prefilter(f, v->snap);
	family(f, "tapcensus_organisations_configured", "gauge",
	       "Organisations in the organisation table (without the unattributed row).");
	fprintf(f, "tapcensus_organisations_configured %u\n", v->orgs->n_orgs - 1);
	family(f, "tapcensus_worker_busy_cycles_total", "counter",
	       "TSC cycles a worker spent processing packets, outside rx_burst.");
	for (unsigned w = 0; w < v->snap->n_workers; w++)
		fprintf(f, "tapcensus_worker_busy_cycles_total{worker=\"%u\"} %" PRIu64 "\n", w,
			v->snap->worker[w].busy_cycles);
}

/* Groups of organisations (attributed ones: the unattributed row is no
 * organisation): those active in each window, and their unique clients (a
 * client belongs to one organisation, so the sum is exact). */
static const struct {
	const char *name, *help; /* "%s" takes "organisations_active" or "unique_clients" */
	const char *label;       /* NULL: government bodies, no label */
} groups[] = {
	{"tapcensus_country_%s", "by country (ISO 3166-1 alpha-2)", "country"},
	{"tapcensus_sector_%s", "by sector", "sector"},
	{"tapcensus_government_%s", "that are government bodies", NULL},
};

static const char *
group_key(size_t g, const struct ctl_org *o)
{
	return g == 0 ? o->country : g == 1 ? o->sector : o->government ? "" : NULL;
}

struct group_sort {
	size_t g;
	const struct ctl_org *orgs;
};

static int
by_group_key(const void *a, const void *b, void *arg)
{
	const struct group_sort *gs = arg;
	const char *x = group_key(gs->g, &gs->orgs[*(const uint32_t *)a]);
	const char *y = group_key(gs->g, &gs->orgs[*(const uint32_t *)b]);

	return strcmp(x, y);
}

static void
group_series(FILE *f, const char *name, const char *label, const char *key, const char *vendor,
	     const uint64_t *sum)
{
	for (unsigned k = 0; k < CTL_WIN_COUNT; k++) {
		fputs(name, f);
		fputc('{', f);
		if (label != NULL) {
			fprintf(f, "%s=", label);
			ctl_metrics_label_value(f, key);
			fputc(',', f);
		}
		fputs("vendor=", f);
		ctl_metrics_label_value(f, vendor);
		fprintf(f, ",window=\"%s\"} %" PRIu64 "\n", ctl_window_names[k], sum[k]);
	}
}

/* One pass per group over the organisations sorted by its key. */
static void
render_groups(FILE *f, const struct ctl_view *v)
{
	const uint64_t *win = v->win;
	const struct ctl_snapshot *s = v->snap;
	const struct ctl_orgs *orgs = v->orgs;
	uint32_t *idx = malloc(orgs->n_orgs * sizeof(*idx));

	if (idx == NULL)
		return;
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		struct group_sort gs = {g, orgs->orgs};
		uint32_t n = 0;

		for (uint32_t o = 1; o < orgs->n_orgs; o++)
			if (group_key(g, &orgs->orgs[o]) != NULL)
				idx[n++] = o;
		qsort_r(idx, n, sizeof(*idx), by_group_key, &gs);
		for (int what = 0; what < 2; what++) {
			char name[96];

			snprintf(name, sizeof(name), groups[g].name,
				 what ? "unique_clients" : "organisations_active");
			fprintf(f, "# HELP %s %s %s, per vendor and window (1d, 30d, all).\n", name,
				what ? "Distinct clients of organisations"
				     : "Organisations with a client seen in the window,",
				groups[g].help);
			fprintf(f, "# TYPE %s gauge\n", name);
			for (unsigned vd = 0; vd < s->n_vendors; vd++) {
				uint64_t sum[CTL_WIN_COUNT] = {0};
				const char *vendor = v->cfg->vendors[vd].name;

				/* Government bodies: one series, even when there are none. */
				if (n == 0 && groups[g].label == NULL)
					group_series(f, name, NULL, "", vendor, sum);
				for (uint32_t i = 0; i < n; i++) {
					const char *key = group_key(g, &orgs->orgs[idx[i]]);
					const uint64_t *w =
						win + ((size_t)idx[i] * s->n_vendors + vd) * CTL_WIN_COUNT;

					for (unsigned k = 0; k < CTL_WIN_COUNT; k++)
						sum[k] += what ? w[k] : w[k] > 0;
					if (i + 1 < n &&
					    strcmp(key, group_key(g, &orgs->orgs[idx[i + 1]])) == 0)
						continue;
					group_series(f, name, groups[g].label, key, vendor, sum);
					memset(sum, 0, sizeof(sum));
				}
			}
		}
	}
	free(idx);
}

int
ctl_metrics_render(FILE *f, const struct ctl_view *v)
{
	int rc = render_orgs(f, v);

	render_groups(f, v);
	if (rc != 0)
		return rc;
	render_dataplane(f, v);
	render_ports(f, v);
	return ferror(f) ? -EIO : 0;
}
