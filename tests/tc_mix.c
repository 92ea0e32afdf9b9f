/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tc_mix - a backbone-like capture for the benchmark (not a test's truth):
 * many concurrent long-lived TCP flows joined mid-stream (no handshake
 * seen), both directions, packets of different flows interleaved at
 * random, and a few percent handshakes of new flows (TLS and HTTP to
 * names that are not the vendor's, and to the vendor's; DNS queries).
 *
 *   tc_mix OUT.pcap --flows N [--frames-per-flow K] [--handshakes PCT]
 *          [--queues Q] [--seed S]
 *
 * Each bulk flow gets K frames, the first the server's data (so the flow
 * is in the table from the second pass of an infinite replay on), and of
 * all about 62% full-sized server data (1514-byte frames), the rest the
 * client's acknowledgements (66): about 945 bytes a frame for K >= 2.  Every
 * 5-tuple is used by one flow only (clients are 198.51.100.0/24 and
 * 192.0.2.0/24 by port, IPv6 ones in 2001:db8:c0::/48, servers in
 * 203.0.113.0/24 and 2001:db8:5e::/64), so N flows are N entries.  With
 * --queues Q the capture is also split in Q files (OUT.pcap.q0 ...) the
 * way a symmetric RSS key splits it: a flow's two directions in one.
 * Prints what it wrote: frames, flows, bytes per frame.
 */
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb_pkt.h"
#include "tb_rnd.h"

#define MAX_QUEUES 4
#define DATA_LEN 1448
#define HANDSHAKE_FRAMES 8

/* One frame to write: the flow (bulk index, or handshake index past the
 * bulk ones), and which of its frames. */
struct slot {
	uint32_t flow;
	uint16_t step;
	uint8_t kind; /* 0 bulk, 1 handshake */
};

static uint64_t rng = 1;

static uint32_t
rnd(void)
{
	return tb_rnd(&rng);
}

/* Flow i's client and server (both documentation ranges): a distinct
 * 5-tuple per index. */
static void
flow_tuple(uint32_t i, struct tb_spec *c2s)
{
	memset(c2s, 0, sizeof(*c2s));
	c2s->proto = IPPROTO_TCP;
	c2s->sport = (uint16_t)(1024 + i % 64000);
	if (i % 10 == 9) {
		uint32_t host = i / 10;

		c2s->family = 6;
		tb_addr("2001:db8:c0::", c2s->src);
		c2s->src[8] = (uint8_t)(host >> 24);
		c2s->src[9] = (uint8_t)(host >> 16);
		c2s->src[10] = (uint8_t)(host >> 8);
		c2s->src[15] = (uint8_t)host;
		tb_addr("2001:db8:5e::1", c2s->dst);
		c2s->dst[15] = (uint8_t)(1 + i % 200);
	} else {
		uint32_t host = (i / 64000) % 512;

		c2s->family = 4;
		tb_addr(host < 256 ? "198.51.100.0" : "192.0.2.0", c2s->src);
		c2s->src[3] = (uint8_t)host;
		tb_addr("203.0.113.0", c2s->dst);
		c2s->dst[3] = (uint8_t)(1 + i % 190);
	}
	/* past 512 x 64000 tuples: another server port keeps them apart */
	c2s->dport = (uint16_t)(i / (512u * 64000u) ? 8443 : 443);
}

static unsigned
queue_of(const struct tb_spec *c, unsigned n_queues)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 16; i++)
		h = (h ^ c->src[i] ^ ((uint32_t)c->dst[i] << 8)) * 16777619u;
	h = (h ^ c->sport ^ ((uint32_t)c->dport << 16)) * 16777619u;
	return n_queues > 1 ? h % n_queues : 0;
}

/* A handshake flow's frame `step`: TLS (or HTTP, or a DNS query) to a name
 * that mostly is not the vendor's. */
