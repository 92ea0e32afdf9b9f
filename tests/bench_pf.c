/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_pf - the XDP prefilter under BPF_PROG_TEST_RUN (a benchmark, not a
 * test): nanoseconds per packet for one packet of each outcome (the
 * kernel's own timing of REPEAT runs), then every packet of a capture run
 * once, with the share it drops, by reason.
 *   bench_pf PCAP [REPEAT]
 * Ports of interest and server prefixes are the sample configuration's.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
/* linux/bpf.h (libbpf) and pcap/bpf.h both define struct bpf_insn. */
#define PCAP_DONT_INCLUDE_PCAP_BPF_H
#include <pcap/pcap.h>

#include "pf_loader.h"
#include "tb_pkt.h"

/* One packet of each kind: its frame. */
static uint32_t
sample(int kind, uint8_t *frame, uint32_t cap)
{
	uint8_t pl[1500] = {0};
	struct tb_spec s = {0};

	s.family = tb_addr("192.0.2.1", s.src);
	tb_addr("198.51.100.9", s.dst);
	s.proto = IPPROTO_TCP;
	s.sport = 40000;
	s.dport = 443;
	s.payload = pl;
	s.plen = 1400;
	switch (kind) {
	case 0: /* bulk, dropped */
		break;
	case 1:
		s.tcp_flags = 0x02;
		s.plen = 0;
		break;
	case 2:
		s.plen = tb_tls_client_hello(pl, sizeof(pl), "dnl-01.geo.kaspersky.com", false, 0);
		break;
	case 3:
		s.dport = 80;
		s.plen = tb_http_get(pl, sizeof(pl), "upd.kaspersky.com", "/");
		break;
	case 4:
		s.proto = IPPROTO_UDP;
		s.dport = 53;
		s.plen = tb_dns_query(pl, sizeof(pl), 1, "kaspersky.com", 1);
		break;
	case 5:
		s.proto = IPPROTO_UDP;
		pl[0] = 0xc3;
		s.plen = 1200;
		break;
	case 6:
		tb_addr("203.0.113.197", s.dst);
		break;
	default: /* UDP of no interest */
		s.proto = IPPROTO_UDP;
		s.dport = 5000;
		s.plen = 1200;
		break;
	}
	return tb_frame(&s, frame, cap);
}

int
main(int argc, char **argv)
{
	static const char *const kinds[] = {"tcp bulk (drop_tcp)",
					    "tcp syn (pass_tcp_control)",
					    "client hello (pass_tls)",
					    "http request (pass_http)",
					    "dns query (pass_dns)",
					    "quic initial (pass_quic)",
					    "to a server prefix (pass_server)",
					    "udp other (drop_udp)"};
	struct pf_counter before[PF_REASON_COUNT], after[PF_REASON_COUNT];
	uint32_t repeat = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 1000000, ns;
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t total = 0, dropped = 0;
	struct pf_loader *pf;
	struct dp_prefix p;
	const char *why;
	pcap_t *pc;
	uint8_t frame[2048];

	if (argc < 2) {
		fprintf(stderr, "usage: bench_pf PCAP [REPEAT]\n");
		return 2;
	}
	pf = pf_loader_open(false);
	if (pf == NULL) {
		fprintf(stderr, "bench_pf: cannot load the prefilter: %s\n", strerror(errno));
		return 1;
	}
	if (pf_ctl_port_add(pf_loader_maps(pf), PF_PORT_TCP, 80) ||
	    pf_ctl_port_add(pf_loader_maps(pf), PF_PORT_TCP, 443) ||
	    pf_ctl_port_add(pf_loader_maps(pf), PF_PORT_UDP, 53) ||
	    pf_ctl_port_add(pf_loader_maps(pf), PF_PORT_UDP, 443) ||
	    dp_prefix_parse("203.0.113.196/30", &p, &why) ||
	    pf_ctl_server_add(pf_loader_maps(pf), &p, PF_SRV_CONFIGURED) ||
	    dp_prefix_parse("2001:db8:5d::/64", &p, &why) ||
	    pf_ctl_server_add(pf_loader_maps(pf), &p, PF_SRV_CONFIGURED)) {
		fprintf(stderr, "bench_pf: cannot fill the maps\n");
		return 1;
	}
	printf("bench_pf: ns per packet, BPF_PROG_TEST_RUN x %u\n", repeat);
	for (int k = 0; k < (int)(sizeof(kinds) / sizeof(kinds[0])); k++) {
		uint32_t len = sample(k, frame, sizeof(frame));

		if (pf_loader_run(pf, frame, len, repeat, NULL, &ns) != 0) {
			fprintf(stderr, "bench_pf: test run failed: %s\n", strerror(errno));
			return 1;
		}
		printf("  %-34s %4u ns\n", kinds[k], ns);
	}
	pc = pcap_open_offline(argv[1], errbuf);
	if (pc == NULL) {
		fprintf(stderr, "bench_pf: %s: %s\n", argv[1], errbuf);
		return 1;
	}
	pf_ctl_stats(pf_loader_maps(pf), before);
	while (pcap_next_ex(pc, &h, &d) == 1) {
		uint32_t ret;

		if (pf_loader_run(pf, d, h->caplen, 1, &ret, NULL) != 0)
			continue;
		total++;
		dropped += ret == XDP_DROP;
	}
	pcap_close(pc);
	pf_ctl_stats(pf_loader_maps(pf), after);
	printf("bench_pf: %s: %" PRIu64 " packets, %" PRIu64 " dropped in the kernel (%.1f%%)\n",
	       argv[1], total, dropped, total ? 100.0 * (double)dropped / (double)total : 0.0);
	for (int r = 0; r < PF_REASON_COUNT; r++)
		if (after[r].packets != before[r].packets)
			printf("  %-18s %8" PRIu64 " packets %12" PRIu64 " bytes\n",
			       pf_reason_name(r), (uint64_t)(after[r].packets - before[r].packets),
			       (uint64_t)(after[r].bytes - before[r].bytes));
	pf_loader_destroy(pf);
	return 0;
}
