/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_flows [FLOWS] - a benchmark, not a test: one worker with a flow
 * table of FLOWS entries (default 1,048,576) takes FLOWS distinct TLS
 * connections (SYN, then a ClientHello naming no vendor), so the table holds
 * FLOWS concurrent flows; then a pass of bulk packets over all of them.
 * The flows are made twice (made, ended by RST, made again), the first
 * time into memory --no-huge has not mapped yet.
 * Packets go in bursts of 32 (dp_worker_packets: the burst loop's lookup
 * of a burst's flows at once).  Prints ns and cycles per packet for each
 * pass and resident memory.
 */
#include <inttypes.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "dp_worker_ctx.h"
#include "tb_pkt.h"

static unsigned long
rss_mib(void)
{
	char line[256];
	unsigned long v = 0;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			v = strtoul(line + 6, NULL, 10) / 1024;
	if (f != NULL)
		fclose(f);
	return v;
}

#define TCP_PSH 0x08 /* dp_parse.h names the flags it reads; PSH is not one */

/* Flow i: client 192.0.2.(i / 60000), port 1024 + i % 60000, to 203.0.113.9:443. */
static uint32_t
frame(uint8_t *out, uint32_t i, uint8_t flags, const uint8_t *pl, uint32_t plen)
{
	struct tb_spec s = {0};

	s.family = 4;
	s.src[0] = 192, s.src[1] = 0, s.src[2] = 2, s.src[3] = (uint8_t)(i / 60000);
	s.dst[0] = 203, s.dst[1] = 0, s.dst[2] = 113, s.dst[3] = 9;
	s.proto = IPPROTO_TCP;
	s.sport = (uint16_t)(1024 + i % 60000);
	s.dport = 443;
	s.tcp_flags = flags;
	s.seq = 1000;
	s.payload = pl;
	s.plen = plen;
	return tb_frame(&s, out, 2048);
}

/* One packet with these TCP flags for each of n flows (down: last to
 * first), in bursts of 32 as the worker's loop takes them (the frames are
 * made outside the timing); ns and cycles a packet. */
static double
pass(struct dp_worker *w, uint32_t n, bool down, uint8_t flags, const uint8_t *pl, uint32_t plen,
     uint64_t *cyc)
{
	enum { BURST = 32 };
	static uint8_t f[BURST][2048];
	const uint8_t *fp[BURST];
	uint32_t lens[BURST];
	struct timespec a, b;
	uint64_t c = 0;
	double ns = 0;

	for (uint32_t i = 0; i < n; i += BURST) {
		unsigned k = n - i < BURST ? n - i : BURST;
		uint64_t t0;

		for (unsigned j = 0; j < k; j++) {
			lens[j] = frame(f[j], down ? n - 1 - (i + j) : i + j, flags, pl, plen);
			fp[j] = f[j];
		}
		clock_gettime(CLOCK_MONOTONIC, &a);
		t0 = rte_rdtsc();
		dp_worker_packets(w, fp, lens, k, 1793491200u);
		c += rte_rdtsc() - t0;
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns += (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	}
	*cyc = c / n;
	return ns / n;
}

int
main(int argc, char **argv)
{
	char *eal[] = {"bench",	      "--no-huge", "-m",
		       "3072",	      "--no-pci",  "--no-telemetry",
		       "--log-level", "*:error",   "--file-prefix",
		       "benchflows",  "-l",	   "0",
		       NULL};
	static const struct dp_match_pattern pats[] = {{"kaspersky.com", DP_MATCH_DOMAIN, 0, 0, 0}};
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1u << 20;
	struct dp_worker_cfg cfg = {
	    .flow = {.capacity = n, .idle_timeout = 120, .hard_timeout = 3600},
	    .reasm_bytes = 16384,
	    .reasm_buffers = 4096,
	    .stream_bytes = 4096,
	    .learned_capacity = 1u << 16,
	    .learned_max_ttl = 86400,
	};
	static volatile uint64_t clock_s = 1793491200u;
	static volatile bool stop;
	struct dp_worker_bind bind = {.clock = &clock_s, .stop = &stop};
	struct dp_lpm_size sz = {0};
	struct dp_lpm *orgs;
	struct dp_match *m;
	struct dp_worker *w;
	uint8_t hello[1024], bulk[1200];
	uint32_t hl;
	uint64_t cyc;
	unsigned long rss0, rss1;
	char err[128];
	int idx;
	double ns;

	if (rte_eal_init(12, eal) < 0)
		return 1;
	rss0 = rss_mib();
	orgs = dp_lpm_create("borgs", &sz, 0);
	if (orgs == NULL || dp_match_compile(pats, 1, &m, err, sizeof(err), &idx))
		return 1;
	w = dp_worker_create(0, 1, dp_gen_create(1, orgs, m, NULL, NULL, 1, 1, NULL, 0), &cfg,
			     &bind, 0);
	if (w == NULL) {
		fprintf(stderr, "bench_flows: worker: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	printf("bench_flows: flow table of %u entries (%zu bytes each, plus the index)\n", n,
	       sizeof(struct dp_flow));
	printf("  resident after EAL init %lu MiB, after the worker's tables %lu MiB\n", rss0,
	       rss_mib());
	hl = tb_tls_client_hello(hello, sizeof(hello), "www.example.org", false, 0);
	memset(bulk, 0x17, sizeof(bulk));
	/* --no-huge maps each page of the table at its first touch; with
	 * hugepages the EAL has mapped them all at start.  So the flows are
	 * made once, ended, and made again: the second is what creating a
	 * flow costs in a running worker. */
	ns = pass(w, n, false, DP_TCP_SYN, NULL, 0, &cyc);
	printf("  %u SYNs into untouched memory (page faults): %.0f ns, %" PRIu64
	       " cycles a packet\n",
	       n, ns, cyc);
	/* Ended last to first, so the freed positions come back first to
	 * last (a stack) and the flows sit where the first pass put them. */
	ns = pass(w, n, true, DP_TCP_RST, NULL, 0, &cyc);
	printf("  %u RSTs (flows ended): %.0f ns, %" PRIu64 " cycles a packet\n", n, ns, cyc);
	ns = pass(w, n, false, DP_TCP_SYN, NULL, 0, &cyc);
	printf("  %u SYNs (new flows): %.0f ns, %" PRIu64 " cycles a packet\n", n, ns, cyc);
	ns = pass(w, n, false, DP_TCP_ACK | TCP_PSH, hello, hl, &cyc);
	printf("  %u ClientHellos (inspect, decide): %.0f ns, %" PRIu64 " cycles a packet\n", n, ns,
	       cyc);
	ns = pass(w, n, false, DP_TCP_ACK | TCP_PSH, bulk, sizeof(bulk), &cyc);
	printf("  %u bulk packets (bypassed flows): %.0f ns, %" PRIu64 " cycles a packet\n", n, ns,
	       cyc);
	rss1 = rss_mib();
	printf("  flows held %" PRIu64 ", table full %" PRIu64 ", evicted %" PRIu64
	       "; resident %lu MiB: %.0f bytes a flow held (its entry, its share "
	       "of the index, its free-list slot, what the worker's other tables touched)\n",
	       dp_flow_stats_active(&w->st.flow), w->st.flow.full, w->st.flow.evicted, rss1,
	       (double)(rss1 - rss0) * 1048576.0 / n);
	dp_worker_free(w);
	dp_match_free(m);
	dp_lpm_free(orgs);
	rte_eal_cleanup();
	return 0;
}