static uint32_t
handshake_frame(uint32_t h, unsigned step, uint8_t *frame, uint32_t cap, struct tb_spec *q)
{
	static const char *const names[] = {"www.example.com", "cdn.example.net", "api.example.org",
					    "s07.upd.kaspersky.com"};
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
	uint8_t pl[2048];
	struct tb_spec c2s, s2c;
	unsigned kind = h % 10; /* 0-6 TLS, 7-8 HTTP, 9 DNS */
	const char *name = names[h % 4];
	uint32_t len = 0;

	memset(&c2s, 0, sizeof(c2s));
	c2s.family = 4;
	c2s.proto = kind == 9 ? IPPROTO_UDP : IPPROTO_TCP;
	tb_addr("192.0.2.0", c2s.src);
	c2s.src[3] = (uint8_t)(h % 251);
	/* the client's port and a server by the handshake's index: unique */
	c2s.sport = (uint16_t)(1024 + (h / 251) % 64000);
	tb_addr("203.0.113.200", c2s.dst);
	c2s.dst[3] = (uint8_t)(200 + (h / (251u * 64000u)) % 50);
	c2s.dport = kind == 9 ? 53 : kind >= 7 ? 80 : 443;
	s2c = c2s;
	memcpy(s2c.src, c2s.dst, 16);
	memcpy(s2c.dst, c2s.src, 16);
	s2c.sport = c2s.dport;
	s2c.dport = c2s.sport;
	if (kind == 9) {
		if (step % 2 == 0) {
			len = tb_dns_query(pl, sizeof(pl), (uint16_t)h, name, 1);
			c2s.payload = pl;
			c2s.plen = len;
			*q = c2s;
		} else {
			len = tb_dns_query(pl, sizeof(pl), (uint16_t)h, name, 1);
			pl[2] |= 0x80; /* a response with no answer */
			s2c.payload = pl;
			s2c.plen = len;
			*q = s2c;
		}
		return tb_frame(q, frame, cap);
	}
	static const struct {
		int dir;
		uint8_t flags;
		int data; /* 0 none, 1 the request, 2 the server's */
	} steps[HANDSHAKE_FRAMES] = {{0, 0x02, 0}, {1, 0x12, 0}, {0, 0x10, 0}, {0, 0x18, 1},
				     {1, 0x18, 2}, {0, 0x10, 0}, {0, 0x11, 0}, {1, 0x11, 0}};
	uint32_t cseq = 1000 + h, sseq = 5000 + h;
	uint32_t req = kind >= 7 ? tb_http_get(pl, sizeof(pl), name, "/")
				 : tb_tls_client_hello(pl, sizeof(pl), name, false, 200);

	/* the sequence numbers each step finds */
	for (unsigned k = 0; k < step; k++) {
		uint32_t adv = (steps[k].flags & 0x03) ? 1 : 0;

		if (steps[k].dir == 0)
			cseq += adv + (steps[k].data == 1 ? req : 0);
		else
			sseq += adv + (steps[k].data == 2 ? (uint32_t)sizeof(ok) - 1 : 0);
	}
	*q = steps[step].dir ? s2c : c2s;
	q->tcp_flags = steps[step].flags;
	q->seq = steps[step].dir ? sseq : cseq;
	if (steps[step].data == 1) {
		q->payload = pl;
		q->plen = req;
	} else if (steps[step].data == 2) {
		q->payload = (const uint8_t *)ok;
		q->plen = sizeof(ok) - 1;
	}
	len = tb_frame(q, frame, cap);
	return len;
}

