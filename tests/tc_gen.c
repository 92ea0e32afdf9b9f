/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tc_gen - writes a pcap of tap traffic and its ground truth.
 *
 *   tc_gen OUT.pcap TRUTH.tsv [--seed N] [--sessions N] [--bulk N] [--encap PCT]
 *          [--kinds LIST] [--queues N] [--parts 2] [--epoch UNIX_SECONDS]
 *
 * --side: only that direction's frames are written (a tap on one side of
 * an asymmetric link; frames of no flow are left out); the truth is still
 * the whole exchange's, and side_flows says how many flows each side's
 * packets alone start.
 * --epoch: the capture's first second (default 2026-11-01 00:00 UTC); the
 * truth's last line is "span FIRST LAST", the seconds of its first and
 * last frame (the clock an offline replay runs on).
 * --kinds: the session kinds to draw from, comma separated, among tls, http,
 * dns (queries and answers over UDP and TCP, flows to learned addresses),
 * quic, server (flows to configured server prefixes), payload (update agents
 * known by their User-Agent); default all but payload-only, in the tap mix's
 * proportions.
 *
 * --encap: the share of sessions sent inside a tunnel (MPLS, GRE, ERSPAN II
 * or III, VXLAN; default 20%).
 *
 * --queues N (2..8): also OUT.pcap.q0 .. OUT.pcap.q(N-1), the capture split
 * as a multi-queue NIC with a symmetric RSS key splits it (both directions
 * of a flow in one file); the truth is the whole capture's.
 *
 * --parts 2: also OUT.pcap.p0 and OUT.pcap.p1, the capture cut between two
 * sessions half way (no flow spans the cut), for a replay stopped and
 * restarted from its state file; the truth is the whole capture's.
 *   tc_gen --orgs ORGS.csv
 *
 * Every packet is built by tb_pkt from the generator's own organisations,
 * clients and names, and its expected outcome is recorded as it is written:
 * the ground truth never comes from the code under test.  Addresses are from
 * the documentation ranges only (RFC 5737, RFC 3849).
 *
 * The generator follows each flow as the specification says the dataplane
 * must (docs in dataplane/dp_types.h and dp_worker.h): a flow is decided
 * once, by the packet that completes a name (or by its first packet when
 * its server is a configured or learned vendor address); packets before are
 * no_name or partial, packets after are matched or bypassed.
 *
 * TRUTH.tsv lines:
 *   packets <n>
 *   outcome <name> <n>          for every dataplane outcome
 *   drop <reason> <n>           for every drop reason
 *   parse_error <layer> <n>
 *   flows_created <n>           flows the dataplane must open
 *   flows_ended <n>             flows ended by FIN from both sides
 *   truncated <n>               frames cut short of their IP length
 *   quic_unknown_version <n>, quic_version_negotiation <n>
 *   sessions <org> <vendor> <signal> <n>     vendor: kaspersky (its own level,
 *   flow_packets <org> <vendor> <signal> <direction> <n>   role other) or
 *   flow_bytes <org> <vendor> <signal> <direction> <n>     kaspersky/ROLE
 *   clients <org> <vendor> <n>               per role
 *   product_clients <org> <vendor> <n>       any role but web, a client once
 *   product_clients_corroborated <org> <vendor> <n>   of those, a role both verified and
 *                                            with a session to the vendor's address
 *   group|webgroup <kind> <key> <vendor> <orgs> <clients>   product use, website
 *   unlisted <vendor> <name> <n>             sessions a name in no role decided
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tc_gen.h"

