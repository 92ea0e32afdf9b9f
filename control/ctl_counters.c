/* SPDX-License-Identifier: BSD-3-Clause */
/* The dataplane's counters, one row a family (ctl_counters.h). */
#include <ctype.h>
#include <stdio.h>

#include "ctl_counters.h"
#include "dp_parse.h"
#include "dp_types.h"

#define AT(field) offsetof(struct dp_wstats, field)

static const char *
outcome_name(unsigned i)
{
	return dp_outcome_name((enum dp_outcome)i);
}

static const char *
drop_name(unsigned i)
{
	return dp_drop_name((enum dp_drop)i);
}

static const char *
layer_name(unsigned i)
{
	return dp_layer_name((enum dp_layer)i);
}

const struct ctl_ctr_desc ctl_ctr_table[] = {
    {.metric = "tapcensus_packets_received_total",
     .type = "counter",
     .help = "Packets the workers received; equals processed plus dropped.",
     .key = "packets_received",
     .offset = AT(rx_pkts)},
    {.metric = "tapcensus_packets_processed_total",
     .type = "counter",
     .help = "Packets the workers processed, by outcome.",
     .key = "processed",
     .label = "outcome",
     .offset = AT(outcome),
     .name = outcome_name,
     .count = DP_OUT_COUNT},
    /* capture_time: offline, a stamp no capture holds (before 2000, or
     * past the wall clock by more than a day: dp_clock.h). */
    {.metric = "tapcensus_packets_dropped_total",
     .type = "counter",
     .help = "Packets the workers could not process, by reason.",
     .key = "dropped",
     .label = "reason",
     .offset = AT(drop),
     .name = drop_name,
     .count = DP_DROP_COUNT,
     .more = {{"capture_time", AT(time_invalid)}}},
    {.metric = "tapcensus_capture_time_held_total",
     .type = "counter",
     .help = "Offline: frames more than a day ahead of the capture's clock that did not move "
	     "it (a bogus stamp; four frames in a row there do).",
     .key = "capture_time_held",
     .offset = AT(time_held)},
    {.metric = "tapcensus_parse_errors_total",
     .type = "counter",
     .help = "Malformed headers or messages, by layer.",
     .key = "parse_errors",
     .label = "layer",
     .offset = AT(parse_err),
     .name = layer_name,
     .count = DP_LAYER_COUNT},
    {.metric = "tapcensus_packets_unsupported_total",
     .type = "counter",
     .help = "Packets in an encapsulation recognised but not opened, by kind: gre_v1 (PPTP), "
	     "esp (IPsec, encrypted), l2tpv3; counted in their outcome too (other_l4, or "
	     "no_name for L2TPv3 over UDP).",
     .key = "unsupported",
     .label = "kind",
     .offset = AT(unsupported),
     .name = dp_unsupported_name,
     .first = 1,
     .count = DP_UNSUP_COUNT},
    {.metric = "tapcensus_packets_truncated_total",
     .type = "counter",
     .help = "Packets the capture cut short of their IP length (a snap length): read as far "
	     "as they go, their bytes counted at the IP length.",
     .key = "packets_truncated",
     .offset = AT(capture_cut)},
    {.metric = "tapcensus_tls_ech_client_hellos_total",
     .type = "counter",
     .help = "TLS ClientHellos carrying an encrypted_client_hello extension.",
     .key = "tls_ech_client_hellos",
     .offset = AT(tls_ech)},
    {.metric = "tapcensus_client_events_lost_total",
     .type = "counter",
     .help = "Client sightings a worker could not hand to the control plane (ring full); "
	     "unique-client figures are lower bounds when this is not zero.",
     .key = "client_events_lost",
     .offset = AT(client_events_lost)},
    {.metric = "tapcensus_flows_created_total",
     .type = "counter",
     .help = "Flows the workers' flow tables opened.",
     .key = "flows_created",
     .offset = AT(flow.created)},
    {.metric = "tapcensus_flows_removed_total",
     .type = "counter",
     .help = "Flows that left a flow table, by why: ended (RST, FIN both ways), idle_timeout, "
	     "hard_timeout, evicted to make room, or held when the process stopped (restart).",
     .key = "flows_removed",
     .label = "reason",
     .more = {{"ended", AT(flow.ended)},
	      {"idle_timeout", AT(flow.idle)},
	      {"hard_timeout", AT(flow.hard)},
	      {"evicted", AT(flow.evicted)},
	      {"restart", AT(flow.restarted)}}},
    {.metric = "tapcensus_flow_table_full_total",
     .type = "counter",
     .help = "Packets that found no room in a full flow table (nothing evictable) and were "
	     "inspected alone.",
     .key = "flow_table_full",
     .offset = AT(flow.full)},
    {.metric = "tapcensus_reassembly_buffers_exhausted_total",
     .type = "counter",
     .help = "Flows that needed a reassembly buffer when none was free (decided as "
	     "app_truncated).",
     .key = "reassembly_buffers_exhausted",
     .offset = AT(reasm_no_buffer)},
    {.metric = "tapcensus_partial_names_expired_total",
     .type = "counter",
     .help = "Flows whose name was still arriving after flows.partial_timeout (decided then: "
	     "by a vendor's address, else as app_truncated).",
     .key = "partial_names_expired",
     .offset = AT(partial_expired)},
    {.metric = "tapcensus_dns_tcp_answer_streams_unread_total",
     .type = "counter",
     .help = "Vendor DNS-over-TCP flows whose further answers were not read (an answer longer "
	     "than a reassembly buffer, no buffer free, or too many gaps).",
     .key = "dns_tcp_answer_streams_unread",
     .offset = AT(dns_tcp_unread)},
    {.metric = "tapcensus_quic_version_packets_total",
     .type = "counter",
     .help = "QUIC long-header packets not read for their version: a client's unknown "
	     "version, or a server's Version Negotiation.",
     .key = "quic_version_packets",
     .label = "kind",
     .more = {{"unknown_version", AT(quic_unknown_version)},
	      {"version_negotiation", AT(quic_version_neg)}}},
    {.metric = "tapcensus_payload_stream_errors_total",
     .type = "counter",
     .help = "Payload-signature streams Hyperscan could not open or scan (those bytes "
	     "unscanned).",
     .key = "payload_stream_errors",
     .offset = AT(stream_failed)},
    {.metric = "tapcensus_payload_streams_cut_total",
     .type = "counter",
     .help = "Payload-signature streams closed unscanned because two reloads replaced the "
	     "database they were opened on.",
     .key = "payload_streams_cut",
     .offset = AT(streams_cut)},
    {.metric = "tapcensus_learned_addresses_total",
     .type = "counter",
     .help = "Vendor server addresses learned from DNS answers (with a TTL above zero).",
     .key = "learned_addresses",
     .offset = AT(learned)},
    {.metric = "tapcensus_learned_table_evicted_total",
     .type = "counter",
     .help = "Unexpired learned addresses a worker replaced because its table had no room.",
     .key = "learned_table_evicted",
     .offset = AT(learned_evicted)},
    {.metric = "tapcensus_vendor_unlisted_name_events_lost_total",
     .type = "counter",
     .help = "Unlisted names a worker could not hand to the control plane (its ring was "
	     "full); their sessions are counted all the same.",
     .key = "unlisted_name_events_lost",
     .offset = AT(name_events_lost)},
};