int
main(int argc, char **argv)
{
	unsigned long flows = 0, per = 1, hs_pct = 5, n_queues = 1, seed = 1;
	static uint8_t data[DATA_LEN];
	uint8_t frame[4096];
	pcap_dumper_t *all = NULL, *qd[MAX_QUEUES] = {0};
	pcap_t *dead = NULL;
	struct slot *s = NULL;
	uint64_t n, n_bulk, n_hs, bytes = 0;
	unsigned long later_server; /* per mille of a flow's later frames from the server */
	char path[4096];
	int rc = 1;

	for (int i = 2; i + 1 < argc; i += 2) {
		unsigned long v = strtoul(argv[i + 1], NULL, 10);

		if (strcmp(argv[i], "--flows") == 0)
			flows = v;
		else if (strcmp(argv[i], "--frames-per-flow") == 0)
			per = v;
		else if (strcmp(argv[i], "--handshakes") == 0)
			hs_pct = v;
		else if (strcmp(argv[i], "--queues") == 0)
			n_queues = v;
		else if (strcmp(argv[i], "--seed") == 0)
			seed = v;
		else
			argc = 0;
	}
	if (argc < 2 || argc % 2 != 0 || flows == 0 || flows > 16000000 || per == 0 || per > 64 ||
	    hs_pct > 50 || n_queues == 0 || n_queues > MAX_QUEUES) {
		fprintf(stderr,
			"usage: tc_mix OUT.pcap --flows N (1..16000000) "
			"[--frames-per-flow K (1..64)] [--handshakes PCT (0..50)] "
			"[--queues Q (1..%d)] [--seed S]\n",
			MAX_QUEUES);
		return 2;
	}
	rng = seed ? seed : 1;
	n_bulk = (uint64_t)flows * per;
	/* handshakes: pct of all frames, HANDSHAKE_FRAMES each */
	n_hs = n_bulk * hs_pct / (100 - hs_pct) / HANDSHAKE_FRAMES;
	n = n_bulk + n_hs * HANDSHAKE_FRAMES;
	if ((s = malloc(n * sizeof(*s))) == NULL)
		goto out;
	for (uint64_t i = 0; i < n_bulk; i++)
		s[i] = (struct slot){.flow = (uint32_t)(i / per), .step = (uint16_t)(i % per)};
	for (uint64_t i = 0; i < n_hs * HANDSHAKE_FRAMES; i++)
		s[n_bulk + i] = (struct slot){.flow = (uint32_t)(i / HANDSHAKE_FRAMES),
					      .step = (uint16_t)(i % HANDSHAKE_FRAMES),
					      .kind = 1};
	/* Interleaved at random; a flow's frames keep their order (a
	 * handshake's steps), re-dealt after the shuffle. */
	for (uint64_t i = n - 1; i > 0; i--) {
		uint64_t j = (((uint64_t)rnd() << 32) | rnd()) % (i + 1);
		struct slot t = s[i];

		s[i] = s[j];
		s[j] = t;
	}
	{
		uint16_t *next = calloc(n_hs + 1, sizeof(*next));

		if (next == NULL)
			goto out;
		for (uint64_t i = 0; i < n; i++)
			if (s[i].kind == 1)
				s[i].step = next[s[i].flow]++;
		free(next);
	}
	for (unsigned i = 0; i < DATA_LEN; i++)
		data[i] = (uint8_t)rnd();
	later_server = per > 1 && 620 * per > 1000 ? (unsigned)((620 * per - 1000) / (per - 1)) : 0;
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	if ((all = pcap_dump_open(dead, argv[1])) == NULL) {
		fprintf(stderr, "tc_mix: %s: %s\n", argv[1], pcap_geterr(dead));
		goto out;
	}
	for (unsigned q = 0; n_queues > 1 && q < n_queues; q++) {
		snprintf(path, sizeof(path), "%s.q%u", argv[1], q);
		if ((qd[q] = pcap_dump_open(dead, path)) == NULL) {
			fprintf(stderr, "tc_mix: %s: %s\n", path, pcap_geterr(dead));
			goto out;
		}
	}
	for (uint64_t i = 0; i < n; i++) {
		struct tb_spec c2s, q;
		struct pcap_pkthdr h;
		uint32_t len;

		if (s[i].kind == 0) {
			/* the flow's first frame is the server's data; the others
			 * such that 62% of all are */
			int server = s[i].step == 0 || rnd() % 1000 < later_server;

			flow_tuple(s[i].flow, &c2s);
			q = c2s;
			if (server) {
				memcpy(q.src, c2s.dst, 16);
				memcpy(q.dst, c2s.src, 16);
				q.sport = c2s.dport;
				q.dport = c2s.sport;
				q.payload = data;
				q.plen = DATA_LEN;
			}
			q.tcp_flags = 0x10;
			q.seq = 77777u + s[i].flow * 7u + s[i].step * (server ? DATA_LEN : 0u);
			len = tb_frame(&q, frame, sizeof(frame));
		} else {
			len = handshake_frame(s[i].flow, s[i].step, frame, sizeof(frame), &q);
			c2s = q;
			if (q.sport < q.dport) {
				/* the queue is the flow's whatever the direction */
				memcpy(c2s.src, q.dst, 16);
				memcpy(c2s.dst, q.src, 16);
				c2s.sport = q.dport;
				c2s.dport = q.sport;
			}
		}
		if (len == 0) {
			fprintf(stderr, "tc_mix: frame %llu did not fit\n", (unsigned long long)i);
			goto out;
		}
		h.ts.tv_sec = 1733011200 + (time_t)(i / 1000000);
		h.ts.tv_usec = (suseconds_t)(i % 1000000);
		h.caplen = h.len = len;
		pcap_dump((u_char *)all, &h, frame);
		if (n_queues > 1)
			pcap_dump((u_char *)qd[queue_of(&c2s, (unsigned)n_queues)], &h, frame);
		bytes += len;
	}
	printf("tc_mix: %llu frames, %lu bulk flows, %llu handshakes, %llu bytes per frame\n",
	       (unsigned long long)n, flows, (unsigned long long)n_hs,
	       (unsigned long long)(bytes / n));
	rc = 0;
out:
	if (all != NULL)
		pcap_dump_close(all);
	for (unsigned q = 0; q < MAX_QUEUES; q++)
		if (qd[q] != NULL)
			pcap_dump_close(qd[q]);
	if (dead != NULL)
		pcap_close(dead);
	free(s);
	return rc;
}