int
main(int argc, char **argv)
{
	unsigned long sessions = 400, bulk_per = 3, seed = 1, encap_pct = 20;
	static const struct {
		const char *name;
		enum sig s;
	} kind_names[] = {{"tls", S_TLS},   {"http", S_HTTP},	  {"dns", S_DNS},
			  {"quic", S_QUIC}, {"server", S_SERVER}, {"payload", S_PAYLOAD}};
	enum sig kinds[32] = {S_TLS, S_HTTP, S_DNS, S_TLS, S_HTTP, S_DNS, S_QUIC, S_QUIC, S_SERVER};
	unsigned n_kinds = 9;
	const char *pcap_path, *truth_path;

	if (argc == 3 && strcmp(argv[1], "--orgs") == 0)
		return tc_truth_write_orgs(argv[2]);
	if (argc < 3) {
		fprintf(stderr,
			"usage: tc_gen OUT.pcap TRUTH.tsv [--seed N] [--sessions N] "
			"[--bulk N] [--encap PCT] [--kinds tls,http,dns,quic,server,payload]\n"
			"              [--queues N] [--parts 2] [--epoch UNIX_SECONDS] [--side "
			"client|server]\n"
			"       tc_gen --orgs ORGS.csv\n");
		return 2;
	}
	pcap_path = argv[1];
	truth_path = argv[2];
	tcg.out.side = -1;
	for (int i = 3; i + 1 < argc; i += 2) {
		unsigned long v = strtoul(argv[i + 1], NULL, 10);

		if (strcmp(argv[i], "--seed") == 0)
			seed = v;
		else if (strcmp(argv[i], "--sessions") == 0)
			sessions = v;
		else if (strcmp(argv[i], "--bulk") == 0)
			bulk_per = v;
		else if (strcmp(argv[i], "--parts") == 0 && v == 2)
			tcg.out.n_parts = 2;
		else if (strcmp(argv[i], "--queues") == 0 && v >= 1 && v <= MAX_QUEUES)
			tcg.out.n_queues = (unsigned)v;
		else if (strcmp(argv[i], "--epoch") == 0 && v > 0)
			tcg.out.epoch = v;
		else if (strcmp(argv[i], "--side") == 0 &&
			 (!strcmp(argv[i + 1], "client") || !strcmp(argv[i + 1], "server")))
			tcg.out.side = strcmp(argv[i + 1], "server") == 0;
		else if (strcmp(argv[i], "--encap") == 0 && v <= 100)
			encap_pct = v;
		else if (strcmp(argv[i], "--kinds") == 0) {
			char *list = strdup(argv[i + 1]), *save = NULL;

			n_kinds = 0;
			for (char *k = strtok_r(list, ",", &save); k && n_kinds < 32;
			     k = strtok_r(NULL, ",", &save)) {
				size_t j;

				for (j = 0; j < sizeof(kind_names) / sizeof(kind_names[0]); j++)
					if (strcmp(k, kind_names[j].name) == 0)
						break;
				if (j == sizeof(kind_names) / sizeof(kind_names[0])) {
					fprintf(stderr, "tc_gen: unknown kind %s\n", k);
					return 2;
				}
				kinds[n_kinds++] = kind_names[j].s;
			}
			free(list);
			if (n_kinds == 0)
				return 2;
		} else {
			fprintf(stderr, "tc_gen: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (tcg.out.epoch == 0)
		tcg.out.epoch = 1793491200; /* 2026-11-01 */
	tcg.out.dir = -1;
	tcg.rng = 0x9e3779b97f4a7c15ull ^ seed;
	tcg.next_sport = 20000;
	tcg.out.pin = -1;
	tcg.encap_pct = (unsigned)encap_pct;
	if (tc_out_open(&tcg.out, pcap_path) != 0)
		return 1;
	tc_oddities();
	for (unsigned long i = 0; i < sessions; i++) {
		if (i == sessions / 2)
			tcg.out.part = tcg.out.n_parts > 1;
		int org = (int)(tc_rnd() % N_ORGS);
		int client = (int)(tc_rnd() % CLIENTS_PER_ORG);
		enum sig s = kinds[tc_rnd() % n_kinds];
		int vendor = tc_rnd() % 3 != 0;

		tc_session(org, client, s, vendor, bulk_per ? tc_rnd() % (2 * bulk_per + 1) : 0);
	}
	tc_oddities();
	tc_out_close(&tcg.out);

	if (tc_truth_write(&tcg.truth, tcg.out.part_packets, tcg.out.n_parts, tcg.out.packets,
			   truth_path) != 0)
		return 1;
	/* The capture's first and last second: the clock of its replay. */
	FILE *f = fopen(truth_path, "a");

	if (f == NULL)
		return 1;
	/* Flows each side's packets alone start (--side's expectations). */
	fprintf(f, "side_flows client %llu\nside_flows server %llu\n",
		(unsigned long long)tcg.truth.side_flows[0],
		(unsigned long long)tcg.truth.side_flows[1]);
	fprintf(f, "span %llu %llu\n",
		(unsigned long long)(tcg.out.epoch + tcg.out.first_us / 1000000),
		(unsigned long long)(tcg.out.epoch + tcg.out.ts_us / 1000000));
	return fclose(f) != 0;
}