const unsigned ctl_ctr_table_len = sizeof(ctl_ctr_table) / sizeof(ctl_ctr_table[0]);
const struct ctl_ctr_desc *const ctl_ctr_processed = &ctl_ctr_table[1];
const struct ctl_ctr_desc *const ctl_ctr_dropped = &ctl_ctr_table[2];

static uint64_t
at(const struct dp_wstats *t, size_t offset)
{
	return *(const uint64_t *)((const char *)t + offset);
}

void
ctl_ctr_each(const struct ctl_ctr_desc *d, const struct dp_wstats *t, ctl_ctr_fn fn, void *arg)
{
	if (d->label == NULL) {
		fn(arg, d, NULL, at(t, d->offset));
		return;
	}
	for (unsigned i = d->first; i < d->count; i++)
		fn(arg, d, d->name(i), at(t, d->offset + i * sizeof(uint64_t)));
	for (unsigned i = 0; i < CTL_CTR_MORE && d->more[i].value != NULL; i++)
		fn(arg, d, d->more[i].value, at(t, d->more[i].offset));
}

static void
add(void *arg, const struct ctl_ctr_desc *d, const char *value, uint64_t v)
{
	(void)d;
	(void)value;
	*(uint64_t *)arg += v;
}

uint64_t
ctl_ctr_sum(const struct ctl_ctr_desc *d, const struct dp_wstats *t)
{
	uint64_t sum = 0;

	ctl_ctr_each(d, t, add, &sum);
	return sum;
}

const char *
ctl_ctr_key(const char *key, const char *value, char *out, size_t len)
{
	snprintf(out, len, "%s%s%s", key, value ? "_" : "", value ? value : "");
	for (char *p = out; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '/')
			*p = '_';
	return out;
}
